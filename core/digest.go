package core

// Digest combines the results of every vertex of a run, in vertex order,
// with the run's counters into one number. Since each vertex hashes only
// its own events, the digest is the same however the vertices were split
// into shards, and any difference in any vertex's trace changes it.
func Digest(vertices []VertexResult, c *Counters) uint64 {
	h := uint64(fnvOffset)
	fold := func(x uint64) { h = (h ^ x) * fnvPrime }
	for i := range vertices {
		r := &vertices[i]
		fold(r.Hash)
		fold(uint64(r.AvailableTicks))
		fold(uint64(r.Outages)<<32 | uint64(r.Restarts))
	}
	for _, w := range c.words() {
		fold(uint64(w))
	}
	return mix64(h)
}

// CombineDigests folds the digests of several runs, in run order.
func CombineDigests(ds []uint64) uint64 {
	h := uint64(fnvOffset)
	for _, d := range ds {
		h = (h ^ d) * fnvPrime
	}
	return mix64(h)
}
