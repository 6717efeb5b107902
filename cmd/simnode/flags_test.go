package main

import (
	"bytes"
	"errors"
	"flag"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(o options) bool
		wantErr string
	}{
		{"defaults", []string{"--name", "n"}, func(o options) bool {
			return o.gossip == "0.0.0.0:7946" && o.api == "0.0.0.0:7947" &&
				o.remote == "0.0.0.0:7948" && o.profile == "lan" &&
				o.join == nil && o.maxQueued == 0 && o.logLevel == slog.LevelInfo
		}, ""},
		{"join list", []string{"--name", "n", "--join", " a:1, ,b:2 ,"},
			func(o options) bool { return slices.Equal(o.join, []string{"a:1", "b:2"}) },
			""},
		{"empty join", []string{"--name", "n", "--join", ""},
			func(o options) bool { return o.join == nil }, ""},
		{"debug json", []string{"--name", "n", "--log-level", "debug",
			"--log-format", "json"}, func(o options) bool {
			return o.logLevel == slog.LevelDebug && o.logFormat == "json"
		}, ""},
		{"bad gossip", []string{"--name", "n", "--gossip", "nohost"}, nil,
			"--gossip"},
		{"bad port", []string{"--name", "n", "--api", "h:99999"}, nil, "--api"},
		{"bad profile", []string{"--name", "n", "--profile", "wan"}, nil,
			"--profile"},
		{"bad format", []string{"--name", "n", "--log-format", "xml"}, nil,
			"--log-format"},
		{"bad level", []string{"--name", "n", "--log-level", "loud"}, nil,
			"--log-level"},
		{"no name", []string{"--name", ""}, nil, "--name"},
		{"zero limit", []string{"--name", "n", "--max-model-bytes", "0"}, nil,
			"--max-model-bytes"},
		{"token without secret", []string{"--print-token"}, nil,
			"--secret-file"},
		{"stray argument", []string{"--name", "n", "extra"}, nil, "extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(tt.args, &bytes.Buffer{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(o) {
				t.Fatalf("parseFlags = %+v, %v", o, err)
			}
		})
	}
}

func TestParseFlagsUsage(t *testing.T) {
	var stderr bytes.Buffer
	if _, err := parseFlags([]string{"--help"}, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"usage: simnode", "--secret-file", "-join"} {
		if !strings.Contains(stderr.String(), strings.TrimPrefix(want, "-")) {
			t.Errorf("usage lacks %q", want)
		}
	}
	if _, err := parseFlags([]string{"--nope"}, &stderr); !errors.Is(err, errFlagParse) {
		t.Errorf("unknown flag: %v, want errFlagParse", err)
	}
	if code := run(t.Context(), []string{"--nope"}, &stderr, &stderr); code != 2 {
		t.Errorf("exit %d for an unknown flag, want 2", code)
	}
}

func TestFormatBase36(t *testing.T) {
	tests := map[uint64]string{0: "0", 35: "z", 36: "10", 1296: "100"}
	for n, want := range tests {
		if got := formatBase36(n); got != want {
			t.Errorf("formatBase36(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPublishedAddr(t *testing.T) {
	wild := &net.TCPAddr{IP: net.IPv4zero, Port: 7947}
	lo := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 7948}
	tests := []struct {
		addr      *net.TCPAddr
		advertise string
		want      string
		wildcard  bool
	}{
		{lo, "", "127.0.0.1:7948", false},
		{lo, "sim-a.example", "sim-a.example:7948", false},
		{wild, "10.0.0.5", "10.0.0.5:7947", true},
		{wild, "", "0.0.0.0:7947", true},
	}
	for _, tt := range tests {
		if got := publishedAddr(tt.addr, tt.advertise); got != tt.want {
			t.Errorf("publishedAddr(%v, %q) = %q, want %q", tt.addr,
				tt.advertise, got, tt.want)
		}
		if isWildcard(tt.addr) != tt.wildcard {
			t.Errorf("isWildcard(%v) = %v", tt.addr, !tt.wildcard)
		}
	}
	if ip, err := resolveIP("127.0.0.1"); ip != "127.0.0.1" || err != nil {
		t.Errorf("resolveIP(127.0.0.1) = %q, %v", ip, err)
	}
}
