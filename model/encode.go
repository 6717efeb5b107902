package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"go.yaml.in/yaml/v3"
)

// EncodeYAML writes m in the text form of SPEC section 8, with the short
// forms where they apply (plain dependency ids, gate: all, failure: none,
// durations such as 30d) and fields at their zero value left out. Decode
// reads the result back to an equal model; a sub-message that is present
// but says nothing (an empty Gate or Failure) is left out too.
func EncodeYAML(m *pb.Model) ([]byte, error) {
	n, err := modelNode(m)
	if err != nil {
		return nil, err
	}

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("model: encode YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("model: encode YAML: %w", err)
	}
	return buf.Bytes(), nil
}

// EncodeJSON writes m with the same structure as EncodeYAML, as indented
// JSON, for tools that prefer it. Load reads it back.
func EncodeJSON(m *pb.Model) ([]byte, error) {
	n, err := modelNode(m)
	if err != nil {
		return nil, err
	}

	var compact bytes.Buffer
	if err := writeJSON(&compact, n); err != nil {
		return nil, err
	}

	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("model: encode JSON: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// encoder builds the YAML node tree of a model; the first error (an enum
// value the schema does not know) is kept and returned at the end.
type encoder struct {
	tick int64
	err  error
}

func modelNode(m *pb.Model) (*yaml.Node, error) {
	e := &encoder{tick: m.GetTickNanos()}
	top := mapping(false)
	putText(top, "name", m.GetName())
	if t := m.GetTickNanos(); t != 0 {
		put(top, "tick", durationNode(t, 1))
	}
	if len(m.GetTargets()) > 0 {
		put(top, "targets", idsNode(m.GetTargets()))
	}

	vertices := &yaml.Node{Kind: yaml.SequenceNode}
	for _, v := range m.GetVertices() {
		vertices.Content = append(vertices.Content, e.vertex(v))
	}
	put(top, "vertices", vertices)

	if cp := m.GetControlPlane(); cp != nil {
		put(top, "control_plane", e.controlPlane(cp))
	}
	if s := m.GetSimulation(); s != nil {
		put(top, "simulation", e.simulation(s))
	}
	return top, e.err
}

func mapping(flow bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

func put(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, textNode(key), v)
}

// putText, putInt and the like add a field unless it is zero.
func putText(m *yaml.Node, key, s string) {
	if s != "" {
		put(m, key, textNode(s))
	}
}

func putUint(m *yaml.Node, key string, u uint64) {
	if u != 0 {
		put(m, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int",
			Value: strconv.FormatUint(u, 10)})
	}
}

func putFloat(m *yaml.Node, key string, f float64) {
	if f != 0 {
		put(m, key, floatNode(f))
	}
}

func (e *encoder) putDuration(m *yaml.Node, key string, ticks int64) {
	if ticks != 0 {
		put(m, key, durationNode(ticks, e.tick))
	}
}

func textNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// floatNode writes f in the shortest form that reads back exactly; whole
// values are written as integers.
func floatNode(f float64) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float"}
	switch {
	case math.IsNaN(f):
		n.Value = ".nan"
	case math.IsInf(f, 0):
		n.Value = strings.Replace(strconv.FormatFloat(f, 'g', -1, 64), "Inf", ".inf", 1)
	default:
		n.Value = strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(n.Value, ".e") {
			n.Tag = "!!int"
		}
	}
	return n
}

// durationNode writes ticks as a duration such as "90s", or as a plain
// tick count when it is too long for nanoseconds.
func durationNode(ticks, tick int64) *yaml.Node {
	s := FormatDuration(ticks, tick)
	if isDigits(strings.TrimPrefix(s, "-")) {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: s}
	}
	return textNode(s)
}

func idsNode(ids []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, id := range ids {
		n.Content = append(n.Content, textNode(id))
	}
	return n
}

// enumText names an enum value, recording an error for a value the
// text form has no name for.
func (e *encoder) enumText(what string, value int32, names []string) string {
	if value >= 0 && int(value) < len(names) {
		return names[value]
	}
	if e.err == nil {
		e.err = fmt.Errorf("model: encode: unknown %s %d", what, value)
	}
	return strconv.Itoa(int(value))
}

func (e *encoder) vertex(v *pb.Vertex) *yaml.Node {
	n := mapping(false)
	putText(n, "id", v.GetId())
	if k := v.GetKind(); k != pb.Kind_KIND_SERVICE {
		put(n, "kind", textNode(e.enumText("kind", int32(k), textKinds)))
	}
	putUint(n, "replicas", uint64(v.GetReplicas()))
	putUint(n, "quorum", uint64(v.GetQuorum()))

	if st := e.startTime(v.GetStartTime()); st != nil {
		put(n, "start_time", st)
	}
	if len(v.GetDependsOn()) > 0 {
		put(n, "depends_on", e.dependencies(v.GetDependsOn()))
	}

	e.choices(n, v)
	putText(n, "hosted_on", v.GetHostedOn())

	if s := v.GetSupervisor(); s != nil {
		e.supervisor(n, s)
	}
	if h := v.GetVmhost(); h != nil {
		putUint(n, "capacity", uint64(h.GetCapacity()))
		e.putDuration(n, "boot_time", h.GetBootTime())
	}
	return n
}

