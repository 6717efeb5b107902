// Package dueheap is a 4-ary min-heap of (tick, id) entries: a shard's
// timers and the clock's wake-ups beyond its timing wheel. Four
// children per node keep the heap shallow, so a pop touches fewer cache
// lines than a binary heap's.
package dueheap

// Entry is one id due at tick At.
type Entry struct {
	At int64
	ID int32
}

// Heap is a min-heap of entries by tick; h[0] is the earliest. Entries
// with equal ticks come out in no particular order.
type Heap []Entry

// Push adds id, due at tick at.
func (h *Heap) Push(at int64, id int32) {
	*h = append(*h, Entry{at, id})
	s := *h
	for i := len(s) - 1; i > 0; {
		parent := (i - 1) / 4
		if s[parent].At <= s[i].At {
			break
		}
		s[parent], s[i] = s[i], s[parent]
		i = parent
	}
}

// Pop takes the earliest entry; the heap must not be empty.
func (h *Heap) Pop() Entry {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	*h = s
	for i := 0; ; {
		small := i
		for k := 4*i + 1; k <= 4*i+4 && k < n; k++ {
			if s[k].At < s[small].At {
				small = k
			}
		}
		if small == i {
			break
		}
		s[i], s[small] = s[small], s[i]
		i = small
	}
	return top
}
