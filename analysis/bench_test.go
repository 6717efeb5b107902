package analysis

import (
	"context"
	"runtime"
	"testing"

	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
)

// layered generates gen's layered model of n vertices.
func layered(b testing.TB, n int, plain bool) *model.Graph {
	b.Helper()
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: n, Seed: 1, Plain: plain})
	if err != nil {
		b.Fatal(err)
	}
	return compile(b, m)
}

func BenchmarkExactLayered200(b *testing.B) {
	g := layered(b, 200, false)
	var nodes int
	b.ResetTimer()
	for range b.N {
		r, err := Exact(g, 0)
		if err != nil {
			b.Fatal(err)
		}
		nodes = r.Nodes
	}
	b.ReportMetric(float64(nodes), "bdd-nodes")
}

func BenchmarkExactLayered1k(b *testing.B) {
	g := layered(b, 1000, false)
	b.ResetTimer()
	for range b.N {
		if _, err := Exact(g, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// benchmarkSampling measures the sampling sweep and its tally on one
// goroutine, in vertex-samples per second: the per-core throughput.
func benchmarkSampling(b *testing.B, n int) {
	g := layered(b, n, false)
	p := newProgram(g)
	ev := newEvaluator(p)
	t := newTally(len(p.nodes))
	b.ResetTimer()
	for i := range b.N {
		if i%batchBlocks == 0 {
			ev.startBatch(newStream(1, uint64(i)))
		}
		ev.sample()
		t.add(ev)
	}
	b.ReportMetric(float64(b.N)*blockLanes*float64(n)/b.Elapsed().Seconds(),
		"vertex-samples/s")
}

func BenchmarkSamplingLayered1k(b *testing.B) { benchmarkSampling(b, 1000) }
func BenchmarkSamplingLayered1M(b *testing.B) { benchmarkSampling(b, 1_000_000) }

// BenchmarkMonteCarloLayered1M runs the whole Monte Carlo method on
// every core: 2^16 samples, intervals included.
func BenchmarkMonteCarloLayered1M(b *testing.B) {
	const n, samples = 1_000_000, 1 << 16
	g := layered(b, n, false)
	b.ResetTimer()
	for range b.N {
		if _, err := MonteCarlo(context.Background(), g, samples, 1, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*samples*n/b.Elapsed().Seconds(), "vertex-samples/s")
}

// BenchmarkMemoryPerVertex reports the heap the Monte Carlo method holds
// per vertex: the program shared by all workers, and each worker's state
// (evaluator and tally).
func BenchmarkMemoryPerVertex(b *testing.B) {
	const n = 200_000
	g := layered(b, n, false)
	var p *program
	shared := heapGrowth(func() { p = newProgram(g) })
	var ev *evaluator
	var t *tally
	worker := heapGrowth(func() { ev, t = newEvaluator(p), newTally(len(p.nodes)) })
	for range b.N {
		ev.startBatch(newStream(1, 0))
	}
	runtime.KeepAlive(t)
	b.ReportMetric(float64(shared)/n, "program-B/vertex")
	b.ReportMetric(float64(worker)/n, "worker-B/vertex")
}

func heapGrowth(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.GC()
	runtime.ReadMemStats(&after)
	return after.HeapAlloc - before.HeapAlloc
}
