package cluster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"github.com/homeostat/homeostat/sim"
)

// EngineName is the engine a cluster job's summary names.
const EngineName = "cluster"

// Run implements JobRunner: this member coordinates job across the live,
// compatible members. It splits the model among them, sets each up,
// runs the replications one after another on one shared clock, gathers
// the results and returns them encoded as a pb.JobResult. A member lost
// on the way ends the job with an error naming it and the tick.
func (n *Node) Run(ctx context.Context, job *Job, progress func(Progress)) ([]byte, error) {
	d, err := n.newDriver(job)
	if err != nil {
		return nil, err
	}
	defer n.closeDriver(d)
	out, err := d.runJob(ctx, progress)
	reason := ""
	if err != nil {
		reason = err.Error()
	}
	d.abortAll(reason)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// driver coordinates one job from the member that took it.
type driver struct {
	n       *Node
	job     *Job
	plan    plan
	w       *core.World
	members []Member
	remotes []string
	me      int
	owner   []uint32
	lay     *layout

	inbox    *mailq
	inboxPID *actor.PID
	agents   []*actor.PID
	shardPID []*actor.PID
	buf      []any // messages taken from the inbox, not yet handled
	next     int   // first of buf not yet handled
	gone     []bool

	// Where the job is, for progress and errors.
	phase   string
	run     int
	tick    int64
	since   time.Time // the wait in progress began
	timeout time.Duration
	watch   *time.Ticker
	waitMem []bool // members whose answer the step awaits
	waitSh  []bool // shard actors whose report the tick awaits
	sent    []clock.Sent
}

// The phases of a job, as errors name them.
const (
	phaseSetup  = "the setup of the job"
	phaseStart  = "the start of run %d"
	phaseTick   = "tick %d of run %d"
	phaseGather = "the gathering of run %d's results"
)

// where says what the job was doing.
func (d *driver) where() string {
	switch d.phase {
	case phaseStart, phaseGather:
		return fmt.Sprintf(d.phase, d.run+1)
	case phaseTick:
		return fmt.Sprintf(d.phase, d.tick, d.run+1)
	}
	return d.phase
}

func (n *Node) newDriver(job *Job) (*driver, error) {
	g, err := model.Compile(job.Model)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJob, err)
	}
	w, err := core.NewWorld(g)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJob, err)
	}
	p, err := newPlan(g, job.Options)
	if err != nil {
		return nil, err
	}
	d := &driver{n: n, job: job, plan: p, w: w, inbox: newMailq()}
	if err := d.pickMembers(); err != nil {
		return nil, err
	}
	split := Split(g, len(d.members))
	d.owner = make([]uint32, len(split))
	for v, m := range split {
		d.owner[v] = uint32(m)
	}
	if d.lay, err = newLayout(w, d.owner, len(d.members),
		job.Options.VerticesPerActor); err != nil {
		return nil, err
	}
	if err := n.openDriver(d); err != nil {
		return nil, err
	}
	return d, nil
}

// pickMembers fixes the job's members: the live, compatible ones now,
// in name order. A member that joins later waits for the next job.
func (d *driver) pickMembers() error {
	all, _ := d.n.cfg.Members.Watch()
	for _, m := range all {
		if m.Compatible() && m.Remote != "" {
			d.members = append(d.members, m)
			d.remotes = append(d.remotes, m.Remote)
		}
	}
	d.me = slices.IndexFunc(d.members, func(m Member) bool {
		return m.Name == d.n.cfg.Name
	})
	switch {
	case d.me < 0:
		return fmt.Errorf("%w: this member (%s) is not among the live, compatible "+
			"members", ErrJob, d.n.cfg.Name)
	case d.remotes[d.me] != d.n.Address():
		return fmt.Errorf("%w: this member publishes remote address %s but its "+
			"remote endpoint is %s", ErrConfig, d.remotes[d.me], d.n.Address())
	}
	for _, r := range d.remotes {
		d.agents = append(d.agents, actor.NewPID(r, agentName))
	}
	d.gone = make([]bool, len(d.members))
	d.waitMem = make([]bool, len(d.members))
	return nil
}

