package cluster

import (
	"context"
	"io"
	"log"
	"log/slog"
	"strings"
)

// levelWords maps the level words memberlist types in brackets at the
// start of a line to slog levels.
var levelWords = map[string]slog.Level{
	"TRACE":   slog.LevelDebug - 4,
	"DEBUG":   slog.LevelDebug,
	"INFO":    slog.LevelInfo,
	"WARN":    slog.LevelWarn,
	"WARNING": slog.LevelWarn,
	"ERR":     slog.LevelError,
	"ERROR":   slog.LevelError,
}

// StdLogger adapts l for libraries that log through the standard log
// package, as memberlist and net/http do. A line that starts with a
// bracketed level such as "[WARN] memberlist: ..." is logged at that
// level with the bracket and the "memberlist: " prefix removed; other
// lines are logged at Info. A nil l discards everything.
func StdLogger(l *slog.Logger) *log.Logger {
	if l == nil {
		return log.New(io.Discard, "", 0)
	}
	return log.New(slogWriter{l}, "", 0)
}

func newStdLogger(l *slog.Logger) *log.Logger {
	if l != nil {
		l = l.With("lib", "memberlist")
	}
	return StdLogger(l)
}

// slogWriter receives one log line per Write from a log.Logger.
type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	level, msg := parseLogLine(string(p))
	ctx := context.Background()
	if w.l.Enabled(ctx, level) {
		w.l.Log(ctx, level, msg)
	}
	return len(p), nil
}

// parseLogLine splits a standard-log line into its level and message.
func parseLogLine(line string) (slog.Level, string) {
	line = strings.TrimRight(line, "\r\n")
	level := slog.LevelInfo
	if rest, ok := strings.CutPrefix(line, "["); ok {
		word, msg, found := strings.Cut(rest, "]")
		if lv, known := levelWords[word]; found && known {
			level, line = lv, strings.TrimSpace(msg)
		}
	}
	return level, strings.TrimPrefix(line, "memberlist: ")
}
