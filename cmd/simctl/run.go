package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/homeostat/homeostat/actors/engine"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"github.com/homeostat/homeostat/sim"
)

// runEngines are the engines simctl run knows, by --engine name.
var runEngines = map[string]func(perActor int) (sim.Engine, error){
	"direct": func(int) (sim.Engine, error) { return sim.Direct{}, nil },
	"actors": newActorEngine,
}

// newActorEngine builds the actor engine for --vertices-per-actor K; 0
// picks K from the model's size.
func newActorEngine(perActor int) (sim.Engine, error) {
	e, err := engine.New(engine.Config{VerticesPerActor: perActor})
	if err != nil {
		return nil, fmt.Errorf("%w: --vertices-per-actor %d: %w", errUsage, perActor, err)
	}
	return e, nil // a nil *engine.Engine would be a non-nil sim.Engine
}

// defaultRunEngine is the engine used without --engine.
var defaultRunEngine = "actors"

// runFlags are the flags of simctl run.
type runFlags struct {
	engine   string
	perActor int
	duration string
	seed     uint64
	runs     int
	out      string
	every    string
	asJSON   bool
	inject   injectList
}

// injectList collects repeated --inject flags.
type injectList []string

// String implements flag.Value.
func (l *injectList) String() string { return strings.Join(*l, ",") }