// openDriver registers the driver and its inbox.
func (n *Node) openDriver(d *driver) error {
	pid, ok := n.sys.ProcessRegistry.Add(inbox{q: d.inbox}, "hs-"+d.job.ID+"-inbox")
	if !ok {
		return fmt.Errorf("%w: job %s is running already", ErrJob, d.job.ID)
	}
	d.inboxPID = pid
	n.mu.Lock()
	n.drivers[d.job.ID] = d
	n.mu.Unlock()
	d.watch = time.NewTicker(max(time.Millisecond, n.cfg.TickTimeout/8))
	return nil
}

func (n *Node) closeDriver(d *driver) {
	d.watch.Stop()
	n.sys.ProcessRegistry.Remove(d.inboxPID)
	n.mu.Lock()
	delete(n.drivers, d.job.ID)
	n.mu.Unlock()
}

// runJob runs every replication and encodes the result.
func (d *driver) runJob(ctx context.Context, progress func(Progress)) ([]byte, error) {
	if err := d.setup(ctx); err != nil {
		return nil, err
	}
	runs := make([]*sim.RunResult, d.plan.opt.Runs)
	cross := make([]crossTraffic, len(runs))
	var events int64
	for r := range runs {
		var err error
		runs[r], cross[r], err = d.runOne(ctx, r, func(tick, ev int64) {
			progress(Progress{Tick: tick, EndTick: d.plan.opt.Duration, Run: r + 1,
				Runs: len(runs), Events: uint64(events + ev)})
		})
		if err != nil {
			return nil, err
		}
		events += runs[r].Counters.Events
	}
	s := sim.Summarize(d.w, EngineName, d.plan.opt.Seed, runs)
	return encodeResult(s, runs, cross, d.facts())
}

// setup sends every member the job and waits until each has taken it
// up. The coordinator's own agent gets the compiled world; the others
// get the model's bytes.
func (d *driver) setup(ctx context.Context) error {
	d.phase = phaseSetup
	base := &pb.JobSetup{Job: d.job.ID, ModelName: d.job.Name, Remotes: d.remotes,
		Owner: d.owner, VerticesPerActor: uint32(max(0, d.job.Options.VerticesPerActor)),
		Coordinator: d.n.cfg.Name, ReplyAddress: d.inboxPID.Address,
		ReplyId: d.inboxPID.Id}
	for _, m := range d.members {
		base.Members = append(base.Members, m.Name)
	}
	parts, err := d.setupParts(base)
	if err != nil {
		return err
	}
	for m, pid := range d.agents {
		if m == d.me {
			d.n.sys.Root.Send(pid, &localSetup{setup: base, world: d.w, d: d})
			continue
		}
		for i, p := range parts {
			d.n.sys.Root.Send(pid, &pb.SetupChunk{Job: d.job.ID, Part: uint32(i),
				Parts: uint32(len(parts)), Data: p})
		}
	}
	return d.fromEach(ctx, d.setupDone)
}

// setupParts marshals the setup with the model for the other members and
// cuts it into chunks; none when the coordinator is alone.
func (d *driver) setupParts(base *pb.JobSetup) ([][]byte, error) {
	if len(d.members) == 1 {
		return nil, nil
	}
	full := proto.Clone(base).(*pb.JobSetup)
	full.Model = d.job.Data
	data, err := proto.Marshal(full)
	if err != nil {
		return nil, fmt.Errorf("%w: encode the setup: %w", ErrJob, err)
	}
	return chunks(data, d.n.cfg.ChunkBytes), nil
}

func (d *driver) setupDone(msg any) (int, error) {
	sd, ok := msg.(*pb.SetupDone)
	if !ok || sd.Job != d.job.ID {
		return -1, nil
	}
	m := d.memberIndex(sd.Member)
	if sd.Error != "" {
		return m, fmt.Errorf("%w: member %s cannot take the job: %s", ErrJob,
			sd.Member, sd.Error)
	}
	return m, nil
}

func (d *driver) memberIndex(name string) int {
	return slices.IndexFunc(d.members, func(m Member) bool { return m.Name == name })
}

