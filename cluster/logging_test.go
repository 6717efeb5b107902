package cluster

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
)

func TestParseLogLine(t *testing.T) {
	tests := []struct {
		line      string
		wantLevel slog.Level
		wantMsg   string
	}{
		{"[DEBUG] memberlist: Stream connection from=1.2.3.4:5\n",
			slog.LevelDebug, "Stream connection from=1.2.3.4:5"},
		{"[WARN] memberlist: Was able to connect to m1 over TCP\n",
			slog.LevelWarn, "Was able to connect to m1 over TCP"},
		{"[ERR] memberlist: Failed to send ping\n", slog.LevelError,
			"Failed to send ping"},
		{"[ERROR] something else", slog.LevelError, "something else"},
		{"[INFO] memberlist: Marking m2 as failed", slog.LevelInfo,
			"Marking m2 as failed"},
		{"no level at all\n", slog.LevelInfo, "no level at all"},
		{"[NOTALEVEL] kept", slog.LevelInfo, "[NOTALEVEL] kept"},
		{"[unterminated", slog.LevelInfo, "[unterminated"},
	}
	for _, tt := range tests {
		level, msg := parseLogLine(tt.line)
		if level != tt.wantLevel || msg != tt.wantMsg {
			t.Errorf("parseLogLine(%q) = %v, %q; want %v, %q",
				tt.line, level, msg, tt.wantLevel, tt.wantMsg)
		}
	}
}

func TestMemberlistLogsReachSlog(t *testing.T) {
	var buf bytes.Buffer
	h := slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})
	l := newStdLogger(slog.New(h).With("node", "m0"))
	l.Printf("[DEBUG] memberlist: hidden below the level")
	l.Printf("[WARN] memberlist: Refuting a suspect message (from: m1)")

	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("want exactly one JSON record, got %q: %v", buf.String(), err)
	}
	want := map[string]any{"level": "WARN", "node": "m0", "lib": "memberlist",
		"msg": "Refuting a suspect message (from: m1)"}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("record[%q] = %v, want %v (record %v)", k, rec[k], v, rec)
		}
	}
}

func TestStdLoggerNilDiscards(t *testing.T) {
	StdLogger(nil).Printf("[ERR] goes nowhere") // must not panic
}
