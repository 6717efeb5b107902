package model

import (
	"fmt"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// GateKind is how a vertex combines its inputs (SPEC section 1).
type GateKind uint8

// The gates of SPEC section 1.
const (
	GateAll GateKind = iota
	GateAny
	GateKOfN
	GateThreshold
)

// GateSpec is a compiled gate. A threshold_fraction gate is compiled to
// GateThreshold with Theta already multiplied by the total input weight,
// so engines know only four kinds.
type GateSpec struct {
	Kind  GateKind
	K     int32   // for GateKOfN: inputs that must be up
	Theta float64 // for GateThreshold: down weight that impairs
}

// Impaired reports whether a vertex with n inputs, of which down are down
// with a summed weight of downWeight, is impaired by its inputs. A vertex
// with no inputs is never impaired, whatever its gate.
func (g GateSpec) Impaired(n, down int, downWeight float64) bool {
	if n == 0 {
		return false
	}
	switch g.Kind {
	case GateAny:
		return down == n
	case GateKOfN:
		return n-down < int(g.K)
	case GateThreshold:
		return downWeight >= g.Theta
	default:
		return down > 0
	}
}

// Edge is a compiled depends edge, stored with its dependent.
type Edge struct {
	From   int32   // upstream vertex
	To     int32   // dependent vertex
	Prob   float64 // chance that an outage propagates
	Delay  int64   // ticks, at least 1
	Weight float64 // weight in a threshold gate
}

// Graph is the compiled, index-based form of a validated model that the
// engines read. Vertices are numbered in file order; every slice indexed
// by vertex has one entry per vertex. Edges are stored twice in
// compressed sparse row form: by dependent (In) and, as indices into In,
// by upstream (Out).
type Graph struct {
	Model     *pb.Model
	TickNanos int64
	IDs       []string
	Index     map[string]int32
	Vertices  []*pb.Vertex // Model.Vertices, for convenience
	Kinds     []pb.Kind
	Gates     []GateSpec

	InStart  []int32 // In[InStart[v]:InStart[v+1]] are v's inputs
	In       []Edge
	OutStart []int32 // Out[OutStart[v]:OutStart[v+1]] index v's outputs
	Out      []int32

	// HostedOn is the VM host of a fixed placement, or -1.
	HostedOn []int32
	// ChildStart and Children list each supervisor's children in order.
	ChildStart []int32
	Children   []int32
	// Supervisors lists, for each vertex, the supervisors that watch it.
	SupStart    []int32
	Supervisors []int32
	// Targets are the vertices whose failure is a system failure.
	Targets []int32
}

// N is the number of vertices.
func (g *Graph) N() int { return len(g.IDs) }

// Inputs returns the depends edges into v.
func (g *Graph) Inputs(v int32) []Edge {
	return g.In[g.InStart[v]:g.InStart[v+1]]
}

// Outputs returns the indices into In of the depends edges out of v.
func (g *Graph) Outputs(v int32) []int32 {
	return g.Out[g.OutStart[v]:g.OutStart[v+1]]
}

// ChildrenOf returns the children of supervisor v in their written order.
func (g *Graph) ChildrenOf(v int32) []int32 {
	return g.Children[g.ChildStart[v]:g.ChildStart[v+1]]
}

// SupervisorsOf returns the supervisors that watch v.
func (g *Graph) SupervisorsOf(v int32) []int32 {
	return g.Supervisors[g.SupStart[v]:g.SupStart[v+1]]
}

// Replicas is the number of instances of v, at least one.
func (g *Graph) Replicas(v int32) int {
	return max(1, int(g.Vertices[v].GetReplicas()))
}

// Quorum is the number of instances of v that must be up, at least one.
func (g *Graph) Quorum(v int32) int {
	return max(1, int(g.Vertices[v].GetQuorum()))
}

// Compile builds the index form of a model. The model must have passed
// Validate: Compile checks only what it needs to stay in bounds.
func Compile(m *pb.Model) (*Graph, error) {
	n := len(m.GetVertices())
	g := &Graph{
		Model:     m,
		TickNanos: m.GetTickNanos(),
		IDs:       make([]string, n),
		Index:     make(map[string]int32, n),
		Vertices:  m.GetVertices(),
		Kinds:     make([]pb.Kind, n),
		HostedOn:  make([]int32, n),
	}
	if g.TickNanos == 0 {
		g.TickNanos = DefaultTickNanos
	}
	for i, v := range g.Vertices {
		if _, dup := g.Index[v.GetId()]; dup {
			return nil, fmt.Errorf("compile: duplicate vertex %q", v.GetId())
		}
		g.IDs[i] = v.GetId()
		g.Index[v.GetId()] = int32(i)
		g.Kinds[i] = v.GetKind()
	}
	steps := []func() error{
		g.compileInputs, g.compileOutputs, g.compileGates,
		g.compileHosts, g.compileSupervision, g.compileTargets,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("compile: %w", err)
		}
	}
	return g, nil
}

