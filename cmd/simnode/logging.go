package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/homeostat/homeostat/cluster"
)

// newLogger returns the daemon's one logger: every line of simnode,
// memberlist, protoactor and net/http goes through its handler, tagged
// with the member's name under the key "node".
func newLogger(w io.Writer, o options) *slog.Logger {
	hopts := &slog.HandlerOptions{Level: o.logLevel}
	var h slog.Handler = slog.NewTextHandler(w, hopts)
	if o.logFormat == "json" {
		h = slog.NewJSONHandler(w, hopts)
	}
	return slog.New(h).With("node", o.name)
}

// loggingRunner logs the start and end of every job under the key "job",
// and its progress at debug level under "tick".
type loggingRunner struct {
	inner cluster.JobRunner
	log   *slog.Logger
}

func (r loggingRunner) Run(
	ctx context.Context, job *cluster.Job, progress func(cluster.Progress),
) ([]byte, error) {
	log := r.log.With("job", job.ID)
	log.Info("job started", "model", job.Name,
		"vertices", len(job.Model.GetVertices()), "seed", job.Options.Seed)
	report := func(p cluster.Progress) {
		log.Debug("job progress", "tick", p.Tick, "end_tick", p.EndTick)
		progress(p)
	}
	res, err := r.inner.Run(ctx, job, report)
	if err != nil {
		log.Warn("job ended without a result", "err", err)
		return nil, err
	}
	log.Info("job done", "result_bytes", len(res))
	return res, nil
}
