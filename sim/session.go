package sim

import (
	"fmt"

	"github.com/homeostat/homeostat/core"
)

// Stepper is a run that can be driven a span of ticks at a time, with
// faults injected between spans: what scenario transcripts need. The
// direct driver's is DirectSession; other engines may offer their own to
// replay the same transcripts.
type Stepper interface {
	// RunUntil runs every tick before end.
	RunUntil(end int64) error
	// Inject schedules an injection at a tick not yet run.
	Inject(inj core.Injection) error
	// Class returns what vertex v is after the last tick run.
	Class(v int32) (core.Class, error)
	// Counters returns the totals so far.
	Counters() core.Counters
	// Events returns the notable events since the last call.
	Events() []core.Event
	// Digest is the digest of the trace so far: core.Digest over every
	// vertex's result as it stands (without closing the run) and the
	// counters. Transcripts print it, so replaying one with another
	// engine checks its trace bit for bit.
	Digest() uint64
}

// NewStepperFunc makes a Stepper for a world and a run seed.
type NewStepperFunc func(w *core.World, seed uint64) (Stepper, error)

// DirectSession steps one shard holding every vertex.
type DirectSession struct {
	w   *core.World
	sh  *core.Shard
	now int64 // first tick not run
}

// NewDirectSession is a NewStepperFunc for the direct driver; it records
// notable events.
func NewDirectSession(w *core.World, seed uint64) (Stepper, error) {
	return &DirectSession{w: w, sh: core.NewShard(w, nil, 0,
		core.Run{Seed: seed, Record: true})}, nil
}

// RunUntil implements Stepper.
func (s *DirectSession) RunUntil(end int64) error {
	if end < s.now {
		return fmt.Errorf("%w: run until tick %d, already at %d", ErrScenario, end, s.now)
	}
	for t := s.sh.NextDue(); t < end; t = s.sh.NextDue() {
		s.sh.Step(t)
	}
	s.now = end
	return nil
}

// Inject implements Stepper.
func (s *DirectSession) Inject(inj core.Injection) error {
	if inj.At < s.now {
		return fmt.Errorf("%w: injection at tick %d, already at %d", ErrScenario,
			inj.At, s.now)
	}
	return s.sh.Inject(inj)
}

// Class implements Stepper.
func (s *DirectSession) Class(v int32) (core.Class, error) { return s.sh.Class(v) }

// Counters implements Stepper.
func (s *DirectSession) Counters() core.Counters { return s.sh.Counters() }

// Events implements Stepper.
func (s *DirectSession) Events() []core.Event { return s.sh.Events() }

// Digest implements Stepper.
func (s *DirectSession) Digest() uint64 {
	vs := make([]core.VertexResult, s.w.Size())
	s.sh.Results(vs)
	c := s.sh.Counters()
	return core.Digest(vs, &c)
}
