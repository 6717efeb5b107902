package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/homeostat/homeostat/cluster"
)

// version is the build's version, set with -ldflags "-X main.version=...".
var version = "devel"

// engine is what the daemon runs jobs with: the runner, and the counters
// /metrics shows. The zero value starts protoactor remote and runs jobs
// across the cluster with the daemon's cluster.Node; tests put a fake
// runner in its place, and then no remote starts (see docs/cluster.md
// on why one process should hold one remote endpoint).
type engine struct {
	runner cluster.JobRunner
	stats  cluster.StatsSource
}

// daemon is one running simnode.
type daemon struct {
	opts    options
	log     *slog.Logger
	started time.Time

	members  *cluster.Membership
	jobs     *cluster.Jobs
	node     *cluster.Node
	apiLn    net.Listener
	remoteLn net.Listener // holds the remote port until remote starts
	server   *http.Server
	token    string

	ready          atomic.Bool
	serveErr       chan error // the API server stopped on its own
	background     sync.WaitGroup
	stopBackground context.CancelFunc
	stopOnce       sync.Once
	stopErr        error
}

// startDaemon binds the API and remote ports, starts gossiping and
// joining, and serves the API. On error, whatever started is stopped.
func startDaemon(o options, log *slog.Logger, eng engine) (*daemon, error) {
	d := &daemon{opts: o, log: log, started: time.Now(),
		serveErr: make(chan error, 1), stopBackground: func() {}}
	if err := d.start(eng); err != nil {
		d.closeListeners()
		if d.members != nil {
			_ = d.members.Shutdown()
		}
		return nil, err
	}
	return d, nil
}

func (d *daemon) start(eng engine) error {
	secret, err := d.loadSecret()
	if err != nil {
		return err
	}
	if err := d.listen(); err != nil {
		return err
	}
	if err := d.startMembership(secret); err != nil {
		return err
	}
	if err := writeState(d.opts.data, d.state()); err != nil {
		return err
	}
	if eng.runner == nil {
		if err := d.startNode(); err != nil {
			return err
		}
		eng = engine{runner: d.node, stats: d.node}
	}
	// Nothing below fails.
	d.jobs = cluster.NewJobs(cluster.QueueConfig{
		Runner:    loggingRunner{inner: eng.runner, log: d.log},
		MaxQueued: d.opts.maxQueued,
		IDPrefix:  jobPrefix(d.opts.name, d.started),
	})
	d.serve(eng.stats)
	d.startBackground()
	return nil
}

// startBackground starts the goroutines that live as long as the
// daemon: joining the seeds and logging membership changes.
func (d *daemon) startBackground() {
	ctx, cancel := context.WithCancel(context.Background())
	d.stopBackground = cancel
	d.goBackground(func() { d.logMembers(ctx) })
	if len(d.opts.join) == 0 {
		d.ready.Store(true)
		return
	}
	d.goBackground(func() { d.keepJoined(ctx) })
}

func (d *daemon) goBackground(f func()) {
	d.background.Add(1)
	go func() {
		defer d.background.Done()
		f()
	}()
}

func (d *daemon) loadSecret() ([]byte, error) {
	if d.opts.secretFile == "" {
		return nil, nil
	}
	key, err := cluster.LoadSecret(d.opts.secretFile)
	if err != nil {
		return nil, err
	}
	d.token = cluster.Token(key)
	return key, nil
}

// listen binds the API port and reserves the remote one, so that port 0
// resolves to real ports before they are published.
func (d *daemon) listen() error {
	var err error
	if d.apiLn, err = net.Listen("tcp", d.opts.api); err != nil {
		return fmt.Errorf("--api: %w", err)
	}
	if d.remoteLn, err = net.Listen("tcp", d.opts.remote); err != nil {
		return fmt.Errorf("--remote: %w", err)
	}
	return nil
}

// startNode starts protoactor remote on the reserved --remote port,
// advertised at the address the membership publishes, and the node that
// runs jobs across the cluster.
func (d *daemon) startNode() error {
	host, _, _ := splitHostPort(d.opts.remote)
	if host == "" {
		host = "0.0.0.0"
	}
	port := d.remoteLn.Addr().(*net.TCPAddr).Port
	if err := d.releaseRemote(); err != nil {
		return fmt.Errorf("--remote: %w", err)
	}
	node, err := cluster.StartNode(cluster.NodeConfig{
		Name:        d.opts.name,
		Members:     d.members,
		Bind:        hostPort(host, port),
		Advertise:   d.members.Local().Remote,
		Logger:      d.log,
		TickTimeout: d.opts.tickTimeout,
	})
	if err != nil {
		return fmt.Errorf("--remote: %w", err)
	}
	d.node = node
	d.log.Info("serving remote", "remote", node.Address())
	return nil
}

// releaseRemote frees the reserved remote port for protoactor remote to
// bind, right before it starts.
func (d *daemon) releaseRemote() error {
	if d.remoteLn == nil {
		return nil
	}
	err := d.remoteLn.Close()
	d.remoteLn = nil
	return err
}

func (d *daemon) closeListeners() {
	if d.apiLn != nil {
		_ = d.apiLn.Close()
	}
	_ = d.releaseRemote()
}

// jobPrefix makes job ids unique across members and restarts: the
// member's name and its start time in base 36.
func jobPrefix(name string, started time.Time) string {
	return fmt.Sprintf("%s-%s-", name,
		formatBase36(uint64(started.UnixMilli())))
}

func formatBase36(n uint64) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 36 {
		b = append([]byte{digits[n%36]}, b...)
	}
	return string(b)
}

// serve starts the HTTP API on the bound listener.
func (d *daemon) serve(stats cluster.StatsSource) {
	d.server = &http.Server{
		Handler: cluster.NewAPI(cluster.APIConfig{
			Node:          d.opts.name,
			Version:       version,
			Started:       d.started,
			Members:       d.members,
			Jobs:          d.jobs,
			Stats:         stats,
			Ready:         d.ready.Load,
			Token:         d.token,
			MaxModelBytes: d.opts.maxModelBytes,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          cluster.StdLogger(d.log.With("lib", "http")),
	}
	ln := d.apiLn
	go func() {
		err := d.server.Serve(ln)
		if !errors.Is(err, http.ErrServerClosed) {
			d.serveErr <- fmt.Errorf("API server: %w", err)
		}
	}()
	d.log.Info("serving API", "api", ln.Addr().String(),
		"auth", d.token != "")
}

// apiAddr is where the API listens.
func (d *daemon) apiAddr() string { return d.apiLn.Addr().String() }
