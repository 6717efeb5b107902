package model

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Validate checks a decoded model against the meaning SPEC.md gives it
// and reports every problem at once. Errors come back as a Diagnostics
// (matching ErrInvalid); warnings, which do not stop a model, are
// returned either way. src locates fields in the text; it may be nil (or
// hold no tree, for binary input), and then the diagnostics have paths
// but no lines. The work is linear in the size of the model.
func Validate(m *pb.Model, src *Source) (warnings Diagnostics, err error) {
	return newValidator(m, src, false).check()
}

// check runs every check and returns the warnings and the errors.
func (v *validator) check() (warnings Diagnostics, err error) {
	v.run()
	v.errs.sortByPosition()
	v.warns.sortByPosition()
	if len(v.errs) > 0 {
		return v.warns, v.errs
	}
	return v.warns, nil
}

// validator holds what the checks share: the id index, the dependency and
// supervision graphs built while walking the vertices, and the findings.
// When it keeps its lookups (for Open), it also records each vertex's VM
// host and the targets, so that a valid model's ids are resolved once.
type validator struct {
	m           *pb.Model
	src         *Source
	file        string
	ids         map[string]int32
	hasVMHost   bool
	deps, sups  csrRows
	edges       int     // depends_on entries in the model
	supervised  int     // supervises entries in the model
	hosts       []int32 // kept lookups: each vertex's host, or -1
	targets     []int32 // kept lookups: the targets
	keep        bool
	suggestions int // "did you mean" lookups left; each scans every id
	errs, warns Diagnostics
}

func newValidator(m *pb.Model, src *Source, keep bool) *validator {
	v := &validator{m: m, src: src, keep: keep, suggestions: 20}
	if src != nil {
		v.file = src.File
	}
	return v
}

func (v *validator) run() {
	v.indexIDs()
	v.sizeRows()
	v.modelFields()
	for i, x := range v.m.GetVertices() {
		v.vertex(i, x)
	}
	v.deps.close()
	v.sups.close()

	v.controlPlane(v.m.GetControlPlane())
	if d := v.m.GetSimulation().GetDuration(); d < 0 {
		v.errorf("simulation.duration", "the duration must not be negative, got %s",
			v.ticks(d))
	}

	// The graphs are complete only after every vertex has been seen.
	v.cycles(v.deps, "depends_on", "dependency cycle %s: recovery deadlock risk")
	v.cycles(v.sups, "supervises",
		"supervision cycle %s: an escalation never reaches a supervisor outside it")
}

func (v *validator) errorf(path, format string, args ...any) {
	v.errs = append(v.errs, v.diagnostic(path, fmt.Sprintf(format, args...)))
}

func (v *validator) warnf(path, format string, args ...any) {
	d := v.diagnostic(path, fmt.Sprintf(format, args...))
	d.Warning = true
	v.warns = append(v.warns, d)
}

func (v *validator) diagnostic(path, msg string) Diagnostic {
	line, col := v.src.Pos(path)
	return Diagnostic{File: v.file, Line: line, Col: col, Path: path, Msg: msg}
}

// ticks writes a duration for a message, in the model's tick.
func (v *validator) ticks(n int64) string {
	return FormatDuration(n, v.m.GetTickNanos())
}

// where names the place of path for "first defined at" remarks.
func (v *validator) where(path string) string {
	if line, _ := v.src.Pos(path); line > 0 {
		return "line " + strconv.Itoa(line)
	}
	return path
}

// fieldAt names a field lazily, so that the path string is built only when a
// problem is reported: field rest of vertex i, or of element k of its list
// field list when that is set, or the top-level path rest when i is
// negative.
type fieldAt struct {
	i    int
	rest string
	list string
	k    int
}

func (a fieldAt) path() string {
	switch {
	case a.i < 0:
		return a.rest
	case a.list != "":
		return listPath(a.i, a.list, a.k) + "." + a.rest
	}
	return vpath(a.i, a.rest)
}

func topField(path string) fieldAt { return fieldAt{i: -1, rest: path} }

// vfield names field rest of vertex i.
func vfield(i int, rest string) fieldAt { return fieldAt{i: i, rest: rest} }

// listPath names element k of a list field of vertex i.
func listPath(i int, field string, k int) string {
	return vpath(i, field+"["+strconv.Itoa(k)+"]")
}

func vpath(i int, rest string) string {
	p := "vertices[" + strconv.Itoa(i) + "]"
	if rest == "" {
		return p
	}
	return p + "." + rest
}

