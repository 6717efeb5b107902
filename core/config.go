package core

import (
	"fmt"
	"math"
	"slices"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// supConfig configures a supervisor, with the defaults of model.proto
// filled in.
type supConfig struct {
	v         int32
	kids      []int32
	kidIndex  map[int32]int32
	wants     []int32 // desired instances of each child (replicas)
	strategy  pb.Strategy
	spread    bool
	interval  int64
	threshold int32
	check     int32
	lease     int64

	bInit, bMax, bReset int64
	bFactor             float64
	maxRestarts         int32
	period              int64
	crew                int32 // restarts in progress at once; 0: no limit

	peers []int32 // redundant supervisors: those sharing a child
	hosts []int32 // VM hosts a replicas supervisor places on
}

// hostConfig configures a VM host.
type hostConfig struct {
	v          int32
	capacity   int32
	boot       int64
	fixed      []int32 // vertices placed here by hosted_on
	fixedCount int32   // their instances
	initial    []resident
	fixedTo    []int32 // where host-down and host-up go: fixed vertices or their instances
	slot0      int32   // id of its first slot
	slots      int32   // slots that placements can fill
}

// resident counts the placed instances of a service on a host.
type resident struct{ v, n int32 }

// secondsOf turns seconds into ticks, at least one.
func secondsOf(g *model.Graph, s float64) int64 {
	return max(1, int64(math.Ceil(s*1e9/float64(g.TickNanos))))
}

func orDefault(x, def int64) int64 {
	if x == 0 {
		return def
	}
	return x
}

func (w *World) supervisorConfig(v int32) supConfig {
	g := w.Graph
	s := g.Vertices[v].GetSupervisor()
	p, b := s.GetProbe(), s.GetBackoff()
	c := supConfig{v: v, kids: g.ChildrenOf(v), strategy: s.GetStrategy(),
		spread:    s.GetPlacement() == pb.Placement_PLACEMENT_SPREAD,
		interval:  orDefault(p.GetInterval(), secondsOf(g, 10)),
		threshold: int32(orDefault(int64(p.GetFailureThreshold()), 3)),
		check:     int32(p.GetCheck()),
		bInit:     orDefault(b.GetInitial(), 1), bMax: b.GetMax(),
		bReset:      orDefault(b.GetResetAfter(), secondsOf(g, 600)),
		bFactor:     b.GetFactor(),
		maxRestarts: int32(orDefault(int64(s.GetMaxRestarts()), 3)),
		period:      orDefault(s.GetPeriod(), secondsOf(g, 5)),
		crew:        int32(s.GetMaxConcurrentRestarts()),
	}
	if c.bFactor == 0 {
		c.bFactor = 2
	}

	c.lease = int64(c.threshold+1) * c.interval
	c.kidIndex = make(map[int32]int32, len(c.kids))
	for i, k := range c.kids {
		c.kidIndex[k] = int32(i)
		c.wants = append(c.wants, int32(g.Replicas(k)))
	}
	c.peers = w.peersOf(v)
	if c.strategy == pb.Strategy_STRATEGY_REPLICAS {
		c.hosts = w.vmhosts()
	}
	return c
}

// peersOf lists the other supervisors that share a child with v.
func (w *World) peersOf(v int32) []int32 {
	g := w.Graph
	var peers []int32
	for _, k := range g.ChildrenOf(v) {
		for _, s := range g.SupervisorsOf(k) {
			if s != v && !slices.Contains(peers, s) {
				peers = append(peers, s)
			}
		}
	}
	slices.Sort(peers)
	return peers
}

func (w *World) vmhosts() []int32 {
	var hs []int32
	for v, k := range w.Graph.Kinds {
		if k == pb.Kind_KIND_VMHOST {
			hs = append(hs, int32(v))
		}
	}
	return hs
}

func (w *World) compileHosts() {
	g := w.Graph
	for _, h := range w.vmhosts() {
		x := g.Vertices[h].GetVmhost()
		c := &w.cfgs[w.extOf[h]]
		c.host = int32(len(w.hosts))
		w.hosts = append(w.hosts, hostConfig{v: h,
			capacity: int32(max(1, x.GetCapacity())), boot: x.GetBootTime()})
	}
	for v := range int32(g.N()) {
		if h := g.HostedOn[v]; h >= 0 {
			hc := &w.hosts[w.cfgs[w.extOf[h]].host]
			hc.fixed = append(hc.fixed, v)
			hc.fixedCount += int32(g.Replicas(v))
		}
	}
}

// placeInitial places the instances of services kept by replicas
// supervisors, as the first such supervisor would, before the run
// starts. Instances that find no slot are not created; the supervisor
// sees the shortfall at its first probes.
func (w *World) placeInitial() error {
	loads := make([]int32, len(w.hosts))
	for i, h := range w.hosts {
		loads[i] = h.fixedCount
	}
	done := make(map[int32]bool)
	for _, s := range w.sups {
		if s.strategy != pb.Strategy_STRATEGY_REPLICAS {
			continue
		}
		for _, k := range s.kids {
			if done[k] || w.Graph.HostedOn[k] >= 0 {
				continue
			}
			done[k] = true
			if err := w.placeService(k, s.spread, loads); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *World) placeService(k int32, spread bool, loads []int32) error {
	c := w.config(k)
	if c == nil {
		return fmt.Errorf("supervised vertex %q is not on the general path", w.Graph.IDs[k])
	}
	c.placed = true
	c.initial = c.initial[:0]
	for range c.want {
		i := choose(loads, w.capacities(), spread)
		if i < 0 || loads[i] >= w.hosts[i].capacity {
			break
		}
		loads[i]++
		c.initial = append(c.initial, w.hosts[i].v)
		w.hosts[i].addInitial(k)
	}
	return nil
}

func (w *World) capacities() []int32 {
	caps := make([]int32, len(w.hosts))
	for i, h := range w.hosts {
		caps[i] = h.capacity
	}
	return caps
}

func (h *hostConfig) addInitial(v int32) {
	n := len(h.initial)
	if n > 0 && h.initial[n-1].v == v {
		h.initial[n-1].n++
		return
	}
	h.initial = append(h.initial, resident{v, 1})
}

// choose picks a host by load: spread takes the least loaded host with a
// free slot, pack the most loaded one; ties go to the first. When no host
// has a free slot it returns the least loaded one, whose owner will
// refuse. It returns -1 when there are no hosts.
func choose(loads, caps []int32, spread bool) int {
	best := -1
	for i, l := range loads {
		if l >= caps[i] {
			continue
		}
		if best < 0 || spread && l < loads[best] || !spread && l > loads[best] {
			best = i
		}
	}
	if best >= 0 || len(loads) == 0 {
		return best
	}
	best = 0
	for i, l := range loads {
		if l-caps[i] < loads[best]-caps[best] {
			best = i
		}
	}
	return best
}

func pairKey(a, b int32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(uint32(a))<<32 | uint64(uint32(b))
}

func (w *World) compileControlPlane() {
	g := w.Graph
	cp := g.Model.GetControlPlane()
	w.defLink = linkOf(cp.GetDefault())
	for _, l := range cp.GetLinks() {
		ends := l.GetBetween()
		if len(ends) != 2 {
			continue
		}
		a, okA := g.Index[ends[0]]
		b, okB := g.Index[ends[1]]
		if okA && okB {
			w.links[pairKey(a, b)] = linkOf(l)
		}
	}
	for _, p := range cp.GetPartitions() {
		w.AddPartition(partitionOf(g, p))
	}
}

func linkOf(l *pb.Link) link {
	return link{latency: max(1, l.GetLatency()), loss: newChance(l.GetLoss())}
}

// PartitionWindow is a scheduled cut of the control plane: from tick At
// for Duration ticks, messages between vertices on different sides are
// lost. A vertex on no side reaches every side.
type PartitionWindow struct {
	At, Duration int64
	Sides        [][]int32
}

func partitionOf(g *model.Graph, p *pb.Partition) PartitionWindow {
	pw := PartitionWindow{At: p.GetAt(), Duration: p.GetDuration()}
	for _, s := range p.GetSides() {
		var side []int32
		for _, id := range s.GetIds() {
			if v, ok := g.Index[id]; ok {
				side = append(side, v)
			}
		}
		pw.Sides = append(pw.Sides, side)
	}
	return pw
}

// AddPartition schedules a partition. It is meant for scenario tests,
// before any shard sends a message in the window: shards read partitions
// when they send.
func (w *World) AddPartition(p PartitionWindow) {
	c := cut{at: p.At, end: p.At + p.Duration, side: map[int32]int32{}}
	for i, s := range p.Sides {
		for _, v := range s {
			c.side[v] = int32(i)
		}
	}
	w.cuts = append(w.cuts, c)
}

// link returns the control link between a and b.
func (w *World) link(a, b int32) link {
	if l, ok := w.links[pairKey(a, b)]; ok {
		return l
	}
	return w.defLink
}

// cutAt reports whether a partition separates a and b at tick t.
func (w *World) cutAt(a, b int32, t int64) bool {
	for i := range w.cuts {
		c := &w.cuts[i]
		if t < c.at || t >= c.end {
			continue
		}
		sa, okA := c.side[a]
		sb, okB := c.side[b]
		if okA && okB && sa != sb {
			return true
		}
	}
	return false
}
