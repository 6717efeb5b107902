package analysis

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// interesting draws random models whose system is neither never nor
// always down, so that their intervals say something.
func interesting(t *testing.T, r *rand.Rand, count int) []*model.Graph {
	t.Helper()
	var gs []*model.Graph
	for len(gs) < count {
		g := compile(t, randomModel(r, 14))
		ex, err := Exact(g, 0)
		if err != nil {
			t.Fatal(err)
		}
		if ex.System > 0.01 && ex.System < 0.99 {
			gs = append(gs, g)
		}
	}
	return gs
}

// TestMonteCarloCalibration checks that the 95 % intervals contain the
// exact answer at least 95 % of the time, and not so much more often
// that they would be uselessly wide. Clopper-Pearson intervals are
// conservative, so the rate sits a little above 95 %.
func TestMonteCarloCalibration(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	covered, total := 0, 0
	for _, g := range interesting(t, r, 30) {
		ex, _ := Exact(g, 0)
		for seed := uint64(0); seed < 60; seed++ {
			mc, err := MonteCarlo(context.Background(), g, 2048, seed, 2)
			if err != nil {
				t.Fatal(err)
			}
			check := func(e Estimate, p float64) {
				if p <= 0 || p >= 1 {
					return
				}
				total++
				if e.Lo <= p && p <= e.Hi {
					covered++
				}
			}
			check(mc.System, ex.System)
			for v, p := range ex.Down {
				check(mc.Down[v], p)
			}
		}
	}
	rate := float64(covered) / float64(total)
	t.Logf("coverage %d of %d = %.4f", covered, total, rate)
	if rate < 0.94 || rate > 0.985 {
		t.Errorf("coverage %.4f of %d intervals, want about 0.95-0.98", rate, total)
	}
}

// TestMonteCarloRareEvents checks the intervals where the normal
// approximation fails: a probability so small that most runs see no hit.
func TestMonteCarloRareEvents(t *testing.T) {
	m := svcModel(svc("a", 1e-4))
	g := compile(t, m)
	covered := 0
	const runs = 200
	for seed := uint64(0); seed < runs; seed++ {
		mc, err := MonteCarlo(context.Background(), g, 4096, seed, 1)
		if err != nil {
			t.Fatal(err)
		}
		if mc.System.Hits == 0 && mc.System.Hi < 1e-4 {
			t.Fatalf("no hits gives upper bound %g below the truth", mc.System.Hi)
		}
		if mc.System.Lo <= 1e-4 && 1e-4 <= mc.System.Hi {
			covered++
		}
	}
	if covered < runs*95/100 {
		t.Errorf("rare event covered in %d of %d runs", covered, runs)
	}
}

func TestMonteCarloDeterministic(t *testing.T) {
	g := interesting(t, rand.New(rand.NewPCG(7, 8)), 1)[0]
	run := func(seed uint64, workers int) *MCResult {
		mc, err := MonteCarlo(context.Background(), g, 100_000, seed, workers)
		if err != nil {
			t.Fatal(err)
		}
		return mc
	}
	a, b, c := run(1, 1), run(1, 3), run(2, 2)
	if !reflect.DeepEqual(a.Down, b.Down) || a.System != b.System {
		t.Error("same seed, different worker counts: different answers")
	}
	if reflect.DeepEqual(a.Down, c.Down) {
		t.Error("different seeds gave identical answers")
	}
	if a.Samples != 100_096 {
		t.Errorf("samples = %d, want 100096 (rounded up to blocks)", a.Samples)
	}
}

// TestMonteCarloImportance holds the sampled importances to the exact
// ones on a model with a cycle, replicas and a 2-of-3 gate.
func TestMonteCarloImportance(t *testing.T) {
	g := interesting(t, rand.New(rand.NewPCG(9, 10)), 1)[0]
	ex, _ := Exact(g, 0)
	mc, err := MonteCarlo(context.Background(), g, 1<<20, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	for v := range ex.Down {
		if b := mc.Birnbaum[v]; !math.IsNaN(b) && math.Abs(b-ex.Birnbaum[v]) > 0.01 {
			t.Errorf("%s: birnbaum %g, exact %g", g.IDs[v], b, ex.Birnbaum[v])
		}
		if f := mc.FussellVesely[v]; math.Abs(f-ex.FussellVesely[v]) > 0.01 {
			t.Errorf("%s: fussell-vesely %g, exact %g", g.IDs[v], f, ex.FussellVesely[v])
		}
	}
}

// TestMonteCarloUnbiased holds long runs to a tight band around the
// truth, for both ways of drawing: Bernoulli words (p >= 1/128) and
// geometric gaps (rarer), and for an uncertain edge.
func TestMonteCarloUnbiased(t *testing.T) {
	for _, u := range []float64{0.3, 1.0 / 128, 0.004, 3e-5} {
		m := svcModel(svc("top", 0, "mid"), svc("mid", 0), svc("leaf", u))
		m.Vertices[1].DependsOn = []*pb.Dependency{
			{Id: "leaf", Probability: proto.Float64(0.6)}}
		g := compile(t, m)
		mc, err := MonteCarlo(context.Background(), g, 1<<22, 11, 2)
		if err != nil {
			t.Fatal(err)
		}
		for v, want := range []float64{0.6 * u, 0.6 * u, u} {
			got := mc.Down[v].P
			sd := math.Sqrt(want * (1 - want) / float64(mc.Samples))
			if math.Abs(got-want) > 4*sd {
				t.Errorf("u=%g %s: %g, want %g within %g", u, g.IDs[v], got, want, 4*sd)
			}
		}
	}
}
