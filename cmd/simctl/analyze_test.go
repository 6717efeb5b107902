package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const analyzeModel = `name: tiny
vertices:
  - {id: web, depends_on: [app], failure: {unavailability: 0.01}}
  - {id: app, depends_on: [db-a, db-b], gate: any, failure: {unavailability: 0.02}}
  - {id: db-a, failure: {unavailability: 0.1}}
  - {id: db-b, failure: {unavailability: 0.1}}
`

// analyzeCLI runs simctl analyze on the tiny model with extra arguments.
func analyzeCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiny.yaml")
	if err := os.WriteFile(path, []byte(analyzeModel), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := runMain(append([]string{"analyze", path}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestAnalyzeJSON(t *testing.T) {
	code, out, errOut := analyzeCLI(t, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Method string
		System struct{ Unavailability float64 }
		SPOF   []string `json:"singlePointsOfFailure"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// web or app or both disks: 1 - 0.99 * 0.98 * (1 - 0.01)
	want := 1 - 0.99*0.98*0.99
	if rep.Method != "exact" || analyzeAbs(rep.System.Unavailability-want) > 1e-12 {
		t.Errorf("method %s, system %g, want exact %g", rep.Method, rep.System.Unavailability, want)
	}
	if strings.Join(rep.SPOF, ",") != "web,app" {
		t.Errorf("single points %v, want web, app", rep.SPOF)
	}
}

func analyzeAbs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestAnalyzeTableAndFlags(t *testing.T) {
	code, out, errOut := analyzeCLI(t, "--method", "mc", "--samples", "5000",
		"--target", "app", "--cut-order", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Monte Carlo, 5120 samples, seed 1",
		"(targets: app)", "95% CI", "{db-a, db-b}"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if i, j := strings.Index(out, "\ndb-a"), strings.Index(out, "\nweb"); i < 0 || j < i {
		t.Errorf("db-a (0.1) should come before web:\n%s", out)
	}
}

func TestAnalyzeMistakes(t *testing.T) {
	cases := [][]string{
		{"--target", "nowhere"},
		{"--method", "guess"},
	}
	for _, args := range cases {
		if code, _, _ := analyzeCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	var out, errOut bytes.Buffer
	if code := runMain([]string{"analyze", "/no/such/model.yaml"}, &out, &errOut); code != 1 {
		t.Errorf("missing file: exit %d, want 1", code)
	}
}
