package model

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

func dep(id string) *pb.Dependency { return &pb.Dependency{Id: id} }

func compileTestGraph(t *testing.T) *Graph {
	t.Helper()
	m := &pb.Model{Vertices: []*pb.Vertex{
		{Id: "web", DependsOn: []*pb.Dependency{dep("app"), {
			Id: "cache", Probability: proto.Float64(0.3),
			Delay: proto.Int64(4), Weight: proto.Float64(2)}},
			Gate: &pb.Gate{Kind: &pb.Gate_ThresholdFraction{ThresholdFraction: 0.5}}},
		{Id: "app", DependsOn: []*pb.Dependency{dep("db"), dep("cache")},
			Gate: &pb.Gate{Kind: &pb.Gate_KOfN{KOfN: 1}}, HostedOn: "vm",
			Replicas: 3, Quorum: 2},
		{Id: "cache", DependsOn: []*pb.Dependency{dep("db")}},
		{Id: "db"},
		{Id: "vm", Kind: pb.Kind_KIND_VMHOST},
		{Id: "sup", Kind: pb.Kind_KIND_SUPERVISOR, Supervisor: &pb.Supervisor{
			Supervises: []string{"db", "app"}}},
		{Id: "root", Kind: pb.Kind_KIND_SUPERVISOR, Supervisor: &pb.Supervisor{
			Supervises: []string{"sup", "db"}}},
	}}
	g, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestCompileEdges(t *testing.T) {
	g := compileTestGraph(t)
	in := g.Inputs(0)
	if len(in) != 2 || in[1].From != 2 || in[1].Prob != 0.3 ||
		in[1].Delay != 4 || in[1].Weight != 2 {
		t.Fatalf("web inputs = %+v", in)
	}
	if e := g.Inputs(1)[0]; e.Prob != 1 || e.Delay != 1 || e.Weight != 1 {
		t.Errorf("default edge = %+v, want prob 1, delay 1, weight 1", e)
	}
	var outs []string
	for _, i := range g.Outputs(3) {
		if g.In[i].From != 3 {
			t.Errorf("output edge %d of db starts at %d", i, g.In[i].From)
		}
		outs = append(outs, g.IDs[g.In[i].To])
	}
	if !slices.Equal(outs, []string{"app", "cache"}) {
		t.Errorf("db feeds %v, want [app cache]", outs)
	}
	if len(g.Outputs(4)) != 0 {
		t.Errorf("vm has depends outputs %v", g.Outputs(4))
	}
}

func TestCompileGatesAndStructure(t *testing.T) {
	g := compileTestGraph(t)
	if got := g.Gates[0]; got.Kind != GateThreshold || got.Theta != 1.5 {
		t.Errorf("threshold_fraction 0.5 of weight 3 = %+v, want theta 1.5", got)
	}
	if got := g.Gates[1]; got.Kind != GateKOfN || got.K != 1 {
		t.Errorf("k_of_n gate = %+v", got)
	}
	if g.HostedOn[1] != 4 || g.HostedOn[0] != -1 {
		t.Errorf("hosted on = %v", g.HostedOn)
	}
	if g.Replicas(1) != 3 || g.Quorum(1) != 2 || g.Replicas(0) != 1 {
		t.Errorf("replicas/quorum wrong")
	}
	if !slices.Equal(g.ChildrenOf(5), []int32{3, 1}) {
		t.Errorf("children of sup = %v", g.ChildrenOf(5))
	}
	if !slices.Equal(g.SupervisorsOf(3), []int32{5, 6}) {
		t.Errorf("supervisors of db = %v", g.SupervisorsOf(3))
	}
	if !slices.Equal(g.Targets, []int32{0}) {
		t.Errorf("default targets = %v, want [0] (web)", g.Targets)
	}
}

func TestGateImpaired(t *testing.T) {
	cases := []struct {
		gate     GateSpec
		n, down  int
		weight   float64
		impaired bool
	}{
		{GateSpec{Kind: GateAll}, 3, 0, 0, false},
		{GateSpec{Kind: GateAll}, 3, 1, 1, true},
		{GateSpec{Kind: GateAny}, 3, 2, 2, false},
		{GateSpec{Kind: GateAny}, 3, 3, 3, true},
		{GateSpec{Kind: GateAny}, 0, 0, 0, false},
		{GateSpec{Kind: GateKOfN, K: 2}, 3, 1, 1, false},
		{GateSpec{Kind: GateKOfN, K: 2}, 3, 2, 2, true},
		{GateSpec{Kind: GateThreshold, Theta: 1.5}, 3, 1, 1, false},
		{GateSpec{Kind: GateThreshold, Theta: 1.5}, 3, 1, 1.5, true},
	}
	for _, c := range cases {
		if got := c.gate.Impaired(c.n, c.down, c.weight); got != c.impaired {
			t.Errorf("%+v n=%d down=%d w=%g: impaired %v, want %v",
				c.gate, c.n, c.down, c.weight, got, c.impaired)
		}
	}
}

func TestCompileUnknownReference(t *testing.T) {
	m := &pb.Model{Vertices: []*pb.Vertex{
		{Id: "a", DependsOn: []*pb.Dependency{dep("ghost")}},
	}}
	if _, err := Compile(m); err == nil {
		t.Fatal("Compile accepted a dependency on an unknown vertex")
	}
}
