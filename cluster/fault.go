package cluster

import (
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// FaultConfig says which faults a [FaultTransport] injects. The zero
// value injects none.
type FaultConfig struct {
	// Seed fixes the sequence of fault decisions: two transports with the
	// same seed that are asked the same questions drop and delay alike.
	Seed uint64

	// Loss is the probability, in [0, 1], that an outgoing packet is
	// dropped. StreamLoss is the probability that a stream dial fails.
	Loss       float64
	StreamLoss float64

	// MinDelay and MaxDelay bound the delay, drawn uniformly, of every
	// packet that is not dropped and of every stream dial. Delayed
	// packets may overtake each other, as on a real network.
	MinDelay time.Duration
	MaxDelay time.Duration
}

// Validate reports a probability outside [0, 1] or a bad delay range.
func (c FaultConfig) Validate() error {
	if c.Loss < 0 || c.Loss > 1 || c.StreamLoss < 0 || c.StreamLoss > 1 {
		return fmt.Errorf("%w: loss %v / stream loss %v outside [0, 1]",
			ErrConfig, c.Loss, c.StreamLoss)
	}
	if c.MinDelay < 0 || c.MaxDelay < c.MinDelay {
		return fmt.Errorf("%w: delay range [%v, %v]",
			ErrConfig, c.MinDelay, c.MaxDelay)
	}
	return nil
}

// fault is one decision of a FaultTransport about a packet or a dial.
type fault struct {
	Drop  bool
	Delay time.Duration
}

// FaultStats counts what a FaultTransport did.
type FaultStats struct {
	Packets, PacketsDropped, PacketsDelayed int
	Dials, DialsRefused                     int
}

// FaultTransport wraps a memberlist transport and injects seeded loss and
// delay on what it sends, and cuts it off from chosen peers on demand
// (a partition). Wrap each member's transport to fault every link. It
// exists for tests: network faults must change the timing of a cluster,
// never its results.
type FaultTransport struct {
	inner memberlist.NodeAwareTransport
	cfg   FaultConfig

	mu    sync.Mutex
	rng   *rand.Rand
	cut   map[string]bool // peers by name or HOST:PORT
	stats FaultStats

	done chan struct{}
	once sync.Once
}

var _ memberlist.NodeAwareTransport = (*FaultTransport)(nil)

// NewFaultTransport wraps inner, which it shuts down with itself.
func NewFaultTransport(
	inner memberlist.Transport, cfg FaultConfig,
) (*FaultTransport, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	na, ok := inner.(memberlist.NodeAwareTransport)
	if !ok {
		na = nodeAware{inner}
	}
	return &FaultTransport{
		inner: na,
		cfg:   cfg,
		rng:   rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		cut:   make(map[string]bool),
		done:  make(chan struct{}),
	}, nil
}

// Cut drops every packet to the given peers and refuses dials to them,
// until Heal. Peers are named by member name or gossip HOST:PORT.
func (t *FaultTransport) Cut(peers ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, p := range peers {
		t.cut[p] = true
	}
}

// Heal ends every Cut.
func (t *FaultTransport) Heal() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.cut)
}

// Stats returns the counts so far.
func (t *FaultTransport) Stats() FaultStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stats
}

// decide draws the fate of one packet (or dial, when stream is set). It
// always draws twice, so one decision never shifts the next.
func (t *FaultTransport) decide(stream bool) fault {
	t.mu.Lock()
	defer t.mu.Unlock()
	loss := t.cfg.Loss
	if stream {
		loss = t.cfg.StreamLoss
	}
	u, v := t.rng.Float64(), t.rng.Float64()
	span := t.cfg.MaxDelay - t.cfg.MinDelay
	return fault{
		Drop:  u < loss,
		Delay: t.cfg.MinDelay + time.Duration(v*float64(span)),
	}
}

// isCut reports whether a is a peer this transport is cut off from.
func (t *FaultTransport) isCut(a memberlist.Address) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cut[a.Addr] || (a.Name != "" && t.cut[a.Name])
}

func (t *FaultTransport) count(f func(s *FaultStats)) {
	t.mu.Lock()
	f(&t.stats)
	t.mu.Unlock()
}

