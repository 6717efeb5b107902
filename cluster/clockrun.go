package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/actors/shard"
	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/core"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"github.com/homeostat/homeostat/sim"
)

// progressEvery is how many ticks pass between looks at the wall clock
// for a progress report, at most every progressPeriod.
const (
	progressEvery  = 256
	progressPeriod = 250 * time.Millisecond
)

// crossTraffic is what one run sent between members, and how long its
// clock ran.
type crossTraffic struct {
	messages, chunks, bytes uint64
	clock                   time.Duration
}

// runOne runs replication r: the members build their shard actors, the
// coordinator drives the shared clock until the end, and the members'
// results come back to be put together as one process would.
func (d *driver) runOne(ctx context.Context, r int,
	progress func(tick, events int64)) (*sim.RunResult, crossTraffic, error) {
	job := d.plan.job(d.w, r)
	d.run, d.phase = r, phaseStart
	start := &pb.RunStart{Job: d.job.ID, Run: int32(r), Seed: job.Seed,
		Duration: job.Duration, Record: job.Record}
	for _, in := range job.Injections {
		start.Injections = append(start.Injections,
			&pb.Injection{Vertex: in.Vertex, At: in.At, Duration: in.Duration})
	}
	d.shardPID = d.shardPIDs(int32(r))
	due := make([]int64, d.lay.shards())
	for _, pid := range d.agents {
		d.n.sys.Root.Send(pid, start)
	}
	if err := d.fromEach(ctx, func(msg any) (int, error) {
		return d.runReady(msg, due)
	}); err != nil {
		return nil, crossTraffic{}, err
	}

	col := sim.NewCollector(job)
	began := time.Now()
	if err := d.clock(ctx, job.Duration, due, col, progress); err != nil {
		return nil, crossTraffic{}, err
	}
	took := time.Since(began)
	res, cross, err := d.gather(ctx, col)
	cross.clock = took
	return res, cross, err
}

// shardPIDs are the PIDs of every shard actor of run r, on whichever
// member it is.
func (d *driver) shardPIDs(r int32) []*actor.PID {
	pids := make([]*actor.PID, d.lay.shards())
	for i, m := range d.lay.member {
		pids[i] = actor.NewPID(d.remotes[m], shardName(d.job.ID, r, i))
	}
	return pids
}

func (d *driver) runReady(msg any, due []int64) (int, error) {
	rr, ok := msg.(*pb.RunReady)
	if !ok || rr.Job != d.job.ID || int(rr.Run) != d.run {
		return -1, nil
	}
	m := d.memberIndex(rr.Member)
	if rr.Error != "" {
		return m, fmt.Errorf("%w: member %s cannot start run %d: %s", ErrJob,
			rr.Member, d.run+1, rr.Error)
	}
	if len(rr.Shards) != len(rr.NextDue) {
		return m, fmt.Errorf("%w: member %s: malformed answer to the start of run %d",
			ErrJob, rr.Member, d.run+1)
	}
	for i, s := range rr.Shards {
		if s < 0 || int(s) >= len(due) || int(d.lay.member[s]) != m {
			return m, fmt.Errorf("%w: member %s started shard actor %d, not its own",
				ErrJob, rr.Member, s)
		}
		due[s] = rr.NextDue[i]
	}
	return m, nil
}

// clock runs the ticks of a run on one clock.Coordinator whose
// participants are every shard actor of every member: it wakes the ones
// due at each tick with a TickStart and waits for their TickDone.
func (d *driver) clock(ctx context.Context, end int64, due []int64, col *sim.Collector,
	progress func(tick, events int64)) error {
	c := clock.NewCoordinator(len(due), end)
	st, err := openClock(c, due)
	if err != nil {
		return err
	}
	d.phase = phaseTick
	d.waitSh = make([]bool, len(due))
	shown := time.Now()
	for n := 1; st.Tick != clock.Never; n++ {
		t := st.Tick
		if err := d.wake(t, st.Wake); err != nil {
			return err
		}
		if st, err = d.collectTick(ctx, c, len(st.Wake)); err != nil {
			return err
		}
		last := c.Last()
		col.Tick(t, last)
		d.n.ticks.Add(1)
		d.n.events.Add(uint64(last.Events))
		if n%progressEvery == 0 && time.Since(shown) >= progressPeriod {
			shown = time.Now()
			d.n.noteTicks()
			progress(t, col.EventsSoFar())
		}
	}
	return nil
}

// openClock makes the report that opens a run for every shard actor, from
// the first due ticks the members gave, and returns the first start.
func openClock(c *clock.Coordinator, due []int64) (clock.Start, error) {
	var st clock.Start
	for i, t := range due {
		var err error
		if st, _, err = c.Report(clock.Done{Participant: i, Tick: -1, NextDue: t,
			Delta: core.NoDelta}); err != nil {
			return st, fmt.Errorf("%w: %w", ErrJob, err)
		}
	}
	return st, nil
}

// wake starts tick t on the shard actors listed.
func (d *driver) wake(t int64, wake []clock.Wake) error {
	d.tick = t
	if len(wake) == 0 {
		return fmt.Errorf("%w: tick %d wakes no shard actor", ErrJob, t)
	}
	d.startWait(d.n.cfg.TickTimeout)
	for _, w := range wake {
		d.waitSh[w.Participant] = true
		d.n.sys.Root.Send(d.shardPID[w.Participant], shard.NewStart(t, w.Expect))
	}
	return nil
}

