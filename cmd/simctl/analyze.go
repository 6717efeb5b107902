package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/homeostat/homeostat/analysis"
	"github.com/homeostat/homeostat/model"
)

// analyzeFlags are the settings of one analyze command.
type analyzeFlags struct {
	json    bool
	targets targetList
	method  string
	opt     analysis.Options
	top     int
}

// targetList collects repeated --target flags.
type targetList []string

func (t *targetList) String() string     { return strings.Join(*t, ",") }
func (t *targetList) Set(s string) error { *t = append(*t, s); return nil }

// analyzeTop is how many vertices and cut sets the table shows.
const analyzeTop = 25

func init() {
	a := &analyzeFlags{}
	register(&command{
		name:    "analyze",
		usage:   "FILE [--json] [--target ID]... [--method auto|exact|mc]",
		summary: "steady-state view: how likely each vertex is down, and why",
		help: `
Analyze computes the steady-state view of SPEC section 4: for every vertex
and for the system (down when any target is down) the probability of
being down, the Birnbaum and Fussell-Vesely importance of every vertex,
the blast radius of each single failure, the single points of failure,
the minimal cut sets up to --cut-order, and the dependency cycles.

--method auto (the default) is exact (binary decision diagrams) while the
diagrams fit in --bdd-nodes and falls back to Monte Carlo otherwise,
saying so. Monte Carlo draws --samples samples (64 per machine word, on
every core) and gives each probability a 95 % Clopper-Pearson interval;
the answer depends on --seed only, not on the number of cores.

The table shows the worst vertices first; --json prints everything.

Examples:
  simctl analyze examples/webshop.yaml
  simctl analyze big.pb --method mc --samples 10000000 --seed 7
  simctl analyze examples/webshop.yaml --target catalog --cut-order 3 --json`,
		flags: a.define,
		run: func(fs *flag.FlagSet, stdout, stderr io.Writer) error {
			if fs.NArg() != 1 {
				return fmt.Errorf("%w: want one FILE", errUsage)
			}
			return a.run(fs.Arg(0), stdout, stderr)
		},
	})
}

func (a *analyzeFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&a.json, "json", false, "print the whole result as JSON")
	fs.Var(&a.targets, "target", "a target vertex (repeatable); replaces the model's targets")
	fs.StringVar(&a.method, "method", "auto", "auto, exact or mc (Monte Carlo)")
	fs.Int64Var(&a.opt.Samples, "samples", analysis.DefaultSamples,
		"Monte Carlo samples (rounded up to a multiple of 256)")
	fs.Uint64Var(&a.opt.Seed, "seed", 1, "Monte Carlo seed")
	fs.IntVar(&a.opt.Workers, "workers", 0, "Monte Carlo goroutines (0: one per core)")
	fs.IntVar(&a.opt.BDDNodes, "bdd-nodes", analysis.DefaultBDDNodes,
		"node budget of the exact method")
	fs.IntVar(&a.opt.CutOrder, "cut-order", analysis.DefaultCutOrder,
		"largest minimal cut set to search for")
	fs.IntVar(&a.opt.BlastList, "blast-list", analysis.DefaultBlastList,
		"vertices listed per blast radius in --json (the count is always whole)")
	fs.Int64Var(&a.opt.StructureWork, "structure-work", analysis.DefaultStructureWork,
		"gate evaluations allowed for blast radii and cut sets")
	fs.IntVar(&a.top, "top", analyzeTop, "vertices and cut sets the table shows (0: all)")
}

func (a *analyzeFlags) run(path string, stdout, stderr io.Writer) error {
	method, err := analysis.ParseMethod(a.method)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	a.opt.Method = method

	g, err := loadGraph(path, stderr)
	if err != nil {
		return err
	}
	if err := overrideTargets(g, a.targets); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := analysis.Analyze(ctx, g, a.opt)
	if err != nil {
		return err
	}

	if a.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res.Report())
	}
	return writeAnalysis(stdout, res, a.top)
}

// overrideTargets replaces the model's targets with the named vertices.
func overrideTargets(g *model.Graph, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	g.Targets = nil
	for _, id := range ids {
		v, ok := g.Index[id]
		if !ok {
			return fmt.Errorf("%w: --target %q names no vertex", errUsage, id)
		}
		g.Targets = append(g.Targets, v)
	}
	return nil
}

// writeAnalysis prints the result for people: how it was computed, the
// system, the worst vertices, then the structure.
func writeAnalysis(w io.Writer, r *analysis.Result, top int) error {
	writeAnalysisHeader(w, r, top)
	writeVertexTable(w, r, top)
	writeStructure(w, r, top)
	return nil
}

