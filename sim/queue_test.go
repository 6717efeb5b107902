package sim

import (
	"context"
	"fmt"
	"math"
	"testing"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// crewModel is a supervisor with a repair crew of one over n children that
// fail exponentially and restart in an exponential time: the machine
// repairman model, M/M/1//N. The probe interval is short next to the
// mean times, so detection adds little to the queue.
func crewModel(n int, mttf, meanStart int64) *pb.Model {
	m := &pb.Model{Name: "crew"}
	sup := &pb.Supervisor{Strategy: pb.Strategy_STRATEGY_ONE_FOR_ONE,
		Probe:   &pb.Probe{Interval: 50, FailureThreshold: 1},
		Backoff: &pb.Backoff{Initial: 1, Factor: 1}, MaxRestarts: 1 << 30, Period: 1,
		MaxConcurrentRestarts: 1}
	for i := range n {
		id := fmt.Sprintf("c%d", i)
		f, _ := exponential(mttf, 1)
		m.Vertices = append(m.Vertices, &pb.Vertex{Id: id, Failure: f,
			StartTime: &pb.Delay{Law: &pb.Delay_ExponentialMean{ExponentialMean: meanStart}}})
		sup.Supervises = append(sup.Supervises, id)
	}
	m.Vertices = append(m.Vertices, &pb.Vertex{Id: "sup",
		Kind: pb.Kind_KIND_SUPERVISOR, Supervisor: sup})
	return m
}

// finiteSourceDown is the mean number of failed sources in M/M/1//N with
// failure rate lambda per working source and repair rate mu:
// P(k) is proportional to N!/(N-k)! (lambda/mu)^k.
func finiteSourceDown(n int, lambda, mu float64) float64 {
	rho := lambda / mu
	weights := make([]float64, n+1)
	weights[0] = 1
	total := 1.0
	for k := 1; k <= n; k++ {
		weights[k] = weights[k-1] * float64(n-k+1) * rho
		total += weights[k]
	}
	mean := 0.0
	for k, w := range weights {
		mean += float64(k) * w / total
	}
	return mean
}

// TestRepairCrewIsFiniteSourceQueue: the mean number of children down
// under a one-member crew matches the closed form of M/M/1//N within the
// confidence interval over replications.
func TestRepairCrewIsFiniteSourceQueue(t *testing.T) {
	const (
		n         = 3
		mttf      = 100_000
		meanStart = 25_000
	)
	w := compileWorld(t, crewModel(n, mttf, meanStart))
	rs, err := Run(context.Background(), Direct{}, w,
		Options{Duration: 10_000_000, Seed: 23, Runs: 12})
	if err != nil {
		t.Fatal(err)
	}
	xs := make([]float64, len(rs))
	for i, r := range rs {
		for c := range n {
			xs[i] += 1 - float64(r.Vertices[c].AvailableTicks)/float64(r.Ticks)
		}
	}
	mean, half := meanHalfWidth(xs, 0.95)
	want := finiteSourceDown(n, 1.0/mttf, 1.0/meanStart)
	t.Logf("children down: simulated %.4f ± %.4f, closed form %.4f", mean, half, want)
	if math.Abs(mean-want) > half {
		t.Errorf("mean children down %.4f ± %.4f misses M/M/1//N's %.4f", mean, half, want)
	}
}
