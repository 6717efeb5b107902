package dueheap

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPopsInOrder: whatever the order of pushes, with pops in between,
// entries come out by tick, and every pushed entry comes out once.
func TestPopsInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	var h Heap
	var in, out []Entry
	last := int64(-1)
	for i := range 10_000 {
		if rng.IntN(3) > 0 || len(h) == 0 {
			at := last + 1 + rng.Int64N(50) // never before what was popped
			h.Push(at, int32(i))
			in = append(in, Entry{at, int32(i)})
			continue
		}
		e := h.Pop()
		if e.At < last {
			t.Fatalf("popped tick %d after tick %d", e.At, last)
		}
		last = e.At
		out = append(out, e)
	}
	for len(h) > 0 {
		e := h.Pop()
		if e.At < last {
			t.Fatalf("popped tick %d after tick %d", e.At, last)
		}
		last = e.At
		out = append(out, e)
	}
	byID := func(a, b Entry) int { return int(a.ID - b.ID) }
	slices.SortFunc(in, byID)
	slices.SortFunc(out, byID)
	if !slices.Equal(in, out) {
		t.Errorf("pushed %d entries, popped %d, or different ones", len(in), len(out))
	}
}
