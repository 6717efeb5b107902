package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const runModel = `name: tiny
tick: 1s
vertices:
  - {id: db, failure: {exponential: {mttf: 2h}}, repair: {exponential: {mttr: 10m}}}
  - {id: app, depends_on: [db], start_time: 5s}
  - id: sup
    kind: supervisor
    supervises: [app]
    probe: {interval: 5s, failure_threshold: 2}
simulation: {duration: 1d, seed: 4, runs: 3}
`

func writeRunModel(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiny.yaml")
	if err := os.WriteFile(path, []byte(runModel), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunJSONContract: --json prints one object with the fields the issue
// promises, and the same model and seed give the same digest.
func TestRunJSONContract(t *testing.T) {
	path := writeRunModel(t)
	code, out, errs := execSimctl("run", path, "--json", "--inject", "db@6h:1h")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, key := range []string{"digest", "runs", "ticks", "system", "vertices",
		"escalations", "instancesAdded", "placementFailures", "controlMessages"} {
		if _, ok := s[key]; !ok {
			t.Errorf("no %q in %s", key, out)
		}
	}
	sys := s["system"].(map[string]any)
	if ci, ok := sys["ci95"].([]any); !ok || len(ci) != 2 {
		t.Errorf("system.ci95 is %v", sys["ci95"])
	}
	cm := s["controlMessages"].(map[string]any)
	if _, ok := cm["lost"]; !ok || cm["sent"].(float64) == 0 {
		t.Errorf("controlMessages is %v", cm)
	}
	v := s["vertices"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "availability", "ci95", "outages", "restarts"} {
		if _, ok := v[key]; !ok {
			t.Errorf("no %q in a vertex: %v", key, v)
		}
	}
	if s["runs"].(float64) != 3 || s["ticks"].(float64) != 86400 {
		t.Errorf("runs %v ticks %v, want the model's 3 and 86400", s["runs"], s["ticks"])
	}
	_, again, _ := execSimctl("run", path, "--json", "--inject", "db@6h:1h")
	var s2 map[string]any
	json.Unmarshal([]byte(again), &s2)
	if s["digest"] != s2["digest"] {
		t.Errorf("digests %v and %v for the same model and seed", s["digest"], s2["digest"])
	}
	_, other, _ := execSimctl("run", path, "--json", "--seed", "5")
	json.Unmarshal([]byte(other), &s2)
	if s["digest"] == s2["digest"] {
		t.Errorf("seed 5 gives the digest of seed 4")
	}
}

// TestRunRefusesBadFlags: a bad flag is named, with its problem, and
// nothing runs.
func TestRunRefusesBadFlags(t *testing.T) {
	path := writeRunModel(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--inject", "nosuch@1h"}, `--inject "nosuch@1h": no vertex "nosuch"`},
		{[]string{"--inject", "db@soon"}, `--inject "db@soon": time`},
		{[]string{"--inject", "db@1h:0s"}, `--inject "db@1h:0s": duration 0s must be positive`},
		{[]string{"--inject", "db"}, `--inject "db": want ID@TIME[:DURATION]`},
		{[]string{"--duration", "-3h"}, "--duration -3h: want a positive duration"},
		{[]string{"--engine", "warp"}, `--engine "warp"`},
		{[]string{"--vertices-per-actor", "-1"}, "--vertices-per-actor -1"},
	}
	for _, tt := range tests {
		code, out, errs := execSimctl(append([]string{"run", path}, tt.args...)...)
		if code == 0 || !strings.Contains(errs, tt.want) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want an error with %q",
				tt.args, code, errs, out, tt.want)
		}
	}
}

// TestRunWritesOutputs: --out writes every result file, and the summary
// on disk is the one printed.
func TestRunWritesOutputs(t *testing.T) {
	path := writeRunModel(t)
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errs := execSimctl("run", path, "--out", dir, "--every", "1h", "--runs", "2",
		"--inject", "app@2h")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, f := range []string{"series.csv", "series.parquet", "outages.jsonl",
		"events.jsonl", "summary.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "series.csv"))
	if lines := strings.Count(string(csv), "\n"); lines != 1+2*24 {
		t.Errorf("series.csv has %d lines, want a header and 24 samples for each of 2 runs",
			lines)
	}
	if !strings.Contains(out, "results written to "+dir) {
		t.Errorf("the report does not say where the results are:\n%s", out)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestRunEnginesAgree: the actor engine, with one vertex per actor and
// with its default, prints the direct driver's digest; another seed
// prints another.
func TestRunEnginesAgree(t *testing.T) {
	path := writeRunModel(t)
	digest := func(args ...string) string {
		t.Helper()
		code, out, errs := execSimctl(append([]string{"run", path, "--json", "--runs", "2"},
			args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		var s struct{ Digest string }
		if err := json.Unmarshal([]byte(out), &s); err != nil || s.Digest == "" {
			t.Fatalf("%v: no digest in %q: %v", args, out, err)
		}
		return s.Digest
	}
	want := digest("--engine", "direct")
	for _, args := range [][]string{{"--engine", "actors"},
		{"--engine", "actors", "--vertices-per-actor", "1"}} {
		if got := digest(args...); got != want {
			t.Errorf("%v: digest %s, want the direct driver's %s", args, got, want)
		}
	}
	if other := digest("--engine", "actors", "--seed", "99"); other == want {
		t.Errorf("seed 99 gave the same digest %s", want)
	}
}
