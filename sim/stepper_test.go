package sim

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/homeostat/homeostat/core"
)

// shardedSession steps the vertices of a run as several shards dealt
// round-robin, on one goroutine: at each tick every shard with anything
// due runs, and the messages between shards are delivered before the
// next tick. It checks that splitting the cores changes nothing a
// transcript can see.
type shardedSession struct {
	w      *core.World
	p      *core.Partition
	shards []*core.Shard
	now    int64
}

func newShardedSession(k int) NewStepperFunc {
	return func(w *core.World, seed uint64) (Stepper, error) {
		p := core.Strided(w.Size(), min(k, w.Size()))
		s := &shardedSession{w: w, p: p}
		for i := range p.Shards() {
			s.shards = append(s.shards, core.NewShard(w, p, i,
				core.Run{Seed: seed, Record: true}))
		}
		return s, nil
	}
}

func (s *shardedSession) next() int64 {
	due := core.Never
	for _, sh := range s.shards {
		due = min(due, sh.NextDue())
	}
	return due
}

func (s *shardedSession) RunUntil(end int64) error {
	for t := s.next(); t < end; t = s.next() {
		var out []core.Message
		for _, sh := range s.shards {
			if sh.NextDue() == t {
				msgs, _ := sh.Step(t)
				out = append(out, msgs...)
			}
		}
		for _, m := range out {
			if err := s.shards[s.p.Owner[m.To]].Deliver([]core.Message{m}); err != nil {
				return err
			}
		}
	}
	s.now = end
	return nil
}

func (s *shardedSession) Inject(inj core.Injection) error {
	return s.shards[s.p.Owner[inj.Vertex]].Inject(inj)
}

func (s *shardedSession) Class(v int32) (core.Class, error) {
	return s.shards[s.p.Owner[v]].Class(v)
}

func (s *shardedSession) Counters() core.Counters {
	var c core.Counters
	for _, sh := range s.shards {
		sc := sh.Counters()
		c.Add(&sc)
	}
	return c
}

func (s *shardedSession) Events() []core.Event {
	var ev []core.Event
	for _, sh := range s.shards {
		ev = append(ev, sh.Events()...)
	}
	return ev
}

func (s *shardedSession) Digest() uint64 {
	vs := make([]core.VertexResult, s.w.Size())
	for _, sh := range s.shards {
		sh.Results(vs)
	}
	c := s.Counters()
	return core.Digest(vs, &c)
}

// TestScenariosIgnoreSharding replays every transcript with its vertices
// split into 3 shards: the output, digests included, must be the one the
// direct driver wrote.
func TestScenariosIgnoreSharding(t *testing.T) {
	files, _ := filepath.Glob("testdata/scenarios/*.txt")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := ParseScenario(filepath.Base(f), string(data))
			if err != nil {
				t.Fatal(err)
			}
			out, err := sc.Run(newShardedSession(3))
			if err != nil {
				t.Fatal(err)
			}
			for _, fail := range out.Failures {
				t.Error(fail)
			}
			for _, d := range sc.Diff(out) {
				t.Error(d)
			}
		})
	}
}
