package clock

import (
	"math/bits"

	"github.com/homeostat/homeostat/internal/dueheap"
)

// wheelSize is the number of ticks the wake queue's timing wheel covers
// ahead of the tick in progress. Batches arrive a tick or a few later
// and repairs within hours of ticks; failures, drawn over days, wait in
// the heap behind the wheel.
const wheelSize = 1 << 12

// wakeQueue holds the due ticks of the participants, (tick, participant)
// entries, of which the coordinator takes the earliest tick's entries
// all at once.
//
// Entries due within wheelSize ticks of the tick in progress sit in a
// timing wheel: one bucket per tick, each a chain of entries in a slab
// with a free list, and a bitmap of the non-empty buckets that skips
// empty ticks a word at a time. Later entries sit in a 4-ary heap and
// move into the wheel once the tick in progress comes within wheelSize
// of them. With a participant per vertex, a heap of every entry misses
// the cache at each level of every pop; the wheel touches one bucket
// per entry.
//
// An entry whose participant has since moved its due tick is stale; it
// is dropped when its tick comes up. A participant woken often reports
// the same far due tick (its next failure) after every wake, so the
// queue remembers each participant's newest entry in the heap
// (participant.farAt: Never when it has none there for sure) and does
// not push it twice.
type wakeQueue struct {
	base     int64   // the wheel covers ticks [base, base+wheelSize)
	head     []int32 // first entry of each bucket, or -1
	nonempty []uint64
	entries  []wakeEntry
	free     int32 // first free entry, or -1
	far      dueheap.Heap
	into     []int // scratch for a bucket's participants
}

// wakeEntry is one participant in a bucket's chain.
type wakeEntry struct {
	p    int32
	next int32 // next entry of the bucket or of the free list; -1 ends
}

func newWakeQueue() wakeQueue {
	q := wakeQueue{head: make([]int32, wheelSize),
		nonempty: make([]uint64, wheelSize/64), free: -1}
	for i := range q.head {
		q.head[i] = -1
	}
	return q
}

// push adds participant p, due at tick at; at is never before base.
func (q *wakeQueue) push(parts []participant, at int64, p int) {
	switch {
	case at-q.base < wheelSize:
		q.link(at&(wheelSize-1), int32(p))
	case parts[p].farAt != at:
		q.far.Push(at, int32(p))
		parts[p].farAt = at
	}
}

// popFar takes the heap's earliest entry.
func (q *wakeQueue) popFar(parts []participant) dueheap.Entry {
	e := q.far.Pop()
	if parts[e.ID].farAt == e.At {
		parts[e.ID].farAt = Never // another entry for e.At may remain: no harm
	}
	return e
}

// link puts p at the head of bucket i.
func (q *wakeQueue) link(i int64, p int32) {
	k := q.free
	if k >= 0 {
		q.free = q.entries[k].next
	} else {
		k = int32(len(q.entries))
		q.entries = append(q.entries, wakeEntry{})
	}
	q.entries[k] = wakeEntry{p: p, next: q.head[i]}
	q.head[i] = k
	q.nonempty[i>>6] |= 1 << (i & 63)
}

// earliest drops stale entries and returns the earliest tick at which a
// participant is due, or Never. The wheel then starts at that tick.
func (q *wakeQueue) earliest(parts []participant) int64 {
	for {
		t, ok := q.first()
		if !ok {
			if t = q.farEarliest(parts); t == Never {
				return Never
			}
			q.advance(t, parts)
			continue
		}
		if q.keepLive(t, parts) {
			q.advance(t, parts)
			return t
		}
	}
}

// first returns the tick of the first non-empty bucket from base on.
func (q *wakeQueue) first() (int64, bool) {
	const words = wheelSize / 64
	start := q.base & (wheelSize - 1)
	w := start >> 6
	word := q.nonempty[w] &^ (1<<(start&63) - 1) // buckets from start on
	for n := 0; n <= words; n++ {
		if word != 0 {
			i := w<<6 + int64(bits.TrailingZeros64(word))
			return q.base + (i-start)&(wheelSize-1), true
		}
		w = (w + 1) % words
		word = q.nonempty[w]
		if n == words-1 {
			word &= 1<<(start&63) - 1 // back at start's word: the buckets before it
		}
	}
	return 0, false
}

// keepLive drops the stale entries of tick t's bucket and reports
// whether any is left.
func (q *wakeQueue) keepLive(t int64, parts []participant) bool {
	i := t & (wheelSize - 1)
	live := int32(-1)
	for k := q.head[i]; k >= 0; {
		e := &q.entries[k]
		next := e.next
		if parts[e.p].due == t {
			e.next, live = live, k
		} else {
			e.next, q.free = q.free, k
		}
		k = next
	}
	q.head[i] = live
	if live < 0 {
		q.nonempty[i>>6] &^= 1 << (i & 63)
		return false
	}
	return true
}

// advance starts the wheel at tick t, no later than any entry of the
// wheel, and moves in the live entries of the heap that it now covers.
func (q *wakeQueue) advance(t int64, parts []participant) {
	q.base = t
	for len(q.far) > 0 && q.far[0].At-t < wheelSize {
		e := q.popFar(parts)
		if parts[e.ID].due == e.At {
			q.link(e.At&(wheelSize-1), e.ID)
		}
	}
}

// take empties tick t's bucket and returns its participants; the slice
// is reused by the next call.
func (q *wakeQueue) take(t int64) []int {
	i := t & (wheelSize - 1)
	q.into = q.into[:0]
	for k := q.head[i]; k >= 0; {
		e := &q.entries[k]
		q.into = append(q.into, int(e.p))
		next := e.next
		e.next, q.free = q.free, k
		k = next
	}
	q.head[i] = -1
	q.nonempty[i>>6] &^= 1 << (i & 63)
	return q.into
}

// farEarliest drops the heap's stale entries from the top and returns
// its earliest due tick, or Never.
func (q *wakeQueue) farEarliest(parts []participant) int64 {
	for len(q.far) > 0 && parts[q.far[0].ID].due != q.far[0].At {
		q.popFar(parts)
	}
	if len(q.far) == 0 {
		return Never
	}
	return q.far[0].At
}