// Set implements flag.Value: each --inject adds one.
func (l *injectList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

func init() {
	f := &runFlags{}
	register(&command{
		name:    "run",
		usage:   "FILE [FLAGS]",
		summary: "simulate a model tick by tick: availability, outages, restarts",
		help: `
Run simulates a model in this process: every vertex fails, is repaired,
restarted by its supervisors or re-placed on VM hosts, and every change
of availability travels along the depends edges, tick by tick. Several
runs (replications) use all cores; their seeds derive from --seed, and the
result is the same whatever the number of cores. The digest identifies
the whole trace: the same model and seed give the same digest with every
engine.

--inject ID@TIME[:DURATION] breaks a vertex by hand: every instance of ID
fails at TIME and, with a DURATION, comes back after it ("what if the
database dies at noon": --inject db@12h:30m). TIME and DURATION are
durations (90s, 15m, 2h, 30d) or plain tick counts.

--out DIR writes the time series (series.csv, series.parquet), the system
outages (outages.jsonl), the notable events (events.jsonl) and the
summary (summary.json), each file atomically.

Examples:
  simctl run examples/webshop.yaml
  simctl run model.pb --duration 7d --runs 20 --json
  simctl run model.yaml --inject db-primary@2d:1h --out results/`,
		flags: func(fs *flag.FlagSet) { *f = runFlags{}; f.define(fs) },
		run: func(fs *flag.FlagSet, stdout, stderr io.Writer) error {
			if fs.NArg() != 1 {
				return fmt.Errorf("%w: want one FILE", errUsage)
			}
			return f.run(fs.Arg(0), flagsSet(fs), stdout, stderr)
		},
	})
}

func (f *runFlags) define(fs *flag.FlagSet) {
	names := make([]string, 0, len(runEngines))
	for n := range runEngines {
		names = append(names, n)
	}
	slices.Sort(names)
	fs.StringVar(&f.engine, "engine", defaultRunEngine,
		"engine: "+strings.Join(names, " or "))
	fs.IntVar(&f.perActor, "vertices-per-actor", 0,
		"vertices hosted by one actor (actors engine; 0 picks from the model's size)")
	f.defineJob(fs)
}

// defineJob declares the flags that say what to simulate and where the
// results go; simctl submit shares them.
func (f *runFlags) defineJob(fs *flag.FlagSet) {
	fs.StringVar(&f.duration, "duration", "",
		"simulated time per run (default: the model's simulation.duration, else 30d)")
	fs.Uint64Var(&f.seed, "seed", 0, "base seed (default: the model's simulation.seed)")
	fs.IntVar(&f.runs, "runs", 0, "replications (default: the model's simulation.runs, else 1)")
	fs.StringVar(&f.out, "out", "", "directory for the time series, outages, events and summary")
	fs.StringVar(&f.every, "every", "",
		"sampling interval of the time series (default: a thousandth of the duration)")
	fs.BoolVar(&f.asJSON, "json", false, "print the summary as JSON on stdout")
	fs.Var(&f.inject, "inject", "break a vertex: ID@TIME[:DURATION] (repeatable)")
}

// plan is a run request checked against its model: nothing runs until
// every flag has been understood.
type plan struct {
	w      *core.World
	engine sim.Engine
	opt    sim.Options
}

func (f *runFlags) run(path string, set map[string]bool, stdout, stderr io.Writer) error {
	newEngine, ok := runEngines[f.engine]
	if !ok {
		return fmt.Errorf("%w: --engine %q: want direct or actors", errUsage, f.engine)
	}
	m, warnings, err := model.Load(path)
	printWarnings(stderr, warnings)
	if err != nil {
		return err
	}
	p, err := f.plan(m, set)
	if err != nil {
		return err
	}
	if p.engine, err = newEngine(f.perActor); err != nil {
		return err
	}
	return f.execute(p, stdout, stderr)
}

// plan checks every flag against the model and compiles it.
func (f *runFlags) plan(m *pb.Model, set map[string]bool) (*plan, error) {
	g, err := model.Compile(m)
	if err != nil {
		return nil, err
	}
	opt, err := f.options(g, set)
	if err != nil {
		return nil, err
	}
	w, err := core.NewWorld(g)
	if err != nil {
		return nil, err
	}
	return &plan{w: w, opt: opt}, nil
}

// options starts from the model's simulation settings and applies the
// flags that were set.
func (f *runFlags) options(g *model.Graph, set map[string]bool) (sim.Options, error) {
	sm := g.Model.GetSimulation()
	opt := sim.Options{Duration: sm.GetDuration(), Seed: sm.GetSeed(),
		Runs: int(sm.GetRuns()), Record: f.out != ""}
	if opt.Duration == 0 {
		opt.Duration, _ = model.ParseDuration("30d", g.TickNanos)
	}
	var err error
	if set["duration"] {
		opt.Duration, err = positiveTicks("duration", f.duration, g)
	}
	if set["every"] && err == nil {
		opt.Every, err = positiveTicks("every", f.every, g)
	}
	if set["seed"] {
		opt.Seed = f.seed
	}
	if set["runs"] && err == nil {
		opt.Runs = f.runs
		if f.runs < 1 {
			err = fmt.Errorf("%w: --runs %d: want at least 1", errUsage, f.runs)
		}
	}
	if err == nil {
		opt.Injections, err = f.injections(g)
	}
	return opt, err
}

func (f *runFlags) injections(g *model.Graph) ([]core.Injection, error) {
	var all []core.Injection
	for _, spec := range f.inject {
		inj, err := sim.ParseInjection(g, spec)
		if err != nil {
			return nil, fmt.Errorf("%w: --inject %w", errUsage, err)
		}
		all = append(all, inj)
	}
	return all, nil
}

func positiveTicks(flagName, s string, g *model.Graph) (int64, error) {
	n, err := model.ParseDuration(s, g.TickNanos)
	if err != nil {
		return 0, fmt.Errorf("%w: --%s: %w", errUsage, flagName, err)
	}
	if n <= 0 {
		return 0, fmt.Errorf("%w: --%s %s: want a positive duration", errUsage, flagName, s)
	}
	return n, nil
}

// execute runs the plan and reports.
func (f *runFlags) execute(p *plan, stdout, stderr io.Writer) error {
	prog := newProgress(stderr, p.opt, p.w.Graph.TickNanos)
	if prog != nil {
		p.opt.Progress = prog.update
	}

	start := time.Now()
	results, err := sim.Run(context.Background(), p.engine, p.w, p.opt)
	wall := time.Since(start)
	prog.finish()
	if err != nil {
		return err
	}

	s := sim.Summarize(p.w, p.engine.Name(), p.opt.Seed, results)
	if f.out != "" {
		if err := sim.WriteOutputs(f.out, p.w, s, results); err != nil {
			return err
		}
	}
	if f.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return writeRunText(stdout, s, wall, f.out)
}

// worstShown is how many vertices the text report lists.
const worstShown = 10

func writeRunText(w io.Writer, s *sim.Summary, wall time.Duration, out string) error {
	ew := &errWriter{w: w}
	ew.printf("model %s: %d runs of %s (%d ticks), engine %s, seed %d\n",
		s.Model, s.Runs, s.Duration, s.Ticks, s.Engine, s.Seed)
	ew.printf("digest %s\n", s.Digest)
	ew.printf("system availability %.6f (95%% CI %.6f..%.6f), %d outages\n",
		s.System.Availability, s.System.CI95[0], s.System.CI95[1], s.System.Outages)
	ew.printf("restarts %d, escalations %d, instances added %d, placement failures %d, "+
		"duplicate restarts %d\n", s.Restarts, s.Escalations, s.InstancesAdded,
		s.PlacementFailures, s.DuplicateRestarts)
	ew.printf("control messages: %d sent, %d lost\n", s.ControlMessages.Sent,
		s.ControlMessages.Lost)

	worst := slices.Clone(s.Vertices)
	slices.SortStableFunc(worst, func(a, b sim.VertexSummary) int {
		return cmp.Compare(a.Availability, b.Availability)
	})
	ew.printf("worst vertices:\n")
	for _, v := range worst[:min(worstShown, len(worst))] {
		ew.printf("  %-24s availability %.6f  outages %d  restarts %d\n", v.ID,
			v.Availability, v.Outages, v.Restarts)
	}

	secs := max(wall.Seconds(), 1e-9)
	ew.printf("%d events in %.2fs (%.3g events/s)\n", s.Events, secs, float64(s.Events)/secs)
	if out != "" {
		ew.printf("results written to %s\n", out)
	}
	return ew.err
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// progress draws a one-line progress bar on a terminal: the simulated
// time reached (averaged over the runs) and events per second.
type progress struct {
	mu        sync.Mutex
	w         io.Writer
	duration  int64
	tickNanos int64
	ticks     []int64
	events    []int64
	start     time.Time
	shown     time.Time
}

// newProgress returns nil unless w is a terminal.
func newProgress(w io.Writer, opt sim.Options, tickNanos int64) *progress {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	runs := max(1, opt.Runs)
	return &progress{w: w, duration: opt.Duration, tickNanos: tickNanos,
		ticks: make([]int64, runs), events: make([]int64, runs), start: time.Now()}
}

// progressWidth is the number of cells of the bar.
const progressWidth = 30

func (p *progress) update(run int, tick, events int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ticks[run], p.events[run] = tick, events
	now := time.Now()
	if now.Sub(p.shown) < 200*time.Millisecond {
		return
	}
	p.shown = now
	var ticks, evs int64
	for i := range p.ticks {
		ticks += p.ticks[i]
		evs += p.events[i]
	}
	ticks /= int64(len(p.ticks))
	done := float64(ticks) / float64(max(1, p.duration))
	cells := min(progressWidth, int(done*progressWidth))
	rate := float64(evs) / max(now.Sub(p.start).Seconds(), 1e-9)
	fmt.Fprintf(p.w, "\r[%s%s] %5.1f%%  %s of %s  %.3g events/s ",
		strings.Repeat("#", cells), strings.Repeat(".", progressWidth-cells),
		100*done, p.span(ticks), p.span(p.duration), rate)
}

// span writes ticks as simulated days or hours.
func (p *progress) span(ticks int64) string {
	secs := float64(ticks) * float64(p.tickNanos) / 1e9
	if secs >= 2*86400 {
		return fmt.Sprintf("%.1fd", secs/86400)
	}
	return fmt.Sprintf("%.1fh", secs/3600)
}

func (p *progress) finish() {
	if p != nil && !p.shown.IsZero() {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// flagsSet names the flags given on the command line, so that the model's
// own settings apply to the others.
func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	return set
}