// choices adds the gate, failure and repair models that say something.
func (e *encoder) choices(n *yaml.Node, v *pb.Vertex) {
	if g := gateNode(v.GetGate()); g != nil {
		put(n, "gate", g)
	}
	if f := e.failure(v.GetFailure()); f != nil {
		put(n, "failure", f)
	}
	if r := e.repair(v.GetRepair()); r != nil {
		put(n, "repair", r)
	}
}

func (e *encoder) startTime(d *pb.Delay) *yaml.Node {
	switch law := d.GetLaw().(type) {
	case *pb.Delay_Fixed:
		return durationNode(law.Fixed, e.tick)
	case *pb.Delay_ExponentialMean:
		mean := mapping(true)
		e.putDuration(mean, "mean", law.ExponentialMean)
		return choice("exponential", mean)
	}
	return nil
}

// choice is the one-key flow mapping {key: v} of a oneof.
func choice(key string, v *yaml.Node) *yaml.Node {
	n := mapping(true)
	put(n, key, v)
	return n
}

// dependencies writes plain ids as a flow list, or one entry per line
// when some carry a propagation model.
func (e *encoder) dependencies(deps []*pb.Dependency) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, dep := range deps {
		if dep.Probability == nil && dep.Delay == nil && dep.Weight == nil {
			n.Content = append(n.Content, textNode(dep.GetId()))
			continue
		}
		n.Style = 0 // one entry per line, as in SPEC section 8
		n.Content = append(n.Content, e.dependency(dep))
	}
	return n
}

// dependency writes every optional field that is set, zero or not, so
// that presence survives a round trip.
func (e *encoder) dependency(dep *pb.Dependency) *yaml.Node {
	n := mapping(true)
	put(n, "id", textNode(dep.GetId()))
	if dep.Probability != nil {
		put(n, "probability", floatNode(dep.GetProbability()))
	}
	if dep.Delay != nil {
		put(n, "delay", durationNode(dep.GetDelay(), e.tick))
	}
	if dep.Weight != nil {
		put(n, "weight", floatNode(dep.GetWeight()))
	}
	return n
}

func gateNode(g *pb.Gate) *yaml.Node {
	switch kind := g.GetKind().(type) {
	case *pb.Gate_All:
		return textNode("all")
	case *pb.Gate_Any:
		return textNode("any")
	case *pb.Gate_KOfN:
		return choice("k_of_n", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int",
			Value: strconv.FormatUint(uint64(kind.KOfN), 10)})
	case *pb.Gate_Threshold:
		return choice("threshold", floatNode(kind.Threshold))
	case *pb.Gate_ThresholdFraction:
		return choice("threshold_fraction", floatNode(kind.ThresholdFraction))
	}
	return nil
}

func (e *encoder) failure(f *pb.Failure) *yaml.Node {
	switch model := f.GetModel().(type) {
	case *pb.Failure_None:
		return textNode("none")
	case *pb.Failure_Bernoulli:
		p := mapping(true)
		putFloat(p, "p", model.Bernoulli.GetP())
		return choice("bernoulli", p)
	case *pb.Failure_Exponential:
		p := mapping(true)
		e.putDuration(p, "mttf", model.Exponential.GetMttf())
		return choice("exponential", p)
	case *pb.Failure_Weibull:
		p := mapping(true)
		putFloat(p, "shape", model.Weibull.GetShape())
		e.putDuration(p, "scale", model.Weibull.GetScale())
		return choice("weibull", p)
	case *pb.Failure_Schedule:
		return choice("schedule", e.windows(model.Schedule.GetWindows()))
	case *pb.Failure_Unavailability:
		return choice("unavailability", floatNode(model.Unavailability))
	}
	return nil
}

func (e *encoder) windows(ws []*pb.Window) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, w := range ws {
		m := mapping(true)
		e.putDuration(m, "at", w.GetAt())
		e.putDuration(m, "duration", w.GetDuration())
		n.Content = append(n.Content, m)
	}
	return n
}

func (e *encoder) repair(r *pb.Repair) *yaml.Node {
	switch model := r.GetModel().(type) {
	case *pb.Repair_None:
		return textNode("none")
	case *pb.Repair_Exponential:
		p := mapping(true)
		e.putDuration(p, "mttr", model.Exponential.GetMttr())
		return choice("exponential", p)
	case *pb.Repair_Fixed:
		p := mapping(true)
		e.putDuration(p, "duration", model.Fixed.GetDuration())
		return choice("fixed", p)
	}
	return nil
}

