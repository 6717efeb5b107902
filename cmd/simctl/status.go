package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/homeostat/homeostat/cluster"
)

func init() {
	f := &clusterFlags{}
	register(&command{
		name:    "status",
		usage:   "[--cluster HOST:PORT]",
		summary: "show a simnode's readiness, members and jobs",
		help: `
Status asks one simnode (--cluster) how it is: whether it is ready (it
has joined its cluster), how many members it sees, and its jobs: the
running one with its progress, the queued ones, and the ended ones it
remembers, newest first.

Examples:
  simctl status
  simctl status --cluster 10.0.0.5:7947 --json`,
		flags: f.bind,
		run: func(fs *flag.FlagSet, stdout, _ io.Writer) error {
			if fs.NArg() > 0 {
				return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
			}
			return runStatus(f, stdout)
		},
	})
}

func runStatus(f *clusterFlags, stdout io.Writer) error {
	c, err := f.client()
	if err != nil {
		return err
	}
	ctx, cancel := f.context()
	defer cancel()
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	if f.asJSON {
		return printAPIJSON(stdout, st)
	}
	return printStatus(stdout, st, time.Now())
}

// printStatus writes the status for people; now dates the uptime.
func printStatus(w io.Writer, st cluster.Status, now time.Time) error {
	ready := "no (joining its cluster, or shutting down)"
	if st.Ready {
		ready = "yes"
	}

	j := st.Jobs
	fmt.Fprintf(w, "node     %s (version %s, protocol %d)\n", st.Node,
		st.Version, st.Protocol)
	fmt.Fprintf(w, "ready    %s\n", ready)
	fmt.Fprintf(w, "up       %s\n", now.Sub(st.Started).Round(time.Second))
	fmt.Fprintf(w, "members  %d\n", st.Members)
	fmt.Fprintf(w, "jobs     %d running, %d queued, %d done, %d failed, "+
		"%d canceled\n", j.Running, j.Queued, j.Done, j.Failed, j.Canceled)
	if len(st.Recent) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	return printJobs(w, st.Recent)
}

// printJobs writes jobs as a table.
func printJobs(w io.Writer, jobs []cluster.JobStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSTATE\tMODEL\tVERTICES\tPROGRESS\tERROR")
	for _, js := range jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", js.ID, js.State,
			js.Model, js.Vertices, progressOf(js), firstLine(js.Error))
	}
	return tw.Flush()
}

// progressOf says how far a job got: its place in the queue, or ticks.
func progressOf(js cluster.JobStatus) string {
	p := js.Progress
	switch {
	case js.State == cluster.JobQueued:
		return fmt.Sprintf("queued #%d", js.Position)
	case p.EndTick > 0:
		s := fmt.Sprintf("tick %d/%d (%.0f%%)", p.Tick, p.EndTick,
			100*float64(p.Tick)/float64(p.EndTick))
		if p.Runs > 1 {
			s += fmt.Sprintf(" run %d/%d", p.Run, p.Runs)
		}
		return s
	case p.Tick > 0:
		return fmt.Sprintf("tick %d", p.Tick)
	}
	return "-"
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
