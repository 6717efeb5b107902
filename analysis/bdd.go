package analysis

import "math"

// Node ids of the two terminals of every bdd.
const (
	bddFalse int32 = 0
	bddTrue  int32 = 1
)

// terminalLevel sorts the terminals below every variable.
const terminalLevel = math.MaxInt32

// bdd is a store of reduced ordered binary decision diagrams that share
// nodes. A node tests the variable of its level and goes to hi when the
// variable is true, lo when false; variables are numbered in the order
// they are tested. Children are always created before their parents, so
// node ids are a topological order, which lets probabilities be computed
// in one sweep. The store holds at most limit nodes: past that, mk
// returns bddFalse and sets over, and every operation returns at once, so
// callers check over after each step and give up.
type bdd struct {
	level  []int32
	lo, hi []int32
	table  []int32 // open addressing over node ids; 0 marks a free slot
	cache  []opEntry
	limit  int
	over   bool
}

// opEntry remembers one result of and/or; op 0 marks a free entry.
type opEntry struct{ f, g, op, r int32 }

const (
	opAnd int32 = 1
	opOr  int32 = 2
)

func newBDD(limit int) *bdd {
	b := &bdd{limit: max(limit, 2)}
	b.level = append(b.level, terminalLevel, terminalLevel)
	b.lo = append(b.lo, 0, 1)
	b.hi = append(b.hi, 0, 1)
	b.table = make([]int32, 1<<10)
	b.cache = make([]opEntry, 1<<12)
	return b
}

// size is the number of nodes, terminals included.
func (b *bdd) size() int { return len(b.level) }

// variable is the function that is true when variable x is.
func (b *bdd) variable(x int32) int32 { return b.mk(x, bddFalse, bddTrue) }

func nodeHash(x, lo, hi int32) uint32 {
	h := uint64(uint32(x))*0x9E3779B97F4A7C15 ^
		uint64(uint32(lo))*0xC2B2AE3D27D4EB4F ^
		uint64(uint32(hi))*0x165667B19E3779F9
	return uint32(h ^ h>>29)
}

// mk returns the unique node (x, lo, hi), creating it when needed.
func (b *bdd) mk(x, lo, hi int32) int32 {
	if lo == hi || b.over {
		return lo
	}
	mask := uint32(len(b.table) - 1)
	i := nodeHash(x, lo, hi) & mask
	for ; b.table[i] != 0; i = (i + 1) & mask {
		n := b.table[i]
		if b.level[n] == x && b.lo[n] == lo && b.hi[n] == hi {
			return n
		}
	}

	if len(b.level) >= b.limit {
		b.over = true
		return bddFalse
	}
	n := int32(len(b.level))
	b.level = append(b.level, x)
	b.lo = append(b.lo, lo)
	b.hi = append(b.hi, hi)
	b.table[i] = n
	if 2*len(b.level) > len(b.table) {
		b.grow()
	}
	return n
}

// grow doubles the unique table and, to keep hit rates up as the store
// grows, the operation cache.
func (b *bdd) grow() {
	b.table = make([]int32, 2*len(b.table))
	mask := uint32(len(b.table) - 1)
	for n := int32(2); n < int32(len(b.level)); n++ {
		i := nodeHash(b.level[n], b.lo[n], b.hi[n]) & mask
		for b.table[i] != 0 {
			i = (i + 1) & mask
		}
		b.table[i] = n
	}
	if len(b.cache) < len(b.table) {
		b.cache = make([]opEntry, len(b.table))
	}
}

// cofactors splits f on variable x: the functions with x false and true.
func (b *bdd) cofactors(f, x int32) (int32, int32) {
	if b.level[f] != x {
		return f, f
	}
	return b.lo[f], b.hi[f]
}

func (b *bdd) and(f, g int32) int32 {
	switch {
	case b.over || f == bddFalse || g == bddFalse:
		return bddFalse
	case f == bddTrue || f == g:
		return g
	case g == bddTrue:
		return f
	}
	return b.apply(opAnd, f, g)
}

func (b *bdd) or(f, g int32) int32 {
	switch {
	case b.over:
		return bddFalse
	case f == bddTrue || g == bddTrue:
		return bddTrue
	case f == bddFalse || f == g:
		return g
	case g == bddFalse:
		return f
	}
	return b.apply(opOr, f, g)
}

// apply does the Shannon expansion of and/or on two non-terminals,
// through the cache.
func (b *bdd) apply(op, f, g int32) int32 {
	if f > g {
		f, g = g, f
	}
	slot := &b.cache[(nodeHash(op, f, g))&uint32(len(b.cache)-1)]
	if slot.op == op && slot.f == f && slot.g == g {
		return slot.r
	}

	x := min(b.level[f], b.level[g])
	f0, f1 := b.cofactors(f, x)
	g0, g1 := b.cofactors(g, x)
	var lo, hi int32
	if op == opAnd {
		lo, hi = b.and(f0, g0), b.and(f1, g1)
	} else {
		lo, hi = b.or(f0, g0), b.or(f1, g1)
	}
	r := b.mk(x, lo, hi)
	if !b.over {
		// Recursion may have grown the cache; index it afresh.
		slot = &b.cache[(nodeHash(op, f, g))&uint32(len(b.cache)-1)]
		*slot = opEntry{f: f, g: g, op: op, r: r}
	}
	return r
}

// probabilities gives, for every node, the probability that its function
// is true when variable x is true with probability p[x], independently.
func (b *bdd) probabilities(p []float64) []float64 {
	prob := make([]float64, len(b.level))
	prob[bddTrue] = 1
	for n := 2; n < len(b.level); n++ {
		q := p[b.level[n]]
		prob[n] = q*prob[b.hi[n]] + (1-q)*prob[b.lo[n]]
	}
	return prob
}

// derivatives gives, for every variable x, the partial derivative of
// P(root) with respect to p[x]: the sum, over the nodes testing x, of the
// probability of reaching the node from the root times the difference
// between its two children's probabilities.
func (b *bdd) derivatives(root int32, p, prob []float64) []float64 {
	d := make([]float64, len(p))
	reach := make([]float64, root+1)
	reach[root] = 1
	for n := root; n >= 2; n-- {
		r := reach[n]
		if r == 0 {
			continue
		}
		x := b.level[n]
		d[x] += r * (prob[b.hi[n]] - prob[b.lo[n]])
		reach[b.hi[n]] += r * p[x]
		reach[b.lo[n]] += r * (1 - p[x])
	}
	return d
}
