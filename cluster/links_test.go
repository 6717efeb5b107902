package cluster

import (
	"bytes"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// collector is an actor that keeps the batches and starts it receives.
type collector struct{ got []string }

func (c *collector) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *pb.Batch:
		c.got = append(c.got, "batch@"+itoa(m.Tick))
	case *pb.TickStart:
		c.got = append(c.got, "start@"+itoa(m.Tick))
	}
}

func itoa(x int64) string { return strconv.FormatInt(x, 10) }

// inline runs every mailbox on the goroutine that sends to it, so that
// each Send has been handled when it returns.
var inline = actor.WithDispatcher(actor.NewSynchronizedDispatcher(1 << 20))

func newTestSystem(t *testing.T) *actor.ActorSystem {
	sys := actor.NewActorSystem(actor.WithLoggerFactory(
		func(*actor.ActorSystem) *slog.Logger { return slog.New(slog.DiscardHandler) }))
	t.Cleanup(sys.Shutdown)
	return sys
}

// TestHostHoldsLaterBatches: a host lets a start through only once
// the batches sent before its tick are in, and holds back the batches
// sent at or after it until the start has gone through.
func TestHostHoldsLaterBatches(t *testing.T) {
	batch := func(tick int64) *pb.Batch { return &pb.Batch{Tick: tick} }
	start := func(tick int64, expect uint64) *pb.TickStart {
		return &pb.TickStart{Tick: tick, Expect: expect}
	}
	cases := []struct {
		name string
		msgs []any
		want []string
	}{
		{"in order", []any{batch(0), start(1, 1)}, []string{"batch@0", "start@1"}},
		{"start waits", []any{start(2, 2), batch(0), batch(1)},
			[]string{"batch@0", "batch@1", "start@2"}},
		// A sibling's batch of tick 2 must not stand in for the late one
		// of tick 1.
		{"late batch", []any{start(2, 1), batch(2), batch(1)},
			[]string{"batch@1", "start@2", "batch@2"}},
		{"held until its tick", []any{batch(3), start(1, 0), start(3, 0)},
			[]string{"start@1", "start@3", "batch@3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sys := newTestSystem(t)
			col := &collector{}
			var fails []error
			h := &host{inner: col, started: -1,
				fail: func(e error) { fails = append(fails, e) }}
			gp := sys.Root.Spawn(actor.PropsFromProducer(
				func() actor.Actor { return h }, inline))
			for _, m := range c.msgs {
				sys.Root.Send(gp, m)
			}
			if !slices.Equal(col.got, c.want) || len(fails) > 0 {
				t.Errorf("passed on %v (failures %v), want %v", col.got, fails, c.want)
			}
		})
	}
}

// TestHostRefusesOldStart: a start of a tick already started breaks the
// protocol.
func TestHostRefusesOldStart(t *testing.T) {
	sys := newTestSystem(t)
	var fails []error
	h := &host{inner: &collector{}, started: -1,
		fail: func(e error) { fails = append(fails, e) }}
	gp := sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return h }, inline))
	sys.Root.Send(gp, &pb.TickStart{Tick: 4})
	sys.Root.Send(gp, &pb.TickStart{Tick: 4})
	if len(fails) != 1 || !errors.Is(fails[0], ErrJob) {
		t.Errorf("failures %v, want one ErrJob", fails)
	}
}

// TestChunksComeBackWhole: a batch cut into chunks by an outbound
// process and put together by a host is the batch sent, however the
// chunks are sized, and survives encoding.
func TestChunksComeBackWhole(t *testing.T) {
	var msgs []*pb.VertexMessage
	for i := range int32(10) {
		msgs = append(msgs, &pb.VertexMessage{At: int64(7 + i), To: 100 + i, From: i,
			Seq: uint32(i), Kind: uint32(i % 4), A: -1, B: i - 5})
	}
	for _, limit := range []int{1, 3, 10, 64} {
		b := &pb.Batch{Sender: 2, Tick: 6, Messages: msgs}
		parts := (len(msgs) + limit - 1) / limit
		whole := &pb.Batch{Sender: 2, Tick: 6}
		for i := range parts {
			mb := packBatch(b, 5, msgs[i*limit:min(len(msgs), (i+1)*limit)])
			data, err := proto.Marshal(mb)
			if err != nil {
				t.Fatal(err)
			}
			var back pb.MessageBatch
			if err := proto.Unmarshal(data, &back); err != nil {
				t.Fatal(err)
			}
			if err := unpackInto(whole, &back); err != nil {
				t.Fatal(err)
			}
		}
		if !slices.EqualFunc(whole.Messages, msgs, func(a, b *pb.VertexMessage) bool {
			return proto.Equal(a, b)
		}) {
			t.Errorf("limit %d: got %v, want %v", limit, whole.Messages, msgs)
		}
	}
	damaged := &pb.MessageBatch{Tick: 6, At: []int64{1}}
	if err := unpackInto(&pb.Batch{Tick: 6}, damaged); !errors.Is(err, ErrJob) {
		t.Errorf("damaged batch: %v", err)
	}
}

// TestAssembly: parts come back together in order; a part out of order
// is an error.
func TestAssembly(t *testing.T) {
	data := bytes.Repeat([]byte("homeostat"), 100)
	for _, size := range []int{1, 7, 900, 901, 5000} {
		parts := chunks(data, size)
		var as assembly
		var got []byte
		for i, p := range parts {
			out, done, err := as.add(uint32(i), uint32(len(parts)), p)
			if err != nil || done != (i == len(parts)-1) {
				t.Fatalf("size %d part %d: done %v, %v", size, i, done, err)
			}
			got = out
		}
		if !bytes.Equal(got, data) {
			t.Errorf("size %d: data changed", size)
		}
	}
	var as assembly
	if _, _, err := as.add(1, 3, nil); !errors.Is(err, ErrJob) {
		t.Errorf("part 1 first: %v", err)
	}
}
