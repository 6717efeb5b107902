package cluster

import (
	"sync"

	"github.com/hashicorp/memberlist"
)

// delegate answers memberlist's callbacks: it serves this member's
// metadata and keeps the live members up to date from join, leave and
// update events. memberlist calls the event methods one at a time while
// holding its own lock, so they only touch the delegate's state.
type delegate struct {
	mu      sync.Mutex
	meta    []byte
	members map[string]Member
	changed chan struct{} // closed and replaced on every change
}

func newDelegate(meta []byte) *delegate {
	return &delegate{
		meta:    meta,
		members: make(map[string]Member),
		changed: make(chan struct{}),
	}
}

// NodeMeta serves this member's metadata; Config.Validate has checked
// that it fits the limit.
func (d *delegate) NodeMeta(limit int) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.meta) > limit {
		panic("cluster: member metadata grew past memberlist's limit")
	}
	return d.meta
}

func (d *delegate) setMeta(meta []byte) {
	d.mu.Lock()
	d.meta = meta
	d.mu.Unlock()
}

// NotifyMsg, GetBroadcasts, LocalState and MergeRemoteState carry no
// user state yet; job coordination travels over the API and remote.
func (d *delegate) NotifyMsg([]byte)                    {}
func (d *delegate) GetBroadcasts(int, int) [][]byte     { return nil }
func (d *delegate) LocalState(bool) []byte              { return nil }
func (d *delegate) MergeRemoteState(buf []byte, _ bool) {}

// NotifyJoin records a member that is alive.
func (d *delegate) NotifyJoin(n *memberlist.Node) { d.put(memberOf(n)) }

// NotifyUpdate records a member whose metadata changed.
func (d *delegate) NotifyUpdate(n *memberlist.Node) { d.put(memberOf(n)) }

// NotifyLeave forgets a member that left or was declared dead.
func (d *delegate) NotifyLeave(n *memberlist.Node) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.members, n.Name)
	d.signal()
}

func (d *delegate) put(m Member) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.members[m.Name] = m
	d.signal()
}

// signal wakes everyone waiting on the current change channel; d.mu is
// held.
func (d *delegate) signal() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// snapshot returns the live members sorted by name and the channel that
// is closed on the next change after it.
func (d *delegate) snapshot() ([]Member, <-chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ms := make([]Member, 0, len(d.members))
	for _, m := range d.members {
		ms = append(ms, m)
	}
	sortMembers(ms)
	return ms, d.changed
}
