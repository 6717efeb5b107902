package engine

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/gen"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"github.com/homeostat/homeostat/sim"
)

// benchWorld generates the engine benchmarks' model: a layered model of
// ten tiers without supervisors (gen's Plain option) with the workload
// of the engine prototype that the targets refer to, as sim's
// own benchmarks of the direct driver use it: exponential failure with a
// mean of 30 days, exponential repair with a mean of an hour, and edges
// that always carry an outage after one tick. Fixing the laws keeps the
// figures comparable while the generator's own laws change.
func benchWorld(b *testing.B, n int) *core.World { return benchWorldAny(b, n) }

func benchWorldAny(b testing.TB, n int) *core.World {
	b.Helper()
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: n, Seed: 1,
		Tiers: 10, Plain: true})
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range m.Vertices {
		v.Failure = &pb.Failure{Model: &pb.Failure_Exponential{
			Exponential: &pb.Exponential{Mttf: 30 * day}}}
		v.Repair = &pb.Repair{Model: &pb.Repair_Exponential{
			Exponential: &pb.ExponentialRepair{Mttr: 3600}}}
		for _, d := range v.DependsOn {
			*d = pb.Dependency{Id: d.Id}
		}
	}
	return compile(b, m)
}

// heapGrowth measures the heap that build keeps alive, per vertex.
func heapGrowth(n int, build func() func()) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	release := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	release()
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}

// directBytes is the direct driver's state: one shard of every vertex.
func directBytes(w *core.World) float64 {
	return heapGrowth(w.N(), func() func() {
		sh := core.NewShard(w, nil, 0, core.Run{Seed: 1})
		return func() { runtime.KeepAlive(sh) }
	})
}

// actorBytes is the actor engine's state with every actor spawned:
// shards, actors, mailboxes and PIDs. It also returns the seconds that
// building the shards, spawning the actors and stopping them took.
func actorBytes(b *testing.B, e *Engine, job sim.Job) (float64, float64) {
	start := time.Now()
	perVertex := heapGrowth(job.World.N(), func() func() {
		k := e.VerticesPerActor(job.World.N())
		lay, err := newLayout(job.World, k)
		if err != nil {
			b.Fatal(err)
		}
		r := newRun(job, lay, nil)
		if err := r.spawn(e.cfg.Logger, newShape(k, e.cfg.Parallel, e.straight)); err != nil {
			b.Fatal(err)
		}
		return r.stop
	})
	return perVertex, time.Since(start).Seconds()
}

func benchEngine(b *testing.B, e sim.Engine, n int, days int64) {
	w := benchWorld(b, n)
	job := sim.Job{World: w, Seed: 1, Duration: days * day, Every: days * day}
	var perVertex, setup float64
	if ae, ok := e.(*Engine); ok {
		perVertex, setup = actorBytes(b, ae, job)
	} else {
		perVertex = directBytes(w)
	}
	b.ResetTimer()
	var events int64
	start := time.Now()
	for range b.N {
		r, err := e.Run(context.Background(), job)
		if err != nil {
			b.Fatal(err)
		}
		events += r.Counters.Events
	}
	b.ReportMetric(float64(events)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(events)/float64(b.N), "events/run")
	b.ReportMetric(perVertex, "B/vertex")
	b.ReportMetric(setup, "setup-s")
}

func benchEngines(b *testing.B, n int, days int64) {
	b.Run("direct", func(b *testing.B) { benchEngine(b, sim.Direct{}, n, days) })
	b.Run("default", func(b *testing.B) {
		benchEngine(b, mustEngine(b, 0), n, days)
	})
	b.Run("K=1", func(b *testing.B) { benchEngine(b, mustEngine(b, 1), n, days) })
}

func mustEngine(b *testing.B, k int) *Engine {
	e, err := New(Config{VerticesPerActor: k})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// Benchmark100k30d compares the direct driver with the actor engine at
// the default K and at K = 1 on 100,000 vertices over 30 simulated days.
func Benchmark100k30d(b *testing.B) { benchEngines(b, 100_000, 30) }

// Benchmark1M30d compares the direct driver with the actor engine at
// the default K on a million vertices over 30 simulated days; it takes
// minutes.
func Benchmark1M30d(b *testing.B) {
	b.Run("direct", func(b *testing.B) { benchEngine(b, sim.Direct{}, 1_000_000, 30) })
	b.Run("default", func(b *testing.B) {
		benchEngine(b, mustEngine(b, 0), 1_000_000, 30)
	})
}

// Benchmark1M1d runs a million vertices for one simulated day: the size
// at which K = 1 is measured (a million protoactor actors).
func Benchmark1M1d(b *testing.B) { benchEngines(b, 1_000_000, 1) }

// BenchmarkShards runs 100,000 vertices for five simulated days with the
// direct driver and with one, two and eight shard actors, inline and in
// parallel: the measurements behind DefaultVerticesPerActor
// (docs/actors.md).
func BenchmarkShards(b *testing.B) {
	const n = 100_000
	b.Run("direct", func(b *testing.B) { benchEngine(b, sim.Direct{}, n, 5) })
	for _, parallel := range []bool{false, true} {
		for _, shards := range []int{1, 2, 8} {
			name := fmt.Sprintf("parallel=%v/shards=%d", parallel, shards)
			b.Run(name, func(b *testing.B) {
				e, err := New(Config{VerticesPerActor: n / shards, Parallel: parallel})
				if err != nil {
					b.Fatal(err)
				}
				benchEngine(b, e, n, 5)
			})
		}
	}
}
