package shard

import (
	"github.com/homeostat/homeostat/core"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// MessageToProto writes core message m into vm.
func MessageToProto(vm *pb.VertexMessage, m *core.Message) {
	vm.At, vm.To, vm.From, vm.Seq = m.At, m.To, m.From, m.Seq
	vm.Kind, vm.A, vm.B = uint32(m.Kind), m.A, m.B
}

// MessageFromProto is the core message that vm carries.
func MessageFromProto(vm *pb.VertexMessage) core.Message {
	return core.Message{At: vm.At, To: vm.To, From: vm.From, Seq: vm.Seq,
		Kind: core.Kind(vm.Kind), A: vm.A, B: vm.B}
}

// DeltaToProto is the protobuf form of a tick's delta.
func DeltaToProto(d *core.Delta) *pb.TickDelta {
	p := new(pb.TickDelta)
	deltaToProto(p, d)
	return p
}

// deltaToProto writes d into p, reusing p's classes.
func deltaToProto(p *pb.TickDelta, d *core.Delta) {
	p.Classes = append(p.Classes[:0], d.Class[:]...)
	p.TargetsDown, p.DownTarget, p.DownCause = d.TargetsDown, d.DownTarget, d.DownCause
	p.Sent, p.Lost, p.Restarts, p.Events = d.Sent, d.Lost, d.Restarts, d.Events
}

// DeltaFromProto is the core form of a tick's delta; classes beyond
// those the core knows are ignored.
func DeltaFromProto(p *pb.TickDelta) core.Delta {
	d := core.Delta{TargetsDown: p.TargetsDown, DownTarget: p.DownTarget,
		DownCause: p.DownCause, Sent: p.Sent, Lost: p.Lost,
		Restarts: p.Restarts, Events: p.Events}
	copy(d.Class[:], p.Classes)
	return d
}
