package model

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
)

const day = 86400

// webshop is examples/webshop.yaml as the proto it must load to.
func webshop() *pb.Model {
	exp := func(mttf, mttr int64) (*pb.Failure, *pb.Repair) {
		return &pb.Failure{Model: &pb.Failure_Exponential{
				Exponential: &pb.Exponential{Mttf: mttf}}},
			&pb.Repair{Model: &pb.Repair_Exponential{
				Exponential: &pb.ExponentialRepair{Mttr: mttr}}}
	}
	dbFail, dbRepair := exp(90*day, 3600)
	feFail, feRepair := exp(30*day, 600)
	supFail, _ := exp(180*day, 0)
	vmFail, _ := exp(60*day, 0)
	return &pb.Model{
		Name: "webshop", TickNanos: 1e9, Targets: []string{"frontend"},
		Vertices: []*pb.Vertex{
			{Id: "frontend", Replicas: 3, Quorum: 2,
				StartTime: &pb.Delay{Law: &pb.Delay_Fixed{Fixed: 30}},
				DependsOn: []*pb.Dependency{{Id: "catalog"},
					{Id: "cart", Probability: proto.Float64(0.3), Delay: proto.Int64(2)}},
				Failure: feFail, Repair: feRepair},
			{Id: "catalog",
				DependsOn: []*pb.Dependency{{Id: "db-primary"}, {Id: "db-replica"}, {Id: "rack-a"}},
				Gate:      &pb.Gate{Kind: &pb.Gate_KOfN{KOfN: 2}},
				Failure: &pb.Failure{Model: &pb.Failure_Bernoulli{
					Bernoulli: &pb.Bernoulli{P: 1e-6}}},
				Repair: &pb.Repair{Model: &pb.Repair_Fixed{Fixed: &pb.FixedRepair{Duration: 300}}}},
			{Id: "cart", HostedOn: "vm-2", Failure: &pb.Failure{Model: &pb.Failure_Weibull{
				Weibull: &pb.Weibull{Shape: 1.5, Scale: 60 * day}}}},
			{Id: "db-primary", Failure: dbFail, Repair: dbRepair},
			{Id: "db-replica", Failure: dbFail, Repair: dbRepair},
			{Id: "rack-a", Failure: &pb.Failure{Model: &pb.Failure_Schedule{
				Schedule: &pb.Schedule{Windows: []*pb.Window{{At: 2 * day, Duration: 1200}}}}}},
			{Id: "web-sup", Kind: pb.Kind_KIND_SUPERVISOR, Failure: supFail,
				Supervisor: &pb.Supervisor{
					Supervises: []string{"frontend", "catalog"},
					Strategy:   pb.Strategy_STRATEGY_REPLICAS,
					Placement:  pb.Placement_PLACEMENT_SPREAD,
					Probe: &pb.Probe{Interval: 10, FailureThreshold: 3,
						Check: pb.Check_CHECK_READINESS},
					Backoff:     &pb.Backoff{Initial: 10, Factor: 2, Max: 300, ResetAfter: 600},
					MaxRestarts: 5, Period: 600, MaxConcurrentRestarts: 1}},
			{Id: "root-sup", Kind: pb.Kind_KIND_SUPERVISOR, Supervisor: &pb.Supervisor{
				Supervises: []string{"web-sup"}, Strategy: pb.Strategy_STRATEGY_ONE_FOR_ONE}},
			{Id: "vm-1", Kind: pb.Kind_KIND_VMHOST,
				Vmhost: &pb.VMHost{Capacity: 4, BootTime: 90}},
			{Id: "vm-2", Kind: pb.Kind_KIND_VMHOST, Failure: vmFail,
				Vmhost: &pb.VMHost{Capacity: 4, BootTime: 90}},
		},
		ControlPlane: &pb.ControlPlane{
			Default: &pb.Link{Latency: 1, Loss: 0},
			Links: []*pb.Link{{Between: []string{"web-sup", "vm-2"},
				Latency: 1, Loss: 0.01}}, // 200ms rounds up to one tick
			Partitions: []*pb.Partition{{At: 3 * day, Duration: 600, Sides: []*pb.Side{
				{Ids: []string{"web-sup", "vm-1"}}, {Ids: []string{"root-sup", "vm-2"}}}}},
		},
		Simulation: &pb.Simulation{Duration: 30 * day, Seed: 42, Runs: 10},
	}
}

