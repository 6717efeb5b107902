package export_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/analysis"
	"github.com/homeostat/homeostat/export"
	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// scramReport is the part of SCRAM's XML report the tests read.
type scramReport struct {
	Products []struct {
		Name        string  `xml:"name,attr"`
		Probability float64 `xml:"probability,attr"`
	} `xml:"results>sum-of-products"`
	Importance []struct {
		Name   string `xml:"name,attr"`
		Events []struct {
			Name string  `xml:"name,attr"`
			MIF  float64 `xml:"MIF,attr"`
			DIF  float64 `xml:"DIF,attr"`
		} `xml:"basic-event"`
	} `xml:"results>importance"`
}

// scram validates and analyses a MEF file with Debian's scram, exactly
// (BDD), and returns its report. The check is part of the contract, so
// a missing scram fails the test instead of skipping it.
func scram(t *testing.T, mef []byte, importance bool) *scramReport {
	t.Helper()
	bin, err := exec.LookPath("scram")
	if err != nil {
		t.Fatalf("scram is not installed (%v): install Debian's scram "+
			"(apt-get install -y scram); .ci/run does", err)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "tree.xml"), filepath.Join(dir, "report.xml")
	if err := os.WriteFile(in, mef, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(bin, "--validate", in).CombinedOutput(); err != nil {
		t.Fatalf("scram --validate: %v\n%s\n%s", err, b, mef)
	}
	args := []string{"--bdd", "--probability", "true", in, "-o", out}
	if importance {
		args = append(args, "--importance", "true")
	}
	if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("scram: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep scramReport
	if err := xml.Unmarshal(data, &rep); err != nil {
		t.Fatalf("scram report: %v", err)
	}
	return &rep
}

func (r *scramReport) probability(t *testing.T, top string) float64 {
	t.Helper()
	for _, p := range r.Products {
		if p.Name == top {
			return p.Probability
		}
	}
	t.Fatalf("scram reported no top event %q", top)
	return 0
}

// sameAsScram compares with SCRAM's figures, printed to six significant
// digits.
func sameAsScram(ours, theirs float64) bool {
	return math.Abs(ours-theirs) <= 1e-5*math.Abs(ours)+1e-12
}

func mefOf(t *testing.T, g *model.Graph, opt export.MEFOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := export.WriteMEF(&b, g, opt); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mefCompile(t *testing.T, m *pb.Model) *model.Graph {
	t.Helper()
	g, err := model.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func mefDep(id string, q, w float64) *pb.Dependency {
	return &pb.Dependency{Id: id, Probability: proto.Float64(q), Weight: proto.Float64(w)}
}

func mefUnavail(u float64) *pb.Failure {
	return &pb.Failure{Model: &pb.Failure_Unavailability{Unavailability: u}}
}

// mefShop has every construct a fault tree can hold: replica sets with a
// quorum, k_of_n, weighted and unit thresholds, a threshold fraction,
// uncertain edges, a VM host, a supervisor and two targets.
func mefShop() *pb.Model {
	return &pb.Model{Name: "shop.v1", Targets: []string{"front end", "admin"},
		Vertices: []*pb.Vertex{
			{Id: "front end", Replicas: 3, Quorum: 2, Failure: mefUnavail(0.02),
				DependsOn: []*pb.Dependency{mefDep("catalog", 1, 1), mefDep("cart", 0.3, 1)}},
			{Id: "catalog", Failure: mefUnavail(0.001),
				DependsOn: []*pb.Dependency{mefDep("db-1", 1, 1),
					mefDep("db-2", 1, 1), mefDep("db-3", 0.9, 1)},
				Gate: &pb.Gate{Kind: &pb.Gate_KOfN{KOfN: 2}}},
			{Id: "cart", HostedOn: "vm", Failure: mefUnavail(0.005),
				DependsOn: []*pb.Dependency{mefDep("db-1", 1, 0.5),
					mefDep("db-2", 0.5, 1.5), mefDep("cache", 1, 2)},
				Gate: &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: 2}}},
			{Id: "admin", Failure: mefUnavail(0.01),
				DependsOn: []*pb.Dependency{mefDep("db-1", 1, 1), mefDep("cache", 1, 1)},
				Gate:      &pb.Gate{Kind: &pb.Gate_ThresholdFraction{ThresholdFraction: 0.5}}},
			{Id: "db-1", Failure: mefUnavail(0.03)},
			{Id: "db-2", Failure: mefUnavail(0.04)},
			{Id: "db-3", Replicas: 2, Failure: mefUnavail(0.1)},
			{Id: "cache", Failure: mefUnavail(0.05)},
			{Id: "vm", Kind: pb.Kind_KIND_VMHOST, Failure: mefUnavail(0.002)},
			{Id: "sup", Kind: pb.Kind_KIND_SUPERVISOR,
				Supervisor: &pb.Supervisor{Supervises: []string{"catalog"}}},
		}}
}

// mefRandom draws an acyclic model: each vertex depends on some earlier
// ones, through every gate kind, with uncertain and weighted edges.
func mefRandom(r *rand.Rand) *pb.Model {
	n := 3 + r.IntN(10)
	m := &pb.Model{Name: "random"}
	for i := 0; i < n; i++ {
		v := &pb.Vertex{Id: fmt.Sprintf("v%d", i), Failure: mefUnavail(r.Float64() / 4)}
		if r.IntN(4) == 0 {
			v.Replicas = uint32(2 + r.IntN(3))
			v.Quorum = uint32(1 + r.IntN(int(v.Replicas)))
		}
		for j := 0; j < i; j++ {
			if r.IntN(3) == 0 {
				q := []float64{1, 1, 0.5, r.Float64(), 0}[r.IntN(5)]
				w := []float64{1, 1, 2, 0.5, 1.5}[r.IntN(5)]
				v.DependsOn = append(v.DependsOn, mefDep(fmt.Sprintf("v%d", j), q, w))
			}
		}
		v.Gate = mefRandomGate(r, len(v.DependsOn))
		m.Vertices = append(m.Vertices, v)
	}
	return m
}

func mefRandomGate(r *rand.Rand, n int) *pb.Gate {
	switch r.IntN(5) {
	case 0:
		return &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}
	case 1:
		return &pb.Gate{Kind: &pb.Gate_KOfN{KOfN: uint32(1 + r.IntN(max(1, n)))}}
	case 2:
		return &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: 0.5 + float64(r.IntN(2*n+1))/2}}
	case 3:
		return &pb.Gate{Kind: &pb.Gate_ThresholdFraction{ThresholdFraction: 0.25 + r.Float64()/2}}
	}
	return nil
}

