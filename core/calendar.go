package core

import (
	"math/bits"

	"github.com/homeostat/homeostat/internal/dueheap"
)

// calendar holds what is due in a shard: messages by tick of arrival and
// the vertices' timers.
//
// Messages due within the next wheel-size ticks sit in a timing wheel:
// each bucket is a chain of fixed-size chunks taken from a shared free
// list, so the memory held is that of the messages in flight, not the
// sum of every bucket's largest burst; a bitmap of non-empty buckets
// skips empty ticks a word at a time. Later messages, and every message
// of a shard too small for a wheel, sit in a binary heap. Timers sit in a
// 4-ary heap and are checked lazily: an entry whose vertex has since
// moved its due tick is dropped when it comes up.
type calendar struct {
	mask    int64 // wheel size - 1, or -1 without a wheel
	last    int64 // the last tick run; messages arrive after it
	pending int   // messages in the wheel
	far     []Message
	timers  dueheap.Heap // the vertices' timers: ID is the local index

	head     []int32
	tail     []int32
	nonempty []uint64
	chunks   [][chunkLen]Message
	fill     []int32 // messages in each chunk
	next     []int32 // next chunk in the bucket, or the free list
	free     int32   // head of the free list, or -1
}

// chunkLen is the number of messages in one chunk (4 KiB).
const chunkLen = 128

// wheelSize picks a wheel for a shard of n vertices: none for a handful,
// up to 4096 ticks for big shards.
func wheelSize(n int) int {
	if n < 64 {
		return 0
	}
	size := 64
	for size < n && size < 4096 {
		size *= 2
	}
	return size
}

func newCalendar(vertices int) calendar {
	size := wheelSize(vertices)
	c := calendar{mask: int64(size) - 1, last: -1, free: -1}
	if size > 0 {
		c.head = make([]int32, size)
		c.tail = make([]int32, size)
		for i := range c.head {
			c.head[i], c.tail[i] = -1, -1
		}
		c.nonempty = make([]uint64, size/64)
	}
	return c
}

// put adds a message; m.At must be after the last tick run.
func (c *calendar) put(m Message) {
	if m.At-c.last > c.mask {
		c.pushFar(m)
		return
	}
	i := m.At & c.mask
	k := c.tail[i]
	if k < 0 || c.fill[k] == chunkLen {
		k = c.link(i)
	}
	c.chunks[k][c.fill[k]] = m
	c.fill[k]++
	c.pending++
}

// link appends a fresh chunk to bucket i and returns it.
func (c *calendar) link(i int64) int32 {
	k := c.free
	if k >= 0 {
		c.free = c.next[k]
	} else {
		k = int32(len(c.chunks))
		c.chunks = append(c.chunks, [chunkLen]Message{})
		c.fill = append(c.fill, 0)
		c.next = append(c.next, -1)
	}
	c.fill[k], c.next[k] = 0, -1
	if t := c.tail[i]; t >= 0 {
		c.next[t] = k
	} else {
		c.head[i] = k
		c.nonempty[i>>6] |= 1 << (i & 63)
	}
	c.tail[i] = k
	return k
}

// bucket returns the first chunk of tick t's bucket, or -1. The caller
// walks the chunks with chunk and then calls release; it must not add
// messages for tick t meanwhile.
func (c *calendar) bucket(t int64) int32 {
	if c.pending == 0 {
		return -1
	}
	return c.head[t&c.mask]
}

// chunk returns the messages of chunk k and the chunk after it, or -1.
func (c *calendar) chunk(k int32) ([]Message, int32) {
	return c.chunks[k][:c.fill[k]], c.next[k]
}

// release empties tick t's bucket and returns its chunks to the free
// list.
func (c *calendar) release(t int64) {
	if c.pending == 0 {
		return
	}
	i := t & c.mask
	for k := c.head[i]; k >= 0; {
		c.pending -= int(c.fill[k])
		nx := c.next[k]
		c.next[k] = c.free
		c.free = k
		k = nx
	}
	c.head[i], c.tail[i] = -1, -1
	c.nonempty[i>>6] &^= 1 << (i & 63)
}

// nextTick returns the first tick after the last one run at which
// anything is due, or Never.
func (c *calendar) nextTick() int64 {
	due := Never
	if len(c.far) > 0 {
		due = c.far[0].At
	}
	if len(c.timers) > 0 {
		due = min(due, c.timers[0].At)
	}
	if c.pending > 0 {
		due = min(due, c.nextInWheel())
	}
	return due
}

func (c *calendar) nextInWheel() int64 {
	start := c.last + 1
	size := c.mask + 1
	for off := int64(0); off < size; {
		i := (start + off) & c.mask
		word := c.nonempty[i>>6] >> (i & 63)
		if word != 0 {
			return start + off + int64(bits.TrailingZeros64(word))
		}
		off += 64 - (i & 63)
	}
	panic("core: calendar counts messages its wheel does not hold")
}

func (c *calendar) pushFar(m Message) {
	c.far = append(c.far, m)
	h := c.far
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if h[p].At <= h[i].At {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

// popFar removes and returns the earliest far message.
func (c *calendar) popFar() Message {
	h := c.far
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	c.far = h[:n]
	h = c.far
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < n && h[l].At < h[small].At {
			small = l
		}
		if r := l + 1; r < n && h[r].At < h[small].At {
			small = r
		}
		if small == i {
			break
		}
		h[i], h[small] = h[small], h[i]
		i = small
	}
	return top
}

// farDue reports whether a far message arrives at tick t.
func (c *calendar) farDue(t int64) bool {
	return len(c.far) > 0 && c.far[0].At == t
}

func (c *calendar) pushTimer(at int64, l int32) { c.timers.Push(at, l) }

// timerDue reports whether a timer is due at tick t.
func (c *calendar) timerDue(t int64) bool {
	return len(c.timers) > 0 && c.timers[0].At == t
}

func (c *calendar) popTimer() dueheap.Entry { return c.timers.Pop() }
