package model

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
)

// FuzzDecodeYAML feeds arbitrary text to Decode. It must never panic,
// every failure must be a Diagnostics, and a model that validates must
// survive EncodeYAML and Decode unchanged.
func FuzzDecodeYAML(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	paths = append(paths, filepath.Join("testdata", "model.json"), "../examples/webshop.yaml")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("vertices: [{id: a, <<: {id: b}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, src, err := Decode("fuzz.yaml", data)
		if err != nil {
			var ds Diagnostics
			if !errors.As(err, &ds) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode error %v is not an invalid-model Diagnostics", err)
			}
			return
		}
		if _, err := Validate(m, src); err != nil {
			return
		}
		text, err := EncodeYAML(m)
		if err != nil {
			t.Fatalf("EncodeYAML of a valid model: %v", err)
		}
		again, _, err := Decode("again.yaml", text)
		if err != nil {
			t.Fatalf("decoding the encoded model: %v\n%s", err, text)
		}
		if !proto.Equal(m, again) {
			t.Fatalf("round trip changed the model:\n%s", text)
		}
	})
}

// TestAliasBomb checks that merge keys nested into an exponential tree
// (ten to the eleventh mappings) are refused quickly, not expanded.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("x0: &a0 {id: a}\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "x%d: &a%d {<<: [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]}\n")
	}
	b.WriteString("vertices: [{<<: *a11}]\n")
	_, _, err := Decode("bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "expand to too large a model") {
		t.Errorf("error = %v, want a refusal of the expansion", err)
	}
}

// TestSelfMerge checks that an anchor merged into itself is reported,
// not followed round and round.
func TestSelfMerge(t *testing.T) {
	for _, text := range []string{"vertices: &a [{<<: *a}]\n", "vertices: [&a {<<: *a}]\n"} {
		_, _, err := Decode("self.yaml", []byte(text))
		if err == nil || !strings.Contains(err.Error(), "does an anchor merge itself?") {
			t.Errorf("%q: error = %v, want a report of the self merge", text, err)
		}
	}
}

func TestSuggestName(t *testing.T) {
	keys := []string{"depends_on", "hosted_on", "failure"}
	tests := map[string]string{
		"dependson": ` (did you mean "depends_on"?)`,
		"failures":  ` (did you mean "failure"?)`,
		"colour":    "",
		"":          "",
	}
	for name, want := range tests {
		if got := suggestName(name, keys); got != want {
			t.Errorf("suggestName(%q) = %q, want %q", name, got, want)
		}
	}
}