func TestLoadWebshop(t *testing.T) {
	m, warnings, err := Load("../examples/webshop.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(warnings) > 0 {
		t.Errorf("warnings: %v", warnings)
	}
	assertModel(t, m, webshop())
}

func assertModel(t *testing.T, got, want *pb.Model) {
	t.Helper()
	if !proto.Equal(got, want) {
		t.Errorf("model differs\ngot:\n%s\nwant:\n%s",
			prototext.Format(got), prototext.Format(want))
	}
}

// decodeVertex loads one vertex written under "vertices:" after the
// vertices its references need.
func decodeOne(t *testing.T, text string) *pb.Model {
	t.Helper()
	m, _, err := Decode("test.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Decode:\n%s\nerror: %v", text, err)
	}
	return m
}

func TestDecodeVertexConstructs(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want *pb.Vertex
	}{
		{"plain ids", `{id: a, depends_on: [b, c]}`,
			&pb.Vertex{Id: "a", DependsOn: []*pb.Dependency{{Id: "b"}, {Id: "c"}}}},
		{"single id", `{id: a, depends_on: b}`,
			&pb.Vertex{Id: "a", DependsOn: []*pb.Dependency{{Id: "b"}}}},
		{"mixed list", `{id: a, depends_on: [b, {id: c, probability: 0.5, delay: 3s, weight: 2}]}`,
			&pb.Vertex{Id: "a", DependsOn: []*pb.Dependency{{Id: "b"}, {
				Id: "c", Probability: proto.Float64(0.5), Delay: proto.Int64(3),
				Weight: proto.Float64(2)}}}},
		{"presence of zero", `{id: a, depends_on: [{id: b, probability: 0}]}`,
			&pb.Vertex{Id: "a", DependsOn: []*pb.Dependency{{Id: "b",
				Probability: proto.Float64(0)}}}},
		{"numeric id is text", `{id: 123, depends_on: [0x1f]}`,
			&pb.Vertex{Id: "123", DependsOn: []*pb.Dependency{{Id: "0x1f"}}}},
		{"gate all", `{id: a, gate: all}`,
			&pb.Vertex{Id: "a", Gate: &pb.Gate{Kind: &pb.Gate_All{All: &pb.Empty{}}}}},
		{"gate any", `{id: a, gate: any}`,
			&pb.Vertex{Id: "a", Gate: &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}}},
		{"gate k_of_n", `{id: a, gate: {k_of_n: 2}}`,
			&pb.Vertex{Id: "a", Gate: &pb.Gate{Kind: &pb.Gate_KOfN{KOfN: 2}}}},
		{"gate threshold", `{id: a, gate: {threshold: 1.5}}`,
			&pb.Vertex{Id: "a", Gate: &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: 1.5}}}},
		{"gate fraction", `{id: a, gate: {threshold_fraction: 0.5}}`,
			&pb.Vertex{Id: "a", Gate: &pb.Gate{Kind: &pb.Gate_ThresholdFraction{
				ThresholdFraction: 0.5}}}},
		{"failure none", `{id: a, failure: none}`,
			&pb.Vertex{Id: "a", Failure: &pb.Failure{Model: &pb.Failure_None{None: &pb.Empty{}}}}},
		{"failure none mapping", `{id: a, failure: {none: {}}}`,
			&pb.Vertex{Id: "a", Failure: &pb.Failure{Model: &pb.Failure_None{None: &pb.Empty{}}}}},
		{"bernoulli", `{id: a, failure: {bernoulli: {p: 1e-6}}}`,
			&pb.Vertex{Id: "a", Failure: &pb.Failure{Model: &pb.Failure_Bernoulli{
				Bernoulli: &pb.Bernoulli{P: 1e-6}}}}},
		{"exponential", `{id: a, failure: {exponential: {mttf: 2h}}}`,
			&pb.Vertex{Id: "a", Failure: &pb.Failure{Model: &pb.Failure_Exponential{
				Exponential: &pb.Exponential{Mttf: 7200}}}}},
		{"weibull", `{id: a, failure: {weibull: {shape: 0.8, scale: 1d}}}`,
			&pb.Vertex{Id: "a", Failure: &pb.Failure{Model: &pb.Failure_Weibull{
				Weibull: &pb.Weibull{Shape: 0.8, Scale: day}}}}},
		{"schedule", `{id: a, failure: {schedule: [{at: 1h, duration: 90s},
			{at: 7200, duration: 1}]}}`,
			&pb.Vertex{Id: "a", Failure: &pb.Failure{Model: &pb.Failure_Schedule{
				Schedule: &pb.Schedule{Windows: []*pb.Window{
					{At: 3600, Duration: 90}, {At: 7200, Duration: 1}}}}}}},
		{"unavailability", `{id: a, failure: {unavailability: 0.01}}`,
			&pb.Vertex{Id: "a", Failure: &pb.Failure{Model: &pb.Failure_Unavailability{
				Unavailability: 0.01}}}},
		{"repair none", `{id: a, repair: none}`,
			&pb.Vertex{Id: "a", Repair: &pb.Repair{Model: &pb.Repair_None{None: &pb.Empty{}}}}},
		{"repair exponential", `{id: a, repair: {exponential: {mttr: 10m}}}`,
			&pb.Vertex{Id: "a", Repair: &pb.Repair{Model: &pb.Repair_Exponential{
				Exponential: &pb.ExponentialRepair{Mttr: 600}}}}},
		{"repair fixed", `{id: a, repair: {fixed: {duration: 5m}}}`,
			&pb.Vertex{Id: "a", Repair: &pb.Repair{Model: &pb.Repair_Fixed{
				Fixed: &pb.FixedRepair{Duration: 300}}}}},
		{"start fixed", `{id: a, start_time: 30s}`,
			&pb.Vertex{Id: "a", StartTime: &pb.Delay{Law: &pb.Delay_Fixed{Fixed: 30}}}},
		{"start exponential", `{id: a, start_time: {exponential: {mean: 1m}}}`,
			&pb.Vertex{Id: "a", StartTime: &pb.Delay{Law: &pb.Delay_ExponentialMean{
				ExponentialMean: 60}}}},
		{"replicas", `{id: a, replicas: 5, quorum: 3}`,
			&pb.Vertex{Id: "a", Replicas: 5, Quorum: 3}},
		{"hosted", `{id: a, hosted_on: vm}`, &pb.Vertex{Id: "a", HostedOn: "vm"}},
		{"kind service", `{id: a, kind: service}`, &pb.Vertex{Id: "a"}},
		{"vmhost", `{id: a, kind: vmhost, capacity: 8, boot_time: 2m}`,
			&pb.Vertex{Id: "a", Kind: pb.Kind_KIND_VMHOST,
				Vmhost: &pb.VMHost{Capacity: 8, BootTime: 120}}},
		{"bare vmhost", `{id: a, kind: vmhost}`,
			&pb.Vertex{Id: "a", Kind: pb.Kind_KIND_VMHOST, Vmhost: &pb.VMHost{}}},
		{"bare supervisor", `{id: s, kind: supervisor}`,
			&pb.Vertex{Id: "s", Kind: pb.Kind_KIND_SUPERVISOR, Supervisor: &pb.Supervisor{}}},
		{"supervisor", `{id: s, kind: supervisor, supervises: [a, b], strategy: rest_for_one,
			placement: pack, probe: {interval: 5s, failure_threshold: 2, check: liveness},
			backoff: {initial: 1s, factor: 1.5, max: 1m, reset_after: 1h},
			max_restarts: 7, period: 30s, max_concurrent_restarts: 2}`,
			&pb.Vertex{Id: "s", Kind: pb.Kind_KIND_SUPERVISOR, Supervisor: &pb.Supervisor{
				Supervises: []string{"a", "b"}, Strategy: pb.Strategy_STRATEGY_REST_FOR_ONE,
				Placement: pb.Placement_PLACEMENT_PACK,
				Probe: &pb.Probe{Interval: 5, FailureThreshold: 2,
					Check: pb.Check_CHECK_LIVENESS},
				Backoff:     &pb.Backoff{Initial: 1, Factor: 1.5, Max: 60, ResetAfter: 3600},
				MaxRestarts: 7, Period: 30, MaxConcurrentRestarts: 2}}},
		{"one_for_all", `{id: s, kind: supervisor, strategy: one_for_all}`,
			&pb.Vertex{Id: "s", Kind: pb.Kind_KIND_SUPERVISOR, Supervisor: &pb.Supervisor{
				Strategy: pb.Strategy_STRATEGY_ONE_FOR_ALL}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := decodeOne(t, "vertices:\n  - "+tt.yaml+"\n")
			assertModel(t, m, &pb.Model{Vertices: []*pb.Vertex{tt.want}})
		})
	}
}

