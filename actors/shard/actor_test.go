package shard

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// pair is two services, b depending on a, that never fail on their own.
const pair = `
name: pair
vertices:
  - {id: a, failure: {exponential: {mttf: 100000d}}}
  - {id: b, depends_on: [a], failure: {exponential: {mttf: 100000d}}}
`

// recorder is a Reporter that keeps what it is told.
type recorder struct {
	dones   []*pb.TickDone
	fails   []error
	stopped []int32
}

func (r *recorder) Report(done *pb.TickDone) { r.dones = append(r.dones, done) }
func (r *recorder) Fail(err error)           { r.fails = append(r.fails, err) }
func (r *recorder) Stopped(id int32)         { r.stopped = append(r.stopped, id) }

// sink is an actor that keeps the batches it receives.
type sink struct{ batches []*pb.Batch }

func (s *sink) Receive(ctx actor.Context) {
	if b, ok := ctx.Message().(*pb.Batch); ok {
		s.batches = append(s.batches, b)
	}
}

// harness runs one shard actor, hosting shard id of the pair split one
// vertex per shard, with the other shard's PID pointing at a sink. Every
// mailbox runs on the sending goroutine, so that each Send has been
// handled when it returns.
type harness struct {
	sys  *actor.ActorSystem
	pid  *actor.PID
	rec  *recorder
	sink *sink
	g    *model.Graph
}

func newHarness(t *testing.T, id int, run core.Run,
	wrap func(clock.Participant) clock.Participant) *harness {
	t.Helper()
	m, _, err := model.Decode("pair.yaml", []byte(pair))
	if err != nil {
		t.Fatal(err)
	}
	g, err := model.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	w, err := core.NewWorld(g)
	if err != nil {
		t.Fatal(err)
	}
	p, err := core.NewPartition([]int32{0, 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{rec: &recorder{}, sink: &sink{}, g: g}
	h.sys = actor.NewActorSystem(actor.WithLoggerFactory(
		func(*actor.ActorSystem) *slog.Logger { return slog.New(slog.DiscardHandler) }))
	t.Cleanup(h.sys.Shutdown)
	var c clock.Participant = core.NewShard(w, p, id, run)
	if wrap != nil {
		c = wrap(c)
	}
	net := &Network{Owner: p.Owner, PIDs: make([]*actor.PID, 2), Reporter: h.rec}
	a, err := New(Config{ID: int32(id), Graph: g, Vertices: p.Members[id], Core: c,
		Net: net}, pb.Kind_KIND_SERVICE)
	if err != nil {
		t.Fatal(err)
	}
	inline := actor.WithDispatcher(actor.NewSynchronizedDispatcher(1 << 20))
	h.pid = h.sys.Root.Spawn(actor.PropsFromProducer(
		func() actor.Actor { return &a }, inline))
	net.PIDs[id] = h.pid
	net.PIDs[1-id] = h.sys.Root.Spawn(actor.PropsFromProducer(
		func() actor.Actor { return h.sink }, inline))
	return h
}

func (h *harness) send(msg any) { h.sys.Root.Send(h.pid, msg) }

// downFromA is a batch telling b that a went down at tick at-1.
func downFromA(at int64) *pb.Batch {
	return &pb.Batch{Sender: 0, Tick: at - 1, Messages: []*pb.VertexMessage{
		{At: at, To: 1, From: 0, Kind: uint32(core.KindDown), A: 0, B: 0}}}
}

// TestStartWaitsForBatches: a start that counts a batch not yet
// received waits for it, then runs the tick with the batch's message.
func TestStartWaitsForBatches(t *testing.T) {
	h := newHarness(t, 1, core.Run{Seed: 1}, nil)
	h.send(NewStart(5, 1))
	if len(h.rec.dones) != 0 {
		t.Fatalf("ran tick 5 before its batch arrived: %+v", h.rec.dones)
	}
	h.send(downFromA(5))
	if len(h.rec.dones) != 1 {
		t.Fatalf("got %d reports after the batch, want 1 (failures %v)",
			len(h.rec.dones), h.rec.fails)
	}
	d := h.rec.dones[0]
	if d.Tick != 5 || d.Actor != 1 || d.Delta.Events != 1 {
		t.Errorf("report %+v, want tick 5 of actor 1 with one event", d)
	}
	if got := d.Delta.Classes[core.Impaired]; got != 1 {
		t.Errorf("impaired vertices changed by %d, want 1", got)
	}
	if d.NextDue <= 5 {
		t.Errorf("next due tick %d, want after tick 5", d.NextDue)
	}
}

// TestSendsOneBatchPerDestination: when a fails, its actor sends b's
// actor one batch with the down message and reports whom it sent what.
func TestSendsOneBatchPerDestination(t *testing.T) {
	run := core.Run{Seed: 1, Injections: []core.Injection{{Vertex: 0, At: 3}}}
	h := newHarness(t, 0, run, nil)
	h.send(NewStart(3, 0))
	if len(h.rec.dones) != 1 || len(h.sink.batches) != 1 {
		t.Fatalf("got %d reports and %d batches, want 1 and 1 (failures %v)",
			len(h.rec.dones), len(h.sink.batches), h.rec.fails)
	}
	d, b := h.rec.dones[0], h.sink.batches[0]
	if len(d.BatchTo) != 1 || d.BatchTo[0] != 1 || d.BatchArrival[0] != 4 ||
		d.EarliestSent != 4 {
		t.Errorf("report says batches to %v arriving %v (earliest %d), want [1] [4] 4",
			d.BatchTo, d.BatchArrival, d.EarliestSent)
	}
	want := core.Message{At: 4, To: 1, From: 0, Kind: core.KindDown, A: 0, B: 0}
	if len(b.Messages) != 1 || MessageFromProto(b.Messages[0]) != want {
		t.Errorf("batch %+v, want one message %+v", b.Messages, want)
	}
	if b.Sender != 0 || b.Tick != 3 {
		t.Errorf("batch from actor %d in tick %d, want actor 0 in tick 3", b.Sender, b.Tick)
	}
}

// panicking is a core that panics in every tick.
type panicking struct{ clock.Participant }

func (panicking) Step(int64) ([]core.Message, core.Delta) { panic("core broke") }

// TestFailures: a panic, a second start while one waits, and a message
// for a vertex the actor does not hold are each reported as a failure,
// after which the actor runs nothing; a stopped actor says so.
func TestFailures(t *testing.T) {
	cases := []struct {
		name string
		wrap func(clock.Participant) clock.Participant
		msgs []any
		want error
	}{
		{"panic", func(p clock.Participant) clock.Participant { return panicking{p} },
			[]any{NewStart(1, 0)}, ErrPanic},
		{"two starts", nil, []any{NewStart(5, 1), NewStart(6, 1)}, ErrProtocol},
		{"not owned", nil, []any{&pb.Batch{Messages: []*pb.VertexMessage{
			{At: 2, To: 0, Kind: uint32(core.KindDown)}}}}, core.ErrNotOwned},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, 1, core.Run{Seed: 1}, c.wrap)
			for _, m := range c.msgs {
				h.send(m)
			}
			h.send(downFromA(5))
			if len(h.rec.fails) != 1 || !errors.Is(h.rec.fails[0], c.want) {
				t.Errorf("failures %v, want one %v", h.rec.fails, c.want)
			}
			if len(h.rec.dones) != 0 {
				t.Errorf("a broken actor reported %d ticks", len(h.rec.dones))
			}
			h.sys.Root.Stop(h.pid)
			if len(h.rec.stopped) != 1 || h.rec.stopped[0] != 1 {
				t.Errorf("stopped reports %v, want [1]", h.rec.stopped)
			}
		})
	}
}

