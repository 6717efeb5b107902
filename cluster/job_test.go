// These tests run several members, each with its own protoactor remote
// endpoint, inside one process. protoactor's remote.Start replaces gRPC's
// global logger (grpclog.SetLoggerV2) every time it starts, which the
// race detector reports against the endpoints already running: a race
// inside the libraries, not in this package, and one a simnode process
// (one endpoint) never meets. They are left out of -race builds; the
// multi-process tests in cmd/simnode run the same jobs under -race.

//go:build !race

package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"github.com/homeostat/homeostat/sim"
)

// jobCluster is a set of members in this process: each a Membership on
// one MemNetwork and a Node with protoactor remote on loopback.
type jobCluster struct {
	t       testing.TB
	net     *MemNetwork
	members []*Membership
	nodes   []*Node
	faults  []*FaultTransport
	proxies []*FaultProxy
}

// jobClusterOpts shape a jobCluster.
type jobClusterOpts struct {
	gossip *FaultConfig      // faults on the gossip, seeded per member
	remote *FaultProxyConfig // a fault proxy in front of every remote
	node   func(*NodeConfig)
}

// freePort finds a port on loopback nobody listens on.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func testLogger() *slog.Logger {
	if os.Getenv("HOMEOSTAT_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr,
			&slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func newJobCluster(t testing.TB, n int, o jobClusterOpts) *jobCluster {
	t.Helper()
	jc := &jobCluster{t: t, net: &MemNetwork{}}
	t.Cleanup(jc.stop)
	for i := range n {
		jc.add(i, o)
	}
	jc.waitMembers(n)
	return jc
}

// add starts member i and joins it to member 0.
func (jc *jobCluster) add(i int, o jobClusterOpts) {
	t := jc.t
	name := fmt.Sprintf("m%d", i)
	bind := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	advertise := bind
	if o.remote != nil {
		fc := *o.remote
		fc.Seed += uint64(i)
		p, err := NewFaultProxy("127.0.0.1:0", bind, fc)
		if err != nil {
			t.Fatal(err)
		}
		jc.proxies = append(jc.proxies, p)
		advertise = p.Addr()
	}
	cfg := LocalConfig(name)
	cfg.API, cfg.Remote, cfg.Logger = "127.0.0.1:1", advertise, testLogger()
	var tr memberlist.Transport = jc.net.NewTransport(name)
	if o.gossip != nil {
		fc := *o.gossip
		fc.Seed += uint64(i)
		ft, err := NewFaultTransport(tr, fc)
		if err != nil {
			t.Fatal(err)
		}
		jc.faults = append(jc.faults, ft)
		tr = ft
	}
	cfg.Transport = tr
	m, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	jc.members = append(jc.members, m)
	nc := NodeConfig{Name: name, Members: m, Bind: bind, Advertise: advertise,
		Logger: testLogger()}
	if o.node != nil {
		o.node(&nc)
	}
	node, err := StartNode(nc)
	if err != nil {
		t.Fatal(err)
	}
	jc.nodes = append(jc.nodes, node)
	if i > 0 {
		if _, err := m.Join([]string{jc.members[0].Local().Gossip}); err != nil {
			t.Fatal(err)
		}
	}
}

// waitMembers waits until every live member sees n members.
func (jc *jobCluster) waitMembers(n int) {
	jc.t.Helper()
	waitFor(jc.t, 20*time.Second, fmt.Sprintf("%d members", n), func() bool {
		for _, m := range jc.members {
			if m != nil && len(m.Members()) != n {
				return false
			}
		}
		return true
	})
}

func (jc *jobCluster) stop() {
	for i, node := range jc.nodes {
		if node != nil {
			node.Stop()
		}
		if jc.members[i] != nil {
			_ = jc.members[i].Shutdown()
		}
	}
	for _, p := range jc.proxies {
		p.Close()
	}
}

// directDigest is the digest `simctl run` gives for the model and
// options in one process.
func directDigest(t testing.TB, m *pb.Model, o RunOptions) string {
	t.Helper()
	g, err := model.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	w, err := core.NewWorld(g)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlan(g, o)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := sim.Run(context.Background(), sim.Direct{}, w, p.opt)
	if err != nil {
		t.Fatal(err)
	}
	return sim.Summarize(w, "direct", p.opt.Seed, runs).Digest
}

// runJob runs a job on node i and decodes its result.
func (jc *jobCluster) runJob(i int, id string, m *pb.Model, data []byte,
	o RunOptions) (*Outcome, error) {
	job := &Job{ID: id, Name: "model.pb", Model: m, Data: data, Options: o}
	out, err := jc.nodes[i].Run(context.Background(), job, func(Progress) {})
	if err != nil {
		return nil, err
	}
	return DecodeResult(out)
}

func TestJobMatchesDirect(t *testing.T) {
	m, data := layeredModel(t, 3000, 2)
	opts := RunOptions{Seed: 11, Duration: "3h", Runs: 2, Record: true}
	want := directDigest(t, m, opts)
	for _, n := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("%d members", n), func(t *testing.T) {
			jc := newJobCluster(t, n, jobClusterOpts{})
			o, err := jc.runJob(n-1, "job-1", m, data, opts)
			if err != nil {
				t.Fatal(err)
			}
			if o.Summary.Digest != want {
				t.Errorf("digest %s, want %s (one process)", o.Summary.Digest, want)
			}
			if len(o.Members) != n || len(o.Runs) != 2 {
				t.Errorf("ran on %v with %d runs, want %d members and 2 runs",
					o.Members, len(o.Runs), n)
			}
			if n > 1 && o.CrossMessages == 0 {
				t.Errorf("no message crossed members")
			}
			checkStats(t, jc, n)
			t.Logf("members %v vertices %v cut %d/%d cross messages %d bytes %d",
				o.Members, o.Vertices, o.CutEdges, o.Edges, o.CrossMessages,
				o.CrossBytes)
		})
	}
}

