package sim

import (
	"fmt"
	"strconv"

	"github.com/homeostat/homeostat/core"
)

// classNames maps the words of "expect state" to classes; "up" is an
// available vertex.
var classNames = map[string]core.Class{
	"up": core.Available, "available": core.Available, "impaired": core.Impaired,
	"failed": core.Failed, "starting": core.Starting, "stopped": core.Stopped,
}

// counterNames lists the counters of "expect counter" and "counters".
var counterNames = []string{"events", "controlSent", "controlLost", "restarts",
	"escalations", "instancesAdded", "placementFailures", "duplicateRestarts",
	"overProvisioned"}

func counterValue(c *core.Counters, name string) (int64, bool) {
	vals := map[string]int64{"events": c.Events, "controlSent": c.ControlSent,
		"controlLost": c.ControlLost, "restarts": c.Restarts,
		"escalations": c.Escalations, "instancesAdded": c.InstancesAdded,
		"placementFailures": c.PlacementFailures,
		"duplicateRestarts": c.DuplicateRestarts, "overProvisioned": c.OverProvisioned}
	v, ok := vals[name]
	return v, ok
}

func (r *replay) counters() {
	c := r.st.Counters()
	for _, name := range counterNames {
		v, _ := counterValue(&c, name)
		r.printf("%s %d", name, v)
	}
}

// expect state ID CLASS | expect counter NAME [OP] N
func (r *replay) expect(args []string) error {
	if len(args) >= 1 && args[0] == "state" && len(args) == 3 {
		return r.expectState(args[1], args[2])
	}
	if len(args) >= 3 && args[0] == "counter" && len(args) <= 4 {
		op, n := "=", args[len(args)-1]
		if len(args) == 4 {
			op = args[2]
		}
		return r.expectCounter(args[1], op, n)
	}
	return fmt.Errorf("%w: expect state ID CLASS or expect counter NAME [OP] N",
		ErrScenario)
}

func (r *replay) expectState(id, class string) error {
	v, ok := r.actor(id)
	want, okc := classNames[class]
	if !ok || !okc {
		return fmt.Errorf("%w: expect state %s %s: unknown vertex or state", ErrScenario,
			id, class)
	}
	got, err := r.st.Class(v)
	if err != nil {
		return err
	}
	if got != want {
		return expectError{fmt.Sprintf("%s is %s", id, got)}
	}
	return nil
}

func (r *replay) expectCounter(name, op, n string) error {
	want, err := strconv.ParseInt(n, 10, 64)
	c := r.st.Counters()
	got, ok := counterValue(&c, name)
	if err != nil || !ok {
		return fmt.Errorf("%w: expect counter %s %s %s: unknown counter or number",
			ErrScenario, name, op, n)
	}
	holds := map[string]bool{"=": got == want, ">=": got >= want, "<=": got <= want,
		">": got > want, "<": got < want}
	h, ok := holds[op]
	if !ok {
		return fmt.Errorf("%w: expect counter: unknown comparison %q", ErrScenario, op)
	}
	if !h {
		return expectError{fmt.Sprintf("%s is %d", name, got)}
	}
	return nil
}

// actor finds a vertex actor by name: a vertex of the model by its id,
// an instance actor by the name World.Name gives it ("db#1", "vm-1/0").
func (r *replay) actor(name string) (int32, bool) {
	if v, ok := r.g.Index[name]; ok {
		return v, true
	}
	for id := int32(r.g.N()); int(id) < r.w.Size(); id++ {
		if r.w.Name(id) == name {
			return id, true
		}
	}
	return 0, false
}
