package analysis

import (
	"context"
	"errors"
	"fmt"

	"github.com/homeostat/homeostat/model"
)

// Method is how the probabilities are computed.
type Method string

// The methods. MethodAuto tries the exact method and, when its node
// budget runs out, falls back to Monte Carlo and says so.
const (
	MethodAuto       Method = "auto"
	MethodExact      Method = "exact"
	MethodMonteCarlo Method = "monte-carlo"
)

// ParseMethod reads a method as the command line writes it: auto, exact,
// mc or monte-carlo.
func ParseMethod(s string) (Method, error) {
	switch s {
	case "auto", "":
		return MethodAuto, nil
	case "exact":
		return MethodExact, nil
	case "mc", "monte-carlo", "montecarlo":
		return MethodMonteCarlo, nil
	}
	return "", fmt.Errorf("%w: method %q is not auto, exact or mc", ErrOptions, s)
}

// Defaults of the structure analysis.
const (
	DefaultCutOrder = 2
	// DefaultBlastList bounds the vertices listed per blast radius; the
	// count is always complete.
	DefaultBlastList = 1000
	// DefaultStructureWork bounds the gate evaluations of the structure
	// analysis, about ten seconds of work.
	DefaultStructureWork = 1_000_000_000
)

// Options tune Analyze. The zero value of every field takes its default.
type Options struct {
	Method Method
	// Samples is the number of Monte Carlo samples (DefaultSamples).
	Samples int64
	// Seed drives the Monte Carlo samples; equal seeds, equal answers.
	Seed uint64
	// Workers is the number of Monte Carlo goroutines (one per core).
	Workers int
	// BDDNodes is the exact method's node budget (DefaultBDDNodes).
	BDDNodes int
	// CutOrder is the largest minimal cut set searched for
	// (DefaultCutOrder); one gives single points of failure only.
	CutOrder int
	// BlastList bounds the vertices listed per blast radius
	// (DefaultBlastList).
	BlastList int
	// StructureWork bounds the structure analysis
	// (DefaultStructureWork gate evaluations).
	StructureWork int64
}

func (o Options) withDefaults() (Options, error) {
	if o.Method == "" {
		o.Method = MethodAuto
	}
	if o.CutOrder == 0 {
		o.CutOrder = DefaultCutOrder
	}
	if o.BlastList == 0 {
		o.BlastList = DefaultBlastList
	}
	if o.StructureWork == 0 {
		o.StructureWork = DefaultStructureWork
	}
	switch {
	case o.Method != MethodAuto && o.Method != MethodExact &&
		o.Method != MethodMonteCarlo:
		return o, fmt.Errorf("%w: method %q", ErrOptions, o.Method)
	case o.CutOrder < 0 || o.CutOrder > 6:
		return o, fmt.Errorf("%w: cut order %d out of range 1..6", ErrOptions, o.CutOrder)
	case o.Samples < 0 || o.BDDNodes < 0 || o.BlastList < 0 || o.StructureWork < 0:
		return o, fmt.Errorf("%w: negative sample count, node budget or limit", ErrOptions)
	}
	return o, nil
}

// Result is the whole steady-state view of a model.
type Result struct {
	Graph *model.Graph
	// Method is MethodExact or MethodMonteCarlo: what was done.
	Method Method
	// Fallback says why MethodAuto did not give an exact answer.
	Fallback string
	// Samples and Seed describe a Monte Carlo answer.
	Samples int64
	Seed    uint64
	// Nodes is the size of an exact answer's decision diagrams.
	Nodes    int
	System   Estimate
	Vertices []VertexResult
	// Structure holds blast radii, single points of failure and cut sets.
	Structure *Structure
	// Cycles are the groups of vertices that feed each other, a risk of
	// locking each other down (SPEC section 3).
	Cycles [][]int32
	// Unrepaired are the vertices that can fail but that nothing
	// repairs, taken as always down (see Unrepaired).
	Unrepaired []int32
}

// VertexResult is the view of one vertex.
type VertexResult struct {
	// Intrinsic is one instance's own unavailability (see Intrinsic).
	Intrinsic float64
	// IntrinsicDown is the probability of the vertex's own down state,
	// the quorum of a replica set taken into account.
	IntrinsicDown float64
	// Down is the probability of being down for any reason.
	Down Estimate
	// Birnbaum and FussellVesely are the importances with respect to the
	// system; NaN when Monte Carlo saw no sample to estimate them from.
	Birnbaum, FussellVesely float64
}

// Analyze computes the steady-state view of SPEC section 4: every
// vertex's and the system's probability of being down, the importances,
// and the structure.
func Analyze(ctx context.Context, g *model.Graph, opt Options) (*Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkWeights(g); err != nil {
		return nil, err
	}

	res := &Result{Graph: g, Vertices: make([]VertexResult, g.N())}
	p := newProgram(g)
	if err := res.probabilities(ctx, p, opt); err != nil {
		return nil, err
	}

	for v := int32(0); v < int32(g.N()); v++ {
		res.Vertices[v].Intrinsic = Intrinsic(g, v)
		res.Vertices[v].IntrinsicDown = IntrinsicDown(g, v)
		if Unrepaired(g, v) {
			res.Unrepaired = append(res.Unrepaired, v)
		}
	}

	res.Structure = analyzeStructure(p, opt.CutOrder, opt.BlastList, opt.StructureWork)
	res.Cycles = Cycles(g)
	return res, nil
}

func (r *Result) probabilities(ctx context.Context, p *program, opt Options) error {
	if opt.Method != MethodMonteCarlo {
		ex, err := Exact(p.g, opt.BDDNodes)
		switch {
		case err == nil:
			r.useExact(ex)
			return nil
		case opt.Method == MethodAuto && errors.Is(err, ErrBudget):
			r.Fallback = fmt.Sprintf("exact method stopped (%v); used Monte Carlo", err)
		default:
			return err
		}
	}

	mc, err := monteCarlo(ctx, p, opt.Samples, opt.Seed, opt.Workers)
	if err != nil {
		return err
	}
	r.useMonteCarlo(mc, opt.Seed)
	return nil
}

func (r *Result) useExact(ex *ExactResult) {
	r.Method, r.Nodes = MethodExact, ex.Nodes
	r.System = exactEstimate(ex.System)
	for v := range r.Vertices {
		vr := &r.Vertices[v]
		vr.Down = exactEstimate(ex.Down[v])
		vr.Birnbaum, vr.FussellVesely = ex.Birnbaum[v], ex.FussellVesely[v]
	}
}

func (r *Result) useMonteCarlo(mc *MCResult, seed uint64) {
	r.Method, r.Samples, r.Seed = MethodMonteCarlo, mc.Samples, seed
	r.System = mc.System
	for v := range r.Vertices {
		vr := &r.Vertices[v]
		vr.Down = mc.Down[v]
		vr.Birnbaum, vr.FussellVesely = mc.Birnbaum[v], mc.FussellVesely[v]
	}
}

// Cycles lists the groups of vertices whose failures can reach each
// other: the cyclic strongly connected components of the graph of depends
// edges that can carry (probability above zero) and hosts edges, each
// group in file order. A fault tree cannot express them.
func Cycles(g *model.Graph) [][]int32 {
	c := newComponents(newFlow(g), g.N())
	var out [][]int32
	for i, members := range c.members {
		if c.cyclic[i] {
			out = append(out, members)
		}
	}
	return out
}
