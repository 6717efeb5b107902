package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/cluster"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, timeout)
		}
		<-tick.C
	}
}

// refuse is the fake engine of tests that run no job: it fails each at
// once.
var refuse = cluster.JobRunnerFunc(func(context.Context, *cluster.Job,
	func(cluster.Progress)) ([]byte, error) {
	return nil, errors.New("refused")
})

// blockingRunner is the fake engine: a job runs until it is canceled.
type blockingRunner struct{ started chan string }

func (r blockingRunner) Run(
	ctx context.Context, job *cluster.Job, progress func(cluster.Progress),
) ([]byte, error) {
	progress(cluster.Progress{Tick: 1})
	r.started <- job.ID
	<-ctx.Done()
	return nil, context.Cause(ctx)
}

// testOptions are the flags of an in-process daemon on loopback.
func testOptions(t *testing.T, name string, join ...string) options {
	t.Helper()
	o, err := parseFlags([]string{"--name", name, "--profile", "local",
		"--gossip", "127.0.0.1:0", "--api", "127.0.0.1:0",
		"--remote", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), name),
		"--join", strings.Join(join, ","), "--leave-timeout", "2s"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func startTestDaemon(t *testing.T, o options, r cluster.JobRunner) *daemon {
	t.Helper()
	d, err := startDaemon(o, slog.New(slog.DiscardHandler), engine{runner: r})
	if err != nil {
		t.Fatalf("start %s: %v", o.name, err)
	}
	t.Cleanup(func() { _ = d.shutdown(context.Background()) })
	return d
}

func memberNames(t *testing.T, c *cluster.Client) []string {
	t.Helper()
	mr, err := c.Members(context.Background())
	if err != nil {
		return nil
	}
	var out []string
	for _, m := range mr.Members {
		out = append(out, m.Name)
	}
	return out
}

func TestDaemonsJoinAndLeave(t *testing.T) {
	a := startTestDaemon(t, testOptions(t, "a"), refuse)
	seed := a.members.Local().Gossip
	b := startTestDaemon(t, testOptions(t, "b", seed), refuse)
	ca := cluster.NewClient(a.apiAddr(), "")
	cb := cluster.NewClient(b.apiAddr(), "")
	waitFor(t, 10*time.Second, "two members", func() bool {
		return slices.Equal(memberNames(t, ca), []string{"a", "b"}) &&
			slices.Equal(memberNames(t, cb), []string{"a", "b"})
	})
	mr, _ := ca.Members(context.Background())
	if mr.Members[1].API != b.apiAddr() {
		t.Errorf("a sees b's API at %q, want %q", mr.Members[1].API,
			b.apiAddr())
	}

	if err := b.shutdown(context.Background()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	waitFor(t, 10*time.Second, "b's departure", func() bool {
		return slices.Equal(memberNames(t, ca), []string{"a"})
	})
	if _, err := cb.Status(context.Background()); err == nil {
		t.Error("b still serves its API after shutdown")
	}
	if _, err := os.Stat(filepath.Join(b.opts.data, stateFile)); !os.IsNotExist(err) {
		t.Errorf("b's %s survives shutdown: %v", stateFile, err)
	}
}

func TestShutdownCancelsRunningJob(t *testing.T) {
	r := blockingRunner{started: make(chan string, 1)}
	d := startTestDaemon(t, testOptions(t, "solo"), r)
	c := cluster.NewClient(d.apiAddr(), "")
	ctx := context.Background()
	st, err := c.Submit(ctx, "tiny.pb", tinyModel(t), cluster.RunOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	<-r.started

	if err := d.shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	got, err := d.jobs.Get(st.ID)
	if err != nil || got.State != cluster.JobCanceled ||
		got.Error != "simnode is shutting down" {
		t.Errorf("job after shutdown: %+v, %v", got, err)
	}
	if d.ready.Load() {
		t.Error("still ready after shutdown")
	}
	if err := d.shutdown(ctx); err != nil {
		t.Errorf("second shutdown: %v", err)
	}
}

func tinyModel(t *testing.T) []byte {
	t.Helper()
	b, err := proto.Marshal(&pb.Model{Name: "tiny", Vertices: []*pb.Vertex{
		{Id: "db"}, {Id: "web", DependsOn: []*pb.Dependency{{Id: "db"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDaemonWithSecret(t *testing.T) {
	key := filepath.Join(t.TempDir(), "gossip.key")
	if err := os.WriteFile(key, []byte("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n"),
		0o600); err != nil {
		t.Fatal(err)
	}
	o := testOptions(t, "locked")
	o.secretFile = key
	d := startTestDaemon(t, o, refuse)
	secret, _ := cluster.LoadSecret(key)

	tests := []struct {
		token string
		want  int
	}{
		{"", http.StatusUnauthorized},
		{"wrong", http.StatusUnauthorized},
		{cluster.Token([]byte("0123456789abcdef")), http.StatusUnauthorized},
		{cluster.Token(secret), 0},
	}
	for _, tt := range tests {
		_, err := cluster.NewClient(d.apiAddr(), tt.token).Status(context.Background())
		var ae *cluster.APIError
		switch {
		case tt.want == 0 && err != nil:
			t.Errorf("token %q: %v", tt.token, err)
		case tt.want != 0 && (!errors.As(err, &ae) || ae.Code != tt.want):
			t.Errorf("token %q: %v, want HTTP %d", tt.token, err, tt.want)
		}
	}
	resp, err := http.Get("http://" + d.apiAddr() + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz without token: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestStateFile(t *testing.T) {
	d := startTestDaemon(t, testOptions(t, "st"), refuse)
	b, err := os.ReadFile(filepath.Join(d.opts.data, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	var st nodeState
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	want := nodeState{Name: "st", Gossip: d.members.Local().Gossip,
		API: d.apiAddr(), Remote: d.remoteLn.Addr().String(),
		PID: os.Getpid(), Version: version}
	if st != want {
		t.Errorf("state %+v, want %+v", st, want)
	}
}

func TestRunStopsOnSignal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the signal has already come
	var stderr bytes.Buffer
	o := testOptions(t, "sig")
	args := []string{"--name", "sig", "--gossip", "127.0.0.1:0",
		"--api", "127.0.0.1:0", "--remote", "127.0.0.1:0",
		"--data", o.data, "--log-format", "json"}
	if code := run(ctx, args, &bytes.Buffer{}, &stderr); code != 0 {
		t.Fatalf("exit %d; log:\n%s", code, stderr.String())
	}
	for _, msg := range []string{`"msg":"signal received"`,
		`"msg":"shutting down"`, `"msg":"stopped"`, `"clean":true`,
		`"lib":"protoactor"`} {
		if !strings.Contains(stderr.String(), msg) {
			t.Errorf("log lacks %s:\n%s", msg, stderr.String())
		}
	}
}

func TestRunPrintToken(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	raw := bytes.Repeat([]byte{5}, 16)
	if err := os.WriteFile(key, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code := run(context.Background(), []string{"--secret-file", key,
		"--print-token"}, &out, &bytes.Buffer{})
	if code != 0 || strings.TrimSpace(out.String()) != cluster.Token(raw) {
		t.Errorf("exit %d, printed %q", code, out.String())
	}
}

func TestStartFailsCleanly(t *testing.T) {
	busy := testOptions(t, "first")
	d := startTestDaemon(t, busy, refuse)
	o := testOptions(t, "second")
	o.api = d.apiAddr() // taken
	_, err := startDaemon(o, slog.New(slog.DiscardHandler),
		engine{runner: refuse})
	if err == nil || !strings.Contains(err.Error(), "--api") {
		t.Errorf("start on a taken port: %v, want an --api error", err)
	}
}