func generated(t *testing.T, n int, plain bool) *model.Graph {
	t.Helper()
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: n, Seed: 3, Plain: plain})
	if err != nil {
		t.Fatal(err)
	}
	return mefCompile(t, m)
}

// TestMEFAgreesWithScram is the acceptance check: SCRAM's exact top
// event probability of the exported tree equals Homeostat's exact answer.
func TestMEFAgreesWithScram(t *testing.T) {
	graphs := map[string]*model.Graph{
		"shop":           mefCompile(t, mefShop()),
		"layered-200":    generated(t, 200, false),
		"plain-layered":  generated(t, 300, true),
		"layered-larger": generated(t, 600, false),
	}
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 12; i++ {
		graphs[fmt.Sprintf("random-%d", i)] = mefCompile(t, mefRandom(r))
	}
	for name, g := range graphs {
		t.Run(name, func(t *testing.T) {
			ex, err := analysis.Exact(g, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := scram(t, mefOf(t, g, export.MEFOptions{}), false).
				probability(t, export.MEFSystemGate)
			if !sameAsScram(ex.System, got) {
				t.Errorf("system: homeostat %.10g, scram %.6g", ex.System, got)
			}
		})
	}
}

// TestMEFEveryVertexAndImportance compares every vertex's probability
// (through the pass-through tops) and the importances of the basic
// events that stand for a vertex.
func TestMEFEveryVertexAndImportance(t *testing.T) {
	for name, g := range map[string]*model.Graph{
		"shop":   mefCompile(t, mefShop()),
		"random": mefCompile(t, mefRandom(rand.New(rand.NewPCG(4, 2)))),
	} {
		t.Run(name, func(t *testing.T) {
			ex, err := analysis.Exact(g, 0)
			if err != nil {
				t.Fatal(err)
			}
			rep := scram(t, mefOf(t, g, export.MEFOptions{PerVertex: true}), true)
			for v, id := range g.IDs {
				top := "top-" + strings.ReplaceAll(id, " ", "_")
				if got := rep.probability(t, top); !sameAsScram(ex.Down[v], got) {
					t.Errorf("%s: homeostat %.10g, scram %.6g", id, ex.Down[v], got)
				}
			}
			checkImportance(t, g, ex, rep)
		})
	}
}

func checkImportance(t *testing.T, g *model.Graph, ex *analysis.ExactResult,
	rep *scramReport) {
	t.Helper()
	checked := 0
	for _, imp := range rep.Importance {
		if imp.Name != export.MEFSystemGate {
			continue
		}
		for _, e := range imp.Events {
			id := strings.ReplaceAll(strings.TrimSuffix(e.Name, "-fails"), "_", " ")
			v, ok := g.Index[id]
			if !ok || g.Replicas(v) > 1 {
				continue // an edge's draw or a replica instance
			}
			if !sameAsScram(ex.Birnbaum[v], e.MIF) ||
				!sameAsScram(ex.FussellVesely[v], e.DIF) {
				t.Errorf("%s: birnbaum %g fussell-vesely %g, scram MIF %g DIF %g",
					id, ex.Birnbaum[v], ex.FussellVesely[v], e.MIF, e.DIF)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Error("no importance compared")
	}
}

func TestMEFRefusesCycles(t *testing.T) {
	m := &pb.Model{Targets: []string{"a"}, Vertices: []*pb.Vertex{
		{Id: "a", DependsOn: []*pb.Dependency{{Id: "b"}}},
		{Id: "b", DependsOn: []*pb.Dependency{{Id: "a"}}},
	}}
	err := export.WriteMEF(&bytes.Buffer{}, mefCompile(t, m), export.MEFOptions{})
	if !errors.Is(err, export.ErrMEFCycle) {
		t.Fatalf("err = %v, want ErrMEFCycle", err)
	}
}

func TestMEFNamesAreValidAndUnique(t *testing.T) {
	m := &pb.Model{Vertices: []*pb.Vertex{
		{Id: "a.b", Failure: mefUnavail(0.1)},
		{Id: "a_b", Failure: mefUnavail(0.2),
			DependsOn: []*pb.Dependency{{Id: "a.b"}, {Id: "9lives"}, {Id: "--x--"}}},
		{Id: "9lives", Failure: mefUnavail(0.3)},
		{Id: "--x--", Failure: mefUnavail(0.4)},
	}}
	g := mefCompile(t, m)
	out := mefOf(t, g, export.MEFOptions{})
	names := map[string]int{}
	for _, line := range strings.Split(string(out), "\n") {
		if i := strings.Index(line, `<define-`); i >= 0 {
			if j := strings.Index(line, `name="`); j >= 0 {
				name := line[j+6:]
				names[name[:strings.IndexByte(name, '"')]]++
			}
		}
	}
	for name, n := range names {
		if n > 1 {
			t.Errorf("name %q defined %d times", name, n)
		}
	}
	ex, _ := analysis.Exact(g, 0)
	got := scram(t, out, false).probability(t, export.MEFSystemGate)
	if !sameAsScram(ex.System, got) {
		t.Errorf("system: homeostat %g, scram %g", ex.System, got)
	}
}

type mefBrokenWriter struct{}

var errMEFBroken = errors.New("disk full")

func (mefBrokenWriter) Write([]byte) (int, error) { return 0, errMEFBroken }

func TestMEFWriteError(t *testing.T) {
	err := export.WriteMEF(mefBrokenWriter{}, mefCompile(t, mefShop()), export.MEFOptions{})
	if !errors.Is(err, errMEFBroken) {
		t.Fatalf("err = %v, want the writer's error", err)
	}
}

func TestMEFFloatsRoundTrip(t *testing.T) {
	m := &pb.Model{Vertices: []*pb.Vertex{{Id: "a", Failure: mefUnavail(1.0 / 3)}}}
	out := string(mefOf(t, mefCompile(t, m), export.MEFOptions{}))
	want := `<float value="` + strconv.FormatFloat(1.0/3, 'g', -1, 64) + `"/>`
	if !strings.Contains(out, want) {
		t.Errorf("output lacks %s:\n%s", want, out)
	}
}
