package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/cluster"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Tests of members, status and cancel against a real API over a fake
// engine.

type listedMembers []cluster.Member

func (l listedMembers) Members() []cluster.Member { return l }

var someMembers = listedMembers{
	{Name: "n1", Gossip: "127.0.0.1:7946", API: "127.0.0.1:7947",
		Remote: "127.0.0.1:7948", Protocol: cluster.ProtocolVersion},
	{Name: "n2", Gossip: "127.0.0.1:7956", API: "127.0.0.1:7957",
		Protocol: cluster.ProtocolVersion + 1},
}

// heldRunner keeps every job running until it is canceled.
type heldRunner struct{ started chan string }

func (r heldRunner) Run(
	ctx context.Context, job *cluster.Job, progress func(cluster.Progress),
) ([]byte, error) {
	progress(cluster.Progress{Tick: 25, EndTick: 100})
	r.started <- job.ID
	<-ctx.Done()
	return nil, context.Cause(ctx)
}

// fakeCluster serves the API of one simnode called n1.
type fakeCluster struct {
	addr   string
	jobs   *cluster.Jobs
	runner heldRunner
}

func newFakeCluster(t *testing.T, token string) *fakeCluster {
	t.Helper()
	r := heldRunner{started: make(chan string, 4)}
	jobs := cluster.NewJobs(cluster.QueueConfig{Runner: r, MaxQueued: 2,
		IDPrefix: "n1-x-"})
	t.Cleanup(func() { _ = jobs.Close(context.Background(), "test over") })
	srv := httptest.NewServer(cluster.NewAPI(cluster.APIConfig{
		Node: "n1", Version: "test", Started: time.Now(),
		Members: someMembers, Jobs: jobs, Token: token}))
	t.Cleanup(srv.Close)
	return &fakeCluster{addr: strings.TrimPrefix(srv.URL, "http://"),
		jobs: jobs, runner: r}
}

// submitTiny queues a small model and returns its job id.
func (f *fakeCluster) submitTiny(t *testing.T, token string) string {
	t.Helper()
	b, err := proto.Marshal(&pb.Model{Vertices: []*pb.Vertex{{Id: "db"}}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := cluster.NewClient(f.addr, token).Submit(context.Background(),
		"tiny.pb", b, cluster.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return st.ID
}

// simctl runs a command and returns its exit status and output.
func simctl(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := runMain(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestMembersCommand(t *testing.T) {
	fc := newFakeCluster(t, "")
	code, out, errOut := simctl("members", "--cluster", fc.addr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"NAME", "n1 *", "127.0.0.1:7948",
		"2 (incompatible)", "2 live members, as n1 sees them"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}

	t.Setenv("HOMEOSTAT_CLUSTER", fc.addr) // the default address
	code, out, _ = simctl("members", "--json")
	var mr cluster.MembersReply
	if code != 0 || json.Unmarshal([]byte(out), &mr) != nil ||
		len(mr.Members) != 2 || mr.Node != "n1" {
		t.Fatalf("members --json: exit %d, %q", code, out)
	}
}

func TestStatusCommand(t *testing.T) {
	fc := newFakeCluster(t, "")
	running := fc.submitTiny(t, "")
	<-fc.runner.started
	queued := fc.submitTiny(t, "")

	code, out, errOut := simctl("status", "--cluster", fc.addr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"node     n1 (version test, protocol 1)",
		"ready    yes", "members  2", "1 running, 1 queued",
		running + "  running", "tick 25/100 (25%)", queued + "  queued",
		"queued #1"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = simctl("status", "--cluster", fc.addr, "--json")
	var st cluster.Status
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil ||
		len(st.Recent) != 2 || st.Jobs.Running != 1 {
		t.Fatalf("status --json: exit %d, %q", code, out)
	}
}

func TestCancelCommand(t *testing.T) {
	fc := newFakeCluster(t, "")
	id := fc.submitTiny(t, "")
	<-fc.runner.started

	tests := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{id}, 0, "job " + id + ": canceling"},
		{[]string{"n1-x-99"}, 1, "unknown job"},
		{[]string{}, 2, "want one job id"},
		{[]string{"a", "b"}, 2, "want one job id"},
	}
	for _, tt := range tests {
		args := append([]string{"cancel", "--cluster", fc.addr}, tt.args...)
		code, out, errOut := simctl(args...)
		if code != tt.wantCode || !strings.Contains(out+errOut, tt.wantOut) {
			t.Errorf("simctl %v: exit %d, %q %q; want %d with %q", tt.args,
				code, out, errOut, tt.wantCode, tt.wantOut)
		}
	}
}

func TestClusterCommandsToken(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "gossip.key")
	key := bytes.Repeat([]byte{9}, 32)
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, keyFile, key)
	writeFile(t, tokenFile, []byte(cluster.Token(key)+"\n"))
	fc := newFakeCluster(t, cluster.Token(key))

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"no token", nil, 1, "missing or wrong API token (see --token-file) (HTTP 401)"},
		{"token file", []string{"--token-file", tokenFile}, 0, "n1 *"},
		{"secret file", []string{"--secret-file", keyFile}, 0, "n1 *"},
		{"wrong secret", []string{"--secret-file", tokenFile}, 1, "secret"},
		{"both", []string{"--secret-file", keyFile, "--token-file",
			tokenFile}, 2, "together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"members", "--cluster", fc.addr}, tt.args...)
			code, out, errOut := simctl(args...)
			if code != tt.wantCode || !strings.Contains(out+errOut, tt.wantOut) {
				t.Errorf("exit %d, %q %q; want %d with %q", code, out, errOut,
					tt.wantCode, tt.wantOut)
			}
		})
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestNoClusterThere(t *testing.T) {
	code, _, errOut := simctl("members", "--cluster", "127.0.0.1:1",
		"--timeout", "2s")
	if code != 1 || !strings.Contains(errOut, "127.0.0.1:1") {
		t.Errorf("exit %d, %q; want 1 naming the address", code, errOut)
	}
}
