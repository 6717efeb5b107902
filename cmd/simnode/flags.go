package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/homeostat/homeostat/cluster"
)

// options are simnode's settings, from its flags.
type options struct {
	name       string
	gossip     string // HOST:PORT
	join       []string
	api        string // HOST:PORT
	remote     string // HOST:PORT
	advertise  string // HOST
	data       string // directory; empty keeps nothing on disk
	secretFile string
	profile    string // lan or local

	maxModelBytes int64
	maxQueued     int
	leaveTimeout  time.Duration
	stopTimeout   time.Duration
	tickTimeout   time.Duration

	logFormat string // text or json
	logLevel  slog.Level

	printToken bool
}

const usage = `usage: simnode [FLAGS]

simnode is the Homeostat cluster daemon. Started on several machines with
--join pointing at one another, the daemons find each other by gossip and
take simulation jobs from "simctl submit". Each serves an HTTP API (for
simctl), /metrics in the Prometheus format, and /healthz and /readyz
probes on --api.

With --secret-file, gossip is encrypted with that key and every /v1/ API
request must carry the token derived from it ("simnode --secret-file F
--print-token" prints it; simctl reads it with --token-file).

SIGTERM or SIGINT makes simnode cancel its jobs, leave the cluster
gracefully and stop.

Flags:
`

// errFlagParse reports a flag the flag package refused and explained.
var errFlagParse = errors.New("bad flags")

// parseFlags reads args; errors are usage mistakes.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("simnode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	o, join, level := defineFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return *o, err
		}
		return *o, errFlagParse
	}
	if fs.NArg() > 0 {
		return *o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	o.join = splitList(*join)
	if err := o.logLevel.UnmarshalText([]byte(*level)); err != nil {
		return *o, fmt.Errorf("--log-level: %w", err)
	}
	return *o, o.check()
}

// defineFlags declares the flags on fs, returning where they land.
func defineFlags(fs *flag.FlagSet) (*options, *string, *string) {
	o := &options{}
	host, _ := os.Hostname()
	fs.StringVar(&o.name, "name", host,
		"unique `NAME` of this member, stable across restarts")
	fs.StringVar(&o.gossip, "gossip", hostPort("0.0.0.0", cluster.DefaultGossipPort),
		"`HOST:PORT` where memberlist gossips (UDP and TCP); port 0 picks one")
	join := fs.String("join", "",
		"`HOST:PORT[,...]` of members to join; empty starts a new cluster")
	fs.StringVar(&o.api, "api", hostPort("0.0.0.0", cluster.DefaultAPIPort),
		"`HOST:PORT` of the HTTP API, /metrics, /healthz and /readyz")
	fs.StringVar(&o.remote, "remote", hostPort("0.0.0.0", cluster.DefaultRemotePort),
		"`HOST:PORT` of the protoactor remote endpoint for vertex messages")
	fs.StringVar(&o.advertise, "advertise", "",
		"`HOST` the other members reach this one at (default: the bound "+
			"address, or a private address of this machine for 0.0.0.0)")
	fs.StringVar(&o.data, "data", "",
		"`DIR` for this member's files (simnode.json with its addresses)")
	fs.StringVar(&o.secretFile, "secret-file", "",
		"`FILE` with the gossip key (16, 24 or 32 bytes, raw or base64); "+
			"also makes the API require the derived token")
	fs.StringVar(&o.profile, "profile", "lan",
		"gossip timings: lan (data centre) or local (one machine, fast)")
	fs.Int64Var(&o.maxModelBytes, "max-model-bytes", cluster.DefaultMaxModelBytes,
		"refuse submitted models larger than `N` bytes (HTTP 413)")
	fs.IntVar(&o.maxQueued, "max-queued", 0,
		"jobs that may wait behind the running one; beyond, a submit is "+
			"refused with HTTP 409 (0: refuse any second job while one runs)")
	fs.DurationVar(&o.leaveTimeout, "leave-timeout", 5*time.Second,
		"how long to wait for the leave message on shutdown")
	fs.DurationVar(&o.stopTimeout, "stop-timeout", 20*time.Second,
		"how long shutdown may take in all")
	fs.DurationVar(&o.tickTimeout, "tick-timeout", cluster.DefaultTickTimeout,
		"end a job whose tick does not complete within this, naming the "+
			"members it waits for")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	level := fs.String("log-level", "info", "log level: debug, info, warn or error")
	fs.BoolVar(&o.printToken, "print-token", false,
		"print the API token derived from --secret-file and exit")
	return o, join, level
}

// check reports the first inconsistent setting.
func (o *options) check() error {
	if o.printToken {
		if o.secretFile == "" {
			return errors.New("--print-token needs --secret-file")
		}
		return nil
	}
	if o.name == "" {
		return errors.New("--name is empty and the host name unknown")
	}
	for name, addr := range map[string]string{"--gossip": o.gossip,
		"--api": o.api, "--remote": o.remote} {
		if _, _, err := splitHostPort(addr); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if o.profile != "lan" && o.profile != "local" {
		return fmt.Errorf("--profile %q: want lan or local", o.profile)
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return fmt.Errorf("--log-format %q: want text or json", o.logFormat)
	}
	if o.maxModelBytes <= 0 || o.maxQueued < 0 {
		return errors.New("--max-model-bytes must be positive and " +
			"--max-queued not negative")
	}
	return nil
}

// splitHostPort reads HOST:PORT with a numeric port.
func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.ParseUint(p, 10, 16)
	if err != nil {
		return "", 0, fmt.Errorf("port %q: want a number up to 65535", p)
	}
	return host, int(port), nil
}

func hostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// splitList splits a comma-separated list, dropping empty items, so that
// an empty --join (as systemd passes an unset variable) means none.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
