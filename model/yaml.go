package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"go.yaml.in/yaml/v3"
)

// Names of enum values in the text form, indexed by the proto value.
var (
	textKinds      = []string{"service", "supervisor", "vmhost"}
	textStrategies = []string{"one_for_one", "one_for_all", "rest_for_one", "replicas"}
	textPlacements = []string{"spread", "pack"}
	textChecks     = []string{"liveness", "readiness"}
)

// Field names each mapping of the text form accepts.
var (
	modelKeys  = []string{"name", "tick", "targets", "vertices", "control_plane", "simulation"}
	vertexKeys = []string{
		"id", "kind", "replicas", "quorum", "start_time", "depends_on", "gate",
		"failure", "repair", "hosted_on",
		"supervises", "strategy", "placement", "probe", "backoff",
		"max_restarts", "period", "max_concurrent_restarts",
		"capacity", "boot_time",
	}
	dependencyKeys = []string{"id", "probability", "delay", "weight"}
	gateKeys       = []string{"k_of_n", "threshold", "threshold_fraction"}
	failureKeys    = []string{
		"none", "bernoulli", "exponential", "weibull", "schedule", "unavailability",
	}
	repairKeys       = []string{"none", "exponential", "fixed"}
	startKeys        = []string{"fixed", "exponential"}
	probeKeys        = []string{"interval", "failure_threshold", "check"}
	backoffKeys      = []string{"initial", "factor", "max", "reset_after"}
	controlPlaneKeys = []string{"default", "links", "partitions"}
	linkKeys         = []string{"between", "latency", "loss"}
	partitionKeys    = []string{"at", "duration", "sides"}
	windowKeys       = []string{"at", "duration"}
	simulationKeys   = []string{"duration", "seed", "runs"}
)

// decoder turns a YAML node tree into a Model, collecting every type
// error with its position instead of stopping at the first.
type decoder struct {
	file  string
	tick  int64 // nanoseconds per tick, for every duration
	diags Diagnostics
	// budget bounds the nodes visited, so that aliases nested into an
	// exponential tree ("billion laughs") cannot stall decoding.
	budget     int
	exhausted  bool
	mergeDepth int // merge keys being expanded, one inside another
	// tickWritten is set when the top mapping holds "tick" itself.
	tickWritten bool
}

// yamlPair is one key and value of a mapping.
type yamlPair struct{ key, val *yaml.Node }

var nullNode = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}

// decodeText reads the YAML (or JSON) text form.
func decodeText(name string, data []byte) (*pb.Model, *Source, error) {
	root, err := parseYAML(name, data)
	if err != nil {
		return nil, nil, err
	}

	src := &Source{File: name, root: root}
	if root == nil {
		return &pb.Model{}, src, nil
	}

	d := &decoder{file: name, tick: DefaultTickNanos, budget: 1_000_000 + 10*len(data)}
	m := d.model(root)
	if len(d.diags) > 0 {
		d.diags.sortByPosition()
		return nil, src, d.diags
	}
	return m, src, nil
}

// parseYAML parses exactly one document and returns its top node, or nil
// for an empty document.
func parseYAML(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, Diagnostics{syntaxDiagnostic(name, data, err)}
	}

	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, Diagnostics{{File: name, Line: next.Line, Col: next.Column,
			Msg: "a model file holds one YAML document; remove the second ---"}}
	case !errors.Is(err, io.EOF):
		return nil, Diagnostics{syntaxDiagnostic(name, data, err)}
	}

	if len(doc.Content) == 0 {
		return nil, nil
	}
	top := doc.Content[0]
	if top.Kind == yaml.ScalarNode && top.ShortTag() == "!!null" {
		return nil, nil
	}
	return top, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the syntax errors the YAML library reports with a
