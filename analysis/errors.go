package analysis

import (
	"errors"
	"fmt"
	"math"

	"github.com/homeostat/homeostat/model"
)

// Sentinel errors; errors returned by this package wrap one of them.
var (
	// ErrBudget means the exact method would need more decision diagram
	// nodes than its budget allows. Analyze with MethodAuto then falls
	// back to Monte Carlo.
	ErrBudget = errors.New("analysis: exact method over its node budget")
	// ErrWeight means a threshold gate has a negative or undefined
	// weight or threshold. Such a gate is not monotone, so a cycle
	// through it may have no least fixed point; the analysis refuses it.
	ErrWeight = errors.New("analysis: threshold gate not monotone")
	// ErrOptions means an option is out of range.
	ErrOptions = errors.New("analysis: bad options")
)

// checkWeights rejects what would make a gate non-monotone.
func checkWeights(g *model.Graph) error {
	for v := int32(0); v < int32(g.N()); v++ {
		if math.IsNaN(g.Gates[v].Theta) {
			return fmt.Errorf("%w: vertex %q has threshold NaN", ErrWeight, g.IDs[v])
		}
		if g.Gates[v].Kind != model.GateThreshold {
			continue
		}
		for _, in := range g.Inputs(v) {
			if !(in.Weight >= 0) || math.IsInf(in.Weight, 1) {
				return fmt.Errorf("%w: edge %s -> %s has weight %g",
					ErrWeight, g.IDs[in.From], g.IDs[v], in.Weight)
			}
		}
	}
	return nil
}
