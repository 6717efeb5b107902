package model

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseDuration(t *testing.T) {
	const (
		ms = int64(1e6)
		s  = int64(1e9)
	)
	tests := []struct {
		in   string
		tick int64
		want int64
	}{
		{"90s", s, 90},
		{"15m", s, 900},
		{"2h", s, 7200},
		{"30d", s, 30 * 86400},
		{"1.5h", s, 5400},
		{".5m", s, 30},
		{"1h30m", s, 5400},
		{"200ms", s, 1},  // rounded up to a whole tick
		{"1500ms", s, 2}, // 1.5 ticks round up to 2
		{"1000ms", s, 1},
		{"1001ms", s, 2},
		{"0s", s, 0},
		{"0", s, 0},
		{"42", s, 42}, // plain integers are ticks
		{"42", ms, 42},
		{"250ms", 100 * ms, 3},
		{"1s", 100 * ms, 10},
		{"90s", 0, 90}, // tick 0 means one second
		{"1us", 1, 1000},
		{"1µs", 1, 1000},
		{"1.5us", 1, 1500},
		{"-5m", s, -300}, // the sign is kept for validation to report
		{"-200ms", s, -1},
		{"+2s", s, 2},
		{" 3s ", s, 3},
		{"106751d", s, 106751 * 86400},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in, tt.tick)
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q, %d) = %d, %v; want %d", tt.in, tt.tick, got, err, tt.want)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"", "empty"},
		{"-", "empty"},
		{"5x", `unknown unit "x"`},
		{"1.5", "1.5 needs a unit"},
		{"1h30", "30 needs a unit"},
		{"s", `expected a number at "s"`},
		{"1..5s", "1. needs a unit"},
		{"1.5ns", "finer than a nanosecond"},
		{"99999999999999999999d", "too long"},
		{"300000d", "too long"},
		{"200000d200000d", "too long"},
		{"99999999999999999999", "too many ticks"},
		{"0.1234567890123456789s", "too many decimal places"},
		{"1e3s", `unknown unit "e"`},
	}
	for _, tt := range tests {
		_, err := ParseDuration(tt.in, int64(1e9))
		if !errors.Is(err, ErrBadDuration) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ParseDuration(%q) error = %v; want ErrBadDuration saying %q",
				tt.in, err, tt.reason)
		}
	}
	if _, err := ParseDuration("1s", -1); !errors.Is(err, ErrBadDuration) {
		t.Errorf("negative tick: error = %v, want ErrBadDuration", err)
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		ticks, tick int64
		want        string
	}{
		{0, 1e9, "0s"},
		{90, 1e9, "90s"},
		{5400, 1e9, "90m"},
		{7200, 1e9, "2h"},
		{36 * 3600, 1e9, "36h"},
		{30 * 86400, 1e9, "30d"},
		{30 * 86400, 0, "30d"},
		{2, 1e8, "200ms"},
		{3, 5e8, "1500ms"},
		{7, 1, "7ns"},
		{1500, 1, "1500ns"},
		{-300, 1e9, "-5m"},
		{math.MaxInt64, 1e9, "9223372036854775807"}, // too long for ns: plain ticks
		{math.MinInt64, 1e9, "-9223372036854775808"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.ticks, tt.tick); got != tt.want {
			t.Errorf("FormatDuration(%d, %d) = %q, want %q", tt.ticks, tt.tick, got, tt.want)
		}
	}
}

// TestFormatParseRoundTrip checks that every formatted duration reads back
// to the same number of ticks, across ticks of several lengths.
func TestFormatParseRoundTrip(t *testing.T) {
	ticks := []int64{1, 7, 1e6, 1e8, 1e9, 15e8, 60e9, 3600e9}
	for _, tick := range ticks {
		for _, n := range []int64{0, 1, 2, 59, 60, 61, 3600, 86400, 123456789, -42} {
			s := FormatDuration(n, tick)
			got, err := ParseDuration(s, tick)
			if err != nil || got != n {
				t.Errorf("tick %d: %d -> %q -> %d, %v", tick, n, s, got, err)
			}
		}
	}
}
