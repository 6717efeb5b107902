package core

// Digest note codes: what kind of event a word of a vertex's hash is.
const (
	noteClass   = 1 + iota // the vertex's class changed
	noteInst               // an instance changed state
	noteCarry              // a propagation draw on an uncertain edge
	noteSend               // a control message was sent (or lost)
	noteLeader             // a supervisor's leadership changed
	noteDeclare            // a supervisor declared a child failed
)

// note folds one event into the running hash of vertex l: FNV-1a over
// 64-bit words. Each vertex hashes only its own events, in its own time
// order, so the digest does not depend on how vertices are sharded.
func (s *Shard) note(l int32, t int64, code uint8, arg uint64) {
	vs := &s.vs[l]
	h := (vs.hash ^ (uint64(t)<<8 | uint64(code))) * fnvPrime
	vs.hash = (h ^ arg) * fnvPrime
}

// settle recomputes the class of a vertex after all of a tick's inputs
// and events and, when its availability changed, tells its dependents.
func (s *Shard) settle(l int32, t int64) {
	vs := &s.vs[l]
	vs.flags &^= vDirty | vGotDown
	old, c := vs.class, s.classOf(l)
	if c == old {
		return
	}
	vs.class = c
	s.delta.Class[old]--
	s.delta.Class[c]++

	v := s.global(l)
	cause := v
	if c == Impaired {
		cause = vs.pend
	}
	s.note(l, t, noteClass, uint64(c)|uint64(uint32(cause))<<8)
	if (old == Available) == (c == Available) {
		return
	}

	// Availability changed: tell the dependents.
	if c == Available {
		vs.since = t
		s.propagate(l, v, t, KindUp, -1)
	} else {
		vs.availT += t - vs.since
		vs.outages++
		s.propagate(l, v, t, KindDown, cause)
	}
	if vs.flags&vTarget != 0 {
		s.targetChanged(v, c == Available, cause)
	}
}

func (s *Shard) targetChanged(v int32, up bool, cause int32) {
	d := &s.delta
	if up {
		d.TargetsDown--
		return
	}
	d.TargetsDown++
	if d.DownTarget < 0 || v < d.DownTarget {
		d.DownTarget, d.DownCause = v, cause
	}
}

// classOf computes what vertex l is now.
func (s *Shard) classOf(l int32) Class {
	vs := &s.vs[l]
	st := vs.inst
	if vs.ext >= 0 {
		st = s.exts[vs.ext].class()
	}
	if st != Available {
		return st
	}
	if s.impaired(l, vs) {
		return Impaired
	}
	return Available
}

func (s *Shard) impaired(l int32, vs *vstate) bool {
	if vs.gateK >= 0 {
		return vs.down >= vs.gateK
	}
	g := s.g
	v := s.global(l)
	lo, hi := g.InStart[v], g.InStart[v+1]
	base := s.inBase[l]
	weight := 0.0
	for e := lo; e < hi; e++ {
		if s.inDown[e+base] {
			weight += g.In[e].Weight
		}
	}
	return g.Gates[v].Impaired(int(hi-lo), int(vs.down), weight)
}

// propagate sends a change of availability along every outgoing depends
// edge. Going down, each uncertain edge draws on the upstream's stream
// whether it carries this outage; coming back, only the edges that
// carried it send.
func (s *Shard) propagate(l, v int32, t int64, kind Kind, cause int32) {
	vs := &s.vs[l]
	lo := vs.outLo
	outs := s.w.outs[lo:vs.outHi]
	for k := range outs {
		oe := &outs[k]
		if !oe.q.certain() {
			slot := lo + int32(k) + s.outBase[l]
			if kind == KindDown {
				carry := oe.q.happens(&vs.rng)
				s.carried[slot] = carry
				s.note(l, t, noteCarry, uint64(k)<<1|b2u(carry))
			}
			if !s.carried[slot] {
				continue
			}
		} else if oe.q == 0 {
			continue
		}
		s.send(Message{At: t + int64(oe.delay), To: oe.to, From: v, Kind: kind,
			A: oe.edge, B: cause})
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// send routes a message: into the calendar when its receiver is here,
// out of the shard otherwise.
func (s *Shard) send(m Message) {
	if s.p == nil {
		s.cal.put(m)
		return
	}
	if s.owns(m.To) {
		m.To = s.index(m.To)
		s.cal.put(m)
		return
	}
	s.out = append(s.out, m)
}

// Finish closes the run at tick end (exclusive): availability is counted
// up to it. Call it once, after the last Step.
func (s *Shard) Finish(end int64) {
	for l := range s.vs {
		vs := &s.vs[l]
		if vs.class == Available {
			vs.availT += end - vs.since
			vs.since = end
		}
	}
}

// Results writes the result of each of the shard's vertex actors into
// out, indexed by id (out covers World.Size ids); an instance actor's
// result is its hash and final state.
func (s *Shard) Results(out []VertexResult) {
	for l := range s.vs {
		vs := &s.vs[l]
		r := VertexResult{AvailableTicks: vs.availT, Outages: vs.outages,
			Hash: vs.hash, Class: vs.class}
		if vs.ext >= 0 {
			r.Restarts = s.exts[vs.ext].restarts
		}
		out[s.global(int32(l))] = r
	}
	for k := range s.ins {
		in := &s.ins[k]
		out[s.global(s.nv+int32(k))] = VertexResult{Hash: in.hash, Class: in.state}
	}
}

// Counters returns the shard's totals so far.
func (s *Shard) Counters() Counters { return s.counters }

// Class returns what vertex v is after the last tick run.
func (s *Shard) Class(v int32) (Class, error) {
	l, err := s.local(v)
	if err != nil {
		return 0, err
	}
	if s.isInst(l) {
		return s.inst(l).state, nil
	}
	return s.vs[l].class, nil
}

// Events returns the notable events recorded since the last call, in the
// order they happened within the shard; the caller may keep the slice.
func (s *Shard) Events() []Event {
	ev := s.events
	s.events = nil
	return ev
}

func (s *Shard) event(t int64, v int32, kind EventKind, other int32) {
	if s.record {
		s.events = append(s.events, Event{Tick: t, Vertex: v, Kind: kind, Other: other})
	}
}

// InitialClasses returns the number of vertices of each class before
// tick 0, as every driver assumes it: all available.
func (s *Shard) InitialClasses() [NumClasses]int32 {
	var c [NumClasses]int32
	c[Available] = int32(len(s.vs))
	return c
}
