package core

// Class is what an observer sees of a vertex (SPEC section 3).
type Class uint8

// The classes. An instance's own state uses Available for up and the
// other values as they are.
const (
	Available Class = iota // up and its gate satisfied
	Impaired               // up, but its gate is not satisfied
	Failed                 // its own fault, its host died, or it was killed
	Starting               // (re)starting
	Stopped                // not placed, or given up
	NumClasses
)

var classNames = [...]string{"available", "impaired", "failed", "starting", "stopped"}

// String names the class as SPEC.md does.
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "class?"
}

// Delta is what one tick of one shard changed in the run's totals. The
// drivers add the deltas of every shard for a tick; the sum does not
// depend on how the vertices are split into shards.
type Delta struct {
	// Class holds the change in the number of vertices of each class.
	Class [NumClasses]int32
	// TargetsDown is the change in the number of unavailable targets.
	TargetsDown int32
	// DownTarget is the lowest target that became unavailable in the
	// tick, or -1; DownCause is its root cause.
	DownTarget, DownCause int32
	// Sent and Lost count control messages; Restarts counts instances
	// that entered Starting on an order or a host's return.
	Sent, Lost, Restarts int32
	// Events counts messages applied and timers fired.
	Events int64
}

// NoDelta is a Delta with nothing in it.
var NoDelta = Delta{DownTarget: -1, DownCause: -1}

// Add adds d2 into d.
func (d *Delta) Add(d2 *Delta) {
	for i := range d.Class {
		d.Class[i] += d2.Class[i]
	}
	d.TargetsDown += d2.TargetsDown
	if d2.DownTarget >= 0 && (d.DownTarget < 0 || d2.DownTarget < d.DownTarget) {
		d.DownTarget, d.DownCause = d2.DownTarget, d2.DownCause
	}
	d.Sent += d2.Sent
	d.Lost += d2.Lost
	d.Restarts += d2.Restarts
	d.Events += d2.Events
}

// Counters are the totals of one run, summed over shards.
type Counters struct {
	Events            int64 // messages applied and timers fired
	ControlSent       int64
	ControlLost       int64
	Restarts          int64 // instances that entered Starting
	Escalations       int64 // supervisors that gave up
	InstancesAdded    int64 // instances created by placements
	PlacementFailures int64 // placement requests that found no slot
	DuplicateRestarts int64 // restart orders racing another supervisor's
	OverProvisioned   int64 // instances added beyond the desired number
}

// Add adds c2 into c.
func (c *Counters) Add(c2 *Counters) {
	c.Events += c2.Events
	c.ControlSent += c2.ControlSent
	c.ControlLost += c2.ControlLost
	c.Restarts += c2.Restarts
	c.Escalations += c2.Escalations
	c.InstancesAdded += c2.InstancesAdded
	c.PlacementFailures += c2.PlacementFailures
	c.DuplicateRestarts += c2.DuplicateRestarts
	c.OverProvisioned += c2.OverProvisioned
}

// words lists the counters in a fixed order, for the digest.
func (c *Counters) words() [9]int64 {
	return [9]int64{c.Events, c.ControlSent, c.ControlLost, c.Restarts,
		c.Escalations, c.InstancesAdded, c.PlacementFailures,
		c.DuplicateRestarts, c.OverProvisioned}
}

// VertexResult is what one run measured of one vertex.
type VertexResult struct {
	AvailableTicks int64
	Outages        uint32 // times it stopped being available
	Restarts       uint32 // times an instance of it entered Starting
	Hash           uint64 // running hash of its events
	Class          Class  // at the end of the run
}

// EventKind names a notable event of the control plane, written to the
// events log.
type EventKind uint8

// The notable events. Other is the vertex the event concerns besides the
// one that records it, or -1.
const (
	EvDeclared         EventKind = iota // a supervisor declared child Other failed
	EvRestartOrdered                    // a supervisor ordered Other restarted
	EvGiveUp                            // a supervisor gave up (escalation)
	EvPlacementFailed                   // a host rejected a placement for Other
	EvInstanceAdded                     // a service gained an instance on host Other
	EvDuplicateRestart                  // a restart order from Other raced another
	EvLeader                            // a supervisor became the leader
	EvFollower                          // a supervisor stopped being the leader
	EvHostDown                          // a VM host failed
	EvInjected                          // a fault was injected by hand
	EvInstanceRemoved                   // a surplus instance on host Other was removed
)

var eventNames = [...]string{"declared", "restart", "give-up", "placement-failed",
	"instance-added", "duplicate-restart", "leader", "follower", "host-down",
	"injected", "instance-removed"}

// String names the event as events.jsonl writes it.
func (k EventKind) String() string {
	if int(k) < len(eventNames) {
		return eventNames[k]
	}
	return "event?"
}

// Event is one notable event, recorded when a Shard is asked to.
type Event struct {
	Tick   int64
	Vertex int32
	Kind   EventKind
	Other  int32
}
