package clock

import (
	"context"
	"slices"
	"testing"

	"github.com/homeostat/homeostat/core"
)

// relay is a participant that passes a token around a ring: on receiving
// it at tick t it records t and sends it to the next participant, to
// arrive hop ticks later. It stands in for a shard.
type relay struct {
	id, n, hop int
	inbox      []core.Message
	seen       []int64
	start      int64 // tick at which participant 0 first sends
	started    bool
}

func (r *relay) NextDue() int64 {
	due := Never
	if r.id == 0 && !r.started {
		due = r.start
	}
	for _, m := range r.inbox {
		due = min(due, m.At)
	}
	return due
}

func (r *relay) Deliver(msgs []core.Message) error {
	r.inbox = append(r.inbox, msgs...)
	return nil
}

func (r *relay) Step(t int64) ([]core.Message, core.Delta) {
	d := core.NoDelta
	fire := r.id == 0 && !r.started && t == r.start
	kept := r.inbox[:0]
	for _, m := range r.inbox {
		if m.At == t {
			fire = true
			d.Events++
		} else {
			kept = append(kept, m)
		}
	}
	r.inbox = kept
	if !fire {
		return nil, d
	}
	r.started = true
	r.seen = append(r.seen, t)
	next := int32((r.id + 1) % r.n)
	return []core.Message{{At: t + int64(r.hop), To: next}}, d
}

// TestRunnerPassesTokenAroundRing: batches reach their participant before
// the tick they are due, empty ticks are skipped, and the run stops at
// its end. Run it with -race.
func TestRunnerPassesTokenAroundRing(t *testing.T) {
	const n, hop, end = 4, 3, 40
	rs := make([]*relay, n)
	parts := make([]Participant, n)
	for i := range rs {
		rs[i] = &relay{id: i, n: n, hop: hop, start: 2}
		parts[i] = rs[i]
	}
	var ticks []int64
	var events int64
	r := Runner{Parts: parts, End: end, Owner: func(v int32) int { return int(v) },
		OnTick: func(t int64, d core.Delta) {
			ticks = append(ticks, t)
			events += d.Events
		}}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var want []int64
	for tk := int64(2); tk < end; tk += hop {
		want = append(want, tk)
	}
	if !slices.Equal(ticks, want) {
		t.Errorf("ticks run %v, want %v", ticks, want)
	}
	for i, r := range rs {
		var mine []int64
		for k, tk := range want {
			if k%n == i {
				mine = append(mine, tk)
			}
		}
		if !slices.Equal(r.seen, mine) {
			t.Errorf("participant %d saw the token at %v, want %v", i, r.seen, mine)
		}
	}
	if events != int64(len(want)-1) {
		t.Errorf("%d deliveries, want %d", events, len(want)-1)
	}
}

// TestRunnerStopsOnCancel: a cancelled context ends the run with its
// error.
func TestRunnerStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	rs := []Participant{&relay{id: 0, n: 2, hop: 1}, &relay{id: 1, n: 2, hop: 1}}
	r := Runner{Parts: rs, End: 1 << 40, Owner: func(v int32) int { return int(v) },
		OnTick: func(t int64, _ core.Delta) {
			if t > 100 {
				cancel()
			}
		}}
	if err := r.Run(ctx); err == nil {
		t.Error("a cancelled run returned no error")
	}
}
