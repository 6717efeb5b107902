package cluster

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// SimStats are the counters of the simulation engine that /metrics
// exposes. Counters only grow while the daemon lives.
type SimStats struct {
	// Ticks is the number of ticks completed; TicksPerSecond the engine's
	// recent rate.
	Ticks          uint64
	TicksPerSecond float64
	// Events counts the events simulated.
	Events uint64
	// MessagesIn and MessagesOut count vertex messages received from and
	// sent to other members.
	MessagesIn, MessagesOut uint64
	// Queues are the depths of the engine's queues now, by name.
	Queues []QueueDepth
}

// QueueDepth is how many items wait in one named queue.
type QueueDepth struct {
	Name  string
	Depth int
}

// StatsSource is where /metrics reads the engine's counters. The engine
// implements it once it is wired into simnode.
type StatsSource interface {
	SimStats() SimStats
}

// metricsView is everything one scrape shows.
type metricsView struct {
	node    string
	members int
	jobs    JobCounts
	sim     SimStats
}

// writeMetrics writes v in the Prometheus text exposition format
// (version 0.0.4).
func writeMetrics(w io.Writer, v metricsView) error {
	var e expo
	e.family("homeostat_node_info", "gauge",
		"Always 1; labels name this member and its protocol version.")
	e.sample("homeostat_node_info", 1, "node", v.node,
		"protocol", strconv.Itoa(ProtocolVersion))
	e.family("homeostat_members", "gauge",
		"Live members of the cluster as this member sees them.")
	e.sample("homeostat_members", float64(v.members))
	writeJobMetrics(&e, v.jobs)
	writeSimMetrics(&e, v.sim)
	_, err := io.WriteString(w, e.b.String())
	return err
}

func writeJobMetrics(e *expo, c JobCounts) {
	e.family("homeostat_jobs", "gauge", "Jobs on this member now, by state.")
	e.sample("homeostat_jobs", float64(c.Queued), "state", "queued")
	e.sample("homeostat_jobs", float64(c.Running), "state", "running")
	e.family("homeostat_jobs_ended_total", "counter",
		"Jobs ended on this member since it started, by result.")
	e.sample("homeostat_jobs_ended_total", float64(c.Done), "result", "done")
	e.sample("homeostat_jobs_ended_total", float64(c.Failed), "result", "failed")
	e.sample("homeostat_jobs_ended_total", float64(c.Canceled),
		"result", "canceled")
}

func writeSimMetrics(e *expo, s SimStats) {
	e.family("homeostat_sim_ticks_total", "counter", "Ticks completed.")
	e.sample("homeostat_sim_ticks_total", float64(s.Ticks))
	e.family("homeostat_sim_ticks_per_second", "gauge",
		"Recent rate of ticks completed.")
	e.sample("homeostat_sim_ticks_per_second", s.TicksPerSecond)
	e.family("homeostat_sim_events_total", "counter", "Events simulated.")
	e.sample("homeostat_sim_events_total", float64(s.Events))
	e.family("homeostat_sim_messages_total", "counter",
		"Vertex messages exchanged with other members, by direction.")
	e.sample("homeostat_sim_messages_total", float64(s.MessagesIn),
		"direction", "in")
	e.sample("homeostat_sim_messages_total", float64(s.MessagesOut),
		"direction", "out")
	e.family("homeostat_sim_queue_depth", "gauge",
		"Items waiting in the engine's queues, by queue.")
	for _, q := range s.Queues {
		e.sample("homeostat_sim_queue_depth", float64(q.Depth), "queue", q.Name)
	}
}

// expo builds a text exposition.
type expo struct{ b strings.Builder }

func (e *expo) family(name, typ, help string) {
	fmt.Fprintf(&e.b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// sample writes one line; labels alternate names and values.
func (e *expo) sample(name string, value float64, labels ...string) {
	e.b.WriteString(name)
	for i := 0; i+1 < len(labels); i += 2 {
		sep := ","
		if i == 0 {
			sep = "{"
		}
		fmt.Fprintf(&e.b, "%s%s=\"%s\"", sep, labels[i],
			escapeLabel(labels[i+1]))
	}
	if len(labels) > 0 {
		e.b.WriteByte('}')
	}
	e.b.WriteByte(' ')
	e.b.WriteString(strconv.FormatFloat(value, 'g', -1, 64))
	e.b.WriteByte('\n')
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
