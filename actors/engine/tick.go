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
		for _, w := range st.Wake {
			r.sys.Root.Send(r.net.PIDs[w.Participant], shard.NewStart(t, w.Expect))
		}
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
	for ; woken > 0; woken-- {
		done, err := r.next(ctx, woken)
		if err != nil {
			return clock.Start{}, err
		}
		st, ready, err := r.report(c, done)
		if err != nil || ready {
			return st, err
		}
	}
	return clock.Start{}, fmt.Errorf("%w: the woken actors reported but the tick "+
		"did not end", ErrProtocol)
}

// next waits for the next report, a failure or the end of ctx. Inline,
// the woken actors have reported before the clock asks, and taking a
// report without the full select saves most of the wait's cost; loop
// checks ctx now and then for that case.
func (r *run) next(ctx context.Context, woken int) (*pb.TickDone, error) {
	select {
	case done := <-r.rep.dones:
		return done, nil
	default:
	}
	select {
	case done := <-r.rep.dones:
		return done, nil
	case err := <-r.rep.failed:
		return nil, fmt.Errorf("%w: %w", ErrActor, err)
	case <-ctx.Done():
		r.drain(woken)
		return nil, ctx.Err()
	}
}

// report hands one actor's report to the coordinator and gives the
// message back to its pool.
func (r *run) report(c *clock.Coordinator, done *pb.TickDone) (clock.Start, bool, error) {
	defer shard.ReleaseDone(done)
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
// reused by the next report.
func (r *run) toClock(done *pb.TickDone) (clock.Done, error) {
	if done.Delta == nil || len(done.BatchTo) != len(done.BatchArrival) {
		return clock.Done{}, fmt.Errorf("%w: malformed report of actor %d for tick %d",
			ErrProtocol, done.Actor, done.Tick)
	}
	r.sent = r.sent[:0]
	for i, to := range done.BatchTo {
		r.sent = append(r.sent, clock.Sent{To: int(to), Arrival: done.BatchArrival[i]})
	}
	return clock.Done{Participant: int(done.Actor), Tick: done.Tick,
		NextDue: done.NextDue, Sent: r.sent, Delta: shard.DeltaFromProto(done.Delta)}, nil
}

// drain waits for the reports of a tick in progress, so that no actor
// still sends batches while the actors stop; it gives up on a failure,
// after which some reports never come.
func (r *run) drain(woken int) {
	for ; woken > 0; woken-- {
		select {
		case <-r.rep.dones:
		case <-r.rep.failed:
			return
		}
	}
}