// 0-based line (its scanner errors are 1-based).
var parserProblems = []string{
	"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"did not find expected '-' indicator", "did not find expected <document start>",
	"did not find expected key", "did not find expected node content",
	"found duplicate %TAG directive", "found duplicate %YAML directive",
	"found incompatible YAML document", "found undefined tag handle",
}

// syntaxDiagnostic turns a YAML parser error into a Diagnostic. The
// parser names the start of the enclosing block for some errors; in a
// small file the line is refined to where the problem first appears.
func syntaxDiagnostic(name string, data []byte, err error) Diagnostic {
	line, problem := splitSyntaxError(err)
	if line == 0 {
		return Diagnostic{File: name, Msg: "YAML: " + problem}
	}
	line = refineSyntaxLine(data, line, problem)
	return Diagnostic{File: name, Line: line, Msg: "YAML syntax: " + problem}
}

// splitSyntaxError returns the 1-based line (0 when the message has
// none) and the problem of a YAML parser error.
func splitSyntaxError(err error) (int, string) {
	msg := err.Error()
	match := yamlLine.FindStringSubmatch(msg)
	if match == nil {
		return 0, strings.TrimPrefix(msg, "yaml: ")
	}
	line, _ := strconv.Atoi(match[1])
	if slices.Contains(parserProblems, match[2]) {
		line++
	}
	return line, match[2]
}

// Bounds of the search for the line of a syntax error, which parses one
// prefix of the file per line tried.
const (
	refineMaxBytes = 64 << 10
	refineMaxLines = 100
)

// refineSyntaxLine returns the first line from `from` on at which the
// file, cut after that line, already fails with the same problem; or
// `from` when there is none within reach.
func refineSyntaxLine(data []byte, from int, problem string) int {
	if len(data) > refineMaxBytes {
		return from
	}

	// end is the length of the prefix that holds lines 1 to k.
	lines := bytes.SplitAfter(data, []byte("\n"))
	end := len(bytes.Join(lines[:min(from-1, len(lines))], nil))
	for k := from; k <= len(lines) && k < from+refineMaxLines; k++ {
		end += len(lines[k-1])
		var n yaml.Node
		if err := yaml.Unmarshal(data[:end], &n); err != nil {
			if _, p := splitSyntaxError(err); p == problem {
				return k
			}
		}
	}
	return from
}

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	if d.exhausted {
		return
	}
	d.diags = append(d.diags, Diagnostic{
		File: d.file, Line: n.Line, Col: n.Column, Path: path,
		Msg: fmt.Sprintf(format, args...),
	})
}

// resolve follows an alias and charges the visit to the budget.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	if d.budget--; d.budget < 0 {
		if !d.exhausted {
			d.errorf(n, "", "anchors and aliases expand to too large a model")
			d.exhausted = true
		}
		return nullNode
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// describeNode names what was written, for type errors.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "nothing"
		}
		return strconv.Quote(shorten(n.Value))
	}
	return "an unreadable node"
}

// shorten cuts long text for messages, keeping whole characters.
func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "..."
	}
	return s
}

// pairs lists the entries of a mapping, with the entries of merge keys
// (<<: *anchor) after the explicit ones they do not override.
func (d *decoder) pairs(n *yaml.Node) []yamlPair {
	var out, merged []yamlPair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMerge(k) {
			merged = append(merged, d.mergeSources(v)...)
			continue
		}
		out = append(out, yamlPair{k, v})
	}

	// Explicit keys override merged ones; among merged ones the first wins.
	for _, p := range merged {
		if !slices.ContainsFunc(out, func(q yamlPair) bool { return q.key.Value == p.key.Value }) {
			out = append(out, p)
		}
	}
	return out
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge"
}

// maxMergeDepth bounds merge keys inside merged mappings; an anchor
// merged into itself would otherwise recurse until the budget runs out.
const maxMergeDepth = 32

