package clock

import (
	"context"
	"fmt"
	"sync"

	"github.com/homeostat/homeostat/core"
)

// Participant is a share of the vertices that runs ticks; *core.Shard is
// one.
type Participant interface {
	NextDue() int64
	Deliver(msgs []core.Message) error
	Step(t int64) ([]core.Message, core.Delta)
}

// Runner runs participants on one goroutine each, exchanging batches
// through in-memory mailboxes and coordinating ticks with a Coordinator
// on the calling goroutine. It is the in-process form of what a cluster
// does across machines.
type Runner struct {
	Parts []Participant
	// Owner returns the participant that holds vertex v.
	Owner func(v int32) int
	// End is the first tick not run.
	End int64
	// OnTick, if set, receives every finished tick and its merged
	// Delta, in tick order, on the calling goroutine.
	OnTick func(t int64, d core.Delta)
}

// batch is the messages of one tick from one participant to another.
type batch []core.Message

// mailbox is an unbounded queue of batches: a sender never blocks, so no
// participant can wait on another that waits on it.
type mailbox struct {
	mu    sync.Mutex
	items []batch
	ready chan struct{}
}

func (m *mailbox) put(b batch) {
	m.mu.Lock()
	m.items = append(m.items, b)
	m.mu.Unlock()
	select {
	case m.ready <- struct{}{}:
	default:
	}
}

func (m *mailbox) take() []batch {
	m.mu.Lock()
	defer m.mu.Unlock()
	items := m.items
	m.items = nil
	return items
}

// Run runs ticks until End or until ctx is done.
func (r *Runner) Run(ctx context.Context) error {
	n := len(r.Parts)
	boxes := make([]*mailbox, n)
	starts := make([]chan Start, n)
	for i := range boxes {
		boxes[i] = &mailbox{ready: make(chan struct{}, 1)}
		starts[i] = make(chan Start, 1)
	}
	done := make(chan Done, n+1)
	errs := make(chan error, n)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i := range n {
		w := &worker{id: i, part: r.Parts[i], boxes: boxes, owner: r.Owner}
		wg.Go(func() {
			if err := w.run(ctx, starts[i], done); err != nil {
				errs <- err
				cancel()
			}
		})
	}

	err := r.coordinate(ctx, starts, done, errs)
	cancel()
	wg.Wait()
	return err
}

func (r *Runner) coordinate(ctx context.Context, starts []chan Start, done chan Done,
	errs chan error) error {
	c := NewCoordinator(len(r.Parts), r.End)
	for {
		var d Done
		select {
		case d = <-done:
		case err := <-errs:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
		st, ready, err := c.Report(d)
		if err != nil {
			return err
		}
		if !ready {
			continue
		}

		if d.Tick >= 0 && r.OnTick != nil {
			r.OnTick(d.Tick, c.Last())
		}
		if st.Tick == Never {
			for _, ch := range starts {
				ch <- st
			}
			return nil
		}
		for _, wk := range st.Wake {
			starts[wk.Participant] <- Start{Tick: st.Tick, Wake: []Wake{wk}}
		}
	}
}

// worker runs one participant.
type worker struct {
	id       int
	part     Participant
	boxes    []*mailbox
	owner    func(int32) int
	received uint64
	groups   [][]core.Message
	sent     []int // destinations with messages in this tick
}

func (w *worker) run(ctx context.Context, starts chan Start, done chan Done) error {
	w.groups = make([][]core.Message, len(w.boxes))
	done <- Done{Participant: w.id, Tick: -1, NextDue: w.part.NextDue()}
	for {
		var st Start
		select {
		case st = <-starts:
		case <-ctx.Done():
			return nil
		}
		if st.Tick == Never {
			return nil
		}
		if err := w.receive(ctx, st.Wake[0].Expect); err != nil {
			return err
		}
		d, err := w.step(st.Tick)
		if err != nil {
			return err
		}
		done <- d
	}
}

// receive delivers batches until the count the coordinator expects.
func (w *worker) receive(ctx context.Context, expect uint64) error {
	box := w.boxes[w.id]
	for w.received < expect {
		for _, b := range box.take() {
			if err := w.part.Deliver(b); err != nil {
				return fmt.Errorf("participant %d: %w", w.id, err)
			}
			w.received++
		}
		if w.received >= expect {
			break
		}
		select {
		case <-box.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// step runs a tick and sends its messages, one batch per destination.
func (w *worker) step(t int64) (Done, error) {
	out, delta := w.part.Step(t)
	d := Done{Participant: w.id, Tick: t, Delta: delta}
	for _, m := range out {
		q := w.owner(m.To)
		if q == w.id {
			return d, fmt.Errorf("participant %d sent itself a message", w.id)
		}
		if len(w.groups[q]) == 0 {
			w.sent = append(w.sent, q)
		}
		w.groups[q] = append(w.groups[q], m)
	}

	for _, q := range w.sent {
		g := w.groups[q]
		arrival := Never
		for _, m := range g {
			arrival = min(arrival, m.At)
		}
		w.boxes[q].put(append(batch(nil), g...))
		d.Sent = append(d.Sent, Sent{To: q, Arrival: arrival})
		w.groups[q] = g[:0]
	}
	w.sent = w.sent[:0]
	d.NextDue = w.part.NextDue()
	return d, nil
}
