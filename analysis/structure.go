package analysis

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/homeostat/homeostat/model"
)

// Structure is what the graph's shape says, whatever the probabilities:
// which vertices each single failure takes down, and the minimal sets of
// failures that take the system down. Every edge that can carry is taken
// to carry (its probability above zero), and a vertex counts as failed
// when its intrinsic state is down.
type Structure struct {
	// BlastRadius is, for each vertex, how many other vertices go down
	// when it alone fails; -1 when the work budget ran out first.
	BlastRadius []int
	// Blast lists those vertices, at most Options.BlastList of them.
	Blast [][]int32
	// SinglePoints are the vertices whose failure alone takes the system
	// down: the cut sets of order one.
	SinglePoints []int32
	// CutSets are the minimal cut sets up to CutOrder, by order, then
	// most probable first.
	CutSets  []CutSet
	CutOrder int
	// Complete is false when the work budget stopped the search early:
	// then some blast radii are unknown or cut sets may be missing.
	Complete bool
	// AlwaysDown is true when the system is down with nothing failed
	// (an odd gate such as a threshold of zero); the only cut set is
	// then the empty one.
	AlwaysDown bool
}

// CutSet is a minimal set of vertices whose failure, with every other
// vertex up, takes the system down.
type CutSet struct {
	Vertices []int32
	// P is the probability that all of them are intrinsically down.
	P float64
}

// structure runs the single-failure scenarios, then the cut-set search.
type structure struct {
	p        *program
	pr       *propagator
	res      *Structure
	listMax  int
	budget   int64
	combines []bool    // positions whose gate can need two inputs down
	touchers [][]int32 // per position: failed positions that touch it
	touches  int       // entries in touchers
	spof     []bool    // by position
	exhaust  bool
}

// maxTouches bounds the candidate lists of the cut-set search.
const maxTouches = 50_000_000

// Possible returns the single points of failure and cut sets without those
// that hold a vertex which cannot fail (intrinsic unavailability zero):
// structurally they take the system down, but they never happen, and a
// vertex without a failure model listed as a single point of failure
// misleads. Every set that remains is still minimal. Reports show these;
// the structural lists stay for comparison with fault-tree tools, which
// keep zero-probability basic events.
func (s *Structure) Possible(g *model.Graph) ([]int32, []CutSet) {
	singles := slices.DeleteFunc(slices.Clone(s.SinglePoints), func(v int32) bool {
		return IntrinsicDown(g, v) == 0
	})
	cuts := slices.DeleteFunc(slices.Clone(s.CutSets), func(c CutSet) bool {
		return c.P == 0 && len(c.Vertices) > 0
	})
	return singles, cuts
}

func analyzeStructure(p *program, order, listMax int, budget int64) *Structure {
	n := len(p.nodes)
	s := &structure{p: p, pr: newPropagator(p), listMax: listMax,
		budget: budget, spof: make([]bool, n),
		res: &Structure{BlastRadius: make([]int, n), Blast: make([][]int32, n),
			CutOrder: order, Complete: true}}
	for i := range s.res.BlastRadius {
		s.res.BlastRadius[i] = -1
	}
	s.res.AlwaysDown = s.pr.baselineDown()
	if !s.res.AlwaysDown {
		s.markCombining(order)
	}
	s.singles()
	if s.res.AlwaysDown {
		// Nothing is a cause: the empty set is the only cut set.
		s.res.CutSets = []CutSet{{Vertices: []int32{}, P: 1}}
	} else {
		s.cutSets(order)
	}
	s.res.Complete = !s.exhaust
	return s.res
}

func (s *structure) markCombining(order int) {
	if order < 2 {
		return
	}
	s.combines = make([]bool, len(s.p.nodes))
	s.touchers = make([][]int32, len(s.p.nodes))
	for pos, nd := range s.p.nodes {
		switch nd.kern {
		case kernOr, kernNever, kernAlways:
		default:
			s.combines[pos] = true
		}
	}
}

func (s *structure) overBudget() bool {
	if s.pr.work > s.budget {
		s.exhaust = true
	}
	return s.exhaust
}