func (d *decoder) mergeSources(v *yaml.Node) []yamlPair {
	v = d.resolve(v)
	if d.mergeDepth >= maxMergeDepth {
		d.errorf(v, "", "merge keys (<<) nest more than %d deep; does an anchor "+
			"merge itself?", maxMergeDepth)
		return nil
	}

	d.mergeDepth++
	defer func() { d.mergeDepth-- }()
	switch v.Kind {
	case yaml.MappingNode:
		return d.pairs(v)
	case yaml.SequenceNode:
		var out []yamlPair
		for _, el := range v.Content {
			out = append(out, d.mergeSources(el)...)
		}
		return out
	}
	d.errorf(v, "", "a merge (<<) needs a mapping or a list of mappings, got %s",
		describeNode(v))
	return nil
}

// fields walks a mapping, reporting unknown and repeated keys, and calls
// set for every other entry with the entry's path.
func (d *decoder) fields(n *yaml.Node, path string, keys []string,
	set func(key string, v *yaml.Node, p string)) {
	n = d.resolve(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "want a mapping of fields (%s), got %s",
			strings.Join(keys, ", "), describeNode(n))
		return
	}

	seen := make([]string, 0, 8)
	for _, kv := range d.pairs(n) {
		key := kv.key.Value
		switch {
		case kv.key.Kind != yaml.ScalarNode:
			d.errorf(kv.key, path, "a field name must be plain text, got %s",
				describeNode(kv.key))
		case !slices.Contains(keys, key):
			d.errorf(kv.key, path, "unknown field %q%s", key, suggestName(key, keys))
		case slices.Contains(seen, key):
			d.errorf(kv.key, joinPath(path, key), "%s is written twice", key)
		default:
			seen = append(seen, key)
			set(key, kv.val, joinPath(path, key))
		}
	}
}

// oneOf reads a mapping with exactly one of keys, the form of a choice
// such as {exponential: {mttf: 30d}}.
func (d *decoder) oneOf(n *yaml.Node, path, what string, keys []string,
	set func(key string, v *yaml.Node, p string)) {
	n = d.resolve(n)
	if n.Kind == yaml.MappingNode && len(n.Content) == 0 {
		d.errorf(n, path, "choose one %s: %s", what, strings.Join(keys, ", "))
		return
	}

	chosen := ""
	d.fields(n, path, keys, func(key string, v *yaml.Node, p string) {
		if chosen != "" {
			d.errorf(v, p, "only one %s at a time: %s or %s", what, chosen, key)
			return
		}
		chosen = key
		set(key, v, p)
	})
}

// scalar returns n as a non-null scalar, or reports what was there.
func (d *decoder) scalar(n *yaml.Node, path, want string) (*yaml.Node, bool) {
	n = d.resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		return n, true
	}
	d.errorf(n, path, "want %s, got %s", want, describeNode(n))
	return n, false
}

func (d *decoder) str(n *yaml.Node, path string) string {
	s, ok := d.scalar(n, path, "text")
	if !ok {
		return ""
	}
	return s.Value
}

func (d *decoder) number(n *yaml.Node, path string) float64 {
	s, ok := d.scalar(n, path, "a number")
	if !ok {
		return 0
	}
	var f float64
	if tag := s.ShortTag(); tag != "!!int" && tag != "!!float" || s.Decode(&f) != nil {
		d.errorf(s, path, "want a number, got %s", describeNode(s))
		return 0
	}

	if math.IsInf(f, 0) || math.IsNaN(f) {
		d.errorf(s, path, "want a finite number, got %s", s.Value)
		return 0
	}
	return f
}

// whole reads an integer scalar that must lie in [0, max].
func (d *decoder) whole(n *yaml.Node, path string, max uint64) uint64 {
	s, ok := d.scalar(n, path, "a whole number")
	if !ok {
		return 0
	}

	// Decode as signed first, to tell a negative number from one too
	// large for int64.
	var i int64
	var u uint64
	switch {
	case s.ShortTag() != "!!int":
		d.errorf(s, path, "want a whole number, got %s", describeNode(s))
	case s.Decode(&i) == nil && i < 0:
		d.errorf(s, path, "must not be negative, got %d", i)
	case s.Decode(&u) != nil || u > max:
		d.errorf(s, path, "%s is too large (at most %d)", s.Value, max)
	default:
		return u
	}
	return 0
}

