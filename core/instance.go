package core

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// The instances of a replica set are vertex actors of their own. A
// service is a replica set when it has more than one replica or a
// replicas supervisor places its instances on VM hosts; its vertex then
// holds only a view of its instances, built from what they report, and
// each instance has its own record, inbox, random stream and hash. A
// service with a single, unplaced instance is its own instance, as
// before.
//
// Instance actors have ids after the model's vertices, fixed when the
// world is compiled so that every engine and every process names them
// alike:
//
//   - a replica set whose instances are not placed (no host, or a fixed
//     hosted_on host) has one id per replica, in vertex order;
//   - every VM host has one id per slot that placements can fill
//     (capacity less its fixed instances). An instance placed on a host
//     lives in the host's next free slot; when the host fails, its placed
//     instances are lost and the slots are empty again.
//
// A slot is empty until its host places an instance in it: the host's
// message creates the instance there, and the host's failure ends it.

// instConfig is the run-independent part of one instance id.
type instConfig struct {
	svc  int32 // its service; for a slot, the service placed there at the start, or -1
	host int32 // its host vertex, or -1
	slot int32 // its slot on host, or -1 for a fixed instance
}

// compileInstances gives ids to the instances of every replica set and
// to the slots of every VM host.
func (w *World) compileInstances() error {
	g := w.Graph
	next := int64(g.N())
	add := func(c instConfig) int32 {
		w.inst = append(w.inst, c)
		next++
		return int32(next - 1)
	}
	for v := range int32(g.N()) {
		c := w.config(v)
		if c == nil || c.sup >= 0 || c.host >= 0 || (c.want <= 1 && !c.placed) {
			continue
		}
		c.actors = true
		if c.placed {
			c.initial = c.initial[:0] // refilled in slot order below
			continue
		}
		for _, h := range c.initial {
			c.ids = append(c.ids, add(instConfig{svc: v, host: h, slot: -1}))
		}
	}
	for i := range w.hosts {
		h := &w.hosts[i]
		h.slot0 = int32(next)
		h.slots = max(0, h.capacity-h.fixedCount)
		j := int32(0)
		for _, r := range h.initial {
			for range r.n {
				c := w.config(r.v)
				c.ids = append(c.ids, add(instConfig{svc: r.v, host: h.v, slot: j}))
				c.initial = append(c.initial, h.v)
				j++
			}
		}
		for ; j < h.slots; j++ {
			add(instConfig{svc: -1, host: h.v, slot: j})
		}
		if next > math.MaxInt32 {
			return fmt.Errorf("the VM hosts have more than %d slots in all", math.MaxInt32)
		}
	}
	for i := range w.hosts {
		h := &w.hosts[i]
		for _, v := range h.fixed {
			c := w.config(v)
			if c == nil || !c.actors {
				h.fixedTo = append(h.fixedTo, v)
				continue
			}
			for k, id := range c.ids {
				if c.initial[k] == h.v {
					h.fixedTo = append(h.fixedTo, id)
				}
			}
		}
	}
	return nil
}

// Size is the number of vertex actors of a run: the model's vertices,
// then the instance actors. Partitions, results and digests cover them
// all; per-vertex reports cover the first N.
func (w *World) Size() int { return w.N() + len(w.inst) }

// instCfg returns the configuration of instance id.
func (w *World) instCfg(id int32) *instConfig { return &w.inst[int(id)-w.N()] }

// Name names vertex actor id: a model vertex by its id, an instance by
// its service and number ("db#2"), a slot by its host and number
// ("vm-1/0").
func (w *World) Name(id int32) string {
	if int(id) < w.N() {
		return w.Graph.IDs[id]
	}
	c := w.instCfg(id)
	if c.slot >= 0 {
		return w.Graph.IDs[c.host] + "/" + strconv.Itoa(int(c.slot))
	}
	return w.Graph.IDs[c.svc] + "#" + strconv.Itoa(int(id-w.config(c.svc).ids[0]))
}

// InstanceOwner returns the model vertex an instance id belongs with:
// its host for a slot, its service otherwise. Engines keep an instance
// in the shard of that vertex unless they give it a shard of its own.
func (w *World) InstanceOwner(id int32) int32 {
	c := w.instCfg(id)
	if c.slot >= 0 {
		return c.host
	}
	return c.svc
}

// ExtendOwner extends an owner table of the model's vertices to every
// vertex actor: each instance goes with the vertex InstanceOwner names.
// A table that already covers every actor is returned as it is.
func (w *World) ExtendOwner(owner []int32) []int32 {
	if len(owner) != w.N() {
		return owner
	}
	all := make([]int32, w.Size())
	copy(all, owner)
	for id := int32(w.N()); int(id) < len(all); id++ {
		all[id] = owner[w.InstanceOwner(id)]
	}
	return all
}