func (g *Graph) lookup(id, what string) (int32, error) {
	i, ok := g.Index[id]
	if !ok {
		return 0, fmt.Errorf("%s names unknown vertex %q", what, id)
	}
	return i, nil
}

func (g *Graph) compileInputs() error {
	g.InStart = make([]int32, g.N()+1)
	total := 0
	for _, v := range g.Vertices {
		total += len(v.GetDependsOn())
	}
	g.In = make([]Edge, 0, total)
	for i, v := range g.Vertices {
		g.InStart[i] = int32(len(g.In))
		for _, d := range v.GetDependsOn() {
			from, err := g.lookup(d.GetId(), g.IDs[i]+".depends_on")
			if err != nil {
				return err
			}
			g.In = append(g.In, compileEdge(d, from, int32(i)))
		}
	}
	g.InStart[g.N()] = int32(len(g.In))
	return nil
}

func compileEdge(d *pb.Dependency, from, to int32) Edge {
	e := Edge{From: from, To: to, Prob: 1, Delay: 1, Weight: 1}
	if d.Probability != nil {
		e.Prob = d.GetProbability()
	}
	if d.Delay != nil {
		e.Delay = max(1, d.GetDelay())
	}
	if d.Weight != nil {
		e.Weight = d.GetWeight()
	}
	return e
}

// compileOutputs inverts In by counting sort, so each vertex's outputs
// are listed in the order of their edges in In.
func (g *Graph) compileOutputs() error {
	g.OutStart = make([]int32, g.N()+1)
	for _, e := range g.In {
		g.OutStart[e.From+1]++
	}
	for v := 0; v < g.N(); v++ {
		g.OutStart[v+1] += g.OutStart[v]
	}
	g.Out = make([]int32, len(g.In))
	next := append([]int32(nil), g.OutStart[:g.N()]...)
	for i, e := range g.In {
		g.Out[next[e.From]] = int32(i)
		next[e.From]++
	}
	return nil
}

func (g *Graph) compileGates() error {
	g.Gates = make([]GateSpec, g.N())
	for i, v := range g.Vertices {
		g.Gates[i] = g.compileGate(int32(i), v.GetGate())
	}
	return nil
}

func (g *Graph) compileGate(v int32, gate *pb.Gate) GateSpec {
	switch k := gate.GetKind().(type) {
	case *pb.Gate_Any:
		return GateSpec{Kind: GateAny}
	case *pb.Gate_KOfN:
		return GateSpec{Kind: GateKOfN, K: int32(k.KOfN)}
	case *pb.Gate_Threshold:
		return GateSpec{Kind: GateThreshold, Theta: k.Threshold}
	case *pb.Gate_ThresholdFraction:
		total := 0.0
		for _, e := range g.Inputs(v) {
			total += e.Weight
		}
		return GateSpec{Kind: GateThreshold, Theta: k.ThresholdFraction * total}
	default:
		return GateSpec{Kind: GateAll}
	}
}

func (g *Graph) compileHosts() error {
	for i, v := range g.Vertices {
		g.HostedOn[i] = -1
		if v.GetHostedOn() == "" {
			continue
		}
		h, err := g.lookup(v.GetHostedOn(), g.IDs[i]+".hosted_on")
		if err != nil {
			return err
		}
		g.HostedOn[i] = h
	}
	return nil
}

func (g *Graph) compileSupervision() error {
	g.ChildStart = make([]int32, g.N()+1)
	counts := make([]int32, g.N()+1)
	for i, v := range g.Vertices {
		g.ChildStart[i] = int32(len(g.Children))
		for _, id := range v.GetSupervisor().GetSupervises() {
			c, err := g.lookup(id, g.IDs[i]+".supervises")
			if err != nil {
				return err
			}
			g.Children = append(g.Children, c)
			counts[c+1]++
		}
	}
	g.ChildStart[g.N()] = int32(len(g.Children))

	g.SupStart = counts
	for v := 0; v < g.N(); v++ {
		g.SupStart[v+1] += g.SupStart[v]
	}
	g.Supervisors = make([]int32, len(g.Children))
	next := append([]int32(nil), g.SupStart[:g.N()]...)
	for s := int32(0); s < int32(g.N()); s++ {
		for _, c := range g.ChildrenOf(s) {
			g.Supervisors[next[c]] = s
			next[c]++
		}
	}
	return nil
}

// compileTargets takes the model's targets or, when it names none, every
// service that nothing depends on.
func (g *Graph) compileTargets() error {
	for _, id := range g.Model.GetTargets() {
		t, err := g.lookup(id, "targets")
		if err != nil {
			return err
		}
		g.Targets = append(g.Targets, t)
	}
	if len(g.Targets) > 0 {
		return nil
	}
	for v := int32(0); v < int32(g.N()); v++ {
		if len(g.Outputs(v)) == 0 && g.Kinds[v] == pb.Kind_KIND_SERVICE {
			g.Targets = append(g.Targets, v)
		}
	}
	return nil
}
