package cluster

import (
	"errors"
	"net"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/memberlist"
)

// recorder is a plain memberlist.Transport that records what is sent
// through it, in the order it arrives.
type recorder struct {
	mu    sync.Mutex
	seqs  []int       // first two bytes of each packet, little-endian
	times []time.Time // arrival of each packet
	dials int
}

func (r *recorder) FinalAdvertiseAddr(string, int) (net.IP, int, error) {
	return net.IPv4(127, 0, 0, 1), 1, nil
}

func (r *recorder) WriteTo(b []byte, _ string) (time.Time, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seqs = append(r.seqs, int(b[0])|int(b[1])<<8)
	r.times = append(r.times, time.Now())
	return time.Now(), nil
}

func (r *recorder) PacketCh() <-chan *memberlist.Packet { return nil }
func (r *recorder) StreamCh() <-chan net.Conn           { return nil }
func (r *recorder) Shutdown() error                     { return nil }

func (r *recorder) DialTimeout(string, time.Duration) (net.Conn, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dials++
	a, b := net.Pipe()
	b.Close()
	return a, nil
}

func (r *recorder) arrived() ([]int, []time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seqs), slices.Clone(r.times)
}

// sendNumbered sends n packets numbered 0..n-1 through t.
func sendNumbered(t *testing.T, ft *FaultTransport, n int) {
	t.Helper()
	for i := range n {
		if _, err := ft.WriteTo([]byte{byte(i), byte(i >> 8)}, "x:1"); err != nil {
			t.Fatal(err)
		}
	}
}

func newFaulty(t *testing.T, cfg FaultConfig) (*FaultTransport, *recorder) {
	t.Helper()
	rec := &recorder{}
	ft, err := NewFaultTransport(rec, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ft, rec
}

func TestFaultSameSeedSameDrops(t *testing.T) {
	const n = 2000
	delivered := func(seed uint64) ([]int, FaultStats) {
		ft, rec := newFaulty(t, FaultConfig{Seed: seed, Loss: 0.3})
		sendNumbered(t, ft, n)
		got, _ := rec.arrived()
		return got, ft.Stats()
	}
	a, stats := delivered(7)
	b, _ := delivered(7)
	c, _ := delivered(8)
	if !slices.Equal(a, b) {
		t.Error("the same seed dropped different packets")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds dropped the same packets")
	}
	frac := float64(stats.PacketsDropped) / float64(stats.Packets)
	if stats.Packets != n || frac < 0.26 || frac > 0.34 {
		t.Errorf("dropped %d of %d (%.3f), want about 0.3",
			stats.PacketsDropped, stats.Packets, frac)
	}
	if len(a)+stats.PacketsDropped != n {
		t.Errorf("%d delivered + %d dropped != %d", len(a),
			stats.PacketsDropped, n)
	}
}

func TestFaultDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const minD, maxD = 10 * time.Millisecond, 50 * time.Millisecond
		ft, rec := newFaulty(t, FaultConfig{Seed: 1, MinDelay: minD,
			MaxDelay: maxD})
		start := time.Now()
		sendNumbered(t, ft, 100)
		synctest.Wait()
		if got, _ := rec.arrived(); len(got) != 0 {
			t.Fatalf("%d packets arrived with no time passing", len(got))
		}
		waitFor(t, time.Second, "all packets", func() bool {
			got, _ := rec.arrived()
			return len(got) == 100
		})
		seqs, times := rec.arrived()
		for i, at := range times {
			if d := at.Sub(start); d < minD || d > maxD {
				t.Errorf("packet %d took %v, outside [%v, %v]", seqs[i], d,
					minD, maxD)
			}
		}
		if slices.IsSorted(seqs) {
			t.Error("delays of up to 40ms reordered no packet")
		}
	})
}

func TestFaultShutdownDiscardsDelayed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft, rec := newFaulty(t, FaultConfig{Seed: 1, MinDelay: time.Second,
			MaxDelay: time.Second})
		sendNumbered(t, ft, 10)
		if err := ft.Shutdown(); err != nil {
			t.Fatal(err)
		}
		<-time.After(2 * time.Second) // past every delay, on the bubble's clock
		if got, _ := rec.arrived(); len(got) != 0 {
			t.Errorf("%d delayed packets delivered after shutdown", len(got))
		}
	})
}

