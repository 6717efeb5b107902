package engine

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/homeostat/homeostat/actors/shard"
	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/sim"
)

const day = 86_400 // ticks of one second

// scenario is a model and how long to run it.
type scenario struct {
	name     string
	w        *core.World
	duration int64
}

func scenarios(t *testing.T) []scenario {
	return []scenario{
		{"everything", decodeWorld(t, everything), day / 2},
		{"layered", layeredWorld(t, 300, 7, false), 8_000},
		{"plain", layeredWorld(t, 300, 7, true), 3_000_000},
	}
}

// options runs two replications, so that two actor systems run at once,
// with faults injected by hand and events recorded.
func options(w *core.World, duration int64, seed uint64) sim.Options {
	n := int32(w.N())
	return sim.Options{Duration: duration, Seed: seed, Runs: 2, Workers: 2,
		Record: true, Injections: []core.Injection{
			{Vertex: n / 3, At: 500, Duration: 2_000}, {Vertex: n / 2, At: 1_000}}}
}

func runAll(t *testing.T, e sim.Engine, w *core.World, opt sim.Options) []*sim.RunResult {
	t.Helper()
	rs, err := sim.Run(context.Background(), e, w, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func newEngine(t *testing.T, cfg Config) *Engine {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// configs are the engine configurations every model is run with: one
// vertex per actor, a few, and the default K, inline and in parallel.
var configs = []Config{
	{VerticesPerActor: 1}, {VerticesPerActor: 2}, {VerticesPerActor: 7}, {},
	{VerticesPerActor: 1, Parallel: true}, {VerticesPerActor: 7, Parallel: true},
	{Parallel: true},
}

// TestSameResultAsDirect: with one vertex per actor, a few, and the
// default, inline and in parallel, the actor engine gives the direct
// driver's results, digest first, on models that use every construct.
func TestSameResultAsDirect(t *testing.T) {
	for _, sc := range scenarios(t) {
		opt := options(sc.w, sc.duration, 3)
		want := runAll(t, sim.Direct{}, sc.w, opt)
		if !busy(sc.name, want[0]) {
			t.Fatalf("%s: too quiet to compare: %+v, %d outages", sc.name,
				want[0].Counters, len(want[0].Outages))
		}
		for _, cfg := range configs {
			t.Run(fmt.Sprintf("%s/K=%d,parallel=%v", sc.name, cfg.VerticesPerActor,
				cfg.Parallel), func(t *testing.T) {
				got := runAll(t, newEngine(t, cfg), sc.w, opt)
				for i := range want {
					sameRun(t, want[i], got[i])
				}
			})
		}
	}
}

// TestStraightBatchesSameResult: with the batches sent straight from
// actor to actor, as across processes, rather than carried by the
// clock, the engine still gives the direct driver's results.
func TestStraightBatchesSameResult(t *testing.T) {
	for _, sc := range scenarios(t) {
		opt := options(sc.w, sc.duration, 3)
		want := runAll(t, sim.Direct{}, sc.w, opt)
		for _, cfg := range []Config{{VerticesPerActor: 1}, {VerticesPerActor: 7},
			{VerticesPerActor: 1, Parallel: true}, {VerticesPerActor: 7, Parallel: true}} {
			t.Run(fmt.Sprintf("%s/K=%d,parallel=%v", sc.name, cfg.VerticesPerActor,
				cfg.Parallel), func(t *testing.T) {
				e := newEngine(t, cfg)
				e.straight = true
				got := runAll(t, e, sc.w, opt)
				for i := range want {
					sameRun(t, want[i], got[i])
				}
			})
		}
	}
}

// busy reports whether a reference run saw what its model is there to
// show: outages everywhere, restarts in supervised models, and in
// everything escalations, lost control messages, placements that worked
// and failed, and duplicate restarts from split brain.
func busy(name string, r *sim.RunResult) bool {
	c := r.Counters
	switch name {
	case "everything":
		return len(r.Outages) > 0 && c.Escalations > 0 && c.ControlLost > 0 &&
			c.InstancesAdded > 0 && c.PlacementFailures > 0 && c.DuplicateRestarts > 0
	case "layered":
		return len(r.Outages) > 0 && c.Restarts > 0
	}
	return len(r.Outages) > 0
}

func sameRun(t *testing.T, want, got *sim.RunResult) {
	t.Helper()
	if got.Digest != want.Digest {
		t.Errorf("run %d: digest %x, want %x", want.Run, got.Digest, want.Digest)
	}
	if got.Counters != want.Counters {
		t.Errorf("run %d: counters %+v, want %+v", want.Run, got.Counters, want.Counters)
	}
	if got.SystemAvailability != want.SystemAvailability {
		t.Errorf("run %d: system availability %v, want %v", want.Run,
			got.SystemAvailability, want.SystemAvailability)
	}
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"vertices", got.Vertices, want.Vertices},
		{"outages", got.Outages, want.Outages},
		{"series", got.Series, want.Series},
		{"events", got.Events, want.Events},
	} {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("run %d: %s differ", want.Run, c.what)
		}
	}
}