// checkStats checks what /metrics would show after a job: the
// coordinator counted ticks and events, and with several members
// messages went out and came in; a few sent in the last ticks, for
// ticks past the end, may never be taken in.
func checkStats(t *testing.T, jc *jobCluster, n int) {
	t.Helper()
	coord := jc.nodes[n-1].SimStats()
	if coord.Ticks == 0 || coord.Events == 0 || len(coord.Queues) != 2 {
		t.Errorf("coordinator's stats %+v", coord)
	}
	var in, out uint64
	for _, node := range jc.nodes {
		s := node.SimStats()
		in, out = in+s.MessagesIn, out+s.MessagesOut
	}
	if in > out || (n > 1) != (in > 0) {
		t.Errorf("%d messages out, %d in, on %d members", out, in, n)
	}
}

// running is a job started in the background.
type running struct {
	ticks chan int64 // progress, the tick reached
	done  chan error
	out   []byte
}

// startJob starts a job on node i and returns at once.
func (jc *jobCluster) startJob(ctx context.Context, i int, id string, m *pb.Model,
	data []byte, o RunOptions) *running {
	r := &running{ticks: make(chan int64, 1), done: make(chan error, 1)}
	job := &Job{ID: id, Name: "model.pb", Model: m, Data: data, Options: o}
	go func() {
		out, err := jc.nodes[i].Run(ctx, job, func(p Progress) {
			select {
			case r.ticks <- p.Tick:
			default:
			}
		})
		r.out = out
		r.done <- err
	}()
	return r
}

// waitTicks waits until the job reports progress past tick 0.
func (r *running) waitTicks(t *testing.T) {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case tick := <-r.ticks:
			if tick > 0 {
				return
			}
		case err := <-r.done:
			t.Fatalf("job ended before the fault: %v", err)
		case <-deadline:
			t.Fatal("no progress within a minute")
		}
	}
}

// wait returns the job's error.
func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		return err
	case <-time.After(2 * time.Minute):
		t.Fatal("the job did not end within two minutes")
	}
	return nil
}

// kill stops member i as if its process died: no graceful leave.
func (jc *jobCluster) kill(i int) {
	jc.nodes[i].Stop()
	_ = jc.members[i].Shutdown()
	jc.nodes[i], jc.members[i] = nil, nil
}

// TestMemberLostEndsJob: a member that dies, is cut off from the gossip,
// or whose remote link goes silent ends the job with an error naming it
// and the tick; the members left then run the next job to the right
// digest.
func TestMemberLostEndsJob(t *testing.T) {
	m, data := layeredModel(t, 3000, 2)
	long := RunOptions{Seed: 3, Duration: "30d"}
	short := RunOptions{Seed: 4, Duration: "1h"}
	want := directDigest(t, m, short)
	cases := []struct {
		name  string
		opts  jobClusterOpts
		fault func(jc *jobCluster)
		want  string
		after int // members the next job runs on
	}{
		{"dies", jobClusterOpts{}, func(jc *jobCluster) { jc.kill(1) }, "m1", 2},
		{"partitioned", jobClusterOpts{gossip: &FaultConfig{}}, func(jc *jobCluster) {
			jc.faults[1].Cut("m0", "m2")
			jc.faults[0].Cut("m1")
			jc.faults[2].Cut("m1")
		}, "m1", 2},
		{"silent", jobClusterOpts{remote: &FaultProxyConfig{},
			node: func(c *NodeConfig) { c.TickTimeout = 2 * time.Second }},
			func(jc *jobCluster) { jc.proxies[2].Pause() }, "m2", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			jc := newJobCluster(t, 3, c.opts)
			r := jc.startJob(context.Background(), 0, "long", m, data, long)
			r.waitTicks(t)
			c.fault(jc)
			err := r.wait(t)
			if !errors.Is(err, ErrMemberLost) || !strings.Contains(err.Error(), c.want) ||
				!strings.Contains(err.Error(), "tick ") {
				t.Fatalf("got %v, want a lost member %s and its tick", err, c.want)
			}
			t.Logf("failed as expected: %v", err)
			if c.name == "silent" {
				jc.proxies[2].Resume()
			}
			waitFor(t, 20*time.Second, "the survivors", func() bool {
				return len(jc.members[0].Members()) == c.after
			})
			o, err := jc.runJob(0, "next", m, data, short)
			if err != nil {
				t.Fatalf("next job: %v", err)
			}
			if o.Summary.Digest != want || len(o.Members) != c.after {
				t.Errorf("next job: digest %s on %v, want %s on %d members",
					o.Summary.Digest, o.Members, want, c.after)
			}
		})
	}
}

