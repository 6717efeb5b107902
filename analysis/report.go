package analysis

import (
	"cmp"
	"math"
	"slices"
	"strings"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Report is the machine-readable form of a Result, as
// "simctl analyze --json" prints it. Probabilities are plain numbers;
// values that cannot be estimated are null.
type Report struct {
	Model string `json:"model"`
	// Method is "exact" or "monte-carlo".
	Method   string `json:"method"`
	Fallback string `json:"fallback,omitempty"`
	// Samples and Seed are present for Monte Carlo answers.
	Samples int64   `json:"samples,omitempty"`
	Seed    *uint64 `json:"seed,omitempty"`
	// BDDNodes is the size of an exact answer's decision diagrams.
	BDDNodes int            `json:"bddNodes,omitempty"`
	Targets  []string       `json:"targets"`
	System   ReportEstimate `json:"system"`
	// Vertices are in the model's order.
	Vertices []ReportVertex `json:"vertices"`
	CutOrder int            `json:"cutOrder"`
	// CutSets are the minimal cut sets up to CutOrder, by order, most
	// probable first; CutSetProbabilities gives each one's probability.
	CutSets               [][]string `json:"cutSets"`
	CutSetProbabilities   []float64  `json:"cutSetProbabilities"`
	SinglePointsOfFailure []string   `json:"singlePointsOfFailure"`
	// StructureComplete is false when the structure analysis ran out of
	// its work budget: some blast radii are null, cut sets may be missing.
	StructureComplete bool       `json:"structureComplete"`
	Cycles            [][]string `json:"cycles"`
	// Unrepaired lists the vertices that can fail but that nothing
	// repairs; the analysis takes them as always down.
	Unrepaired []string `json:"unrepaired"`
}

// ReportEstimate is a probability with its 95 % confidence interval; an
// exact answer's interval is the value twice.
type ReportEstimate struct {
	Unavailability float64    `json:"unavailability"`
	CI95           [2]float64 `json:"ci95"`
}

// ReportVertex is one vertex of a Report.
type ReportVertex struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	// Intrinsic is one instance's own unavailability; IntrinsicDown the
	// vertex's, replicas and quorum taken into account.
	Intrinsic      float64    `json:"intrinsic"`
	IntrinsicDown  float64    `json:"intrinsicDown"`
	Unavailability float64    `json:"unavailability"`
	CI95           [2]float64 `json:"ci95"`
	Birnbaum       *float64   `json:"birnbaum"`
	FussellVesely  *float64   `json:"fussellVesely"`
	// BlastRadius counts the other vertices that go down when this one
	// alone fails; Blast lists them (up to Options.BlastList).
	BlastRadius *int     `json:"blastRadius"`
	Blast       []string `json:"blast"`
}

// Report builds the machine-readable form of the result.
func (r *Result) Report() *Report {
	g := r.Graph
	rep := &Report{Model: g.Model.GetName(), Method: string(r.Method),
		Fallback: r.Fallback, BDDNodes: r.Nodes, System: reportEstimate(r.System),
		Targets: r.ids(g.Targets), Vertices: make([]ReportVertex, g.N())}
	if r.Method == MethodMonteCarlo {
		seed := r.Seed
		rep.Samples, rep.Seed = r.Samples, &seed
	}
	for v := range rep.Vertices {
		rep.Vertices[v] = r.reportVertex(int32(v))
	}
	r.reportStructure(rep)
	rep.Cycles = [][]string{}
	for _, c := range r.Cycles {
		rep.Cycles = append(rep.Cycles, r.ids(c))
	}
	rep.Unrepaired = r.ids(r.Unrepaired)
	return rep
}

func (r *Result) reportVertex(v int32) ReportVertex {
	g, vr, s := r.Graph, r.Vertices[v], r.Structure
	rv := ReportVertex{ID: g.IDs[v], Kind: KindName(g.Kinds[v]),
		Intrinsic: vr.Intrinsic, IntrinsicDown: vr.IntrinsicDown,
		Unavailability: vr.Down.P, CI95: [2]float64{vr.Down.Lo, vr.Down.Hi},
		Birnbaum: finite(vr.Birnbaum), FussellVesely: finite(vr.FussellVesely),
		Blast: r.ids(s.Blast[v])}
	if n := s.BlastRadius[v]; n >= 0 {
		rv.BlastRadius = &n
	}
	return rv
}

func (r *Result) reportStructure(rep *Report) {
	s := r.Structure
	rep.CutOrder, rep.StructureComplete = s.CutOrder, s.Complete
	rep.CutSets, rep.CutSetProbabilities = [][]string{}, []float64{}
	singles, cuts := s.Possible(r.Graph)
	for _, c := range cuts {
		rep.CutSets = append(rep.CutSets, r.ids(c.Vertices))
		rep.CutSetProbabilities = append(rep.CutSetProbabilities, c.P)
	}
	rep.SinglePointsOfFailure = r.ids(singles)
}

func (r *Result) ids(vs []int32) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = r.Graph.IDs[v]
	}
	return out
}

func reportEstimate(e Estimate) ReportEstimate {
	return ReportEstimate{Unavailability: e.P, CI95: [2]float64{e.Lo, e.Hi}}
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// KindName is a vertex kind as the text form writes it.
func KindName(k pb.Kind) string {
	name, _ := strings.CutPrefix(k.String(), "KIND_")
	return strings.ToLower(name)
}

// Worst orders the vertices for people: most likely down first, then
// the most important to the system, then by id.
func (r *Result) Worst() []int32 {
	order := make([]int32, len(r.Vertices))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		va, vb := r.Vertices[a], r.Vertices[b]
		if c := cmp.Compare(vb.Down.P, va.Down.P); c != 0 {
			return c
		}
		if c := cmp.Compare(nanLow(vb.Birnbaum), nanLow(va.Birnbaum)); c != 0 {
			return c
		}
		return cmp.Compare(r.Graph.IDs[a], r.Graph.IDs[b])
	})
	return order
}

func nanLow(x float64) float64 {
	if math.IsNaN(x) {
		return math.Inf(-1)
	}
	return x
}
