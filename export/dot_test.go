package export_test

import (
	"bytes"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/export"
	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// dotGraph is what the tests read back from DOT text.
type dotGraph struct {
	name  string
	nodes map[string]map[string]string // id -> attributes
	edges []dotEdge
}

type dotEdge struct {
	from, to string
	attrs    map[string]string
}

var (
	headerLine = regexp.MustCompile(`^digraph ("(?:[^"\\]|\\.)*") \{$`)
	nodeLine   = regexp.MustCompile(`^\t("(?:[^"\\]|\\.)*") \[(.*)\];$`)
	edgeLine   = regexp.MustCompile(
		`^\t("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*")(?: \[(.*)\])?;$`)
	attrPair = regexp.MustCompile(`^([a-z]+)=("(?:[^"\\]|\\.)*"|[^,"]+)(?:, |$)`)
)

// parseDOT reads the subset of DOT that WriteDOT writes, failing the test
// on any line it does not recognise.
func parseDOT(t *testing.T, text string) dotGraph {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	h := headerLine.FindStringSubmatch(lines[0])
	if h == nil || lines[len(lines)-1] != "}" {
		t.Fatalf("not a digraph:\n%s", text)
	}
	g := dotGraph{name: unquote(h[1]), nodes: map[string]map[string]string{}}
	for _, l := range lines[1 : len(lines)-1] {
		if e := edgeLine.FindStringSubmatch(l); e != nil {
			g.edges = append(g.edges, dotEdge{unquote(e[1]), unquote(e[2]), attrs(t, e[3])})
		} else if n := nodeLine.FindStringSubmatch(l); n != nil {
			g.nodes[unquote(n[1])] = attrs(t, n[2])
		} else if !strings.HasPrefix(l, "\trankdir=") && !strings.HasPrefix(l, "\tnode [") &&
			!strings.HasPrefix(l, "\tedge [") {
			t.Fatalf("unexpected line %q", l)
		}
	}
	return g
}

func attrs(t *testing.T, s string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for s != "" {
		p := attrPair.FindStringSubmatch(s)
		if p == nil {
			t.Fatalf("bad attributes %q", s)
		}
		m[p[1]] = unquote(p[2])
		s = s[len(p[0]):]
	}
	return m
}

// unquote undoes DOT quoting: \" and \\ stand for themselves, \n for a
// line break.
func unquote(s string) string {
	if !strings.HasPrefix(s, `"`) {
		return s
	}
	return strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\n`, "\n").Replace(s[1 : len(s)-1])
}

func dep(id string) *pb.Dependency { return &pb.Dependency{Id: id} }

const oddID = `odd "quoted" \ id`

// cluster has every construct WriteDOT draws.
func cluster() *pb.Model {
	return &pb.Model{
		Name: "shop",
		Vertices: []*pb.Vertex{
			{Id: "front", Replicas: 3, Quorum: 2, DependsOn: []*pb.Dependency{
				dep("catalog"),
				{Id: "cart", Probability: proto.Float64(0.3), Delay: proto.Int64(2)},
			}},
			{Id: "catalog", DependsOn: []*pb.Dependency{dep("db-a"), dep("db-b"), dep("db-c")},
				Gate: &pb.Gate{Kind: &pb.Gate_KOfN{KOfN: 2}}},
			{Id: "cart", HostedOn: "vm-1", DependsOn: []*pb.Dependency{
				{Id: "db-a", Weight: proto.Float64(2)}, dep("db-b")},
				Gate: &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: 1.5}}},
			{Id: "db-a", DependsOn: []*pb.Dependency{dep(oddID)},
				Gate: &pb.Gate{Kind: &pb.Gate_ThresholdFraction{ThresholdFraction: 0.5}}},
			{Id: "db-b", DependsOn: []*pb.Dependency{dep(oddID)},
				Gate: &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}},
			{Id: "db-c"},
			{Id: oddID},
			{Id: "web-sup", Kind: pb.Kind_KIND_SUPERVISOR, Supervisor: &pb.Supervisor{
				Supervises: []string{"front", "catalog"}, Strategy: pb.Strategy_STRATEGY_REPLICAS}},
			{Id: "root", Kind: pb.Kind_KIND_SUPERVISOR, Supervisor: &pb.Supervisor{
				Supervises: []string{"web-sup"}}},
			{Id: "vm-1", Kind: pb.Kind_KIND_VMHOST, Vmhost: &pb.VMHost{Capacity: 4}},
		},
		ControlPlane: &pb.ControlPlane{
			Default: &pb.Link{Latency: 1},
			Links: []*pb.Link{{Between: []string{"web-sup", "vm-1"}, Latency: 3,
				Loss: 0.01}},
		},
	}
}

func writeDOT(t *testing.T, m *pb.Model) (*model.Graph, string) {
	t.Helper()
	g, err := model.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := export.WriteDOT(&b, g); err != nil {
		t.Fatal(err)
	}
	return g, b.String()
}

func TestDOTVertices(t *testing.T) {
	_, text := writeDOT(t, cluster())
	checkWithGraphviz(t, text)
	d := parseDOT(t, text)
	tests := []struct {
		id, shape string
		label     []string // label lines
	}{
		{"front", "box", []string{"front", "×3 (quorum 2)"}},
		{"catalog", "box", []string{"catalog", "2 of 3"}},
		{"cart", "box", []string{"cart", "≥1.5"}},
		{"db-a", "box", []string{"db-a", "≥50%"}},
		{"db-b", "box", []string{"db-b", "any"}},
		{"db-c", "box", []string{"db-c"}},
		{oddID, "box", []string{oddID}},
		{"web-sup", "doubleoctagon", []string{"web-sup", "replicas"}},
		{"root", "doubleoctagon", []string{"root", "one_for_one"}},
		{"vm-1", "box3d", []string{"vm-1", "4 slots"}},
	}
	if d.name != "shop" || len(d.nodes) != len(tests) {
		t.Errorf("graph %q with %d nodes, want shop with %d", d.name, len(d.nodes), len(tests))
	}
	for _, tt := range tests {
		a, ok := d.nodes[tt.id]
		switch {
		case !ok:
			t.Errorf("no node %q", tt.id)
		case a["shape"] != tt.shape:
			t.Errorf("%q: shape %q, want %q", tt.id, a["shape"], tt.shape)
		case a["label"] != strings.Join(tt.label, "\n"):
			t.Errorf("%q: label %q, want %q", tt.id, a["label"], tt.label)
		}
	}
}

func TestDOTEdges(t *testing.T) {
	_, text := writeDOT(t, cluster())
	d := parseDOT(t, text)
	const (
		depends    = ""
		supervises = "style=dashed color=blue constraint=false"
		hosts      = "style=dotted color=grey constraint=false"
		control    = "style=bold color=green dir=none constraint=false"
	)
	want := []struct {
		from, to, style, label string
	}{
		{"catalog", "front", depends, ""},
		{"cart", "front", depends, "p=0.3 d=2s"},
		{"db-a", "catalog", depends, ""},
		{"db-b", "catalog", depends, ""},
		{"db-c", "catalog", depends, ""},
		{"db-a", "cart", depends, "w=2"},
		{"db-b", "cart", depends, ""},
		{oddID, "db-a", depends, ""},
		{oddID, "db-b", depends, ""},
		{"web-sup", "front", supervises, ""},
		{"web-sup", "catalog", supervises, ""},
		{"root", "web-sup", supervises, ""},
		{"vm-1", "cart", hosts, ""},
		{"web-sup", "vm-1", control, "3s, loss 0.01"},
	}
	if len(d.edges) != len(want) {
		t.Fatalf("%d edges, want %d:\n%s", len(d.edges), len(want), text)
	}
	for i, w := range want {
		e := d.edges[i]
		if e.from != w.from || e.to != w.to || style(e.attrs) != w.style ||
			e.attrs["label"] != w.label {
			t.Errorf("edge %d: %s -> %s %v, want %s -> %s [%s] label %q",
				i, e.from, e.to, e.attrs, w.from, w.to, w.style, w.label)
		}
	}
}

// style lists an edge's attributes other than its label, in a fixed order.
func style(a map[string]string) string {
	var parts []string
	for _, k := range []string{"style", "color", "dir", "constraint"} {
		if v, ok := a[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

// TestDOTGenerated checks a generated model: a node for every vertex, an
// edge for every edge of each kind, both ends known, the same text twice.
func TestDOTGenerated(t *testing.T) {
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: 2000, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	g, text := writeDOT(t, m)
	if _, again := writeDOT(t, m); again != text {
		t.Error("two writes of one graph differ")
	}
	d := parseDOT(t, text)
	if len(d.nodes) != g.N() {
		t.Errorf("%d nodes, want %d", len(d.nodes), g.N())
	}
	counts := map[string]int{}
	for _, e := range d.edges {
		if d.nodes[e.from] == nil || d.nodes[e.to] == nil {
			t.Fatalf("edge %s -> %s has an unknown end", e.from, e.to)
		}
		counts[e.attrs["style"]]++
	}
	hosted := 0
	for _, h := range g.HostedOn {
		if h >= 0 {
			hosted++
		}
	}
	links := len(m.GetControlPlane().GetLinks())
	want := map[string]int{"": len(g.In), "dashed": len(g.Children), "dotted": hosted,
		"bold": links}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%d edges of style %q, want %d", counts[k], k, n)
		}
	}
	checkWithGraphviz(t, text)
}

// checkWithGraphviz lays the graph out with dot when Graphviz is
// installed; without it the structural checks above stand alone.
func checkWithGraphviz(t *testing.T, text string) {
	t.Helper()
	path, err := exec.LookPath("dot")
	if err != nil {
		return
	}
	cmd := exec.Command(path, "-Tsvg", "-o", "/dev/null")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("dot rejects the output: %v\n%s", err, out)
	}
}

// failingWriter fails every write.
type failingWriter struct{}

var errBroken = errors.New("broken pipe")

func (failingWriter) Write([]byte) (int, error) { return 0, errBroken }

func TestDOTWriteError(t *testing.T) {
	g, err := model.Compile(cluster())
	if err != nil {
		t.Fatal(err)
	}
	if err := export.WriteDOT(failingWriter{}, g); !errors.Is(err, errBroken) {
		t.Errorf("WriteDOT = %v, want %v", err, errBroken)
	}
}
