package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/eventstream"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"

	// Every message that crosses members must be registered by name in
	// every binary; the package of the generated code does that.
	_ "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Default time limits of a job. A tick of a million vertices takes
// milliseconds, so a tick that takes a minute means a member is gone or
// cut off; setting a member up for a large model takes seconds.
const (
	DefaultTickTimeout = time.Minute
	DefaultStepTimeout = 5 * time.Minute
)

// agentName is the name of the actor that hosts a member's share of
// every job, the same on every member so that the coordinator can
// address it from the member's remote address alone.
const agentName = "homeostat-agent"

// MemberWatcher is where a Node learns the live members: [Membership]
// is one.
type MemberWatcher interface {
	// Watch returns the live members sorted by name and a channel closed
	// at the next change.
	Watch() ([]Member, <-chan struct{})
}

// NodeConfig sets up a member's part in running jobs.
type NodeConfig struct {
	// Name is this member's name in the membership.
	Name string
	// Members is the membership. The node takes the live members for
	// each job from it and watches it for members that go.
	Members MemberWatcher
	// Bind is HOST:PORT where protoactor remote listens; port 0 picks
	// one.
	Bind string
	// Advertise is HOST:PORT at which the other members reach this one's
	// remote endpoint, which the member publishes as its Remote; empty
	// means the bound address.
	Advertise string
	// Logger receives protoactor's log; nil discards it.
	Logger *slog.Logger
	// TickTimeout ends a job whose tick does not complete in time; zero
	// means DefaultTickTimeout.
	TickTimeout time.Duration
	// StepTimeout bounds every other wait of a job: setting the members
	// up, starting a run, gathering its results. Zero means
	// DefaultStepTimeout.
	StepTimeout time.Duration
	// ChunkMessages and ChunkBytes bound what one remote message
	// carries; zero means DefaultChunkMessages and DefaultChunkBytes.
	ChunkMessages int
	ChunkBytes    int
}

func (c *NodeConfig) defaults() error {
	if c.Name == "" || c.Members == nil {
		return fmt.Errorf("%w: a node needs a name and a membership", ErrConfig)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.TickTimeout = orDefault(c.TickTimeout, DefaultTickTimeout)
	c.StepTimeout = orDefault(c.StepTimeout, DefaultStepTimeout)
	c.ChunkMessages = orDefault(c.ChunkMessages, DefaultChunkMessages)
	c.ChunkBytes = orDefault(c.ChunkBytes, DefaultChunkBytes)
	return nil
}

// orDefault returns x, or def when x is not positive.
func orDefault[T int | time.Duration](x, def T) T {
	if x <= 0 {
		return def
	}
	return x
}

// Node is a member's part in running jobs: its actor system with
// protoactor remote, the agent actor that hosts the member's share of
// every job, and the coordinator of the jobs the member takes. It is
// the [JobRunner] of a simnode and the [StatsSource] of its /metrics.
type Node struct {
	cfg    NodeConfig
	sys    *actor.ActorSystem
	remote *remote.Remote
	agent  *actor.PID
	sub    *eventstream.Subscription
	stop   context.CancelFunc
	done   chan struct{}
	pool   *workers

	traffic traffic
	ticks   atomic.Uint64
	events  atomic.Uint64

	mu      sync.Mutex
	drivers map[string]*driver
	gauges  map[*hosted]struct{}
	rate    rateMeter
}

var (
	_ JobRunner   = (*Node)(nil)
	_ StatsSource = (*Node)(nil)
)

// StartNode starts the actor system and protoactor remote on cfg.Bind
// and the agent, and begins watching the members.
func StartNode(cfg NodeConfig) (*Node, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, done: make(chan struct{}),
		pool:    newWorkers(2*runtime.GOMAXPROCS(0) + 2),
		drivers: map[string]*driver{}, gauges: map[*hosted]struct{}{}}
	n.sys = actor.NewActorSystem(
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
			return cfg.Logger.With("lib", "protoactor")
		}),
		actor.WithDeadLetterThrottleCount(3),
		actor.WithDeadLetterThrottleInterval(time.Second))
	if err := n.startRemote(); err != nil {
		return nil, err
	}
	n.agent, _ = n.sys.Root.SpawnNamed(actor.PropsFromProducer(func() actor.Actor {
		return newAgent(n)
	}), agentName)
	n.sub = n.sys.EventStream.Subscribe(n.onEvent)
	ctx, cancel := context.WithCancel(context.Background())
	n.stop = cancel
	go n.watchMembers(ctx)
	return n, nil
}