// instance is the record of one instance actor in the shard that holds
// it.
type instance struct {
	due   int64 // its own next event, or Never
	hold  int64 // end of the hold it is under, or 0
	wake  int64 // the tick its timer is set for, or Never
	rng   rand.PCG
	hash  uint64
	svc   int32 // its service; -1 for an empty slot
	host  int32 // its host vertex, or -1
	by    int32 // supervisor whose order started it, or -1
	seq   uint32
	state Class // Available stands for up
	flags uint8 // iHostDown
}

// Report flags (field A of KindInstState, above the state's byte).
const (
	rRestart  = 1 << iota // it entered Starting on an order or its host's return
	rCreated              // a host has just created it
	rGone                 // it was lost with its host: the slot is empty
	rHostDown             // its fixed host is down
)

// isInst reports whether local index l is an instance actor.
func (s *Shard) isInst(l int32) bool { return l >= s.nv }

func (s *Shard) inst(l int32) *instance { return &s.ins[l-s.nv] }

func (s *Shard) initInstance(l int32, seed uint64) {
	id := s.global(l)
	c := s.w.instCfg(id)
	in := s.inst(l)
	*in = instance{due: Never, wake: Never, rng: stream(seed, s.w.Name(id)),
		hash: (fnvOffset ^ uint64(id)) * fnvPrime, svc: c.svc, host: c.host, by: -1,
		state: Stopped}
	if c.svc < 0 {
		return
	}
	in.state = Available
	in.due = s.w.profiles[s.w.prof[c.svc]].fail.Draw(&in.rng)
	s.instReschedule(l, in)
}

func (s *Shard) noteInst(in *instance, t int64, code uint8, arg uint64) {
	h := (in.hash ^ (uint64(t)<<8 | uint64(code))) * fnvPrime
	in.hash = (h ^ arg) * fnvPrime
}

// instReschedule sets the instance's timer to its next event or the end
// of its hold.
func (s *Shard) instReschedule(l int32, in *instance) {
	wake := in.due
	if in.hold > 0 {
		wake = min(wake, in.hold)
	}
	if wake == in.wake {
		return
	}
	if wake <= s.cal.last && s.started {
		panic(fmt.Sprintf("core: instance %s scheduled at tick %d after tick %d",
			s.w.Name(s.global(l)), wake, s.cal.last))
	}
	in.wake = wake
	if wake != Never {
		s.cal.pushTimer(wake, l)
	}
}

// instFire runs an instance's due events: the end of its hold, then its
// own timer.
func (s *Shard) instFire(l int32, t int64) {
	in := s.inst(l)
	if in.wake != t {
		return
	}
	s.delta.Events++
	if in.hold == t {
		in.hold = 0
		if in.state == Failed && in.flags&iHostDown == 0 {
			s.instUp(l, in, t)
		}
	}
	if in.due == t {
		switch in.state {
		case Available:
			s.instFail(l, in, t)
		case Failed:
			s.instUp(l, in, t)
		case Starting:
			if in.hold > t {
				in.due = in.hold
			} else {
				s.instUp(l, in, t)
			}
		}
	}
	s.instReschedule(l, in)
}

// instSet changes the instance's state and reports it to its service.
func (s *Shard) instSet(l int32, in *instance, st Class, flags int32, t int64) {
	in.state = st
	s.noteInst(in, t, noteInst, uint64(st)|uint64(flags)<<8)
	if in.flags&iHostDown != 0 {
		flags |= rHostDown
	}
	seq := in.seq
	in.seq++
	s.send(Message{At: t + 1, To: in.svc, From: s.global(l), Seq: seq,
		Kind: KindInstState, A: int32(st) | flags<<8, B: in.by})
}

// instFail fails the instance: it repairs itself when its service has no
// supervisor and it is not held, and waits otherwise.
func (s *Shard) instFail(l int32, in *instance, t int64) {
	in.due, in.by = Never, -1
	if s.w.config(in.svc).selfRepair && in.hold == 0 {
		in.due = after(t, s.w.profiles[s.w.prof[in.svc]].repair.Draw(&in.rng))
	}
	s.instSet(l, in, Failed, 0, t)
}

// instUp brings the instance up and tells the supervisor that started it.
func (s *Shard) instUp(l int32, in *instance, t int64) {
	in.due = after(t, s.w.profiles[s.w.prof[in.svc]].fail.Draw(&in.rng))
	by := in.by
	in.by = -1
	s.instSet(l, in, Available, 0, t)
	if by >= 0 {
		s.instControl(l, in, by, KindStarted, in.svc, 0)
	}
}