// fromEach waits, within the step timeout, until handle has accepted an
// answer from every member. handle returns the member an answer counts
// for, or -1 for a message to skip.
func (d *driver) fromEach(ctx context.Context, handle func(any) (int, error)) error {
	d.startWait(d.n.cfg.StepTimeout)
	for i := range d.waitMem {
		d.waitMem[i] = true
	}
	for left := len(d.members); left > 0; {
		msg, err := d.await(ctx)
		if err != nil {
			return err
		}
		m, err := handle(msg)
		if err != nil {
			return err
		}
		if m >= 0 && d.waitMem[m] {
			d.waitMem[m] = false
			left--
		}
	}
	return nil
}

func (d *driver) startWait(timeout time.Duration) {
	d.since, d.timeout = time.Now(), timeout
}

// await returns the next message of the job, or the error that ends it:
// a member that failed or was lost, a step or tick that took too long,
// or ctx ending.
func (d *driver) await(ctx context.Context) (any, error) {
	for {
		for d.next < len(d.buf) {
			msg := d.buf[d.next]
			d.buf[d.next] = nil
			d.next++
			keep, err := d.screen(msg)
			if err != nil || keep {
				return msg, err
			}
		}
		d.buf, d.next = d.inbox.take(d.buf[:0]), 0
		if len(d.buf) > 0 {
			continue
		}
		select {
		case <-d.inbox.ready:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case now := <-d.watch.C:
			if now.Sub(d.since) > d.timeout {
				return nil, d.late()
			}
		}
	}
}

// screen turns the messages that end a job into its error and drops
// news that does not concern it.
func (d *driver) screen(msg any) (bool, error) {
	switch m := msg.(type) {
	case *pb.JobFailure:
		if m.Job != d.job.ID {
			return false, nil
		}
		return false, fmt.Errorf("%w: member %s failed during %s: %s", ErrJob,
			m.Member, d.where(), m.Error)
	case memberGone:
		if i := d.memberIndex(m.name); i >= 0 {
			d.gone[i] = true
			return false, fmt.Errorf("%w: member %s (%s) left the cluster during %s: "+
				"it died, left or was partitioned away", ErrMemberLost, m.name,
				d.remotes[i], d.where())
		}
		return false, nil
	case endpointGone:
		if i := slices.Index(d.remotes, m.address); i >= 0 && i != d.me {
			d.gone[i] = true
			return false, fmt.Errorf("%w: lost the connection to member %s (%s) "+
				"during %s", ErrMemberLost, d.members[i].Name, m.address, d.where())
		}
		return false, nil
	}
	return true, nil
}

// late is the error of a step or tick that did not end in time, naming
// the members it still waits for.
func (d *driver) late() error {
	var names []string
	for i, m := range d.members {
		if d.waiting(i) {
			names = append(names, m.Name)
		}
	}
	return fmt.Errorf("%w: %s did not complete within %v: no answer from %s", ErrMemberLost,
		d.where(), d.timeout, strings.Join(names, ", "))
}

// waiting reports whether the step or tick in progress waits for member
// i.
func (d *driver) waiting(i int) bool {
	if d.phase != phaseTick {
		return d.waitMem[i]
	}
	for s, w := range d.waitSh {
		if w && int(d.lay.member[s]) == i {
			return true
		}
	}
	return false
}

// abortAll tells every member still there to drop the job.
func (d *driver) abortAll(reason string) {
	for m, pid := range d.agents {
		if !d.gone[m] {
			d.n.sys.Root.Send(pid, &pb.JobAbort{Job: d.job.ID, Reason: reason})
		}
	}
}

// mailq is an unbounded queue: whoever puts never blocks, and the one
// reader takes everything at once.
type mailq struct {
	mu    sync.Mutex
	items []any
	ready chan struct{}
}

func newMailq() *mailq { return &mailq{ready: make(chan struct{}, 1)} }

func (q *mailq) put(x any) {
	q.mu.Lock()
	q.items = append(q.items, x)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// take returns what waits and keeps into, emptied, for what comes next.
func (q *mailq) take(into []any) []any {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.items
	q.items = into[:0]
	return out
}

func (q *mailq) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}
