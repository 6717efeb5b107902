package shard

import (
	"sync"

	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/core"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Every tick protocol message is pooled: a run sends millions of them,
// and in one process each has one reader, after which it can be reused.
// A message that crossed processes is a fresh copy, and returning it to
// the pool is harmless. Batches, their messages and the scratch space of
// a tick are pooled rather than kept per actor: with one vertex per
// actor, a buffer kept by each of a million actors would cost more than
// the vertex itself.
//
// The pools are sync.Pools, shared by every run, unless a run has
// Pools of its own (Network.Pools).
var (
	startPool   = sync.Pool{New: func() any { return new(pb.TickStart) }}
	donePool    = sync.Pool{New: func() any { return newDone() }}
	batchPool   = sync.Pool{New: func() any { return new(pb.Batch) }}
	inboxPool   = sync.Pool{New: func() any { return new(inbox) }}
	outgoingSet = sync.Pool{New: func() any { return new(outgoing) }}
)

func newDone() *pb.TickDone {
	return &pb.TickDone{Delta: &pb.TickDelta{Classes: make([]int32, core.NumClasses)}}
}

// Pools are a run's own pools, for a run whose clock and actors all run
// on one goroutine: the clock carries the batches (Network.Postman) and
// every mailbox runs on the goroutine that posts to it, so no actor runs
// inside another's activation. Plain free lists then do what sync.Pool
// does at a fraction of its cost, and one scratch space of each kind is
// enough. A nil *Pools stands for the shared sync.Pools.
type Pools struct {
	starts  []*pb.TickStart
	dones   []*pb.TickDone
	batches []*pb.Batch
	inbox   inbox
	out     outgoing
}

// NewStart returns a TickStart from the shared pool for tick t; the actor
// that receives it gives it back.
func NewStart(t int64, expect uint64) *pb.TickStart {
	return (*Pools)(nil).NewStart(t, expect)
}

// ReleaseDone gives a TickDone back to the shared pool once it has been
// read, keeping the room for its batches but not the batches: the clock
// has taken them.
func ReleaseDone(done *pb.TickDone) { (*Pools)(nil).ReleaseDone(done) }

// NewStart returns a TickStart for tick t, expecting expect batches; the
// actor that receives it gives it back.
func (p *Pools) NewStart(t int64, expect uint64) *pb.TickStart {
	var st *pb.TickStart
	switch {
	case p == nil:
		st = startPool.Get().(*pb.TickStart)
	case len(p.starts) > 0:
		st = p.starts[len(p.starts)-1]
		p.starts = p.starts[:len(p.starts)-1]
	default:
		st = new(pb.TickStart)
	}
	st.Tick, st.Expect = t, expect
	return st
}

// ReleaseStart gives a TickStart back once it has been read and its
// batches delivered.
func (p *Pools) ReleaseStart(st *pb.TickStart) {
	if p == nil {
		startPool.Put(st)
		return
	}
	p.starts = append(p.starts, st)
}

// NewDone returns a TickDone for the report of tick t with delta d, and
// no batch sent yet; the clock gives it back once read.
func (p *Pools) NewDone(id int32, t int64, d *core.Delta) *pb.TickDone {
	var done *pb.TickDone
	switch {
	case p == nil:
		done = donePool.Get().(*pb.TickDone)
	case len(p.dones) > 0:
		done = p.dones[len(p.dones)-1]
		p.dones = p.dones[:len(p.dones)-1]
	default:
		done = newDone()
	}
	done.Actor, done.Tick, done.EarliestSent = id, t, clock.Never
	done.NextDue = clock.Never
	done.BatchTo, done.BatchArrival = done.BatchTo[:0], done.BatchArrival[:0]
	if done.Delta == nil {
		done.Delta = new(pb.TickDelta)
	}
	deltaToProto(done.Delta, d)
	return done
}

// ReleaseDone gives a TickDone back once it has been read, keeping the
// room for its batches but not the batches: the clock has taken them.
func (p *Pools) ReleaseDone(done *pb.TickDone) {
	clear(done.Batches)
	done.Batches = done.Batches[:0]
	if p == nil {
		donePool.Put(done)
		return
	}
	p.dones = append(p.dones, done)
}

// newBatch returns an empty Batch.
func (p *Pools) newBatch() *pb.Batch {
	switch {
	case p == nil:
		return batchPool.Get().(*pb.Batch)
	case len(p.batches) > 0:
		b := p.batches[len(p.batches)-1]
		p.batches = p.batches[:len(p.batches)-1]
		return b
	}
	return new(pb.Batch)
}

// release gives back a delivered batch, keeping its messages for reuse.
func (p *Pools) release(b *pb.Batch) {
	b.Messages = b.Messages[:0]
	if p == nil {
		batchPool.Put(b)
		return
	}
	p.batches = append(p.batches, b)
}

// getInbox and putInbox lend the scratch space of one delivery.
func (p *Pools) getInbox() *inbox {
	if p == nil {
		return inboxPool.Get().(*inbox)
	}
	return &p.inbox
}

func (p *Pools) putInbox(in *inbox) {
	if p == nil {
		inboxPool.Put(in)
	}
}

// getOutgoing and putOutgoing lend the scratch space of one send.
func (p *Pools) getOutgoing() *outgoing {
	if p == nil {
		return outgoingSet.Get().(*outgoing)
	}
	return &p.out
}

func (p *Pools) putOutgoing(o *outgoing) {
	o.reset()
	if p == nil {
		outgoingSet.Put(o)
	}
}
