// Package describe summarises the shape of a model: what it holds, how
// deep its dependencies run, where they loop and which vertices carry the
// most edges. It reads only the compiled graph, in time linear in its
// size, so it serves as a first look at models of millions of vertices.
package describe

import (
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Summary is the shape of one model. Its JSON form is what
// "simctl describe --json" prints.
type Summary struct {
	Name     string     `json:"name"`
	Vertices int        `json:"vertices"`
	Kinds    KindCounts `json:"kinds"`
	Edges    EdgeCounts `json:"edges"`
	// Instances counts every service instance: a replica set of N counts
	// N, any other service one.
	Instances int `json:"instances"`
	// ReplicaSets counts the services with more than one replica.
	ReplicaSets int `json:"replicaSets"`
	// Depth is the number of depends edges on the longest path, with
	// every strongly connected component taken as one vertex.
	Depth int `json:"depth"`
	// Cycles counts the strongly connected components of depends edges
	// that contain a cycle; LargestCycle is the number of vertices in the
	// largest of them.
	Cycles       int `json:"cycles"`
	LargestCycle int `json:"largestCycle"`
	// FanIn is about the inputs (depends_on entries) of each vertex,
	// FanOut about its dependents.
	FanIn  Degree `json:"fanIn"`
	FanOut Degree `json:"fanOut"`
	// Targets counts the vertices whose failure is a system failure;
	// DefaultTargets says they were not named but taken by default.
	Targets        int  `json:"targets"`
	DefaultTargets bool `json:"defaultTargets"`
	// SupervisionDepth is the number of supervises edges on the longest
	// chain from a root supervisor down to a child.
	SupervisionDepth int `json:"supervisionDepth"`
	// VMCapacity is the sum of the slots of every VM host.
	VMCapacity int `json:"vmCapacity"`
}

// KindCounts counts vertices by kind.
type KindCounts struct {
	Services    int `json:"services"`
	Supervisors int `json:"supervisors"`
	VMHosts     int `json:"vmhosts"`
}

// EdgeCounts counts edges by kind. Hosts counts fixed placements (one per
// hosted_on vertex); Control counts the explicit control-plane links,
// not the default link.
type EdgeCounts struct {
	Depends    int `json:"depends"`
	Supervises int `json:"supervises"`
	Hosts      int `json:"hosts"`
	Control    int `json:"control"`
}

// Degree describes one kind of degree over all vertices: its mean and
// its maximum, with the first vertex (in file order) that reaches it.
type Degree struct {
	Max   int     `json:"max"`
	MaxID string  `json:"maxId"`
	Mean  float64 `json:"mean"`
}

// Summarize measures g. It runs in time and memory linear in the size of
// the graph and uses no recursion, whatever the depth.
func Summarize(g *model.Graph) Summary {
	s := Summary{
		Name:     g.Model.GetName(),
		Vertices: g.N(),
		Targets:  len(g.Targets),
		Edges: EdgeCounts{
			Depends:    len(g.In),
			Supervises: len(g.Children),
			Control:    len(g.Model.GetControlPlane().GetLinks()),
		},
		DefaultTargets: len(g.Model.GetTargets()) == 0,
	}
	s.countVertices(g)
	s.FanIn = degree(g, func(v int32) int { return len(g.Inputs(v)) })
	s.FanOut = degree(g, func(v int32) int { return len(g.Outputs(v)) })
	s.Depth, s.Cycles, s.LargestCycle = components(g)
	s.SupervisionDepth = supervisionDepth(g)
	return s
}

// countVertices fills in the counts that take one look at each vertex.
func (s *Summary) countVertices(g *model.Graph) {
	for v := range int32(g.N()) {
		if g.HostedOn[v] >= 0 {
			s.Edges.Hosts++
		}
		switch g.Kinds[v] {
		case pb.Kind_KIND_SUPERVISOR:
			s.Kinds.Supervisors++
		case pb.Kind_KIND_VMHOST:
			s.Kinds.VMHosts++
			s.VMCapacity += max(1, int(g.Vertices[v].GetVmhost().GetCapacity()))
		default:
			s.Kinds.Services++
			s.Instances += g.Replicas(v)
			if g.Replicas(v) > 1 {
				s.ReplicaSets++
			}
		}
	}
}

func degree(g *model.Graph, of func(v int32) int) Degree {
	d, total := Degree{}, 0
	for v := range int32(g.N()) {
		k := of(v)
		total += k
		if k > d.Max {
			d.Max, d.MaxID = k, g.IDs[v]
		}
	}
	if g.N() > 0 {
		d.Mean = float64(total) / float64(g.N())
	}
	return d
}
