package sim

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected output of scenario transcripts")

// TestScenarios replays every transcript under testdata/scenarios with the
// direct driver. With -update it rewrites their expected output (failed
// expectations still fail the test).
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { replayFile(t, f) })
	}
}

func replayFile(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ParseScenario(filepath.Base(path), string(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := sc.Run(NewDirectSession)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range out.Failures {
		t.Error(f)
	}
	if *update {
		if err := os.WriteFile(path, []byte(sc.Format(out)), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, d := range sc.Diff(out) {
		t.Error(d)
	}
}
