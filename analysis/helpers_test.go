package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// compile builds the index form of a test model or fails the test.
func compile(t testing.TB, m *pb.Model) *model.Graph {
	t.Helper()
	g, err := model.Compile(m)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return g
}

// svc is a service with a direct unavailability and the given inputs.
func svc(id string, u float64, deps ...string) *pb.Vertex {
	v := &pb.Vertex{Id: id, Failure: unavail(u)}
	for _, d := range deps {
		v.DependsOn = append(v.DependsOn, &pb.Dependency{Id: d})
	}
	return v
}

func unavail(u float64) *pb.Failure {
	return &pb.Failure{Model: &pb.Failure_Unavailability{Unavailability: u}}
}

func kOfN(k uint32) *pb.Gate { return &pb.Gate{Kind: &pb.Gate_KOfN{KOfN: k}} }

// randomModel draws a small model that uses every construct the
// steady-state view reads: every gate kind, probabilistic and weighted
// edges, replica sets with quorums, VM hosts, supervisors, cycles and
// self-loops. It keeps the number of random variables (instances plus
// uncertain edges) at most maxVars, so brute force stays cheap.
func randomModel(r *rand.Rand, maxVars int) *pb.Model {
	for {
		m := drawModel(r)
		if countVars(m) <= maxVars {
			return m
		}
	}
}

func drawModel(r *rand.Rand) *pb.Model {
	n := 2 + r.IntN(6)
	m := &pb.Model{Name: "random"}
	for i := 0; i < n; i++ {
		m.Vertices = append(m.Vertices, drawVertex(r, i, n))
	}
	for _, v := range m.Vertices {
		if v.GetKind() == pb.Kind_KIND_SERVICE && r.IntN(4) == 0 {
			if h := pickKind(r, m, pb.Kind_KIND_VMHOST); h != "" {
				v.HostedOn = h
			}
		}
	}
	if r.IntN(3) == 0 {
		m.Targets = append(m.Targets, m.Vertices[r.IntN(n)].GetId())
		if r.IntN(2) == 0 {
			m.Targets = append(m.Targets, m.Vertices[r.IntN(n)].GetId())
		}
	}
	return m
}