func TestDecodeModelConstructs(t *testing.T) {
	v := []*pb.Vertex{{Id: "a"}}
	hourly := &pb.Failure{Model: &pb.Failure_Exponential{Exponential: &pb.Exponential{Mttf: 3600}}}
	tests := []struct {
		name string
		yaml string
		want *pb.Model
	}{
		{"tick read first", "vertices: [{id: a, start_time: 3s}]\ntick: 100ms\nname: x\n",
			&pb.Model{Name: "x", TickNanos: 1e8, Vertices: []*pb.Vertex{{Id: "a",
				StartTime: &pb.Delay{Law: &pb.Delay_Fixed{Fixed: 30}}}}}},
		{"targets", "targets: [a]\nvertices: [{id: a}]\n",
			&pb.Model{Targets: []string{"a"}, Vertices: v}},
		{"control plane", `vertices: [{id: a}]
control_plane:
  default: {latency: 2s, loss: 0.1}
  links: [{between: [a, b], latency: 200ms, loss: 0.5}]
  partitions: [{at: 1h, duration: 10m, sides: [[a], [b, c]]}]
`, &pb.Model{Vertices: v, ControlPlane: &pb.ControlPlane{
			Default: &pb.Link{Latency: 2, Loss: 0.1},
			Links:   []*pb.Link{{Between: []string{"a", "b"}, Latency: 1, Loss: 0.5}},
			Partitions: []*pb.Partition{{At: 3600, Duration: 600, Sides: []*pb.Side{
				{Ids: []string{"a"}}, {Ids: []string{"b", "c"}}}}}}}},
		{"simulation", "vertices: [{id: a}]\n" +
			"simulation: {duration: 1d, seed: 18446744073709551615, runs: 3}\n",
			&pb.Model{Vertices: v, Simulation: &pb.Simulation{Duration: day,
				Seed: 18446744073709551615, Runs: 3}}},
		{"json", `{"tick": "1ms", "vertices": [{"id": "a", "depends_on": ["b"],
			"failure": {"exponential": {"mttf": "1s"}}}, {"id": "b", "start_time": 5}]}`,
			&pb.Model{TickNanos: 1e6, Vertices: []*pb.Vertex{{Id: "a",
				DependsOn: []*pb.Dependency{{Id: "b"}},
				Failure: &pb.Failure{Model: &pb.Failure_Exponential{
					Exponential: &pb.Exponential{Mttf: 1000}}}},
				{Id: "b", StartTime: &pb.Delay{Law: &pb.Delay_Fixed{Fixed: 5}}}}}},
		{"anchors and merge keys", `vertices:
  - &base {id: a, failure: &f {exponential: {mttf: 1h}}}
  - {<<: *base, id: b}
  - {id: c, failure: *f}
`, &pb.Model{Vertices: []*pb.Vertex{{Id: "a", Failure: hourly}, {Id: "b", Failure: hourly},
			{Id: "c", Failure: hourly}}}},
		{"empty file", "# nothing yet\n", &pb.Model{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertModel(t, decodeOne(t, tt.yaml), tt.want)
		})
	}
}

