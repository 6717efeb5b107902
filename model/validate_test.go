package model

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"google.golang.org/protobuf/proto"
)

// TestValidateErrors has one case per kind of mistake; ⟪ marks where
// the diagnostic must point.
func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name, yaml, path, msg string
	}{
		{"empty model", "⟪name: nothing\n", "vertices", "a model needs at least one vertex"},
		{"missing id", "vertices:\n  - ⟪{kind: service}\n", "vertices[0].id", "missing id"},
		{"duplicate id", "vertices:\n  - {id: a}\n  - {id: ⟪a}\n", "vertices[1].id",
			`duplicate id "a" (first used at line 2)`},
		{"unknown dependency", "vertices:\n  - {id: a, depends_on: [b, ⟪dd]}\n  - {id: b}\n",
			"vertices[0].depends_on[1].id", `unknown vertex "dd"`},
		{"unknown dependency mapping", "vertices:\n  - {id: a, depends_on: [{id: ⟪zz}]}\n",
			"vertices[0].depends_on[0].id", `unknown vertex "zz"`},
		{"unknown host", "vertices:\n  - {id: a, hosted_on: ⟪vm9}\n  - {id: vm1, kind: vmhost}\n",
			"vertices[0].hosted_on", `unknown vertex "vm9" (did you mean "vm1"?)`},
		{"unknown child", "vertices:\n  - {id: s, kind: supervisor, supervises: [⟪x]}\n",
			"vertices[0].supervises[0]", `unknown vertex "x"`},
		{"unknown target", "targets: [⟪nope]\nvertices: [{id: a}]\n", "targets[0]",
			`unknown vertex "nope"`},
		{"unknown link end",
			"vertices: [{id: a}]\ncontrol_plane:\n  links: [{between: [a, ⟪b]}]\n",
			"control_plane.links[0].between[1]", `unknown vertex "b"`},
		{"unknown side", "vertices: [{id: a}, {id: b}]\ncontrol_plane:\n" +
			"  partitions: [{at: 1h, duration: 1m, sides: [[a], [b, ⟪c]]}]\n",
			"control_plane.partitions[0].sides[1][1]", `unknown vertex "c"`},
		{"supervises a vmhost", "vertices:\n  - {id: s, kind: supervisor, supervises: [⟪vm]}\n" +
			"  - {id: vm, kind: vmhost}\n", "vertices[0].supervises[0]", `"vm" is a vmhost`},
		{"supervises itself", "vertices:\n  - {id: s, kind: supervisor, supervises: [⟪s]}\n",
			"vertices[0].supervises[0]", "a supervisor cannot supervise itself"},
		{"supervises on a service", "vertices:\n  - {id: a}\n  - {id: b, supervises: ⟪[a]}\n",
			"vertices[1].supervises",
			"only a supervisor has this setting; this vertex is a service"},
		{"strategy on a vmhost", "vertices:\n  - {id: v, kind: vmhost, strategy: ⟪one_for_all}\n",
			"vertices[0].strategy", "only a supervisor has this setting; this vertex is a vmhost"},
		{"capacity on a service", "vertices:\n  - {id: a, capacity: ⟪4}\n",
			"vertices[0].capacity", "only a vmhost has this setting"},
		{"boot_time on a supervisor",
			"vertices:\n  - {id: s, kind: supervisor, boot_time: ⟪1m}\n",
			"vertices[0].boot_time", "only a vmhost has this setting; this vertex is a supervisor"},
		{"hosted on a service", "vertices:\n  - {id: a, hosted_on: ⟪b}\n  - {id: b}\n",
			"vertices[0].hosted_on", `"b" is a service, not a vmhost`},
		{"vmhost on a vmhost", "vertices:\n  - {id: v, kind: vmhost, hosted_on: ⟪w}\n" +
			"  - {id: w, kind: vmhost}\n", "vertices[0].hosted_on", "a vmhost cannot be hosted"},
		{"k_of_n too large", "vertices:\n  - id: a\n    depends_on: [b, c, d]\n" +
			"    gate: {k_of_n: ⟪4}\n  - {id: b}\n  - {id: c}\n  - {id: d}\n",
			"vertices[0].gate.k_of_n", "4 is more than the 3 inputs"},
		{"k_of_n one input", "vertices:\n  - {id: a, depends_on: [b], gate: {k_of_n: ⟪2}}\n" +
			"  - {id: b}\n", "vertices[0].gate.k_of_n", "2 is more than the 1 input"},
		{"k_of_n zero", "vertices:\n  - {id: a, depends_on: [b], gate: {k_of_n: ⟪0}}\n" +
			"  - {id: b}\n", "vertices[0].gate.k_of_n", "k_of_n must be at least 1"},
		{"k_of_n no inputs", "vertices:\n  - {id: a, gate: {k_of_n: ⟪1}}\n",
			"vertices[0].gate.k_of_n", "the vertex has no inputs"},
		{"quorum over replicas", "vertices:\n  - {id: a, replicas: 2, quorum: ⟪3}\n",
			"vertices[0].quorum", "quorum 3 is more than the 2 replicas"},
		{"quorum without replicas", "vertices:\n  - {id: a, quorum: ⟪2}\n",
			"vertices[0].quorum", "quorum 2 is more than the 1 replica"},
		{"replicas on a supervisor", "vertices:\n  - {id: s, kind: supervisor, replicas: ⟪2}\n",
			"vertices[0].replicas", "only a service has replicas; this is a supervisor"},
		{"edge probability",
			"vertices:\n  - {id: a, depends_on: [{id: b, probability: ⟪1.5}]}\n" +
				"  - {id: b}\n", "vertices[0].depends_on[0].probability",
			"probability 1.5 is outside [0, 1]"},
		{"bernoulli p", "vertices:\n  - {id: a, failure: {bernoulli: {p: ⟪-0.1}}}\n",
			"vertices[0].failure.bernoulli.p", "p -0.1 is outside [0, 1]"},
		{"loss", "vertices: [{id: a}]\ncontrol_plane:\n  default: {loss: ⟪2}\n",
			"control_plane.default.loss", "loss 2 is outside [0, 1]"},
		{"unavailability", "vertices:\n  - {id: a, failure: {unavailability: ⟪1.1}}\n",
			"vertices[0].failure.unavailability", "unavailability 1.1 is outside [0, 1]"},
		{"zero mttf", "vertices:\n  - {id: a, failure: {exponential: {mttf: ⟪0s}}}\n",
			"vertices[0].failure.exponential.mttf", "mttf must be longer than zero, got 0s"},
		{"missing mttf", "vertices:\n  - {id: a, failure: {exponential: ⟪{}}}\n",
			"vertices[0].failure.exponential.mttf", "mttf must be longer than zero"},
		{"negative mttr", "vertices:\n  - {id: a, repair: {exponential: {mttr: ⟪-1m}}}\n",
			"vertices[0].repair.exponential.mttr", "mttr must be longer than zero, got -1m"},
		{"weibull scale", "vertices:\n  - {id: a, failure: {weibull: {shape: 2, scale: ⟪0}}}\n",
			"vertices[0].failure.weibull.scale", "the scale must be longer than zero"},
		{"weibull shape", "vertices:\n  - {id: a, failure: {weibull: {shape: ⟪0, scale: 1d}}}\n",
			"vertices[0].failure.weibull.shape", "the shape must be positive"},
		{"fixed repair", "vertices:\n  - {id: a, repair: {fixed: {duration: ⟪0s}}}\n",
			"vertices[0].repair.fixed.duration", "the repair duration must be longer than zero"},
		{"probe interval", "vertices:\n  - {id: s, kind: supervisor, probe: {interval: ⟪0s}}\n",
			"vertices[0].probe.interval", "the probe interval must be at least one tick"},
		{"delay", "vertices:\n  - {id: a, depends_on: [{id: b, delay: ⟪0s}]}\n  - {id: b}\n",
			"vertices[0].depends_on[0].delay", "the delay must be at least one tick, got 0s"},
		{"latency", "vertices: [{id: a}, {id: b}]\ncontrol_plane:\n" +
			"  links: [{between: [a, b], latency: ⟪0}]\n",
			"control_plane.links[0].latency", "the latency must be at least one tick"},
		{"negative latency", "vertices: [{id: a}]\ncontrol_plane:\n  default: {latency: ⟪-1s}\n",
			"control_plane.default.latency", "the latency must be at least one tick, got -1s"},
		{"boot time", "vertices:\n  - {id: v, kind: vmhost, boot_time: ⟪-90s}\n",
			"vertices[0].boot_time", "the boot time must not be negative, got -90s"},
		{"schedule duration",
			"vertices:\n  - {id: a, failure: {schedule: [{at: 1h, duration: ⟪0s}]}}\n",
			"vertices[0].failure.schedule[0].duration", "the duration must be longer than zero"},
		{"schedule at",
			"vertices:\n  - {id: a, failure: {schedule: [{at: ⟪-1h, duration: 1m}]}}\n",
			"vertices[0].failure.schedule[0].at", "the start (at) must not be negative, got -1h"},
		{"simulation duration", "vertices: [{id: a}]\nsimulation: {duration: ⟪-1d}\n",
			"simulation.duration", "the duration must not be negative, got -1d"},
		{"start time", "vertices:\n  - {id: a, start_time: ⟪-5s}\n",
			"vertices[0].start_time", "the start time must not be negative"},
		{"start mean", "vertices:\n  - {id: a, start_time: {exponential: {mean: ⟪0s}}}\n",
			"vertices[0].start_time.exponential.mean", "the mean start time must be positive"},
		{"threshold too high", "vertices:\n  - {id: a, depends_on: [b, {id: c, weight: 0.5}], " +
			"gate: {threshold: ⟪2}}\n  - {id: b}\n  - {id: c}\n", "vertices[0].gate.threshold",
			"threshold 2 can never be reached: the inputs weigh 1.5 in total"},
		{"threshold zero", "vertices:\n  - {id: a, depends_on: [b], gate: {threshold: ⟪0}}\n" +
			"  - {id: b}\n", "vertices[0].gate.threshold", "the threshold must be positive"},
		{"fraction zero",
			"vertices:\n  - {id: a, depends_on: [b], gate: {threshold_fraction: ⟪0}}\n" +
				"  - {id: b}\n", "vertices[0].gate.threshold_fraction",
			"threshold_fraction 0 is outside (0, 1]"},
		{"fraction above one", "vertices:\n  - {id: a, depends_on: [b], " +
			"gate: {threshold_fraction: ⟪1.5}}\n  - {id: b}\n",
			"vertices[0].gate.threshold_fraction", "threshold_fraction 1.5 is outside (0, 1]"},
		{"fraction of nothing", "vertices:\n  - {id: a, gate: {threshold_fraction: ⟪0.5}}\n",
			"vertices[0].gate.threshold_fraction", "the inputs weigh nothing"},
		{"negative weight", "vertices:\n  - {id: a, depends_on: [{id: b, weight: ⟪-1}]}\n" +
			"  - {id: b}\n", "vertices[0].depends_on[0].weight", "the weight must be zero or more"},
		{"replicas child a supervisor", "vertices:\n  - {id: s, kind: supervisor, " +
			"strategy: replicas, supervises: [⟪t]}\n  - {id: t, kind: supervisor}\n" +
			"  - {id: vm, kind: vmhost}\n", "vertices[0].supervises[0]",
			`strategy replicas keeps instances of services; "t" is a supervisor`},
		{"one side", "vertices: [{id: a}]\ncontrol_plane:\n" +
			"  partitions: [{at: 1h, duration: 1m, sides: ⟪[[a]]}]\n",
			"control_plane.partitions[0].sides", "a partition needs at least two sides, got 1"},
		{"empty side", "vertices: [{id: a}]\ncontrol_plane:\n" +
			"  partitions: [{at: 1h, duration: 1m, sides: [[a], ⟪[]]}]\n",
			"control_plane.partitions[0].sides[1]", "a side needs at least one vertex"},
		{"id on two sides", "vertices: [{id: a}, {id: b}]\ncontrol_plane:\n" +
			"  partitions: [{at: 1h, duration: 1m, sides: [[a, b], [⟪a]]}]\n",
			"control_plane.partitions[0].sides[1][0]", `"a" is already on side 0`},
		{"partition duration", "vertices: [{id: a}, {id: b}]\ncontrol_plane:\n" +
			"  partitions: [{at: 1h, duration: ⟪0s, sides: [[a], [b]]}]\n",
			"control_plane.partitions[0].duration", "the duration must be longer than zero"},
		{"depends on itself", "vertices:\n  - {id: a, depends_on: [⟪a]}\n",
			"vertices[0].depends_on[0].id", "a vertex cannot depend on itself"},
		{"dependency twice", "vertices:\n  - {id: a, depends_on: [b, ⟪b]}\n  - {id: b}\n",
			"vertices[0].depends_on[1]", `"b" is already listed as depends_on[0]`},
		{"child twice", "vertices:\n  - {id: s, kind: supervisor, supervises: [a, ⟪a]}\n" +
			"  - {id: a}\n", "vertices[0].supervises[1]", `"a" is already listed as supervises[0]`},
		{"target twice", "targets: [a, ⟪a]\nvertices: [{id: a}]\n", "targets[1]",
			`"a" is listed twice`},
		{"link with three ends", "vertices: [{id: a}, {id: b}, {id: c}]\ncontrol_plane:\n" +
			"  links: [{between: ⟪[a, b, c]}]\n", "control_plane.links[0].between",
			"a link joins exactly two vertices, got 3"},
		{"link to itself", "vertices: [{id: a}]\ncontrol_plane:\n  links: [{between: ⟪[a, a]}]\n",
			"control_plane.links[0].between", `got "a" twice`},
		{"link twice", "vertices: [{id: a}, {id: b}]\ncontrol_plane:\n" +
			"  links: [{between: [a, b]}, {between: ⟪[b, a]}]\n",
			"control_plane.links[1].between",
			`a second link between "b" and "a" (the first is control_plane.links[0])`},
		{"default with ends", "vertices: [{id: a}, {id: b}]\ncontrol_plane:\n" +
			"  default: {between: ⟪[a, b]}\n", "control_plane.default.between",
			"the default link applies to every pair"},
		{"backoff factor", "vertices:\n  - {id: s, kind: supervisor, backoff: {factor: ⟪0.5}}\n",
			"vertices[0].backoff.factor", "the factor must be at least 1"},
		{"backoff max", "vertices:\n  - {id: s, kind: supervisor, " +
			"backoff: {initial: 1m, max: ⟪10s}}\n", "vertices[0].backoff.max",
			"the largest back-off 10s is shorter than the initial 1m"},
		{"backoff initial",
			"vertices:\n  - {id: s, kind: supervisor, backoff: {initial: ⟪-1s}}\n",
			"vertices[0].backoff.initial", "the initial back-off must not be negative"},
		{"period", "vertices:\n  - {id: s, kind: supervisor, period: ⟪-1m}\n",
			"vertices[0].period", "the period must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, line, col := marked(t, tt.yaml)
			m, src, err := Decode("v.yaml", []byte(text))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			_, err = Validate(m, src)
			assertDiagnostic(t, err, Diagnostic{File: "v.yaml", Line: line, Col: col,
				Path: tt.path, Msg: tt.msg})
		})
	}
}

