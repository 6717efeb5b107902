package cluster

import (
	"fmt"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
	"github.com/homeostat/homeostat/sim"
)

// plan is a job's run options read against its model, with the defaults
// `simctl run` takes: the model's simulation settings, else 30 days and
// one run.
type plan struct {
	opt sim.Options
}

// newPlan reads o against g.
func newPlan(g *model.Graph, o RunOptions) (plan, error) {
	sm := g.Model.GetSimulation()
	opt := sim.Options{Duration: sm.GetDuration(), Seed: o.Seed,
		Runs: int(sm.GetRuns()), Record: o.Record}
	if opt.Duration == 0 {
		opt.Duration, _ = model.ParseDuration("30d", g.TickNanos)
	}
	var err error
	if o.Duration != "" {
		opt.Duration, err = model.ParseDuration(o.Duration, g.TickNanos)
	}
	if o.Every != "" && err == nil {
		opt.Every, err = model.ParseDuration(o.Every, g.TickNanos)
	}
	if err != nil {
		return plan{}, fmt.Errorf("%w: %w", ErrJob, err)
	}
	if o.Runs > 0 {
		opt.Runs = o.Runs
	}
	opt.Runs = max(1, opt.Runs)
	if opt.Every <= 0 {
		opt.Every = sim.DefaultEvery(opt.Duration)
	}
	if opt.Injections, err = injections(g, o.Inject); err != nil {
		return plan{}, err
	}
	if opt.Duration <= 0 {
		return plan{}, fmt.Errorf("%w: duration %d ticks", ErrJob, opt.Duration)
	}
	return plan{opt: opt}, nil
}

func injections(g *model.Graph, specs []string) ([]core.Injection, error) {
	var out []core.Injection
	for _, spec := range specs {
		inj, err := sim.ParseInjection(g, spec)
		if err != nil {
			return nil, fmt.Errorf("%w: inject %w", ErrJob, err)
		}
		out = append(out, inj)
	}
	return out, nil
}

// job is replication i as the collector sees it.
func (p plan) job(w *core.World, i int) sim.Job {
	o := p.opt
	o.Progress = nil
	return o.Job(w, i)
}
