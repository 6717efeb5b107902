package export

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/homeostat/homeostat/analysis"
	"github.com/homeostat/homeostat/model"
)

// ErrMEFCycle means the model's dependencies form a cycle. The steady-
// state view takes the least fixed point of a cycle, but a fault tree
// must be acyclic, so such a model has no MEF form.
var ErrMEFCycle = errors.New("export: mef: dependencies form a cycle")

// MEFSystemGate is the name of the gate that is true when the system is
// down: the top event of the fault tree.
const MEFSystemGate = "system"

// MEFOptions tune WriteMEF.
type MEFOptions struct {
	// PerVertex adds, for every vertex, a top gate "top-ID" that only
	// passes the vertex's down state on. Tools such as SCRAM report
	// probabilities for top gates only (gates that nothing references),
	// so this makes them report every vertex; it multiplies their work.
	PerVertex bool
}

// WriteMEF writes the steady-state view of an acyclic model as an
// Open-PSA Model Exchange Format fault tree, so that established
// fault-tree tools can check Homeostat's numbers. Each vertex becomes a
// gate that is true when the vertex is down: an or of its intrinsic
// failure (a basic event with its intrinsic unavailability; for a replica
// set, an atleast over one basic event per instance), its VM host's gate,
// and its own gate over its inputs. An input counts as down when the
// upstream gate is true and, for an edge that carries with probability
// q < 1, the edge's basic event (probability q) is true too. k_of_n and
// unit-weight thresholds become atleast gates; weighted thresholds
// become a small network of gates over the partial down weight. The top
// event, MEFSystemGate, is the or of the targets. Every vertex gets a
// basic event, even one that cannot fail (probability 0), so that cut
// sets and importances can be compared vertex by vertex.
func WriteMEF(w io.Writer, g *model.Graph, opt MEFOptions) error {
	if c := analysis.Cycles(g); len(c) > 0 {
		return fmt.Errorf("%w through %q", ErrMEFCycle, g.IDs[c[0][0]])
	}
	t := newMEFTree(g)
	t.build(opt)
	bw := bufio.NewWriter(w)
	t.write(bw)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: mef: %w", err)
	}
	return nil
}

// mefFormula is a Boolean formula of the MEF: an operator over
// arguments, a reference to a gate or basic event, or a constant.
type mefFormula struct {
	op    string // or, and, atleast, gate, basic-event, constant
	name  string // of the event referred to
	min   int    // of atleast
	value bool   // of constant
	args  []*mefFormula
}

var (
	mefTrue  = &mefFormula{op: "constant", value: true}
	mefFalse = &mefFormula{op: "constant", value: false}
)

func mefRef(op, name string) *mefFormula { return &mefFormula{op: op, name: name} }

func (f *mefFormula) isConst(v bool) bool { return f.op == "constant" && f.value == v }

// mefAtLeast is "at least min of args are true", simplified so that no
// constant is left inside and SCRAM's limits hold (atleast needs 1 < min
// < n; or and and need two arguments or more).
func mefAtLeast(need int, args ...*mefFormula) *mefFormula {
	var kept []*mefFormula
	for _, a := range args {
		switch {
		case a.isConst(true):
			need--
		case !a.isConst(false):
			kept = append(kept, a)
		}
	}

	switch {
	case need == len(kept) && need > 0: // and is idempotent
		kept = mefUnique(kept)
		need = len(kept)
	case need == 1: // and so is or
		kept = mefUnique(kept)
	}

	switch {
	case need <= 0:
		return mefTrue
	case need > len(kept):
		return mefFalse
	case len(kept) == 1:
		return kept[0]
	case need == 1:
		return &mefFormula{op: "or", args: kept}
	case need == len(kept):
		return &mefFormula{op: "and", args: kept}
	}
	return &mefFormula{op: "atleast", min: need, args: kept}
}

// mefUnique drops repeated references, which some tools reject.
func mefUnique(args []*mefFormula) []*mefFormula {
	seen := map[string]bool{}
	var out []*mefFormula
	for _, a := range args {
		key := a.op + " " + a.name
		if a.name != "" && seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, a)
	}
	return out
}

func mefOr(args ...*mefFormula) *mefFormula  { return mefAtLeast(1, args...) }
func mefAnd(args ...*mefFormula) *mefFormula { return mefAtLeast(len(args), args...) }

// mefGate is one gate definition; mefEvent one basic event.
type mefGate struct {
	name, label string
	f           *mefFormula
}

type mefEvent struct {
	name, label string
	p           float64
}

