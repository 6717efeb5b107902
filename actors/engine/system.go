package engine

import (
	"fmt"
	"log/slog"
	"strconv"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/homeostat/homeostat/actors/node"
	"github.com/homeostat/homeostat/actors/shard"
	"github.com/homeostat/homeostat/actors/supervisor"
	"github.com/homeostat/homeostat/actors/vmhost"
	"github.com/homeostat/homeostat/clock"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// system is the actor side of a run: the protoactor actor system, the
// shard actors' PIDs and mailboxes and the channels their reports come
// back on.
type system struct {
	sys   *actor.ActorSystem
	net   *shard.Network
	rep   *reporter
	cores []clock.Participant
	// mailboxes is each shard actor's mailbox, by index, kept as
	// protoactor creates it. The clock posts its starts there: that is
	// all a Send to a local actor does in the end (the actor's process
	// posts to its mailbox), and it spares the two cold objects in
	// between, the PID and the process, on every message to one of a
	// million actors.
	mailboxes []actor.Mailbox
	// The engine's own mailboxes and the shard actors, by index, for
	// warm (keepForWarm); nil when the run does not warm.
	own  []*mailbox
	base []*shard.Actor
	heat int // what warm read, kept so that the reads stay
}

// spawn starts the actor system and one shard actor per shard, each in
// the shell of its vertices' kind.
func (r *run) spawn(logger *slog.Logger, sh shape) error {
	s := &r.system
	n := len(s.cores)
	s.rep = newReporter()
	s.net = &shard.Network{Owner: r.lay.part.Owner, PIDs: make([]*actor.PID, n),
		Reporter: s.rep, Postman: sh.postman}
	if sh.postman && sh.inline {
		s.net.Pools = new(shard.Pools)
	}
	s.mailboxes = make([]actor.Mailbox, n)
	s.sys = actor.NewActorSystem(actor.WithLoggerFactory(
		func(*actor.ActorSystem) *slog.Logger { return logger }))
	sp := newSpawner(sh)
	for i := range n {
		cfg := shard.Config{ID: int32(i), Graph: r.job.World.Graph,
			Vertices: r.lay.part.Members[i], Core: s.cores[i], Net: s.net}
		a, prefix, err := shell(r.lay.kinds[i], cfg)
		if err != nil {
			return fmt.Errorf("engine: %w", err)
		}
		s.rep.live.Add(1)
		s.net.PIDs[i], s.mailboxes[i], err = sp.spawn(s.sys.Root, a, prefix, i)
		if err != nil {
			return fmt.Errorf("engine: spawn actor %d: %w", i, err)
		}
		s.keepForWarm(i, n, a)
	}
	return nil
}

// keepForWarm keeps shard actor i of n and its mailbox for warm when
// the mailbox is the engine's own, as with one vertex per actor, it runs
// inline and the clock is the postman.
func (s *system) keepForWarm(i, n int, a actor.Actor) {
	mb, ok := s.mailboxes[i].(*mailbox)
	b, ok2 := a.(interface{ Base() *shard.Actor })
	if !ok || !ok2 || !mb.inline || !s.net.Postman {
		return
	}
	if s.own == nil {
		s.own, s.base = make([]*mailbox, n), make([]*shard.Actor, n)
	}
	s.own[i], s.base[i] = mb, b.Base()
}

// send sends msg to shard actor i as Root.Send would: with no sender and
// no middleware, that posts it to the actor's mailbox.
func (s *system) send(i int, msg any) { s.mailboxes[i].PostUserMessage(msg) }

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
// the actor set just before the call, and the mailbox producer keeps the
// mailbox it makes for the caller to take after it.
type spawner struct {
	next    actor.Actor
	mailbox actor.Mailbox
	props   *actor.Props
	name    []byte // scratch for the name of the next actor
}

func newSpawner(sh shape) *spawner {
	s := &spawner{}
	s.props = actor.PropsFromProducer(s.produce,
		actor.WithMailbox(func() actor.Mailbox {
			s.mailbox = sh.mailbox()
			return s.mailbox
		}),
		actor.WithDispatcher(sh.dispatcher))
	return s
}

// shape is how a run's shard actors are built and how batches travel.
type shape struct {
	mailbox    actor.MailboxProducer
	dispatcher actor.Dispatcher
	postman    bool // the clock carries the batches: shard.Network.Postman
	inline     bool // every mailbox runs on the goroutine that posts to it
}

// newShape gives the shape of a run with k vertices per actor. Mailboxes:
// with one vertex per actor the engine's own (mailbox), smallest and
// fewest objects; with more, protoactor's ring buffer, which allocates
// nothing per message and holds many batches at once if it must. The
// dispatcher runs a mailbox either on the goroutine that sent to it or,
// in parallel, on a goroutine of its own. The clock carries the batches
// unless straight is set.
func newShape(k int, parallel, straight bool) shape {
	sh := shape{mailbox: actor.Unbounded(),
		dispatcher: actor.NewSynchronizedDispatcher(inlineThroughput),
		postman:    !straight, inline: !parallel}
	if k == 1 {
		sh.mailbox = newMailbox(parallel)
	}
	if parallel {
		sh.dispatcher = actor.NewDefaultDispatcher(parallelThroughput)
	}
	return sh
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

// spawn spawns actor a, shard actor i, and returns its PID and mailbox.
// It is named after its shell and its index, node-42 for instance:
// unique within the run's actor system, cheaper than protoactor's
// generated names, and it says which shard a log line is about.
func (s *spawner) spawn(root *actor.RootContext, a actor.Actor,
	prefix string, i int) (*actor.PID, actor.Mailbox, error) {
	s.next = a
	s.name = append(append(s.name[:0], prefix...), '-')
	s.name = strconv.AppendInt(s.name, int64(i), 10)
	pid, err := root.SpawnNamed(s.props, string(s.name))
	mb := s.mailbox
	s.mailbox = nil
	return pid, mb, err
}

// stop stops every shard actor, waits until all have stopped and shuts
// the actor system down. Actors never block, so the wait is short.
func (s *system) stop() {
	if s.sys == nil {
		return
	}
	for _, mb := range s.mailboxes {
		if mb != nil {
			stopActor(mb)
		}
	}
	if s.rep.live.Load() > 0 {
		<-s.rep.stopped
	}
	s.sys.Shutdown()
}

// stopActor stops the actor of mailbox mb as Root.Stop would: that marks
// the actor's process dead, which only steers later sends through its
// PID elsewhere, and posts Stop to its mailbox. Posting Stop alone
// spares a lookup of the process in the actor system's registry, a
// second or so for a million actors; the actor marks its process dead
// itself as it leaves the registry.
func stopActor(mb actor.Mailbox) { mb.PostSystemMessage(&actor.Stop{}) }
