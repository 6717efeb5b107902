package analysis

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

const exactTol = 1e-12

func TestExactEqualsBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 600; i++ {
		m := randomModel(r, 14)
		g := compile(t, m)
		got, err := Exact(g, 0)
		if err != nil {
			t.Fatalf("model %d: %v", i, err)
		}
		want := bruteForce(g)
		where := func(what string, v int) string {
			if v < 0 {
				return what
			}
			return what + " of " + g.IDs[v]
		}
		check := func(what string, v int, a, b float64) {
			if math.Abs(a-b) > exactTol {
				t.Fatalf("model %d: %s = %.15g, brute force %.15g\n%v",
					i, where(what, v), a, b, m)
			}
		}
		check("system", -1, got.System, want.system)
		for v := range want.down {
			check("down", v, got.Down[v], want.down[v])
			check("birnbaum", v, got.Birnbaum[v], want.birnbaum[v])
			check("fussell-vesely", v, got.FussellVesely[v], want.fv[v])
		}
	}
}

func TestExactSmallCases(t *testing.T) {
	any := &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}
	cases := []struct {
		name   string
		m      *pb.Model
		system float64
	}{
		{"or of and", &pb.Model{Vertices: []*pb.Vertex{
			svc("top", 0, "a", "bc"), svc("a", 0.1),
			{Id: "bc", Gate: any, DependsOn: deps("b", "c")},
			svc("b", 0.2), svc("c", 0.3)}}, 0.154},
		{"2 of 3 replicas", &pb.Model{Vertices: []*pb.Vertex{
			{Id: "db", Replicas: 3, Quorum: 2, Failure: unavail(0.1)}}},
			3*0.01*0.9 + 0.001},
		{"cycle locks nothing by itself", &pb.Model{
			Targets:  []string{"a"},
			Vertices: []*pb.Vertex{svc("a", 0, "b"), svc("b", 0, "a")}}, 0},
		{"cycle spreads a failure", &pb.Model{
			Targets:  []string{"a"},
			Vertices: []*pb.Vertex{svc("a", 0, "b"), svc("b", 0.25, "a")}}, 0.25},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Exact(compile(t, c.m), 0)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r.System-c.system) > exactTol {
				t.Errorf("system = %.15g, want %.15g", r.System, c.system)
			}
		})
	}
}

func deps(ids ...string) []*pb.Dependency {
	var ds []*pb.Dependency
	for _, id := range ids {
		ds = append(ds, &pb.Dependency{Id: id})
	}
	return ds
}

func TestExactBudget(t *testing.T) {
	g := compile(t, chainOfAnds(40))
	_, err := Exact(g, 50)
	if !errors.Is(err, ErrBudget) {
		t.Fatalf("err = %v, want ErrBudget", err)
	}
	if _, err := Exact(g, 0); err != nil {
		t.Fatalf("default budget: %v", err)
	}
}

// chainOfAnds is a ladder whose every rung needs both rails down.
func chainOfAnds(n int) *pb.Model {
	any := &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}
	m := &pb.Model{}
	for i := 0; i < n; i++ {
		v := svc(name("r", i), 0.1)
		if i > 0 {
			v.DependsOn = deps(name("r", i-1), name("s", i-1))
			v.Gate = any
		}
		m.Vertices = append(m.Vertices, v, svc(name("s", i), 0.2))
	}
	return m
}

// TestExactBudgetWhileJoiningTargets: a budget that the vertices fit but
// the system (the or of the targets) does not must give ErrBudget, never
// an answer computed from a truncated diagram.
func TestExactBudgetWhileJoiningTargets(t *testing.T) {
	m := &pb.Model{}
	for i := 0; i < 50; i++ {
		m.Vertices = append(m.Vertices, svc(name("t", i), 0.01))
	}
	g := compile(t, m)
	full, err := Exact(g, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := 1 - math.Pow(0.99, 50)
	if math.Abs(full.System-want) > 1e-12 {
		t.Fatalf("system %v, want %v", full.System, want)
	}
	_, err = Exact(g, 60)
	if !errors.Is(err, ErrBudget) {
		t.Fatalf("Exact with 60 nodes for 50 targets: err %v, want ErrBudget", err)
	}
}
