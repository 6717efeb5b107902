package analysis

import (
	"cmp"
	"math"
	"slices"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Defaults of SPEC section 5 that the supervisor repair approximation
// needs, in seconds or counts.
const (
	defaultProbeSeconds     = 10
	defaultFailureThreshold = 3
	defaultDurationDays     = 30
)

// Intrinsic is the steady-state probability that one instance of vertex v
// is down by its own fault, as SPEC section 4 defines it: the mean repair
// time over the mean cycle of up time and repair time. For a replica set
// it is the figure of a single instance; [IntrinsicDown] combines the
// instances with the quorum.
//
//   - no failure model: 0;
//   - unavailability u: u itself;
//   - schedule: the fraction of the simulation's duration its windows
//     cover;
//   - bernoulli p, exponential mttf, weibull: mttr / (mttf + mttr), with
//     mttf = 1/p for bernoulli and scale*Gamma(1+1/shape) for weibull,
//     and mttr from the vertex's own repair model or, without one, from
//     the supervisor approximation (see the package documentation);
//   - a vertex that can fail and that nothing repairs stays down: 1.
func Intrinsic(g *model.Graph, v int32) float64 {
	f := g.Vertices[v].GetFailure()
	switch m := f.GetModel().(type) {
	case nil, *pb.Failure_None:
		return 0
	case *pb.Failure_Unavailability:
		return clamp01(m.Unavailability)
	case *pb.Failure_Schedule:
		return scheduleFraction(g, m.Schedule)
	}

	up := meanUp(f)
	if math.IsInf(up, 1) {
		return 0
	}
	down, ok := meanRepair(g, v)
	if !ok {
		return 1
	}
	if up+down <= 0 {
		return 0
	}
	return clamp01(down / (up + down))
}

// Unrepaired reports whether v can fail but nothing brings it back: no
// repair model and no supervisor. Intrinsic takes such a vertex as down
// for good, which people usually want to hear about.
func Unrepaired(g *model.Graph, v int32) bool {
	switch g.Vertices[v].GetFailure().GetModel().(type) {
	case nil, *pb.Failure_None, *pb.Failure_Unavailability, *pb.Failure_Schedule:
		return false
	}
	if math.IsInf(meanUp(g.Vertices[v].GetFailure()), 1) {
		return false
	}
	_, ok := meanRepair(g, v)
	return !ok
}

// IntrinsicDown is the probability that vertex v is down by its own
// fault: for a replica set of n instances with quorum k, the chance that
// fewer than k instances are up when each is down independently with
// probability [Intrinsic]; for any other vertex, [Intrinsic] itself.
func IntrinsicDown(g *model.Graph, v int32) float64 {
	u := Intrinsic(g, v)
	n, k := g.Replicas(v), g.Quorum(v)
	if n == 1 && k == 1 {
		return u
	}
	return quorumLost(n, k, u)
}

// quorumLost is P(at least n-k+1 of n instances down), each down with
// probability u.
func quorumLost(n, k int, u float64) float64 {
	need := n - k + 1 // instances down that break the quorum
	switch {
	case need <= 0:
		return 1
	case need > n:
		return 0
	}
	dist := []float64{1} // dist[j] = P(j of the instances so far down)
	for i := 0; i < n; i++ {
		next := make([]float64, len(dist)+1)
		for j, p := range dist {
			next[j] += p * (1 - u)
			next[j+1] += p * u
		}
		dist = next
	}
	tail := 0.0
	for j := n; j >= need; j-- {
		tail += dist[j]
	}
	return clamp01(tail)
}

// meanUp is the mean time to failure in ticks; +Inf when the vertex never
// fails.
func meanUp(f *pb.Failure) float64 {
	switch m := f.GetModel().(type) {
	case *pb.Failure_Bernoulli:
		if m.Bernoulli.GetP() <= 0 {
			return math.Inf(1)
		}
		return 1 / math.Min(1, m.Bernoulli.GetP())
	case *pb.Failure_Exponential:
		return float64(m.Exponential.GetMttf())
	case *pb.Failure_Weibull:
		w := m.Weibull
		if w.GetShape() <= 0 {
			return math.Inf(1)
		}
		return float64(w.GetScale()) * math.Gamma(1+1/w.GetShape())
	}
	return math.Inf(1)
}

// meanRepair is the mean time from a failure to up again, in ticks, and
// whether anything repairs the vertex at all.
func meanRepair(g *model.Graph, v int32) (float64, bool) {
	switch r := g.Vertices[v].GetRepair().GetModel().(type) {
	case *pb.Repair_Exponential:
		return float64(r.Exponential.GetMttr()), true
	case *pb.Repair_Fixed:
		return float64(r.Fixed.GetDuration()), true
	}
	s := leadSupervisor(g, v)
	if s < 0 {
		return 0, false
	}
	return supervisorRepair(g, s, v), true
}

// leadSupervisor is the supervisor of v that acts, the one with the
// lowest id (SPEC section 5 elects the lowest id alive), or -1.
func leadSupervisor(g *model.Graph, v int32) int32 {
	lead := int32(-1)
	for _, s := range g.SupervisorsOf(v) {
		if lead < 0 || g.IDs[s] < g.IDs[lead] {
			lead = s
		}
	}
	return lead
}

// supervisorRepair approximates the time supervisor s takes to bring
// child v back: detection (probe interval times failure threshold), the
// first back-off delay, and the child's mean start time.
func supervisorRepair(g *model.Graph, s, v int32) float64 {
	sup := g.Vertices[s].GetSupervisor()
	interval := sup.GetProbe().GetInterval()
	if interval <= 0 {
		interval = secondsToTicks(g, defaultProbeSeconds)
	}
	threshold := int64(sup.GetProbe().GetFailureThreshold())
	if threshold <= 0 {
		threshold = defaultFailureThreshold
	}
	backoff := max(1, sup.GetBackoff().GetInitial())
	detect := float64(interval) * float64(threshold)
	return detect + float64(backoff) + meanStart(g.Vertices[v])
}

// meanStart is the mean of a vertex's start time in ticks; absent means
// one tick.
func meanStart(v *pb.Vertex) float64 {
	switch d := v.GetStartTime().GetLaw().(type) {
	case *pb.Delay_Fixed:
		return float64(d.Fixed)
	case *pb.Delay_ExponentialMean:
		return float64(d.ExponentialMean)
	}
	return 1
}

// secondsToTicks converts a whole number of seconds to ticks, rounding up
// as SPEC section 2 rounds durations.
func secondsToTicks(g *model.Graph, seconds int64) int64 {
	nanos := seconds * 1e9
	return max(1, (nanos+g.TickNanos-1)/g.TickNanos)
}

// duration is the length of a simulation of the model in ticks.
func duration(g *model.Graph) int64 {
	if d := g.Model.GetSimulation().GetDuration(); d > 0 {
		return d
	}
	return secondsToTicks(g, defaultDurationDays*86400)
}

// scheduleFraction is the share of the simulation's duration covered by
// the union of the schedule's windows.
func scheduleFraction(g *model.Graph, s *pb.Schedule) float64 {
	total := duration(g)
	type span struct{ from, to int64 }
	var spans []span
	for _, w := range s.GetWindows() {
		from, to := max(0, w.GetAt()), min(total, w.GetAt()+w.GetDuration())
		if to > from {
			spans = append(spans, span{from, to})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.from, b.from) })

	covered, reach := int64(0), int64(0)
	for _, sp := range spans {
		from := max(sp.from, reach)
		if sp.to > from {
			covered += sp.to - from
		}
		reach = max(reach, sp.to)
	}
	return float64(covered) / float64(total)
}

func clamp01(x float64) float64 {
	switch {
	case !(x > 0): // also NaN
		return 0
	case x > 1:
		return 1
	}
	return x
}
