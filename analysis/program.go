package analysis

import (
	"cmp"
	"math"
	"slices"

	"github.com/homeostat/homeostat/model"
)

// How a draw behaves: never true, always true, or drawn with a threshold.
const (
	drawNever uint8 = iota
	drawAlways
	drawRandom
	// drawSkip is for rare intrinsic failures: instead of a Bernoulli
	// word per 64 samples, draw the geometric gap to the next failure.
	drawSkip
)

// maxSkipP is the largest probability sampled by geometric gaps. Below
// it, a word is mostly empty and one comparison beats the 8 or so draws
// of a Bernoulli word; above it the logarithms cost more.
const maxSkipP = 1.0 / 128

// Gate kernels of the bit-parallel evaluation. Every gate is reduced to
// "the down weight of the inputs reaches t" on integer weights (k_of_n
// counts inputs, so its weights are one) unless a weight is not a whole
// number, which takes the slow per-lane kernel.
const (
	kernNever  uint8 = iota // no inputs, or t above the total weight
	kernAlways              // t at most zero
	kernOr                  // t = 1 with unit weights: any input down
	kernAnd                 // t = n with unit weights: every input down
	kernDown                // saturating counters of down weight up to t
	kernUp                  // counters of up weight; impaired unless >= t
	kernAdder               // bit-sliced sum of down weight compared with t
	kernLanes               // real weights: one lane at a time
)

// maxCounters bounds the saturating-counter kernels; larger thresholds
// take the adder, whose cost grows with the logarithm of the weight.
const maxCounters = 8

// maxIntWeight bounds the weights the integer kernels take exactly.
const maxIntWeight = 1 << 20

// program is the graph laid out for bit-parallel evaluation: vertices
// renumbered into positions in topological order of their components,
// so that one forward sweep evaluates everything, with each cyclic
// component on consecutive positions.
type program struct {
	g        *model.Graph
	vertexAt []int32 // vertex at each position
	posOf    []int32 // position of each vertex
	nodes    []pnode
	edges    []pedge
	srcs     []int32 // edges[i].src again, densely, for the hot loop
	targets  []int32 // positions
	// compStart is the first position of each position's component.
	compStart []int32
	// succStart/succ list the positions each position feeds.
	succStart, succ []int32
}

// pnode is one vertex at its position, 48 bytes.
type pnode struct {
	in0, in1 int32 // its inputs are edges[in0:in1]
	inR      int32 // edges[in0:inR] always carry, edges[inR:in1] may not
	host     int32 // position of its VM host, or -1
	span     int32 // on a cyclic component's first position: its size
	failMode uint8
	kern     uint8
	fail     uint64  // Bernoulli threshold of the intrinsic down state
	invLog   float64 // for drawSkip: 1 / log(1 - p)
	t        int64   // threshold of the kernel
}

// pedge is one depends edge, stored with its dependent.
type pedge struct {
	src   int32  // position of the upstream vertex
	w     int32  // integer weight for the counting kernels
	carry uint64 // Bernoulli threshold of the edge's draw
	mode  uint8
}

func newProgram(g *model.Graph) *program {
	f := newFlow(g)
	comps := newComponents(f, g.N())
	p := &program{g: g, vertexAt: make([]int32, 0, g.N()),
		posOf: make([]int32, g.N()), compStart: make([]int32, g.N())}
	for _, members := range comps.members {
		first := int32(len(p.vertexAt))
		for _, v := range members {
			p.posOf[v] = int32(len(p.vertexAt))
			p.compStart[len(p.vertexAt)] = first
			p.vertexAt = append(p.vertexAt, v)
		}
	}

	p.nodes = make([]pnode, g.N())
	p.edges = make([]pedge, 0, len(g.In))
	p.srcs = make([]int32, 0, len(g.In))
	for c, members := range comps.members {
		p.layoutComponent(members, comps.cyclic[c])
	}

	for _, t := range g.Targets {
		p.targets = append(p.targets, p.posOf[t])
	}
	p.layoutSuccessors(f)
	return p
}

func (p *program) layoutComponent(members []int32, cyclic bool) {
	for _, v := range members {
		p.layoutVertex(v)
	}
	if cyclic {
		p.nodes[p.posOf[members[0]]].span = int32(len(members))
	}
}

func (p *program) layoutVertex(v int32) {
	g := p.g
	nd := &p.nodes[p.posOf[v]]
	scale, whole := weightScale(g.Inputs(v))
	p.layoutInputs(v, nd, scale, whole)
	nd.kern, nd.t = kernelOf(g.Gates[v], p.edges[nd.in0:nd.in1], scale, whole)
	p.sortInputs(nd)

	nd.host = -1
	if h := g.HostedOn[v]; h >= 0 {
		nd.host = p.posOf[h]
	}
	u := IntrinsicDown(g, v)
	nd.failMode, nd.fail = drawOf(u)
	if nd.failMode == drawRandom && u <= maxSkipP {
		nd.failMode, nd.invLog = drawSkip, 1/math.Log1p(-u)
	}
}