// marked removes the marker ⟪ from text and returns the 1-based line and
// column where it stood, so a test can say where a diagnostic must point
// by marking the spot in the YAML itself.
func marked(t *testing.T, text string) (string, int, int) {
	t.Helper()
	at := strings.Index(text, "⟪")
	if at < 0 {
		t.Fatalf("no ⟪ marker in %q", text)
	}
	before := text[:at]
	line := strings.Count(before, "\n") + 1
	col := len(before) - strings.LastIndex(before, "\n")
	return strings.Replace(text, "⟪", "", 1), line, col
}

// TestDecodeErrors checks that type errors carry the path and the
// position of the offending key or value.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, yaml, path, msg string
	}{
		{"unknown field", "vertices:\n  - id: a\n    ⟪dependson: [b]\n",
			"vertices[0]", `unknown field "dependson" (did you mean "depends_on"?)`},
		{"unknown top field", "⟪vertexes: []\n", "", `unknown field "vertexes"`},
		{"wrong type", "vertices:\n  - id: a\n    replicas: ⟪three\n",
			"vertices[0].replicas", `want a whole number, got "three"`},
		{"negative count", "vertices:\n  - {id: a, replicas: ⟪-2}\n",
			"vertices[0].replicas", "must not be negative"},
		{"too large", "vertices:\n  - {id: a, quorum: ⟪4294967296}\n",
			"vertices[0].quorum", "too large"},
		{"vertices not a list", "vertices: ⟪{id: a}\n", "vertices", "want a list, got a mapping"},
		{"vertex not a mapping", "vertices:\n  - ⟪a\n", "vertices[0]",
			"want a mapping of fields"},
		{"bad duration", "vertices:\n  - {id: a, start_time: ⟪5x}\n",
			"vertices[0].start_time", `unknown unit "x"`},
		{"duration without unit", "vertices:\n  - {id: a, start_time: ⟪1.5}\n",
			"vertices[0].start_time", "1.5 needs a unit"},
		{"bad enum", "vertices:\n  - {id: s, kind: supervisor, strategy: ⟪one_for_two}\n",
			"vertices[0].strategy", `unknown strategy "one_for_two": want one_for_one, ` +
				"one_for_all, rest_for_one or replicas"},
		{"bad kind", "vertices:\n  - {id: s, kind: ⟪server}\n",
			"vertices[0].kind", `unknown kind "server"`},
		{"bad gate", "vertices:\n  - {id: a, gate: ⟪most}\n", "vertices[0].gate",
			`unknown gate "most"`},
		{"two gates", "vertices:\n  - {id: a, gate: {k_of_n: 1, threshold: ⟪2}}\n",
			"vertices[0].gate.threshold", "only one gate at a time: k_of_n or threshold"},
		{"empty choice", "vertices:\n  - {id: a, failure: ⟪{}}\n", "vertices[0].failure",
			"choose one failure model"},
		{"unknown failure", "vertices:\n  - {id: a, failure: {⟪poisson: {}}}\n",
			"vertices[0].failure", `unknown field "poisson"`},
		{"failure text", "vertices:\n  - {id: a, failure: ⟪never}\n", "vertices[0].failure",
			`unknown failure model "never"`},
		{"repair text", "vertices:\n  - {id: a, repair: ⟪fast}\n", "vertices[0].repair",
			`unknown repair model "fast"`},
		{"probability as text",
			"vertices:\n  - {id: a, depends_on: [{id: b, probability: ⟪high}]}\n",
			"vertices[0].depends_on[0].probability", `want a number, got "high"`},
		{"not finite", "vertices:\n  - {id: a, gate: {threshold: ⟪.inf}}\n",
			"vertices[0].gate.threshold", "want a finite number"},
		{"repeated key", "vertices:\n  - id: a\n    ⟪id: b\n", "vertices[0].id",
			"id is written twice"},
		{"null id", "vertices:\n  - id: ⟪~\n", "vertices[0].id", "want text, got nothing"},
		{"tick without unit", "tick: ⟪5\nvertices: [{id: a}]\n", "tick", "the tick needs a unit"},
		{"zero tick", "tick: ⟪0s\nvertices: [{id: a}]\n", "tick", "longer than zero"},
		{"none with settings", "vertices:\n  - {id: a, failure: {none: ⟪{p: 1}}}\n",
			"vertices[0].failure.none", "takes no settings"},
		{"second document", "vertices: [{id: a}]\n⟪---\nvertices: []\n", "", "one YAML document"},
		{"bad merge", "vertices:\n  - {<<: ⟪5, id: a}\n", "", "a merge (<<) needs a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, line, col := marked(t, tt.yaml)
			_, _, err := Decode("bad.yaml", []byte(text))
			assertDiagnostic(t, err, Diagnostic{File: "bad.yaml", Line: line, Col: col,
				Path: tt.path, Msg: tt.msg})
		})
	}
}

