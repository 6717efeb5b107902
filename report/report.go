// Package report writes the results of a simulation to files: the time
// series as CSV and Parquet, outages and events as JSON Lines, and the
// summary as JSON. Every file is written atomically (a temporary file in
// the same directory, synced, then renamed over the target), so a reader
// never sees half a file and an interrupted run leaves the previous one
// intact.
package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/parquet-go/parquet-go"
)

// ErrWrite wraps every failure to write a report file.
var ErrWrite = errors.New("report: write")

// SeriesRow is one sample of the time series of a run.
type SeriesRow struct {
	Run                int     `parquet:"run" json:"run"`
	Tick               int64   `parquet:"tick" json:"tick"`
	Seconds            float64 `parquet:"seconds" json:"seconds"`
	Available          int64   `parquet:"available" json:"available"`
	Impaired           int64   `parquet:"impaired" json:"impaired"`
	Failed             int64   `parquet:"failed" json:"failed"`
	Starting           int64   `parquet:"starting" json:"starting"`
	Stopped            int64   `parquet:"stopped" json:"stopped"`
	SystemUp           bool    `parquet:"system_up" json:"systemUp"`
	SystemAvailability float64 `parquet:"system_availability" json:"systemAvailability"`
	ControlSent        int64   `parquet:"control_sent" json:"controlSent"`
	ControlLost        int64   `parquet:"control_lost" json:"controlLost"`
	Restarts           int64   `parquet:"restarts" json:"restarts"`
}

// seriesHeader names the CSV columns, in the order of SeriesRow.
var seriesHeader = []string{"run", "tick", "seconds", "available", "impaired",
	"failed", "starting", "stopped", "system_up", "system_availability",
	"control_sent", "control_lost", "restarts"}

func (r *SeriesRow) record() []string {
	i := func(x int64) string { return strconv.FormatInt(x, 10) }
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	return []string{strconv.Itoa(r.Run), i(r.Tick), f(r.Seconds), i(r.Available),
		i(r.Impaired), i(r.Failed), i(r.Starting), i(r.Stopped),
		strconv.FormatBool(r.SystemUp), f(r.SystemAvailability), i(r.ControlSent),
		i(r.ControlLost), i(r.Restarts)}
}

// Atomic writes path through a temporary file in the same directory: it
// is synced before it is renamed over path, so path holds either the old
// content or all of the new.
func Atomic(path string, write func(w io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()

	// CreateTemp makes the file private; results are for others to read.
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrWrite, path, err)
	}
	b := bufio.NewWriterSize(f, 1<<16)
	if err = write(b); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrWrite, path, err)
	}

	// Sync, close and rename, keeping the first failure.
	if err = b.Flush(); err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrWrite, path, err)
	}
	return nil
}

// SeriesCSV writes the time series as CSV with a header line.
func SeriesCSV(path string, rows []SeriesRow) error {
	return Atomic(path, func(w io.Writer) error {
		c := csv.NewWriter(w)
		if err := c.Write(seriesHeader); err != nil {
			return err
		}
		for i := range rows {
			if err := c.Write(rows[i].record()); err != nil {
				return err
			}
		}
		c.Flush()
		return c.Error()
	})
}

// SeriesParquet writes the time series as a Parquet file.
func SeriesParquet(path string, rows []SeriesRow) error {
	return Atomic(path, func(w io.Writer) error {
		return parquet.Write(w, rows)
	})
}

// JSONLines writes one JSON object per line.
func JSONLines[T any](path string, items []T) error {
	return Atomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		for i := range items {
			if err := enc.Encode(&items[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// JSON writes v as indented JSON.
func JSON(path string, v any) error {
	return Atomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}
