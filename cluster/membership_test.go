package cluster

import (
	"bytes"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/memberlist"
)

func TestMembersConverge(t *testing.T) {
	for _, n := range []int{3, 5} {
		t.Run(strings.Repeat("m", n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tc := newTestCluster(t, n, clusterOpts{})
				waitFor(t, 10*time.Second, "convergence", func() bool {
					return sees(tc.members, memberNames(n))
				})
				checkSameSnapshots(t, tc.members)
			})
		})
	}
}

// checkSameSnapshots checks that every member holds the same sorted
// list, metadata included.
func checkSameSnapshots(t *testing.T, ms []*Membership) {
	t.Helper()
	first := ms[0].Members()
	for _, m := range ms[1:] {
		if got := m.Members(); !slices.Equal(got, first) {
			t.Errorf("snapshots differ:\n%v\n%v", got, first)
		}
	}
	if !slices.IsSortedFunc(first, func(a, b Member) int {
		return strings.Compare(a.Name, b.Name)
	}) {
		t.Errorf("snapshot not sorted by name: %v", first)
	}
}

func TestMembersConvergeOverLoopback(t *testing.T) {
	var ms []*Membership
	for _, name := range []string{"a", "b", "c"} {
		cfg := LocalConfig(name)
		m, err := Start(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Shutdown() })
		ms = append(ms, m)
	}
	for _, m := range ms[1:] {
		if _, err := m.Join([]string{ms[0].Local().Gossip}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 10*time.Second, "convergence", func() bool {
		return sees(ms, []string{"a", "b", "c"})
	})
}

func TestLeaveIsSeen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tc := newTestCluster(t, 3, clusterOpts{})
		waitFor(t, 10*time.Second, "convergence", func() bool {
			return sees(tc.members, memberNames(3))
		})
		_, changed := tc.members[0].Watch()

		if err := tc.members[2].Stop(time.Second); err != nil {
			t.Fatalf("stop: %v", err)
		}
		<-changed // the departure wakes watchers, no polling needed
		waitFor(t, 10*time.Second, "the departure", func() bool {
			return sees(tc.members[:2], []string{"m0", "m1"})
		})
	})
}

func TestFailureIsDetected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tc := newTestCluster(t, 3, clusterOpts{})
		waitFor(t, 10*time.Second, "convergence", func() bool {
			return sees(tc.members, memberNames(3))
		})
		start := time.Now()
		if err := tc.members[1].Shutdown(); err != nil { // no Leave: a crash
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, "failure detection", func() bool {
			return sees([]*Membership{tc.members[0], tc.members[2]},
				[]string{"m0", "m2"})
		})
		t.Logf("crash noticed after %v of simulated time", time.Since(start))
	})
}

func TestMetaTravelsWithGossip(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tc := newTestCluster(t, 3, clusterOpts{})
		waitFor(t, 10*time.Second, "convergence", func() bool {
			return sees(tc.members, memberNames(3))
		})
		got := tc.members[0].Members()[2]
		want := Member{Name: "m2", Gossip: tc.members[2].Local().Gossip,
			API: "127.0.0.1:20002", Remote: "127.0.0.1:30002",
			Protocol: ProtocolVersion}
		if got != want || !got.Compatible() {
			t.Fatalf("m0 sees %+v, want %+v", got, want)
		}

		meta := Meta{Protocol: ProtocolVersion, API: "10.0.0.9:1", Remote: "x:2"}
		if err := tc.members[2].UpdateMeta(meta, time.Second); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 10*time.Second, "the metadata update", func() bool {
			m := tc.members[1].Members()[2]
			return m.API == meta.API && m.Remote == meta.Remote
		})
	})
}

func TestMetaRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		meta    Meta
		wantErr error
	}{
		{"empty", Meta{}, nil},
		{"full", Meta{Protocol: 1, API: "10.1.2.3:7947",
			Remote: "simnode-2.simnode.default.svc:7948"}, nil},
		{"too large", Meta{API: strings.Repeat("h", 600)}, ErrMeta},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.meta.Encode()
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Encode error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			got, err := DecodeMeta(b)
			if err != nil || got != tt.meta {
				t.Fatalf("DecodeMeta = %+v, %v; want %+v", got, err, tt.meta)
			}
		})
	}
	if _, err := DecodeMeta([]byte{0xff, 0xff}); !errors.Is(err, ErrMeta) {
		t.Errorf("DecodeMeta(garbage) error %v, want ErrMeta", err)
	}
}

func TestUnreadableMetaIsListedButIncompatible(t *testing.T) {
	d := newDelegate(nil)
	d.NotifyJoin(&memberlist.Node{Name: "x", Addr: net.IPv4(127, 0, 0, 1),
		Port: 7946, Meta: []byte{0xff, 0xff}})
	ms, _ := d.snapshot()
	if len(ms) != 1 || ms[0].MetaError == "" || ms[0].Compatible() {
		t.Fatalf("snapshot %+v, want x listed with a metadata error", ms)
	}
	if ms[0].Gossip != "127.0.0.1:7946" {
		t.Errorf("gossip address %q", ms[0].Gossip)
	}
	if (Member{Name: "z", Protocol: ProtocolVersion + 1}).Compatible() {
		t.Error("member with another protocol counted compatible")
	}
}

func TestEncryption(t *testing.T) {
	k1 := bytes.Repeat([]byte{1}, 32)
	k2 := bytes.Repeat([]byte{2}, 32)
	tests := []struct {
		name     string
		keys     [2][]byte
		wantJoin bool
	}{
		{"same key", [2][]byte{k1, k1}, true},
		{"other key", [2][]byte{k1, k2}, false},
		{"no key against a key", [2][]byte{k1, nil}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				checkEncryptedJoin(t, tt.keys, tt.wantJoin)
			})
		})
	}
}

func checkEncryptedJoin(t *testing.T, keys [2][]byte, wantJoin bool) {
	tc := newTestCluster(t, 2, clusterOpts{noJoin: true,
		config: func(i int, c *Config) { c.SecretKey = keys[i] }})
	ms := tc.members
	_, err := ms[1].Join([]string{ms[0].Local().Gossip})
	if (err == nil) != wantJoin {
		t.Fatalf("join error %v, want join %v", err, wantJoin)
	}
	if wantJoin {
		waitFor(t, 10*time.Second, "convergence", func() bool {
			return sees(ms, []string{"m0", "m1"})
		})
		return
	}
	if got := names(ms[0]); !slices.Equal(got, []string{"m0"}) {
		t.Errorf("m0 lists %v after a refused join", got)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   error
	}{
		{"local preset", func(*Config) {}, nil},
		{"lan preset", func(c *Config) { *c = LANConfig("x") }, nil},
		{"no name", func(c *Config) { c.Name = "" }, ErrConfig},
		{"short key", func(c *Config) { c.SecretKey = []byte("abc") }, ErrSecret},
		{"long label", func(c *Config) { c.Label = strings.Repeat("l", 300) },
			ErrConfig},
		{"zero probe", func(c *Config) { c.ProbeInterval = 0 }, ErrConfig},
		{"slow probe", func(c *Config) { c.ProbeTimeout = time.Hour }, ErrConfig},
		{"no suspicion", func(c *Config) { c.SuspicionMult = 0 }, ErrConfig},
		{"huge meta", func(c *Config) { c.API = strings.Repeat("a", 600) },
			ErrMeta},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := LocalConfig("x")
			tt.change(&c)
			if err := c.Validate(); !errors.Is(err, tt.want) {
				t.Errorf("Validate() = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestStopAfterShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tc := newTestCluster(t, 1, clusterOpts{})
		m := tc.members[0]
		if err := m.Shutdown(); err != nil {
			t.Fatal(err)
		}
		if err := m.Leave(time.Second); !errors.Is(err, ErrClosed) {
			t.Errorf("Leave after Shutdown = %v, want ErrClosed", err)
		}
		if err := m.Stop(time.Second); err != nil {
			t.Errorf("Stop after Shutdown = %v", err)
		}
	})
}
