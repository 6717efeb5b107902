package sim

import (
	"fmt"
	"math"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
)

// Summary is the outcome of a set of replications, in the shape of the
// JSON contract of `simctl run --json`. Counts are totals over all runs;
// availabilities are means over runs with 95 % confidence intervals
// (Student's t across runs; a single run gives a zero-width interval).
type Summary struct {
	Model     string `json:"model"`
	Engine    string `json:"engine"`
	Digest    string `json:"digest"`
	Runs      int    `json:"runs"`
	Seed      uint64 `json:"seed"`
	Ticks     int64  `json:"ticks"`
	TickNanos int64  `json:"tickNanos"`
	Duration  string `json:"duration"`
	Events    int64  `json:"events"`

	System   SystemSummary   `json:"system"`
	Vertices []VertexSummary `json:"vertices"`

	Escalations       int64           `json:"escalations"`
	InstancesAdded    int64           `json:"instancesAdded"`
	PlacementFailures int64           `json:"placementFailures"`
	DuplicateRestarts int64           `json:"duplicateRestarts"`
	OverProvisioned   int64           `json:"overProvisioned"`
	Restarts          int64           `json:"restarts"`
	ControlMessages   ControlMessages `json:"controlMessages"`
}

// SystemSummary is the availability of the system: every target up.
type SystemSummary struct {
	Targets      []string   `json:"targets"`
	Availability float64    `json:"availability"`
	CI95         [2]float64 `json:"ci95"`
	Outages      int64      `json:"outages"`
}

// VertexSummary is what the runs measured of one vertex.
type VertexSummary struct {
	ID           string     `json:"id"`
	Availability float64    `json:"availability"`
	CI95         [2]float64 `json:"ci95"`
	Outages      int64      `json:"outages"`
	Restarts     int64      `json:"restarts"`
}

// ControlMessages counts the control plane's traffic.
type ControlMessages struct {
	Sent int64 `json:"sent"`
	Lost int64 `json:"lost"`
}

// Summarize builds the summary of results, which must be in run order.
func Summarize(w *core.World, engine string, seed uint64, results []*RunResult) *Summary {
	g := w.Graph
	s := &Summary{Model: g.Model.GetName(), Engine: engine, Runs: len(results),
		Seed: seed, TickNanos: g.TickNanos}
	if len(results) == 0 {
		return s
	}
	s.Ticks = results[0].Ticks
	s.Duration = model.FormatDuration(s.Ticks, g.TickNanos)

	digests := make([]uint64, len(results))
	sys := make([]float64, len(results))
	var c core.Counters
	for i, r := range results {
		digests[i] = r.Digest
		sys[i] = r.SystemAvailability
		c.Add(&r.Counters)
		s.System.Outages += int64(len(r.Outages))
	}

	s.Digest = fmt.Sprintf("%016x", core.CombineDigests(digests))
	s.System.Availability, s.System.CI95 = MeanCI(sys)
	for _, t := range g.Targets {
		s.System.Targets = append(s.System.Targets, g.IDs[t])
	}
	s.Vertices = vertexSummaries(g, results)
	s.setCounters(&c)
	return s
}

func (s *Summary) setCounters(c *core.Counters) {
	s.Events = c.Events
	s.Escalations = c.Escalations
	s.InstancesAdded = c.InstancesAdded
	s.PlacementFailures = c.PlacementFailures
	s.DuplicateRestarts = c.DuplicateRestarts
	s.OverProvisioned = c.OverProvisioned
	s.Restarts = c.Restarts
	s.ControlMessages = ControlMessages{Sent: c.ControlSent, Lost: c.ControlLost}
}

func vertexSummaries(g *model.Graph, results []*RunResult) []VertexSummary {
	out := make([]VertexSummary, g.N())
	xs := make([]float64, len(results))
	for v := range out {
		vs := VertexSummary{ID: g.IDs[v]}
		for i, r := range results {
			vr := &r.Vertices[v]
			xs[i] = float64(vr.AvailableTicks) / float64(max(1, r.Ticks))
			vs.Outages += int64(vr.Outages)
			vs.Restarts += int64(vr.Restarts)
		}
		vs.Availability, vs.CI95 = MeanCI(xs)
		out[v] = vs
	}
	return out
}

// MeanCI returns the mean of xs and its 95 % confidence interval by
// Student's t, clipped to [0, 1] since it is used for availabilities.
func MeanCI(xs []float64) (float64, [2]float64) {
	n := len(xs)
	if n == 0 {
		return 0, [2]float64{}
	}
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(n)
	if n == 1 {
		return mean, [2]float64{mean, mean}
	}
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	half := T975(n-1) * math.Sqrt(ss/float64(n-1)/float64(n))
	return mean, [2]float64{max(0, mean-half), min(1, mean+half)}
}

// tTable holds the 97.5 % quantiles of Student's t for 1 to 30 degrees
// of freedom.
var tTable = [...]float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
	2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
	2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
	2.048, 2.045, 2.042}

// T975 is the 97.5 % quantile of Student's t with df degrees of freedom;
// past the table it uses the first terms of the Cornish-Fisher expansion
// around the normal quantile.
func T975(df int) float64 {
	if df < 1 {
		return math.Inf(1)
	}
	if df <= len(tTable) {
		return tTable[df-1]
	}
	z, d := 1.959964, float64(df)
	return z + (z*z*z+z)/(4*d) + (5*z*z*z*z*z+16*z*z*z+3*z)/(96*d*d)
}
