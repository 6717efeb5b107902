// Package engine is the actor engine: it runs a replication with every
// vertex an actor, hosted K to a protoactor actor by the shells in
// actors/node, actors/supervisor and actors/vmhost, and a clock that
// runs the tick protocol of docs/design.md.
//
// The clock is a plain goroutine (the one that calls Run), not an actor:
// it keeps each shard actor's next due tick, sends a TickStart only to
// the actors with something due or a batch arriving, and waits for their
// TickDone reports. Actors send their batches straight to each other's
// PIDs. The clock takes part in a clock.Coordinator as this process's
// only participant, so that several processes can later share one clock.
// docs/actors.md describes the engine and its costs.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"

	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/core"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"github.com/homeostat/homeostat/sim"
)

// Sentinel errors of the engine.
var (
	// ErrConfig means an engine configuration is out of range.
	ErrConfig = errors.New("engine: bad configuration")
	// ErrActor means a shard actor broke; the run has no result.
	ErrActor = errors.New("engine: actor failed")
	// ErrProtocol means a report broke the tick protocol.
	ErrProtocol = errors.New("engine: protocol violation")
)

// Config configures the actor engine.
type Config struct {
	// VerticesPerActor is K, the number of vertex actors one protoactor
	// actor hosts: 1 makes every vertex its own protoactor actor; 0
	// picks DefaultVerticesPerActor for the model's size and the
	// number of cores.
	VerticesPerActor int
	// Parallel runs every busy actor's mailbox on a goroutine of its
	// own, protoactor's default, so that the shard actors of one tick run
	// on several cores. Off, a mailbox runs on the goroutine that sends
	// to it (the clock's, or another actor's), so a run uses one core
	// and no goroutine handoff; docs/actors.md says when each pays.
	Parallel bool
	// Logger receives protoactor's own log; nil discards it.
	Logger *slog.Logger
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if c.VerticesPerActor < 0 {
		return fmt.Errorf("%w: %d vertices per actor", ErrConfig, c.VerticesPerActor)
	}
	return nil
}

// Engine is the actor engine. It gives the same RunResult, digest
// included, as the direct driver for the same job, whatever K.
type Engine struct {
	cfg Config
	// wrap, when set, wraps each shard's core before an actor hosts it;
	// tests use it to make an actor fail.
	wrap wrapFunc
	// straight, when set, has the actors send their batches straight to
	// each other, as they do across processes, instead of through the
	// clock; tests use it to run that protocol in one process.
	straight bool
}

// wrapFunc wraps a shard's core.
type wrapFunc func(clock.Participant) clock.Participant

var _ sim.Engine = (*Engine)(nil)

// New returns an actor engine.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{cfg: cfg}, nil
}

// Name implements sim.Engine.
func (e *Engine) Name() string { return "actors" }

// VerticesPerActor returns the K the engine uses for a model of n
// vertices.
func (e *Engine) VerticesPerActor(n int) int {
	if e.cfg.VerticesPerActor > 0 {
		return e.cfg.VerticesPerActor
	}
	return DefaultVerticesPerActor(n, runtime.GOMAXPROCS(0), e.cfg.Parallel)
}

// Run implements sim.Engine. It returns ctx.Err() when ctx ends first,
// and an error wrapping ErrActor when an actor panics; in both cases the
// actors are stopped and there is no result.
func (e *Engine) Run(ctx context.Context, job sim.Job) (*sim.RunResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k := e.VerticesPerActor(job.World.N())
	lay, err := newLayout(job.World, k)
	if err != nil {
		return nil, err
	}
	r := newRun(job, lay, e.wrap)
	err = r.spawn(e.cfg.Logger, newShape(k, e.cfg.Parallel, e.straight))
	if err == nil {
		err = r.loop(ctx)
	}
	r.stop()
	if err != nil {
		return nil, err
	}
	return r.finish(), nil
}

// run is one replication in progress.
type run struct {
	job    sim.Job
	lay    *layout
	shards []*core.Shard
	system
	col   *sim.Collector
	sent  []clock.Sent   // scratch for the coordinator's form of a report
	post  *postbox       // the batches the clock carries, when it is postman
	dones []*pb.TickDone // scratch for the reports of a tick
}

func newRun(job sim.Job, lay *layout, wrap wrapFunc) *run {
	n := lay.actors()
	r := &run{job: job, lay: lay, shards: make([]*core.Shard, n),
		col: sim.NewCollector(job), post: newPostbox(n)}
	cr := core.Run{Seed: job.Seed, Injections: job.Injections, Record: job.Record}
	r.system.cores = make([]clock.Participant, n)
	p := lay.part
	if n == 1 {
		p = nil // one actor holds every vertex: no lookups through a partition
	}
	for i := range n {
		sh := core.NewShard(job.World, p, i, cr)
		r.shards[i] = sh
		r.system.cores[i] = sh
		if wrap != nil {
			r.system.cores[i] = wrap(sh)
		}
	}
	return r
}

// finish builds the result once every actor has stopped.
func (r *run) finish() *sim.RunResult {
	for _, sh := range r.shards {
		r.col.Events(sh.Events())
	}
	return r.col.FinishShards(r.shards)
}
