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
	startPool   = sync.Pool{New: func() any { return newStart() }}
	donePool    = sync.Pool{New: func() any { return newDone() }}
	batchPool   = sync.Pool{New: func() any { return newBatch() }}
	inboxPool   = sync.Pool{New: func() any { return new(inbox) }}
	outgoingSet = sync.Pool{New: func() any { return new(outgoing) }}
)

func newStart() *pb.TickStart { return new(pb.TickStart) }
func newBatch() *pb.Batch     { return new(pb.Batch) }

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
	starts  freeList[*pb.TickStart]
	dones   freeList[*pb.TickDone]
	batches freeList[*pb.Batch]
	inbox   inbox
	out     outgoing
}

// freeList is a stack of things given back, to hand out again.
type freeList[T any] []T

// get takes the thing given back last, or makes one with fresh.
func (l *freeList[T]) get(fresh func() T) T {
	n := len(*l)
	if n == 0 {
		return fresh()
	}
	x := (*l)[n-1]
	*l = (*l)[:n-1]
	return x
}

func (l *freeList[T]) put(x T) { *l = append(*l, x) }

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
	if p == nil {
		st = startPool.Get().(*pb.TickStart)
	} else {
		st = p.starts.get(newStart)
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
	p.starts.put(st)
}

// NewDone returns a TickDone for the report of tick t with delta d, and
// no batch sent yet; the clock gives it back once read.
func (p *Pools) NewDone(id int32, t int64, d *core.Delta) *pb.TickDone {
	var done *pb.TickDone
	if p == nil {
		done = donePool.Get().(*pb.TickDone)
	} else {
		done = p.dones.get(newDone)
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
	p.dones.put(done)
}

// newBatch returns an empty Batch.
func (p *Pools) newBatch() *pb.Batch {
	if p == nil {
		return batchPool.Get().(*pb.Batch)
	}
	return p.batches.get(newBatch)
}

// release gives back a delivered batch, keeping its messages for reuse.
func (p *Pools) release(b *pb.Batch) {
	b.Messages = b.Messages[:0]
	if p == nil {
		batchPool.Put(b)
		return
	}
	p.batches.put(b)
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
