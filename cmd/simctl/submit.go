package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/homeostat/homeostat/cluster"
	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
	"github.com/homeostat/homeostat/sim"
)

// submitFlags are the flags of simctl submit: those of simctl run, the
// cluster's address and credentials, and whether to wait.
type submitFlags struct {
	run     runFlags
	cluster clusterFlags
	wait    bool
	poll    time.Duration
}

func init() {
	f := &submitFlags{}
	register(&command{
		name:    "submit",
		usage:   "FILE [--cluster HOST:PORT] [FLAGS]",
		summary: "simulate a model on a simnode cluster, as simctl run does",
		help: `
Submit runs a simulation on a cluster of simnode daemons instead of this
process. The member it asks (--cluster) takes the job, splits the model
among the live members so that few edges cross between them, and runs
the replications on one shared clock across them. The result is the one
"simctl run" gives for the same model and flags, digest included, and
is printed and written the same way (--json, --out).

The flags are those of simctl run; defaults come from the model's
simulation settings here, before the model is sent. While it waits,
submit shows a progress line fed by the cluster when stderr is a
terminal. --wait=false prints the job id and returns at once; "simctl
status" and "simctl cancel JOB" follow it up.

A member that dies or is cut off during the job ends it with an error
naming the member and the tick; nothing partial is shown.

Examples:
  simctl submit model.pb --cluster 10.0.0.5:7947
  simctl submit model.pb --duration 7d --runs 5 --json
  simctl submit model.yaml --seed 3 --out results/
  simctl submit model.pb --wait=false`,
		flags: func(fs *flag.FlagSet) { *f = submitFlags{}; f.define(fs) },
		run: func(fs *flag.FlagSet, stdout, stderr io.Writer) error {
			if fs.NArg() != 1 {
				return fmt.Errorf("%w: want one FILE", errUsage)
			}
			return f.submit(fs.Arg(0), flagsSet(fs), stdout, stderr)
		},
	})
}

func (f *submitFlags) define(fs *flag.FlagSet) {
	r, c := &f.run, &f.cluster
	r.defineJob(fs)
	fs.IntVar(&r.perActor, "vertices-per-actor", 0,
		"vertices hosted by one shard actor (0: one shard actor per kind on each member)")
	fs.StringVar(&c.addr, "cluster", defaultClusterAddr(),
		"`HOST:PORT` of any simnode's API ($HOMEOSTAT_CLUSTER)")
	fs.StringVar(&c.tokenFile, "token-file", os.Getenv("HOMEOSTAT_TOKEN_FILE"),
		"`FILE` holding the API token ($HOMEOSTAT_TOKEN_FILE)")
	fs.StringVar(&c.secretFile, "secret-file", "",
		"`FILE` holding the cluster's gossip key, to derive the token from")
	fs.DurationVar(&c.timeout, "timeout", time.Minute,
		"give up on one request to the cluster after this long")
	fs.BoolVar(&f.wait, "wait", true, "wait for the result; false prints the job id")
	f.poll = 250 * time.Millisecond
}

// submit checks the flags against the model here, sends it, and waits
// for the result unless told not to.
func (f *submitFlags) submit(path string, set map[string]bool, stdout,
	stderr io.Writer) error {
	m, warnings, err := model.Load(path)
	printWarnings(stderr, warnings)
	if err != nil {
		return err
	}
	p, err := f.run.plan(m, set)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	c, err := f.cluster.client()
	if err != nil {
		return err
	}
	ctx, cancel := f.cluster.context()
	st, err := c.Submit(ctx, filepath.Base(path), data, f.options(p.opt))
	cancel()
	if err != nil {
		return err
	}
	if !f.wait {
		return f.printSubmitted(stdout, st)
	}
	return f.await(c, st.ID, p, stdout, stderr)
}

