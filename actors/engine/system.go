package engine

import (
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/homeostat/homeostat/actors/node"
	"github.com/homeostat/homeostat/actors/shard"
	"github.com/homeostat/homeostat/actors/supervisor"
	"github.com/homeostat/homeostat/actors/vmhost"
	"github.com/homeostat/homeostat/clock"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// system is the actor side of a run: the protoactor actor system, the
// shard actors' PIDs and the channels their reports come back on.
type system struct {
	sys   *actor.ActorSystem
	net   *shard.Network
	rep   *reporter
	cores []clock.Participant
}

// reporter takes the shard actors' reports for the clock. Report never
// blocks: dones has room for one report from every actor, and the clock
// takes every report of a tick before it starts the next.
type reporter struct {
	dones   chan *pb.TickDone
	failed  chan error    // the first failure; later ones add nothing
	stopped chan struct{} // closed when the last live actor stops
	live    atomic.Int64
}

func newReporter(actors int) *reporter {
	return &reporter{dones: make(chan *pb.TickDone, actors),
		failed: make(chan error, 1), stopped: make(chan struct{})}
}

// Report implements shard.Reporter.
func (r *reporter) Report(done *pb.TickDone) { r.dones <- done }

// Fail implements shard.Reporter.
func (r *reporter) Fail(err error) {
	select {
	case r.failed <- err:
	default:
	}
}

// Stopped implements shard.Reporter.
func (r *reporter) Stopped(int32) {
	if r.live.Add(-1) == 0 {
		close(r.stopped)
	}
}

// spawn starts the actor system and one shard actor per shard, each in
// the shell of its vertices' kind.
func (r *run) spawn(logger *slog.Logger, opts []actor.PropsOption) error {
	s := &r.system
	n := len(s.cores)
	s.rep = newReporter(n)
	s.net = &shard.Network{Owner: r.lay.part.Owner, PIDs: make([]*actor.PID, n),
		Reporter: s.rep}
	s.sys = actor.NewActorSystem(actor.WithLoggerFactory(
		func(*actor.ActorSystem) *slog.Logger { return logger }))
	sp := newSpawner(opts...)
	for i := range n {
		cfg := shard.Config{ID: int32(i), Graph: r.job.World.Graph,
			Vertices: r.lay.part.Members[i], Core: s.cores[i], Net: s.net}
		a, prefix, err := shell(r.lay.kinds[i], cfg)
		if err != nil {
			return fmt.Errorf("engine: %w", err)
		}
		s.rep.live.Add(1)
		s.net.PIDs[i] = sp.spawn(s.sys.Root, a, prefix)
	}
	return nil
}

// shell returns the actor of the shell for vertices of kind k, and the
// prefix of its name.
func shell(k pb.Kind, cfg shard.Config) (actor.Actor, string, error) {
	switch k {
	case node.Kind:
		a, err := node.New(cfg)
		return a, node.Prefix, err
	case supervisor.Kind:
		a, err := supervisor.New(cfg)
		return a, supervisor.Prefix, err
	case vmhost.Kind:
		a, err := vmhost.New(cfg)
		return a, vmhost.Prefix, err
	}
	return nil, "", fmt.Errorf("%w: no shell for vertices of kind %v", ErrConfig, k)
}

// spawner spawns many actors from one Props. protoactor builds an actor
// by calling the producer of its Props inside Spawn; a Props per actor
// would cost some 300 bytes each for as long as the actor lives, which
// matters with a million one-vertex actors. So the producer hands out
// the actor set just before the call.
type spawner struct {
	next  actor.Actor
	props *actor.Props
}

func newSpawner(opts ...actor.PropsOption) *spawner {
	s := &spawner{}
	s.props = actor.PropsFromProducer(s.produce, opts...)
	return s
}

// props are the options of every shard actor. Mailboxes: with one
// vertex per actor the lock-free queue, smallest when idle; with more,
// the ring buffer, which allocates nothing per message. The dispatcher
// runs a mailbox either on the goroutine that sent to it or, in
// parallel, on a goroutine of its own.
func props(k int, parallel bool) []actor.PropsOption {
	mailbox := actor.Unbounded()
	if k == 1 {
		mailbox = actor.UnboundedLockfree()
	}
	dispatcher := actor.NewSynchronizedDispatcher(inlineThroughput)
	if parallel {
		dispatcher = actor.NewDefaultDispatcher(parallelThroughput)
	}
	return []actor.PropsOption{actor.WithMailbox(mailbox),
		actor.WithDispatcher(dispatcher)}
}

// Messages a mailbox handles before it yields its goroutine: inline, a
// yield only slows the sender down; on goroutines, protoactor's default.
const (
	inlineThroughput   = 1 << 20
	parallelThroughput = 300
)

// produce is called by protoactor inside spawn, and again only if an
// actor were restarted, which cannot happen: shard actors recover their
// own panics and report them.
func (s *spawner) produce() actor.Actor {
	a := s.next
	if a == nil {
		panic("engine: a shard actor was restarted")
	}
	s.next = nil
	return a
}

func (s *spawner) spawn(root *actor.RootContext, a actor.Actor,
	prefix string) *actor.PID {
	s.next = a
	return root.SpawnPrefix(s.props, prefix)
}

// stop stops every shard actor, waits until all have stopped and shuts
// the actor system down. Actors never block, so the wait is short.
func (s *system) stop() {
	if s.sys == nil {
		return
	}
	for _, pid := range s.net.PIDs {
		if pid != nil {
			s.sys.Root.Stop(pid)
		}
	}
	if s.rep.live.Load() > 0 {
		<-s.rep.stopped
	}
	s.sys.Shutdown()
}
