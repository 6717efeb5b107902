package analysis

import (
	"fmt"

	"github.com/homeostat/homeostat/model"
)

// DefaultBDDNodes is the node budget of the exact method when none is
// given: about 80 MB of diagrams, built in a few seconds.
const DefaultBDDNodes = 4_000_000

// ExactResult is the exact steady-state answer for every vertex.
type ExactResult struct {
	// Down is the probability that each vertex is down.
	Down []float64
	// System is the probability that at least one target is down.
	System float64
	// Birnbaum is, for each vertex, P(system down | v intrinsically
	// down) - P(system down | v intrinsically up).
	Birnbaum []float64
	// FussellVesely is, for each vertex, P(v intrinsically down | system
	// down): the diagnosis importance, SCRAM's DIF.
	FussellVesely []float64
	// Nodes is the number of decision diagram nodes the answer took.
	Nodes int
}

// Exact computes the steady-state view by binary decision diagrams over
// the random variables of the package documentation, giving up with
// ErrBudget once the diagrams would hold more than budget nodes (zero
// means DefaultBDDNodes).
func Exact(g *model.Graph, budget int) (*ExactResult, error) {
	if err := checkWeights(g); err != nil {
		return nil, err
	}
	if budget <= 0 {
		budget = DefaultBDDNodes
	}
	e := newExact(g, budget)
	if err := e.build(); err != nil {
		return nil, err
	}
	return e.result()
}

// exact holds the diagrams of one model.
type exact struct {
	g     *model.Graph
	b     *bdd
	vx    []int32   // variable of each vertex's intrinsic down state
	ve    []int32   // variable of each edge's draw, -1 when certain
	p     []float64 // probability of each variable
	down  []int32   // diagram of each vertex's down state
	comps *components
}

func newExact(g *model.Graph, budget int) *exact {
	e := &exact{g: g, b: newBDD(budget), down: make([]int32, g.N())}
	e.comps = newComponents(newFlow(g), g.N())
	e.orderVariables()
	return e
}

// orderVariables numbers the variables in depth-first pre-order from the
// targets: a vertex's own variable, then for each input the edge's draw
// and the input's variables. A vertex's diagram then tests its own
// variable first and shares its inputs' diagrams below, so a tree costs
// a few nodes per vertex. Vertices no target reaches come last.
func (e *exact) orderVariables() {
	g := e.g
	e.vx = make([]int32, g.N())
	e.ve = make([]int32, len(g.In))
	for i := range e.vx {
		e.vx[i] = -1
	}
	for i := range e.ve {
		e.ve[i] = -1
	}
	for _, t := range g.Targets {
		e.visit(t)
	}
	for v := int32(0); v < int32(g.N()); v++ {
		e.visit(v)
	}
}

// visit numbers the variables under v without recursion.
func (e *exact) visit(root int32) {
	g := e.g
	stack := []int32{root}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if e.vx[v] >= 0 {
			continue
		}
		e.vx[v] = e.newVar(IntrinsicDown(g, v))
		if h := g.HostedOn[v]; h >= 0 {
			stack = append(stack, h)
		}
		ins := g.Inputs(v)
		for i := len(ins) - 1; i >= 0; i-- {
			stack = append(stack, ins[i].From)
		}
		first := g.InStart[v]
		for i, in := range ins {
			if in.Prob > 0 && in.Prob < 1 {
				e.ve[first+int32(i)] = e.newVar(in.Prob)
			}
		}
	}
}

func (e *exact) newVar(p float64) int32 {
	e.p = append(e.p, p)
	return int32(len(e.p) - 1)
}

// build makes every vertex's diagram, component by component in
// topological order.
func (e *exact) build() error {
	for c, members := range e.comps.members {
		if e.comps.cyclic[c] {
			e.fixedPoint(members)
		} else {
			e.down[members[0]] = e.vertex(members[0])
		}
		if e.b.over {
			return fmt.Errorf("%w: more than %d nodes by vertex %q",
				ErrBudget, e.b.limit, e.g.IDs[members[0]])
		}
	}
	return nil
}

// vertex is the diagram of v's down state given its inputs' current
// diagrams: intrinsically down, or its host down, or impaired.
func (e *exact) vertex(v int32) int32 {
	f := e.b.variable(e.vx[v])
	if h := e.g.HostedOn[v]; h >= 0 {
		f = e.b.or(f, e.down[h])
	}
	return e.b.or(f, e.gate(v))
}

// fixedPoint computes the least fixed point of a cyclic component by
// iterating from "no member down" until nothing changes. The gates are
// monotone, so every sweep can only add down states, and a sweep that
// adds none ends it; with n members at most n+1 sweeps are needed.
func (e *exact) fixedPoint(members []int32) {
	for _, v := range members {
		e.down[v] = bddFalse
	}
	for sweep := 0; ; sweep++ {
		if sweep > len(members)+1 {
			panic("analysis: least fixed point did not settle")
		}
		changed := false
		for _, v := range members {
			f := e.vertex(v)
			if e.b.over {
				return
			}
			changed = changed || f != e.down[v]
			e.down[v] = f
		}
		if !changed {
			return
		}
	}
}