// mefTree collects the definitions of one model.
type mefTree struct {
	g      *model.Graph
	names  map[string]bool
	gate   []string // name of each vertex's gate
	gates  []mefGate
	events []mefEvent
}

func newMEFTree(g *model.Graph) *mefTree {
	t := &mefTree{g: g, names: map[string]bool{MEFSystemGate: true},
		gate: make([]string, g.N())}
	for v := range g.IDs {
		t.gate[v] = t.name(g.IDs[v])
	}
	return t
}

// name turns an id into a unique MEF identifier: letters, digits and
// underscores, with single inner hyphens, never a dot, not starting
// with a digit (an XML name); a clash gets a numeric suffix.
func (t *mefTree) name(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r == '-' && b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteRune(r)
		case r < 128 && (r == '_' || r >= '0' && r <= '9' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}

	base := strings.TrimSuffix(b.String(), "-")
	if base == "" || base[0] >= '0' && base[0] <= '9' {
		base = "v_" + base
	}
	name := base
	for i := 2; t.names[name]; i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	t.names[name] = true
	return name
}

func (t *mefTree) build(opt MEFOptions) {
	g := t.g
	var targets []*mefFormula
	for _, v := range g.Targets {
		targets = append(targets, mefRef("gate", t.gate[v]))
	}
	t.gates = append(t.gates, mefGate{name: MEFSystemGate,
		label: "the system: any target down", f: mefOr(targets...)})
	for v := int32(0); v < int32(g.N()); v++ {
		t.gates = append(t.gates, mefGate{name: t.gate[v], label: g.IDs[v],
			f: t.vertex(v)})
	}
	if opt.PerVertex {
		for v := range g.IDs {
			t.gates = append(t.gates, mefGate{name: t.name("top-" + g.IDs[v]),
				label: "pass-through of " + g.IDs[v], f: mefRef("gate", t.gate[v])})
		}
	}
}

// vertex is the formula of v's down state.
func (t *mefTree) vertex(v int32) *mefFormula {
	f := t.intrinsic(v)
	if h := t.g.HostedOn[v]; h >= 0 {
		f = mefOr(f, mefRef("gate", t.gate[h]))
	}
	return mefOr(f, t.impaired(v))
}

// intrinsic is v's own failure: one basic event, or for a replica set
// one per instance and an atleast that loses the quorum.
func (t *mefTree) intrinsic(v int32) *mefFormula {
	g := t.g
	id, n, k := g.IDs[v], g.Replicas(v), g.Quorum(v)
	u := analysis.Intrinsic(g, v)
	if n == 1 && k == 1 {
		return t.event(id+"-fails", "intrinsic failure of "+id, u)
	}
	instances := make([]*mefFormula, n)
	for i := range instances {
		instances[i] = t.event(fmt.Sprintf("%s-%d-fails", id, i+1),
			fmt.Sprintf("instance %d of %s fails", i+1, id), u)
	}
	return mefAtLeast(n-k+1, instances...)
}

func (t *mefTree) event(id, label string, p float64) *mefFormula {
	name := t.name(id)
	t.events = append(t.events, mefEvent{name: name, label: label, p: p})
	return mefRef("basic-event", name)
}

// impaired is the formula of "v's gate is impaired by its inputs".
func (t *mefTree) impaired(v int32) *mefFormula {
	g := t.g
	ins := g.Inputs(v)
	if len(ins) == 0 {
		return mefFalse
	}
	ys := make([]*mefFormula, len(ins))
	for i, in := range ins {
		ys[i] = t.input(v, in)
	}
	spec := g.Gates[v]
	switch spec.Kind {
	case model.GateAny:
		return mefAnd(ys...)
	case model.GateKOfN:
		return mefAtLeast(len(ys)-int(spec.K)+1, ys...)
	case model.GateThreshold:
		return t.threshold(v, ys, spec)
	}
	return mefOr(ys...)
}

// input is "the upstream vertex is down and the edge carries".
func (t *mefTree) input(v int32, in model.Edge) *mefFormula {
	up := mefRef("gate", t.gate[in.From])
	switch {
	case in.Prob <= 0:
		return mefFalse
	case in.Prob >= 1:
		return up
	}
	id := t.g.IDs[in.From] + "-to-" + t.g.IDs[v] + "-carries"
	label := "the edge " + t.g.IDs[in.From] + " -> " + t.g.IDs[v] + " carries"
	return mefAnd(up, t.event(id, label, in.Prob))
}

