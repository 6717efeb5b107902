package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/homeostat/homeostat/cluster"
)

// testCluster starts n members in this process, each with its
// membership, node, job queue and API, and returns the first API's
// address once every member sees all.
func testCluster(t *testing.T, n int) string {
	t.Helper()
	var apis []string
	var members []*cluster.Membership
	for i := range n {
		api, m := startTestMember(t, fmt.Sprintf("m%d", i))
		if i > 0 {
			if _, err := m.Join([]string{members[0].Local().Gossip}); err != nil {
				t.Fatal(err)
			}
		}
		apis, members = append(apis, api), append(members, m)
	}
	deadline := time.Now().Add(20 * time.Second)
	for _, m := range members {
		for len(m.Members()) != n {
			if time.Now().After(deadline) {
				t.Fatalf("no %d members within 20s", n)
			}
			<-time.After(10 * time.Millisecond)
		}
	}
	return apis[0]
}

func startTestMember(t *testing.T, name string) (string, *cluster.Membership) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	remote := ln.Addr().String()
	ln.Close()
	cfg := cluster.LocalConfig(name)
	cfg.BindPort, cfg.Remote = 0, remote
	m, err := cluster.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	node, err := cluster.StartNode(cluster.NodeConfig{Name: name, Members: m,
		Bind: remote})
	if err != nil {
		t.Fatal(err)
	}
	jobs := cluster.NewJobs(cluster.QueueConfig{Runner: node, IDPrefix: name + "-"})
	srv := httptest.NewServer(cluster.NewAPI(cluster.APIConfig{Node: name,
		Members: m, Jobs: jobs, Stats: node}))
	t.Cleanup(func() {
		srv.Close()
		_ = jobs.Close(context.Background(), "test over")
		node.Stop()
		_ = m.Shutdown()
	})
	return srv.Listener.Addr().String(), m
}

// withoutEngine decodes a summary and drops the engine's name, which
// says where it ran.
func withoutEngine(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	delete(s, "engine")
	return s
}

// TestSubmitMatchesRun: submit prints the JSON run prints and writes the
// same files, on one member and on two.
func TestSubmitMatchesRun(t *testing.T) {
	path := writeRunModel(t)
	flags := []string{"--duration", "6h", "--seed", "9", "--runs", "2",
		"--every", "10m", "--inject", "db@1h:30m"}
	runOut := filepath.Join(t.TempDir(), "run")
	code, want, errs := execSimctl(append([]string{"run", path, "--json", "--out", runOut},
		flags...)...)
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d members", n), func(t *testing.T) {
			api := testCluster(t, n)
			out := filepath.Join(t.TempDir(), "submit")
			code, got, errs := execSimctl(append([]string{"submit", path, "--cluster", api,
				"--json", "--out", out}, flags...)...)
			if code != 0 {
				t.Fatalf("submit: exit %d: %s", code, errs)
			}
			if !reflect.DeepEqual(withoutEngine(t, []byte(got)),
				withoutEngine(t, []byte(want))) {
				t.Errorf("submit printed\n%s\nrun printed\n%s", got, want)
			}
			sameFiles(t, runOut, out)
		})
	}
}

// sameFiles compares what run and submit wrote into their --out.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	for _, name := range []string{"series.csv", "series.parquet", "outages.jsonl",
		"events.jsonl", "summary.json"} {
		x, errA := os.ReadFile(filepath.Join(a, name))
		y, errB := os.ReadFile(filepath.Join(b, name))
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v, %v", name, errA, errB)
		}
		if name == "summary.json" {
			x, y = []byte(fmt.Sprint(withoutEngine(t, x))),
				[]byte(fmt.Sprint(withoutEngine(t, y)))
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between run and submit", name)
		}
	}
}

// TestSubmitTextAndNoWait: without --json, submit prints run's report
// and how the job was spread; --wait=false prints the job id, which the
// cluster knows.
func TestSubmitTextAndNoWait(t *testing.T) {
	path := writeRunModel(t)
	api := testCluster(t, 1)
	code, out, errs := execSimctl("submit", path, "--cluster", api, "--duration", "2h")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"engine cluster", "digest ", "cluster: 1 member",
		"0 of 2 edges between members"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}

	code, out, errs = execSimctl("submit", path, "--cluster", api, "--wait=false")
	id := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(id, "m0-") {
		t.Fatalf("exit %d, printed %q: %s", code, out, errs)
	}
	c := cluster.NewClient(api, "")
	if _, err := c.Job(context.Background(), id); err != nil {
		t.Errorf("the cluster does not know job %s: %v", id, err)
	}
}

// TestSubmitRefusals: bad flags are refused before anything is sent,
// and an unreachable cluster is an error.
func TestSubmitRefusals(t *testing.T) {
	path := writeRunModel(t)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"submit", path, "--runs", "0", "--cluster", "127.0.0.1:1"}, 2, "--runs"},
		{[]string{"submit", path, "--inject", "nobody@1h", "--cluster", "127.0.0.1:1"}, 2,
			"nobody"},
		{[]string{"submit"}, 2, "want one FILE"},
		{[]string{"submit", path, "--cluster", "127.0.0.1:1"}, 1, "127.0.0.1:1"},
	}
	for _, c := range cases {
		code, _, errs := execSimctl(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want exit %d mentioning %q", c.args, code, errs,
				c.code, c.want)
		}
	}
}
