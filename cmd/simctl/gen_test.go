package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
)

// execSimctl runs the command line and returns its exit status and output.
func execSimctl(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = runMain(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestGenFormats(t *testing.T) {
	dir := t.TempDir()
	o := gen.Options{Vertices: 300, Seed: 5}
	want, err := gen.Generate(gen.KindLayered, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"m.pb", "m.yaml", "m.yml", "m.json"} {
		path := filepath.Join(dir, name)
		code, _, stderr := execSimctl("gen", "layered", "--vertices", "300", "--seed", "5",
			"-o", path)
		if code != 0 {
			t.Fatalf("gen -o %s: exit %d: %s", name, code, stderr)
		}
		got, _, err := model.Load(path)
		if err != nil {
			t.Fatalf("%s does not load: %v", name, err)
		}
		if !proto.Equal(got, want) {
			t.Errorf("%s reads back as a different model", name)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("%d files in the output directory, want 4 (temporary files left?)",
			len(entries))
	}
}

// TestGenStreamsTheGeneratorsBytes: the .pb is exactly gen.Write's output,
// with the flags mapped onto the options.
func TestGenStreamsTheGeneratorsBytes(t *testing.T) {
	tests := []struct {
		args []string
		kind string
		o    gen.Options
	}{
		{[]string{"layered", "--supervisors=false", "--tiers", "6"}, gen.KindLayered,
			gen.Options{Vertices: 1000, Seed: 1, Plain: true, Tiers: 6}},
		{[]string{"scale-free", "--degree", "2", "--seed", "9"}, gen.KindScaleFree,
			gen.Options{Vertices: 1000, Seed: 9, Degree: 2}},
		{[]string{"random", "--cycles", "0.1", "--vertices", "50"}, gen.KindRandom,
			gen.Options{Vertices: 50, Seed: 1, Cycles: 0.1}},
		{[]string{"tree", "--fanout", "4"}, gen.KindTree,
			gen.Options{Vertices: 1000, Seed: 1, Fanout: 4}},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "m.pb")
		code, _, stderr := execSimctl(append([]string{"gen", "-o", path}, tt.args...)...)
		if code != 0 {
			t.Fatalf("gen %v: exit %d: %s", tt.args, code, stderr)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := gen.Write(&want, tt.kind, tt.o); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("gen %v: the file is not gen.Write(%s, %+v)", tt.args, tt.kind, tt.o)
		}
	}
}

func TestGenMistakes(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.pb")
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"gen", "-o", out}, 2},
		{[]string{"gen", "layered"}, 2},
		{[]string{"gen", "layered", "-o", filepath.Join(dir, "m.txt")}, 2},
		{[]string{"gen", "ring", "-o", out}, 2},
		{[]string{"gen", "layered", "--vertices", "5", "-o", out}, 2},
		{[]string{"gen", "random", "--cycles", "2", "-o", out}, 2},
		{[]string{"gen", "tree", "-o", filepath.Join(dir, "missing", "m.pb")}, 1},
	}
	for _, tt := range tests {
		if code, _, stderr := execSimctl(tt.args...); code != tt.code || stderr == "" {
			t.Errorf("%v: exit %d (%q), want %d with a message", tt.args, code, stderr,
				tt.code)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed runs left %d files behind", len(entries))
	}
}

// TestWriteFileAtomic: a write that fails half way leaves the previous
// file as it was and no temporary file behind.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.pb")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	errHalfWay := errors.New("half way")
	_, err := writeFileAtomic(path, func(w io.Writer) error {
		w.Write([]byte("new and partial"))
		return errHalfWay
	})
	if !errors.Is(err, errHalfWay) {
		t.Errorf("writeFileAtomic = %v, want %v", err, errHalfWay)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("the old file became %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory, want only the old one", len(entries))
	}

	n, err := writeFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write([]byte("new"))
		return err
	})
	if b, _ := os.ReadFile(path); err != nil || n != 3 || string(b) != "new" {
		t.Errorf("writeFileAtomic = %d, %v; file %q; want 3, nil, \"new\"", n, err, b)
	}
}
