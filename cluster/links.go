package cluster

import (
	"fmt"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Bounds on what one remote message carries. The endpoint writer of
// protoactor remote packs up to writerBatch messages into one gRPC
// message, so the largest gRPC message is about writerBatch times the
// largest chunk, well under maxRecvBytes: above gRPC's receive limit a
// stream dies without a word.
const (
	// DefaultChunkMessages is the most vertex messages in one BatchChunk:
	// at most a few dozen bytes each packed, so a chunk stays under a
	// megabyte.
	DefaultChunkMessages = 16384
	// DefaultChunkBytes is the size of the parts a setup or a member's
	// results are cut into.
	DefaultChunkBytes = 512 << 10
	writerBatch       = 32
	maxRecvBytes      = 64 << 20
)

// traffic counts the vertex messages a member sends to others and
// receives from them.
type traffic struct {
	msgsOut, msgsIn, chunksOut, bytesOut atomic.Uint64
}

func (t *traffic) sent(msgs, bytes int) {
	t.msgsOut.Add(uint64(msgs))
	t.chunksOut.Add(1)
	t.bytesOut.Add(uint64(bytes))
}

// gauge is a mailbox middleware that counts the messages waiting in the
// mailboxes it is attached to: the queue depths /metrics shows.
type gauge struct{ n atomic.Int64 }

func (g *gauge) MailboxStarted()     {}
func (g *gauge) MessagePosted(any)   { g.n.Add(1) }
func (g *gauge) MessageReceived(any) { g.n.Add(-1) }
func (g *gauge) MailboxEmpty()       {}
func (g *gauge) depth() int          { return int(max(0, g.n.Load())) }

// outbound stands, on one member, for a shard actor on another. It is a
// protoactor process rather than an actor: a local shard actor's Send of
// a Batch calls it on the sender's goroutine, with no mailbox hop, and it
// sends the messages on over remote in BatchChunk parts of at most limit
// messages, packed column by column. The receiving member's host puts
// them back together. Two shard actors may send at once; each sends its
// own batch's parts in order, and the host keeps the senders apart.
type outbound struct {
	sys   *actor.ActorSystem
	dest  int32      // the shard actor it stands for
	to    *actor.PID // that actor's host
	limit int
	count []*traffic // the run's and the node's
}

var _ actor.Process = (*outbound)(nil)

// SendUserMessage implements actor.Process.
func (o *outbound) SendUserMessage(_ *actor.PID, msg any) {
	b, ok := actor.UnwrapEnvelopeMessage(msg).(*pb.Batch)
	if !ok {
		return
	}
	parts := max(1, (len(b.Messages)+o.limit-1)/o.limit)
	for i := range parts {
		msgs := b.Messages[i*o.limit : min(len(b.Messages), (i+1)*o.limit)]
		c := &pb.BatchChunk{Batch: packBatch(b, o.dest, msgs), Part: uint32(i),
			Parts: uint32(parts)}
		size := proto.Size(c)
		for _, t := range o.count {
			t.sent(len(msgs), size)
		}
		o.sys.Root.Send(o.to, c)
	}
}

// SendSystemMessage implements actor.Process; there is nothing to stop.
func (o *outbound) SendSystemMessage(*actor.PID, any) {}

// Stop implements actor.Process.
func (o *outbound) Stop(*actor.PID) {}

// packBatch packs msgs of batch b for shard actor dest.
func packBatch(b *pb.Batch, dest int32, msgs []*pb.VertexMessage) *pb.MessageBatch {
	n := len(msgs)
	mb := &pb.MessageBatch{Tick: b.Tick, FromParticipant: uint32(b.Sender),
		ToParticipant: uint32(dest), At: make([]int64, n), To: make([]int32, n),
		From: make([]int32, n), Seq: make([]uint32, n), Kind: make([]uint32, n),
		A: make([]int32, n), B: make([]int32, n)}
	for i, m := range msgs {
		mb.At[i], mb.To[i], mb.From[i], mb.Seq[i] = m.At, m.To, m.From, m.Seq
		mb.Kind[i], mb.A[i], mb.B[i] = m.Kind, m.A, m.B
	}
	return mb
}

// unpackInto appends the messages of mb to b.
func unpackInto(b *pb.Batch, mb *pb.MessageBatch) error {
	n := len(mb.At)
	if len(mb.To) != n || len(mb.From) != n || len(mb.Seq) != n ||
		len(mb.Kind) != n || len(mb.A) != n || len(mb.B) != n || mb.Tick != b.Tick {
		return fmt.Errorf("%w: damaged batch part from shard actor %d",
			ErrJob, mb.FromParticipant)
	}
	vms := make([]pb.VertexMessage, n)
	for i := range vms {
		vm := &vms[i]
		vm.At, vm.To, vm.From, vm.Seq = mb.At[i], mb.To[i], mb.From[i], mb.Seq[i]
		vm.Kind, vm.A, vm.B = mb.Kind[i], mb.A[i], mb.B[i]
		b.Messages = append(b.Messages, vm)
	}
	return nil
}

// host is the protoactor actor of a shard actor in a cluster: the shard
// actor (in its kind's shell) with, in the same mailbox, what a cluster
// needs in front of it. It puts the BatchChunk parts that other members
// send back together, and it keeps the tick protocol's count exact.
//
// A shard actor runs tick T once it has received as many batches as the
// clock counted for it, which are those sent before T. In one process a
// batch is in its receiver's mailbox before its sender reports, so only
// those batches can make up the count. Across members a batch of tick
// T-1 may still be on the wire when a shard actor running T sends a
// batch of T that would make up the count in its place, and T would run
// without the late one. So the host holds back every batch sent at or
// after the tick the shard actor is to run next, and passes a start on
// once the batches sent before its tick are all in.
type host struct {
	id      int32
	inner   actor.Actor          // the shard actor
	partial map[uint32]*pb.Batch // batches still arriving in parts, by sender
	started int64                // the last tick passed on
	pending *pb.TickStart        // a start waiting for its batches
	given   uint64               // batches passed on since the run began
	held    []*pb.Batch          // batches of ticks not yet started, in order
	over    bool                 // the run has ended: drop everything
	count   []*traffic
	fail    func(error)
}

// finishRun ends a host's run: from then on it drops what comes and
// leaves the shard's core alone. done is closed once it has.
type finishRun struct{ done chan struct{} }

// Receive implements actor.Actor.
func (h *host) Receive(ctx actor.Context) {
	defer recoverTo(h.fail, "the host of shard actor %d", h.id)
	switch m := ctx.Message().(type) {
	case *finishRun:
		h.over = true
		close(m.done)
	case *pb.BatchChunk:
		if err := h.chunk(ctx, m); err != nil {
			h.fail(err)
		}
	case *pb.Batch:
		h.batch(ctx, m)
	case *pb.TickStart:
		h.start(ctx, m)
	default:
		h.inner.Receive(ctx) // Started, Stopping, Stopped
	}
}

// chunk adds a part of a batch from another member.
func (h *host) chunk(ctx actor.Context, c *pb.BatchChunk) error {
	mb := c.GetBatch()
	if h.over {
		return nil
	}
	if mb == nil || int32(mb.ToParticipant) != h.id || c.Part >= c.Parts {
		return fmt.Errorf("%w: stray batch part for shard actor %d", ErrJob, h.id)
	}
	from := mb.FromParticipant
	b := h.partial[from]
	if b == nil {
		if c.Part != 0 {
			return fmt.Errorf("%w: part %d of a batch from shard actor %d to %d "+
				"came first", ErrJob, c.Part, from, h.id)
		}
		b = &pb.Batch{Sender: int32(from), Tick: mb.Tick}
		h.partial[from] = b
	}
	if err := unpackInto(b, mb); err != nil {
		return err
	}
	for _, t := range h.count {
		t.msgsIn.Add(uint64(len(mb.At)))
	}
	if c.Part+1 == c.Parts {
		delete(h.partial, from)
		h.batch(ctx, b)
	}
	return nil
}

// batch passes a batch on, or holds it while it was sent at or after
// the tick to run next.
func (h *host) batch(ctx actor.Context, b *pb.Batch) {
	switch {
	case h.over:
	case h.pending != nil && b.Tick < h.pending.Tick,
		h.pending == nil && b.Tick <= h.started:
		h.pass(ctx, b)
		h.tryStart(ctx)
	default:
		h.held = append(h.held, b)
	}
}

func (h *host) start(ctx actor.Context, st *pb.TickStart) {
	if h.over {
		return
	}
	if h.pending != nil || st.Tick <= h.started {
		h.fail(fmt.Errorf("%w: shard actor %d: start of tick %d after tick %d",
			ErrJob, h.id, st.Tick, h.started))
		return
	}
	h.pending = st
	h.releaseTo(ctx, st.Tick-1)
	h.tryStart(ctx)
}

// deliver hands the shard actor a message in the host's own turn.
func (h *host) deliver(ctx actor.Context, msg any) {
	h.inner.Receive(&withMessage{Context: ctx, msg: msg})
}

// withMessage is the host's context with another message in it.
type withMessage struct {
	actor.Context
	msg any
}

// Message implements actor.Context.
func (w *withMessage) Message() any { return w.msg }

func (h *host) pass(ctx actor.Context, b *pb.Batch) {
	h.given++
	h.deliver(ctx, b)
}

// releaseTo passes on the held batches sent at or before tick t.
func (h *host) releaseTo(ctx actor.Context, t int64) {
	kept := h.held[:0]
	for _, b := range h.held {
		if b.Tick <= t {
			h.pass(ctx, b)
		} else {
			kept = append(kept, b)
		}
	}
	clear(h.held[len(kept):])
	h.held = kept
}

// tryStart passes the pending start on once its batches are all in, and
// then the batches held for the tick it starts.
func (h *host) tryStart(ctx actor.Context) {
	st := h.pending
	if st == nil || h.given < st.Expect {
		return
	}
	h.pending, h.started = nil, st.Tick
	h.deliver(ctx, st)
	h.releaseTo(ctx, h.started)
}

// inbox is a coordinator's inbox as a protoactor process: what members
// send it goes straight into its queue from the goroutine that received
// it, with no mailbox hop.
type inbox struct{ q *mailq }

var _ actor.Process = inbox{}

// SendUserMessage implements actor.Process.
func (in inbox) SendUserMessage(_ *actor.PID, msg any) {
	switch m := actor.UnwrapEnvelopeMessage(msg).(type) {
	case *pb.SetupDone, *pb.RunReady, *pb.TickDone, *pb.ResultChunk, *pb.JobFailure:
		in.q.put(m)
	}
}

// SendSystemMessage implements actor.Process.
func (inbox) SendSystemMessage(*actor.PID, any) {}

// Stop implements actor.Process.
func (inbox) Stop(*actor.PID) {}

// recoverTo turns a panic into a failure report, naming what panicked.
func recoverTo(fail func(error), format string, args ...any) {
	if r := recover(); r != nil {
		fail(fmt.Errorf("%w: %s panicked: %v", ErrJob, fmt.Sprintf(format, args...), r))
	}
}