// gate is the diagram of "v is impaired by its inputs".
func (e *exact) gate(v int32) int32 {
	g, b := e.g, e.b
	ins := g.Inputs(v)
	if len(ins) == 0 {
		return bddFalse
	}

	ys := make([]int32, len(ins))
	for i, in := range ins {
		ys[i] = b.and(e.down[in.From], e.carry(g.InStart[v]+int32(i)))
	}

	spec := g.Gates[v]
	switch spec.Kind {
	case model.GateAny:
		return e.fold(ys, b.and, bddTrue)
	case model.GateKOfN:
		return e.atLeast(ys, len(ys)-int(spec.K)+1)
	case model.GateThreshold:
		return e.weighted(ys, ins, spec)
	}
	return e.fold(ys, b.or, bddFalse)
}

// carry is the diagram of "edge i carries this outage".
func (e *exact) carry(i int32) int32 {
	switch p := e.g.In[i].Prob; {
	case p <= 0:
		return bddFalse
	case p >= 1:
		return bddTrue
	}
	return e.b.variable(e.ve[i])
}

func (e *exact) fold(ys []int32, op func(f, g int32) int32, f int32) int32 {
	for _, y := range ys {
		f = op(f, y)
	}
	return f
}

// atLeast is the diagram of "at least t of ys are true", built row by
// row from the last input: row[c] is the function given c true so far.
func (e *exact) atLeast(ys []int32, t int) int32 {
	n := len(ys)
	switch {
	case t <= 0:
		return bddTrue
	case t > n:
		return bddFalse
	}

	row := make([]int32, t+1)
	row[t] = bddTrue // c >= t: already there; c < t with no inputs left: no
	for i := n - 1; i >= 0; i-- {
		for c := 0; c < t; c++ {
			if c+(n-i) < t {
				row[c] = bddFalse
				continue
			}
			row[c] = e.b.or(row[c], e.b.and(ys[i], row[c+1]))
		}
	}
	return row[0]
}

// weighted is the diagram of a threshold gate, by recursion on the inputs
// in order with the down weight so far, memoised on (input, weight). The
// weights are added in input order, as the gate's own evaluation adds
// them, so rounding cannot make the two disagree.
func (e *exact) weighted(ys []int32, ins []model.Edge, spec model.GateSpec) int32 {
	w := weightedGate{e: e, ys: ys, ins: ins, spec: spec,
		memo: map[weightKey]int32{}}
	return w.at(0, 0)
}

type weightKey struct {
	i int
	s float64
}

type weightedGate struct {
	e    *exact
	ys   []int32
	ins  []model.Edge
	spec model.GateSpec
	memo map[weightKey]int32
}

func (w *weightedGate) impaired(s float64) bool {
	return w.spec.Impaired(len(w.ins), 0, s)
}

func (w *weightedGate) at(i int, s float64) int32 {
	if w.impaired(s) {
		return bddTrue // weights are not negative: more down only adds
	}
	most := s
	for _, in := range w.ins[i:] {
		most += in.Weight
	}
	if !w.impaired(most) {
		return bddFalse // even every remaining input down is not enough
	}

	k := weightKey{i, s}
	if f, ok := w.memo[k]; ok {
		return f
	}
	b := w.e.b
	f := b.or(w.at(i+1, s), b.and(w.ys[i], w.at(i+1, s+w.ins[i].Weight)))
	w.memo[k] = f
	return f
}

// result turns the diagrams into probabilities and importances.
func (e *exact) result() (*ExactResult, error) {
	g, b := e.g, e.b
	sys := bddFalse
	for _, t := range g.Targets {
		sys = b.or(sys, e.down[t])
	}
	if b.over {
		return nil, fmt.Errorf("%w: more than %d nodes joining the targets",
			ErrBudget, b.limit)
	}

	prob := b.probabilities(e.p)
	r := &ExactResult{Down: make([]float64, g.N()), System: prob[sys],
		Nodes: b.size()}
	for v, f := range e.down {
		r.Down[v] = prob[f]
	}
	r.Birnbaum, r.FussellVesely = e.importance(sys, prob, r.System)
	return r, nil
}

// importance derives Birnbaum and Fussell-Vesely from the derivative of
// P(system) by each intrinsic variable: with p the variable's
// probability and B its derivative, P(system | v down) = P(system) +
// (1-p) B, so P(v down | system down) = p (P(system) + (1-p) B) /
// P(system).
func (e *exact) importance(sys int32, prob []float64, ps float64) ([]float64, []float64) {
	d := e.b.derivatives(sys, e.p, prob)
	birnbaum := make([]float64, e.g.N())
	fv := make([]float64, e.g.N())
	for v, x := range e.vx {
		birnbaum[v] = d[x]
		if ps > 0 {
			p := e.p[x]
			fv[v] = clamp01(p * (ps + (1-p)*d[x]) / ps)
		}
	}
	return birnbaum, fv
}
