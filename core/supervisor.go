package core

import (
	"math"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// supState is the role of a supervisor: what it knows of its children,
// its repair crew, its restart history and its standing among redundant
// peers.
type supState struct {
	cfg     *supConfig
	kids    []kid
	queue   []int32 // children waiting for the crew, first come first served
	busy    int32   // restarts in progress
	recent  []int64 // restart ticks within the period, oldest first
	probeAt int64
	heard   []int64 // last heartbeat from each peer
	leader  bool
	gaveUp  bool
	loads   []int32 // what it believes of each host's load
	caps    []int32
}

// kid is what a supervisor tracks of one child.
type kid struct {
	due, upSince   int64 // back-off expiry; when last known up
	live, down, up int32 // from the last probe reply
	streak, misses int32
	state          uint8
	ok             bool // a good reply came since the last probe
}

// Child states, as the supervisor sees them.
const (
	kidHealthy    = iota
	kidBackoff    // declared failed, waiting out its back-off
	kidQueued     // waiting for a free member of the crew
	kidRestarting // a restart is under way and holds a crew member
)

func (s *Shard) newSupervisor(l int32, cfg *supConfig) int32 {
	sp := supState{cfg: cfg, kids: make([]kid, len(cfg.kids)),
		heard: make([]int64, len(cfg.peers))}
	for _, h := range cfg.hosts {
		hc := &s.w.hosts[s.w.config(h).host]
		sp.loads = append(sp.loads, hc.fixedCount+initialLoad(hc))
		sp.caps = append(sp.caps, hc.capacity)
	}
	sp.restart(0)
	sp.probeAt = 1 + int64(s.vs[l].rng.Uint64()%uint64(cfg.interval))
	s.sups = append(s.sups, sp)
	return int32(len(s.sups) - 1)
}

func initialLoad(h *hostConfig) int32 {
	var n int32
	for _, r := range h.initial {
		n += r.n
	}
	return n
}

// restart is what a (re)started supervisor knows: nothing. It assumes
// its children and peers well and starts a fresh restart history.
func (sp *supState) restart(t int64) {
	sp.forget(t)
	sp.recent = sp.recent[:0]
	for i := range sp.heard {
		sp.heard[i] = t
	}
	sp.leader = sp.lowestAlive(t)
	sp.probeAt = t + sp.cfg.interval
}

// forget drops what the supervisor tracked of its children, as when it
// takes over or hands over the leadership.
func (sp *supState) forget(t int64) {
	for i := range sp.kids {
		sp.kids[i] = kid{upSince: t, ok: true}
	}
	sp.queue = sp.queue[:0]
	sp.busy = 0
}

// lowestAlive reports whether no peer with a lower index has been heard
// from within the lease.
func (sp *supState) lowestAlive(t int64) bool {
	for j, p := range sp.cfg.peers {
		if p < sp.cfg.v && t-sp.heard[j] <= sp.cfg.lease {
			return false
		}
	}
	return true
}

func (s *Shard) supOf(x *extState) *supState { return &s.sups[x.role] }

// due is the supervisor's next timer: its probe round and the
// back-offs of its children; nothing while it is not up.
func (sp *supState) due(up bool) int64 {
	if !up {
		return Never
	}
	due := sp.probeAt
	for i := range sp.kids {
		if sp.kids[i].state == kidBackoff {
			due = min(due, sp.kids[i].due)
		}
	}
	return due
}

func (s *Shard) supFire(l int32, x *extState, sp *supState, t int64) {
	for i := range sp.kids {
		k := &sp.kids[i]
		if k.state == kidBackoff && k.due == t {
			k.state = kidQueued
			sp.queue = append(sp.queue, int32(i))
		}
	}
	if sp.probeAt == t {
		s.probeRound(l, x, sp, t)
	}
	if x.insts[0].state == Available {
		s.dispatch(l, sp, t)
	}
}

// probeRound heartbeats the peers, settles the leadership and, as the
// leader, counts missed probes and probes every child.
func (s *Shard) probeRound(l int32, x *extState, sp *supState, t int64) {
	cfg := sp.cfg
	for _, p := range cfg.peers {
		s.control(l, p, KindHeartbeat, 0, 0)
	}
	s.elect(l, sp, t)
	sp.probeAt = t + cfg.interval
	if !sp.leader {
		return
	}

	// Judge every child on the replies since the last round.
	for i := range sp.kids {
		k := &sp.kids[i]
		if k.state == kidHealthy || k.state == kidRestarting {
			if k.ok {
				k.misses = 0
			} else if k.misses++; k.misses >= cfg.threshold {
				s.declare(l, x, sp, i, t)
				if x.insts[0].state != Available {
					return
				}
			}
		}
		k.ok = false
	}

	for _, c := range cfg.kids {
		s.control(l, c, KindProbe, cfg.check, 0)
	}
}

func (s *Shard) elect(l int32, sp *supState, t int64) {
	lead := sp.lowestAlive(t)
	if lead == sp.leader {
		return
	}
	sp.forget(t)
	sp.leader = lead
	s.note(l, t, noteLeader, b2u(lead))
	kind := EvFollower
	if lead {
		kind = EvLeader
	}
	s.event(t, sp.cfg.v, kind, -1)
}

// declare handles a child found failed: count it against the restart
// intensity (giving up when it is exceeded), then wait out its back-off.
func (s *Shard) declare(l int32, x *extState, sp *supState, i int, t int64) {
	cfg, k := sp.cfg, &sp.kids[i]
	s.note(l, t, noteDeclare, uint64(i))
	s.event(t, cfg.v, EvDeclared, cfg.kids[i])
	if k.state == kidRestarting {
		sp.busy--
	}
	k.misses = 0
	if sp.exceeded(t) {
		s.giveUp(l, x, sp, t)
		return
	}

	if t-k.upSince >= cfg.bReset {
		k.streak = 0
	}
	k.due = t + backoff(cfg, k.streak)
	k.streak++
	k.state = kidBackoff
}

// exceeded records a restart at t and reports whether more than
// maxRestarts fell within the period. It keeps only the restarts within
// the period, and never more than maxRestarts+1 of them.
func (sp *supState) exceeded(t int64) bool {
	r := sp.recent
	drop := 0
	for drop < len(r) && (r[drop] <= t-sp.cfg.period ||
		len(r)-drop > int(sp.cfg.maxRestarts)) {
		drop++
	}
	sp.recent = append(r[:copy(r, r[drop:])], t)
	return len(sp.recent) > int(sp.cfg.maxRestarts)
}

// backoff is the delay before the restart after streak earlier ones.
func backoff(cfg *supConfig, streak int32) int64 {
	d := float64(cfg.bInit) * math.Pow(cfg.bFactor, float64(streak))
	if cfg.bMax > 0 {
		d = min(d, float64(cfg.bMax))
	}
	return max(1, int64(min(d, 1<<40)))
}

// giveUp is the escalation: stop every child and fail, so that the
// supervisor's own supervisor takes over.
func (s *Shard) giveUp(l int32, x *extState, sp *supState, t int64) {
	s.counters.Escalations++
	s.event(t, sp.cfg.v, EvGiveUp, -1)
	for _, c := range sp.cfg.kids {
		s.control(l, c, KindStop, 0, 0)
	}
	sp.gaveUp = true
	s.failInst(l, x, 0, t)
}

// dispatch hands queued restarts to free members of the crew.
func (s *Shard) dispatch(l int32, sp *supState, t int64) {
	crew := sp.cfg.crew
	for sp.leader && len(sp.queue) > 0 && (crew == 0 || sp.busy < crew) {
		i := int(sp.queue[0])
		sp.queue = sp.queue[:copy(sp.queue, sp.queue[1:])]
		sp.kids[i].state = kidRestarting
		sp.busy++
		s.act(l, sp, i, t)
	}
}

func (s *Shard) act(l int32, sp *supState, i int, t int64) {
	switch sp.cfg.strategy {
	case pb.Strategy_STRATEGY_ONE_FOR_ALL:
		s.restartFrom(l, sp, i, 0, t)
	case pb.Strategy_STRATEGY_REST_FOR_ONE:
		s.restartFrom(l, sp, i, i, t)
	case pb.Strategy_STRATEGY_REPLICAS:
		s.replenish(l, sp, i, t)
	default:
		s.order(l, sp, i, RestartAll, t)
	}
}

// order sends child i a restart order. The child gets one probe round of
// grace: a probe it answered before the order arrived would otherwise
// count against it.
func (s *Shard) order(l int32, sp *supState, i int, mode int32, t int64) {
	c := sp.cfg.kids[i]
	sp.kids[i].ok, sp.kids[i].misses = true, 0
	s.event(t, sp.cfg.v, EvRestartOrdered, c)
	s.control(l, c, KindRestart, mode, 0)
}

// restartFrom restarts child i and every child from position first on;
// the siblings' own pending restarts are folded into this one.
func (s *Shard) restartFrom(l int32, sp *supState, i, first int, t int64) {
	for j := first; j < len(sp.kids); j++ {
		if j != i {
			sp.absorb(j)
		}
		s.order(l, sp, j, RestartAll, t)
	}
}

// absorb makes sibling j healthy again: it is being restarted with the
// child that failed.
func (sp *supState) absorb(j int) {
	k := &sp.kids[j]
	switch k.state {
	case kidQueued:
		for q, i := range sp.queue {
			if int(i) == j {
				sp.queue = append(sp.queue[:q], sp.queue[q+1:]...)
				break
			}
		}
	case kidRestarting:
		sp.busy--
	}
	k.state, k.misses, k.ok = kidHealthy, 0, true
}

// replenish brings a replica set back to its size: restart its down
// instances in place and ask hosts for the rest.
func (s *Shard) replenish(l int32, sp *supState, i int, t int64) {
	k := &sp.kids[i]
	acted := k.down > 0
	if acted {
		s.order(l, sp, i, RestartDown, t)
	}
	for range sp.cfg.wants[i] - k.live - k.down {
		s.place(l, sp, i, t)
		k.ok, k.misses = true, 0
		acted = true
	}
	if !acted {
		k.state = kidHealthy
		sp.busy--
	}
}

func (s *Shard) place(l int32, sp *supState, i int, t int64) {
	c := sp.cfg.kids[i]
	h := choose(sp.loads, sp.caps, sp.cfg.spread)
	if h < 0 {
		s.counters.PlacementFailures++
		s.event(t, sp.cfg.v, EvPlacementFailed, c)
		return
	}
	sp.loads[h]++
	s.control(l, sp.cfg.hosts[h], KindPlace, c, 0)
}

// supHandle applies a message addressed to the supervisor role; a
// supervisor that is not up ignores everything.
func (s *Shard) supHandle(l int32, x *extState, sp *supState, m *Message, t int64) {
	if x.insts[0].state != Available {
		return
	}
	switch m.Kind {
	case KindProbeReply:
		s.probeReply(sp, m, t)
		s.trim(l, sp, m)
	case KindStarted: // A names the child: the sender may be one of its instances
		if i, ok := sp.cfg.kidIndex[m.A]; ok {
			sp.kids[i].upSince = t
			sp.finished(int(i))
		}
	case KindPlaced, KindRejected:
		s.placementReply(sp, m)
	case KindHeartbeat:
		for j, p := range sp.cfg.peers {
			if p == m.From {
				sp.heard[j] = t
			}
		}
	}
	s.dispatch(l, sp, t)
}

// trim asks a replica set with more live instances than it wants, as a
// probe reply says, to remove the surplus: after a split brain both
// leaders may have placed replacements. Only a leader trims, and only a
// child it considers healthy.
func (s *Shard) trim(l int32, sp *supState, m *Message) {
	i, ok := sp.cfg.kidIndex[m.From]
	if !ok || !sp.leader || sp.cfg.strategy != pb.Strategy_STRATEGY_REPLICAS {
		return
	}
	if k := &sp.kids[i]; k.state == kidHealthy && k.live > sp.cfg.wants[i] {
		s.control(l, m.From, KindTrim, k.live-sp.cfg.wants[i], 0)
	}
}

// finished frees the crew member restarting child i.
func (sp *supState) finished(i int) {
	if k := &sp.kids[i]; k.state == kidRestarting {
		k.state = kidHealthy
		sp.busy--
	}
}

func (s *Shard) probeReply(sp *supState, m *Message, t int64) {
	i, ok := sp.cfg.kidIndex[m.From]
	if !ok {
		return
	}
	k := &sp.kids[i]
	k.live, k.down, k.up = m.A>>statusShift, m.B&0xffff, m.B>>16

	readiness := sp.cfg.check == CheckReadiness
	good, back := m.A&statusAlive != 0, m.A&statusUp != 0
	if readiness {
		good = m.A&statusReady != 0
	}
	if sp.cfg.strategy == pb.Strategy_STRATEGY_REPLICAS {
		want := sp.cfg.wants[i]
		good = good && k.live >= want
		back = k.up >= want
	}

	if good {
		k.ok = true
	}
	if back && k.state == kidRestarting {
		k.upSince = t
		sp.finished(int(i))
	}
}

func (s *Shard) placementReply(sp *supState, m *Message) {
	for h, v := range sp.cfg.hosts {
		if v != m.From {
			continue
		}
		sp.loads[h] = m.B
		if m.Kind == KindRejected {
			sp.loads[h] = max(m.B, sp.caps[h])
		}
	}
	if i, ok := sp.cfg.kidIndex[m.A]; ok && m.Kind == KindRejected {
		sp.finished(int(i))
	}
}
