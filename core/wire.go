package core

import (
	"fmt"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// PackBatch writes msgs into b's columns, replacing what they held; the
// caller sets the batch's job, tick and participants.
func PackBatch(msgs []Message, b *pb.MessageBatch) {
	n := len(msgs)
	b.At, b.To, b.From = resize(b.At, n), resize(b.To, n), resize(b.From, n)
	b.Seq, b.Kind = resize(b.Seq, n), resize(b.Kind, n)
	b.A, b.B = resize(b.A, n), resize(b.B, n)
	for i, m := range msgs {
		b.At[i], b.To[i], b.From[i], b.Seq[i] = m.At, m.To, m.From, m.Seq
		b.Kind[i], b.A[i], b.B[i] = uint32(m.Kind), m.A, m.B
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// UnpackBatch appends the messages of b to into. A batch whose columns
// disagree in length is an error: it was damaged on the way.
func UnpackBatch(b *pb.MessageBatch, into []Message) ([]Message, error) {
	n := len(b.At)
	if len(b.To) != n || len(b.From) != n || len(b.Seq) != n || len(b.Kind) != n ||
		len(b.A) != n || len(b.B) != n {
		return into, fmt.Errorf("core: message batch with columns of unequal length")
	}
	for i := range n {
		into = append(into, Message{At: b.At[i], To: b.To[i], From: b.From[i],
			Seq: b.Seq[i], Kind: Kind(b.Kind[i]), A: b.A[i], B: b.B[i]})
	}
	return into, nil
}

// MessageToProto converts one message for an actor that hosts a single
// vertex.
func MessageToProto(m Message) *pb.VertexMessage {
	return &pb.VertexMessage{At: m.At, To: m.To, From: m.From, Seq: m.Seq,
		Kind: uint32(m.Kind), A: m.A, B: m.B}
}

// MessageFromProto is the inverse of MessageToProto.
func MessageFromProto(p *pb.VertexMessage) Message {
	return Message{At: p.GetAt(), To: p.GetTo(), From: p.GetFrom(), Seq: p.GetSeq(),
		Kind: Kind(p.GetKind()), A: p.GetA(), B: p.GetB()}
}

// DeltaToProto converts a tick's delta for the tick protocol.
func DeltaToProto(d *Delta) *pb.TickDelta {
	p := &pb.TickDelta{Classes: make([]int32, NumClasses), TargetsDown: d.TargetsDown,
		DownTarget: d.DownTarget, DownCause: d.DownCause, Sent: d.Sent, Lost: d.Lost,
		Restarts: d.Restarts, Events: d.Events}
	copy(p.Classes, d.Class[:])
	return p
}

// DeltaFromProto is the inverse of DeltaToProto.
func DeltaFromProto(p *pb.TickDelta) Delta {
	d := Delta{TargetsDown: p.GetTargetsDown(), DownTarget: p.GetDownTarget(),
		DownCause: p.GetDownCause(), Sent: p.GetSent(), Lost: p.GetLost(),
		Restarts: p.GetRestarts(), Events: p.GetEvents()}
	copy(d.Class[:], p.GetClasses())
	return d
}

// CountersToProto converts a run's counters.
func CountersToProto(c *Counters) *pb.Counters {
	return &pb.Counters{Events: c.Events, ControlSent: c.ControlSent,
		ControlLost: c.ControlLost, Restarts: c.Restarts, Escalations: c.Escalations,
		InstancesAdded: c.InstancesAdded, PlacementFailures: c.PlacementFailures,
		DuplicateRestarts: c.DuplicateRestarts, OverProvisioned: c.OverProvisioned}
}

// CountersFromProto is the inverse of CountersToProto.
func CountersFromProto(p *pb.Counters) Counters {
	return Counters{Events: p.GetEvents(), ControlSent: p.GetControlSent(),
		ControlLost: p.GetControlLost(), Restarts: p.GetRestarts(),
		Escalations: p.GetEscalations(), InstancesAdded: p.GetInstancesAdded(),
		PlacementFailures: p.GetPlacementFailures(),
		DuplicateRestarts: p.GetDuplicateRestarts(), OverProvisioned: p.GetOverProvisioned()}
}

// ResultToProto packs the results of a shard that has finished its run.
func (s *Shard) ResultToProto() *pb.ShardResult {
	all := make([]VertexResult, s.w.Size())
	s.Results(all)
	p := &pb.ShardResult{Counters: CountersToProto(&s.counters)}
	for _, v := range s.Vertices() {
		r := &all[v]
		p.Vertex = append(p.Vertex, v)
		p.AvailableTicks = append(p.AvailableTicks, r.AvailableTicks)
		p.Outages = append(p.Outages, r.Outages)
		p.Restarts = append(p.Restarts, r.Restarts)
		p.Hash = append(p.Hash, r.Hash)
		p.Class = append(p.Class, uint32(r.Class))
	}
	return p
}

// ResultFromProto writes a shard's packed results into out, indexed by
// vertex, and returns its counters.
func ResultFromProto(p *pb.ShardResult, out []VertexResult) (Counters, error) {
	n := len(p.GetVertex())
	if len(p.AvailableTicks) != n || len(p.Outages) != n || len(p.Restarts) != n ||
		len(p.Hash) != n || len(p.Class) != n {
		return Counters{}, fmt.Errorf("core: shard result with columns of unequal length")
	}
	for i, v := range p.Vertex {
		if v < 0 || int(v) >= len(out) {
			return Counters{}, fmt.Errorf("core: shard result for vertex %d of %d", v, len(out))
		}
		out[v] = VertexResult{AvailableTicks: p.AvailableTicks[i], Outages: p.Outages[i],
			Restarts: p.Restarts[i], Hash: p.Hash[i], Class: Class(p.Class[i])}
	}
	return CountersFromProto(p.GetCounters()), nil
}
