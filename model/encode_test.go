package model

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"google.golang.org/protobuf/proto"
)

// validModels lists the example and the testdata models that load
// without errors.
func validModels(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, filepath.Join("testdata", "model.json"), "../examples/webshop.yaml")
	var valid []string
	for _, p := range paths {
		if _, _, err := Load(p); err == nil {
			valid = append(valid, p)
		}
	}
	if len(valid) < 8 {
		t.Fatalf("only %d valid models: %v", len(valid), valid)
	}
	return valid
}

// TestRoundTripYAML takes each model YAML -> pb bytes -> YAML -> model
// and checks that nothing changed, and that encoding is stable.
func TestRoundTripYAML(t *testing.T) {
	for _, path := range validModels(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			first, _, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			data, err := proto.Marshal(first)
			if err != nil {
				t.Fatal(err)
			}
			fromPB := &pb.Model{}
			if err := proto.Unmarshal(data, fromPB); err != nil {
				t.Fatal(err)
			}
			text, err := EncodeYAML(fromPB)
			if err != nil {
				t.Fatal(err)
			}
			again, _, err := Decode("again.yaml", text)
			if err != nil {
				t.Fatalf("decoding the encoded model: %v\n%s", err, text)
			}
			assertModel(t, again, first)
			if _, err := Validate(again, nil); err != nil {
				t.Errorf("the encoded model no longer validates: %v", err)
			}
			if text2, _ := EncodeYAML(again); !bytes.Equal(text, text2) {
				t.Errorf("encoding is not stable:\n%s\n---\n%s", text, text2)
			}
		})
	}
}

func TestRoundTripJSON(t *testing.T) {
	for _, path := range validModels(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			first, _, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			js, err := EncodeJSON(first)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "m.json")
			if err := os.WriteFile(file, js, 0o644); err != nil {
				t.Fatal(err)
			}
			again, _, err := Load(file)
			if err != nil {
				t.Fatalf("loading the JSON: %v\n%s", err, js)
			}
			assertModel(t, again, first)
		})
	}
}

// TestEncodeShortForms checks that the encoder writes the forms a person
// would, as in SPEC section 8.
func TestEncodeShortForms(t *testing.T) {
	text, err := EncodeYAML(webshop())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"tick: 1s\n",
		"targets: [frontend]\n",
		"    start_time: 30s\n",
		"      - catalog\n      - {id: cart, probability: 0.3, delay: 2s}\n",
		"    depends_on: [db-primary, db-replica, rack-a]\n    gate: {k_of_n: 2}\n",
		"    failure: {exponential: {mttf: 30d}}\n",
		"    repair: {fixed: {duration: 5m}}\n",
		"    failure: {schedule: [{at: 2d, duration: 20m}]}\n",
		"    kind: supervisor\n",
		"    strategy: replicas\n",
		"    probe: {interval: 10s, failure_threshold: 3, check: readiness}\n",
		"    backoff: {initial: 10s, factor: 2, max: 5m, reset_after: 10m}\n",
		"    capacity: 4\n    boot_time: 90s\n",
		"    - {at: 3d, duration: 10m, sides: [[web-sup, vm-1], [root-sup, vm-2]]}\n",
		"simulation: {duration: 30d, seed: 42, runs: 10}\n",
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("encoded YAML lacks %q:\n%s", want, text)
		}
	}
}

// TestEncodeAwkwardValues round-trips ids that YAML would read as other
// types, and numbers that need every digit.
func TestEncodeAwkwardValues(t *testing.T) {
	ids := []string{"123", "true", "null", "~", "a: b", "#x", "- z", "[x]", "é", " pad ",
		"0x1f", "a,b", "{c}", "*d", "&e", "!f", "2001-12-14", ".inf", "yes", "\"q\"", "line\nbreak"}
	m := &pb.Model{TickNanos: 3, Targets: ids[:3]}
	for i, id := range ids {
		m.Vertices = append(m.Vertices, &pb.Vertex{Id: id, DependsOn: []*pb.Dependency{{
			Id: ids[(i+1)%len(ids)], Probability: proto.Float64(1.0 / 3),
			Weight: proto.Float64(1e-300), Delay: proto.Int64(math.MaxInt64),
		}}})
	}
	m.Vertices[0].Gate = &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: 0.1 + 0.2}}
	for _, encode := range []func(*pb.Model) ([]byte, error){EncodeYAML, EncodeJSON} {
		text, err := encode(m)
		if err != nil {
			t.Fatal(err)
		}
		again, _, err := Decode("awkward.json", text) // JSON is YAML too
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		assertModel(t, again, m)
	}
}

func TestEncodeErrors(t *testing.T) {
	bad := &pb.Model{Vertices: []*pb.Vertex{{Id: "a", Kind: pb.Kind(5)}}}
	if _, err := EncodeYAML(bad); err == nil || !strings.Contains(err.Error(), "unknown kind 5") {
		t.Errorf("EncodeYAML of kind 5: error = %v", err)
	}
	nan := &pb.Model{Vertices: []*pb.Vertex{{Id: "a", Failure: &pb.Failure{
		Model: &pb.Failure_Unavailability{Unavailability: math.NaN()}}}}}
	if _, err := EncodeJSON(nan); err == nil {
		t.Errorf("EncodeJSON of NaN: no error")
	}
	text, err := EncodeYAML(nan)
	if err != nil || !strings.Contains(string(text), "unavailability: .nan") {
		t.Errorf("EncodeYAML of NaN = %q, %v", text, err)
	}
}
