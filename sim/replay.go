package sim

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
)

// replay is the state of a scenario being replayed.
type replay struct {
	name       string
	newStepper NewStepperFunc
	w          *core.World
	g          *model.Graph
	st         Stepper
	now        int64
	out        []string
}

// expectError is a failed expectation: the replay goes on.
type expectError struct{ msg string }

func (e expectError) Error() string { return e.msg }

func asExpect(err error, target *expectError) bool { return errors.As(err, target) }

func (r *replay) printf(format string, args ...any) {
	r.out = append(r.out, fmt.Sprintf(format, args...))
}

func (r *replay) do(c *command) error {
	fields := strings.Fields(c.text)
	if fields[0] != "model" && r.st == nil {
		return fmt.Errorf("%w: the first command must be model", ErrScenario)
	}
	switch fields[0] {
	case "model":
		return r.model(fields[1:], c.input)
	case "run":
		return r.run(fields[1:])
	case "inject":
		return r.inject(fields[1:])
	case "partition":
		return r.partition(fields[1:])
	case "expect":
		return r.expect(fields[1:])
	case "counters":
		r.counters()
		return nil
	case "digest":
		r.printf("%016x", r.st.Digest())
		return nil
	}
	return fmt.Errorf("%w: unknown command %q", ErrScenario, fields[0])
}

// model [seed=N]: the YAML of a model follows.
func (r *replay) model(args, input []string) error {
	seed := uint64(1)
	for _, a := range args {
		v, ok := strings.CutPrefix(a, "seed=")
		n, err := strconv.ParseUint(v, 10, 64)
		if !ok || err != nil {
			return fmt.Errorf("%w: model takes seed=N, got %q", ErrScenario, a)
		}
		seed = n
	}

	m, src, err := model.Decode(r.name+".yaml", []byte(strings.Join(input, "\n")))
	if err != nil {
		return err
	}
	if _, err := model.Validate(m, src); err != nil {
		return err
	}
	if r.g, err = model.Compile(m); err != nil {
		return err
	}
	if r.w, err = core.NewWorld(r.g); err != nil {
		return err
	}
	if r.st, err = r.newStepper(r.w, seed); err != nil {
		return err
	}

	r.now = 0
	targets := make([]string, len(r.g.Targets))
	for i, t := range r.g.Targets {
		targets[i] = r.g.IDs[t]
	}
	r.printf("%d vertices; targets: %s", r.g.N(), strings.Join(targets, " "))
	return nil
}

func (r *replay) ticks(s string) (int64, error) {
	return model.ParseDuration(s, r.g.TickNanos)
}

// run SPAN: run that many more ticks and print the events and states.
func (r *replay) run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: run takes one span", ErrScenario)
	}
	span, err := r.ticks(args[0])
	if err != nil || span <= 0 {
		return fmt.Errorf("%w: run %q: want a positive span", ErrScenario, args[0])
	}
	if err := r.st.RunUntil(r.now + span); err != nil {
		return err
	}
	r.now += span
	r.printEvents(r.st.Events())
	return r.printStates()
}

// maxEventLines bounds the events printed by one run command.
const maxEventLines = 60

func (r *replay) printEvents(ev []core.Event) {
	slices.SortStableFunc(ev, func(a, b core.Event) int {
		if a.Tick != b.Tick {
			return cmp.Compare(a.Tick, b.Tick)
		}
		return int(a.Vertex - b.Vertex)
	})
	for i, e := range ev {
		if i == maxEventLines {
			r.printf("... %d more events", len(ev)-i)
			return
		}
		line := fmt.Sprintf("t=%d %s %s", e.Tick, r.g.IDs[e.Vertex], e.Kind)
		if e.Other >= 0 {
			line += " " + r.g.IDs[e.Other]
		}
		r.out = append(r.out, line)
	}
}

func (r *replay) printStates() error {
	by := make([][]string, core.NumClasses)
	for v := range int32(r.g.N()) {
		c, err := r.st.Class(v)
		if err != nil {
			return err
		}
		by[c] = append(by[c], r.g.IDs[v])
	}
	r.printf("t=%d", r.now)
	for c, ids := range by {
		if len(ids) > 0 {
			r.printf("  %s: %s", core.Class(c), strings.Join(ids, " "))
		}
	}
	return r.printInstances()
}

// printInstances prints the state of every instance actor, a line of at
// most eight, in id order: what each replica set's view is built from.
func (r *replay) printInstances() error {
	var line []string
	for id := int32(r.g.N()); int(id) < r.w.Size(); id++ {
		c, err := r.st.Class(id)
		if err != nil {
			return err
		}
		state := c.String()
		if c == core.Available {
			state = "up"
		}
		line = append(line, r.w.Name(id)+" "+state)
		if len(line) == 8 || int(id) == r.w.Size()-1 {
			r.printf("  instances: %s", strings.Join(line, ", "))
			line = line[:0]
		}
	}
	return nil
}

// inject ID@TIME[:DURATION], TIME absolute.
func (r *replay) inject(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: inject takes ID@TIME[:DURATION]", ErrScenario)
	}
	inj, err := ParseInjection(r.g, args[0])
	if err != nil {
		return fmt.Errorf("%w: %w", ErrScenario, err)
	}
	return r.st.Inject(inj)
}

// partition AT DURATION ID,ID | ID,ID [| ...]
func (r *replay) partition(args []string) error {
	if len(args) < 5 {
		return fmt.Errorf("%w: partition takes AT DURATION SIDE | SIDE", ErrScenario)
	}
	at, err1 := r.ticks(args[0])
	d, err2 := r.ticks(args[1])
	if err1 != nil || err2 != nil || at < r.now || d <= 0 {
		return fmt.Errorf("%w: partition %s %s: want a start not yet run and a "+
			"positive duration", ErrScenario, args[0], args[1])
	}
	p := core.PartitionWindow{At: at, Duration: d}
	for _, side := range strings.Split(strings.Join(args[2:], " "), "|") {
		var ids []int32
		for _, id := range strings.FieldsFunc(side, func(c rune) bool {
			return c == ',' || c == ' '
		}) {
			v, ok := r.g.Index[id]
			if !ok {
				return fmt.Errorf("%w: partition: no vertex %q", ErrScenario, id)
			}
			ids = append(ids, v)
		}
		p.Sides = append(p.Sides, ids)
	}
	r.w.AddPartition(p)
	return nil
}