// options are the run options as the cluster takes them, every default
// already resolved against the model.
func (f *submitFlags) options(opt sim.Options) cluster.RunOptions {
	o := cluster.RunOptions{Seed: opt.Seed, Duration: strconv.FormatInt(opt.Duration, 10),
		Runs: max(1, opt.Runs), Inject: f.run.inject, Record: opt.Record,
		VerticesPerActor: f.run.perActor}
	if opt.Every > 0 {
		o.Every = strconv.FormatInt(opt.Every, 10)
	}
	return o
}

func (f *submitFlags) printSubmitted(w io.Writer, st cluster.JobStatus) error {
	if f.run.asJSON {
		return printAPIJSON(w, st)
	}
	_, err := fmt.Fprintln(w, st.ID)
	return err
}

// await follows the job until it ends, then prints and writes its result
// as simctl run would.
func (f *submitFlags) await(c *cluster.Client, id string, p *plan, stdout,
	stderr io.Writer) error {
	prog := newProgress(stderr, p.opt, p.w.Graph.TickNanos)
	start := time.Now()
	st, err := f.follow(c, id, prog)
	prog.finish()
	if err != nil {
		return err
	}
	if st.State != cluster.JobDone {
		return fmt.Errorf("job %s %s: %s", id, st.State, st.Error)
	}
	ctx, cancel := f.cluster.context()
	b, err := c.Result(ctx, id)
	cancel()
	if err != nil {
		return err
	}
	o, err := cluster.DecodeResult(b)
	if err != nil {
		return err
	}
	return f.report(o, p.w, time.Since(start), stdout)
}

// follow polls the job's status until it ends, feeding the progress
// line.
func (f *submitFlags) follow(c *cluster.Client, id string,
	prog *progress) (cluster.JobStatus, error) {
	tick := time.NewTicker(f.poll)
	defer tick.Stop()
	for {
		ctx, cancel := f.cluster.context()
		st, err := c.Job(ctx, id)
		cancel()
		if err != nil || st.State.Final() {
			return st, err
		}
		prog.fromCluster(st.Progress)
		<-tick.C
	}
}

// fromCluster shows the cluster's progress: the runs before the current
// one are complete, and the events are the job's so far.
func (p *progress) fromCluster(c cluster.Progress) {
	if p == nil || c.Run < 1 {
		return
	}
	run := min(c.Run, len(p.ticks)) - 1
	p.mu.Lock()
	for i := range p.ticks {
		p.events[i] = 0
		if i < run {
			p.ticks[i] = p.duration
		}
	}
	p.mu.Unlock()
	p.update(run, c.Tick, int64(c.Events))
}

// report prints the summary and writes the outputs from the gathered
// result, exactly as simctl run does from its own.
func (f *submitFlags) report(o *cluster.Outcome, w *core.World, wall time.Duration,
	stdout io.Writer) error {
	if f.run.out != "" {
		if err := sim.WriteOutputs(f.run.out, w, o.Summary, o.Runs); err != nil {
			return err
		}
	}
	if f.run.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(o.Summary)
	}
	if err := writeRunText(stdout, o.Summary, wall, f.run.out); err != nil {
		return err
	}
	return writeClusterText(stdout, o)
}

// writeClusterText says how the job was spread over the members.
func writeClusterText(w io.Writer, o *cluster.Outcome) error {
	parts := make([]string, len(o.Members))
	for i, m := range o.Members {
		parts[i] = fmt.Sprintf("%s %d", m, o.Vertices[i])
	}
	ew := &errWriter{w: w}
	ew.printf("cluster: %d member%s (vertices: %s), %d of %d edges between members",
		len(o.Members), sIfMany(len(o.Members)), strings.Join(parts, ", "), o.CutEdges,
		o.Edges)
	if o.CrossMessages > 0 {
		ew.printf(", %d messages between members (%.1f bytes each)", o.CrossMessages,
			float64(o.CrossBytes)/float64(o.CrossMessages))
	}
	ew.printf("\n")
	return ew.err
}
