package sim

import (
	"context"
	"math"
	"testing"

	"github.com/homeostat/homeostat/analysis"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

func exponential(mttf, mttr int64) (*pb.Failure, *pb.Repair) {
	return &pb.Failure{Model: &pb.Failure_Exponential{Exponential: &pb.Exponential{Mttf: mttf}}},
		&pb.Repair{Model: &pb.Repair_Exponential{Exponential: &pb.ExponentialRepair{Mttr: mttr}}}
}

// service is a self-repairing service with exponential failure and repair.
func service(id string, mttf, mttr int64, deps ...*pb.Dependency) *pb.Vertex {
	f, r := exponential(mttf, mttr)
	return &pb.Vertex{Id: id, Failure: f, Repair: r, DependsOn: deps}
}

func dep(id string) *pb.Dependency { return &pb.Dependency{Id: id} }

func probDep(id string, q float64) *pb.Dependency {
	return &pb.Dependency{Id: id, Probability: &q}
}

func weighted(id string, w float64) *pb.Dependency {
	return &pb.Dependency{Id: id, Weight: &w}
}

func withGate(v *pb.Vertex, g *pb.Gate) *pb.Vertex {
	v.Gate = g
	return v
}

func replicaSet(v *pb.Vertex, n, k uint32) *pb.Vertex {
	v.Replicas, v.Quorum = n, k
	return v
}

// agreementModels have exponential failure and repair, mean times long
// next to the one-tick delays, and no supervisors: SPEC section 6 says
// the simulation converges to the steady state on them.
func agreementModels() map[string]*pb.Model {
	return map[string]*pb.Model{
		"gates": {Name: "gates", Vertices: []*pb.Vertex{
			service("r1", 4000, 900),
			service("r2", 6000, 1200),
			service("r3", 3000, 700),
			withGate(service("either", 20000, 1000, dep("r1"), dep("r2")),
				&pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}),
			withGate(service("two-of-three", 20000, 1000, dep("r1"), dep("r2"), dep("r3")),
				&pb.Gate{Kind: &pb.Gate_KOfN{KOfN: 2}}),
			withGate(service("weighed", 20000, 1000, weighted("r1", 1),
				weighted("r2", 2), weighted("r3", 0.5)),
				&pb.Gate{Kind: &pb.Gate_Threshold{Threshold: 2}}),
			service("top", 30000, 800, dep("either"), dep("two-of-three")),
		}},
		"edges-and-replicas": {Name: "edges-and-replicas", Vertices: []*pb.Vertex{
			replicaSet(service("db", 3000, 1000), 3, 2),
			service("cache", 5000, 600),
			service("app", 8000, 500, dep("db"), probDep("cache", 0.4)),
			service("worker", 9000, 700, probDep("app", 0.7)),
			replicaSet(service("web", 2000, 800, dep("app")), 2, 1),
			withGate(service("half", 20000, 900, dep("cache"), dep("worker")),
				&pb.Gate{Kind: &pb.Gate_ThresholdFraction{ThresholdFraction: 0.5}}),
		}},
	}
}

// TestAgreesWithSteadyState holds every vertex's simulated availability,
// over 30 replications, to the exact steady-state value: the value must
// lie in the confidence interval. With many vertices compared at once the
// interval is widened by Bonferroni's correction to keep the chance of a
// false alarm at 5 % for the whole model.
func TestAgreesWithSteadyState(t *testing.T) {
	const runs = 30
	for name, m := range agreementModels() {
		t.Run(name, func(t *testing.T) {
			w := compileWorld(t, m)
			exact, err := analysis.Exact(w.Graph, 0)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := Run(context.Background(), Direct{}, w,
				Options{Duration: 10_000_000, Seed: 17, Runs: runs})
			if err != nil {
				t.Fatal(err)
			}
			level := 1 - 0.05/float64(w.N())
			for v, id := range w.Graph.IDs {
				xs := make([]float64, runs)
				for i, r := range rs {
					xs[i] = float64(r.Vertices[v].AvailableTicks) / float64(r.Ticks)
				}
				mean, half := meanHalfWidth(xs, level)
				want := 1 - exact.Down[v]
				t.Logf("%-14s sim %.5f ± %.5f  exact %.5f", id, mean, half, want)
				if math.Abs(mean-want) > half {
					t.Errorf("%s: simulated availability %.5f ± %.5f misses the exact %.5f",
						id, mean, half, want)
				}
			}
		})
	}
}

// meanHalfWidth returns the mean of xs and the half-width of its
// two-sided confidence interval at the given level (Student's t).
func meanHalfWidth(xs []float64, level float64) (float64, float64) {
	n := float64(len(xs))
	mean, ss := 0.0, 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= n
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, tQuantile((1+level)/2, n-1) * math.Sqrt(ss/(n-1)/n)
}

// tQuantile approximates Student's t quantile by the Cornish-Fisher
// expansion around the normal quantile; good to about 1e-3 past 20
// degrees of freedom.
func tQuantile(p, df float64) float64 {
	z := math.Sqrt2 * math.Erfinv(2*p-1)
	z3, z5 := z*z*z, z*z*z*z*z
	return z + (z3+z)/(4*df) + (5*z5+16*z3+3*z)/(96*df*df)
}
