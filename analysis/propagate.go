package analysis

import "math/bits"

// propagator evaluates failure scenarios, a block of them at a time, with every edge
// that can carry carrying: lane i fails the vertices of scenario i and
// nothing else. It re-evaluates only the positions a changed position
// feeds, so a pass costs the size of the scenarios' combined reach rather
// than the whole graph; work counts those evaluations.
type propagator struct {
	ev      *evaluator
	base    []block  // down blocks with nothing failed: all ones or zero
	active  []uint64 // bitmap of positions to evaluate in this pass
	touched []int32  // positions evaluated in this pass
	work    int64
}

func newPropagator(p *program) *propagator {
	ev := newEvaluator(p)
	ev.structural = true
	pr := &propagator{ev: ev, active: make([]uint64, (len(p.nodes)+63)/64)}
	for pos := range p.nodes {
		pr.activate(int32(pos))
	}
	pr.sweep(0)
	pr.base = append([]block(nil), ev.s...)
	pr.touched = pr.touched[:0]
	return pr
}

// baselineDown reports whether the system is down with nothing failed,
// which only odd gates (a threshold of zero, say) can cause.
func (pr *propagator) baselineDown() bool {
	for _, t := range pr.ev.p.targets {
		if !pr.base[t].zero() {
			return true
		}
	}
	return false
}

func (pr *propagator) activate(pos int32) {
	pos = pr.ev.p.compStart[pos]
	pr.active[pos/64] |= 1 << uint(pos%64)
}

// run evaluates the scenarios whose intrinsic blocks have been or-ed into
// ev.x at the given positions. Afterwards ev.s holds the down blocks;
// reset must be called before the next pass.
func (pr *propagator) run(sources []int32) {
	first := int32(len(pr.ev.p.nodes))
	for _, pos := range sources {
		pr.activate(pos)
		first = min(first, pr.ev.p.compStart[pos])
	}
	pr.sweep(first)
}

// sweep evaluates the active positions in increasing order from first;
// evaluating one can only activate later ones.
func (pr *propagator) sweep(first int32) {
	ev, nodes := pr.ev, pr.ev.p.nodes
	for wi := int(first / 64); wi < len(pr.active); wi++ {
		for pr.active[wi] != 0 {
			bit := bits.TrailingZeros64(pr.active[wi])
			pr.active[wi] &^= 1 << uint(bit)
			pos := int32(wi*64 + bit)
			span := max(1, nodes[pos].span)
			pr.evaluate(pos, span)
			pr.work += int64(span)
			for i := pos; i < pos+span; i++ {
				pr.touched = append(pr.touched, i)
				if pr.base == nil || ev.s[i] != pr.base[i] {
					pr.spread(i, pos)
				}
			}
		}
	}
}

func (pr *propagator) evaluate(pos, span int32) {
	ev := pr.ev
	nd := &ev.p.nodes[pos]
	if nd.span > 0 {
		ev.settle(pos, span)
		return
	}
	ev.evaluate(pos, nd)
}

// spread activates what position i of the component at comp feeds.
func (pr *propagator) spread(i, comp int32) {
	p := pr.ev.p
	for _, q := range p.successors(i) {
		if p.compStart[q] != comp {
			pr.activate(q)
		}
	}
}

// changed is the block of lanes in which position pos is down beyond
// the baseline.
func (pr *propagator) changed(pos int32) block {
	b := pr.ev.s[pos]
	b.andNot(&pr.base[pos])
	return b
}

// system is the block of lanes in which some target is down.
func (pr *propagator) system() block {
	var b block
	for _, t := range pr.ev.p.targets {
		b.or(&pr.ev.s[t])
	}
	return b
}

// reset restores the baseline on every position the pass touched and
// clears the scenario blocks at the sources.
func (pr *propagator) reset(sources []int32) {
	for _, pos := range pr.touched {
		pr.ev.s[pos] = pr.base[pos]
	}
	for _, pos := range sources {
		pr.ev.x[pos] = block{}
	}
	pr.touched = pr.touched[:0]
}
