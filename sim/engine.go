package sim

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/core"
)

// Sentinel errors of the package.
var (
	// ErrOptions means run options are out of range.
	ErrOptions = errors.New("sim: bad options")
	// ErrScenario means a scenario transcript is malformed.
	ErrScenario = errors.New("sim: bad scenario")
)

// Job is one replication for an engine to run.
type Job struct {
	World      *core.World
	Run        int    // replication number, from 0
	Seed       uint64 // the replication's own seed (core.RunSeed)
	Duration   int64  // ticks to run: [0, Duration)
	Injections []core.Injection
	Every      int64 // ticks between samples of the time series
	Record     bool  // keep the notable events
	// Progress, if set, is called now and then from the running
	// goroutine with the tick reached and the events so far.
	Progress func(tick, events int64)
}

// Engine runs one replication. The direct driver is one; the actor
// engine, which hosts the same cores in actors, is another. Every engine
// must give the same RunResult (and digest) for the same Job.
type Engine interface {
	Name() string
	Run(ctx context.Context, job Job) (*RunResult, error)
}

// RunResult is what one replication measured.
type RunResult struct {
	Run      int
	Seed     uint64
	Ticks    int64
	Digest   uint64
	Counters core.Counters
	Vertices []core.VertexResult
	// SystemAvailability is the fraction of ticks with every target
	// available.
	SystemAvailability float64
	Outages            []Outage
	Series             []Sample
	Events             []core.Event
}

// Collector gathers what an engine's ticks and shards produce into a
// RunResult. Engines feed it the merged Delta of every tick they run, in
// order, and the notable events; at the end they hand it the shards'
// results.
type Collector struct {
	job    Job
	rec    *recorder
	events []core.Event
	count  int64
}

// NewCollector starts collecting a job's results.
func NewCollector(job Job) *Collector {
	return &Collector{job: job,
		rec: newRecorder(job.Run, job.World.N(), job.Duration, job.Every)}
}

// Tick records the merged delta of tick t.
func (c *Collector) Tick(t int64, d core.Delta) {
	c.rec.tick(t, &d)
	c.count += d.Events
}

// Events records notable events; within a tick their order is made
// canonical (by vertex, keeping each vertex's own order) at the end.
func (c *Collector) Events(ev []core.Event) {
	c.events = append(c.events, ev...)
}

// EventsSoFar is the number of events (messages and timers) recorded.
func (c *Collector) EventsSoFar() int64 { return c.count }

// Finish builds the result from every vertex's result and the summed
// counters of all shards.
func (c *Collector) Finish(vertices []core.VertexResult, counters core.Counters) *RunResult {
	c.rec.finish()
	slices.SortStableFunc(c.events, func(a, b core.Event) int {
		if a.Tick != b.Tick {
			return cmp.Compare(a.Tick, b.Tick)
		}
		return int(a.Vertex - b.Vertex)
	})
	return &RunResult{Run: c.job.Run, Seed: c.job.Seed, Ticks: c.job.Duration,
		Digest: core.Digest(vertices, &counters), Counters: counters,
		Vertices: vertices, SystemAvailability: c.rec.systemAvailability(),
		Outages: c.rec.outages, Series: c.rec.series, Events: c.events}
}

// FinishShards closes every shard at the end of the job and builds the
// result from them.
func (c *Collector) FinishShards(shards []*core.Shard) *RunResult {
	vertices := make([]core.VertexResult, c.job.World.Size())
	var counters core.Counters
	for _, sh := range shards {
		sh.Finish(c.job.Duration)
		sh.Results(vertices)
		sc := sh.Counters()
		counters.Add(&sc)
	}
	return c.Finish(vertices, counters)
}

// Direct is the reference engine: one goroutine runs one shard holding
// every vertex, with the same calendar and tick protocol as every other
// engine.
type Direct struct{}

// Name implements Engine.
func (Direct) Name() string { return "direct" }

// progressEvery is how many ticks run between progress calls and
// cancellation checks.
const progressEvery = 1 << 12

// Run implements Engine.
func (Direct) Run(ctx context.Context, job Job) (*RunResult, error) {
	sh := core.NewShard(job.World, nil, 0, core.Run{Seed: job.Seed,
		Injections: job.Injections, Record: job.Record})
	col := NewCollector(job)

	c := clock.NewCoordinator(1, job.Duration)
	st, _, err := c.Report(clock.Done{Tick: -1, NextDue: sh.NextDue()})
	for n := 1; err == nil && st.Tick != clock.Never; n++ {
		t := st.Tick
		_, d := sh.Step(t)
		st, _, err = c.Report(clock.Done{Tick: t, NextDue: sh.NextDue(), Delta: d})
		col.Tick(t, c.Last())
		if job.Record {
			col.Events(sh.Events())
		}
		if n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if job.Progress != nil {
				job.Progress(t, col.EventsSoFar())
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("sim: direct: %w", err)
	}

	return col.FinishShards([]*core.Shard{sh}), nil
}