func writeAnalysisHeader(w io.Writer, r *analysis.Result, top int) {
	g := r.Graph
	name := g.Model.GetName()
	if name == "" {
		name = "model"
	}
	if r.Method == analysis.MethodExact {
		fmt.Fprintf(w, "%s: exact (decision diagrams, %d nodes)\n", name, r.Nodes)
	} else {
		fmt.Fprintf(w, "%s: Monte Carlo, %d samples, seed %d\n", name, r.Samples, r.Seed)
	}
	if r.Fallback != "" {
		fmt.Fprintf(w, "note: %s\n", r.Fallback)
	}
	if len(r.Unrepaired) > 0 {
		fmt.Fprintf(w, "note: nothing repairs %s (no repair model, no supervisor): "+
			"taken as always down\n", listIDs(g, r.Unrepaired, top))
	}
	fmt.Fprintf(w, "system down: %s%s   (targets: %s)\n\n", prob(r.System.P),
		interval(r, r.System), listIDs(g, g.Targets, top))
}

func writeVertexTable(w io.Writer, r *analysis.Result, top int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	ci := ""
	if r.Method != analysis.MethodExact {
		ci = "\t95% CI"
	}
	fmt.Fprintf(tw, "VERTEX\tKIND\tDOWN%s\tOWN\tBIRNBAUM\tFUSSELL-VESELY\tBLAST\n", ci)
	order := r.Worst()
	for i, v := range order {
		if top > 0 && i == top {
			fmt.Fprintf(tw, "... %d more (--top 0 shows all)\n", len(order)-top)
			break
		}
		vr := r.Vertices[v]
		fmt.Fprintf(tw, "%s\t%s\t%s%s\t%s\t%s\t%s\t%s\n", r.Graph.IDs[v],
			analysis.KindName(r.Graph.Kinds[v]), prob(vr.Down.P), cell(r, vr.Down),
			prob(vr.IntrinsicDown), prob(vr.Birnbaum), prob(vr.FussellVesely),
			blast(r.Structure.BlastRadius[v]))
	}
	tw.Flush()
}

func writeStructure(w io.Writer, r *analysis.Result, top int) {
	g, s := r.Graph, r.Structure
	fmt.Fprintln(w)
	if s.AlwaysDown {
		fmt.Fprintln(w, "the system is down even with nothing failed")
	}
	singles, cuts := s.Possible(g)
	fmt.Fprintf(w, "single points of failure (%d): %s\n", len(singles),
		orNone(listIDs(g, singles, top)))

	fmt.Fprintf(w, "minimal cut sets up to order %d: %d\n", s.CutOrder, len(cuts))
	for i, c := range cuts {
		if top > 0 && i == top {
			fmt.Fprintf(w, "  ... %d more\n", len(cuts)-top)
			break
		}
		fmt.Fprintf(w, "  %-10s {%s}\n", prob(c.P), strings.Join(idsOf(g, c.Vertices), ", "))
	}

	if !s.Complete {
		fmt.Fprintln(w, "note: the structure analysis ran out of --structure-work; "+
			"some blast radii are unknown and cut sets may be missing")
	}
	for i, c := range r.Cycles {
		if top > 0 && i == top {
			fmt.Fprintf(w, "... %d more cycles\n", len(r.Cycles)-top)
			break
		}
		fmt.Fprintf(w, "cycle (least fixed point taken): %s\n", listIDs(g, c, top))
	}
}

// listIDs joins the ids of at most top vertices (all when top is 0),
// counting the rest.
func listIDs(g *model.Graph, vs []int32, top int) string {
	if top <= 0 || len(vs) <= top {
		return strings.Join(idsOf(g, vs), ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(idsOf(g, vs[:top]), ", "),
		len(vs)-top)
}

func idsOf(g *model.Graph, vs []int32) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = g.IDs[v]
	}
	return out
}

func prob(p float64) string {
	if p != p { // NaN: nothing to estimate it from
		return "-"
	}
	return fmt.Sprintf("%.4g", p)
}

func interval(r *analysis.Result, e analysis.Estimate) string {
	if r.Method == analysis.MethodExact {
		return ""
	}
	return fmt.Sprintf(" [%.4g, %.4g]", e.Lo, e.Hi)
}

func cell(r *analysis.Result, e analysis.Estimate) string {
	if r.Method == analysis.MethodExact {
		return ""
	}
	return fmt.Sprintf("\t[%.3g, %.3g]", e.Lo, e.Hi)
}

func blast(n int) string {
	if n < 0 {
		return "?"
	}
	return fmt.Sprint(n)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