func (d *decoder) uint32(n *yaml.Node, path string) uint32 {
	return uint32(d.whole(n, path, math.MaxUint32))
}

// duration reads a duration in ticks: "90s" and the like, or a plain
// integer that is already ticks.
func (d *decoder) duration(n *yaml.Node, path string) int64 {
	s, ok := d.scalar(n, path, "a duration such as 90s, 15m, 2h or 30d")
	if !ok {
		return 0
	}
	switch s.ShortTag() {
	case "!!int":
		var ticks int64
		if s.Decode(&ticks) != nil {
			d.errorf(s, path, "%s ticks is too many", s.Value)
		}
		return ticks
	case "!!str":
		ticks, err := ParseDuration(s.Value, d.tick)
		if err != nil {
			d.errorf(s, path, "%s", strings.TrimPrefix(err.Error(), "model: "))
		}
		return ticks
	}
	if s.ShortTag() != "!!float" {
		d.errorf(s, path, "want a duration such as 90s, 15m, 2h or 30d, got %s",
			describeNode(s))
		return 0
	}
	d.errorf(s, path, "%s needs a unit, such as %ss (d, h, m, s, ms, us or ns); "+
		"a plain number counts ticks and must be whole", s.Value, s.Value)
	return 0
}

// enum reads one of names and returns its index, which is the proto value.
func (d *decoder) enum(n *yaml.Node, path, what string, names []string) int32 {
	s, ok := d.scalar(n, path, what)
	if !ok {
		return 0
	}
	if i := slices.Index(names, s.Value); i >= 0 {
		return int32(i)
	}
	d.errorf(s, path, "unknown %s %q: want %s", what, s.Value, orList(names))
	return 0
}

// ids reads a list of vertex ids; a single id may be written alone.
func (d *decoder) ids(n *yaml.Node, path string) []string {
	n = d.resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "want a list of vertex ids, got %s", describeNode(n))
		return nil
	}
	out := make([]string, len(n.Content))
	for i, el := range n.Content {
		out[i] = d.str(el, indexPath(path, i))
	}
	return out
}

// list calls item for every element of a sequence.
func (d *decoder) list(n *yaml.Node, path string, item func(el *yaml.Node, p string)) {
	n = d.resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "want a list, got %s", describeNode(n))
		return
	}
	for i, el := range n.Content {
		item(el, indexPath(path, i))
	}
}

func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// suggestName proposes the known name closest to a misspelt one, for
// names short enough to compare.
func suggestName(name string, known []string) string {
	if len(name) > 64 {
		return ""
	}

	best, bestDist := "", len(name)/3+2
	for _, k := range known {
		if len(k) >= len(name)+bestDist || len(name) >= len(k)+bestDist {
			continue // too different in length to be closer
		}
		if dist := editDistance(name, k); dist < bestDist {
			best, bestDist = k, dist
		}
	}

	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// model reads the top mapping. The tick is read first, wherever it is
// written, because every duration depends on it.
func (d *decoder) model(n *yaml.Node) *pb.Model {
	m := &pb.Model{}
	if n = d.resolve(n); n.Kind == yaml.MappingNode {
		m.TickNanos = d.tickField(n)
	}

	d.fields(n, "", modelKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "tick":
			if !d.tickWritten {
				d.errorf(v, p, "write the tick in the file itself, not through a merge key")
			}
		case "name":
			m.Name = d.str(v, p)
		case "targets":
			m.Targets = d.ids(v, p)
		case "vertices":
			m.Vertices = d.vertices(v, p)
		case "control_plane":
			m.ControlPlane = d.controlPlane(v, p)
		case "simulation":
			m.Simulation = d.simulation(v, p)
		}
	})
	return m
}