// singles fails each vertex alone, a block of vertices per pass.
func (s *structure) singles() {
	n := int32(len(s.p.nodes))
	var sources []int32
	for b := int32(0); b < n && !s.overBudget(); b += blockLanes {
		sources = sources[:0]
		for pos := b; pos < min(n, b+blockLanes); pos++ {
			s.pr.ev.x[pos].set(int(pos - b))
			sources = append(sources, pos)
		}
		s.pr.run(sources)
		s.collectSingles(sources)
		s.pr.reset(sources)
	}
}

// collectSingles reads one pass: blast radii and lists, single points,
// and which failures reach which combining gates.
func (s *structure) collectSingles(sources []int32) {
	pr, b := s.pr, sources[0]

	var count laneCounter
	open := lowLanes(len(sources)) // lanes whose list is not yet full
	if s.listMax <= 0 {
		open = block{}
	}
	for _, q := range pr.touched {
		d := pr.changed(q)
		if q >= b && q < b+blockLanes {
			var self block
			self.set(int(q - b)) // a vertex is not in its own blast
			d.andNot(&self)
		}
		count.add(&d)
		s.list(q, d, &open, b)
		if s.combines != nil && s.combines[q] {
			s.recordTouch(q, b)
		}
	}

	sys := pr.system()
	for l, pos := range sources {
		v := s.p.vertexAt[pos]
		s.res.BlastRadius[v] = count.lane(l)
		if sys.has(l) && !s.res.AlwaysDown {
			s.spof[pos] = true
		}
	}
}

// list appends position q to the blast lists of the lanes in d that are
// still open, closing those that fill up.
func (s *structure) list(q int32, d block, open *block, b int32) {
	d.and(open)
	d.lanes(func(l int) {
		v := s.p.vertexAt[b+int32(l)]
		s.res.Blast[v] = append(s.res.Blast[v], s.p.vertexAt[q])
		if len(s.res.Blast[v]) >= s.listMax {
			open[l/64] &^= 1 << uint(l%64)
		}
	})
}

// recordTouch notes the failures whose down set reaches an input of the
// combining gate at q. Two failures can only take down together what
// neither takes down alone through a gate they both reach, so these
// lists bound the cut-set search.
func (s *structure) recordTouch(q, b int32) {
	pr := s.pr
	nd := &s.p.nodes[q]
	var touch block
	for _, e := range s.p.edges[nd.in0:nd.in1] {
		if e.mode != drawNever {
			c := pr.changed(e.src)
			touch.or(&c)
		}
	}
	touch.lanes(func(l int) {
		if s.touches >= maxTouches {
			s.exhaust = true
			return
		}
		s.touchers[q] = append(s.touchers[q], b+int32(l))
		s.touches++
	})
}

// laneCounter counts set lanes over many blocks, in bit-sliced binary:
// plane j holds bit j of every lane's count.
type laneCounter struct{ planes [40]block }

func (c *laneCounter) add(b *block) {
	for k, w := range b {
		for j := 0; w != 0; j++ {
			c.planes[j][k], w = c.planes[j][k]^w, c.planes[j][k]&w
		}
	}
}

func (c *laneCounter) lane(l int) int {
	n := 0
	for j := range c.planes {
		if c.planes[j].has(l) {
			n |= 1 << uint(j)
		}
	}
	return n
}

// cutSets gathers the single points, then searches larger orders.
func (s *structure) cutSets(order int) {
	for pos, yes := range s.spof {
		if yes {
			v := s.p.vertexAt[pos]
			s.res.SinglePoints = append(s.res.SinglePoints, v)
			s.addCut([]int32{int32(pos)})
		}
	}
	slices.Sort(s.res.SinglePoints)

	found := map[string]bool{}
	for k := 2; k <= order && !s.overBudget(); k++ {
		b := &cutBatch{s: s, found: found}
		if k == 2 {
			s.pairs(b)
		} else {
			s.combinations(k, b)
		}
		b.flush()
	}
	s.sortCuts()
}

func (s *structure) addCut(positions []int32) {
	c := CutSet{P: 1}
	for _, pos := range positions {
		v := s.p.vertexAt[pos]
		c.Vertices = append(c.Vertices, v)
		c.P *= IntrinsicDown(s.p.g, v)
	}
	slices.Sort(c.Vertices)
	s.res.CutSets = append(s.res.CutSets, c)
}

