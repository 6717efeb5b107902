package cluster

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// Membership is this daemon's place in the cluster: it gossips with the
// other members, notices those that join, leave or fail, and keeps a
// sorted snapshot of the live ones.
type Membership struct {
	ml *memberlist.Memberlist
	d  *delegate

	mu   sync.Mutex // orders Leave and Shutdown
	shut bool
}

// Start validates cfg and starts gossiping. The member is alone until
// [Membership.Join] reaches another one.
func Start(cfg Config) (*Membership, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	meta, err := cfg.meta().Encode()
	if err != nil {
		return nil, err
	}
	d := newDelegate(meta)
	ml, err := memberlist.Create(cfg.memberlistConfig(d))
	if err != nil {
		return nil, fmt.Errorf("cluster: start member %s: %w", cfg.Name, err)
	}
	return &Membership{ml: ml, d: d}, nil
}

// Join contacts the seeds (HOST:PORT each) and exchanges full state with
// every one it reaches. It returns how many it reached; the error is nil
// when at least one answered.
func (m *Membership) Join(seeds []string) (int, error) {
	n, err := m.ml.Join(seeds)
	if err != nil {
		return n, fmt.Errorf("cluster: join %v: %w", seeds, err)
	}
	return n, nil
}

// Members returns the live members, this one included, sorted by name.
func (m *Membership) Members() []Member {
	ms, _ := m.d.snapshot()
	return ms
}

// Watch returns the live members and a channel closed at the next change
// after that snapshot, so a caller can wait for a change without
// polling.
func (m *Membership) Watch() ([]Member, <-chan struct{}) {
	return m.d.snapshot()
}

// Local describes this member, with the gossip address it actually
// bound when the configured port was 0.
func (m *Membership) Local() Member {
	return memberOf(m.ml.LocalNode())
}

// UpdateMeta publishes new metadata and waits up to timeout for it to be
// sent to the others.
func (m *Membership) UpdateMeta(meta Meta, timeout time.Duration) error {
	b, err := meta.Encode()
	if err != nil {
		return err
	}
	m.d.setMeta(b)
	if err := m.ml.UpdateNode(timeout); err != nil {
		return fmt.Errorf("cluster: publish metadata: %w", err)
	}
	return nil
}

// Leave tells the others this member is going, waiting up to timeout for
// the message to go out. The member keeps gossiping until Shutdown.
func (m *Membership) Leave(timeout time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.shut {
		return ErrClosed
	}
	if err := m.ml.Leave(timeout); err != nil {
		return fmt.Errorf("cluster: leave: %w", err)
	}
	return nil
}

// Shutdown stops gossiping at once. Without a Leave before it, the
// others notice the member as failed rather than departed.
func (m *Membership) Shutdown() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.shut {
		return nil
	}
	m.shut = true
	if err := m.ml.Shutdown(); err != nil {
		return fmt.Errorf("cluster: shutdown: %w", err)
	}
	return nil
}

// Stop leaves the cluster gracefully, waiting up to timeout for the
// leave message to go out, then shuts down. It is what a daemon does on
// SIGTERM.
func (m *Membership) Stop(timeout time.Duration) error {
	errLeave := m.Leave(timeout)
	if errors.Is(errLeave, ErrClosed) {
		errLeave = nil
	}
	return errors.Join(errLeave, m.Shutdown())
}
