package core

import (
	"math"
	"math/rand/v2"
)

// Never is the tick of something that will not happen.
const Never = int64(math.MaxInt64)

// mix64 is the splitmix64 finaliser: it spreads the bits of x so that
// nearby inputs (consecutive seeds, similar ids) give unrelated outputs.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// fnv64 is FNV-1a over the bytes of s.
func fnv64(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// stream returns the random stream of the vertex with the given id in a
// run. Seeding from the id rather than the index keeps a vertex's draws
// when other vertices are added to or removed from the model.
func stream(runSeed uint64, id string) rand.PCG {
	var r rand.PCG
	r.Seed(mix64(runSeed), mix64(fnv64(id)^0x5bd1e995))
	return r
}

// RunSeed derives the seed of replication i from a base seed, so that
// replications are independent and each can run on any core.
func RunSeed(base uint64, i int) uint64 {
	return mix64(base ^ mix64(uint64(i)+0x632be59bd9b4e019))
}

// uniform returns a number in (0, 1].
func uniform(r *rand.PCG) float64 {
	return float64(r.Uint64()>>11+1) * 0x1p-53
}

// chance is a probability in units of 2^-31. A draw succeeds when 31
// random bits are below it, so 0 never succeeds and chanceOne always
// does; neither of those makes a draw at all.
type chance uint32

const chanceOne = chance(1 << 31)

func newChance(p float64) chance {
	switch {
	case !(p > 0):
		return 0
	case p >= 1:
		return chanceOne
	}
	return chance(math.Round(p * (1 << 31)))
}

// certain reports whether the outcome is known without a draw.
func (c chance) certain() bool { return c == 0 || c == chanceOne }

// happens draws on r unless the outcome is certain.
func (c chance) happens(r *rand.PCG) bool {
	if c.certain() {
		return c == chanceOne
	}
	return chance(r.Uint64()>>33) < c
}
