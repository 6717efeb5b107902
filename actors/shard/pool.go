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
// the pool is harmless.
var (
	startPool = sync.Pool{New: func() any { return new(pb.TickStart) }}
	donePool  = sync.Pool{New: func() any {
		return &pb.TickDone{Delta: &pb.TickDelta{Classes: make([]int32, core.NumClasses)}}
	}}
)

// NewStart returns a TickStart for tick t from the pool; the actor that
// receives it gives it back.
func NewStart(t int64, expect uint64) *pb.TickStart {
	st := startPool.Get().(*pb.TickStart)
	st.Tick, st.Expect = t, expect
	return st
}

// ReleaseStart gives a TickStart back to the pool once it has been read
// and its batches delivered.
func ReleaseStart(st *pb.TickStart) { startPool.Put(st) }

// NewDone returns a TickDone from the pool for the report of tick t with
// delta d, and no batch sent yet; the clock gives it back once read.
func NewDone(id int32, t int64, d *core.Delta) *pb.TickDone {
	done := donePool.Get().(*pb.TickDone)
	done.Actor, done.Tick, done.EarliestSent = id, t, clock.Never
	done.NextDue = clock.Never
	done.BatchTo, done.BatchArrival = done.BatchTo[:0], done.BatchArrival[:0]
	if done.Delta == nil {
		done.Delta = new(pb.TickDelta)
	}
	deltaToProto(done.Delta, d)
	return done
}

// ReleaseDone gives a TickDone back to the pool once it has been read,
// keeping the room for its batches but not the batches: the clock has
// taken them.
func ReleaseDone(done *pb.TickDone) {
	clear(done.Batches)
	done.Batches = done.Batches[:0]
	donePool.Put(done)
}
