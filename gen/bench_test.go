package gen_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
)

// million is the size of the large benchmark models.
const million = 1_000_000

// BenchmarkGenerateLayered1M streams a million-vertex layered model, with
// supervisors, VM hosts and replica sets, to io.Discard.
func BenchmarkGenerateLayered1M(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		err := gen.Write(io.Discard, gen.KindLayered, gen.Options{Vertices: million, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadValidate1M reads, validates and compiles a million-vertex
// layered model from a .pb file written once beforehand, with Load and
// Compile.
func BenchmarkLoadValidate1M(b *testing.B) {
	path := writeMillion(b)
	b.ReportAllocs()
	for b.Loop() {
		m, _, err := model.Load(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := model.Compile(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen1M does the same work with model.Open, which looks every
// id up once.
func BenchmarkOpen1M(b *testing.B) {
	path := writeMillion(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := model.Open(path); err != nil {
			b.Fatal(err)
		}
	}
}

// writeMillion writes the million-vertex layered model to a file.
func writeMillion(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "big.pb")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	err = gen.Write(f, gen.KindLayered, gen.Options{Vertices: million, Seed: 1})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	return path
}