// TestNetworkFaultsKeepDigest: delay and loss on the gossip, and
// delays, stalls and writes cut into pieces on every remote link, change
// the timing of a job but not its digest.
func TestNetworkFaultsKeepDigest(t *testing.T) {
	m, data := layeredModel(t, 3000, 2)
	opts := RunOptions{Seed: 9, Duration: "30m", Runs: 2}
	want := directDigest(t, m, opts)
	jc := newJobCluster(t, 3, jobClusterOpts{
		gossip: &FaultConfig{Seed: 1, Loss: 0.02, MinDelay: time.Millisecond,
			MaxDelay: 5 * time.Millisecond},
		remote: &FaultProxyConfig{Seed: 1, MaxPiece: 700, MaxDelay: 200 * time.Microsecond,
			StallChance: 0.002, Stall: 20 * time.Millisecond},
	})
	o, err := jc.runJob(1, "faulty", m, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	if o.Summary.Digest != want {
		t.Errorf("digest %s under faults, want %s", o.Summary.Digest, want)
	}
	var st FaultProxyStats
	for _, p := range jc.proxies {
		s := p.Stats()
		st.Pieces, st.Stalls, st.Bytes = st.Pieces+s.Pieces, st.Stalls+s.Stalls,
			st.Bytes+s.Bytes
	}
	var ft FaultStats
	for _, f := range jc.faults {
		s := f.Stats()
		ft.Packets, ft.PacketsDropped = ft.Packets+s.Packets, ft.PacketsDropped+s.PacketsDropped
	}
	if st.Stalls == 0 || st.Pieces <= jc.proxies[0].Stats().Conns {
		t.Errorf("the proxies disturbed nothing: %+v", st)
	}
	t.Logf("remote: %d bytes in %d pieces, %d stalls; gossip: %d of %d packets dropped",
		st.Bytes, st.Pieces, st.Stalls, ft.PacketsDropped, ft.Packets)
}

// TestJoinMidJobWaits: a member that joins while a job runs takes no
// part in it, and takes part in the next.
func TestJoinMidJobWaits(t *testing.T) {
	m, data := layeredModel(t, 3000, 2)
	opts := RunOptions{Seed: 5, Duration: "2h"}
	want := directDigest(t, m, opts)
	jc := newJobCluster(t, 2, jobClusterOpts{})
	r := jc.startJob(context.Background(), 0, "first", m, data, opts)
	r.waitTicks(t)
	jc.add(2, jobClusterOpts{})
	if err := r.wait(t); err != nil {
		t.Fatal(err)
	}
	first, err := DecodeResult(r.out)
	if err != nil {
		t.Fatal(err)
	}
	jc.waitMembers(3)
	second, err := jc.runJob(0, "second", m, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		o       *Outcome
		members int
	}{{first, 2}, {second, 3}} {
		if c.o.Summary.Digest != want || len(c.o.Members) != c.members {
			t.Errorf("digest %s on %v, want %s on %d members", c.o.Summary.Digest,
				c.o.Members, want, c.members)
		}
	}
}

// TestCancelStopsJob: a canceled job returns the cancel's cause and
// leaves the members ready for the next.
func TestCancelStopsJob(t *testing.T) {
	m, data := layeredModel(t, 3000, 2)
	jc := newJobCluster(t, 2, jobClusterOpts{})
	ctx, cancel := context.WithCancelCause(context.Background())
	r := jc.startJob(ctx, 1, "doomed", m, data, RunOptions{Seed: 1, Duration: "30d"})
	r.waitTicks(t)
	stop := errors.New("stop it")
	cancel(stop)
	if err := r.wait(t); !errors.Is(err, stop) {
		t.Fatalf("canceled job: %v, want %v", err, stop)
	}
	opts := RunOptions{Seed: 2, Duration: "1h"}
	o, err := jc.runJob(1, "after", m, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := directDigest(t, m, opts); o.Summary.Digest != want {
		t.Errorf("digest %s after a cancel, want %s", o.Summary.Digest, want)
	}
}