func (s *structure) sortCuts() {
	slices.SortStableFunc(s.res.CutSets, func(a, b CutSet) int {
		if c := cmp.Compare(len(a.Vertices), len(b.Vertices)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.P, a.P); c != 0 {
			return c
		}
		return slices.Compare(a.Vertices, b.Vertices)
	})
}

// pairs tries every pair of failures that reach a common combining gate.
func (s *structure) pairs(b *cutBatch) {
	var pairs [][2]int32
	for _, list := range s.touchers {
		for i, a := range list {
			for _, c := range list[i+1:] {
				if !s.spof[a] && !s.spof[c] {
					pairs = append(pairs, [2]int32{min(a, c), max(a, c)})
				}
			}
			if len(pairs) > maxTouches {
				s.exhaust = true
				return
			}
		}
	}

	slices.SortFunc(pairs, func(x, y [2]int32) int { return slices.Compare(x[:], y[:]) })
	pairs = slices.Compact(pairs)
	for _, pr := range pairs {
		if s.overBudget() {
			return
		}
		b.try(pr[:])
	}
}

// combinations tries every k-set of failures that reach some combining
// gate (a failure that reaches none adds nothing to a cut set), skipping
// sets that hold a smaller cut set.
func (s *structure) combinations(k int, b *cutBatch) {
	var cand []int32
	for _, list := range s.touchers {
		for _, a := range list {
			if !s.spof[a] {
				cand = append(cand, a)
			}
		}
	}
	slices.Sort(cand)
	cand = slices.Compact(cand)

	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	combo := make([]int32, k)
	for len(cand) >= k && !s.overBudget() {
		for i, j := range idx {
			combo[i] = cand[j]
		}
		if !b.holdsCut(combo) {
			b.try(combo)
		}
		if !nextCombination(idx, len(cand)) {
			return
		}
	}
}

// nextCombination advances idx to the next k-subset of 0..n-1 in
// lexicographic order, or reports that there is none.
func nextCombination(idx []int, n int) bool {
	k := len(idx)
	i := k - 1
	for i >= 0 && idx[i] == n-k+i {
		i--
	}
	if i < 0 {
		return false
	}
	idx[i]++
	for j := i + 1; j < k; j++ {
		idx[j] = idx[j-1] + 1
	}
	return true
}

// cutBatch gathers up to a block of candidate sets and tests them in one
// pass.
type cutBatch struct {
	s     *structure
	found map[string]bool // keys of the cut sets found, by positions
	sets  [][]int32
}

func cutKey(positions []int32) string {
	b := make([]byte, 0, 4*len(positions))
	for _, p := range positions {
		b = append(b, byte(p>>24), byte(p>>16), byte(p>>8), byte(p))
	}
	return string(b)
}

// holdsCut reports whether a proper subset of two or more of the sorted
// set is a cut set already found.
func (b *cutBatch) holdsCut(set []int32) bool {
	k := len(set)
	sub := make([]int32, 0, k)
	for mask := 1; mask < 1<<k-1; mask++ {
		if bits.OnesCount(uint(mask)) < 2 {
			continue
		}
		sub = sub[:0]
		for i := 0; i < k; i++ {
			if mask>>i&1 == 1 {
				sub = append(sub, set[i])
			}
		}
		if b.found[cutKey(sub)] {
			return true
		}
	}
	return false
}

func (b *cutBatch) try(set []int32) {
	b.sets = append(b.sets, append([]int32(nil), set...))
	if len(b.sets) == blockLanes {
		b.flush()
	}
}

func (b *cutBatch) flush() {
	if len(b.sets) == 0 {
		return
	}
	pr := b.s.pr
	var sources []int32
	for l, set := range b.sets {
		for _, pos := range set {
			pr.ev.x[pos].set(l)
			sources = append(sources, pos)
		}
	}
	pr.run(sources)
	sys := pr.system()
	pr.reset(sources)

	for l, set := range b.sets {
		if sys.has(l) {
			b.found[cutKey(set)] = true
			b.s.addCut(set)
		}
	}
	b.sets = b.sets[:0]
}
