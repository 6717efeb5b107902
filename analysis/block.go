package analysis

import "math/bits"

// blockWords is the number of 64-lane words evaluated together. A block
// of four words is half a cache line: reading an input's block from
// memory serves 256 lanes, and every vertex and edge record is read once
// per 256 lanes instead of once per 64.
const blockWords = 4

// blockLanes is the number of lanes in a block.
const blockLanes = 64 * blockWords

// block is one bit per lane: lane l is bit l%64 of word l/64. In Monte
// Carlo a lane is a sample; in the structure analysis, a scenario.
type block [blockWords]uint64

var allLanes = func() (b block) {
	for k := range b {
		b[k] = ^uint64(0)
	}
	return b
}()

func (b *block) zero() bool {
	var w uint64
	for _, x := range b {
		w |= x
	}
	return w == 0
}

func (b *block) set(l int) { b[l/64] |= 1 << uint(l%64) }

func (b *block) has(l int) bool { return b[l/64]>>uint(l%64)&1 == 1 }

func (b *block) or(o *block) {
	for k := range b {
		b[k] |= o[k]
	}
}

func (b *block) and(o *block) {
	for k := range b {
		b[k] &= o[k]
	}
}

func (b *block) andNot(o *block) {
	for k := range b {
		b[k] &^= o[k]
	}
}

func (b *block) not() {
	for k := range b {
		b[k] = ^b[k]
	}
}

func (b *block) count() int64 {
	n := 0
	for _, x := range b {
		n += bits.OnesCount64(x)
	}
	return int64(n)
}

// lanes calls f with every set lane in increasing order.
func (b *block) lanes(f func(l int)) {
	for k, x := range b {
		for ; x != 0; x &= x - 1 {
			f(k*64 + bits.TrailingZeros64(x))
		}
	}
}

// lowLanes is a block with lanes 0..n-1 set.
func lowLanes(n int) block {
	var b block
	for k := range b {
		switch r := n - 64*k; {
		case r >= 64:
			b[k] = ^uint64(0)
		case r > 0:
			b[k] = 1<<uint(r) - 1
		}
	}
	return b
}
