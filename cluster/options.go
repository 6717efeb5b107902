package cluster

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// RunOptions are the settings of one simulation job, the same as the
// flags of `simctl run`. Zero values leave the engine's defaults.
type RunOptions struct {
	// Seed of the run's random streams.
	Seed uint64 `json:"seed"`
	// Duration of simulated time, e.g. "30d".
	Duration string `json:"duration,omitempty"`
	// Runs is the number of replications.
	Runs int `json:"runs,omitempty"`
	// VerticesPerActor is how many vertex actors one protoactor actor
	// hosts.
	VerticesPerActor int `json:"vertices_per_actor,omitempty"`
	// Every is the sampling interval of the time series.
	Every string `json:"every,omitempty"`
	// Inject breaks vertices by hand, each ID@TIME[:DURATION].
	Inject []string `json:"inject,omitempty"`
	// Record keeps the notable events of each run in the result, for
	// events.jsonl (`simctl submit --out`).
	Record bool `json:"record,omitempty"`
}

// ParseQuery sets the options named in a submit URL's query, one
// parameter per field under its JSON name (inject may repeat), over the
// values already in o. Unknown parameters are an error, so a typo does
// not silently run with a default.
func (o *RunOptions) ParseQuery(q url.Values) error {
	for key, vals := range q {
		if key == "name" {
			continue
		}
		if err := o.set(key, vals); err != nil {
			return err
		}
	}
	return nil
}

func (o *RunOptions) set(key string, vals []string) error {
	last := vals[len(vals)-1]
	var err error
	switch key {
	case "seed":
		o.Seed, err = strconv.ParseUint(last, 10, 64)
	case "duration":
		o.Duration = last
	case "runs":
		o.Runs, err = strconv.Atoi(last)
	case "vertices_per_actor":
		o.VerticesPerActor, err = strconv.Atoi(last)
	case "every":
		o.Every = last
	case "inject":
		o.Inject = append(o.Inject, vals...)
	case "record":
		o.Record, err = strconv.ParseBool(last)
	default:
		return fmt.Errorf("unknown run option %q", key)
	}
	if err != nil {
		return fmt.Errorf("run option %s=%q: not a number or boolean", key, last)
	}
	return nil
}

// Query encodes the options as a submit URL's query, the inverse of
// ParseQuery; zero values are left out.
func (o RunOptions) Query() url.Values {
	q := url.Values{}
	q.Set("seed", strconv.FormatUint(o.Seed, 10))
	setNonZero(q, "duration", o.Duration)
	setNonZero(q, "every", o.Every)
	if o.Runs != 0 {
		q.Set("runs", strconv.Itoa(o.Runs))
	}
	if o.VerticesPerActor != 0 {
		q.Set("vertices_per_actor", strconv.Itoa(o.VerticesPerActor))
	}
	for _, in := range o.Inject {
		q.Add("inject", in)
	}
	if o.Record {
		q.Set("record", "true")
	}
	return q
}

func setNonZero(q url.Values, key, val string) {
	if val != "" {
		q.Set(key, val)
	}
}

// Check reports the first option that cannot apply to m: negative
// counts, durations that do not parse in m's ticks, and injections of
// unknown vertices.
func (o RunOptions) Check(m *pb.Model) error {
	if o.Runs < 0 || o.VerticesPerActor < 0 {
		return fmt.Errorf("runs %d and vertices_per_actor %d must not be "+
			"negative", o.Runs, o.VerticesPerActor)
	}
	if err := checkSpan("duration", o.Duration, m); err != nil {
		return err
	}
	if err := checkSpan("every", o.Every, m); err != nil {
		return err
	}
	for _, in := range o.Inject {
		if err := checkInject(in, m); err != nil {
			return err
		}
	}
	return nil
}

// checkSpan accepts an empty or positive duration.
func checkSpan(name, s string, m *pb.Model) error {
	if s == "" {
		return nil
	}
	ticks, err := model.ParseDuration(s, m.GetTickNanos())
	if err != nil {
		return fmt.Errorf("%s %q: %w", name, s, err)
	}
	if ticks <= 0 {
		return fmt.Errorf("%s %q: must be positive", name, s)
	}
	return nil
}

// checkInject reads ID@TIME[:DURATION].
func checkInject(in string, m *pb.Model) error {
	id, when, ok := strings.Cut(in, "@")
	if !ok || id == "" || when == "" {
		return fmt.Errorf("inject %q: want ID@TIME[:DURATION]", in)
	}
	if !hasVertex(m, id) {
		return fmt.Errorf("inject %q: no vertex %q in the model", in, id)
	}
	at, span, hasSpan := strings.Cut(when, ":")
	ticks, err := model.ParseDuration(at, m.GetTickNanos())
	if err != nil || ticks < 0 {
		return fmt.Errorf("inject %q: bad time %q", in, at)
	}
	if hasSpan {
		return checkSpan("inject "+in+" duration", span, m)
	}
	return nil
}

func hasVertex(m *pb.Model, id string) bool {
	for _, v := range m.GetVertices() {
		if v.GetId() == id {
			return true
		}
	}
	return false
}
