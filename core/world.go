package core

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// World is the compiled, run-independent form of a model that every shard
// of every run reads and none writes (Partition adds the split into
// shards). It turns the model's settings into the compact tables the
// shards step through: one small profile per distinct set of laws,
// depends edges grouped by upstream, and the configuration of each vertex
// that needs more than the fast path.
type World struct {
	Graph *model.Graph

	profiles []profile
	prof     []int32   // profile of each vertex
	flags    []uint8   // vertex flags (wTarget, ...)
	outs     []outEdge // depends edges by upstream, in Graph.Out order
	extOf    []int32   // index into cfgs, or -1 for a fast-path vertex
	cfgs     []extConfig
	sups     []supConfig
	hosts    []hostConfig
	inst     []instConfig // instance actors, by id - N

	links   map[uint64]link
	defLink link
	cuts    []cut
}

// Vertex flags.
const (
	wTarget  = 1 << iota // the vertex is a target of the system
	wWeights             // its gate sums input weights
	wExt                 // it needs the general path from the start
)

// profile holds the laws of a vertex; vertices with equal laws share one.
type profile struct {
	fail, repair, start Law
}

// outEdge is a depends edge seen from its upstream.
type outEdge struct {
	to, edge int32 // dependent, and index of the edge in Graph.In
	delay    int32
	q        chance // chance that an outage propagates
}

// window is a span in which a vertex is held failed; end == at is a
// failure without a hold (an injection without a duration).
type window struct{ at, end int64 }

// extConfig configures a vertex on the general path.
type extConfig struct {
	want, quorum int32
	windows      []window
	selfRepair   bool    // its repair law applies (no supervisor)
	placed       bool    // its instances are lost with their host
	initial      []int32 // host of each initial instance, -1 for none
	sup, host    int32   // index into sups or hosts, or -1
	actors       bool    // a replica set: its instances are actors of their own
	ids          []int32 // its initial instance actors
}

// link is a control link's latency and loss.
type link struct {
	latency int64
	loss    chance
}

// cut is a scheduled partition of the control plane.
type cut struct {
	at, end int64
	side    map[int32]int32
}

// NewWorld compiles a graph for simulation. The graph must come from a
// validated model.
func NewWorld(g *model.Graph) (*World, error) {
	w := &World{Graph: g, links: map[uint64]link{}}
	n := g.N()
	w.prof = make([]int32, n)
	w.flags = make([]uint8, n)
	w.extOf = make([]int32, n)

	w.compileProfiles()
	w.compileOuts()
	for _, t := range g.Targets {
		w.flags[t] |= wTarget
	}
	for v := range n {
		if g.Gates[v].Kind == model.GateThreshold {
			w.flags[v] |= wWeights
		}
	}
	if err := w.compileExt(); err != nil {
		return nil, fmt.Errorf("core: %w", err)
	}
	w.compileControlPlane()
	return w, nil
}

// N is the number of vertices.
func (w *World) N() int { return len(w.prof) }

func (w *World) compileProfiles() {
	index := map[profile]int32{}
	for v, x := range w.Graph.Vertices {
		p := profile{failureLaw(x.GetFailure()), repairLaw(x.GetRepair()),
			startLaw(x.GetStartTime())}
		i, ok := index[p]
		if !ok {
			i = int32(len(w.profiles))
			index[p] = i
			w.profiles = append(w.profiles, p)
		}
		w.prof[v] = i
	}
}

func (w *World) compileOuts() {
	g := w.Graph
	w.outs = make([]outEdge, len(g.Out))
	for k, e := range g.Out {
		in := g.In[e]
		w.outs[k] = outEdge{to: in.To, edge: e, delay: int32(min(in.Delay, 1<<30)),
			q: newChance(in.Prob)}
	}
}

// needsExt reports whether vertex v leaves the fast path from the start.
func (w *World) needsExt(v int32) bool {
	g := w.Graph
	x := g.Vertices[v]
	_, sched := x.GetFailure().GetModel().(*pb.Failure_Schedule)
	return g.Kinds[v] != pb.Kind_KIND_SERVICE || g.Replicas(v) > 1 ||
		len(g.SupervisorsOf(v)) > 0 || g.HostedOn[v] >= 0 || sched
}

func (w *World) compileExt() error {
	g := w.Graph
	for v := range int32(g.N()) {
		w.extOf[v] = -1
		if !w.needsExt(v) {
			continue
		}
		w.flags[v] |= wExt
		w.extOf[v] = int32(len(w.cfgs))
		w.cfgs = append(w.cfgs, w.baseConfig(v))
	}

	w.compileHosts()
	for v := range int32(g.N()) {
		if g.Kinds[v] == pb.Kind_KIND_SUPERVISOR {
			c := &w.cfgs[w.extOf[v]]
			c.sup = int32(len(w.sups))
			w.sups = append(w.sups, w.supervisorConfig(v))
		}
	}

	if err := w.placeInitial(); err != nil {
		return err
	}
	return w.compileInstances()
}

// baseConfig is the configuration of a vertex before placement.
func (w *World) baseConfig(v int32) extConfig {
	g := w.Graph
	c := extConfig{want: int32(g.Replicas(v)), quorum: int32(g.Quorum(v)),
		selfRepair: len(g.SupervisorsOf(v)) == 0, sup: -1, host: -1}
	for _, win := range g.Vertices[v].GetFailure().GetSchedule().GetWindows() {
		c.windows = append(c.windows, window{win.GetAt(), win.GetAt() + win.GetDuration()})
	}
	slices.SortFunc(c.windows, func(a, b window) int { return cmp.Compare(a.at, b.at) })
	c.initial = make([]int32, c.want)
	for i := range c.initial {
		c.initial[i] = g.HostedOn[v]
	}
	return c
}

// fallbackConfig is the configuration of a fast-path vertex moved to the
// general path during a run (an injection).
func (w *World) fallbackConfig() *extConfig {
	return &extConfig{want: 1, quorum: 1, selfRepair: true, initial: []int32{-1},
		sup: -1, host: -1}
}

// config returns the configuration of vertex v, or nil on the fast path.
func (w *World) config(v int32) *extConfig {
	if i := w.extOf[v]; i >= 0 {
		return &w.cfgs[i]
	}
	return nil
}
