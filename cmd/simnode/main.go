// Command simnode is the Homeostat cluster daemon: it joins other
// simnodes by gossip (memberlist), serves the HTTP API that simctl
// talks to, and runs the simulation jobs submitted to it.
//
// Run "simnode --help" for the flags; deploy/README.md shows how to run
// a cluster on one machine, under systemd and on Kubernetes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/homeostat/homeostat/cluster"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(),
		syscall.SIGTERM, os.Interrupt)
	go func() {
		<-ctx.Done()
		stop() // a second signal stops the process at once
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is simnode from flags to exit status; it returns when ctx ends
// (a signal) and the daemon has stopped, or when it cannot start.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errFlagParse):
		return 2 // the flag package has said what is wrong
	case err != nil:
		fmt.Fprintf(stderr, "simnode: %v\n", err)
		return 2
	}
	if o.printToken {
		return printToken(o, stdout, stderr)
	}

	log := newLogger(stderr, o)
	d, err := startDaemon(o, log, engine{})
	if err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	return waitAndStop(ctx, d)
}

// waitAndStop waits for a signal or a failed API server, then shuts the
// daemon down within --stop-timeout.
func waitAndStop(ctx context.Context, d *daemon) int {
	code := 0
	select {
	case <-ctx.Done():
		d.log.Info("signal received")
	case err := <-d.serveErr:
		d.log.Error("API server failed", "err", err)
		code = 1
	}

	sctx, cancel := context.WithTimeout(context.Background(), d.opts.stopTimeout)
	defer cancel()
	if err := d.shutdown(sctx); err != nil {
		d.log.Error("unclean shutdown", "err", err)
		code = 1
	}
	return code
}

func printToken(o options, stdout, stderr io.Writer) int {
	key, err := cluster.LoadSecret(o.secretFile)
	if err != nil {
		fmt.Fprintf(stderr, "simnode: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, cluster.Token(key))
	return 0
}
