package clock

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// naive is the coordinator's choice of wakes by brute force: every
// participant's due tick in a slice, scanned whole for each tick.
type naive struct{ due []int64 }

// start returns the earliest due tick and the participants due then,
// and marks them running.
func (n *naive) start() (int64, []int) {
	t := slices.Min(n.due)
	if t == Never {
		return Never, nil
	}
	var wake []int
	for p, d := range n.due {
		if d == t {
			wake = append(wake, p)
			n.due[p] = Never
		}
	}
	return t, wake
}

func (n *naive) setDue(p int, at int64) { n.due[p] = min(n.due[p], at) }

// TestWakeQueueMatchesNaive: over many ticks of random reports, with
// due ticks near (in the wheel) and far (in the heap), repeated and
// overtaken, the coordinator wakes exactly whom a scan of every due tick
// would, tick for tick.
func TestWakeQueueMatchesNaive(t *testing.T) {
	const parts, end = 64, 1 << 22
	rng := rand.New(rand.NewPCG(1, 2))
	later := func(now int64) int64 {
		switch rng.IntN(4) {
		case 0:
			return now + 1 + rng.Int64N(8) // a batch or a short timer
		case 1:
			return now + 1 + rng.Int64N(3*wheelSize) // either side of the wheel
		case 2:
			return now + wheelSize + int64(rng.IntN(3)) // the same far ticks again
		}
		return Never
	}
	c := NewCoordinator(parts, end)
	ref := &naive{due: make([]int64, parts)}
	var st Start
	for p := range parts {
		d := later(-1)
		ref.due[p] = d
		st = open1(t, c, p, d)
	}
	ticks := 0
	for ; st.Tick != Never; ticks++ {
		tick, wake := ref.start()
		if st.Tick != tick || !slices.Equal(woken(st), wake) {
			t.Fatalf("after %d ticks: tick %d waking %v, want %d waking %v",
				ticks, st.Tick, woken(st), tick, wake)
		}
		st = reportRandom(t, c, ref, st, rng, later)
	}
	if ticks < 10_000 {
		t.Errorf("the run lasted %d ticks, too few to test the queue", ticks)
	}
}

func open1(t *testing.T, c *Coordinator, p int, due int64) Start {
	t.Helper()
	st, _, err := c.Report(Done{Participant: p, Tick: -1, NextDue: due})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// reportRandom has every woken participant report a random next due
// tick and a few batches to random others, to the coordinator and to
// the reference alike, and returns the next Start.
func reportRandom(t *testing.T, c *Coordinator, ref *naive, st Start, rng *rand.Rand,
	later func(int64) int64) Start {
	t.Helper()
	var next Start
	for _, w := range st.Wake {
		d := Done{Participant: w.Participant, Tick: st.Tick, NextDue: later(st.Tick)}
		ref.setDue(w.Participant, d.NextDue)
		for range rng.IntN(3) {
			to := rng.IntN(len(ref.due))
			at := later(st.Tick)
			if to == w.Participant || at == Never {
				continue
			}
			d.Sent = append(d.Sent, Sent{To: to, Arrival: at})
			ref.setDue(to, at)
		}
		var err error
		if next, _, err = c.Report(d); err != nil {
			t.Fatal(err)
		}
	}
	return next
}