// indexIDs maps every id to its first vertex and reports missing and
// repeated ids.
func (v *validator) indexIDs() {
	vs := v.m.GetVertices()
	v.ids = make(map[string]int32, len(vs))
	for i, x := range vs {
		id := x.GetId()
		first, dup := v.ids[id]
		switch {
		case id == "":
			v.errorf(vpath(i, "id"), "missing id: every vertex needs one")
		case dup:
			v.errorf(vpath(i, "id"), "duplicate id %q (first used at %s)",
				id, v.where(vpath(int(first), "id")))
		default:
			v.ids[id] = int32(i)
		}
		v.hasVMHost = v.hasVMHost || x.GetKind() == pb.Kind_KIND_VMHOST
	}
}

// sizeRows counts the edges, so that the graphs are allocated once.
func (v *validator) sizeRows() {
	vs := v.m.GetVertices()
	for _, x := range vs {
		v.edges += len(x.GetDependsOn())
		v.supervised += len(x.GetSupervisor().GetSupervises())
	}
	v.deps.grow(len(vs), v.edges)
	v.sups.grow(len(vs), v.supervised)
	if v.keep {
		v.hosts = make([]int32, len(vs))
		for i := range v.hosts {
			v.hosts[i] = -1
		}
	}
}

// refs hands the lookups of a valid model over to compileRefs. Every
// depends_on and supervises entry of a valid model names another vertex
// of a kind it may, so the graphs hold every edge.
func (v *validator) refs() *refs {
	if len(v.deps.next) != v.edges || len(v.sups.next) != v.supervised {
		panic("model: a valid model has an edge the validator did not resolve")
	}
	return &refs{index: v.ids, deps: v.deps, children: v.sups,
		hosts: v.hosts, targets: v.targets}
}

// ref resolves a vertex id written at path, reporting it when unknown.
func (v *validator) ref(path, id string) (int32, bool) {
	if id == "" {
		v.errorf(path, "empty vertex id")
		return 0, false
	}
	j, ok := v.ids[id]
	if !ok {
		v.errorf(path, "unknown vertex %q%s", id, v.suggestID(id))
	}
	return j, ok
}

// suggestID proposes a known id close to a misspelt one, for the first
// few unknown ids of models small enough to scan.
func (v *validator) suggestID(id string) string {
	if v.suggestions <= 0 || len(v.ids) > 10000 {
		return ""
	}
	v.suggestions--
	// In file order, not map order, so that a tie always goes the same way.
	known := make([]string, 0, len(v.ids))
	for _, x := range v.m.GetVertices() {
		if x.GetId() != "" {
			known = append(known, x.GetId())
		}
	}
	return suggestName(id, known)
}

func (v *validator) kindOf(j int32) pb.Kind {
	return v.m.GetVertices()[j].GetKind()
}

func kindText(k pb.Kind) string {
	if int(k) >= 0 && int(k) < len(textKinds) {
		return textKinds[k]
	}
	return "kind " + strconv.Itoa(int(k))
}

func (v *validator) modelFields() {
	if len(v.m.GetVertices()) == 0 {
		v.errorf("vertices", "a model needs at least one vertex")
	}
	if t := v.m.GetTickNanos(); t < 0 {
		v.errorf("tick", "the tick must be longer than zero, got %dns", t)
	}
	targets := v.m.GetTargets()
	for k, id := range targets {
		if j, ok := v.ref("targets["+strconv.Itoa(k)+"]", id); ok && v.keep {
			v.targets = append(v.targets, j)
		}
	}
	eachDuplicate(len(targets), func(k int) string { return targets[k] }, func(k, first int) {
		v.errorf("targets["+strconv.Itoa(k)+"]", "%q is listed twice", targets[k])
	})
}

// eachDuplicate calls report(k, first) for every entry equal to an earlier
// one; short lists are compared pairwise, long ones through a map.
func eachDuplicate(n int, at func(int) string, report func(k, first int)) {
	if n <= 16 {
		for k := 1; k < n; k++ {
			for j := 0; j < k; j++ {
				if at(j) == at(k) {
					report(k, j)
					break
				}
			}
		}
		return
	}

	seen := make(map[string]int, n)
	for k := range n {
		if first, ok := seen[at(k)]; ok {
			report(k, first)
		} else {
			seen[at(k)] = k
		}
	}
}

