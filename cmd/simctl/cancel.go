package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/homeostat/homeostat/cluster"
)

func init() {
	f := &clusterFlags{}
	register(&command{
		name:    "cancel",
		usage:   "JOB [--cluster HOST:PORT]",
		summary: "cancel a job on a simnode cluster",
		help: `
Cancel stops a job on the simnode that took it (--cluster): a queued job
is dropped at once; a running one is asked to stop and shows as canceling
until its members have stopped. Cancelling a job that has ended is an
error, and so is an id the simnode does not know (simctl status lists the
ones it remembers).

Examples:
  simctl cancel n1-mx7uflai-3
  simctl cancel n1-mx7uflai-3 --cluster 10.0.0.5:7947`,
		flags: f.bind,
		run: func(fs *flag.FlagSet, stdout, _ io.Writer) error {
			if fs.NArg() != 1 {
				return fmt.Errorf("%w: want one job id", errUsage)
			}
			return runCancel(f, fs.Arg(0), stdout)
		},
	})
}

func runCancel(f *clusterFlags, id string, stdout io.Writer) error {
	c, err := f.client()
	if err != nil {
		return err
	}
	ctx, cancel := f.context()
	defer cancel()
	st, err := c.Cancel(ctx, id)
	if err != nil {
		return err
	}
	if f.asJSON {
		return printAPIJSON(stdout, st)
	}
	_, err = fmt.Fprintf(stdout, "job %s: %s\n", st.ID, describeCancel(st))
	return err
}

func describeCancel(st cluster.JobStatus) string {
	if st.State == cluster.JobCanceling {
		return "canceling (the run is stopping)"
	}
	return string(st.State)
}
