package gen_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// generate builds a model and checks that it validates without errors
// and compiles; the compiled graph is what the structure tests inspect.
func generate(t *testing.T, kind string, o gen.Options) *model.Graph {
	t.Helper()
	m, err := gen.Generate(kind, o)
	if err != nil {
		t.Fatalf("Generate(%s, %+v): %v", kind, o, err)
	}
	if _, err := model.Validate(m, nil); err != nil {
		t.Fatalf("Generate(%s, %+v) is invalid: %v", kind, o, err)
	}
	g, err := model.Compile(m)
	if err != nil {
		t.Fatalf("Compile(%s, %+v): %v", kind, o, err)
	}
	if g.N() != o.Vertices {
		t.Fatalf("Generate(%s, %+v): %d vertices, want %d", kind, o, g.N(), o.Vertices)
	}
	return g
}

func write(t *testing.T, kind string, o gen.Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gen.Write(&b, kind, o); err != nil {
		t.Fatalf("Write(%s, %+v): %v", kind, o, err)
	}
	return b.Bytes()
}

// cases covers every kind at a few sizes, including the smallest a kind
// accepts, and the layered variants.
var cases = []struct {
	kind string
	o    gen.Options
}{
	{gen.KindLayered, gen.Options{Vertices: 12}},
	{gen.KindLayered, gen.Options{Vertices: 100}},
	{gen.KindLayered, gen.Options{Vertices: 3000}},
	{gen.KindLayered, gen.Options{Vertices: 3000, Tiers: 1}},
	{gen.KindLayered, gen.Options{Vertices: 3000, Tiers: 9, Fanout: 6}},
	{gen.KindLayered, gen.Options{Vertices: 3000, Partitions: 5}},
	{gen.KindLayered, gen.Options{Vertices: 7, Plain: true}},
	{gen.KindLayered, gen.Options{Vertices: 3000, Plain: true}},
	{gen.KindScaleFree, gen.Options{Vertices: 1}},
	{gen.KindScaleFree, gen.Options{Vertices: 100, Degree: 1.5}},
	{gen.KindScaleFree, gen.Options{Vertices: 3000}},
	{gen.KindRandom, gen.Options{Vertices: 1}},
	{gen.KindRandom, gen.Options{Vertices: 100, Degree: 40}},
	{gen.KindRandom, gen.Options{Vertices: 3000, Cycles: 0.2}},
	{gen.KindTree, gen.Options{Vertices: 1}},
	{gen.KindTree, gen.Options{Vertices: 100, Fanout: 1}},
	{gen.KindTree, gen.Options{Vertices: 3000}},
}

func TestGeneratedModelsAreValid(t *testing.T) {
	for _, c := range cases {
		for _, seed := range []uint64{1, 2, 99} {
			o := c.o
			o.Seed = seed
			generate(t, c.kind, o)
		}
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	for _, c := range cases {
		o := c.o
		o.Seed = 7
		a, b := write(t, c.kind, o), write(t, c.kind, o)
		if !bytes.Equal(a, b) {
			t.Errorf("%s %+v: two writes with one seed differ", c.kind, o)
		}
		if o.Vertices < 50 {
			continue // too small to be sure a seed shows
		}
		o.Seed = 8
		if bytes.Equal(a, write(t, c.kind, o)) {
			t.Errorf("%s %+v: seeds 7 and 8 give the same model", c.kind, o)
		}
	}
}

// TestWriteEqualsGenerate holds the streaming writer to the in-memory
// model: the same bytes as marshalling it, and the same message back.
func TestWriteEqualsGenerate(t *testing.T) {
	for _, c := range cases {
		o := c.o
		o.Seed = 3
		m, err := gen.Generate(c.kind, o)
		if err != nil {
			t.Fatal(err)
		}
		want, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got := write(t, c.kind, o)
		if !bytes.Equal(got, want) {
			t.Errorf("%s %+v: Write differs from marshalled Generate", c.kind, o)
		}
		back := &pb.Model{}
		if err := proto.Unmarshal(got, back); err != nil || !proto.Equal(back, m) {
			t.Errorf("%s %+v: Write does not read back as Generate (%v)", c.kind, o, err)
		}
	}
}

func TestBadRequests(t *testing.T) {
	tests := []struct {
		kind string
		o    gen.Options
		want error
	}{
		{"ring", gen.Options{Vertices: 10}, gen.ErrKind},
		{gen.KindTree, gen.Options{}, gen.ErrOptions},
		{gen.KindLayered, gen.Options{Vertices: 11}, gen.ErrOptions},
		{gen.KindLayered, gen.Options{Vertices: 100, Tiers: 99}, gen.ErrOptions},
		{gen.KindRandom, gen.Options{Vertices: 10, Cycles: 1.5}, gen.ErrOptions},
		{gen.KindRandom, gen.Options{Vertices: 10, Degree: -1}, gen.ErrOptions},
		{gen.KindTree, gen.Options{Vertices: 10, Fanout: -2}, gen.ErrOptions},
	}
	for _, tt := range tests {
		if _, err := gen.Generate(tt.kind, tt.o); !errors.Is(err, tt.want) {
			t.Errorf("Generate(%q, %+v) = %v, want %v", tt.kind, tt.o, err, tt.want)
		}
		if err := gen.Write(io.Discard, tt.kind, tt.o); !errors.Is(err, tt.want) {
			t.Errorf("Write(%q, %+v) = %v, want %v", tt.kind, tt.o, err, tt.want)
		}
	}
}

// failingWriter accepts limit bytes, then fails.
type failingWriter struct{ limit int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		n := w.limit
		w.limit = 0
		return n, errDiskFull
	}
	w.limit -= len(p)
	return len(p), nil
}

func TestWriteReportsWriterErrors(t *testing.T) {
	for _, limit := range []int{0, 100, 3 << 20} {
		w := &failingWriter{limit: limit}
		err := gen.Write(w, gen.KindLayered, gen.Options{Vertices: 50000, Seed: 1})
		if !errors.Is(err, errDiskFull) {
			t.Errorf("limit %d: Write = %v, want %v", limit, err, errDiskFull)
		}
	}
}

func ExampleGenerate() {
	m, err := gen.Generate(gen.KindTree, gen.Options{Vertices: 5, Seed: 1, Fanout: 2})
	if err != nil {
		panic(err)
	}
	for _, v := range m.GetVertices() {
		var upstream []string
		for _, d := range v.GetDependsOn() {
			upstream = append(upstream, d.GetId())
		}
		fmt.Println(v.GetId(), "depends on", upstream)
	}
	// Output:
	// svc-0 depends on []
	// svc-1 depends on [svc-0]
	// svc-2 depends on [svc-0]
	// svc-3 depends on [svc-1]
	// svc-4 depends on [svc-1]
}