func TestFaultStreams(t *testing.T) {
	tests := []struct {
		name      string
		cfg       FaultConfig
		timeout   time.Duration
		wantErr   error
		wantDials int
	}{
		{"clean", FaultConfig{}, time.Second, nil, 1},
		{"always refused", FaultConfig{StreamLoss: 1}, time.Second,
			ErrInjected, 0},
		{"delayed within timeout", FaultConfig{MinDelay: 100 * time.Millisecond,
			MaxDelay: 100 * time.Millisecond}, time.Second, nil, 1},
		{"delayed past timeout", FaultConfig{MinDelay: 2 * time.Second,
			MaxDelay: 2 * time.Second}, time.Second, ErrInjected, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ft, rec := newFaulty(t, tt.cfg)
				start := time.Now()
				conn, err := ft.DialTimeout("x:1", tt.timeout)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("dial error %v, want %v", err, tt.wantErr)
				}
				if conn != nil {
					conn.Close()
				}
				if rec.dials != tt.wantDials {
					t.Errorf("%d dials reached the network, want %d",
						rec.dials, tt.wantDials)
				}
				if took := time.Since(start); took < min(tt.cfg.MinDelay,
					tt.timeout) {
					t.Errorf("dial returned after %v, before its delay", took)
				}
			})
		})
	}
}

func TestFaultCutAndHeal(t *testing.T) {
	ft, rec := newFaulty(t, FaultConfig{})
	ft.Cut("x:1", "m2")
	sendNumbered(t, ft, 3)
	_, _ = ft.WriteToAddress([]byte{9, 0}, memberlist.Address{Addr: "y:2",
		Name: "m2"})
	if _, err := ft.DialTimeout("x:1", time.Second); !errors.Is(err, ErrInjected) {
		t.Errorf("dial across a cut: %v, want ErrInjected", err)
	}
	if got, _ := rec.arrived(); len(got) != 0 {
		t.Fatalf("%d packets crossed the cut", len(got))
	}
	ft.Heal()
	sendNumbered(t, ft, 3)
	if got, _ := rec.arrived(); len(got) != 3 {
		t.Errorf("%d packets after heal, want 3", len(got))
	}
}

func TestFaultConfigValidate(t *testing.T) {
	bad := []FaultConfig{
		{Loss: -0.1}, {Loss: 1.5}, {StreamLoss: 2},
		{MinDelay: -1}, {MinDelay: 2, MaxDelay: 1},
	}
	for _, c := range bad {
		if _, err := NewFaultTransport(&recorder{}, c); !errors.Is(err, ErrConfig) {
			t.Errorf("NewFaultTransport(%+v) error %v, want ErrConfig", c, err)
		}
	}
}

// lossy is the network of the convergence tests: a fifth of the packets
// and of the stream dials lost, and everything delayed by up to 30ms.
var lossy = FaultConfig{Seed: 42, Loss: 0.2, StreamLoss: 0.2,
	MinDelay: time.Millisecond, MaxDelay: 30 * time.Millisecond}

// joinAll joins every member to m0, retrying refused dials as simnode's
// join loop does.
func joinAll(t *testing.T, tc *testCluster) {
	t.Helper()
	seed := []string{tc.members[0].Local().Gossip}
	for _, m := range tc.members[1:] {
		waitFor(t, 10*time.Second, "a join", func() bool {
			_, err := m.Join(seed)
			return err == nil
		})
	}
}

func TestConvergeUnderLossAndDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := lossy
		tc := newTestCluster(t, 3, clusterOpts{fault: &f, noJoin: true})
		start := time.Now()
		joinAll(t, tc)
		waitFor(t, 30*time.Second, "convergence", func() bool {
			return sees(tc.members, memberNames(3))
		})
		checkSameSnapshots(t, tc.members)
		t.Logf("converged after %v of simulated time", time.Since(start))

		left := time.Now()
		if err := tc.members[2].Stop(time.Second); err != nil {
			t.Logf("leave under loss: %v", err) // the others still notice
		}
		waitFor(t, 30*time.Second, "the departure", func() bool {
			return sees(tc.members[:2], []string{"m0", "m1"})
		})
		t.Logf("departure seen after %v", time.Since(left))
		dropped := 0
		for _, ft := range tc.faults {
			dropped += ft.Stats().PacketsDropped
		}
		if dropped == 0 {
			t.Error("no packet was dropped; the faults did not apply")
		}
	})
}

func TestPartitionSplitsMembership(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tc := newTestCluster(t, 3, clusterOpts{fault: &FaultConfig{}})
		waitFor(t, 10*time.Second, "convergence", func() bool {
			return sees(tc.members, memberNames(3))
		})
		tc.faults[0].Cut("m2", tc.members[2].Local().Gossip)
		tc.faults[1].Cut("m2", tc.members[2].Local().Gossip)
		tc.faults[2].Cut("m0", "m1", tc.members[0].Local().Gossip,
			tc.members[1].Local().Gossip)
		waitFor(t, 30*time.Second, "the split", func() bool {
			return sees(tc.members[:2], []string{"m0", "m1"}) &&
				sees(tc.members[2:], []string{"m2"})
		})
	})
}