func pickKind(r *rand.Rand, m *pb.Model, k pb.Kind) string {
	var ids []string
	for _, v := range m.Vertices {
		if v.GetKind() == k {
			ids = append(ids, v.GetId())
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return ids[r.IntN(len(ids))]
}

func drawVertex(r *rand.Rand, i, n int) *pb.Vertex {
	v := &pb.Vertex{Id: fmt.Sprintf("v%d", i)}
	switch r.IntN(8) {
	case 0:
		v.Kind = pb.Kind_KIND_VMHOST
	case 1:
		v.Kind = pb.Kind_KIND_SUPERVISOR
	}
	if r.IntN(6) > 0 {
		v.Failure = unavail(drawProb(r))
	}
	if v.Kind == pb.Kind_KIND_SERVICE && r.IntN(4) == 0 {
		v.Replicas = uint32(2 + r.IntN(2))
		v.Quorum = uint32(1 + r.IntN(int(v.Replicas)))
	}
	for j := 0; j < n; j++ {
		if (j != i && r.IntN(3) == 0) || (j == i && r.IntN(20) == 0) {
			v.DependsOn = append(v.DependsOn, drawDependency(r, j))
		}
	}
	v.Gate = drawGate(r, v.DependsOn)
	return v
}

func drawProb(r *rand.Rand) float64 {
	switch r.IntN(10) {
	case 0:
		return 1
	case 1, 2, 3:
		return math.Pow(10, -1-3*r.Float64())
	}
	return r.Float64()
}

func drawDependency(r *rand.Rand, j int) *pb.Dependency {
	d := &pb.Dependency{Id: fmt.Sprintf("v%d", j)}
	switch r.IntN(6) {
	case 0:
		d.Probability = proto.Float64(0)
	case 1, 2:
		d.Probability = proto.Float64(r.Float64())
	}
	if r.IntN(3) == 0 {
		d.Weight = proto.Float64([]float64{0.5, 1.5, 2, 0.1, 3}[r.IntN(5)])
	}
	return d
}

func drawGate(r *rand.Rand, deps []*pb.Dependency) *pb.Gate {
	n := len(deps)
	total := 0.0
	for _, d := range deps {
		if d.Weight != nil {
			total += d.GetWeight()
		} else {
			total++
		}
	}
	switch r.IntN(6) {
	case 1:
		return &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}
	case 2:
		return kOfN(uint32(1 + r.IntN(max(1, n))))
	case 3:
		return &pb.Gate{Kind: &pb.Gate_Threshold{
			Threshold: math.Round(total*r.Float64()*10)/10 + 0.1}}
	case 4:
		return &pb.Gate{Kind: &pb.Gate_ThresholdFraction{
			ThresholdFraction: []float64{0.1, 0.3, 0.5, 0.7, 1}[r.IntN(5)]}}
	case 5:
		return nil
	}
	return &pb.Gate{Kind: &pb.Gate_All{All: &pb.Empty{}}}
}

func countVars(m *pb.Model) int {
	c := 0
	for _, v := range m.Vertices {
		c += max(1, int(v.GetReplicas()))
		for _, d := range v.DependsOn {
			if p := d.GetProbability(); d.Probability != nil && p > 0 && p < 1 {
				c++
			}
		}
	}
	return c
}

// brute is the answer of full enumeration.
type brute struct {
	down, birnbaum, fv []float64
	system             float64
}

// bruteVar is one random variable: an instance of a vertex or an edge.
type bruteVar struct {
	p      float64
	vertex int32 // instance of this vertex, or -1
	edge   int32 // draw of this edge, or -1
}

// bruteForce enumerates every combination of instance states and edge
// draws, each instance and each uncertain edge separately, and finds the
// least fixed point of every combination by plain iteration. It is the
// reference the analysis is held to. Birnbaum comes from enumerating
// again with the vertex's intrinsic state forced down and up.
func bruteForce(g *model.Graph) brute {
	vars := bruteVars(g)
	res := brute{down: make([]float64, g.N()), birnbaum: make([]float64, g.N()),
		fv: make([]float64, g.N())}
	joint := make([]float64, g.N())
	enumerate(g, vars, -1, false, func(w float64, down, intr []bool) {
		sys := systemDown(g, down)
		for v := range down {
			if down[v] {
				res.down[v] += w
			}
			if sys && intr[v] {
				joint[v] += w
			}
		}
		if sys {
			res.system += w
		}
	})
	for v := int32(0); v < int32(g.N()); v++ {
		res.birnbaum[v] = forcedSystem(g, vars, v, true) -
			forcedSystem(g, vars, v, false)
		if res.system > 0 {
			res.fv[v] = joint[v] / res.system
		}
	}
	return res
}

func bruteVars(g *model.Graph) []bruteVar {
	var vars []bruteVar
	for v := int32(0); v < int32(g.N()); v++ {
		for i := 0; i < g.Replicas(v); i++ {
			vars = append(vars, bruteVar{p: Intrinsic(g, v), vertex: v, edge: -1})
		}
	}
	for i, e := range g.In {
		if e.Prob > 0 && e.Prob < 1 {
			vars = append(vars, bruteVar{p: e.Prob, vertex: -1, edge: int32(i)})
		}
	}
	return vars
}

func forcedSystem(g *model.Graph, vars []bruteVar, v int32, down bool) float64 {
	p := 0.0
	enumerate(g, vars, v, down, func(w float64, d, _ []bool) {
		if systemDown(g, d) {
			p += w
		}
	})
	return p
}

func systemDown(g *model.Graph, down []bool) bool {
	for _, t := range g.Targets {
		if down[t] {
			return true
		}
	}
	return false
}

// enumerate calls visit with the probability, the down states and the
// intrinsic states of every combination; when force >= 0 that vertex's
// intrinsic state is forced to forced.
func enumerate(g *model.Graph, vars []bruteVar, force int32, forced bool,
	visit func(w float64, down, intr []bool)) {
	n := g.N()
	for mask := 0; mask < 1<<len(vars); mask++ {
		w := 1.0
		instDown := make([]int, n)
		carries := make([]bool, len(g.In))
		for i, e := range g.In {
			carries[i] = e.Prob >= 1
		}
		for i, x := range vars {
			on := mask>>i&1 == 1
			if on {
				w *= x.p
			} else {
				w *= 1 - x.p
			}
			switch {
			case on && x.vertex >= 0:
				instDown[x.vertex]++
			case x.edge >= 0:
				carries[x.edge] = on
			}
		}
		if w == 0 {
			continue
		}
		intr := make([]bool, n)
		for v := int32(0); v < int32(n); v++ {
			intr[v] = instDown[v] >= g.Replicas(v)-g.Quorum(v)+1
			if v == force {
				intr[v] = forced
			}
		}
		visit(w, leastFixedPoint(g, intr, carries), intr)
	}
}

// leastFixedPoint iterates the down states from nothing down until they
// settle, evaluating every gate with model.GateSpec.Impaired.
func leastFixedPoint(g *model.Graph, intr, carries []bool) []bool {
	down := make([]bool, g.N())
	for changed := true; changed; {
		changed = false
		for v := int32(0); v < int32(g.N()); v++ {
			d := intr[v] || impaired(g, v, down, carries)
			if h := g.HostedOn[v]; h >= 0 && down[h] {
				d = true
			}
			if d && !down[v] {
				down[v], changed = true, true
			}
		}
	}
	return down
}

func impaired(g *model.Graph, v int32, down, carries []bool) bool {
	ins := g.Inputs(v)
	cnt, weight := 0, 0.0
	for i, in := range ins {
		if down[in.From] && carries[g.InStart[v]+int32(i)] {
			cnt++
			weight += in.Weight
		}
	}
	return g.Gates[v].Impaired(len(ins), cnt, weight)
}

func name(prefix string, i int) string { return fmt.Sprintf("%s%d", prefix, i) }

func svcModel(vs ...*pb.Vertex) *pb.Model { return &pb.Model{Vertices: vs} }
