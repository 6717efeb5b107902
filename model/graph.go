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
// Validate: Compile checks only what it needs to stay in bounds. [Open]
// does the same for a file without looking every id up a second time.
func Compile(m *pb.Model) (*Graph, error) {
	r, err := resolve(m)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	return compileRefs(m, r), nil
}

// refs are a model's vertex ids resolved to indices: what Compile looks
// up on its own, and what Validate has already looked up when Open
// compiles after it.
type refs struct {
	index    map[string]int32
	deps     csrRows // each vertex's upstream vertices, in depends_on order
	children csrRows // each vertex's children, in supervises order
	hosts    []int32 // each vertex's VM host (hosted_on), or -1
	targets  []int32 // the targets the model names, in order
}

// resolve looks up every id a model refers to. Its errors name the first
// id that is repeated or unknown, in this order: vertex ids, depends_on,
// hosted_on, supervises and targets.
func resolve(m *pb.Model) (*refs, error) {
	vs := m.GetVertices()
	r := &refs{index: make(map[string]int32, len(vs))}
	for i, v := range vs {
		if _, dup := r.index[v.GetId()]; dup {
			return nil, fmt.Errorf("duplicate vertex %q", v.GetId())
		}
		r.index[v.GetId()] = int32(i)
	}
	steps := []func([]*pb.Vertex) error{r.resolveDeps, r.resolveHosts, r.resolveChildren}
	for _, step := range steps {
		if err := step(vs); err != nil {
			return nil, err
		}
	}
	for _, id := range m.GetTargets() {
		t, err := r.lookup(id, func() string { return "targets" })
		if err != nil {
			return nil, err
		}
		r.targets = append(r.targets, t)
	}
	return r, nil
}

// lookup finds a vertex; what names the field that refers to it, and is
// called only to report an unknown id.
func (r *refs) lookup(id string, what func() string) (int32, error) {
	i, ok := r.index[id]
	if !ok {
		return 0, fmt.Errorf("%s names unknown vertex %q", what(), id)
	}
	return i, nil
}

func (r *refs) resolveDeps(vs []*pb.Vertex) error {
	edges := 0
	for _, v := range vs {
		edges += len(v.GetDependsOn())
	}
	r.deps.grow(len(vs), edges)
	for _, v := range vs {
		r.deps.start()
		for _, d := range v.GetDependsOn() {
			from, err := r.lookup(d.GetId(), func() string { return v.GetId() + ".depends_on" })
			if err != nil {
				return err
			}
			r.deps.add(from)
		}
	}
	r.deps.close()
	return nil
}

func (r *refs) resolveHosts(vs []*pb.Vertex) error {
	r.hosts = make([]int32, len(vs))
	for i, v := range vs {
		r.hosts[i] = -1
		if v.GetHostedOn() == "" {
			continue
		}
		h, err := r.lookup(v.GetHostedOn(), func() string { return v.GetId() + ".hosted_on" })
		if err != nil {
			return err
		}
		r.hosts[i] = h
	}
	return nil
}

func (r *refs) resolveChildren(vs []*pb.Vertex) error {
	for _, v := range vs {
		r.children.start()
		for _, id := range v.GetSupervisor().GetSupervises() {
			c, err := r.lookup(id, func() string { return v.GetId() + ".supervises" })
			if err != nil {
				return err
			}
			r.children.add(c)
		}
	}
	r.children.close()
	return nil
}

// compileRefs builds the Graph of a model whose ids are resolved.
func compileRefs(m *pb.Model, r *refs) *Graph {
	n := len(m.GetVertices())
	g := &Graph{
		Model:      m,
		TickNanos:  m.GetTickNanos(),
		IDs:        make([]string, n),
		Index:      r.index,
		Vertices:   m.GetVertices(),
		Kinds:      make([]pb.Kind, n),
		InStart:    r.deps.off,
		HostedOn:   r.hosts,
		ChildStart: r.children.off,
		Children:   r.children.next,
	}
	if g.TickNanos == 0 {
		g.TickNanos = DefaultTickNanos
	}
	for i, v := range g.Vertices {
		g.IDs[i] = v.GetId()
		g.Kinds[i] = v.GetKind()
	}
	g.compileInputs(r.deps.next)
	g.compileOutputs()
	g.compileGates()
	g.compileSupervisors()
	g.compileTargets(r.targets)
	return g
}

// compileInputs makes the depends edges, in the order of InStart, from
// the upstream vertex of each.
func (g *Graph) compileInputs(from []int32) {
	g.In = make([]Edge, len(from))
	for i, v := range g.Vertices {
		at := g.InStart[i]
		for k, d := range v.GetDependsOn() {
			e := at + int32(k)
			g.In[e] = compileEdge(d, from[e], int32(i))
		}
	}
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
func (g *Graph) compileOutputs() {
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
}

func (g *Graph) compileGates() {
	g.Gates = make([]GateSpec, g.N())
	for i, v := range g.Vertices {
		g.Gates[i] = g.compileGate(int32(i), v.GetGate())
	}
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

// compileSupervisors inverts the children lists: the supervisors of each
// vertex, in the order of the supervisors.
func (g *Graph) compileSupervisors() {
	g.SupStart = make([]int32, g.N()+1)
	for _, c := range g.Children {
		g.SupStart[c+1]++
	}
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
}

// compileTargets takes the model's targets or, when it names none, every
// service that nothing depends on.
func (g *Graph) compileTargets(named []int32) {
	g.Targets = named
	if len(g.Targets) > 0 {
		return
	}
	for v := int32(0); v < int32(g.N()); v++ {
		if len(g.Outputs(v)) == 0 && g.Kinds[v] == pb.Kind_KIND_SERVICE {
			g.Targets = append(g.Targets, v)
		}
	}
}
