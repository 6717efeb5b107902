package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"github.com/homeostat/homeostat/report"
)

func init() {
	f := &genFlags{}
	register(&command{
		name:    "gen",
		usage:   "KIND --vertices N [--seed S] -o OUT",
		summary: "generate a synthetic model (layered, scale-free, random, tree)",
		help: `
Gen writes a synthetic model, valid and the same for the same seed.

Kinds:
  layered     a microservice cluster: frontends over tiers of services over
              shared databases and caches, racks as shared causes, replica
              sets, a supervision tree and VM hosts (--tiers, --fanout;
              --supervisors=false for a bare dependency DAG with exponential
              failure and repair only, for engine benchmarks)
  scale-free  preferential attachment: new vertices depend on --degree older
              ones, favouring the popular
  random      G(n, p) with --degree mean inputs, acyclic unless --cycles
              adds that fraction of back edges
  tree        each vertex depends on one parent, --fanout children each

The format follows the extension of OUT: .pb (binary, streamed, for any
size), .yaml, .yml or .json (text, built in memory). The file is written
to a temporary name and renamed into place, so OUT is never left half
written.

Examples:
  simctl gen layered --vertices 2000 --seed 7 -o cluster.yaml
  simctl gen layered --vertices 1000000 --supervisors=false -o big.pb
  simctl gen random --vertices 500 --degree 4 --cycles 0.05 -o loops.pb`,
		flags: f.define,
		run:   f.run,
	})
}

// genFlags holds the flags of simctl gen.
type genFlags struct {
	opts        gen.Options
	supervisors bool
	out         string
}

func (f *genFlags) define(fs *flag.FlagSet) {
	fs.IntVar(&f.opts.Vertices, "vertices", 1000, "number of `N` vertices")
	fs.Uint64Var(&f.opts.Seed, "seed", 1, "random `seed`; the same seed gives the same file")
	fs.IntVar(&f.opts.Tiers, "tiers", gen.DefaultTiers,
		"service tiers of a layered model, frontends included")
	fs.IntVar(&f.opts.Fanout, "fanout", gen.DefaultFanout,
		"mean inputs of a layered service; mean children in a tree")
	fs.Float64Var(&f.opts.Degree, "degree", gen.DefaultDegree,
		"mean inputs of a vertex (scale-free, random)")
	fs.Float64Var(&f.opts.Cycles, "cycles", 0,
		"back edges as a `fraction` of forward edges (random)")
	fs.BoolVar(&f.supervisors, "supervisors", true,
		"layered: supervisors, VM hosts, replica sets and varied models; "+
			"false leaves a plain DAG")
	fs.IntVar(&f.opts.Partitions, "partitions", 0, "layered: scheduled control-plane "+
		"partitions between groups of supervisors and VM hosts")
	fs.StringVar(&f.out, "o", "", "output `file` (.pb, .yaml, .yml, .json)")
}

func (f *genFlags) run(fs *flag.FlagSet, _, stderr io.Writer) error {
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one KIND (%s)", errUsage, strings.Join(gen.Kinds, ", "))
	}
	if f.out == "" {
		return fmt.Errorf("%w: -o OUT is required", errUsage)
	}
	kind, o := fs.Arg(0), f.opts
	o.Plain = !f.supervisors
	if err := gen.Check(kind, o); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	write, err := modelWriter(kind, o, f.out)
	if err != nil {
		return err
	}
	n, err := writeFileAtomic(f.out, write)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s: %s model, %d vertices, %d bytes\n", f.out, kind, o.Vertices, n)
	return nil
}

// modelWriter picks how to write a model from the extension of path.
func modelWriter(kind string, o gen.Options, path string) (func(io.Writer) error, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".pb":
		return func(w io.Writer) error { return gen.Write(w, kind, o) }, nil
	case ".yaml", ".yml", ".json":
		m, err := gen.Generate(kind, o)
		if err != nil {
			return nil, err
		}
		return func(w io.Writer) error { return encodeText(w, m, ext) }, nil
	default:
		return nil, fmt.Errorf("%w: unknown format %q of %s (want .pb, .yaml, .yml or .json)",
			errUsage, ext, path)
	}
}

// encodeText writes m in the text form, as JSON for .json and YAML
// otherwise.
func encodeText(w io.Writer, m *pb.Model, ext string) error {
	encode := model.EncodeYAML
	if ext == ".json" {
		encode = model.EncodeJSON
	}
	b, err := encode(m)
	if err == nil {
		_, err = w.Write(b)
	}
	return err
}

// writeFileAtomic writes path atomically through write (report.Atomic)
// and returns the number of bytes written; on failure path is untouched.
func writeFileAtomic(path string, write func(io.Writer) error) (int64, error) {
	var n int64
	err := report.Atomic(path, func(w io.Writer) error {
		cw := &countingWriter{w: w}
		err := write(cw)
		n = cw.n
		return err
	})
	return n, err
}

// countingWriter counts the bytes that pass through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