// tickField reads "tick", sets the decoder's tick and returns it in
// nanoseconds (0 when absent or wrong). Only a tick written in the top
// mapping itself counts; one merged from an anchor is refused by model.
func (d *decoder) tickField(n *yaml.Node) int64 {
	var val *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; val == nil && !isMerge(k) && k.Value == "tick" {
			val = n.Content[i+1]
		}
	}
	if val == nil {
		return 0
	}

	d.tickWritten = true
	s, ok := d.scalar(val, "tick", "a tick length such as 1s or 100ms")
	if !ok {
		return 0
	}

	nanos, err := ParseDuration(s.Value, 1)
	switch {
	case s.ShortTag() != "!!str":
		d.errorf(s, "tick", "the tick needs a unit, such as 1s or 100ms")
	case err != nil:
		d.errorf(s, "tick", "%s", strings.TrimPrefix(err.Error(), "model: "))
	case nanos <= 0:
		d.errorf(s, "tick", "the tick must be longer than zero")
	default:
		d.tick = nanos
		return nanos
	}
	return 0
}

func (d *decoder) vertices(n *yaml.Node, path string) []*pb.Vertex {
	var out []*pb.Vertex
	d.list(n, path, func(el *yaml.Node, p string) {
		out = append(out, d.vertex(el, p))
	})
	return out
}

// vertex reads one vertex. Supervisor and VM host settings are written
// flat on the vertex and gathered into their messages here; a supervisor
// or VM host always gets its settings message, even an empty one.
func (d *decoder) vertex(n *yaml.Node, path string) *pb.Vertex {
	v := &pb.Vertex{}
	d.fields(n, path, vertexKeys, func(key string, val *yaml.Node, p string) {
		if !d.serviceField(v, key, val, p) && !d.supervisorField(v, key, val, p) {
			d.vmhostField(v, key, val, p)
		}
	})

	switch v.Kind {
	case pb.Kind_KIND_SUPERVISOR:
		supervisorOf(v)
	case pb.Kind_KIND_VMHOST:
		vmhostOf(v)
	}
	return v
}

// serviceField reads the fields every vertex kind has.
func (d *decoder) serviceField(v *pb.Vertex, key string, n *yaml.Node, p string) bool {
	switch key {
	case "id":
		v.Id = d.str(n, p)
	case "kind":
		v.Kind = pb.Kind(d.enum(n, p, "kind", textKinds))
	case "replicas":
		v.Replicas = d.uint32(n, p)
	case "quorum":
		v.Quorum = d.uint32(n, p)
	case "start_time":
		v.StartTime = d.startTime(n, p)
	case "depends_on":
		v.DependsOn = d.dependencies(n, p)
	case "gate":
		v.Gate = d.gate(n, p)
	case "failure":
		v.Failure = d.failure(n, p)
	case "repair":
		v.Repair = d.repair(n, p)
	case "hosted_on":
		v.HostedOn = d.str(n, p)
	default:
		return false
	}
	return true
}

func (d *decoder) supervisorField(v *pb.Vertex, key string, n *yaml.Node, p string) bool {
	switch key {
	case "supervises":
		supervisorOf(v).Supervises = d.ids(n, p)
	case "strategy":
		supervisorOf(v).Strategy = pb.Strategy(d.enum(n, p, "strategy", textStrategies))
	case "placement":
		supervisorOf(v).Placement = pb.Placement(d.enum(n, p, "placement", textPlacements))
	case "probe":
		supervisorOf(v).Probe = d.probe(n, p)
	case "backoff":
		supervisorOf(v).Backoff = d.backoff(n, p)
	case "max_restarts":
		supervisorOf(v).MaxRestarts = d.uint32(n, p)
	case "period":
		supervisorOf(v).Period = d.duration(n, p)
	case "max_concurrent_restarts":
		supervisorOf(v).MaxConcurrentRestarts = d.uint32(n, p)
	default:
		return false
	}
	return true
}

