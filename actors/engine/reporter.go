package engine

import (
	"context"
	"sync"
	"sync/atomic"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// reporter takes the shard actors' reports for the clock. Report never
// blocks. The clock takes the reports that have come all at once, and
// waits on a channel only when none has: inline, the woken actors have
// all reported by the time the clock looks, and a lock per tick costs
// less than a channel operation per report.
type reporter struct {
	mu      sync.Mutex
	dones   []*pb.TickDone // reports the clock has not taken yet
	waiting bool           // the clock found none and waits on ready
	ready   chan struct{}  // room for one: a report came while the clock waited
	failed  chan error     // the first failure; later ones add nothing
	stopped chan struct{}  // closed when the last live actor stops
	live    atomic.Int64
}

func newReporter() *reporter {
	return &reporter{ready: make(chan struct{}, 1), failed: make(chan error, 1),
		stopped: make(chan struct{})}
}

// Report implements shard.Reporter.
func (r *reporter) Report(done *pb.TickDone) {
	r.mu.Lock()
	r.dones = append(r.dones, done)
	wake := r.waiting
	r.waiting = false
	r.mu.Unlock()
	if wake {
		r.ready <- struct{}{} // one waiter, one token: never blocks
	}
}

// Fail implements shard.Reporter.
func (r *reporter) Fail(err error) {
	select {
	case r.failed <- err:
	default:
	}
}

// Stopped implements shard.Reporter.
func (r *reporter) Stopped(int32) {
	if r.live.Add(-1) == 0 {
		close(r.stopped)
	}
}

// take appends the reports that have come onto into, and when there
// are none, marks the clock as waiting for the next.
func (r *reporter) take(into []*pb.TickDone) []*pb.TickDone {
	r.mu.Lock()
	defer r.mu.Unlock()
	into = append(into, r.dones...)
	clear(r.dones)
	r.dones = r.dones[:0]
	r.waiting = len(into) == 0
	return into
}

// wait waits, after take found nothing, until a report comes, an actor
// fails or ctx ends. It may return early; take then finds nothing and
// the clock waits again.
func (r *reporter) wait(ctx context.Context) error {
	select {
	case <-r.ready:
		return nil
	case err := <-r.failed:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