// assertDiagnostic checks that err is a Diagnostics holding one error
// equal to want, except that want.Msg need only be a part of its message.
func assertDiagnostic(t *testing.T, err error, want Diagnostic) {
	t.Helper()
	var ds Diagnostics
	if !errors.As(err, &ds) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("error = %v, want Diagnostics matching ErrInvalid", err)
	}
	for _, d := range ds {
		if d.File == want.File && d.Line == want.Line && d.Col == want.Col &&
			d.Path == want.Path && strings.Contains(d.Msg, want.Msg) && !d.Warning {
			return
		}
	}
	t.Errorf("diagnostics:\n%v\nwant one like\n%v", ds, want)
}

func TestDecodeCollectsAllTypeErrors(t *testing.T) {
	text := "vertices:\n  - {id: a, replicas: x}\n  - {id: b, quorum: y}\n  - {id: c, colour: z}\n"
	_, _, err := Decode("m.yaml", []byte(text))
	var ds Diagnostics
	if !errors.As(err, &ds) || len(ds) != 3 {
		t.Fatalf("error = %v, want 3 diagnostics", err)
	}
	for i, d := range ds {
		if d.Line != i+2 {
			t.Errorf("diagnostic %d at line %d, want %d: %v", i, d.Line, i+2, d)
		}
	}
}