// TestCheckKind: a shell refuses vertices of another kind.
func TestCheckKind(t *testing.T) {
	h := newHarness(t, 0, core.Run{Seed: 1}, nil)
	if err := CheckKind(h.g, []int32{0, 1}, pb.Kind_KIND_SERVICE); err != nil {
		t.Errorf("services as services: %v", err)
	}
	err := CheckKind(h.g, []int32{1}, pb.Kind_KIND_VMHOST)
	if !errors.Is(err, ErrKind) {
		t.Errorf("a service as a VM host: got %v, want ErrKind", err)
	}
}

// TestConvert: messages and deltas survive the trip through their
// protobuf forms.
func TestConvert(t *testing.T) {
	m := core.Message{At: 1 << 40, To: 7, From: -3, Seq: 1<<32 - 1,
		Kind: core.KindPlaced, A: -1, B: 1 << 30}
	var vm pb.VertexMessage
	MessageToProto(&vm, &m)
	if got := MessageFromProto(&vm); got != m {
		t.Errorf("message %+v came back as %+v", m, got)
	}
	d := core.Delta{Class: [core.NumClasses]int32{-1, 2, -3, 4, -5}, TargetsDown: 2,
		DownTarget: 9, DownCause: 4, Sent: 5, Lost: 1, Restarts: 3, Events: 1 << 35}
	if got := DeltaFromProto(DeltaToProto(&d)); got != d {
		t.Errorf("delta %+v came back as %+v", d, got)
	}
}
