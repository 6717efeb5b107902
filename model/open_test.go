package model

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/gen"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// modelFiles writes the test models, the examples and generated models
// to dir, in text and binary form, and returns their paths.
func modelFiles(t *testing.T, dir string) []string {
	t.Helper()
	paths, _ := filepath.Glob("testdata/*")
	more, _ := filepath.Glob("../examples/*.yaml")
	paths = append(paths, more...)
	for _, kind := range gen.Kinds {
		m, err := gen.Generate(kind, gen.Options{Vertices: 2000, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, writeModel(t, dir, kind, m)...)
	}
	paths = append(paths, writeModel(t, dir, "every", everyField())...)
	return paths
}

func writeModel(t *testing.T, dir, name string, m *pb.Model) []string {
	t.Helper()
	bin, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{filepath.Join(dir, name+".pb"), filepath.Join(dir, name+".yaml")}
	files := [][]byte{bin}
	if text, err := EncodeYAML(m); err == nil { // not for kinds it cannot name
		files = append(files, text)
	}
	paths = paths[:len(files)]
	for i, data := range files {
		if err := os.WriteFile(paths[i], data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

// TestOpenIsLoadThenCompile holds Open to what it replaces: the same
// graph, warnings and errors as Load followed by Compile.
func TestOpenIsLoadThenCompile(t *testing.T) {
	dir := t.TempDir()
	paths := append(modelFiles(t, dir), filepath.Join(dir, "absent.pb"))
	for _, path := range paths {
		want, wantWarn, wantErr := loadAndCompile(path)
		got, warn, err := Open(path)
		if !reflect.DeepEqual(warn, wantWarn) {
			t.Errorf("%s: warnings\n%v\nwant\n%v", path, warn, wantWarn)
		}
		if errText(err) != errText(wantErr) || errors.Is(err, ErrInvalid) !=
			errors.Is(wantErr, ErrInvalid) {
			t.Errorf("%s: error %v, want %v", path, err, wantErr)
		}
		if (got == nil) != (want == nil) {
			t.Fatalf("%s: graph %v, want %v", path, got != nil, want != nil)
		}
		if got != nil {
			assertSameGraph(t, path, got, want)
		}
	}
}

func loadAndCompile(path string) (*Graph, Diagnostics, error) {
	m, warnings, err := Load(path)
	if err != nil {
		return nil, warnings, err
	}
	g, err := Compile(m)
	return g, warnings, err
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// assertSameGraph compares two graphs of equal models read separately.
func assertSameGraph(t *testing.T, path string, got, want *Graph) {
	t.Helper()
	if !proto.Equal(got.Model, want.Model) || len(got.Vertices) != len(want.Vertices) {
		t.Errorf("%s: the models differ", path)
	}
	a, b := *got, *want
	a.Model, a.Vertices, b.Model, b.Vertices = nil, nil, nil, nil
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s: graphs differ\ngot  %+v\nwant %+v", path, a, b)
	}
}

// TestOpenChecksFirst expects a bad model to come back as Load reports
// it, with no graph.
func TestOpenChecksFirst(t *testing.T) {
	g, _, err := Open("testdata/bad_model.yaml")
	if g != nil || !errors.Is(err, ErrInvalid) {
		t.Errorf("Open(bad_model.yaml) = %v, %v; want no graph and ErrInvalid", g, err)
	}
}

func TestCompileErrors(t *testing.T) {
	vertex := func(id string, deps ...string) *pb.Vertex {
		v := &pb.Vertex{Id: id}
		for _, d := range deps {
			v.DependsOn = append(v.DependsOn, dep(d))
		}
		return v
	}
	sup := &pb.Vertex{Id: "s", Kind: pb.Kind_KIND_SUPERVISOR,
		Supervisor: &pb.Supervisor{Supervises: []string{"a", "zz"}}}
	tests := []struct {
		m    *pb.Model
		want string
	}{
		{&pb.Model{Vertices: []*pb.Vertex{vertex("a"), vertex("a", "x")}},
			`compile: duplicate vertex "a"`},
		{&pb.Model{Vertices: []*pb.Vertex{vertex("a"), vertex("b", "a", "x"),
			{Id: "c", HostedOn: "y"}, sup}},
			`compile: b.depends_on names unknown vertex "x"`},
		{&pb.Model{Vertices: []*pb.Vertex{vertex("a"), {Id: "c", HostedOn: "y"}, sup}},
			`compile: c.hosted_on names unknown vertex "y"`},
		{&pb.Model{Vertices: []*pb.Vertex{vertex("a"), sup}, Targets: []string{"q"}},
			`compile: s.supervises names unknown vertex "zz"`},
		{&pb.Model{Vertices: []*pb.Vertex{vertex("a")}, Targets: []string{"a", "q"}},
			`compile: targets names unknown vertex "q"`},
	}
	for _, tt := range tests {
		if _, err := Compile(tt.m); errText(err) != tt.want {
			t.Errorf("Compile error %v, want %s", err, tt.want)
		}
	}
}
