package sim

import (
	"fmt"
	"strings"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
)

// ParseInjection reads ID@TIME[:DURATION], where TIME and DURATION are
// durations ("12h", "90s") or plain tick counts, into an injection on
// graph g. Errors say which part is wrong.
func ParseInjection(g *model.Graph, spec string) (core.Injection, error) {
	id, when, ok := strings.Cut(spec, "@")
	if !ok || id == "" || when == "" {
		return core.Injection{}, fmt.Errorf("%q: want ID@TIME[:DURATION]", spec)
	}
	v, ok := g.Index[id]
	if !ok {
		return core.Injection{}, fmt.Errorf("%q: no vertex %q in the model", spec, id)
	}
	at, dur, hasDur := strings.Cut(when, ":")
	inj := core.Injection{Vertex: v}
	var err error
	if inj.At, err = model.ParseDuration(at, g.TickNanos); err != nil {
		return inj, fmt.Errorf("%q: time: %w", spec, err)
	}
	if inj.At < 0 {
		return inj, fmt.Errorf("%q: time %s is negative", spec, at)
	}
	if !hasDur {
		return inj, nil
	}
	if inj.Duration, err = model.ParseDuration(dur, g.TickNanos); err != nil {
		return inj, fmt.Errorf("%q: duration: %w", spec, err)
	}
	if inj.Duration <= 0 {
		return inj, fmt.Errorf("%q: duration %s must be positive", spec, dur)
	}
	return inj, nil
}
