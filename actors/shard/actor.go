// Package shard is the part the actor shells share: a protoactor actor
// that hosts a shard of vertex actors and runs the tick protocol of
// docs/design.md with the clock.
//
// Every vertex is an actor: its state is its own (a core record inside
// the shard), its inbox is its slot of the shard's calendar, and it
// talks to other vertices only through messages. A shard actor holds K
// of them. Messages between vertices of the same shard go straight into
// the shard's calendar, with no mailbox hop; messages for vertices of
// other shard actors leave as one protobuf Batch per destination actor
// and tick, sent to that actor's PID. With K = 1 every vertex is its own
// protoactor actor and every message between vertices crosses a
// mailbox.
//
// A shard actor does nothing until the clock sends it a TickStart: it
// then waits until it has received the number of batches the start
// names, runs the tick on its core, sends its batches and reports a
// TickDone. The package knows nothing of the kinds of vertex it hosts;
// the shells in actors/node, actors/supervisor and actors/vmhost give it
// its vertices.
package shard

import (
	"errors"
	"fmt"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Sentinel errors of a shard actor, reported through Reporter.Fail.
var (
	// ErrPanic means the core or the actor panicked while handling a
	// message; the run cannot go on.
	ErrPanic = errors.New("shard: actor panicked")
	// ErrProtocol means a message broke the tick protocol.
	ErrProtocol = errors.New("shard: protocol violation")
)

// Reporter takes what a shard actor tells the clock. In one process the
// engine's clock implements it with channels; across processes the same
// reports would travel as messages over protoactor remote. Its methods
// are called from the actors' goroutines and must not block.
type Reporter interface {
	// Report delivers the actor's TickDone. The actor does not touch done
	// again.
	Report(done *pb.TickDone)
	// Fail says that the actor broke; it runs no more ticks.
	Fail(err error)
	// Stopped says that the actor has stopped.
	Stopped(id int32)
}

// Network is what every shard actor of a run shares, read-only once the
// first tick starts.
type Network struct {
	// Owner is the index of the shard actor that holds each vertex.
	Owner []int32
	// PIDs is the PID of each shard actor, by index.
	PIDs []*actor.PID
	// Reporter takes every actor's reports.
	Reporter Reporter
	// Postman makes the clock carry the batches: an actor puts those it
	// sends into its TickDone instead of sending them to the receivers'
	// PIDs, and finds those sent to it in its next TickStart. Then
	// every wake of an actor is one mailbox message rather than one per
	// batch plus the start, which is most of the cost of one vertex per
	// actor. It needs the clock and every actor in one process, where
	// messages pass by pointer; across processes (the cluster) batches
	// go straight between actors and Postman is false.
	Postman bool
	// Pools are the run's own pools of messages and scratch space, for
	// a run on one goroutine (see Pools); nil, the shared ones.
	Pools *Pools
}

// Actor is a protoactor actor hosting one shard of vertex actors. The
// shells embed it.
type Actor struct {
	id       int32
	core     clock.Participant
	net      *Network
	received uint64        // batches received since the run began
	pending  *pb.TickStart // a start waiting for its batches
	broken   bool
}

// Config describes one shard actor.
type Config struct {
	// ID is the actor's index among the run's shard actors.
	ID int32
	// Graph is the compiled model, to check the vertices' kind.
	Graph *model.Graph
	// Vertices are the vertices the actor hosts.
	Vertices []int32
	// Core runs them: a *core.Shard holding exactly Vertices.
	Core clock.Participant
	// Net is what the run's actors share.
	Net *Network
}

// New returns the actor that cfg describes, after checking that every
// vertex it hosts is of kind k. The actor keeps only its core and the
// shared network.
func New(cfg Config, k pb.Kind) (Actor, error) {
	if err := CheckKind(cfg.Graph, cfg.Vertices, k); err != nil {
		return Actor{}, fmt.Errorf("actor %d: %w", cfg.ID, err)
	}
	return Actor{id: cfg.ID, core: cfg.Core, net: cfg.Net}, nil
}

// ID is the actor's index among the run's shard actors.
func (a *Actor) ID() int32 { return a.id }

// Base returns the shard actor that a shell embeds.
func (a *Actor) Base() *Actor { return a }

// Warm reads the actor's first words and returns a number of no
// meaning; see core.Shard.Warm.
func (a *Actor) Warm() uint64 { return a.received }

// Receive implements actor.Actor.
func (a *Actor) Receive(ctx actor.Context) {
	if _, ok := ctx.Message().(*actor.Stopped); ok {
		a.net.Reporter.Stopped(a.id)
		return
	}
	if a.broken {
		return
	}
	defer a.recover()
	switch m := ctx.Message().(type) {
	case *pb.Batch:
		a.receiveBatch(ctx, m)
	case *pb.TickStart:
		a.start(ctx, m)
	}
}

// recover turns a panic into a failure report: the run must end with an
// error rather than a partial result.
func (a *Actor) recover() {
	if r := recover(); r != nil {
		a.fail(fmt.Errorf("%w: actor %d: %v", ErrPanic, a.id, r))
	}
}

func (a *Actor) fail(err error) {
	a.broken = true
	a.net.Reporter.Fail(err)
}

func (a *Actor) receiveBatch(ctx actor.Context, b *pb.Batch) {
	if !a.take(b) {
		return
	}
	if st := a.pending; st != nil && a.received >= st.Expect {
		a.pending = nil
		t := st.Tick
		a.net.Pools.ReleaseStart(st)
		a.run(ctx, t)
	}
}

// take hands a batch to the core and counts it. It reports false when
// the batch broke the actor.
func (a *Actor) take(b *pb.Batch) bool {
	from := b.Sender
	err := deliver(a.net.Pools, a.core, b)
	a.net.Pools.release(b)
	if err != nil {
		a.fail(fmt.Errorf("actor %d: batch from actor %d: %w", a.id, from, err))
		return false
	}
	a.received++
	return true
}

// start runs a tick at once when every batch the clock counted has
// arrived, and otherwise when the last of them does. The batches the
// start carries, when the clock is the postman, count first. In one
// process the batches always come first (they were sent, or handed to
// the clock, before the senders reported the tick that precedes the
// start); across processes they may not.
func (a *Actor) start(ctx actor.Context, st *pb.TickStart) {
	if a.pending != nil {
		a.fail(fmt.Errorf("%w: actor %d: start of tick %d while tick %d waits",
			ErrProtocol, a.id, st.Tick, a.pending.Tick))
		return
	}
	for _, b := range st.Batches {
		if !a.take(b) {
			return
		}
	}
	clear(st.Batches) // delivered and back in their pool
	st.Batches = st.Batches[:0]
	if a.received < st.Expect {
		a.pending = st
		return
	}
	t := st.Tick
	a.net.Pools.ReleaseStart(st)
	a.run(ctx, t)
}

// run steps the core through tick t, sends its messages for other
// actors and reports the tick done.
func (a *Actor) run(ctx actor.Context, t int64) {
	out, delta := a.core.Step(t)
	done := a.net.Pools.NewDone(a.id, t, &delta)
	if len(out) > 0 {
		if err := a.send(ctx, t, out, done); err != nil {
			a.fail(err)
			return
		}
	}
	done.NextDue = a.core.NextDue()
	a.net.Reporter.Report(done)
}
