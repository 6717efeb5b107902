package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

const day = 86_400 // ticks of one second

// benchWorld generates a layered model without supervisors. With
// prototype set, every vertex gets the workload of the engine prototype
// (docs: notes/engine-prototype.md): exponential failure with mean 30
// days, repair with mean 1 hour, and edges that always carry an outage
// after one tick.
func benchWorld(b *testing.B, n int, prototype bool) *core.World {
	b.Helper()
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: n, Seed: 1,
		Tiers: 10, Plain: true})
	if err != nil {
		b.Fatal(err)
	}
	if prototype {
		for _, v := range m.Vertices {
			v.Failure, v.Repair = exponential(30*day, 3600)
			for _, d := range v.DependsOn {
				*d = pb.Dependency{Id: d.Id}
			}
		}
	}
	g, err := model.Compile(m)
	if err != nil {
		b.Fatal(err)
	}
	w, err := core.NewWorld(g)
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// tierWorld is the prototype's own graph: tiers of equal size, each
// vertex depending on 3 random vertices of the tier below, with its laws.
func tierWorld(b *testing.B, n int) *core.World {
	b.Helper()
	const tiers = 10
	per := n / tiers
	r := rand.New(rand.NewPCG(1, 2))
	m := &pb.Model{Name: "tiers"}
	for i := range per * tiers {
		f, rep := exponential(30*day, 3600)
		v := &pb.Vertex{Id: fmt.Sprint("v", i), Failure: f, Repair: rep}
		if tier := i / per; tier > 0 {
			for range 3 {
				v.DependsOn = append(v.DependsOn,
					&pb.Dependency{Id: fmt.Sprint("v", (tier-1)*per+r.IntN(per))})
			}
		}
		m.Vertices = append(m.Vertices, v)
	}
	g, err := model.Compile(m)
	if err != nil {
		b.Fatal(err)
	}
	w, err := core.NewWorld(g)
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// shardBytes measures the heap a run's shard holds per vertex.
func shardBytes(w *core.World) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sh := core.NewShard(w, nil, 0, core.Run{Seed: 1})
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(sh)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(w.N())
}

func benchDirect(b *testing.B, w *core.World, days int64) {
	job := Job{World: w, Seed: 1, Duration: days * day, Every: days * day}
	perVertex := shardBytes(w)
	b.ResetTimer()
	var events int64
	start := time.Now()
	for range b.N {
		r, err := Direct{}.Run(context.Background(), job)
		if err != nil {
			b.Fatal(err)
		}
		events += r.Counters.Events
	}
	b.ReportMetric(float64(events)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(events)/float64(b.N), "events/run")
	b.ReportMetric(perVertex, "B/vertex")
}

// BenchmarkDirect runs the direct driver: Prototype* on layered models
// with the prototype's laws (100,000 vertices for 30 simulated days,
// 1,000,000 for one day), Gen* with the generator's own laws, Tiers* on
// the prototype's own graph (10 tiers, 3 random inputs in the tier below).
func BenchmarkDirect(b *testing.B) {
	b.Run("Prototype100k30d", func(b *testing.B) {
		benchDirect(b, benchWorld(b, 100_000, true), 30)
	})
	b.Run("Prototype1M1d", func(b *testing.B) {
		benchDirect(b, benchWorld(b, 1_000_000, true), 1)
	})
	b.Run("Gen100k30d", func(b *testing.B) { benchDirect(b, benchWorld(b, 100_000, false), 30) })
	b.Run("Tiers100k30d", func(b *testing.B) { benchDirect(b, tierWorld(b, 100_000), 30) })
	b.Run("Tiers1M1d", func(b *testing.B) { benchDirect(b, tierWorld(b, 1_000_000), 1) })
}

// BenchmarkMillionVertices30Days is the full prototype workload at a
// million vertices; it takes minutes.
func BenchmarkMillionVertices30Days(b *testing.B) {
	benchDirect(b, tierWorld(b, 1_000_000), 30)
}