// TestSyntaxError checks that a YAML syntax error names the file and line.
// Syntax errors stop decoding, so they are tested apart from the others.
func TestSyntaxError(t *testing.T) {
	path := filepath.Join("testdata", "syntax_error.yaml")
	m, _, err := Load(path)
	if m != nil {
		t.Errorf("Load returned a model despite the syntax error")
	}
	var ds Diagnostics
	if !errors.As(err, &ds) || len(ds) != 1 || !errors.Is(err, ErrInvalid) {
		t.Fatalf("error = %v, want one diagnostic", err)
	}
	d := ds[0]
	if d.File != path || d.Line != 7 || !strings.Contains(d.Msg, "YAML syntax") {
		t.Errorf("diagnostic = %v, want %s:7 and a YAML syntax message", d, path)
	}
}

// TestSyntaxErrorLines checks the line reported for common slips, where
// the YAML parser itself names the start of the enclosing block.
func TestSyntaxErrorLines(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
	}{
		{"list closed twice", "a: 1\nb: 2\nc: [a, b]]\n", 3},
		{"list left open", "a: 1\nb: [1, 2\nc: 3\n", 2},
		{"indentation", "v:\n  - id: x\n    dep: 1\n   bad: 2\n", 4},
		{"tab", "a: 1\nb: 2\n\tc: 3\n", 3},
		{"two colons", "a: 1\nb: 2\nc: d: e\n", 3},
		{"json", "{\n\"a\": 1,\n\"b\": [1,2],\n\"c\": 3,,\n}", 4},
		{"nested block", "v:\n  - id: a\n    f: 1\n  - id: b\n    d: [a]]\n    e: 2\n", 5},
	}
	for _, tt := range tests {
		_, _, err := Decode("s.yaml", []byte(tt.text))
		var ds Diagnostics
		if !errors.As(err, &ds) || len(ds) != 1 || ds[0].Line != tt.line {
			t.Errorf("%s: %v, want one diagnostic at line %d", tt.name, err, tt.line)
		}
	}
}

// TestLoadBadModel checks that one file with several mistakes reports
// each of them, in file order, with the file name and line.
func TestLoadBadModel(t *testing.T) {
	path := filepath.Join("testdata", "bad_model.yaml")
	_, _, err := Load(path)
	var ds Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("error = %v, want Diagnostics", err)
	}
	want := []Diagnostic{
		{File: path, Line: 7, Col: 9, Path: "vertices[0].depends_on[1].id",
			Msg: `unknown vertex "cahce" (did you mean "cache"?)`},
		{File: path, Line: 9, Col: 20, Path: "vertices[0].gate.k_of_n",
			Msg: "4 is more than the 3 inputs"},
		{File: path, Line: 12, Col: 35, Path: "vertices[1].failure.exponential.mttf",
			Msg: "mttf must be longer than zero, got -3d"},
	}
	if len(ds) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%v", len(ds), len(want), ds)
	}
	for i := range want {
		if ds[i] != want[i] {
			t.Errorf("diagnostic %d:\n got %v\nwant %v", i, ds[i], want[i])
		}
	}
	wantText := path + ":9:20: vertices[0].gate.k_of_n: 4 is more than the 3 inputs"
	if !strings.Contains(err.Error(), wantText) {
		t.Errorf("error text lacks %q:\n%v", wantText, err)
	}
}

