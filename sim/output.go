package sim

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/report"
)

// The files WriteOutputs writes into its directory.
const (
	SeriesCSVFile     = "series.csv"
	SeriesParquetFile = "series.parquet"
	OutagesFile       = "outages.jsonl"
	EventsFile        = "events.jsonl"
	SummaryFile       = "summary.json"
)

// outageLine is one line of outages.jsonl.
type outageLine struct {
	Run          int    `json:"run"`
	Start        int64  `json:"start"`
	End          int64  `json:"end"`
	Ticks        int64  `json:"ticks"`
	Open         bool   `json:"open,omitempty"`
	Target       string `json:"target"`
	Cause        string `json:"cause"`
	PeakDown     int64  `json:"peakDown"`
	PeakImpaired int64  `json:"peakImpaired"`
}

// eventLine is one line of events.jsonl.
type eventLine struct {
	Run    int    `json:"run"`
	Tick   int64  `json:"tick"`
	Vertex string `json:"vertex"`
	Kind   string `json:"kind"`
	Other  string `json:"other,omitempty"`
}

// WriteOutputs writes the results of a set of runs into dir (created if
// missing), each file atomically: the time series of every run as CSV and
// Parquet, the system outages and the notable events as JSON Lines, and
// the summary as JSON.
func WriteOutputs(dir string, w *core.World, s *Summary, results []*RunResult) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sim: output: %w", err)
	}
	rows := seriesRows(w, results)
	steps := []func() error{
		func() error { return report.SeriesCSV(filepath.Join(dir, SeriesCSVFile), rows) },
		func() error {
			return report.SeriesParquet(filepath.Join(dir, SeriesParquetFile), rows)
		},
		func() error {
			return report.JSONLines(filepath.Join(dir, OutagesFile), outageLines(w, results))
		},
		func() error {
			return report.JSONLines(filepath.Join(dir, EventsFile), eventLines(w, results))
		},
		func() error { return report.JSON(filepath.Join(dir, SummaryFile), s) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func seriesRows(w *core.World, results []*RunResult) []report.SeriesRow {
	tick := float64(w.Graph.TickNanos) / 1e9
	var rows []report.SeriesRow
	for _, r := range results {
		for _, s := range r.Series {
			rows = append(rows, report.SeriesRow{Run: s.Run, Tick: s.Tick,
				Seconds:   float64(s.Tick) * tick,
				Available: s.Class[core.Available], Impaired: s.Class[core.Impaired],
				Failed: s.Class[core.Failed], Starting: s.Class[core.Starting],
				Stopped: s.Class[core.Stopped], SystemUp: s.SystemUp,
				SystemAvailability: s.SystemAvailability, ControlSent: s.Sent,
				ControlLost: s.Lost, Restarts: s.Restarts})
		}
	}
	return rows
}

func idOf(w *core.World, v int32) string {
	if v < 0 || int(v) >= w.N() {
		return ""
	}
	return w.Graph.IDs[v]
}

func outageLines(w *core.World, results []*RunResult) []outageLine {
	var lines []outageLine
	for _, r := range results {
		for _, o := range r.Outages {
			lines = append(lines, outageLine{Run: o.Run, Start: o.Start, End: o.End,
				Ticks: o.End - o.Start, Open: o.Open, Target: idOf(w, o.Target),
				Cause: idOf(w, o.Cause), PeakDown: o.PeakDown,
				PeakImpaired: o.PeakImpaired})
		}
	}
	return lines
}

func eventLines(w *core.World, results []*RunResult) []eventLine {
	var lines []eventLine
	for _, r := range results {
		for _, e := range r.Events {
			lines = append(lines, eventLine{Run: r.Run, Tick: e.Tick,
				Vertex: idOf(w, e.Vertex), Kind: e.Kind.String(), Other: idOf(w, e.Other)})
		}
	}
	return lines
}
