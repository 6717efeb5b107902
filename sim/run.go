package sim

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/homeostat/homeostat/core"
)

// Options configure a set of replications.
type Options struct {
	// Duration is the number of ticks of each run; it must be positive.
	Duration int64
	// Seed is the base seed; run i uses core.RunSeed(Seed, i).
	Seed uint64
	// Runs is the number of replications; zero means one.
	Runs int
	// Workers is the number of runs at once; zero means GOMAXPROCS. The
	// results do not depend on it.
	Workers int
	// Injections break vertices by hand in every run.
	Injections []core.Injection
	// Every is the sampling interval of the time series in ticks; zero
	// means a thousandth of the duration (at least one tick).
	Every int64
	// Record keeps the notable events of each run.
	Record bool
	// Progress, if set, is called now and then with a run's tick and
	// event count, from that run's goroutine.
	Progress func(run int, tick, events int64)
}

// DefaultEvery is the sampling interval used when Options.Every is zero.
func DefaultEvery(duration int64) int64 { return max(1, duration/1000) }

func (o Options) check() (Options, error) {
	if o.Duration <= 0 {
		return o, fmt.Errorf("%w: duration %d ticks", ErrOptions, o.Duration)
	}
	if o.Runs < 0 || o.Workers < 0 || o.Every < 0 {
		return o, fmt.Errorf("%w: negative runs, workers or interval", ErrOptions)
	}
	o.Runs = max(1, o.Runs)
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	o.Workers = min(o.Workers, o.Runs)
	if o.Every == 0 {
		o.Every = DefaultEvery(o.Duration)
	}
	return o, nil
}

// Job returns the job of replication i.
func (o Options) Job(w *core.World, i int) Job {
	j := Job{World: w, Run: i, Seed: core.RunSeed(o.Seed, i), Duration: o.Duration,
		Injections: o.Injections, Every: o.Every, Record: o.Record}
	if o.Progress != nil {
		j.Progress = func(tick, events int64) { o.Progress(i, tick, events) }
	}
	return j
}

// Run runs every replication with engine e, several at once, and
// returns the results in run order.
func Run(ctx context.Context, e Engine, w *core.World, opt Options) ([]*RunResult, error) {
	opt, err := opt.check()
	if err != nil {
		return nil, err
	}

	results := make([]*RunResult, opt.Runs)
	errs := make([]error, opt.Runs)
	next := make(chan int)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Go(func() {
			for i := range next {
				results[i], errs[i] = e.Run(ctx, opt.Job(w, i))
			}
		})
	}
	for i := range opt.Runs {
		next <- i
	}
	close(next)
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", i, err)
		}
	}
	return results, nil
}