func (d *decoder) vmhostField(v *pb.Vertex, key string, n *yaml.Node, p string) {
	switch key {
	case "capacity":
		vmhostOf(v).Capacity = d.uint32(n, p)
	case "boot_time":
		vmhostOf(v).BootTime = d.duration(n, p)
	}
}

func supervisorOf(v *pb.Vertex) *pb.Supervisor {
	if v.Supervisor == nil {
		v.Supervisor = &pb.Supervisor{}
	}
	return v.Supervisor
}

func vmhostOf(v *pb.Vertex) *pb.VMHost {
	if v.Vmhost == nil {
		v.Vmhost = &pb.VMHost{}
	}
	return v.Vmhost
}

// startTime reads "30s" or {exponential: {mean: 30s}}.
func (d *decoder) startTime(n *yaml.Node, path string) *pb.Delay {
	if n = d.resolve(n); n.Kind == yaml.ScalarNode {
		return &pb.Delay{Law: &pb.Delay_Fixed{Fixed: d.duration(n, path)}}
	}

	out := &pb.Delay{}
	d.oneOf(n, path, "start time law", startKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "fixed":
			out.Law = &pb.Delay_Fixed{Fixed: d.duration(v, p)}
		case "exponential":
			var mean int64
			d.fields(v, p, []string{"mean"}, func(_ string, v *yaml.Node, p string) {
				mean = d.duration(v, p)
			})
			out.Law = &pb.Delay_ExponentialMean{ExponentialMean: mean}
		}
	})
	return out
}

// dependencies reads depends_on: plain ids and {id, probability, delay,
// weight} mappings, mixed freely.
func (d *decoder) dependencies(n *yaml.Node, path string) []*pb.Dependency {
	if n = d.resolve(n); n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		return []*pb.Dependency{{Id: n.Value}}
	}
	var out []*pb.Dependency
	d.list(n, path, func(el *yaml.Node, p string) {
		out = append(out, d.dependency(el, p))
	})
	return out
}

func (d *decoder) dependency(n *yaml.Node, path string) *pb.Dependency {
	if n = d.resolve(n); n.Kind != yaml.MappingNode {
		return &pb.Dependency{Id: d.str(n, path)}
	}

	dep := &pb.Dependency{}
	d.fields(n, path, dependencyKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "id":
			dep.Id = d.str(v, p)
		case "probability":
			dep.Probability = ptrTo(d.number(v, p))
		case "delay":
			dep.Delay = ptrTo(d.duration(v, p))
		case "weight":
			dep.Weight = ptrTo(d.number(v, p))
		}
	})
	return dep
}

func ptrTo[T any](v T) *T { return &v }

// gate reads all | any | {k_of_n: K} | {threshold: T} |
// {threshold_fraction: F}.
func (d *decoder) gate(n *yaml.Node, path string) *pb.Gate {
	if n = d.resolve(n); n.Kind == yaml.ScalarNode {
		return d.plainGate(n, path)
	}

	g := &pb.Gate{}
	d.oneOf(n, path, "gate", gateKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "k_of_n":
			g.Kind = &pb.Gate_KOfN{KOfN: d.uint32(v, p)}
		case "threshold":
			g.Kind = &pb.Gate_Threshold{Threshold: d.number(v, p)}
		case "threshold_fraction":
			g.Kind = &pb.Gate_ThresholdFraction{ThresholdFraction: d.number(v, p)}
		}
	})
	return g
}

func (d *decoder) plainGate(n *yaml.Node, path string) *pb.Gate {
	switch n.Value {
	case "all":
		return &pb.Gate{Kind: &pb.Gate_All{All: &pb.Empty{}}}
	case "any":
		return &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}
	}
	d.errorf(n, path, "unknown gate %s: want all, any, {k_of_n: K}, {threshold: T} "+
		"or {threshold_fraction: F}", describeNode(n))
	return &pb.Gate{}
}