// startRemote starts protoactor remote. gRPC's 4 MiB limit on what it
// receives is raised, and the endpoint writer's batches made smaller, so
// that a batch of chunks always fits (see DefaultChunkMessages).
func (n *Node) startRemote() (err error) {
	host, p, err := net.SplitHostPort(n.cfg.Bind)
	if err != nil {
		return fmt.Errorf("%w: remote address %q: %w", ErrConfig, n.cfg.Bind, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return fmt.Errorf("%w: remote port %q", ErrConfig, p)
	}
	opts := []remote.ConfigOption{
		remote.WithServerOptions(grpc.MaxRecvMsgSize(maxRecvBytes)),
		remote.WithEndpointWriterBatchSize(writerBatch),
	}
	if n.cfg.Advertise != "" {
		opts = append(opts, remote.WithAdvertisedHost(n.cfg.Advertise))
	}
	n.remote = remote.NewRemote(n.sys, remote.Configure(host, port, opts...))
	defer func() {
		if r := recover(); r != nil { // Start panics when it cannot listen
			err = fmt.Errorf("cluster: start remote on %s: %v", n.cfg.Bind, r)
		}
	}()
	n.remote.Start()
	return nil
}

// Address is HOST:PORT of this member's remote endpoint as the others
// reach it.
func (n *Node) Address() string { return n.sys.Address() }

// Stop stops the node: its remote endpoint closes at once, so that the
// other members' connections to it break and they learn it is gone, and
// the actor system shuts down. Jobs must have ended first (the job queue
// closes before). protoactor's graceful remote shutdown is not used: it
// waits up to ten seconds for peers to hang up, and it races with the
// endpoint's own reader.
func (n *Node) Stop() {
	n.stop()
	<-n.done
	n.sys.EventStream.Unsubscribe(n.sub)
	n.remote.Shutdown(false)
	n.sys.Shutdown()
	n.pool.stop()
}

// onEvent passes on the loss of a remote endpoint to whoever may care.
func (n *Node) onEvent(ev any) {
	if e, ok := ev.(*remote.EndpointTerminatedEvent); ok {
		n.notify(endpointGone{address: e.Address})
	}
}

// memberGone and endpointGone tell the agent and the coordinators that
// a member has left the membership or its remote endpoint was lost.
type (
	memberGone   struct{ name string }
	endpointGone struct{ address string }
)

func (n *Node) notify(ev any) {
	n.sys.Root.Send(n.agent, ev)
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, d := range n.drivers {
		d.inbox.put(ev)
	}
}

// watchMembers reports every member that leaves the membership.
func (n *Node) watchMembers(ctx context.Context) {
	defer close(n.done)
	known := map[string]bool{}
	for {
		members, changed := n.cfg.Members.Watch()
		now := map[string]bool{}
		for _, m := range members {
			now[m.Name] = true
		}
		for name := range known {
			if !now[name] {
				n.notify(memberGone{name: name})
			}
		}
		known = now
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
	}
}

// SimStats implements StatsSource.
func (n *Node) SimStats() SimStats {
	ticks := n.ticks.Load()
	s := SimStats{Ticks: ticks, Events: n.events.Load(),
		MessagesIn:  n.traffic.msgsIn.Load(),
		MessagesOut: n.traffic.msgsOut.Load()}
	n.mu.Lock()
	defer n.mu.Unlock()
	s.TicksPerSecond = n.rate.per(time.Now())
	var shards, reports int
	for h := range n.gauges {
		shards += h.gauge.depth()
	}
	for _, d := range n.drivers {
		reports += d.inbox.len()
	}
	s.Queues = []QueueDepth{{"shard_mailboxes", shards},
		{"coordinator_reports", reports}}
	return s
}

// props are the options of the actors of a job, which never block: they
// run on the node's workers, with g counting what waits in their
// mailboxes.
func (n *Node) props(g *gauge) []actor.PropsOption {
	return []actor.PropsOption{actor.WithDispatcher(n.pool),
		actor.WithMailbox(actor.Unbounded(g))}
}

// rateMeter keeps the recent rate of ticks a coordinator reports now and
// then; a rate not refreshed for staleAfter is zero (no job runs).
type rateMeter struct {
	at    time.Time // of the last report
	ticks uint64
	rate  float64
}

const staleAfter = 2 * time.Second

// note records that the node has completed ticks in all by now.
func (r *rateMeter) note(ticks uint64, now time.Time) {
	if dt := now.Sub(r.at).Seconds(); !r.at.IsZero() && dt > 0 && ticks >= r.ticks {
		r.rate = float64(ticks-r.ticks) / dt
	}
	r.at, r.ticks = now, ticks
}

func (r *rateMeter) per(now time.Time) float64 {
	if now.Sub(r.at) > staleAfter {
		return 0
	}
	return r.rate
}

// noteTicks feeds the tick rate /metrics shows.
func (n *Node) noteTicks() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.rate.note(n.ticks.Load(), time.Now())
}

// workers is a protoactor dispatcher that runs mailboxes on a few
// long-lived goroutines. protoactor's default starts a goroutine for
// every mailbox that gets work, and a shard actor's tick is deep enough
// that each new goroutine's stack grows by copying: a fifth of a run's
// time, measured. Only actors that never block may use it.
type workers struct {
	q    chan func()
	done chan struct{}
}

func newWorkers(n int) *workers {
	w := &workers{q: make(chan func(), 4096), done: make(chan struct{})}
	for range n {
		go w.loop()
	}
	return w
}

func (w *workers) loop() {
	for {
		select {
		case fn := <-w.q:
			fn()
		case <-w.done:
			return
		}
	}
}

// Schedule implements actor.Dispatcher; when every worker is busy and
// the queue full it falls back on a goroutine of its own.
func (w *workers) Schedule(fn func()) {
	select {
	case w.q <- fn:
	default:
		go fn()
	}
}

// Throughput implements actor.Dispatcher: the messages a mailbox
// handles before it lets another run.
func (w *workers) Throughput() int { return 300 }

func (w *workers) stop() { close(w.done) }
