package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/homeostat/homeostat/cluster"
)

// process is one simnode started by a test.
type process struct {
	name string
	cmd  *exec.Cmd
	dir  string
	log  *syncBuffer
	done chan error // receives the exit once
}

// syncBuffer collects a process's log from its copying goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The simnode binary the process tests share, built once.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildSimnode compiles this command once per test binary.
func buildSimnode(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "simnode-test"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "simnode")
		out, err := exec.Command("go", "build", "-o", built.bin, ".").
			CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// startProcess starts a simnode on loopback with ports picked by the
// kernel, joined to seeds.
func startProcess(t *testing.T, bin, name string, seeds ...string) *process {
	t.Helper()
	p := &process{name: name, dir: filepath.Join(t.TempDir(), name),
		log: &syncBuffer{}, done: make(chan error, 1)}
	args := []string{"--name", name, "--profile", "local",
		"--gossip", "127.0.0.1:0", "--api", "127.0.0.1:0",
		"--remote", "127.0.0.1:0", "--data", p.dir, "--log-level", "debug"}
	if len(seeds) > 0 {
		args = append(args, "--join", seeds[0])
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("log of %s:\n%s", name, p.log.String())
		}
	})
	return p
}

// state waits for the process to write its addresses.
func (p *process) state(t *testing.T) nodeState {
	t.Helper()
	var st nodeState
	waitFor(t, 10*time.Second, p.name+"'s "+stateFile, func() bool {
		b, err := os.ReadFile(filepath.Join(p.dir, stateFile))
		return err == nil && json.Unmarshal(b, &st) == nil
	})
	return st
}

func TestThreeProcessesOnLoopback(t *testing.T) {
	start := time.Now()
	bin := buildSimnode(t)
	t.Logf("built simnode in %v", time.Since(start).Round(time.Millisecond))

	first := startProcess(t, bin, "n1")
	seed := first.state(t).Gossip
	procs := []*process{first, startProcess(t, bin, "n2", seed),
		startProcess(t, bin, "n3", seed)}
	var clients []*cluster.Client
	for _, p := range procs {
		clients = append(clients, cluster.NewClient(p.state(t).API, ""))
	}
	all := []string{"n1", "n2", "n3"}
	waitFor(t, 15*time.Second, "three members everywhere", func() bool {
		return everyoneSees(t, clients, all)
	})

	if err := procs[1].cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := waitExit(procs[1], 10*time.Second); err != nil {
		t.Fatalf("n2 after SIGTERM: %v", err)
	}
	survivors := []*cluster.Client{clients[0], clients[2]}
	waitFor(t, 15*time.Second, "two members after n2 left", func() bool {
		return everyoneSees(t, survivors, []string{"n1", "n3"})
	})
	t.Logf("whole test took %v", time.Since(start).Round(time.Millisecond))

	// memberlist's own lines and the daemon's arrive through one handler.
	log := procs[0].log.String()
	for _, want := range []string{"lib=memberlist", "msg=\"member gone\" " +
		"node=n1 member=n2", "msg=\"member joined\" node=n1 member=n3"} {
		if !strings.Contains(log, want) {
			t.Errorf("n1's log lacks %s", want)
		}
	}
}

func everyoneSees(t *testing.T, clients []*cluster.Client, want []string) bool {
	for _, c := range clients {
		if !slices.Equal(memberNames(t, c), want) {
			return false
		}
	}
	return true
}

// waitExit waits for a process to exit with status 0.
func waitExit(p *process, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("still running after %v", timeout)
	}
}