func (v *validator) vertex(i int, x *pb.Vertex) {
	v.deps.start()
	v.sups.start()
	if _, ok := pb.Kind_name[int32(x.GetKind())]; !ok {
		v.errorf(vpath(i, "kind"), "unknown kind %d", x.GetKind())
	}
	v.instances(i, x)
	v.startTime(i, x.GetStartTime())
	v.dependencies(i, x)
	v.gate(i, x)
	v.failure(i, x.GetFailure())
	v.repair(i, x.GetRepair())
	v.host(i, x)
	v.supervisor(i, x)
	v.vmhost(i, x)
	v.neverFails(i, x)
}

// instances checks replicas and quorum.
func (v *validator) instances(i int, x *pb.Vertex) {
	kind := x.GetKind()
	if kind != pb.Kind_KIND_SERVICE {
		for _, f := range []struct {
			name string
			n    uint32
		}{{"replicas", x.GetReplicas()}, {"quorum", x.GetQuorum()}} {
			if f.n != 0 {
				v.errorf(vpath(i, f.name), "only a service has %s; this is a %s",
					f.name, kindText(kind))
			}
		}
		return
	}

	replicas := max(x.GetReplicas(), 1)
	if q := x.GetQuorum(); q > replicas {
		v.errorf(vpath(i, "quorum"), "quorum %d is more than the %d %s", q, replicas,
			pluralize(int(replicas), "replica"))
	}
}

func (v *validator) startTime(i int, d *pb.Delay) {
	switch law := d.GetLaw().(type) {
	case *pb.Delay_Fixed:
		if law.Fixed < 0 {
			v.errorf(vpath(i, "start_time"), "the start time must not be negative, got %s",
				v.ticks(law.Fixed))
		}
	case *pb.Delay_ExponentialMean:
		if law.ExponentialMean <= 0 {
			v.errorf(vpath(i, "start_time.exponential.mean"),
				"the mean start time must be positive, got %s", v.ticks(law.ExponentialMean))
		}
	}
}

// dependencies checks each depends_on entry and records the edges for
// cycle detection.
func (v *validator) dependencies(i int, x *pb.Vertex) {
	deps := x.GetDependsOn()
	for k, dep := range deps {
		// Look the id up directly: building the path for v.ref costs an
		// allocation per edge, and a million edges are common.
		j, ok := v.ids[dep.GetId()]
		switch {
		case !ok:
			v.ref(listPath(i, "depends_on", k)+".id", dep.GetId())
		case int(j) == i:
			v.errorf(listPath(i, "depends_on", k)+".id", "a vertex cannot depend on itself")
		default:
			v.deps.add(j)
		}
		if dep.Probability != nil || dep.Delay != nil || dep.Weight != nil {
			v.propagation(i, k, dep)
		}
	}

	eachDuplicate(len(deps), func(k int) string { return deps[k].GetId() }, func(k, first int) {
		v.errorf(listPath(i, "depends_on", k),
			"%q is already listed as depends_on[%d]", deps[k].GetId(), first)
	})
}

// propagation checks the propagation model of depends_on[k] of vertex i.
// A third of a large model's edges have one, so the paths are built only
// for a problem.
func (v *validator) propagation(i, k int, dep *pb.Dependency) {
	at := func(field string) fieldAt {
		return fieldAt{i: i, list: "depends_on", k: k, rest: field}
	}
	if dep.Probability != nil {
		v.probability(at("probability"), "probability", dep.GetProbability())
	}
	if dep.Delay != nil && dep.GetDelay() < 1 {
		v.errorf(at("delay").path(), "the delay must be at least one tick, got %s",
			v.ticks(dep.GetDelay()))
	}
	if w := dep.GetWeight(); dep.Weight != nil && !(w >= 0 && !math.IsInf(w, 1)) {
		v.errorf(at("weight").path(),
			"the weight must be zero or more and finite, got %g", w)
	}
}

// probability reports p outside [0, 1] (NaN included).
func (v *validator) probability(a fieldAt, what string, p float64) {
	if !(p >= 0 && p <= 1) {
		v.errorf(a.path(), "%s %g is outside [0, 1]", what, p)
	}
}

func (v *validator) gate(i int, x *pb.Vertex) {
	n := len(x.GetDependsOn())
	switch g := x.GetGate().GetKind().(type) {
	case *pb.Gate_KOfN:
		v.kOfN(vfield(i, "gate.k_of_n"), g.KOfN, n)
	case *pb.Gate_Threshold:
		v.threshold(vfield(i, "gate.threshold"), g.Threshold, inputWeight(x))
	case *pb.Gate_ThresholdFraction:
		f := g.ThresholdFraction
		switch a := (vfield(i, "gate.threshold_fraction")); {
		case !(f > 0 && f <= 1):
			v.errorf(a.path(), "threshold_fraction %g is outside (0, 1]", f)
		case !(inputWeight(x) > 0):
			v.errorf(a.path(), "the inputs weigh nothing in total, so no fraction of it "+
				"is meaningful; give the vertex depends_on with weights")
		}
	}
}

