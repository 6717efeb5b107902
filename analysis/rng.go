package analysis

import "math"

// stream is a permuted congruential generator (PCG) with 64 bits of
// state and a random-xorshift-multiply-xorshift output, one stream per
// increment. It is small enough to inline, which matters: a Bernoulli
// word costs several draws, and the Monte Carlo method draws one per
// uncertain variable per 64 samples.
type stream struct{ state, inc uint64 }

// newStream derives an independent stream from a seed and a stream
// number, scrambling both so that neighbouring numbers do not give
// neighbouring states.
func newStream(seed, id uint64) stream {
	a := splitmix(seed ^ splitmix(id))
	b := splitmix(a ^ id)
	s := stream{inc: b<<1 | 1}
	s.state = a + s.inc
	s.next()
	return s
}

// splitmix is the SplitMix64 finaliser, a bijective bit scrambler.
func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	return x ^ x>>31
}

func (s *stream) next() uint64 {
	old := s.state
	s.state = old*6364136223846793005 + s.inc
	w := (old>>((old>>59)+5) ^ old) * 12605985483714917081
	return w>>43 ^ w
}

// bernoulliThreshold turns a probability into the 64-bit fixed-point
// threshold t of bernoulli: a lane is true when its uniform 64-bit number
// is below t, so with probability t/2^64, within 2^-64 of p. The second
// result is true when p rounds to one (every lane true).
func bernoulliThreshold(p float64) (uint64, bool) {
	if !(p > 0) {
		return 0, false
	}
	x := math.Ldexp(p, 64)
	if x >= math.Ldexp(1, 64) {
		return 0, true
	}
	return uint64(x), false
}

// bernoulli returns 64 independent lanes, each true with probability
// t/2^64. Lane i compares a uniform number U_i with t bit by bit from the
// top, the k-th bits of all 64 numbers coming from the k-th draw; a lane
// is decided at the first bit where U_i and t differ (U_i < t when t has
// the one). Each draw decides half the open lanes, so all 64 are decided
// after about 8 draws whatever t is.
func (s *stream) bernoulli(t uint64) uint64 {
	var res uint64
	open := ^uint64(0)
	for bit := 63; open != 0 && bit >= 0; bit-- {
		r := s.next()
		tb := -(t >> uint(bit) & 1) // all ones where t has a one
		decided := open & (r ^ tb)
		res |= decided & tb
		open &^= decided
	}
	return res
}