// instStart (re)starts the instance on the order of supervisor by (or
// -1), after extra ticks of boot.
func (s *Shard) instStart(l int32, in *instance, by int32, extra int64, flags int32,
	t int64) {
	in.due = t + extra + s.w.profiles[s.w.prof[in.svc]].start.Draw(&in.rng)
	in.by = by
	s.instSet(l, in, Starting, flags, t)
}

// instControl sends a control-plane message from an instance. The
// control plane knows it by its service: links and partitions name the
// service, and the loss draw is on the instance's own stream.
func (s *Shard) instControl(l int32, in *instance, to int32, kind Kind, a, b int32) {
	t := s.now
	seq := in.seq
	in.seq++
	s.delta.Sent++
	ln := s.w.link(in.svc, to)
	lost := s.w.cutAt(in.svc, to, t) || ln.loss.happens(&in.rng)
	s.noteInst(in, t, noteSend, uint64(kind)|uint64(uint32(to))<<8|b2u(lost)<<40)
	if lost {
		s.delta.Lost++
		return
	}
	s.send(Message{At: t + ln.latency, To: to, From: s.global(l), Seq: seq, Kind: kind,
		A: a, B: b})
}

// instHandle applies one message to an instance actor. Orders from a
// service reach only an instance of that service: a slot may hold an
// instance of another service by the time an old order arrives.
func (s *Shard) instHandle(m *Message) {
	l, t := m.To, s.now
	in := s.inst(l)
	switch m.Kind {
	case KindAddInstance:
		s.instCreate(l, in, m.A, m.B, t)
	case KindHostDown:
		s.instHostDown(l, in, t)
	case KindHostUp:
		in.flags &^= iHostDown
		if in.state == Failed && in.hold == 0 {
			s.instStart(l, in, -1, 0, rRestart, t)
		} else {
			s.instSet(l, in, in.state, 0, t)
		}
	case KindInstStart:
		if in.svc == m.From && in.flags&iHostDown == 0 {
			s.instStart(l, in, m.A, 0, rRestart, t)
		}
	case KindInstStop:
		if in.svc != m.From {
			break
		}
		if m.A == StopRemove && s.w.instCfg(s.global(l)).slot >= 0 {
			s.instRemove(l, in, t)
		} else if in.state != Stopped {
			in.due, in.by = Never, -1
			s.instSet(l, in, Stopped, 0, t)
		}
	case KindInstHold:
		if in.svc == m.From {
			s.instHold(l, in, int64(m.B), t)
		}
	}
	s.instReschedule(l, in)
}

// instCreate puts a new instance of service svc, placed on the order of
// supervisor by, in this slot: it starts after its host's boot time.
func (s *Shard) instCreate(l int32, in *instance, svc, by int32, t int64) {
	in.svc, in.flags, in.hold = svc, 0, 0
	boot := s.w.hosts[s.w.config(in.host).host].boot
	s.instStart(l, in, by, boot, rCreated, t)
}

// instRemove takes the instance out of its slot and gives the slot
// back to its host.
func (s *Shard) instRemove(l int32, in *instance, t int64) {
	id := s.global(l)
	seq := in.seq
	in.seq++
	s.noteInst(in, t, noteInst, 0xfe)
	s.send(Message{At: t + 1, To: in.host, From: id, Seq: seq, Kind: KindRelease,
		A: s.w.instCfg(id).slot, B: in.svc})
	in.svc, in.state, in.due, in.by, in.hold, in.flags = -1, Stopped, Never, -1, 0, 0
}

// instHold fails the instance and, for a positive span, holds it failed
// until span ticks from now.
func (s *Shard) instHold(l int32, in *instance, span, t int64) {
	if span > 0 {
		in.hold = max(in.hold, t+span)
	}
	switch {
	case in.state == Available || in.state == Starting:
		s.instFail(l, in, t)
	case in.state == Failed && in.hold > 0:
		in.due = Never
	}
}

// instHostDown takes the instance down with its host: a placed instance
// is lost and its slot emptied, a fixed one waits for the host.
func (s *Shard) instHostDown(l int32, in *instance, t int64) {
	if in.svc < 0 {
		return
	}
	in.due, in.by = Never, -1
	if s.w.instCfg(s.global(l)).slot >= 0 {
		s.instSet(l, in, Stopped, rGone, t)
		in.svc, in.hold, in.flags = -1, 0, 0
		return
	}
	in.flags |= iHostDown
	st := in.state
	if st != Stopped {
		st = Failed
	}
	s.instSet(l, in, st, 0, t)
}
