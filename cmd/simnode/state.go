package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// stateFile is written into --data while the daemon runs, so scripts and
// tests can find the addresses of a member started with port 0.
const stateFile = "simnode.json"

// nodeState is the content of stateFile.
type nodeState struct {
	Name    string `json:"name"`
	Gossip  string `json:"gossip"`
	API     string `json:"api"`
	Remote  string `json:"remote"`
	PID     int    `json:"pid"`
	Version string `json:"version"`
}

func (d *daemon) state() nodeState {
	local := d.members.Local()
	return nodeState{Name: local.Name, Gossip: local.Gossip, API: local.API,
		Remote: local.Remote, PID: os.Getpid(), Version: version}
}

// writeState writes st into dir atomically (a temporary file renamed
// over the old one); nothing without a dir.
func writeState(dir string, st nodeState) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}

	tmp, err := os.CreateTemp(dir, stateFile+".*")
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	_, err = tmp.Write(append(b, '\n'))
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, stateFile))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("--data: write %s: %w", stateFile, err)
	}
	return nil
}

// shutdown stops the daemon once, however often it is called: it turns
// not ready, cancels the jobs, leaves the cluster gracefully, then stops
// serving. ctx bounds the waits.
func (d *daemon) shutdown(ctx context.Context) error {
	d.stopOnce.Do(func() { d.stopErr = d.stop(ctx) })
	return d.stopErr
}

func (d *daemon) stop(ctx context.Context) error {
	start := time.Now()
	d.log.Info("shutting down")
	d.ready.Store(false)
	d.stopBackground()
	d.background.Wait()

	errJobs := d.jobs.Close(ctx, "simnode is shutting down")
	if err := d.members.Stop(d.opts.leaveTimeout); err != nil {
		// The others notice the departure anyway, as a failure.
		d.log.Warn("leave not confirmed", "err", err)
	}
	errHTTP := d.server.Shutdown(ctx)

	if d.node != nil {
		d.node.Stop()
	}
	_ = d.releaseRemote()
	if d.opts.data != "" {
		_ = os.Remove(filepath.Join(d.opts.data, stateFile))
	}
	err := errors.Join(errJobs, errHTTP)
	d.log.Info("stopped", "took", time.Since(start).Round(time.Millisecond),
		"clean", err == nil)
	return err
}
