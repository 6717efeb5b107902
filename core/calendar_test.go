package core

import (
	"slices"
	"testing"
)

func drainTick(c *calendar, t int64) []int64 {
	var got []int64
	c.last = t
	for k := c.bucket(t); k >= 0; {
		var msgs []Message
		msgs, k = c.chunk(k)
		for _, m := range msgs {
			got = append(got, int64(m.A))
		}
	}
	c.release(t)
	for c.farDue(t) {
		got = append(got, int64(c.popFar().A))
	}
	return got
}

// TestCalendarOrdersMessagesByTick: near messages go to the wheel, far
// ones to the heap; each tick gets exactly its own, and nextTick skips
// the empty ticks between them.
func TestCalendarOrdersMessagesByTick(t *testing.T) {
	for _, vertices := range []int{1, 1000} {
		c := newCalendar(vertices)
		ats := []int64{5, 3, 5, 9000, 3, 70, 200_000}
		for i, at := range ats {
			c.put(Message{At: at, A: int32(i)})
		}
		c.pushTimer(40, 0)
		var ticks []int64
		for tick := c.nextTick(); tick != Never; tick = c.nextTick() {
			ticks = append(ticks, tick)
			got := drainTick(&c, tick)
			slices.Sort(got)
			var want []int64
			for i, at := range ats {
				if at == tick {
					want = append(want, int64(i))
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%d vertices, tick %d: messages %v, want %v", vertices, tick,
					got, want)
			}
			for c.timerDue(tick) {
				c.popTimer()
			}
		}
		if want := []int64{3, 5, 40, 70, 9000, 200_000}; !slices.Equal(ticks, want) {
			t.Errorf("%d vertices: ticks %v, want %v", vertices, ticks, want)
		}
	}
}

// TestCalendarReusesChunks: a long run of bursts holds only the chunks of
// the messages in flight, not one burst's worth per bucket.
func TestCalendarReusesChunks(t *testing.T) {
	c := newCalendar(4096)
	for tick := int64(0); tick < 50_000; tick++ {
		c.last = tick - 1
		for i := range 1000 {
			c.put(Message{At: tick + 1 + int64(i%3), A: int32(i)})
		}
		drainTick(&c, tick)
	}
	if n := len(c.chunks); n > 40 {
		t.Errorf("%d chunks for about 3000 messages in flight", n)
	}
}

func TestTimerHeapPopsInOrder(t *testing.T) {
	var c calendar
	ats := []int64{50, 3, 17, 3, 99, 1, 42, 8, 8, 64}
	for i, at := range ats {
		c.pushTimer(at, int32(i))
	}
	var got []int64
	for len(c.timers) > 0 {
		got = append(got, c.popTimer().At)
	}
	want := slices.Clone(ats)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("popped %v, want %v", got, want)
	}
}
