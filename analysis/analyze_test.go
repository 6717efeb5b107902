package analysis

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// shop is a small acyclic model with a cut set of two.
func shop() *pb.Model {
	any := &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}
	return &pb.Model{Name: "shop", Vertices: []*pb.Vertex{
		svc("web", 0.01, "app"),
		svc("app", 0.02, "db", "cache"),
		{Id: "db", Gate: any, Failure: unavail(0.001),
			DependsOn: deps("disk-a", "disk-b")},
		svc("cache", 0.05),
		svc("disk-a", 0.1), svc("disk-b", 0.1),
	}}
}

func TestAnalyzeMethods(t *testing.T) {
	g := compile(t, shop())
	ctx := context.Background()
	exact, err := Analyze(ctx, g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if exact.Method != MethodExact || exact.Fallback != "" {
		t.Fatalf("auto on a small model: method %q, fallback %q", exact.Method, exact.Fallback)
	}
	fell, err := Analyze(ctx, g, Options{BDDNodes: 5, Samples: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	if fell.Method != MethodMonteCarlo || !strings.Contains(fell.Fallback, "budget") {
		t.Errorf("tiny budget: method %q, fallback %q", fell.Method, fell.Fallback)
	}
	if s := fell.System; s.Lo > exact.System.P || s.Hi < exact.System.P {
		t.Errorf("monte carlo [%g, %g] misses the exact %g", s.Lo, s.Hi, exact.System.P)
	}
	_, err = Analyze(ctx, g, Options{Method: MethodExact, BDDNodes: 5})
	if !errors.Is(err, ErrBudget) {
		t.Errorf("exact over budget: err = %v, want ErrBudget", err)
	}
}

func TestAnalyzeStructure(t *testing.T) {
	r, err := Analyze(context.Background(), compile(t, shop()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := r.Report()
	if got := strings.Join(rep.SinglePointsOfFailure, " "); got != "web app db cache" {
		t.Errorf("single points %q, want web app db cache", got)
	}
	found := false
	for _, c := range rep.CutSets {
		found = found || strings.Join(c, " ") == "disk-a disk-b"
	}
	if !found {
		t.Errorf("cut sets %v lack {disk-a, disk-b}", rep.CutSets)
	}
	if *rep.Vertices[2].BlastRadius != 2 { // db takes app and web
		t.Errorf("blast radius of db = %d, want 2", *rep.Vertices[2].BlastRadius)
	}
	// The disks are down most often; equal, so by id.
	if w := r.Worst(); r.Graph.IDs[w[0]] != "disk-a" || r.Graph.IDs[w[2]] != "web" {
		t.Errorf("worst vertices %v, want disk-a, disk-b, web first", r.ids(w))
	}
}

// TestReportJSONContract decodes the JSON the way a script would and
// checks the fields the issue promises.
func TestReportJSONContract(t *testing.T) {
	for _, method := range []Method{MethodExact, MethodMonteCarlo} {
		r, err := Analyze(context.Background(), compile(t, shop()),
			Options{Method: method, Samples: 1 << 14})
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(r.Report())
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Method string
			System struct {
				Unavailability float64
				CI95           []float64
			}
			Vertices []map[string]any
			CutSets  [][]string
			SPOF     []string `json:"singlePointsOfFailure"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Method != string(method) || len(doc.System.CI95) != 2 ||
			len(doc.Vertices) != 6 || len(doc.CutSets) != 5 || len(doc.SPOF) != 4 {
			t.Fatalf("%s: contract broken: %s", method, data)
		}
		if method == MethodExact && (doc.System.CI95[0] != doc.System.Unavailability ||
			doc.System.CI95[1] != doc.System.Unavailability) {
			t.Errorf("exact ci95 %v is not the value %g", doc.System.CI95,
				doc.System.Unavailability)
		}
		for _, key := range []string{"id", "unavailability", "ci95", "birnbaum",
			"fussellVesely", "blastRadius"} {
			if _, ok := doc.Vertices[0][key]; !ok {
				t.Errorf("%s: vertex lacks %q: %v", method, key, doc.Vertices[0])
			}
		}
	}
}

func TestOptions(t *testing.T) {
	for _, s := range []string{"auto", "exact", "mc", "monte-carlo"} {
		if _, err := ParseMethod(s); err != nil {
			t.Errorf("ParseMethod(%q): %v", s, err)
		}
	}
	if _, err := ParseMethod("guess"); !errors.Is(err, ErrOptions) {
		t.Errorf("ParseMethod(guess): err = %v", err)
	}
	g := compile(t, shop())
	for _, o := range []Options{{CutOrder: -1}, {Samples: -5}, {Method: "x"}} {
		if _, err := Analyze(context.Background(), g, o); !errors.Is(err, ErrOptions) {
			t.Errorf("%+v: err = %v, want ErrOptions", o, err)
		}
	}
}

func TestNegativeWeightRefused(t *testing.T) {
	m := &pb.Model{Vertices: []*pb.Vertex{svc("a", 0.1), {Id: "b",
		DependsOn: []*pb.Dependency{{Id: "a", Weight: proto.Float64(-1)}},
		Gate:      &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: 1}}}}}
	_, err := Analyze(context.Background(), compile(t, m), Options{})
	if !errors.Is(err, ErrWeight) {
		t.Errorf("err = %v, want ErrWeight", err)
	}
}

func TestMonteCarloCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := MonteCarlo(ctx, compile(t, shop()), 1<<20, 1, 1)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestMonteCarloNaNImportanceIsNull(t *testing.T) {
	m := &pb.Model{Vertices: []*pb.Vertex{svc("top", 0.5, "never"), svc("never", 0)}}
	r, err := Analyze(context.Background(), compile(t, m),
		Options{Method: MethodMonteCarlo, Samples: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(r.Vertices[1].Birnbaum) || r.Report().Vertices[1].Birnbaum != nil {
		t.Errorf("a vertex never down has birnbaum %g", r.Vertices[1].Birnbaum)
	}
}
