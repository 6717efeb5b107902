package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/homeostat/homeostat/describe"
)

func TestDescribe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.pb")
	if code, _, stderr := execSimctl("gen", "layered", "--vertices", "500", "-o", path); code != 0 {
		t.Fatalf("gen: %s", stderr)
	}

	code, text, stderr := execSimctl("describe", path)
	if code != 0 {
		t.Fatalf("describe: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"vertices           500", "supervision depth", "fan-out"} {
		if !strings.Contains(text, want) {
			t.Errorf("describe lacks %q:\n%s", want, text)
		}
	}

	code, out, stderr := execSimctl("describe", "--json", path)
	if code != 0 {
		t.Fatalf("describe --json: exit %d: %s", code, stderr)
	}
	var s describe.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("describe --json: %v\n%s", err, out)
	}
	if s.Vertices != 500 || s.Depth != 6 || s.Kinds.Supervisors == 0 {
		t.Errorf("describe --json: %+v", s)
	}
}

func TestDescribeMistakes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	text := "vertices:\n  - {id: a, depends_on: [nowhere]}\n"
	if err := os.WriteFile(bad, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"describe"}, 2, "want one FILE"},
		{[]string{"describe", bad}, 1, "nowhere"},
		{[]string{"describe", filepath.Join(dir, "missing.pb")}, 1, "missing.pb"},
	}
	for _, tt := range tests {
		code, _, stderr := execSimctl(tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.says) {
			t.Errorf("%v: exit %d, %q; want %d saying %q", tt.args, code, stderr, tt.code,
				tt.says)
		}
	}
}
