package cluster

import (
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/actors/shard"
	"github.com/homeostat/homeostat/core"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// share is one member's part of one job: its place among the members,
// the compiled model and layout, and the replication it hosts now.
type share struct {
	n           *Node
	job         string
	me          int // this member's index among the job's members
	coordinator string
	remotes     []string
	world       *core.World
	lay         *layout
	to          *actor.PID // the coordinator's inbox
	local       *driver    // the coordinator, when it is this process
	run         *hosted
	// lingering are the hosts of the last run, kept until the next.
	lingering []*actor.PID
}

func newShare(n *Node, s *pb.JobSetup, w *core.World, d *driver) (*share, error) {
	me := slices.Index(s.Members, n.cfg.Name)
	if me < 0 || len(s.Remotes) != len(s.Members) {
		return nil, fmt.Errorf("%w: member %s is not in the job's members %v", ErrJob,
			n.cfg.Name, s.Members)
	}
	lay, err := newLayout(w, s.Owner, len(s.Members), int(s.VerticesPerActor))
	if err != nil {
		return nil, err
	}
	return &share{n: n, job: s.Job, me: me, coordinator: s.Coordinator,
		remotes: s.Remotes, world: w, lay: lay, to: replyPID(s), local: d}, nil
}

// reply sends a message to the coordinator: straight into its inbox when
// it runs in this process, else over remote.
func (s *share) reply(msg proto.Message) {
	if s.local != nil {
		s.local.inbox.put(msg)
		return
	}
	s.n.sys.Root.Send(s.to, msg)
}

// hosted is one replication as one member hosts it: the cores of its
// local shard actors, their hosts and the outbound processes that stand
// for the other members' shard actors.
type hosted struct {
	run      int32
	duration int64
	ids      []int // the local shard actors, in increasing order
	cores    []*core.Shard
	hosts    []*actor.PID
	outbound []*actor.PID
	traffic  traffic
	gauge    *gauge
	failed   atomic.Bool
}

// Names of a run's actors on every member, so that any member can
// address any other's.
func shardName(job string, run int32, i int) string {
	return fmt.Sprintf("hs-%s-r%d-shard%d", job, run, i)
}

func outboundName(job string, run int32, i int) string {
	return fmt.Sprintf("hs-%s-r%d-to%d", job, run, i)
}

// start builds the member's shard actors for a replication and reports
// their first due ticks.
func (s *share) start(m *pb.RunStart) {
	s.stopRun()
	ready, err := s.build(m)
	if err != nil {
		s.stopRun()
		ready = &pb.RunReady{Error: err.Error()}
	}
	ready.Job, ready.Run, ready.Member = s.job, m.Run, s.n.cfg.Name
	s.reply(ready)
}

func (s *share) build(m *pb.RunStart) (*pb.RunReady, error) {
	h := &hosted{run: m.Run, duration: m.Duration, ids: s.lay.local(s.me),
		gauge: &gauge{}}
	s.run = h
	s.n.track(h, true)
	net := &shard.Network{Owner: s.lay.part.Owner,
		PIDs: make([]*actor.PID, s.lay.shards()), Reporter: &reporter{s: s, h: h}}
	if err := s.addOutbound(h, net); err != nil {
		return nil, err
	}
	cr := core.Run{Seed: m.Seed, Injections: injectionsOf(m), Record: m.Record}
	ready := &pb.RunReady{}
	for _, i := range h.ids {
		sh := core.NewShard(s.world, s.lay.part, i, cr)
		h.cores = append(h.cores, sh)
		if err := s.spawnHost(h, net, i, sh); err != nil {
			return nil, err
		}
		ready.Shards = append(ready.Shards, int32(i))
		ready.NextDue = append(ready.NextDue, sh.NextDue())
	}
	return ready, nil
}

func injectionsOf(m *pb.RunStart) []core.Injection {
	out := make([]core.Injection, len(m.Injections))
	for i, in := range m.Injections {
		out[i] = core.Injection{Vertex: in.Vertex, At: in.At, Duration: in.Duration}
	}
	return out
}

// addOutbound stands an outbound process in for every shard actor of
// another member.
func (s *share) addOutbound(h *hosted, net *shard.Network) error {
	for i, m := range s.lay.member {
		if int(m) == s.me {
			continue
		}
		o := &outbound{sys: s.n.sys, dest: int32(i), limit: s.n.cfg.ChunkMessages,
			to:    actor.NewPID(s.remotes[m], shardName(s.job, h.run, i)),
			count: []*traffic{&h.traffic, &s.n.traffic}}
		pid, ok := s.n.sys.ProcessRegistry.Add(o, outboundName(s.job, h.run, i))
		if !ok {
			return fmt.Errorf("%w: %s exists already", ErrJob, pid.Id)
		}
		net.PIDs[i] = pid
		h.outbound = append(h.outbound, pid)
	}
	return nil
}

// spawnHost spawns the host of shard i, with the shard actor in its
// kind's shell inside.
func (s *share) spawnHost(h *hosted, net *shard.Network, i int, sh *core.Shard) error {
	a, err := newShell(s.lay.kinds[i], shard.Config{ID: int32(i),
		Graph: s.world.Graph, Vertices: s.lay.part.Members[i], Core: sh, Net: net})
	if err != nil {
		return err
	}
	hs := &host{id: int32(i), inner: a, partial: map[uint32]*pb.Batch{}, started: -1,
		count: []*traffic{&h.traffic, &s.n.traffic}, fail: net.Reporter.Fail}
	props := actor.PropsFromProducer(func() actor.Actor { return hs },
		s.n.props(h.gauge)...)
	pid, err := s.n.sys.Root.SpawnNamed(props, shardName(s.job, h.run, i))
	if err != nil {
		return fmt.Errorf("%w: spawn shard actor %d: %w", ErrJob, i, err)
	}
	net.PIDs[i] = pid
	h.hosts = append(h.hosts, pid)
	return nil
}

// end stops the run's actors and sends the coordinator the member's
// results.
func (s *share) end(m *pb.RunEnd) {
	h := s.run
	if h == nil || h.run != m.Run {
		s.reply(&pb.JobFailure{Job: s.job, Run: m.Run, Member: s.n.cfg.Name,
			Error: fmt.Sprintf("run %d is not hosted here", m.Run+1)})
		return
	}
	if err := s.finishRun(); err != nil {
		s.reply(&pb.JobFailure{Job: s.job, Run: m.Run, Member: s.n.cfg.Name,
			Error: err.Error()})
		return
	}
	res := h.result()
	if s.local != nil {
		s.local.inbox.put(&memberResult{run: h.run, member: s.n.cfg.Name, res: res})
		return
	}
	s.sendResult(h.run, res)
}

// memberResult is a member's results handed to a coordinator in the same
// process, unencoded.
type memberResult struct {
	run    int32
	member string
	res    *pb.MemberResult
}

func (s *share) sendResult(run int32, res *pb.MemberResult) {
	data, err := proto.Marshal(res)
	if err != nil {
		s.reply(&pb.JobFailure{Job: s.job, Run: run, Member: s.n.cfg.Name,
			Error: err.Error()})
		return
	}
	parts := chunks(data, s.n.cfg.ChunkBytes)
	for i, p := range parts {
		s.reply(&pb.ResultChunk{Job: s.job, Run: run, Member: s.n.cfg.Name,
			Part: uint32(i), Parts: uint32(len(parts)), Data: p})
	}
}

// result reads the results of the finished run's cores.
func (h *hosted) result() *pb.MemberResult {
	res := &pb.MemberResult{Events: &pb.EventColumns{},
		MessagesOut: h.traffic.msgsOut.Load(), BytesOut: h.traffic.bytesOut.Load(),
		ChunksOut: h.traffic.chunksOut.Load()}
	for _, sh := range h.cores {
		sh.Finish(h.duration)
		res.Shards = append(res.Shards, sh.ResultToProto())
		for _, e := range sh.Events() {
			ev := res.Events
			ev.Tick = append(ev.Tick, e.Tick)
			ev.Vertex = append(ev.Vertex, e.Vertex)
			ev.Kind = append(ev.Kind, uint32(e.Kind))
			ev.Other = append(ev.Other, e.Other)
		}
	}
	return res
}

// hostWait bounds how long the end of a run waits for a host to finish
// the message in hand.
const hostWait = 10 * time.Second

// finishRun ends the run in progress: its hosts drop whatever still
// comes and leave the cores alone, which the agent may then read; the
// hosts linger until the next run, so that batches still on the way for
// ticks past the end are dropped quietly rather than logged as dead
// letters.
func (s *share) finishRun() error {
	h := s.run
	if h == nil {
		return nil
	}
	s.run = nil
	s.n.track(h, false)
	for _, pid := range h.outbound {
		s.n.sys.ProcessRegistry.Remove(pid)
	}
	s.lingering = append(s.lingering, h.hosts...)
	var errs []error
	for _, pid := range h.hosts {
		f := &finishRun{done: make(chan struct{})}
		s.n.sys.Root.Send(pid, f)
		select {
		case <-f.done:
		case <-time.After(hostWait):
			errs = append(errs, fmt.Errorf("%s did not finish", pid.Id))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: end run %d: %w", ErrJob, h.run+1, err)
	}
	return nil
}

// stopRun ends the run in progress, if any, and stops the hosts of the
// runs before.
func (s *share) stopRun() {
	_ = s.finishRun()
	for _, pid := range s.lingering {
		s.n.sys.Root.Stop(pid)
	}
	s.lingering = nil
}

// close ends the share.
func (s *share) close() { s.stopRun() }

// reporter is how a member's shard actors report to the coordinator.
type reporter struct {
	s *share
	h *hosted
}

// Report implements shard.Reporter.
func (r *reporter) Report(done *pb.TickDone) { r.s.reply(done) }

// Fail implements shard.Reporter; only the first failure of a run is
// passed on.
func (r *reporter) Fail(err error) {
	if r.h.failed.CompareAndSwap(false, true) {
		r.s.reply(&pb.JobFailure{Job: r.s.job, Run: r.h.run, Member: r.s.n.cfg.Name,
			Error: err.Error()})
	}
}

// Stopped implements shard.Reporter; stopRun waits on futures instead.
func (r *reporter) Stopped(int32) {}

// track adds or removes a run's queues from those /metrics shows.
func (n *Node) track(h *hosted, on bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if on {
		n.gauges[h] = struct{}{}
	} else {
		delete(n.gauges, h)
	}
}