// TestSeedChangesDigest: another seed, another trace.
func TestSeedChangesDigest(t *testing.T) {
	w := decodeWorld(t, everything)
	e := newEngine(t, Config{})
	a := runAll(t, e, w, options(w, day/4, 1))
	b := runAll(t, e, w, options(w, day/4, 2))
	if a[0].Digest == b[0].Digest {
		t.Errorf("seeds 1 and 2 give the same digest %x", a[0].Digest)
	}
	again := runAll(t, e, w, options(w, day/4, 1))
	if again[0].Digest != a[0].Digest {
		t.Errorf("seed 1 gives digests %x and %x", a[0].Digest, again[0].Digest)
	}
}

// TestCancel: a run whose context ends returns ctx.Err() and no result,
// whether the context ended before the run or during it.
func TestCancel(t *testing.T) {
	w := decodeWorld(t, everything)
	for _, cfg := range []Config{{VerticesPerActor: 1}, {}, {Parallel: true}} {
		e := newEngine(t, cfg)
		ctx, cancel := context.WithCancel(context.Background())
		job := sim.Job{World: w, Seed: 1, Duration: 1 << 40, Every: 1 << 30,
			Progress: func(int64, int64) { cancel() }}
		r, err := e.Run(ctx, job)
		if !errors.Is(err, context.Canceled) || r != nil {
			t.Errorf("%+v: cancelled during the run: %v, %v", cfg, r, err)
		}
		r, err = e.Run(ctx, job)
		if !errors.Is(err, context.Canceled) || r != nil {
			t.Errorf("%+v: cancelled before the run: %v, %v", cfg, r, err)
		}
	}
}

// panicky is a core that panics when it runs a given tick.
type panicky struct {
	clock.Participant
	at int64
}

func (p panicky) Step(t int64) ([]core.Message, core.Delta) {
	if t >= p.at {
		panic(fmt.Sprintf("broken at tick %d", t))
	}
	return p.Participant.Step(t)
}

// TestActorPanic: a panic inside an actor ends the run with an error
// that says so, and no result.
func TestActorPanic(t *testing.T) {
	w := layeredWorld(t, 300, 7, false)
	for _, cfg := range []Config{{VerticesPerActor: 1}, {}, {Parallel: true}} {
		e := newEngine(t, cfg)
		e.wrap = func(p clock.Participant) clock.Participant {
			return panicky{p, 1_000}
		}
		r, err := e.Run(context.Background(), sim.Job{World: w, Seed: 1,
			Duration: 5_000, Every: 100})
		if !errors.Is(err, ErrActor) || !errors.Is(err, shard.ErrPanic) || r != nil {
			t.Errorf("%+v: got %v, %v; want an actor panic", cfg, r, err)
		}
	}
}

// TestConfig: a negative K is refused.
func TestConfig(t *testing.T) {
	if _, err := New(Config{VerticesPerActor: -1}); !errors.Is(err, ErrConfig) {
		t.Errorf("K=-1: got %v, want ErrConfig", err)
	}
}