func TestValidateWarnings(t *testing.T) {
	tests := []struct {
		name, yaml, path, msg string
	}{
		{"cycle", "vertices:\n  - {id: a, depends_on: [⟪b], failure: {bernoulli: {p: 0.1}}}\n" +
			"  - {id: b, depends_on: [a]}\n", "vertices[0].depends_on[0]",
			"dependency cycle a -> b -> a: recovery deadlock risk"},
		{"cycle in a larger loop", "vertices:\n" +
			"  - {id: a, depends_on: [x, ⟪b]}\n  - {id: b, depends_on: [c]}\n" +
			"  - {id: c, depends_on: [a, d]}\n  - {id: d, depends_on: [c]}\n" +
			"  - {id: x, failure: {bernoulli: {p: 0.1}}}\n", "vertices[0].depends_on[1]",
			"dependency cycle a -> b -> c -> a (one of the cycles among 4 vertices)"},
		{"never fails", "vertices:\n  - ⟪{id: a}\n", "vertices[0]",
			`"a" never fails: it has no failure model, no depends_on and no hosted_on`},
		{"never fails with p 0", "vertices:\n  - ⟪{id: a, failure: {bernoulli: {p: 0}}}\n",
			"vertices[0]", `"a" never fails`},
		{"idle supervisor", "vertices:\n  - {id: s, kind: supervisor, supervises: ⟪[]}\n",
			"vertices[0].supervises", "the supervisor supervises nothing"},
		{"idle supervisor unwritten", "vertices:\n  - ⟪{id: s, kind: supervisor}\n",
			"vertices[0].supervises", "supervises nothing"},
		{"replicas without hosts", "vertices:\n  - {id: s, kind: supervisor, supervises: [a], " +
			"strategy: ⟪replicas}\n  - {id: a, failure: none, hosted_on: a}\n",
			"vertices[0].strategy", "the model has none"},
		{"supervision cycle", "vertices:\n  - {id: s, kind: supervisor, supervises: [⟪t]}\n" +
			"  - {id: t, kind: supervisor, supervises: [s]}\n", "vertices[0].supervises[0]",
			"supervision cycle s -> t -> s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, line, col := marked(t, tt.yaml)
			m, src, err := Decode("w.yaml", []byte(text))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			warnings, _ := Validate(m, src)
			want := Diagnostic{File: "w.yaml", Line: line, Col: col, Path: tt.path,
				Msg: tt.msg, Warning: true}
			for _, w := range warnings {
				if w.Line == line && w.Col == col && w.Path == tt.path &&
					strings.Contains(w.Msg, tt.msg) && w.Warning {
					return
				}
			}
			t.Errorf("warnings:\n%v\nwant one like\n%v", warnings, want)
		})
	}
}