// FinalAdvertiseAddr asks the wrapped transport.
func (t *FaultTransport) FinalAdvertiseAddr(
	ip string, port int,
) (net.IP, int, error) {
	return t.inner.FinalAdvertiseAddr(ip, port)
}

// WriteTo sends a packet to HOST:PORT, subject to the faults.
func (t *FaultTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	return t.WriteToAddress(b, memberlist.Address{Addr: addr})
}

// WriteToAddress sends a packet, subject to the faults: it may be
// dropped, or handed to the wrapped transport after a delay.
func (t *FaultTransport) WriteToAddress(
	b []byte, a memberlist.Address,
) (time.Time, error) {
	now := time.Now()
	f := t.decide(false)
	if f.Drop || t.isCut(a) {
		t.count(func(s *FaultStats) { s.Packets++; s.PacketsDropped++ })
		return now, nil
	}

	if f.Delay <= 0 {
		t.count(func(s *FaultStats) { s.Packets++ })
		return t.inner.WriteToAddress(b, a)
	}
	t.count(func(s *FaultStats) { s.Packets++; s.PacketsDelayed++ })
	buf := append([]byte(nil), b...)
	time.AfterFunc(f.Delay, func() { t.deliver(buf, a) })
	return now, nil
}

// deliver hands a delayed packet on unless the transport was shut down
// meanwhile. A failure is the loss of a packet, which memberlist
// tolerates, so it is not reported.
func (t *FaultTransport) deliver(b []byte, a memberlist.Address) {
	select {
	case <-t.done:
	default:
		_, _ = t.inner.WriteToAddress(b, a)
	}
}

// PacketCh delivers the packets of the wrapped transport.
func (t *FaultTransport) PacketCh() <-chan *memberlist.Packet {
	return t.inner.PacketCh()
}

// DialTimeout opens a stream to HOST:PORT, subject to the faults.
func (t *FaultTransport) DialTimeout(
	addr string, timeout time.Duration,
) (net.Conn, error) {
	return t.DialAddressTimeout(memberlist.Address{Addr: addr}, timeout)
}

// DialAddressTimeout opens a stream, subject to the faults: the dial
// waits out its delay (counted against timeout) and may be refused.
func (t *FaultTransport) DialAddressTimeout(
	a memberlist.Address, timeout time.Duration,
) (net.Conn, error) {
	f := t.decide(true)
	t.count(func(s *FaultStats) { s.Dials++ })
	if f.Drop || t.isCut(a) {
		t.count(func(s *FaultStats) { s.DialsRefused++ })
		return nil, fmt.Errorf("dial %s: %w", a.String(), ErrInjected)
	}

	if err := t.wait(min(f.Delay, timeout)); err != nil {
		return nil, err
	}
	if f.Delay >= timeout {
		return nil, fmt.Errorf("dial %s: %w: delayed past %v",
			a.String(), ErrInjected, timeout)
	}
	return t.inner.DialAddressTimeout(a, timeout-f.Delay)
}

// wait blocks for d or until shutdown.
func (t *FaultTransport) wait(d time.Duration) error {
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-t.done:
		return ErrClosed
	}
}

// StreamCh delivers the streams of the wrapped transport.
func (t *FaultTransport) StreamCh() <-chan net.Conn { return t.inner.StreamCh() }

// Shutdown discards packets still delayed and shuts the wrapped
// transport down.
func (t *FaultTransport) Shutdown() error {
	t.once.Do(func() { close(t.done) })
	return t.inner.Shutdown()
}

// nodeAware lifts a plain Transport to a NodeAwareTransport by ignoring
// node names, as memberlist itself does.
type nodeAware struct{ memberlist.Transport }

func (n nodeAware) WriteToAddress(
	b []byte, a memberlist.Address,
) (time.Time, error) {
	return n.WriteTo(b, a.Addr)
}

func (n nodeAware) DialAddressTimeout(
	a memberlist.Address, timeout time.Duration,
) (net.Conn, error) {
	return n.DialTimeout(a.Addr, timeout)
}