func TestLoadFormats(t *testing.T) {
	want := webshop()
	bin, err := proto.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile("../examples/webshop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	js, err := EncodeJSON(want)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"m.pb": bin, "m.bin": bin, "model": text, "m.yml": text, "m.json": js, "m.txt": js,
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, _, err := Load(path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		assertModel(t, m, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, _, err := Load(filepath.Join(t.TempDir(), "absent.yaml"))
	if !errors.Is(err, os.ErrNotExist) || errors.Is(err, ErrInvalid) {
		t.Errorf("error = %v, want a not-exist error that is not ErrInvalid", err)
	}
}

func TestDecodeBadProtobuf(t *testing.T) {
	_, _, err := Decode("m.pb", []byte{0xff, 0xff, 0xff})
	assertDiagnostic(t, err, Diagnostic{File: "m.pb", Msg: "not a model in protobuf form"})
}

func TestSourcePos(t *testing.T) {
	text := `vertices:
  - id: a
    depends_on: [b, {id: c, delay: 2s}]
    gate: {k_of_n: 2}
  - &b {id: b, failure: {exponential: {mttf: 1h}}}
  - {<<: *b, id: c}
control_plane:
  partitions: [{at: 1h, duration: 1m, sides: [[a], [b, c]]}]
`
	_, src, err := Decode("m.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path      string
		line, col int
	}{
		{"vertices", 2, 3},
		{"vertices[0]", 2, 5},
		{"vertices[0].id", 2, 9},
		{"vertices[0].depends_on[0]", 3, 18},
		{"vertices[0].depends_on[0].id", 3, 18}, // a plain id stands for its id
		{"vertices[0].depends_on[1].delay", 3, 36},
		{"vertices[0].gate.k_of_n", 4, 20},
		{"vertices[0].replicas", 2, 5},                  // not written: the vertex
		{"vertices[2].failure.exponential.mttf", 5, 46}, // through the merge key
		{"vertices[7]", 2, 3},
		{"control_plane.partitions[0].sides[1][1]", 8, 56},
	}
	for _, tt := range tests {
		line, col := src.Pos(tt.path)
		if line != tt.line || col != tt.col {
			t.Errorf("Pos(%q) = %d:%d, want %d:%d", tt.path, line, col, tt.line, tt.col)
		}
	}
	var none *Source
	if line, col := none.Pos("vertices"); line != 0 || col != 0 {
		t.Errorf("nil Source: Pos = %d:%d, want 0:0", line, col)
	}
}

// FuzzDecodePB feeds arbitrary bytes to the protobuf path of Decode and
// validates whatever decodes; neither may panic.
func FuzzDecodePB(f *testing.F) {
	for _, m := range fuzzSeedModels(f) {
		if data, err := proto.Marshal(m); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, src, err := Decode("fuzz.pb", data)
		if err != nil {
			return
		}
		if _, err := Validate(m, src); err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("Validate error %v does not match ErrInvalid", err)
		}
		if _, err := EncodeYAML(m); err != nil && !strings.Contains(err.Error(), "unknown") {
			t.Fatalf("EncodeYAML: %v", err)
		}
	})
}

// fuzzSeedModels decodes every text model in testdata and the example.
func fuzzSeedModels(f *testing.F) []*pb.Model {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	paths = append(paths, "../examples/webshop.yaml")
	var out []*pb.Model
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if m, _, err := Decode(p, data); err == nil {
			out = append(out, m)
		}
	}
	return out
}

// BenchmarkDecodeValidateYAML measures reading and checking a text model
// of 100,000 vertices, each depending on the one before.
func BenchmarkDecodeValidateYAML(b *testing.B) {
	var text strings.Builder
	text.WriteString("tick: 1s\nvertices:\n")
	for i := range 100_000 {
		fmt.Fprintf(&text, "  - id: v%d\n    failure: {exponential: {mttf: 30d}}\n", i)
		if i > 0 {
			fmt.Fprintf(&text, "    depends_on: [{id: v%d, delay: 2s}]\n", i-1)
		}
	}
	data := []byte(text.String())
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		m, src, err := Decode("big.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Validate(m, src); err != nil {
			b.Fatal(err)
		}
	}
}
