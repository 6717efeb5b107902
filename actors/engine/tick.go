package engine

import (
	"context"
	"fmt"

	"github.com/homeostat/homeostat/actors/shard"
	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/core"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// progressEvery is how many ticks run between progress calls and
// checks of the context.
const progressEvery = 1 << 12

// loop runs ticks until the job's end. Every shard actor is a
// participant of the clock.Coordinator, which keeps their due ticks,
// picks the next tick and says whom to wake for it.
func (r *run) loop(ctx context.Context) error {
	c := clock.NewCoordinator(len(r.shards), r.job.Duration)
	st, err := r.open(c)
	for n := 1; err == nil && st.Tick != clock.Never; n++ {
		t := st.Tick
		if len(st.Wake) == 0 {
			return fmt.Errorf("%w: tick %d wakes no actor", ErrProtocol, t)
		}
		r.wake(t, st.Wake)
		if st, err = r.collect(ctx, c, len(st.Wake)); err != nil {
			return err
		}
		r.col.Tick(t, c.Last())
		if n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if r.job.Progress != nil {
				r.job.Progress(t, r.col.EventsSoFar())
			}
		}
	}
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	return nil
}

// wake sends each woken actor its start of tick t, with the batches the
// clock carries for it.
func (r *run) wake(t int64, wake []clock.Wake) {
	r.warm(wake)
	for _, w := range wake {
		st := r.net.Pools.NewStart(t, w.Expect)
		st.Batches = r.post.take(int32(w.Participant), st.Batches)
		r.send(w.Participant, st)
	}
}

// warm reads, for each actor about to be woken, the first words of what
// its activation walks through: its mailbox, its actor context, the
// shard actor and its core. With one vertex per actor every one of them
// is cold in the cache, and an activation would wait for each miss in
// turn; read here for all the tick's actors in one loop, the misses of
// different actors overlap. With fewer, larger actors, which stay in
// the cache, it does nothing; in parallel, or with batches sent
// straight, actors may still be at work on their own goroutines, and it
// does nothing either.
func (r *run) warm(wake []clock.Wake) {
	if r.own == nil || len(wake) < 2 {
		return
	}
	x := 0
	for _, w := range wake {
		i := w.Participant
		x += r.own[i].warm() + int(r.base[i].Warm()) + int(r.shards[i].Warm())
	}
	r.heat += x
}

// open makes the report that opens the run on behalf of every shard,
// which no actor has touched yet, and returns the first Start.
func (r *run) open(c *clock.Coordinator) (clock.Start, error) {
	st := clock.Start{Tick: clock.Never} // a model without vertices
	for i, sh := range r.shards {
		var err error
		st, _, err = c.Report(clock.Done{Participant: i, Tick: -1,
			NextDue: sh.NextDue(), Delta: core.NoDelta})
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

// collect takes the reports of the woken actors and returns the next
// Start, which the coordinator gives with the last report.
func (r *run) collect(ctx context.Context, c *clock.Coordinator,
	woken int) (clock.Start, error) {
	for woken > 0 {
		dones, err := r.next(ctx, woken)
		if err != nil {
			return clock.Start{}, err
		}
		for i, done := range dones {
			woken--
			st, ready, err := r.report(c, done)
			if err != nil || ready {
				if woken > 0 || i < len(dones)-1 {
					err = fmt.Errorf("%w: a tick ended with reports to come", ErrProtocol)
				}
				return st, err
			}
		}
	}
	return clock.Start{}, fmt.Errorf("%w: the woken actors reported but the tick "+
		"did not end", ErrProtocol)
}

// next waits for the next reports, a failure or the end of ctx, and
// returns the reports, which the next call overwrites. Inline, the woken
// actors have reported before the clock asks and it never waits; loop
// checks ctx now and then for that case.
func (r *run) next(ctx context.Context, woken int) ([]*pb.TickDone, error) {
	for {
		r.dones = r.rep.take(r.dones[:0])
		if len(r.dones) > 0 {
			return r.dones, nil
		}
		err := r.rep.wait(ctx)
		if ctx.Err() != nil {
			r.drain(woken)
			return nil, ctx.Err()
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrActor, err)
		}
	}
}

// report hands one actor's report to the coordinator and gives the
// message back to its pool.
func (r *run) report(c *clock.Coordinator, done *pb.TickDone) (clock.Start, bool, error) {
	defer r.net.Pools.ReleaseDone(done)
	d, err := r.toClock(done)
	if err != nil {
		return clock.Start{}, false, err
	}
	st, ready, err := c.Report(d)
	if err != nil {
		return st, false, fmt.Errorf("engine: %w", err)
	}
	return st, ready, nil
}

// toClock is the coordinator's form of a report. Its list of batches is
// reused by the next report. When the clock is the postman, the batches
// of the report go into the postbox.
func (r *run) toClock(done *pb.TickDone) (clock.Done, error) {
	if !r.wellFormed(done) {
		return clock.Done{}, fmt.Errorf("%w: malformed report of actor %d for tick %d",
			ErrProtocol, done.Actor, done.Tick)
	}
	r.sent = r.sent[:0]
	for i, to := range done.BatchTo {
		r.sent = append(r.sent, clock.Sent{To: int(to), Arrival: done.BatchArrival[i]})
	}
	for i, b := range done.Batches {
		r.post.put(done.BatchTo[i], b)
	}
	return clock.Done{Participant: int(done.Actor), Tick: done.Tick,
		NextDue: done.NextDue, Sent: r.sent, Delta: shard.DeltaFromProto(done.Delta)}, nil
}

// wellFormed checks what the coordinator does not: a delta, an arrival
// for every batch, and, when the clock is the postman, the batches
// themselves for receivers that exist.
func (r *run) wellFormed(done *pb.TickDone) bool {
	n := len(done.BatchTo)
	if done.Delta == nil || len(done.BatchArrival) != n {
		return false
	}
	if !r.net.Postman {
		return len(done.Batches) == 0
	}
	if len(done.Batches) != n {
		return false
	}
	for _, to := range done.BatchTo {
		if to < 0 || int(to) >= len(r.shards) {
			return false
		}
	}
	return true
}

// drain waits for the reports of a tick in progress, so that no actor
// still sends batches while the actors stop; it gives up on a failure,
// after which some reports never come.
func (r *run) drain(woken int) {
	for woken > 0 {
		dones := r.rep.take(r.dones[:0])
		for _, done := range dones {
			r.net.Pools.ReleaseDone(done)
		}
		woken -= len(dones)
		// Wait only after a take that found nothing: only that one
		// asks the next report to wake the clock.
		if len(dones) == 0 && r.rep.wait(context.Background()) != nil {
			return
		}
	}
}
