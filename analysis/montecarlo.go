package analysis

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/homeostat/homeostat/model"
)

// DefaultSamples is the number of Monte Carlo samples when none is given.
const DefaultSamples = 1 << 20

// batchBlocks is the number of blocks of samples in one batch. Each
// batch draws from its own stream, derived from the seed and the batch
// number, so the answer does not depend on which worker ran which batch.
const batchBlocks = 4

// MCResult is a Monte Carlo estimate of the steady-state view.
type MCResult struct {
	// Samples is the number of samples drawn: the request rounded up to
	// a whole number of blocks (256 samples).
	Samples int64
	// Down estimates, for each vertex, the probability of being down.
	Down []Estimate
	// System estimates the probability that at least one target is down.
	System Estimate
	// Birnbaum and FussellVesely estimate the importances from the same
	// samples (see the package documentation); NaN where no sample
	// informs them.
	Birnbaum, FussellVesely []float64
}

// Estimate is a probability estimated from hits in samples, with its
// exact 95 % confidence interval. An exact answer has Lo = Hi = P.
type Estimate struct {
	P, Lo, Hi     float64
	Hits, Samples int64
}

func newEstimate(hits, samples int64) Estimate {
	lo, hi := clopperPearson(hits, samples)
	return Estimate{P: float64(hits) / float64(samples), Lo: lo, Hi: hi,
		Hits: hits, Samples: samples}
}

// estimates turns many hit counts into estimates. Intervals cost a few
// microseconds each, so equal counts (common: most vertices of a big
// model are seldom down) share one, and the rest are spread over
// workers.
func estimates(hits []int64, samples int64, workers int) []Estimate {
	memo := map[int64]Estimate{}
	for _, h := range hits {
		memo[h] = Estimate{}
	}

	distinct := make([]int64, 0, len(memo))
	for h := range memo {
		distinct = append(distinct, h)
	}

	done := make([]Estimate, len(distinct))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(distinct); i += workers {
				done[i] = newEstimate(distinct[i], samples)
			}
		}()
	}
	wg.Wait()

	for i, h := range distinct {
		memo[h] = done[i]
	}

	out := make([]Estimate, len(hits))
	for i, h := range hits {
		out[i] = memo[h]
	}
	return out
}

func exactEstimate(p float64) Estimate { return Estimate{P: p, Lo: p, Hi: p} }

// MonteCarlo estimates the steady-state view by sampling every random
// variable, 64 samples per machine word and 256 per sweep, on workers
// goroutines (zero means one per core). The result depends on the seed
// only, not on the number of workers. It stops early with ctx's error.
func MonteCarlo(ctx context.Context, g *model.Graph, samples int64, seed uint64,
	workers int) (*MCResult, error) {
	if err := checkWeights(g); err != nil {
		return nil, err
	}
	return monteCarlo(ctx, newProgram(g), samples, seed, workers)
}

func monteCarlo(ctx context.Context, p *program, samples int64, seed uint64,
	workers int) (*MCResult, error) {
	if samples <= 0 {
		samples = DefaultSamples
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	c, err := sampleAll(ctx, p, (samples+blockLanes-1)/blockLanes, seed, workers)
	if err != nil {
		return nil, err
	}
	return c.result(p, workers), nil
}

// tally counts, by position, what the samples showed.
type tally struct {
	blocks int64
	down   []int64 // samples in which the position was down
	fail   []int64 // ... intrinsically down
	both   []int64 // ... intrinsically down with the system down
	system int64
}

func newTally(n int) *tally {
	return &tally{down: make([]int64, n), fail: make([]int64, n),
		both: make([]int64, n)}
}

// add counts one block of samples.
func (t *tally) add(ev *evaluator) {
	var sys block
	for _, pos := range ev.p.targets {
		sys.or(&ev.s[pos])
	}

	t.blocks++
	t.system += sys.count()
	for i := range ev.s {
		t.down[i] += ev.s[i].count()
	}

	for i := range ev.x {
		x := &ev.x[i]
		if x.zero() {
			continue
		}
		t.fail[i] += x.count()
		both := *x
		both.and(&sys)
		t.both[i] += both.count()
	}
}

func (t *tally) merge(o *tally) {
	t.blocks += o.blocks
	t.system += o.system
	for i := range t.down {
		t.down[i] += o.down[i]
		t.fail[i] += o.fail[i]
		t.both[i] += o.both[i]
	}
}

// sampleAll runs blocks blocks of samples in batches on workers
// goroutines.
func sampleAll(ctx context.Context, p *program, blocks int64, seed uint64,
	workers int) (*tally, error) {
	batches := (blocks + batchBlocks - 1) / batchBlocks
	workers = int(min(int64(workers), batches))
	s := sampler{ctx: ctx, p: p, blocks: blocks, batches: batches, seed: seed}

	tallies := make([]*tally, workers)
	var wg sync.WaitGroup
	for w := range tallies {
		tallies[w] = newTally(len(p.nodes))
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.work(tallies[w])
		}()
	}
	wg.Wait()

	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("analysis: monte carlo: %w", err)
	}
	for _, t := range tallies[1:] {
		tallies[0].merge(t)
	}
	return tallies[0], nil
}

// sampler hands out batches to workers.
type sampler struct {
	ctx             context.Context
	p               *program
	blocks, batches int64
	seed            uint64
	next            atomic.Int64
}

// work takes batches until none is left, counting into t.
func (s *sampler) work(t *tally) {
	ev := newEvaluator(s.p)
	for s.ctx.Err() == nil {
		b := s.next.Add(1) - 1
		if b >= s.batches {
			return
		}
		ev.startBatch(newStream(s.seed, uint64(b)))
		for i := b * batchBlocks; i < min(s.blocks, (b+1)*batchBlocks); i++ {
			ev.sample()
			t.add(ev)
		}
	}
}

// result turns the counts into estimates by vertex.
func (t *tally) result(p *program, workers int) *MCResult {
	n := t.blocks * blockLanes
	nv := len(p.nodes)
	r := &MCResult{Samples: n, System: newEstimate(t.system, n),
		Down: make([]Estimate, nv), Birnbaum: make([]float64, nv),
		FussellVesely: make([]float64, nv)}
	down := estimates(t.down, n, workers)
	for pos, v := range p.vertexAt {
		r.Down[v] = down[pos]
		r.Birnbaum[v], r.FussellVesely[v] = t.importance(pos, n)
	}
	return r
}

// importance estimates Birnbaum as the difference of the system's down
// frequencies among the samples with the vertex intrinsically down and
// up, and Fussell-Vesely as the share of system-down samples in which
// the vertex was intrinsically down. Every gate is monotone, so Birnbaum
// lies in [0, 1]; sampling noise outside it is clipped.
func (t *tally) importance(pos int, n int64) (float64, float64) {
	fail, both := t.fail[pos], t.both[pos]
	birnbaum, fv := math.NaN(), math.NaN()
	if fail > 0 && fail < n {
		birnbaum = clamp01(float64(both)/float64(fail) -
			float64(t.system-both)/float64(n-fail))
	}
	if t.system > 0 {
		fv = float64(both) / float64(t.system)
	}
	return birnbaum, fv
}
