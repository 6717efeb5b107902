package describe_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/homeostat/homeostat/describe"
	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

func compile(t *testing.T, m *pb.Model) *model.Graph {
	t.Helper()
	g, err := model.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// service is a service vertex depending on deps.
func service(id string, deps ...string) *pb.Vertex {
	v := &pb.Vertex{Id: id}
	for _, d := range deps {
		v.DependsOn = append(v.DependsOn, &pb.Dependency{Id: d})
	}
	return v
}

func supervisor(id string, children ...string) *pb.Vertex {
	return &pb.Vertex{Id: id, Kind: pb.Kind_KIND_SUPERVISOR,
		Supervisor: &pb.Supervisor{Supervises: children}}
}

func vmhost(id string, capacity uint32) *pb.Vertex {
	return &pb.Vertex{Id: id, Kind: pb.Kind_KIND_VMHOST,
		Vmhost: &pb.VMHost{Capacity: capacity}}
}

// shop is a small cluster with every kind of vertex and edge.
func shop() *pb.Model {
	front := service("front", "cart", "catalog")
	front.Replicas, front.Quorum = 3, 2
	cart := service("cart", "db")
	cart.HostedOn = "vm-1"
	catalog := service("catalog", "db", "cache")
	catalog.Replicas = 2
	catalog.HostedOn = "vm-2"
	return &pb.Model{
		Name: "shop",
		Vertices: []*pb.Vertex{
			front, cart, catalog, service("db"), service("cache"),
			supervisor("web-sup", "front", "catalog"),
			supervisor("data-sup", "db", "cache"),
			supervisor("root", "web-sup", "data-sup"),
			vmhost("vm-1", 4), vmhost("vm-2", 0),
		},
		ControlPlane: &pb.ControlPlane{Links: []*pb.Link{
			{Between: []string{"web-sup", "vm-1"}, Latency: 2},
			{Between: []string{"root", "vm-2"}, Latency: 1},
		}},
	}
}

func TestSummarizeShop(t *testing.T) {
	got := describe.Summarize(compile(t, shop()))
	want := describe.Summary{
		Name:             "shop",
		Vertices:         10,
		Kinds:            describe.KindCounts{Services: 5, Supervisors: 3, VMHosts: 2},
		Edges:            describe.EdgeCounts{Depends: 5, Supervises: 6, Hosts: 2, Control: 2},
		Instances:        3 + 1 + 2 + 1 + 1,
		ReplicaSets:      2,
		Depth:            2,
		FanIn:            describe.Degree{Max: 2, MaxID: "front", Mean: 0.5},
		FanOut:           describe.Degree{Max: 2, MaxID: "db", Mean: 0.5},
		Targets:          1,
		DefaultTargets:   true,
		SupervisionDepth: 2,
		VMCapacity:       4 + 1,
	}
	if got != want {
		t.Errorf("Summarize(shop)\n got %+v\nwant %+v", got, want)
	}
}

func TestSummarizeCycles(t *testing.T) {
	tests := []struct {
		name                   string
		vertices               []*pb.Vertex
		depth, cycles, largest int
	}{
		{"empty", nil, 0, 0, 0},
		{"one vertex", []*pb.Vertex{service("a")}, 0, 0, 0},
		{"chain", []*pb.Vertex{service("a"), service("b", "a"), service("c", "b")}, 2, 0, 0},
		{"self loop", []*pb.Vertex{service("a", "a")}, 0, 1, 1},
		{"two cycles in a row", []*pb.Vertex{
			service("a", "b"), service("b", "a"), // a <-> b
			service("c", "e", "a"), service("d", "c"), service("e", "d"), // c -> d -> e -> c
			service("f", "c"),
		}, 2, 2, 3},
		{"diamond", []*pb.Vertex{
			service("top", "l", "r"), service("l", "bottom"), service("r", "mid"),
			service("mid", "bottom"), service("bottom"),
		}, 3, 0, 0},
	}
	for _, tt := range tests {
		s := describe.Summarize(compile(t, &pb.Model{Vertices: tt.vertices}))
		if s.Depth != tt.depth || s.Cycles != tt.cycles || s.LargestCycle != tt.largest {
			t.Errorf("%s: depth %d, cycles %d, largest %d; want %d, %d, %d", tt.name,
				s.Depth, s.Cycles, s.LargestCycle, tt.depth, tt.cycles, tt.largest)
		}
	}
}

// TestSummarizeDeepChain runs on a chain far deeper than a recursive
// search could go.
func TestSummarizeDeepChain(t *testing.T) {
	const n = 300_000
	m, err := gen.Generate(gen.KindTree, gen.Options{Vertices: n, Seed: 1, Fanout: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := describe.Summarize(compile(t, m))
	if s.Depth != n-1 || s.Cycles != 0 || s.FanOut.Max != 1 || s.Targets != 1 {
		t.Errorf("chain of %d: %+v", n, s)
	}
}

func TestSummarizeNamedTargets(t *testing.T) {
	m := shop()
	m.Targets = []string{"cart", "catalog"}
	s := describe.Summarize(compile(t, m))
	if s.Targets != 2 || s.DefaultTargets {
		t.Errorf("targets %d, default %v; want 2 named", s.Targets, s.DefaultTargets)
	}
}

func TestSummarizeSupervisionDiamond(t *testing.T) {
	m := &pb.Model{Vertices: []*pb.Vertex{
		service("a"), service("b"),
		supervisor("low", "a"), supervisor("mid", "low"),
		supervisor("top", "mid", "low", "b"),
	}}
	if d := describe.Summarize(compile(t, m)).SupervisionDepth; d != 3 {
		t.Errorf("supervision depth %d, want 3 (top -> mid -> low -> a)", d)
	}
}

// TestSummarizeLayered checks a generated model against what its
// generator promises: frontends, tiers, databases and racks give a depth
// of tiers + 2, and supervisors and hosts are all there.
func TestSummarizeLayered(t *testing.T) {
	for _, tiers := range []int{2, 4, 6} {
		o := gen.Options{Vertices: 5000, Seed: 3, Tiers: tiers}
		m, err := gen.Generate(gen.KindLayered, o)
		if err != nil {
			t.Fatal(err)
		}
		g := compile(t, m)
		s := describe.Summarize(g)
		if s.Depth != tiers+2 || s.Cycles != 0 {
			t.Errorf("%d tiers: depth %d, cycles %d; want %d, 0", tiers, s.Depth, s.Cycles,
				tiers+2)
		}
		k := s.Kinds
		if k.Services+k.Supervisors+k.VMHosts != s.Vertices || k.Supervisors == 0 ||
			k.VMHosts == 0 || s.ReplicaSets == 0 || s.SupervisionDepth < 2 {
			t.Errorf("%d tiers: %+v", tiers, s)
		}
		if s.Edges.Depends != len(g.In) || s.FanIn.Mean != s.FanOut.Mean {
			t.Errorf("%d tiers: edges %+v, fan-in %+v, fan-out %+v", tiers, s.Edges,
				s.FanIn, s.FanOut)
		}
	}
}

func TestJSONFieldNames(t *testing.T) {
	b, err := json.Marshal(describe.Summarize(compile(t, shop())))
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "vertices", "kinds", "edges", "instances",
		"replicaSets", "depth", "cycles", "largestCycle", "fanIn", "fanOut", "targets",
		"defaultTargets", "supervisionDepth", "vmCapacity"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if fan := fields["fanOut"].(map[string]any); fan["maxId"] != "db" {
		t.Errorf("fanOut = %v, want maxId db", fan)
	}
}

func TestWriteTextAligned(t *testing.T) {
	var b bytes.Buffer
	if err := describe.Summarize(compile(t, shop())).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	for _, l := range lines {
		if got, want := valueColumn(l), valueColumn(lines[0]); got != want {
			t.Errorf("value of %q starts at column %d, want %d", l, got, want)
		}
	}
	for _, want := range []string{"fan-out", "max 2 (db), mean 0.50", "5 slots"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}

// valueColumn is where the value of a text line starts: after the first
// run of two or more spaces that follows the label.
func valueColumn(l string) int {
	start := len(l) - len(strings.TrimLeft(l, " "))
	gap := start + strings.Index(l[start:], "  ")
	return len(l) - len(strings.TrimLeft(l[gap:], " "))
}

func ExampleSummary_WriteText() {
	m, _ := gen.Generate(gen.KindTree, gen.Options{Vertices: 100, Seed: 1})
	g, _ := model.Compile(m)
	describe.Summarize(g).WriteText(os.Stdout)
	// Output:
	// name               tree-100-seed1
	// vertices           100
	//   services         100
	//   supervisors      0
	//   vm hosts         0
	// instances          100 (0 replica sets)
	// edges              99
	//   depends          99
	//   supervises       0
	//   hosts            0
	//   control links    0
	// depth              4 edges
	// cycles             none
	// fan-in             max 1 (svc-1), mean 0.99
	// fan-out            max 5 (svc-2), mean 0.99
	// targets            66 (default: the services nothing depends on)
	// supervision depth  0
	// vm capacity        0 slots
}

// BenchmarkSummarize1M summarises a compiled million-vertex layered
// model; loading it is not timed.
func BenchmarkSummarize1M(b *testing.B) {
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: 1_000_000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	g, err := model.Compile(m)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if s := describe.Summarize(g); s.Vertices != 1_000_000 {
			b.Fatalf("%d vertices", s.Vertices)
		}
	}
}
