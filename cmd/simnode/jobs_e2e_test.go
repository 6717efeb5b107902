package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/homeostat/homeostat/cluster"
)

// The simctl binary the job tests share, built once.
var builtCtl struct {
	once sync.Once
	bin  string
	err  error
}

// buildSimctl compiles simctl next to the simnode the tests built.
func buildSimctl(t *testing.T) string {
	t.Helper()
	buildSimnode(t)
	builtCtl.once.Do(func() {
		builtCtl.bin = filepath.Join(built.dir, "simctl")
		out, err := exec.Command("go", "build", "-o", builtCtl.bin, "../simctl").
			CombinedOutput()
		if err != nil {
			builtCtl.err = fmt.Errorf("go build simctl: %v\n%s", err, out)
		}
	})
	if builtCtl.err != nil {
		t.Fatal(builtCtl.err)
	}
	return builtCtl.bin
}

// simctl runs simctl and returns its standard output.
func simctl(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(buildSimctl(t), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("simctl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// genModel writes a layered model with supervisors, VM hosts and a
// partitioned control plane.
func genModel(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.pb")
	simctl(t, "gen", "layered", "--vertices", "3000", "--seed", "5",
		"--partitions", "2", "-o", path)
	return path
}

// startCluster starts n simnodes on loopback, joined to the first, and
// waits until each sees all of them.
func startCluster(t *testing.T, n int) ([]*process, []*cluster.Client) {
	t.Helper()
	bin := buildSimnode(t)
	first := startProcess(t, bin, "n1")
	seed := first.state(t).Gossip
	procs := []*process{first}
	var names []string
	for i := 2; i <= n; i++ {
		procs = append(procs, startProcess(t, bin, fmt.Sprintf("n%d", i), seed))
	}
	var clients []*cluster.Client
	for i, p := range procs {
		clients = append(clients, cluster.NewClient(p.state(t).API, ""))
		names = append(names, fmt.Sprintf("n%d", i+1))
	}
	waitFor(t, 30*time.Second, fmt.Sprintf("%d members everywhere", n), func() bool {
		return everyoneSees(t, clients, names)
	})
	return procs, clients
}

// summary decodes the JSON of simctl run or submit, leaving out the
// engine's name, which says where it ran.
func summary(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	delete(s, "engine")
	return s
}

// TestSubmitMatchesRun: simctl submit to a cluster of three, two and
// five simnode processes gives the JSON simctl run gives in one process,
// digest included.
func TestSubmitMatchesRun(t *testing.T) {
	model := genModel(t)
	flags := []string{"--duration", "1h", "--seed", "7", "--runs", "2", "--json"}
	want := summary(t, simctl(t, append([]string{"run", model}, flags...)...))
	for _, n := range []int{3, 2, 5} {
		t.Run(fmt.Sprintf("%d members", n), func(t *testing.T) {
			_, clients := startCluster(t, n)
			args := append([]string{"submit", model, "--cluster", clients[0].Base},
				flags...)
			got := summary(t, simctl(t, args...))
			if got["digest"] != want["digest"] {
				t.Fatalf("digest %v on %d members, want %v", got["digest"], n,
					want["digest"])
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the summaries differ beyond the engine's name")
			}
		})
	}
}

// TestKillMemberMidJob: a member killed with SIGKILL during a job ends
// it with an error naming the member and the tick; the members left take
// the next job and give the right digest.
func TestKillMemberMidJob(t *testing.T) {
	model := genModel(t)
	procs, clients := startCluster(t, 3)
	id := strings.TrimSpace(string(simctl(t, "submit", model, "--cluster",
		clients[0].Base, "--duration", "30d", "--seed", "1", "--wait=false")))
	ctx := context.Background()
	waitFor(t, time.Minute, "the job's first ticks", func() bool {
		st, err := clients[0].Job(ctx, id)
		return err == nil && st.Progress.Tick > 0
	})
	if err := procs[2].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var st cluster.JobStatus
	waitFor(t, time.Minute, "the job's end", func() bool {
		var err error
		st, err = clients[0].Job(ctx, id)
		return err == nil && st.State.Final()
	})
	if st.State != cluster.JobFailed || !strings.Contains(st.Error, "n3") ||
		!strings.Contains(st.Error, "tick ") {
		t.Fatalf("job %s: %s, want failed naming n3 and the tick", st.State, st.Error)
	}
	t.Logf("job failed as expected: %s", st.Error)

	waitFor(t, 30*time.Second, "two members", func() bool {
		return everyoneSees(t, clients[:2], []string{"n1", "n2"})
	})
	flags := []string{"--duration", "1h", "--seed", "2", "--json"}
	want := summary(t, simctl(t, append([]string{"run", model}, flags...)...))
	got := summary(t, simctl(t, append([]string{"submit", model, "--cluster",
		clients[1].Base}, flags...)...))
	if got["digest"] != want["digest"] {
		t.Errorf("next job: digest %v, want %v", got["digest"], want["digest"])
	}
}