// threshold is a threshold gate: an atleast when every weight is one,
// otherwise a network over the partial down weight (see mefWeighted).
func (t *mefTree) threshold(v int32, ys []*mefFormula, spec model.GateSpec) *mefFormula {
	ins := t.g.Inputs(v)
	unit := true
	for _, in := range ins {
		unit = unit && in.Weight == 1
	}
	if unit && !math.IsInf(spec.Theta, 0) {
		need := math.Ceil(spec.Theta)
		return mefAtLeast(int(max(0, min(need, float64(len(ys)+1)))), ys...)
	}
	w := mefWeighted{t: t, v: v, ys: ys, ins: ins, spec: spec,
		memo: map[mefWeightKey]*mefFormula{}}
	return w.at(0, 0)
}

// mefWeighted builds a weighted threshold gate as the recursion "down
// weight s so far, input i next": impaired(i, s) = impaired(i+1, s) or
// (input i down and impaired(i+1, s+w_i)), each shared state a named
// gate. Weights add in input order and the gate's own test decides at
// the ends, as in the analysis, so the two agree to the last rounding.
type mefWeighted struct {
	t    *mefTree
	v    int32
	ys   []*mefFormula
	ins  []model.Edge
	spec model.GateSpec
	memo map[mefWeightKey]*mefFormula
}

type mefWeightKey struct {
	i int
	s float64
}

func (w *mefWeighted) impaired(s float64) bool {
	return w.spec.Impaired(len(w.ins), 0, s)
}

func (w *mefWeighted) at(i int, s float64) *mefFormula {
	if w.impaired(s) {
		return mefTrue
	}
	most := s
	for _, in := range w.ins[i:] {
		most += in.Weight
	}
	if !w.impaired(most) {
		return mefFalse
	}
	k := mefWeightKey{i, s}
	if f, ok := w.memo[k]; ok {
		return f
	}

	f := mefOr(w.at(i+1, s), mefAnd(w.ys[i], w.at(i+1, s+w.ins[i].Weight)))
	if f.op != "constant" && f.op != "gate" && f.op != "basic-event" {
		id := fmt.Sprintf("%s-weight-%d-%d", w.t.g.IDs[w.v], i, len(w.memo))
		name := w.t.name(id)
		w.t.gates = append(w.t.gates, mefGate{name: name,
			label: fmt.Sprintf("%s: down weight %g before input %d reaches the threshold",
				w.t.g.IDs[w.v], s, i+1), f: f})
		f = mefRef("gate", name)
	}
	w.memo[k] = f
	return f
}

// write prints the tree as XML.
func (t *mefTree) write(w *bufio.Writer) {
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opsa-mef>\n")
	name := t.g.Model.GetName()
	if name == "" {
		name = "homeostat"
	}
	name = (&mefTree{names: map[string]bool{}}).name(name)
	fmt.Fprintf(w, "  <define-fault-tree name=\"%s\">\n", name)
	for _, gt := range t.gates {
		fmt.Fprintf(w, "    <define-gate name=\"%s\">\n      <label>%s</label>\n",
			gt.name, mefText(gt.label))
		gt.f.write(w, 6)
		fmt.Fprintf(w, "    </define-gate>\n")
	}
	fmt.Fprintf(w, "  </define-fault-tree>\n  <model-data>\n")
	for _, e := range t.events {
		fmt.Fprintf(w, "    <define-basic-event name=\"%s\">\n      <label>%s</label>\n"+
			"      <float value=\"%s\"/>\n    </define-basic-event>\n",
			e.name, mefText(e.label), strconv.FormatFloat(e.p, 'g', -1, 64))
	}
	fmt.Fprintf(w, "  </model-data>\n</opsa-mef>\n")
}

func (f *mefFormula) write(w *bufio.Writer, indent int) {
	pad := strings.Repeat(" ", indent)
	switch f.op {
	case "constant":
		fmt.Fprintf(w, "%s<constant value=\"%t\"/>\n", pad, f.value)
	case "gate", "basic-event":
		fmt.Fprintf(w, "%s<%s name=\"%s\"/>\n", pad, f.op, f.name)
	default:
		if f.op == "atleast" {
			fmt.Fprintf(w, "%s<atleast min=\"%d\">\n", pad, f.min)
		} else {
			fmt.Fprintf(w, "%s<%s>\n", pad, f.op)
		}
		for _, a := range f.args {
			a.write(w, indent+2)
		}
		fmt.Fprintf(w, "%s</%s>\n", pad, f.op)
	}
}

// mefText escapes a label for XML and folds it onto one line, as the
// MEF's normalized strings require.
func mefText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(strings.Join(strings.Fields(s), " ")))
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}