// failure reads none | {bernoulli: {p}} | {exponential: {mttf}} |
// {weibull: {shape, scale}} | {schedule: [{at, duration}]} |
// {unavailability: u}.
func (d *decoder) failure(n *yaml.Node, path string) *pb.Failure {
	f := &pb.Failure{}
	if n = d.resolve(n); n.Kind == yaml.ScalarNode {
		if n.Value != "none" {
			d.errorf(n, path, "unknown failure model %s: want none or a mapping such as "+
				"{exponential: {mttf: 30d}}", describeNode(n))
		}
		f.Model = &pb.Failure_None{None: &pb.Empty{}}
		return f
	}
	d.oneOf(n, path, "failure model", failureKeys, func(key string, v *yaml.Node, p string) {
		d.failureModel(f, key, v, p)
	})
	return f
}

// failureModel sets f's model from the one key of its mapping.
func (d *decoder) failureModel(f *pb.Failure, key string, n *yaml.Node, p string) {
	switch key {
	case "none":
		d.nothing(n, p)
		f.Model = &pb.Failure_None{None: &pb.Empty{}}
	case "bernoulli":
		b := &pb.Bernoulli{}
		d.fields(n, p, []string{"p"}, func(_ string, v *yaml.Node, p string) {
			b.P = d.number(v, p)
		})
		f.Model = &pb.Failure_Bernoulli{Bernoulli: b}
	case "exponential":
		e := &pb.Exponential{}
		d.fields(n, p, []string{"mttf"}, func(_ string, v *yaml.Node, p string) {
			e.Mttf = d.duration(v, p)
		})
		f.Model = &pb.Failure_Exponential{Exponential: e}
	case "weibull":
		f.Model = &pb.Failure_Weibull{Weibull: d.weibull(n, p)}
	case "schedule":
		f.Model = &pb.Failure_Schedule{Schedule: d.schedule(n, p)}
	case "unavailability":
		f.Model = &pb.Failure_Unavailability{Unavailability: d.number(n, p)}
	}
}

// nothing accepts the empty value of a parameterless choice: {none: {}}
// or {none: null}.
func (d *decoder) nothing(n *yaml.Node, path string) {
	n = d.resolve(n)
	empty := n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" ||
		n.Kind == yaml.MappingNode && len(n.Content) == 0
	if !empty {
		d.errorf(n, path, "takes no settings, got %s", describeNode(n))
	}
}

func (d *decoder) weibull(n *yaml.Node, path string) *pb.Weibull {
	w := &pb.Weibull{}
	d.fields(n, path, []string{"shape", "scale"}, func(key string, v *yaml.Node, p string) {
		if key == "shape" {
			w.Shape = d.number(v, p)
		} else {
			w.Scale = d.duration(v, p)
		}
	})
	return w
}

func (d *decoder) schedule(n *yaml.Node, path string) *pb.Schedule {
	s := &pb.Schedule{}
	d.list(n, path, func(el *yaml.Node, p string) {
		s.Windows = append(s.Windows, d.window(el, p))
	})
	return s
}

func (d *decoder) window(n *yaml.Node, path string) *pb.Window {
	w := &pb.Window{}
	d.fields(n, path, windowKeys, func(key string, v *yaml.Node, p string) {
		if key == "at" {
			w.At = d.duration(v, p)
		} else {
			w.Duration = d.duration(v, p)
		}
	})
	return w
}

