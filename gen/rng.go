package gen

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// Durations in ticks; every generated model uses one-second ticks.
const (
	second = int64(1)
	minute = 60 * second
	hour   = 60 * minute
	day    = 24 * hour
)

// rng is the one random stream of a generation. Every choice is drawn
// from it in a fixed order, which is what makes a seed reproducible.
type rng struct{ *rand.Rand }

// newRNG seeds a PCG stream; the constant keeps kinds apart from other
// users of the same seed.
func newRNG(seed uint64) rng {
	return rng{rand.New(rand.NewPCG(seed, 0x68_6f_6d_65_6f_73_74)) /* "homeost" */}
}

// chance is true with probability p.
func (r rng) chance(p float64) bool { return r.Float64() < p }

// between draws an integer uniformly from lo..hi, both included.
func (r rng) between(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// logUniform draws a duration whose logarithm is uniform, so that every
// order of magnitude between lo and hi is equally likely. It rounds to
// whole hours when lo is at least a day and to whole minutes when lo is
// at least a minute, so that the text form reads 774h, not 2784122s.
func (r rng) logUniform(lo, hi int64) int64 {
	unit := second
	switch {
	case lo >= day:
		unit = hour
	case lo >= minute:
		unit = minute
	}
	a, b := math.Log(float64(lo)), math.Log(float64(hi))
	x := math.Exp(a + r.Float64()*(b-a))
	return unit * max(1, int64(math.Round(x/float64(unit))))
}

// skewed draws an index below n that favours small indices: index i is
// drawn with a density falling like 1/sqrt(i), so the first few shared
// vertices gather many dependents.
func (r rng) skewed(n int) int {
	u := r.Float64()
	return min(n-1, int(float64(n)*u*u))
}

// geometric returns the number of failures before the first success of
// trials that succeed with probability p, for skipping over the absent
// edges of a sparse random graph in one draw.
func (r rng) geometric(p float64) int {
	if p >= 1 {
		return 0
	}
	k := math.Floor(math.Log1p(-r.Float64()) / math.Log1p(-p))
	return int(min(k, math.MaxInt32))
}

// round keeps three significant digits, so text forms stay readable.
func round(x float64) float64 {
	y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 3, 64), 64)
	return y
}

// id is a readable vertex id: a prefix and a number.
func id(prefix string, i int) string {
	var buf [32]byte // on the stack: the string is the one allocation
	return string(strconv.AppendInt(append(buf[:0], prefix...), int64(i), 10))
}

// share is the i-th of parts nearly equal slices of 0..n: it returns the
// first index of that slice. Every slice is non-empty when parts <= n.
func share(i, parts, n int) int {
	return (i*n + parts - 1) / parts
}

// part is the slice of share that index s of 0..n falls into.
func part(s, parts, n int) int {
	return s * parts / n
}
