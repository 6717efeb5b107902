package report

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

var rows = []SeriesRow{
	{Run: 0, Tick: 0, Seconds: 0, Available: 10, SystemUp: true, SystemAvailability: 1},
	{Run: 0, Tick: 60, Seconds: 60, Available: 8, Failed: 1, Impaired: 1,
		SystemAvailability: 0.25, ControlSent: 12, ControlLost: 1, Restarts: 2},
}

func TestSeriesCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.csv")
	if err := SeriesCSV(path, rows); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	want := "run,tick,seconds,available,impaired,failed,starting,stopped,system_up," +
		"system_availability,control_sent,control_lost,restarts\n" +
		"0,0,0,10,0,0,0,0,true,1,0,0,0\n" +
		"0,60,60,8,1,1,0,0,false,0.25,12,1,2\n"
	if string(data) != want {
		t.Errorf("csv:\n%s\nwant:\n%s", data, want)
	}
}

func TestSeriesParquetReadsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.parquet")
	if err := SeriesParquet(path, rows); err != nil {
		t.Fatal(err)
	}
	back, err := parquet.ReadFile[SeriesRow](path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back, rows) {
		t.Errorf("read back %+v", back)
	}
}

func TestJSONLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "o.jsonl")
	type line struct{ A int }
	if err := JSONLines(path, []line{{1}, {2}}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if string(data) != "{\"A\":1}\n{\"A\":2}\n" {
		t.Errorf("jsonl %q", data)
	}
}

// TestAtomicKeepsOldContentOnFailure: a failed write leaves the previous
// file and no temporary file behind.
func TestAtomicKeepsOldContentOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.json")
	if err := JSON(path, map[string]int{"runs": 1}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Atomic(path, func(w io.Writer) error {
		io.WriteString(w, "half a fi")
		return boom
	})
	if !errors.Is(err, ErrWrite) || !errors.Is(err, boom) {
		t.Errorf("err %v, want ErrWrite wrapping the cause", err)
	}
	data, _ := os.ReadFile(path)
	if !bytes.Contains(data, []byte(`"runs": 1`)) {
		t.Errorf("old content lost: %q", data)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	if err := JSON(filepath.Join(dir, "no", "such", "dir.json"), 1); !errors.Is(err, ErrWrite) {
		t.Errorf("writing into a missing directory: %v", err)
	}
}