// repair reads none | {exponential: {mttr}} | {fixed: {duration}}.
func (d *decoder) repair(n *yaml.Node, path string) *pb.Repair {
	r := &pb.Repair{}
	if n = d.resolve(n); n.Kind == yaml.ScalarNode {
		if n.Value != "none" {
			d.errorf(n, path, "unknown repair model %s: want none, "+
				"{exponential: {mttr: 10m}} or {fixed: {duration: 5m}}", describeNode(n))
		}
		r.Model = &pb.Repair_None{None: &pb.Empty{}}
		return r
	}
	d.oneOf(n, path, "repair model", repairKeys, func(key string, v *yaml.Node, p string) {
		d.repairModel(r, key, v, p)
	})
	return r
}

// repairModel sets r's model from the one key of its mapping.
func (d *decoder) repairModel(r *pb.Repair, key string, n *yaml.Node, p string) {
	switch key {
	case "none":
		d.nothing(n, p)
		r.Model = &pb.Repair_None{None: &pb.Empty{}}
	case "exponential":
		e := &pb.ExponentialRepair{}
		d.fields(n, p, []string{"mttr"}, func(_ string, v *yaml.Node, p string) {
			e.Mttr = d.duration(v, p)
		})
		r.Model = &pb.Repair_Exponential{Exponential: e}
	case "fixed":
		f := &pb.FixedRepair{}
		d.fields(n, p, []string{"duration"}, func(_ string, v *yaml.Node, p string) {
			f.Duration = d.duration(v, p)
		})
		r.Model = &pb.Repair_Fixed{Fixed: f}
	}
}

func (d *decoder) probe(n *yaml.Node, path string) *pb.Probe {
	pr := &pb.Probe{}
	d.fields(n, path, probeKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "interval":
			pr.Interval = d.duration(v, p)
		case "failure_threshold":
			pr.FailureThreshold = d.uint32(v, p)
		case "check":
			pr.Check = pb.Check(d.enum(v, p, "check", textChecks))
		}
	})
	return pr
}

func (d *decoder) backoff(n *yaml.Node, path string) *pb.Backoff {
	b := &pb.Backoff{}
	d.fields(n, path, backoffKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "initial":
			b.Initial = d.duration(v, p)
		case "factor":
			b.Factor = d.number(v, p)
		case "max":
			b.Max = d.duration(v, p)
		case "reset_after":
			b.ResetAfter = d.duration(v, p)
		}
	})
	return b
}

func (d *decoder) controlPlane(n *yaml.Node, path string) *pb.ControlPlane {
	cp := &pb.ControlPlane{}
	d.fields(n, path, controlPlaneKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "default":
			cp.Default = d.link(v, p)
		case "links":
			d.list(v, p, func(el *yaml.Node, p string) {
				cp.Links = append(cp.Links, d.link(el, p))
			})
		case "partitions":
			d.list(v, p, func(el *yaml.Node, p string) {
				cp.Partitions = append(cp.Partitions, d.partition(el, p))
			})
		}
	})
	return cp
}

func (d *decoder) link(n *yaml.Node, path string) *pb.Link {
	l := &pb.Link{}
	d.fields(n, path, linkKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "between":
			l.Between = d.ids(v, p)
		case "latency":
			l.Latency = d.duration(v, p)
		case "loss":
			l.Loss = d.number(v, p)
		}
	})
	return l
}

func (d *decoder) partition(n *yaml.Node, path string) *pb.Partition {
	pt := &pb.Partition{}
	d.fields(n, path, partitionKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "at":
			pt.At = d.duration(v, p)
		case "duration":
			pt.Duration = d.duration(v, p)
		case "sides":
			d.list(v, p, func(el *yaml.Node, p string) {
				pt.Sides = append(pt.Sides, &pb.Side{Ids: d.ids(el, p)})
			})
		}
	})
	return pt
}

func (d *decoder) simulation(n *yaml.Node, path string) *pb.Simulation {
	s := &pb.Simulation{}
	d.fields(n, path, simulationKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "duration":
			s.Duration = d.duration(v, p)
		case "seed":
			s.Seed = d.whole(v, p, math.MaxUint64)
		case "runs":
			s.Runs = d.uint32(v, p)
		}
	})
	return s
}
