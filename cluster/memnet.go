package cluster

import (
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// MemNetwork is an in-memory network for memberlist, for tests: its
// transports reach each other through channels, with no sockets, so a
// whole cluster runs inside one test and under testing/synctest.
//
// It differs from memberlist's own MockNetwork in three ways tests of
// departures need: it may be used from many goroutines, a packet to a
// member that has shut down is lost as it would be on a network instead
// of blocking its sender, and a name can be reused after a shutdown.
// The zero value is ready to use.
type MemNetwork struct {
	mu     sync.Mutex
	byAddr map[string]*MemTransport
	byName map[string]*MemTransport
	port   int
}

// NewTransport returns a transport with a fresh loopback address for
// the member called name, connected to the others of n.
func (n *MemNetwork) NewTransport(name string) *MemTransport {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.byAddr == nil {
		n.byAddr = make(map[string]*MemTransport)
		n.byName = make(map[string]*MemTransport)
	}

	n.port++
	t := &MemTransport{
		net:     n,
		name:    name,
		port:    10000 + n.port,
		packets: make(chan *memberlist.Packet, 1024),
		streams: make(chan net.Conn),
		done:    make(chan struct{}),
	}
	n.byAddr[t.Addr()] = t
	n.byName[name] = t
	return t
}

// peer finds the transport a is meant for, by name when it has one.
func (n *MemNetwork) peer(a memberlist.Address) *MemTransport {
	n.mu.Lock()
	defer n.mu.Unlock()
	if a.Name != "" {
		return n.byName[a.Name]
	}
	return n.byAddr[a.Addr]
}

func (n *MemNetwork) remove(t *MemTransport) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.byAddr[t.Addr()] == t {
		delete(n.byAddr, t.Addr())
	}
	if n.byName[t.name] == t {
		delete(n.byName, t.name)
	}
}

// MemTransport is one member's end of a [MemNetwork]; it implements
// memberlist.NodeAwareTransport.
type MemTransport struct {
	net     *MemNetwork
	name    string
	port    int
	packets chan *memberlist.Packet
	streams chan net.Conn
	done    chan struct{}
	once    sync.Once
}

var _ memberlist.NodeAwareTransport = (*MemTransport)(nil)

// Addr is the transport's address, 127.0.0.1:PORT; join a member by it.
func (t *MemTransport) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(t.port))
}

// FinalAdvertiseAddr returns the transport's own address, whatever was
// configured.
func (t *MemTransport) FinalAdvertiseAddr(string, int) (net.IP, int, error) {
	return net.IPv4(127, 0, 0, 1), t.port, nil
}

// WriteTo sends a packet to HOST:PORT.
func (t *MemTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	return t.WriteToAddress(b, memberlist.Address{Addr: addr})
}

// WriteToAddress sends a packet. Like UDP it never blocks: a packet to
// an unknown or shut-down member, or to a full queue, is lost.
func (t *MemTransport) WriteToAddress(
	b []byte, a memberlist.Address,
) (time.Time, error) {
	now := time.Now()
	dest := t.net.peer(a)
	if dest == nil {
		return now, nil
	}

	p := &memberlist.Packet{
		Buf:       append([]byte(nil), b...),
		From:      memAddr(t.Addr()),
		Timestamp: now,
	}
	select {
	case <-dest.done:
	case dest.packets <- p:
	default:
	}
	return now, nil
}

// PacketCh delivers the packets sent to this transport.
func (t *MemTransport) PacketCh() <-chan *memberlist.Packet { return t.packets }

// DialTimeout opens a stream to HOST:PORT.
func (t *MemTransport) DialTimeout(
	addr string, timeout time.Duration,
) (net.Conn, error) {
	return t.DialAddressTimeout(memberlist.Address{Addr: addr}, timeout)
}

// DialAddressTimeout opens a stream, waiting up to timeout for the other
// member to accept it.
func (t *MemTransport) DialAddressTimeout(
	a memberlist.Address, timeout time.Duration,
) (net.Conn, error) {
	dest := t.net.peer(a)
	if dest == nil {
		return nil, fmt.Errorf("dial %s: connection refused", a.String())
	}

	local, remote := net.Pipe()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case dest.streams <- remote:
		return local, nil
	case <-dest.done:
	case <-timer.C:
	}
	local.Close()
	remote.Close()
	return nil, fmt.Errorf("dial %s: no answer within %v", a.String(), timeout)
}

// StreamCh delivers the streams other members opened to this one.
func (t *MemTransport) StreamCh() <-chan net.Conn { return t.streams }

// Shutdown takes the transport off the network; later packets to it are
// lost and dials refused.
func (t *MemTransport) Shutdown() error {
	t.once.Do(func() {
		close(t.done)
		t.net.remove(t)
	})
	return nil
}

// memAddr is a MemTransport address as a net.Addr.
type memAddr string

func (a memAddr) Network() string { return "mem" }
func (a memAddr) String() string  { return string(a) }