// TestValidateAcceptsRedundantSupervisors checks that two supervisors of
// the same children with different strategies are allowed (SPEC 5).
func TestValidateAcceptsRedundantSupervisors(t *testing.T) {
	text := `vertices:
  - {id: a, failure: {exponential: {mttf: 1d}}}
  - {id: b, failure: {exponential: {mttf: 1d}}}
  - {id: s1, kind: supervisor, supervises: [a, b], strategy: one_for_all}
  - {id: s2, kind: supervisor, supervises: [a, b], strategy: replicas}
  - {id: vm, kind: vmhost}
  - {id: c, depends_on: [a, b], gate: any}
`
	m, src, err := Decode("ok.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	warnings, err := Validate(m, src)
	if err != nil || len(warnings) > 0 {
		t.Errorf("Validate = %v, %v; want no problem", warnings, err)
	}
}

// TestValidateBinary checks a model without a text source: paths still
// name the fields, in text-form terms, and there are no lines.
func TestValidateBinary(t *testing.T) {
	m := &pb.Model{
		TickNanos: -5,
		Vertices: []*pb.Vertex{
			{Id: "a", Kind: pb.Kind(7)},
			{Id: "b", DependsOn: []*pb.Dependency{{Id: "a"}}, Gate: &pb.Gate{
				Kind: &pb.Gate_KOfN{KOfN: 3}}},
			{Id: "s", Kind: pb.Kind_KIND_SUPERVISOR, Supervisor: &pb.Supervisor{
				Supervises: []string{"a"}, Strategy: pb.Strategy(9),
				Probe: &pb.Probe{Interval: 0, Check: pb.Check(4)}}},
			{Id: "c", Vmhost: &pb.VMHost{BootTime: 5}},
			{Id: "a", HostedOn: "b"},
		},
		ControlPlane: &pb.ControlPlane{Default: &pb.Link{Latency: 0}},
	}
	data, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	m, src, err := Decode("m.pb", data)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Validate(m, src)
	var ds Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("error = %v, want Diagnostics", err)
	}
	// Without lines, diagnostics keep the order they were found in: ids
	// first, then the model's fields, then vertex by vertex.
	want := []string{
		`m.pb: vertices[4].id: duplicate id "a" (first used at vertices[0].id)`,
		"m.pb: tick: the tick must be longer than zero, got -5ns",
		"m.pb: vertices[0].kind: unknown kind 7",
		"m.pb: vertices[1].gate.k_of_n: 3 is more than the 1 input",
		"m.pb: vertices[2].strategy: unknown strategy 9",
		"m.pb: vertices[2].probe.check: unknown check 4",
		"m.pb: vertices[3].boot_time: only a vmhost has this setting; " +
			"this vertex is a service (add kind: vmhost?)",
		`m.pb: vertices[4].hosted_on: "b" is a service, not a vmhost`,
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// lineModel is a chain v0 <- v1 <- ... of n services where the last one
// depends on the first, closing one loop of n vertices when loop is set.
func lineModel(n int, loop bool) *pb.Model {
	m := &pb.Model{Vertices: make([]*pb.Vertex, n)}
	exp := &pb.Failure{Model: &pb.Failure_Exponential{Exponential: &pb.Exponential{Mttf: 100}}}
	for i := range n {
		v := &pb.Vertex{Id: fmt.Sprintf("v%d", i), Failure: exp}
		if i > 0 {
			v.DependsOn = []*pb.Dependency{{Id: fmt.Sprintf("v%d", i-1)}}
		}
		m.Vertices[i] = v
	}
	if loop {
		m.Vertices[0].DependsOn = []*pb.Dependency{{Id: fmt.Sprintf("v%d", n-1)}}
	}
	return m
}

// TestValidateLongLoop checks that a loop far deeper than any call stack
// is found and named briefly.
func TestValidateLongLoop(t *testing.T) {
	warnings, err := Validate(lineModel(300_000, true), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 {
		t.Fatalf("got %d warnings, want 1: %v", len(warnings), warnings)
	}
	want := "vertices[0].depends_on[0]: warning: dependency cycle v0 -> v299999 -> " +
		"v299998 -> v299997 -> v299996 -> ... -> v4 -> v3 -> v2 -> v1 -> v0: " +
		"recovery deadlock risk"
	if got := warnings[0].String(); got != want {
		t.Errorf("warning:\n%s\nwant:\n%s", got, want)
	}
}

func TestValidateChainHasNoWarnings(t *testing.T) {
	warnings, err := Validate(lineModel(1000, false), nil)
	if err != nil || len(warnings) > 0 {
		t.Errorf("Validate = %v, %v; want nothing", warnings, err)
	}
}

func TestLoopComponents(t *testing.T) {
	// 0 -> 1 -> 2 -> 0, 2 -> 3, 3 -> 4 -> 3, 5 alone with a self edge.
	rows := csrRows{off: []int32{0, 1, 2, 4, 5, 6, 7}, next: []int32{1, 2, 0, 3, 4, 3, 5}}
	comps := loopComponents(rows)
	got := fmt.Sprint(comps)
	if got != "[[3 4] [0 1 2]]" {
		t.Errorf("components = %s, want [[3 4] [0 1 2]]", got)
	}
	finder := newCycleFinder(rows)
	if c := finder.shortest(comps[1]); fmt.Sprint(c) != "[0 1 2 0]" {
		t.Errorf("cycle = %v, want [0 1 2 0]", c)
	}
	if c := finder.shortest(comps[0]); fmt.Sprint(c) != "[3 4 3]" {
		t.Errorf("cycle = %v, want [3 4 3]", c)
	}
}

func BenchmarkValidateMillion(b *testing.B) {
	m := lineModel(1_000_000, true)
	b.ResetTimer()
	for range b.N {
		if _, err := Validate(m, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEachDuplicate(t *testing.T) {
	for _, n := range []int{5, 40} { // pairwise and through a map
		list := make([]string, n)
		for k := range list {
			list[k] = fmt.Sprint(k % (n - 2)) // the last two repeat the first two
		}
		var got []string
		eachDuplicate(n, func(k int) string { return list[k] }, func(k, first int) {
			got = append(got, fmt.Sprintf("%d=%d", k, first))
		})
		want := fmt.Sprintf("[%d=0 %d=1]", n-2, n-1)
		if fmt.Sprint(got) != want {
			t.Errorf("n=%d: duplicates %v, want %s", n, got, want)
		}
	}
}
