package analysis

import (
	"math"
	"math/bits"
)

// evaluator runs a program over a block of lanes at a time: each lane is
// one sample (Monte Carlo) or one failure scenario (structure). Each
// worker owns one.
type evaluator struct {
	p    *program
	s    []block // down state of each position
	x    []block // intrinsic down state of each position
	buf  []block // input blocks of the gate being evaluated
	cbuf []block // edge draws of the cyclic component being settled
	rng  stream
	// next is, for drawSkip positions, the sample of the batch in which
	// the next intrinsic failure falls; round counts the batch's blocks.
	next  []int64
	round int64
	// structural makes every edge that can carry carry, and draws
	// nothing: the intrinsic blocks are set by the caller.
	structural bool
}

func newEvaluator(p *program) *evaluator {
	n := len(p.nodes)
	maxIn := 0
	for _, nd := range p.nodes {
		maxIn = max(maxIn, int(nd.in1-nd.in0))
	}
	return &evaluator{p: p, s: make([]block, n), x: make([]block, n),
		buf: make([]block, maxIn), next: make([]int64, n)}
}

// startBatch begins a batch of samples drawn from rng.
func (ev *evaluator) startBatch(rng stream) {
	ev.rng, ev.round = rng, 0
	for pos := range ev.p.nodes {
		if nd := &ev.p.nodes[pos]; nd.failMode == drawSkip {
			ev.next[pos] = ev.gap(nd)
		}
	}
}

// gap draws how many samples pass before the next failure: geometric,
// floor(log U / log(1-p)) for U uniform on (0, 1].
func (ev *evaluator) gap(nd *pnode) int64 {
	u := float64(ev.rng.next()>>11+1) * 0x1p-53
	g := math.Log(u) * nd.invLog
	if g >= 1<<62 {
		return 1 << 62
	}
	return int64(g)
}

// sample draws a block of samples of every position in one sweep.
func (ev *evaluator) sample() {
	nodes := ev.p.nodes
	for pos := int32(0); pos < int32(len(nodes)); {
		nd := &nodes[pos]
		if nd.span > 0 {
			for i := pos; i < pos+nd.span; i++ {
				ev.intrinsic(i, &ev.x[i])
			}
			ev.settle(pos, nd.span)
			pos += nd.span
			continue
		}
		ev.intrinsic(pos, &ev.x[pos])
		ev.evaluate(pos, nd)
		pos++
	}
	ev.round++
}

// evaluate sets the down block of an acyclic position from its intrinsic
// block, its host and its gate.
func (ev *evaluator) evaluate(pos int32, nd *pnode) {
	d := &ev.s[pos]
	*d = ev.x[pos]
	if nd.host >= 0 {
		d.or(&ev.s[nd.host])
	}
	if nd.kern == kernOr {
		ev.anyInput(nd, d)
		return
	}
	var g block
	ev.gate(pos, ev.gather(nd), &g)
	d.or(&g)
}

func (ev *evaluator) intrinsic(pos int32, x *block) {
	nd := &ev.p.nodes[pos]
	switch nd.failMode {
	case drawAlways:
		*x = allLanes
	case drawRandom:
		for k := range x {
			x[k] = ev.rng.bernoulli(nd.fail)
		}
	case drawSkip:
		ev.skip(pos, nd, x)
	default:
		*x = block{}
	}
}

// skip builds the block of a rare failure from its pending gaps.
func (ev *evaluator) skip(pos int32, nd *pnode, x *block) {
	*x = block{}
	base := ev.round * blockLanes
	next := ev.next[pos]
	for next < base+blockLanes {
		x.set(int(next - base))
		next += 1 + ev.gap(nd)
	}
	ev.next[pos] = next
}

// carry ands into in the lanes in which an edge carries, drawing only
// the words that have a lane to carry.
func (ev *evaluator) carry(e *pedge, in *block) {
	switch {
	case e.mode == drawAlways || (e.mode == drawRandom && ev.structural):
	case e.mode == drawRandom:
		for k, w := range in {
			if w != 0 {
				in[k] = w & ev.rng.bernoulli(e.carry)
			}
		}
	default:
		*in = block{}
	}
}

// anyInput ors a vertex's carried inputs into d: the all gate, the most
// common, without the detour through buf.
func (ev *evaluator) anyInput(nd *pnode, d *block) {
	for _, src := range ev.p.srcs[nd.in0:nd.inR] {
		d.or(&ev.s[src])
	}
	for i := nd.inR; i < nd.in1; i++ {
		e := &ev.p.edges[i]
		in := ev.s[e.src]
		ev.carry(e, &in)
		d.or(&in)
	}
}

// gather puts the blocks of a vertex's carried inputs in buf.
func (ev *evaluator) gather(nd *pnode) []block {
	in := ev.buf[:nd.in1-nd.in0]
	for i := range in {
		e := &ev.p.edges[nd.in0+int32(i)]
		in[i] = ev.s[e.src]
		ev.carry(e, &in[i])
	}
	return in
}