func (p *program) layoutInputs(v int32, nd *pnode, scale float64, whole bool) {
	g := p.g
	nd.in0 = int32(len(p.edges))
	for _, in := range g.Inputs(v) {
		e := pedge{src: p.posOf[in.From], w: 1}
		e.mode, e.carry = drawOf(in.Prob)
		if g.Gates[v].Kind == model.GateThreshold && whole {
			e.w = int32(in.Weight * scale)
		}
		p.edges = append(p.edges, e)
	}
	nd.in1 = int32(len(p.edges))
}

// sortInputs puts the edges that always carry first, which the hot loop
// of the all gate wants. Only the per-lane kernel adds weights in the
// model's order; the others do not mind.
func (p *program) sortInputs(nd *pnode) {
	nd.inR = nd.in0
	es := p.edges[nd.in0:nd.in1]
	if nd.kern != kernLanes {
		slices.SortStableFunc(es, func(a, b pedge) int {
			return cmp.Compare(b2i(a.mode != drawAlways), b2i(b.mode != drawAlways))
		})
		for _, e := range es {
			if e.mode == drawAlways {
				nd.inR++
			}
		}
	}
	for _, e := range es {
		p.srcs = append(p.srcs, e.src)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// drawOf classifies a probability and gives its Bernoulli threshold.
func drawOf(q float64) (uint8, uint64) {
	t, one := bernoulliThreshold(q)
	switch {
	case one:
		return drawAlways, 0
	case t == 0:
		return drawNever, 0
	}
	return drawRandom, t
}

func isIntWeight(w float64) bool {
	return w >= 0 && w <= maxIntWeight && w == math.Trunc(w)
}

// maxWeightShift bounds the power of two that scales weights to whole
// numbers.
const maxWeightShift = 10

// weightScale finds the smallest power of two that makes every weight a
// whole number no larger than maxIntWeight. Scaling by a power of two is
// exact in floating point, and sums of such weights are exact too, so
// "down weight >= theta" keeps its meaning after scaling both sides.
// It reports false for weights like 0.1 that no power of two makes whole.
func weightScale(ins []model.Edge) (float64, bool) {
	for shift := 0; shift <= maxWeightShift; shift++ {
		scale := math.Ldexp(1, shift)
		ok := true
		for _, in := range ins {
			ok = ok && isIntWeight(in.Weight*scale)
		}
		if ok {
			return scale, true
		}
	}
	return 0, false
}

// kernelOf picks the cheapest exact kernel for a gate.
func kernelOf(spec model.GateSpec, es []pedge, scale float64, whole bool) (uint8, int64) {
	n := int64(len(es))
	if n == 0 {
		return kernNever, 0
	}
	var t int64
	switch spec.Kind {
	case model.GateAll:
		return kernOr, 1
	case model.GateAny:
		return kernAnd, n
	case model.GateKOfN:
		t = n - int64(spec.K) + 1
	case model.GateThreshold:
		if !whole || math.IsInf(spec.Theta, 0) {
			return kernLanes, 0
		}
		t = int64(max(-1, math.Ceil(min(spec.Theta*scale, 1<<62))))
	}
	return countingKernel(es, t)
}

func countingKernel(es []pedge, t int64) (uint8, int64) {
	total, unit := int64(0), true
	for _, e := range es {
		total += int64(e.w)
		unit = unit && e.w == 1
	}
	switch {
	case t <= 0:
		return kernAlways, 0
	case t > total:
		return kernNever, 0
	case unit && t == 1:
		return kernOr, 1
	case unit && t == total:
		return kernAnd, t
	case t <= maxCounters:
		return kernDown, t
	case total-t+1 <= maxCounters:
		return kernUp, total - t + 1
	}
	return kernAdder, t
}

// layoutSuccessors lists, by position, the positions each feeds.
func (p *program) layoutSuccessors(f *flow) {
	n := len(p.vertexAt)
	start := make([]int32, n+1)
	var adj []int32
	for pos := 0; pos < n; pos++ {
		start[pos] = int32(len(adj))
		for _, u := range f.preds(p.vertexAt[pos]) {
			adj = append(adj, p.posOf[u])
		}
	}
	start[n] = int32(len(adj))
	p.succStart, p.succ = invert(start, adj, n)
}

func (p *program) successors(pos int32) []int32 {
	return p.succ[p.succStart[pos]:p.succStart[pos+1]]
}
