package cluster

import (
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/memberlist"
	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/gen"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// waitFor polls cond until it holds or timeout passes. Inside a
// testing/synctest bubble the ticker and the deadline run on the
// bubble's clock, so the wait costs no real time.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, timeout)
		}
		<-tick.C
	}
}

// testCluster is a set of members on one MemNetwork.
type testCluster struct {
	t       *testing.T
	net     *MemNetwork
	members []*Membership
	faults  []*FaultTransport
}

// clusterOpts shape the members of a test cluster.
type clusterOpts struct {
	fault  *FaultConfig // wraps every transport when set (seed + i)
	config func(i int, c *Config)
	noJoin bool // leave the joining to the test
}

// newTestCluster starts n members named m0, m1, ... on an in-memory
// network, each joined to m0, and shuts them down when the test ends. It
// must run inside a testing/synctest bubble.
func newTestCluster(t *testing.T, n int, o clusterOpts) *testCluster {
	t.Helper()
	tc := &testCluster{t: t, net: &MemNetwork{}}
	for i := range n {
		tc.start(i, o)
	}
	t.Cleanup(tc.shutdown)
	if o.noJoin {
		return tc
	}
	for _, m := range tc.members[1:] {
		if _, err := m.Join([]string{tc.members[0].Local().Gossip}); err != nil {
			t.Fatalf("join: %v", err)
		}
	}
	return tc
}

func (tc *testCluster) start(i int, o clusterOpts) {
	tc.t.Helper()
	name := fmt.Sprintf("m%d", i)
	cfg := LocalConfig(name)
	cfg.API = fmt.Sprintf("127.0.0.1:%d", 20000+i)
	cfg.Remote = fmt.Sprintf("127.0.0.1:%d", 30000+i)
	var tr memberlist.Transport = tc.net.NewTransport(name)
	if o.fault != nil {
		fc := *o.fault
		fc.Seed += uint64(i)
		ft, err := NewFaultTransport(tr, fc)
		if err != nil {
			tc.t.Fatal(err)
		}
		tc.faults = append(tc.faults, ft)
		tr = ft
	}
	cfg.Transport = tr
	if o.config != nil {
		o.config(i, &cfg)
	}
	m, err := Start(cfg)
	if err != nil {
		tc.t.Fatalf("start %s: %v", name, err)
	}
	tc.members = append(tc.members, m)
}

// shutdown stops every member, then lets the bubble's clock run past
// memberlist's longest timeout: a probe or stream under way when a
// member shuts down returns only when its timer fires, and the bubble
// must end with no goroutine left.
func (tc *testCluster) shutdown() {
	for _, m := range tc.members {
		if err := m.Shutdown(); err != nil {
			tc.t.Errorf("shutdown: %v", err)
		}
	}
	<-time.After(10 * time.Second)
	synctest.Wait()
}

// names returns the names of the members m sees.
func names(m *Membership) []string {
	var out []string
	for _, mb := range m.Members() {
		out = append(out, mb.Name)
	}
	return out
}

// sees reports whether each of ms lists exactly want.
func sees(ms []*Membership, want []string) bool {
	for _, m := range ms {
		if !slices.Equal(names(m), want) {
			return false
		}
	}
	return true
}

func memberNames(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("m%d", i))
	}
	return out
}

// layeredModel generates a layered model with supervisors, VM hosts and
// partitions of the control plane, and returns it with its .pb bytes.
func layeredModel(t testing.TB, n int, partitions int) (*pb.Model, []byte) {
	t.Helper()
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: n, Seed: 5,
		Partitions: partitions})
	if err != nil {
		t.Fatal(err)
	}
	data, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return m, data
}
