package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateExamples: every bundled example validates, compiles, and
// its binary form validates again; exported to YAML it validates too.
func TestValidateExamples(t *testing.T) {
	examples, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(examples) < 4 {
		t.Fatalf("examples: %v %v", examples, err)
	}
	dir := t.TempDir()
	for _, ex := range examples {
		pbPath := filepath.Join(dir, filepath.Base(ex)+".pb")
		yamlPath := filepath.Join(dir, filepath.Base(ex))
		steps := [][]string{
			{"validate", ex},
			{"compile", ex, "-o", pbPath},
			{"validate", pbPath},
			{"export", pbPath, "--format", "yaml", "-o", yamlPath},
			{"validate", yamlPath},
		}
		for _, args := range steps {
			if code, _, errs := execSimctl(args...); code != 0 {
				t.Fatalf("simctl %v: exit %d: %s", args, code, errs)
			}
		}
	}
}

const badModel = `name: bad
vertices:
  - id: web
    depends_on: [db, ghost]
    gate: {k_of_n: 4}
    failure: {exponential: {mttf: -3d}}
  - id: db
    failure: {exponential: {mttf: 30d}}
`

// TestValidateReportsEveryMistake: an unknown dependency, a k_of_n too
// large, a negative mttf and a YAML syntax error each get a line of
// their own naming the file and line, and the exit status is 1.
func TestValidateReportsEveryMistake(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	broken := filepath.Join(dir, "broken.yaml")
	write(t, bad, badModel)
	write(t, broken, "name: x\nvertices:\n  - id: a\n    depends_on: [b\n  - id: b\n")

	code, _, errs := execSimctl("validate", bad, broken)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{
		bad + `:4:22: vertices[0].depends_on[1].id: unknown vertex "ghost"`,
		bad + ":5:20: vertices[0].gate.k_of_n: 4 is more than the 2 inputs",
		bad + ":6:35: vertices[0].failure.exponential.mttf: mttf must be longer than zero",
		broken + ":4: YAML syntax:",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

// TestCommandsRefuseAnInvalidModel: nothing runs on a model with an
// error; the error is printed and the exit status is 1.
func TestCommandsRefuseAnInvalidModel(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	write(t, bad, badModel)
	for _, cmd := range []string{"analyze", "run", "describe", "export"} {
		code, out, errs := execSimctl(cmd, bad)
		if code != 1 || out != "" || !strings.Contains(errs, `unknown vertex "ghost"`) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", cmd, code, out, errs)
		}
	}
}

func TestHelpTeaches(t *testing.T) {
	code, out, _ := execSimctl("--help")
	if code != 0 || !strings.Contains(out, "validate") || !strings.Contains(out, "run") {
		t.Errorf("simctl --help: exit %d:\n%s", code, out)
	}
	code, _, errs := execSimctl("validate", "--help")
	if code != 0 || !strings.Contains(errs, "Examples:") {
		t.Errorf("simctl validate --help: exit %d:\n%s", code, errs)
	}
	if code, _, _ := execSimctl("nosuch"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