func (v *validator) kOfN(a fieldAt, k uint32, n int) {
	switch {
	case k == 0:
		v.errorf(a.path(), "k_of_n must be at least 1")
	case n == 0:
		v.errorf(a.path(), "k_of_n is %d but the vertex has no inputs (no depends_on)", k)
	case int(k) > n:
		v.errorf(a.path(), "%d is more than the %d %s", k, n, pluralize(n, "input"))
	}
}

func (v *validator) threshold(a fieldAt, t, total float64) {
	switch {
	case !(t > 0) || math.IsInf(t, 1):
		v.errorf(a.path(), "the threshold must be positive and finite, got %g", t)
	case t > total:
		v.errorf(a.path(), "threshold %g can never be reached: the inputs weigh %g in total",
			t, total)
	}
}

func inputWeight(x *pb.Vertex) float64 {
	total := 0.0
	for _, dep := range x.GetDependsOn() {
		if dep.Weight == nil {
			total++
		} else if w := dep.GetWeight(); w > 0 {
			total += w
		}
	}
	return total
}

func pluralize(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func (v *validator) failure(i int, f *pb.Failure) {
	switch model := f.GetModel().(type) {
	case *pb.Failure_Bernoulli:
		v.probability(vfield(i, "failure.bernoulli.p"), "p", model.Bernoulli.GetP())
	case *pb.Failure_Exponential:
		v.positive(vfield(i, "failure.exponential.mttf"), "mttf", model.Exponential.GetMttf())
	case *pb.Failure_Weibull:
		w := model.Weibull
		if s := w.GetShape(); !(s > 0) || math.IsInf(s, 1) {
			v.errorf(vpath(i, "failure.weibull.shape"),
				"the shape must be positive and finite, got %g", s)
		}
		v.positive(vfield(i, "failure.weibull.scale"), "the scale", w.GetScale())
	case *pb.Failure_Schedule:
		v.schedule(i, model.Schedule.GetWindows())
	case *pb.Failure_Unavailability:
		v.probability(vfield(i, "failure.unavailability"), "unavailability",
			model.Unavailability)
	}
}

// positive reports a span of ticks that must be longer than zero.
func (v *validator) positive(a fieldAt, what string, ticks int64) {
	if ticks <= 0 {
		v.errorf(a.path(), "%s must be longer than zero, got %s", what, v.ticks(ticks))
	}
}

// notNegative reports a span of ticks that must not be negative.
func (v *validator) notNegative(a fieldAt, what string, ticks int64) {
	if ticks < 0 {
		v.errorf(a.path(), "%s must not be negative, got %s", what, v.ticks(ticks))
	}
}

// positiveOrDefault reports a span where zero means the default: negative
// is wrong, and so is a zero written out (it would silently become the
// default).
func (v *validator) positiveOrDefault(a fieldAt, what string, ticks int64) {
	if ticks < 0 || ticks == 0 && v.src.written(a.path()) {
		v.errorf(a.path(), "%s must be at least one tick, got %s", what, v.ticks(ticks))
	}
}

func (v *validator) schedule(i int, windows []*pb.Window) {
	for k, w := range windows {
		at := fieldAt{i: i, list: "failure.schedule", k: k, rest: "at"}
		v.notNegative(at, "the start (at)", w.GetAt())
		at.rest = "duration"
		v.positive(at, "the duration", w.GetDuration())
	}
}

func (v *validator) repair(i int, r *pb.Repair) {
	switch model := r.GetModel().(type) {
	case *pb.Repair_Exponential:
		v.positive(vfield(i, "repair.exponential.mttr"), "mttr", model.Exponential.GetMttr())
	case *pb.Repair_Fixed:
		v.positive(vfield(i, "repair.fixed.duration"), "the repair duration",
			model.Fixed.GetDuration())
	}
}

// host checks a fixed placement (a hosts edge).
func (v *validator) host(i int, x *pb.Vertex) {
	id := x.GetHostedOn()
	if id == "" {
		return
	}
	j, ok := v.ids[id]
	switch {
	case x.GetKind() == pb.Kind_KIND_VMHOST:
		v.errorf(vpath(i, "hosted_on"), "a vmhost cannot be hosted on another vmhost")
	case !ok:
		v.ref(vpath(i, "hosted_on"), id)
	case v.kindOf(j) != pb.Kind_KIND_VMHOST:
		v.errorf(vpath(i, "hosted_on"), "%q is a %s, not a vmhost", id, kindText(v.kindOf(j)))
	case v.keep:
		v.hosts[i] = j
	}
}

// neverFails warns about a service that nothing can bring down. VM hosts
// and supervisors without a failure model are common (the model is about
// the services) and are not reported.
func (v *validator) neverFails(i int, x *pb.Vertex) {
	if x.GetKind() != pb.Kind_KIND_SERVICE || len(x.GetDependsOn()) > 0 ||
		x.GetHostedOn() != "" || hasFailureModel(x.GetFailure()) {
		return
	}
	v.warnf(vpath(i, ""), "%q never fails: it has no failure model, no depends_on "+
		"and no hosted_on", x.GetId())
}

func hasFailureModel(f *pb.Failure) bool {
	switch model := f.GetModel().(type) {
	case *pb.Failure_Bernoulli:
		return model.Bernoulli.GetP() > 0
	case *pb.Failure_Exponential, *pb.Failure_Weibull:
		return true
	case *pb.Failure_Schedule:
		return len(model.Schedule.GetWindows()) > 0
	case *pb.Failure_Unavailability:
		return model.Unavailability > 0
	}
	return false
}

// supervisorFields are the flat text-form names of Supervisor's fields,
// in the order a misplaced one is looked for.
var supervisorFields = []struct {
	name  string
	isSet func(s *pb.Supervisor) bool
}{
	{"supervises", func(s *pb.Supervisor) bool { return len(s.GetSupervises()) > 0 }},
	{"strategy", func(s *pb.Supervisor) bool { return s.GetStrategy() != 0 }},
	{"placement", func(s *pb.Supervisor) bool { return s.GetPlacement() != 0 }},
	{"probe", func(s *pb.Supervisor) bool { return s.GetProbe() != nil }},
	{"backoff", func(s *pb.Supervisor) bool { return s.GetBackoff() != nil }},
	{"max_restarts", func(s *pb.Supervisor) bool { return s.GetMaxRestarts() != 0 }},
	{"period", func(s *pb.Supervisor) bool { return s.GetPeriod() != 0 }},
	{"max_concurrent_restarts", func(s *pb.Supervisor) bool {
		return s.GetMaxConcurrentRestarts() != 0
	}},
}

// misplaced names the first supervisor (or VM host) field written on a
// vertex of another kind: the text's own if known, else the first set.
func (v *validator) misplaced(i int, names []string, set []bool, whole string) string {
	for k, name := range names {
		if p := vpath(i, name); v.src.written(p) {
			return p
		}
		if set[k] {
			return vpath(i, names[k])
		}
	}
	return vpath(i, whole)
}

func (v *validator) supervisor(i int, x *pb.Vertex) {
	s := x.GetSupervisor()
	if x.GetKind() != pb.Kind_KIND_SUPERVISOR {
		if s != nil {
			names, set := make([]string, 0, 8), make([]bool, 0, 8)
			for _, f := range supervisorFields {
				names, set = append(names, f.name), append(set, f.isSet(s))
			}
			path := v.misplaced(i, names, set, "supervisor")
			v.errorf(path, "only a supervisor has this setting; this vertex is a %s "+
				"(add kind: supervisor?)", kindText(x.GetKind()))
		}
		return
	}

	v.supervisorEnums(i, s)
	v.children(i, s)
	v.probe(i, s.GetProbe())
	v.backoff(i, s.GetBackoff())
	v.notNegative(vfield(i, "period"), "the period", s.GetPeriod())
}

// supervisorEnums catches enum values a binary file may hold that the
// schema does not define.
func (v *validator) supervisorEnums(i int, s *pb.Supervisor) {
	if _, ok := pb.Strategy_name[int32(s.GetStrategy())]; !ok {
		v.errorf(vpath(i, "strategy"), "unknown strategy %d", s.GetStrategy())
	}
	if _, ok := pb.Placement_name[int32(s.GetPlacement())]; !ok {
		v.errorf(vpath(i, "placement"), "unknown placement %d", s.GetPlacement())
	}
	if _, ok := pb.Check_name[int32(s.GetProbe().GetCheck())]; !ok {
		v.errorf(vpath(i, "probe.check"), "unknown check %d", s.GetProbe().GetCheck())
	}
}

// children checks the supervises list and records the supervision edges.
func (v *validator) children(i int, s *pb.Supervisor) {
	children := s.GetSupervises()
	if len(children) == 0 {
		v.warnf(vpath(i, "supervises"), "the supervisor supervises nothing")
	}

	replicas := s.GetStrategy() == pb.Strategy_STRATEGY_REPLICAS
	if replicas && !v.hasVMHost {
		v.warnf(vpath(i, "strategy"), "strategy replicas places instances on vmhosts, "+
			"but the model has none: every placement will fail")
	}

	for k, id := range children {
		if j, ok := v.ids[id]; ok {
			v.child(i, k, j, replicas)
		} else {
			v.ref(listPath(i, "supervises", k), id)
		}
	}

	eachDuplicate(len(children), func(k int) string { return children[k] },
		func(k, first int) {
			v.errorf(listPath(i, "supervises", k),
				"%q is already listed as supervises[%d]", children[k], first)
		})
}

// child checks that vertex j may be child k of supervisor i.
func (v *validator) child(i, k int, j int32, replicas bool) {
	kind, id := v.kindOf(j), v.m.GetVertices()[j].GetId()
	switch {
	case int(j) == i:
		v.errorf(listPath(i, "supervises", k), "a supervisor cannot supervise itself")
	case kind == pb.Kind_KIND_VMHOST:
		v.errorf(listPath(i, "supervises", k), "%q is a vmhost; vmhosts are not "+
			"supervised, a supervisor asks them for instances", id)
	case replicas && kind != pb.Kind_KIND_SERVICE:
		v.errorf(listPath(i, "supervises", k), "strategy replicas keeps instances of "+
			"services; %q is a %s", id, kindText(kind))
	default:
		v.sups.add(j)
	}
}

func (v *validator) probe(i int, p *pb.Probe) {
	if p != nil {
		v.positiveOrDefault(vfield(i, "probe.interval"), "the probe interval",
			p.GetInterval())
	}
}

func (v *validator) backoff(i int, b *pb.Backoff) {
	if b == nil {
		return
	}
	v.notNegative(vfield(i, "backoff.initial"), "the initial back-off", b.GetInitial())
	v.notNegative(vfield(i, "backoff.max"), "the largest back-off", b.GetMax())
	v.notNegative(vfield(i, "backoff.reset_after"), "reset_after", b.GetResetAfter())

	if f := b.GetFactor(); f != 0 && !(f >= 1 && !math.IsInf(f, 1)) {
		v.errorf(vpath(i, "backoff.factor"),
			"the factor must be at least 1 (the delay never shrinks), got %g", f)
	}
	if b.GetMax() > 0 && b.GetInitial() > b.GetMax() {
		v.errorf(vpath(i, "backoff.max"), "the largest back-off %s is shorter than "+
			"the initial %s", v.ticks(b.GetMax()), v.ticks(b.GetInitial()))
	}
}

func (v *validator) vmhost(i int, x *pb.Vertex) {
	h := x.GetVmhost()
	if x.GetKind() == pb.Kind_KIND_VMHOST {
		v.notNegative(vfield(i, "boot_time"), "the boot time", h.GetBootTime())
		return
	}
	if h != nil {
		path := v.misplaced(i, []string{"capacity", "boot_time"},
			[]bool{h.GetCapacity() != 0, h.GetBootTime() != 0}, "vmhost")
		v.errorf(path, "only a vmhost has this setting; this vertex is a %s "+
			"(add kind: vmhost?)", kindText(x.GetKind()))
	}
}

func (v *validator) controlPlane(cp *pb.ControlPlane) {
	if d := cp.GetDefault(); d != nil {
		if len(d.GetBetween()) > 0 {
			v.errorf("control_plane.default.between",
				"the default link applies to every pair; it has no between")
		}
		v.linkProperties("control_plane.default", d)
	}

	seen := make(map[[2]string]int)
	for k, l := range cp.GetLinks() {
		path := "control_plane.links[" + strconv.Itoa(k) + "]"
		v.linkEnds(path, l.GetBetween(), k, seen)
		v.linkProperties(path, l)
	}
	for k, p := range cp.GetPartitions() {
		v.partition("control_plane.partitions["+strconv.Itoa(k)+"]", p)
	}
}

func (v *validator) linkProperties(path string, l *pb.Link) {
	v.positiveOrDefault(topField(path+".latency"), "the latency", l.GetLatency())
	v.probability(topField(path+".loss"), "loss", l.GetLoss())
}

// linkEnds checks that a link joins two different known vertices and is
// the only link between them.
func (v *validator) linkEnds(path string, ends []string, k int, seen map[[2]string]int) {
	if len(ends) != 2 {
		v.errorf(path+".between", "a link joins exactly two vertices, got %d", len(ends))
		return
	}

	okA := v.refOK(path+".between[0]", ends[0])
	okB := v.refOK(path+".between[1]", ends[1])
	if !okA || !okB {
		return
	}

	// A link has no direction: a-b and b-a are the same pair.
	key := [2]string{min(ends[0], ends[1]), max(ends[0], ends[1])}
	first, dup := seen[key]
	switch {
	case ends[0] == ends[1]:
		v.errorf(path+".between", "a link joins two different vertices, got %q twice", ends[0])
	case dup:
		v.errorf(path+".between", "a second link between %q and %q (the first is "+
			"control_plane.links[%d])", ends[0], ends[1], first)
	default:
		seen[key] = k
	}
}

func (v *validator) refOK(path, id string) bool {
	_, ok := v.ref(path, id)
	return ok
}

func (v *validator) partition(path string, p *pb.Partition) {
	v.notNegative(topField(path+".at"), "the start (at)", p.GetAt())
	v.positive(topField(path+".duration"), "the duration", p.GetDuration())

	sides := p.GetSides()
	if len(sides) < 2 {
		v.errorf(path+".sides", "a partition needs at least two sides, got %d", len(sides))
	}

	side := make(map[string]int)
	for s, sd := range sides {
		spath := path + ".sides[" + strconv.Itoa(s) + "]"
		if len(sd.GetIds()) == 0 {
			v.errorf(spath, "a side needs at least one vertex")
		}
		for e, id := range sd.GetIds() {
			epath := spath + "[" + strconv.Itoa(e) + "]"
			if !v.refOK(epath, id) {
				continue
			}
			if first, dup := side[id]; dup {
				v.errorf(epath, "%q is already on side %d", id, first)
			} else {
				side[id] = s
			}
		}
	}
}

// csrRows is a directed graph over vertex indices in compressed rows:
// the successors of u are next[off[u]:off[u+1]]. It is built one vertex
// at a time, in vertex order.
type csrRows struct {
	off  []int32
	next []int32
}

// grow makes room for rows rows and edges edges.
func (g *csrRows) grow(rows, edges int) {
	g.off = slices.Grow(g.off, rows+1)
	if edges > 0 {
		g.next = slices.Grow(g.next, edges)
	}
}

// start begins the row of the next vertex.
func (g *csrRows) start() {
	g.off = append(g.off, int32(len(g.next)))
}

func (g *csrRows) add(j int32) {
	g.next = append(g.next, j)
}

// close ends the last row.
func (g *csrRows) close() {
	g.off = append(g.off, int32(len(g.next)))
}

func (g *csrRows) row(u int32) []int32 {
	return g.next[g.off[u]:g.off[u+1]]
}

// cycles warns once about every strongly connected component of g with
// more than one vertex, naming a shortest cycle through its first vertex.
func (v *validator) cycles(g csrRows, field, format string) {
	loops := loopComponents(g)
	if len(loops) == 0 {
		return
	}

	finder := newCycleFinder(g)
	for _, comp := range loops {
		cycle := finder.shortest(comp)
		from, to := cycle[0], cycle[1]
		path := vpath(int(from), field)
		if k := v.edgeIndex(from, to, field); k >= 0 {
			path += "[" + strconv.Itoa(k) + "]"
		}
		v.warnf(path, format, v.describeCycle(cycle, len(comp)))
	}
}

// edgeIndex finds the list position of the edge from -> to.
func (v *validator) edgeIndex(from, to int32, field string) int {
	x := v.m.GetVertices()[from]
	want := v.m.GetVertices()[to].GetId()
	if field == "supervises" {
		return indexOfString(x.GetSupervisor().GetSupervises(), want)
	}
	for k, dep := range x.GetDependsOn() {
		if dep.GetId() == want {
			return k
		}
	}
	return -1
}

func indexOfString(list []string, s string) int {
	for k, e := range list {
		if e == s {
			return k
		}
	}
	return -1
}

// describeCycle writes "a -> b -> a", eliding the middle of long cycles
// and saying how many vertices the whole loop holds.
func (v *validator) describeCycle(cycle []int32, size int) string {
	names := make([]string, 0, 12)
	for k, u := range cycle {
		if len(cycle) > 12 && k == 5 {
			names = append(names, "...")
		}
		if len(cycle) <= 12 || k < 5 || k >= len(cycle)-5 {
			names = append(names, v.m.GetVertices()[u].GetId())
		}
	}

	s := strings.Join(names, " -> ")
	if size > len(cycle)-1 {
		s += fmt.Sprintf(" (one of the cycles among %d vertices)", size)
	}
	return s
}

// loopComponents returns the strongly connected components of g that hold
// more than one vertex, by Tarjan's algorithm with an explicit stack so
// that a chain of a million dependencies cannot overflow anything.
func loopComponents(g csrRows) [][]int32 {
	n := len(g.off) - 1
	t := tarjan{g: g, index: make([]int32, n), low: make([]int32, n),
		onStack: make([]bool, n)}
	for s := range n {
		if t.index[s] == 0 {
			t.visit(int32(s))
		}
	}
	return t.comps
}

// tarjan is the state of one run; index holds discovery order + 1, so 0
// means not yet visited.
type tarjan struct {
	g       csrRows
	index   []int32
	low     []int32
	onStack []bool
	stack   []int32
	calls   []tarjanFrame // the explicit call stack, reused from root to root
	counter int32
	comps   [][]int32
}

// tarjanFrame is a vertex whose successors are being explored, and the next
// successor to look at.
type tarjanFrame struct{ u, next int32 }

func (t *tarjan) visit(root int32) {
	calls := append(t.calls[:0], t.discover(root))
	for len(calls) > 0 {
		top := &calls[len(calls)-1]
		u := top.u
		if top.next < t.g.off[u+1] {
			// Explore the next successor: descend into a new vertex, or
			// lower u's link to one still on the stack.
			w := t.g.next[top.next]
			top.next++
			if t.index[w] == 0 {
				calls = append(calls, t.discover(w))
			} else if t.onStack[w] {
				t.low[u] = min(t.low[u], t.index[w])
			}
			continue
		}

		// u is finished: pass its low link up, and close its component
		// when u is the root of one.
		calls = calls[:len(calls)-1]
		if len(calls) > 0 {
			parent := calls[len(calls)-1].u
			t.low[parent] = min(t.low[parent], t.low[u])
		}
		if t.low[u] == t.index[u] {
			t.pop(u)
		}
	}
	t.calls = calls
}

func (t *tarjan) discover(u int32) tarjanFrame {
	t.counter++
	t.index[u], t.low[u] = t.counter, t.counter
	t.stack = append(t.stack, u)
	t.onStack[u] = true
	return tarjanFrame{u, t.g.off[u]}
}

// pop takes the component rooted at u off the stack, keeping it when it
// is a real loop.
func (t *tarjan) pop(u int32) {
	k := len(t.stack) - 1
	for t.stack[k] != u {
		k--
	}

	comp := t.stack[k:]
	for _, w := range comp {
		t.onStack[w] = false
	}
	if len(comp) > 1 {
		t.comps = append(t.comps, slices.Clone(comp))
	}
	t.stack = t.stack[:k]
}

// cycleFinder finds shortest cycles inside the loops of one graph. Its
// arrays are allocated once and reused from loop to loop, marked with a
// generation number instead of cleared, so that the work stays linear.
type cycleFinder struct {
	g       csrRows
	inLoop  []int32 // generation of the loop a vertex was last marked in
	reached []int32 // generation in which the search reached a vertex
	parent  []int32
	gen     int32
}

func newCycleFinder(g csrRows) *cycleFinder {
	n := len(g.off) - 1
	return &cycleFinder{g: g, inLoop: make([]int32, n), reached: make([]int32, n),
		parent: make([]int32, n)}
}

// shortest returns, by breadth-first search inside loop, a shortest cycle
// through loop's lowest vertex, as u0, u1, ..., u0.
func (f *cycleFinder) shortest(loop []int32) []int32 {
	f.gen++
	for _, u := range loop {
		f.inLoop[u] = f.gen
	}

	start := slices.Min(loop)
	f.reached[start], f.parent[start] = f.gen, -1

	queue := []int32{start}
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		for _, w := range f.g.row(u) {
			if w == start {
				return f.unwind(u, start)
			}
			if f.inLoop[w] == f.gen && f.reached[w] != f.gen {
				f.reached[w], f.parent[w] = f.gen, u
				queue = append(queue, w)
			}
		}
	}
	panic("model: every vertex of a strongly connected component lies on a cycle")
}

// unwind follows parents from last back to start and closes the loop.
func (f *cycleFinder) unwind(last, start int32) []int32 {
	var back []int32
	for u := last; u != -1; u = f.parent[u] {
		back = append(back, u)
	}
	slices.Reverse(back)
	return append(back, start)
}