// settle finds the least fixed point of the cyclic component on
// positions [pos, pos+span) in every lane at once: start from the
// intrinsic states and sweep until no block changes, each edge keeping
// one draw throughout. Every sweep adds lanes or ends it, so span+1
// sweeps suffice.
func (ev *evaluator) settle(pos, span int32) {
	nodes := ev.p.nodes
	e0, e1 := nodes[pos].in0, nodes[pos+span-1].in1
	if cap(ev.cbuf) < int(e1-e0) {
		ev.cbuf = make([]block, e1-e0)
	}
	carries := ev.cbuf[:e1-e0]
	for i := range carries {
		carries[i] = allLanes
		ev.carryAll(&ev.p.edges[e0+int32(i)], &carries[i])
	}
	for i := pos; i < pos+span; i++ {
		ev.s[i] = ev.x[i]
	}
	for sweep := int32(0); ; sweep++ {
		if sweep > span+1 {
			panic("analysis: cyclic component did not settle")
		}
		if !ev.sweepComponent(pos, span, carries, e0) {
			return
		}
	}
}

// carryAll draws every word of an edge, whatever its upstream state.
func (ev *evaluator) carryAll(e *pedge, c *block) {
	if e.mode == drawRandom && !ev.structural {
		for k := range c {
			c[k] = ev.rng.bernoulli(e.carry)
		}
		return
	}
	ev.carry(e, c)
}

func (ev *evaluator) sweepComponent(pos, span int32, carries []block, e0 int32) bool {
	nodes, edges := ev.p.nodes, ev.p.edges
	changed := false
	for i := pos; i < pos+span; i++ {
		nd := &nodes[i]
		in := ev.buf[:nd.in1-nd.in0]
		for j := range in {
			k := nd.in0 + int32(j)
			in[j] = ev.s[edges[k].src]
			in[j].and(&carries[k-e0])
		}
		var w block
		ev.gate(i, in, &w)
		w.or(&ev.x[i])
		if nd.host >= 0 {
			w.or(&ev.s[nd.host])
		}
		if w != ev.s[i] {
			ev.s[i], changed = w, true
		}
	}
	return changed
}

// gate evaluates the gate at pos over its carried input blocks.
func (ev *evaluator) gate(pos int32, in []block, out *block) {
	nd := &ev.p.nodes[pos]
	es := ev.p.edges[nd.in0:nd.in1]
	switch nd.kern {
	case kernOr:
		*out = block{}
		for i := range in {
			out.or(&in[i])
		}
	case kernAnd:
		*out = allLanes
		for i := range in {
			out.and(&in[i])
		}
	case kernAlways:
		*out = allLanes
	case kernDown, kernUp:
		up := nd.kern == kernUp
		for k := range out {
			out[k] = atLeastWords(in, k, es, int(nd.t), up)
		}
		if up {
			out.not()
		}
	case kernAdder:
		for k := range out {
			out[k] = adderWords(in, k, es, nd.t)
		}
	case kernLanes:
		ev.lanes(pos, in, out)
	default:
		*out = block{}
	}
}

// atLeastWords is, per lane of word k, whether the weight of the inputs
// that are set (or clear, when up) reaches t <= maxCounters: c[j] holds
// the lanes that have reached weight j so far, and an input of weight w
// lifts the lanes at j-w to j.
func atLeastWords(in []block, k int, es []pedge, t int, up bool) uint64 {
	var c [maxCounters + 1]uint64
	for i := range in {
		x := in[i][k]
		if up {
			x = ^x
		}
		w := int(es[i].w)
		if w == 0 {
			continue
		}
		for j := t; j >= 1; j-- {
			if j <= w {
				c[j] |= x
			} else {
				c[j] |= c[j-w] & x
			}
		}
	}
	return c[t]
}

// adderWords sums the weights of the set inputs of word k in bit-sliced
// binary, plane k holding bit k of every lane's sum, and compares each
// lane's sum with t from the top bit down.
func adderWords(in []block, k int, es []pedge, t int64) uint64 {
	var planes [64]uint64
	top := bits.Len64(uint64(t)) // planes that may be set
	for i := range in {
		x := in[i][k]
		for w := uint32(es[i].w); w != 0 && x != 0; w &= w - 1 {
			carry := x
			j := bits.TrailingZeros32(w)
			for ; carry != 0; j++ {
				planes[j], carry = planes[j]^carry, planes[j]&carry
			}
			top = max(top, j)
		}
	}
	var gt uint64
	eq := ^uint64(0)
	for j := top - 1; j >= 0; j-- {
		if t>>uint(j)&1 == 1 {
			eq &= planes[j]
		} else {
			gt |= eq & planes[j]
			eq &^= planes[j]
		}
	}
	return gt | eq
}

// lanes evaluates a gate with real weights one lane at a time, adding
// the weights in the model's input order as model.GateSpec.Impaired
// expects (this kernel's edges keep that order).
func (ev *evaluator) lanes(pos int32, in []block, out *block) {
	ins := ev.p.g.Inputs(ev.p.vertexAt[pos])
	spec := ev.p.g.Gates[ev.p.vertexAt[pos]]
	*out = block{}
	for l := 0; l < blockLanes; l++ {
		down, weight := 0, 0.0
		for i := range in {
			if in[i].has(l) {
				down++
				weight += ins[i].Weight
			}
		}
		if spec.Impaired(len(in), down, weight) {
			out.set(l)
		}
	}
}
