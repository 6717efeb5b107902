package clock

import (
	"errors"
	"slices"
	"testing"

	"github.com/homeostat/homeostat/core"
)

// open reports the opening Done of every participant, with their next
// due ticks, and returns the first Start.
func open(t *testing.T, c *Coordinator, due ...int64) Start {
	t.Helper()
	var st Start
	for p, d := range due {
		var err error
		if st, _, err = c.Report(Done{Participant: p, Tick: -1, NextDue: d}); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func woken(st Start) []int {
	var ps []int
	for _, w := range st.Wake {
		ps = append(ps, w.Participant)
	}
	return ps
}

// TestCoordinatorWakesOnlyTheDue: the next tick is the earliest due tick
// of any participant, empty ticks are skipped, only the participants due
// then are woken, and the run ends once nothing is due before its end.
func TestCoordinatorWakesOnlyTheDue(t *testing.T) {
	tests := []struct {
		name string
		due  []int64
		tick int64
		wake []int
	}{
		{"earliest wins", []int64{40, 25, 25, 90}, 25, []int{1, 2}},
		{"nothing due", []int64{Never, Never}, Never, nil},
		{"due after the end", []int64{100, 250}, Never, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := open(t, NewCoordinator(len(tt.due), 100), tt.due...)
			if st.Tick != tt.tick || !slices.Equal(woken(st), tt.wake) {
				t.Errorf("tick %d waking %v, want %d waking %v", st.Tick, woken(st),
					tt.tick, tt.wake)
			}
		})
	}
}

// TestCoordinatorFollowsBatches: a batch makes its receiver due at its
// arrival, and the receiver is told how many batches it must have
// received in all, over every sender and every tick so far.
func TestCoordinatorFollowsBatches(t *testing.T) {
	c := NewCoordinator(3, 1000)
	st := open(t, c, 5, 5, Never)
	if st.Tick != 5 || !slices.Equal(woken(st), []int{0, 1}) {
		t.Fatalf("first start %+v", st)
	}
	c.Report(Done{Participant: 0, Tick: 5, NextDue: 9,
		Sent: []Sent{{To: 1, Arrival: 7}, {To: 2, Arrival: 6}}})
	st, ready, err := c.Report(Done{Participant: 1, Tick: 5, NextDue: Never,
		Sent: []Sent{{To: 2, Arrival: 8}}})
	if err != nil || !ready {
		t.Fatalf("ready %v, err %v", ready, err)
	}
	want := []Wake{{Participant: 2, Expect: 2}}
	if st.Tick != 6 || !slices.Equal(st.Wake, want) {
		t.Fatalf("start %d waking %+v, want 6 waking %+v", st.Tick, st.Wake, want)
	}
	st, _, _ = c.Report(Done{Participant: 2, Tick: 6, NextDue: 8})
	want = []Wake{{Participant: 1, Expect: 1}}
	if st.Tick != 7 || !slices.Equal(st.Wake, want) {
		t.Fatalf("start %d waking %+v, want 7 waking %+v", st.Tick, st.Wake, want)
	}
	st, _, _ = c.Report(Done{Participant: 1, Tick: 7, NextDue: Never})
	if st.Tick != 8 || !slices.Equal(woken(st), []int{2}) {
		t.Fatalf("start %d waking %v, want 8 waking [2]", st.Tick, woken(st))
	}
}

// TestCoordinatorMergesDeltas: the deltas of a tick are summed and the
// lowest target that went down wins.
func TestCoordinatorMergesDeltas(t *testing.T) {
	c := NewCoordinator(2, 100)
	open(t, c, 3, 3)
	d0, d1 := core.NoDelta, core.NoDelta
	d0.Events, d0.TargetsDown, d0.DownTarget, d0.DownCause = 5, 1, 9, 2
	d1.Events, d1.TargetsDown, d1.DownTarget, d1.DownCause = 7, 1, 4, 1
	c.Report(Done{Participant: 0, Tick: 3, NextDue: Never, Delta: d0})
	c.Report(Done{Participant: 1, Tick: 3, NextDue: Never, Delta: d1})
	got := c.Last()
	if got.Events != 12 || got.TargetsDown != 2 || got.DownTarget != 4 || got.DownCause != 1 {
		t.Errorf("merged %+v", got)
	}
}

// TestCoordinatorRefusesBrokenReports: every violation of the protocol
// is an error, not a wrong tick.
func TestCoordinatorRefusesBrokenReports(t *testing.T) {
	tests := []struct {
		name string
		d    Done
	}{
		{"unknown participant", Done{Participant: 3, Tick: 4, NextDue: 9}},
		{"wrong tick", Done{Participant: 0, Tick: 5, NextDue: 9}},
		{"not woken", Done{Participant: 2, Tick: 4, NextDue: 9}},
		{"due in the past", Done{Participant: 0, Tick: 4, NextDue: 4}},
		{"batch to itself", Done{Participant: 0, Tick: 4, NextDue: 9,
			Sent: []Sent{{To: 0, Arrival: 5}}}},
		{"batch arriving now", Done{Participant: 0, Tick: 4, NextDue: 9,
			Sent: []Sent{{To: 1, Arrival: 4}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCoordinator(3, 100)
			open(t, c, 4, 4, 50)
			if _, _, err := c.Report(tt.d); !errors.Is(err, ErrProtocol) {
				t.Errorf("err %v, want ErrProtocol", err)
			}
		})
	}
	c := NewCoordinator(2, 100)
	c.Report(Done{Participant: 1, Tick: -1, NextDue: 3})
	if _, _, err := c.Report(Done{Participant: 1, Tick: -1, NextDue: 3}); !errors.Is(err,
		ErrProtocol) {
		t.Errorf("a second report of a tick: err %v, want ErrProtocol", err)
	}
}

// TestCoordinatorScalesWithWork: with a million participants of which
// few are ever due, ticks cost what the woken ones do (this would take
// minutes if every tick touched every participant).
func TestCoordinatorScalesWithWork(t *testing.T) {
	const n = 1_000_000
	c := NewCoordinator(n, 1<<40)
	var st Start
	for p := range n {
		due := Never
		if p%100_000 == 0 {
			due = int64(p/100_000 + 1)
		}
		st, _, _ = c.Report(Done{Participant: p, Tick: -1, NextDue: due})
	}
	for range 200_000 {
		if len(st.Wake) != 1 {
			t.Fatalf("tick %d woke %d participants, want 1", st.Tick, len(st.Wake))
		}
		p := st.Wake[0].Participant
		st, _, _ = c.Report(Done{Participant: p, Tick: st.Tick, NextDue: st.Tick + 10})
	}
	if st.Tick != 200_001 {
		t.Errorf("after 200,000 ticks the clock is at %d, want 200001", st.Tick)
	}
}
