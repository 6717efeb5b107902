package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Attributes of each kind of vertex and edge in DOT. Only depends edges
// shape the layout (constraint=false on the others), so the picture reads
// as tiers of dependencies with the repair machinery drawn across them.
const (
	serviceShape    = "shape=box"
	supervisorShape = "shape=doubleoctagon"
	vmhostShape     = "shape=box3d"
	supervisesStyle = "style=dashed, color=blue, constraint=false"
	hostsStyle      = "style=dotted, color=grey, constraint=false"
	controlStyle    = "style=bold, color=green, dir=none, constraint=false"
)

// WriteDOT draws g as a Graphviz digraph. Depends edges point the way
// failure flows, from the upstream vertex to its dependent, and the
// dependents are drawn above (rankdir=BT). The output depends only on
// the graph: vertices and edges come in file order.
func WriteDOT(w io.Writer, g *model.Graph) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "digraph %s {\n", quote(g.Model.GetName()))
	fmt.Fprint(bw, "\trankdir=BT;\n\tnode [fontname=\"Helvetica\", fontsize=10];\n"+
		"\tedge [fontname=\"Helvetica\", fontsize=9];\n")
	for v := range int32(g.N()) {
		fmt.Fprintf(bw, "\t%s [%s, label=%s];\n", quote(g.IDs[v]), shape(g, v),
			quote(strings.Join(vertexLabel(g, v), "\n")))
	}
	writeDepends(bw, g)
	writeSupervises(bw, g)
	writeHosts(bw, g)
	writeControl(bw, g)
	fmt.Fprint(bw, "}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: dot: %w", err)
	}
	return nil
}

func shape(g *model.Graph, v int32) string {
	switch g.Kinds[v] {
	case pb.Kind_KIND_SUPERVISOR:
		return supervisorShape
	case pb.Kind_KIND_VMHOST:
		return vmhostShape
	default:
		return serviceShape
	}
}

// vertexLabel is the id, then what sets the vertex apart: replicas and
// quorum, a gate other than all, a supervisor's strategy, a host's slots.
func vertexLabel(g *model.Graph, v int32) []string {
	lines := []string{g.IDs[v]}
	pv := g.Vertices[v]
	if g.Replicas(v) > 1 {
		lines = append(lines, fmt.Sprintf("×%d (quorum %d)", g.Replicas(v), g.Quorum(v)))
	}
	if gate := gateLabel(pv.GetGate(), len(g.Inputs(v))); gate != "" {
		lines = append(lines, gate)
	}
	switch g.Kinds[v] {
	case pb.Kind_KIND_SUPERVISOR:
		lines = append(lines, strategyName(pv.GetSupervisor().GetStrategy()))
	case pb.Kind_KIND_VMHOST:
		lines = append(lines, fmt.Sprintf("%d slots", max(1, pv.GetVmhost().GetCapacity())))
	}
	return lines
}

// gateLabel writes a gate as people say it: "2 of 3", "≥1.5", "≥50%",
// "any"; the default gate, all, writes nothing.
func gateLabel(gate *pb.Gate, inputs int) string {
	switch k := gate.GetKind().(type) {
	case *pb.Gate_Any:
		return "any"
	case *pb.Gate_KOfN:
		return fmt.Sprintf("%d of %d", k.KOfN, inputs)
	case *pb.Gate_Threshold:
		return "≥" + number(k.Threshold)
	case *pb.Gate_ThresholdFraction:
		return "≥" + number(100*k.ThresholdFraction) + "%"
	}
	return ""
}

// strategyName is the strategy as the text form writes it.
func strategyName(s pb.Strategy) string {
	return strings.ToLower(strings.TrimPrefix(s.String(), "STRATEGY_"))
}

func writeDepends(w io.Writer, g *model.Graph) {
	for _, e := range g.In {
		fmt.Fprintf(w, "\t%s -> %s", quote(g.IDs[e.From]), quote(g.IDs[e.To]))
		if l := edgeLabel(e, g.TickNanos); l != "" {
			fmt.Fprintf(w, " [label=%s]", quote(l))
		}
		fmt.Fprint(w, ";\n")
	}
}

// edgeLabel shows what differs from a plain edge: a probability below
// one, a delay above one tick (as a duration), a weight other than one.
func edgeLabel(e model.Edge, tickNanos int64) string {
	var parts []string
	if e.Prob != 1 {
		parts = append(parts, "p="+number(e.Prob))
	}
	if e.Delay != 1 {
		parts = append(parts, "d="+model.FormatDuration(e.Delay, tickNanos))
	}
	if e.Weight != 1 {
		parts = append(parts, "w="+number(e.Weight))
	}
	return strings.Join(parts, " ")
}

func writeSupervises(w io.Writer, g *model.Graph) {
	for s := range int32(g.N()) {
		for _, c := range g.ChildrenOf(s) {
			fmt.Fprintf(w, "\t%s -> %s [%s];\n", quote(g.IDs[s]), quote(g.IDs[c]),
				supervisesStyle)
		}
	}
}

func writeHosts(w io.Writer, g *model.Graph) {
	for v, h := range g.HostedOn {
		if h >= 0 {
			fmt.Fprintf(w, "\t%s -> %s [%s];\n", quote(g.IDs[h]), quote(g.IDs[v]),
				hostsStyle)
		}
	}
}

// writeControl draws the explicit control links, labelled with their
// latency and loss; the default link joins everything and is not drawn.
func writeControl(w io.Writer, g *model.Graph) {
	for _, l := range g.Model.GetControlPlane().GetLinks() {
		ends := l.GetBetween()
		if len(ends) != 2 {
			continue
		}
		label := "default latency" // zero takes the default link's
		if l.GetLatency() > 0 {
			label = model.FormatDuration(l.GetLatency(), g.TickNanos)
		}
		if l.GetLoss() > 0 {
			label += ", loss " + number(l.GetLoss())
		}
		fmt.Fprintf(w, "\t%s -> %s [%s, label=%s];\n", quote(ends[0]), quote(ends[1]),
			controlStyle, quote(label))
	}
}

// number writes a float in its shortest exact form.
func number(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// quote makes s a DOT quoted string. Backslashes are doubled so that ids
// keep their text in labels, and line breaks become DOT's \n.
func quote(s string) string {
	return `"` + dotEscaper.Replace(s) + `"`
}

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