// collectTick takes the reports of the woken shard actors and returns
// the next Start, which comes with the last one.
func (d *driver) collectTick(ctx context.Context, c *clock.Coordinator,
	woken int) (clock.Start, error) {
	for woken > 0 {
		msg, err := d.await(ctx)
		if err != nil {
			return clock.Start{}, err
		}
		done, ok := msg.(*pb.TickDone)
		if !ok {
			continue // a straggler of an earlier step
		}
		st, ready, err := d.report(c, done)
		if err != nil || ready {
			return st, err
		}
		woken--
	}
	return clock.Start{}, fmt.Errorf("%w: every woken shard actor reported but tick "+
		"%d did not end", ErrJob, d.tick)
}

// report hands one report to the coordinator.
func (d *driver) report(c *clock.Coordinator, done *pb.TickDone) (clock.Start, bool, error) {
	defer shard.ReleaseDone(done)
	a := int(done.Actor)
	if a < 0 || a >= len(d.waitSh) || !d.waitSh[a] || done.Delta == nil ||
		len(done.BatchTo) != len(done.BatchArrival) {
		return clock.Start{}, false, fmt.Errorf("%w: unexpected or malformed report "+
			"from shard actor %d during %s", ErrJob, a, d.where())
	}
	d.waitSh[a] = false
	d.sent = d.sent[:0]
	for i, to := range done.BatchTo {
		d.sent = append(d.sent, clock.Sent{To: int(to), Arrival: done.BatchArrival[i]})
	}
	st, ready, err := c.Report(clock.Done{Participant: a, Tick: done.Tick,
		NextDue: done.NextDue, Sent: d.sent, Delta: shard.DeltaFromProto(done.Delta)})
	if err != nil {
		return st, false, fmt.Errorf("%w: shard actor %d on member %s: %w", ErrJob, a,
			d.members[d.lay.member[a]].Name, err)
	}
	return st, ready, nil
}

// gather ends the run on every member and puts their results together.
func (d *driver) gather(ctx context.Context,
	col *sim.Collector) (*sim.RunResult, crossTraffic, error) {
	d.phase = phaseGather
	for _, pid := range d.agents {
		d.n.sys.Root.Send(pid, &pb.RunEnd{Job: d.job.ID, Run: int32(d.run)})
	}
	results := make([]*pb.MemberResult, len(d.members))
	parts := make([]assembly, len(d.members))
	err := d.fromEach(ctx, func(msg any) (int, error) {
		return d.memberResult(msg, results, parts)
	})
	if err != nil {
		return nil, crossTraffic{}, err
	}
	return d.merge(col, results)
}

// memberResult takes one member's results, or a part of them.
func (d *driver) memberResult(msg any, results []*pb.MemberResult,
	parts []assembly) (int, error) {
	switch m := msg.(type) {
	case *memberResult:
		if int(m.run) == d.run {
			i := d.memberIndex(m.member)
			results[i] = m.res
			return i, nil
		}
	case *pb.ResultChunk:
		i := d.memberIndex(m.Member)
		if m.Job != d.job.ID || int(m.Run) != d.run || i < 0 {
			return -1, nil
		}
		data, done, err := parts[i].add(m.Part, m.Parts, m.Data)
		if err != nil || !done {
			return -1, err
		}
		results[i] = &pb.MemberResult{}
		if err := proto.Unmarshal(data, results[i]); err != nil {
			return i, fmt.Errorf("%w: results of member %s: %w", ErrJob, m.Member, err)
		}
		return i, nil
	}
	return -1, nil
}

// merge builds the run's result from the members' results, as the
// collector would from shards in one process.
func (d *driver) merge(col *sim.Collector,
	results []*pb.MemberResult) (*sim.RunResult, crossTraffic, error) {
	vertices := make([]core.VertexResult, d.w.Size())
	var counters core.Counters
	var cross crossTraffic
	seen := 0
	for m, res := range results {
		for _, sr := range res.Shards {
			c, err := core.ResultFromProto(sr, vertices)
			if err != nil {
				return nil, cross, fmt.Errorf("%w: results of member %s: %w", ErrJob,
					d.members[m].Name, err)
			}
			counters.Add(&c)
			seen += len(sr.Vertex)
		}
		col.Events(eventsOf(res.Events))
		cross.messages += res.MessagesOut
		cross.chunks += res.ChunksOut
		cross.bytes += res.BytesOut
	}
	if seen != len(vertices) {
		return nil, cross, fmt.Errorf("%w: results for %d vertices of %d", ErrJob, seen,
			len(vertices))
	}
	return col.Finish(vertices, counters), cross, nil
}

// eventsOf unpacks notable events; none is nil, as a collector keeps
// them.
func eventsOf(c *pb.EventColumns) []core.Event {
	if len(c.GetTick()) == 0 {
		return nil
	}
	out := make([]core.Event, len(c.GetTick()))
	for i := range out {
		out[i] = core.Event{Tick: c.Tick[i], Vertex: c.Vertex[i],
			Kind: core.EventKind(c.Kind[i]), Other: c.Other[i]}
	}
	return out
}