// supervisor writes a supervisor's settings flat on its vertex.
func (e *encoder) supervisor(n *yaml.Node, s *pb.Supervisor) {
	if len(s.GetSupervises()) > 0 {
		put(n, "supervises", idsNode(s.GetSupervises()))
	}
	if st := s.GetStrategy(); st != 0 {
		put(n, "strategy", textNode(e.enumText("strategy", int32(st), textStrategies)))
	}
	if pl := s.GetPlacement(); pl != 0 {
		put(n, "placement", textNode(e.enumText("placement", int32(pl), textPlacements)))
	}
	if p := s.GetProbe(); p != nil {
		put(n, "probe", e.probe(p))
	}
	if b := s.GetBackoff(); b != nil {
		put(n, "backoff", e.backoff(b))
	}
	putUint(n, "max_restarts", uint64(s.GetMaxRestarts()))
	e.putDuration(n, "period", s.GetPeriod())
	putUint(n, "max_concurrent_restarts", uint64(s.GetMaxConcurrentRestarts()))
}

func (e *encoder) probe(p *pb.Probe) *yaml.Node {
	n := mapping(true)
	e.putDuration(n, "interval", p.GetInterval())
	putUint(n, "failure_threshold", uint64(p.GetFailureThreshold()))
	if c := p.GetCheck(); c != 0 {
		put(n, "check", textNode(e.enumText("check", int32(c), textChecks)))
	}
	return n
}

func (e *encoder) backoff(b *pb.Backoff) *yaml.Node {
	n := mapping(true)
	e.putDuration(n, "initial", b.GetInitial())
	putFloat(n, "factor", b.GetFactor())
	e.putDuration(n, "max", b.GetMax())
	e.putDuration(n, "reset_after", b.GetResetAfter())
	return n
}

func (e *encoder) controlPlane(cp *pb.ControlPlane) *yaml.Node {
	n := mapping(false)
	if d := cp.GetDefault(); d != nil {
		put(n, "default", e.link(d))
	}

	if len(cp.GetLinks()) > 0 {
		links := &yaml.Node{Kind: yaml.SequenceNode}
		for _, l := range cp.GetLinks() {
			links.Content = append(links.Content, e.link(l))
		}
		put(n, "links", links)
	}

	if len(cp.GetPartitions()) > 0 {
		parts := &yaml.Node{Kind: yaml.SequenceNode}
		for _, p := range cp.GetPartitions() {
			parts.Content = append(parts.Content, e.partition(p))
		}
		put(n, "partitions", parts)
	}
	return n
}

func (e *encoder) link(l *pb.Link) *yaml.Node {
	n := mapping(true)
	if len(l.GetBetween()) > 0 {
		put(n, "between", idsNode(l.GetBetween()))
	}
	e.putDuration(n, "latency", l.GetLatency())
	putFloat(n, "loss", l.GetLoss())
	return n
}

func (e *encoder) partition(p *pb.Partition) *yaml.Node {
	n := mapping(true)
	e.putDuration(n, "at", p.GetAt())
	e.putDuration(n, "duration", p.GetDuration())

	sides := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range p.GetSides() {
		sides.Content = append(sides.Content, idsNode(s.GetIds()))
	}
	put(n, "sides", sides)
	return n
}

func (e *encoder) simulation(s *pb.Simulation) *yaml.Node {
	n := mapping(true)
	e.putDuration(n, "duration", s.GetDuration())
	putUint(n, "seed", s.GetSeed())
	putUint(n, "runs", uint64(s.GetRuns()))
	return n
}

// writeJSON writes a node tree built by modelNode as compact JSON.
func writeJSON(b *bytes.Buffer, n *yaml.Node) error {
	switch n.Kind {
	case yaml.MappingNode:
		return writeJSONList(b, '{', '}', n.Content, 2)
	case yaml.SequenceNode:
		return writeJSONList(b, '[', ']', n.Content, 1)
	}
	switch {
	case n.Tag == "!!str":
		text, _ := json.Marshal(n.Value) // a string always marshals
		b.Write(text)
	case strings.Contains(n.Value, "inf") || strings.Contains(n.Value, "nan"):
		return fmt.Errorf("model: encode JSON: %s has no JSON form", n.Value)
	default:
		b.WriteString(n.Value)
	}
	return nil
}

// writeJSONList writes the elements of a sequence (step 1) or the
// key-value pairs of a mapping (step 2).
func writeJSONList(b *bytes.Buffer, open, close byte, items []*yaml.Node, step int) error {
	b.WriteByte(open)
	for i := 0; i < len(items); i += step {
		if i > 0 {
			b.WriteByte(',')
		}
		if step == 2 {
			if err := writeJSON(b, items[i]); err != nil {
				return err
			}
			b.WriteByte(':')
		}
		if err := writeJSON(b, items[i+step-1]); err != nil {
			return err
		}
	}
	b.WriteByte(close)
	return nil
}
