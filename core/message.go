package core

// Kind is what a message means. Depends messages (KindDown, KindUp) carry
// availability along depends edges and commute within a tick; every other
// kind is applied in canonical order (sender, then send sequence).
type Kind uint8

// The kinds of message. The fields A and B of a Message mean what the
// comment beside each kind says.
const (
	KindNone Kind = iota
	// KindDown: the upstream of depends edge A became unavailable; B is the
	// vertex whose own failure started it (the root cause).
	KindDown
	// KindUp: the upstream of depends edge A is available again.
	KindUp

	// Messages along hosts edges: no loss, one tick, not counted as
	// control messages.

	// KindHostDown: the sending VM host failed; its instances fail.
	KindHostDown
	// KindHostUp: the sending VM host is back; fixed instances restart.
	KindHostUp
	// KindAddInstance: the sending host accepted a placement and creates
	// an instance in the receiving slot; A is the service, B the
	// supervisor that asked. It starts after the host's boot time.
	KindAddInstance

	// Messages between a replica set and its instance actors: one tick,
	// never lost, not counted as control messages.

	// KindInstState: an instance tells its service its state; A holds the
	// state in its low byte and report flags above it, B the supervisor
	// whose order started it, or -1.
	KindInstState
	// KindInstStart: the service (re)starts the instance on the order of
	// supervisor A (or -1).
	KindInstStart
	// KindInstStop: the service stops the instance; with A = StopRemove
	// it removes it, emptying its slot.
	KindInstStop
	// KindInstHold: the service's hold window fails the instance and,
	// when B is positive, holds it failed for B ticks.
	KindInstHold
	// KindRelease: a removed instance gives its slot A back to its host;
	// B is its service.
	KindRelease

	// Control-plane messages: latency, loss and partitions apply, and
	// each is counted as sent and, when lost, as lost.

	// KindProbe: a supervisor asks a child how it is; A is the check.
	KindProbe
	// KindProbeReply: the child's answer; A holds status bits and the
	// number of live instances (see probeStatus), B the number of failed
	// instances that can restart in place and the number up.
	KindProbeReply
	// KindRestart: restart the receiver; A is a restart mode.
	KindRestart
	// KindStart: start the receiver's stopped instances.
	KindStart
	// KindStop: stop every instance of the receiver.
	KindStop
	// KindStarted: an instance the sender started on the receiver's order
	// is up.
	KindStarted
	// KindPlace: a supervisor asks a VM host for an instance of service A.
	KindPlace
	// KindPlaced: the host placed an instance of A; B is its load now.
	KindPlaced
	// KindRejected: the host had no free slot for A; B is its load.
	KindRejected
	// KindHeartbeat: a supervisor tells its redundant peers it is alive.
	KindHeartbeat
	// KindTrim: a replicas supervisor asks a replica set to remove A of
	// its placed instances beyond the number it wants (after a split
	// brain).
	KindTrim

	numKinds
)

// Control reports whether messages of this kind travel on the control
// plane.
func (k Kind) Control() bool { return k >= KindProbe && k < numKinds }

// Commutes reports whether messages of this kind may be applied in any
// order within a tick.
func (k Kind) Commutes() bool { return k == KindDown || k == KindUp }

var kindNames = [...]string{
	"none", "down", "up", "host-down", "host-up", "add-instance", "inst-state",
	"inst-start", "inst-stop", "inst-hold", "release", "probe",
	"probe-reply", "restart", "start", "stop", "started", "place", "placed",
	"rejected", "heartbeat", "trim",
}

// String names the kind, as the events log and errors show it.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Message is one message between vertices. It is a plain value of 32
// bytes so that calendars and batches hold it without pointers. To and
// From are vertex indices in the model (inside a Shard's calendar To is
// the local index); Seq is the sender's send sequence, which with From
// gives the canonical order.
type Message struct {
	At   int64 // tick of arrival
	To   int32
	From int32
	Seq  uint32
	Kind Kind
	A, B int32
}

// StopRemove in field A of KindInstStop removes the instance.
const StopRemove = 1

// Restart modes (field A of KindRestart).
const (
	RestartAll  = 0 // restart every instance, killing live ones
	RestartDown = 1 // restart only failed or stopped instances (replicas)
)

// Probe checks (field A of KindProbe).
const (
	CheckLiveness  = 0
	CheckReadiness = 1
)

// probeStatus bits in field A of KindProbeReply; the live instances
// follow from bit statusShift on.
const (
	statusAlive = 1 << iota // enough instances are up or starting
	statusReady             // the vertex is available
	statusUp                // enough instances are up
	statusShift = 3
)

// less orders messages canonically: receiver, sender, send sequence.
func less(a, b *Message) bool {
	if a.To != b.To {
		return a.To < b.To
	}
	if a.From != b.From {
		return a.From < b.From
	}
	return a.Seq < b.Seq
}
