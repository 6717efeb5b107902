package describe

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteText writes the summary for people: one aligned line per measure.
func (s Summary) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, l := range s.lines() {
		fmt.Fprintf(tw, "%s\t%s\n", l[0], l[1])
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("describe: %w", err)
	}
	return nil
}

func (s Summary) lines() [][2]string {
	cycles := "none"
	if s.Cycles > 0 {
		cycles = fmt.Sprintf("%d (largest %d vertices)", s.Cycles, s.LargestCycle)
	}
	targets := fmt.Sprint(s.Targets)
	if s.DefaultTargets {
		targets += " (default: the services nothing depends on)"
	}
	return [][2]string{
		{"name", s.Name},
		{"vertices", fmt.Sprint(s.Vertices)},
		{"  services", fmt.Sprint(s.Kinds.Services)},
		{"  supervisors", fmt.Sprint(s.Kinds.Supervisors)},
		{"  vm hosts", fmt.Sprint(s.Kinds.VMHosts)},
		{"instances", fmt.Sprintf("%d (%d replica sets)", s.Instances, s.ReplicaSets)},
		{"edges", fmt.Sprint(s.Edges.Depends + s.Edges.Supervises + s.Edges.Hosts +
			s.Edges.Control)},
		{"  depends", fmt.Sprint(s.Edges.Depends)},
		{"  supervises", fmt.Sprint(s.Edges.Supervises)},
		{"  hosts", fmt.Sprint(s.Edges.Hosts)},
		{"  control links", fmt.Sprint(s.Edges.Control)},
		{"depth", fmt.Sprintf("%d edges", s.Depth)},
		{"cycles", cycles},
		{"fan-in", s.FanIn.String()},
		{"fan-out", s.FanOut.String()},
		{"targets", targets},
		{"supervision depth", fmt.Sprint(s.SupervisionDepth)},
		{"vm capacity", fmt.Sprintf("%d slots", s.VMCapacity)},
	}
}

// String reads "max 12 (db-0), mean 3.02".
func (d Degree) String() string {
	if d.Max == 0 {
		return fmt.Sprintf("max 0, mean %.2f", d.Mean)
	}
	return fmt.Sprintf("max %d (%s), mean %.2f", d.Max, d.MaxID, d.Mean)
}
