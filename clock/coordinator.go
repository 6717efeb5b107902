// Package clock keeps simulated time for one or many participants (the
// shards of a process, the actors of an engine, or the processes of a
// cluster) that run one model together.
//
// The tick protocol: the participants woken for tick t run it, send the
// messages they produced for other participants in one batch per
// destination, and report Done with their next due tick (from their own
// calendar, counting every message they have received) and, for each
// batch they sent, its destination and earliest arrival. The coordinator
// keeps every participant's due tick, starts the earliest, T (so empty
// ticks are skipped), wakes only the participants due at T, and tells
// each how many batches it must have received in all before it runs T, so
// that a batch still on the wire can never be missed. A participant's
// reported next due tick covers what it has received, its senders'
// batch arrivals cover what is still travelling, and the batch counts
// make sure the first becomes the second before anyone moves on.
//
// Coordinator is the protocol as a pure state machine; Runner runs it
// with one goroutine per participant in one process. The direct driver
// runs the same Coordinator with a single participant.
package clock

import (
	"errors"
	"fmt"
	"slices"

	"github.com/homeostat/homeostat/core"
)

// Never is the tick of something that will not happen.
const Never = core.Never

// ErrProtocol means a participant broke the tick protocol.
var ErrProtocol = errors.New("clock: protocol violation")

// Done is a participant's report that it has run a tick.
type Done struct {
	Participant int
	// Tick is the tick run, or -1 for the report that opens a run.
	Tick int64
	// NextDue is the next tick at which the participant has anything to
	// do, counting the messages it has received; Never for nothing.
	NextDue int64
	// Sent lists the batches sent in this tick, one per destination.
	Sent []Sent
	// Delta is what the tick changed in the run's totals.
	Delta core.Delta
}

// Sent describes one batch: its destination and the earliest arrival
// tick among its messages.
type Sent struct {
	To      int
	Arrival int64
}

// Start tells participants to run a tick.
type Start struct {
	// Tick is the tick to run; Never means the run is over.
	Tick int64
	// Wake lists the participants that run Tick, in increasing order,
	// each with the number of batches it must have received since the
	// run began before it runs the tick. At the end it is empty.
	Wake []Wake
}

// Wake is one participant woken for a tick.
type Wake struct {
	Participant int
	Expect      uint64
}

// Coordinator decides which tick runs next and who runs it. It is a pure
// state machine: feed it the Done of every participant it woke and it
// answers with the next Start. Its work per tick grows with the
// participants woken and the batches sent, not with the participants.
type Coordinator struct {
	end    int64
	tick   int64
	parts  []participant
	queue  wakeQueue
	left   int
	wake   []Wake
	merged core.Delta
	last   core.Delta
}

// participant is what the coordinator keeps of one participant, in one
// record: with a participant per vertex, a report touches a record per
// batch, and one cache line beats one per field.
type participant struct {
	due      int64  // the due tick; Never while the participant runs
	received uint64 // batches sent to it so far
	farAt    int64  // its newest tick in the wake queue's heap (wakeQueue)
	running  bool   // woken for the tick in progress, not yet reported
}

// NewCoordinator coordinates n participants over ticks [0, end). The run
// opens with a Done for tick -1 from every participant.
func NewCoordinator(n int, end int64) *Coordinator {
	c := &Coordinator{end: end, tick: -1, parts: make([]participant, n),
		left: n, queue: newWakeQueue(), merged: core.NoDelta}
	for p := range c.parts {
		c.parts[p] = participant{due: Never, farAt: Never, running: true}
	}
	return c
}

// Tick is the tick in progress: -1 before the first, Never at the end.
func (c *Coordinator) Tick() int64 { return c.tick }

// Last returns the merged Delta of the last finished tick.
func (c *Coordinator) Last() core.Delta { return c.last }

// Report records one woken participant's Done for the tick in progress.
// When it is the last one, Report returns the next Start and true, and
// the merged Delta of the finished tick is available from Last. The
// Wake slice is reused by the next Start.
func (c *Coordinator) Report(d Done) (Start, bool, error) {
	if err := c.check(d); err != nil {
		return Start{}, false, err
	}
	c.parts[d.Participant].running = false
	c.left--
	c.setDue(d.Participant, d.NextDue)
	for _, b := range d.Sent {
		c.parts[b.To].received++
		c.setDue(b.To, b.Arrival)
	}
	c.merged.Add(&d.Delta)
	if c.left > 0 {
		return Start{}, false, nil
	}

	// The tick is over: wake the participants due at the earliest tick.
	c.last, c.merged = c.merged, core.NoDelta
	c.tick = c.queue.earliest(c.parts)
	if c.tick >= c.end {
		c.tick = Never
		return Start{Tick: Never}, true, nil
	}
	c.wake = c.wake[:0]
	for _, p := range c.queue.take(c.tick) {
		pp := &c.parts[p]
		if pp.due != c.tick || pp.running {
			continue
		}
		pp.running, pp.due = true, Never
		c.wake = append(c.wake, Wake{Participant: p, Expect: pp.received})
	}
	c.left = len(c.wake)
	sortWake(c.wake)
	return Start{Tick: c.tick, Wake: c.wake}, true, nil
}

// setDue brings participant p's due tick forward to at.
func (c *Coordinator) setDue(p int, at int64) {
	if at < c.parts[p].due {
		c.parts[p].due = at
		c.queue.push(c.parts, at, p)
	}
}

func (c *Coordinator) check(d Done) error {
	p := d.Participant
	switch {
	case c.tick == Never:
		return fmt.Errorf("%w: report after the end", ErrProtocol)
	case p < 0 || p >= len(c.parts):
		return fmt.Errorf("%w: participant %d of %d", ErrProtocol, p, len(c.parts))
	case d.Tick != c.tick:
		return fmt.Errorf("%w: participant %d reported tick %d during tick %d",
			ErrProtocol, p, d.Tick, c.tick)
	case !c.parts[p].running:
		return fmt.Errorf("%w: participant %d reported tick %d without running it",
			ErrProtocol, p, d.Tick)
	case d.NextDue <= d.Tick:
		return fmt.Errorf("%w: participant %d reported tick %d as due after tick %d",
			ErrProtocol, p, d.NextDue, d.Tick)
	}
	for _, b := range d.Sent {
		if b.To < 0 || b.To >= len(c.parts) || b.To == p || b.Arrival <= d.Tick {
			return fmt.Errorf("%w: participant %d sent a batch to %d arriving at %d "+
				"in tick %d", ErrProtocol, p, b.To, b.Arrival, d.Tick)
		}
	}
	return nil
}

func sortWake(w []Wake) {
	slices.SortFunc(w, func(a, b Wake) int { return a.Participant - b.Participant })
}
