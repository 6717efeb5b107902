package cluster

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// FaultProxyConfig says how a [FaultProxy] disturbs what it forwards.
// The zero value forwards everything at once.
type FaultProxyConfig struct {
	// Seed fixes the sequence of sizes and delays drawn.
	Seed uint64
	// MaxPiece cuts what is read into writes of 1 to MaxPiece bytes, so
	// the receiver sees gRPC frames arrive in pieces; 0 keeps reads whole.
	MaxPiece int
	// MinDelay and MaxDelay bound the delay, drawn uniformly, before each
	// piece is written.
	MinDelay, MaxDelay time.Duration
	// StallChance is the probability that a piece is held back for Stall
	// on top of its delay. A TCP stream cannot lose bytes without
	// breaking the connection; a lost segment shows up on a stream as a
	// stall until it is sent again, which is what this emulates.
	StallChance float64
	Stall       time.Duration
}

// Validate reports a probability outside [0, 1] or a bad range.
func (c FaultProxyConfig) Validate() error {
	if c.StallChance < 0 || c.StallChance > 1 || c.MaxPiece < 0 || c.Stall < 0 {
		return fmt.Errorf("%w: stall chance %v, stall %v, piece %d", ErrConfig,
			c.StallChance, c.Stall, c.MaxPiece)
	}
	if c.MinDelay < 0 || c.MaxDelay < c.MinDelay {
		return fmt.Errorf("%w: delay range [%v, %v]", ErrConfig, c.MinDelay,
			c.MaxDelay)
	}
	return nil
}

// FaultProxyStats counts what a FaultProxy did.
type FaultProxyStats struct {
	Conns, Pieces, Stalls int
	Bytes                 int64
}

// FaultProxy is a TCP proxy that forwards connections to a target with
// seeded delays, stalls and writes cut into pieces, in both directions,
// keeping the order of the bytes. Put in front of a member's protoactor
// remote endpoint (and advertised in its place), it disturbs the timing
// of every message that member receives, as netem would on a kernel that
// had it. Reset breaks the open connections, as a network fault would.
type FaultProxy struct {
	ln     net.Listener
	target string
	cfg    FaultProxyConfig

	mu     sync.Mutex
	rng    *rand.Rand
	conns  map[net.Conn]struct{}
	stats  FaultProxyStats
	closed bool
	paused chan struct{} // closed on Resume; nil while forwarding
	wg     sync.WaitGroup
}

// NewFaultProxy listens on listen (HOST:PORT, port 0 picks one) and
// forwards every connection to target.
func NewFaultProxy(listen, target string, cfg FaultProxyConfig) (*FaultProxy, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("cluster: fault proxy: %w", err)
	}
	p := &FaultProxy{ln: ln, target: target, cfg: cfg,
		rng:   rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5bd1e995)),
		conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is HOST:PORT where the proxy listens.
func (p *FaultProxy) Addr() string { return p.ln.Addr().String() }

// Stats returns what the proxy has done so far.
func (p *FaultProxy) Stats() FaultProxyStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// Reset closes every open connection; new ones are accepted.
func (p *FaultProxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
	}
}

// Pause holds back every byte until Resume, as a link that goes silent
// without breaking would: the connections stay open.
func (p *FaultProxy) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused == nil {
		p.paused = make(chan struct{})
	}
}

// Resume lets the held bytes through.
func (p *FaultProxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused != nil {
		close(p.paused)
		p.paused = nil
	}
}

// Close stops listening, closes every connection and waits for the
// proxy's goroutines.
func (p *FaultProxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.Resume()
	_ = p.ln.Close()
	p.Reset()
	p.wg.Wait()
}

func (p *FaultProxy) accept() {
	defer p.wg.Done()
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = in.Close()
			continue
		}
		if !p.track(in, out) {
			return
		}
		p.wg.Add(2)
		go p.pump(in, out)
		go p.pump(out, in)
	}
}

// track remembers a pair of connections; false once the proxy is closed.
func (p *FaultProxy) track(in, out net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_, _ = in.Close(), out.Close()
		return false
	}
	p.conns[in], p.conns[out] = struct{}{}, struct{}{}
	p.stats.Conns++
	return true
}

// pump copies src to dst piece by piece; when either end fails it
// closes both, so the other direction ends too.
func (p *FaultProxy) pump(src, dst net.Conn) {
	defer p.wg.Done()
	defer p.forget(src, dst)
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.forward(dst, buf[:n]) {
			return
		}
		if err != nil {
			return
		}
	}
}

// forward writes b in pieces, each after its delay.
func (p *FaultProxy) forward(dst net.Conn, b []byte) bool {
	for len(b) > 0 {
		size, wait, paused := p.draw(len(b))
		if paused != nil {
			<-paused
		}
		if wait > 0 {
			time.Sleep(wait)
		}
		if _, err := dst.Write(b[:size]); err != nil {
			return false
		}
		b = b[size:]
	}
	return true
}

// draw picks the size of the next piece of at most left bytes and its
// delay, and returns the channel to wait on while the proxy is paused.
func (p *FaultProxy) draw(left int) (int, time.Duration, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	size := left
	if p.cfg.MaxPiece > 0 {
		size = min(left, 1+p.rng.IntN(p.cfg.MaxPiece))
	}
	wait := p.cfg.MinDelay
	if span := p.cfg.MaxDelay - p.cfg.MinDelay; span > 0 {
		wait += time.Duration(p.rng.Int64N(int64(span) + 1))
	}
	if p.cfg.StallChance > 0 && p.rng.Float64() < p.cfg.StallChance {
		wait += p.cfg.Stall
		p.stats.Stalls++
	}
	p.stats.Pieces++
	p.stats.Bytes += int64(size)
	return size, wait, p.paused
}

func (p *FaultProxy) forget(a, b net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range []net.Conn{a, b} {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) &&
			!errors.Is(err, io.EOF) {
			continue
		}
		delete(p.conns, c)
	}
}
