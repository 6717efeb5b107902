package core

import "slices"

// handle applies one ordered (non-depends) message to its receiver.
func (s *Shard) handle(m *Message) {
	l := m.To
	if s.isInst(l) {
		s.instHandle(m)
		return
	}
	vs := &s.vs[l]
	if vs.ext < 0 {
		panic("core: a control message reached a fast-path vertex")
	}
	x := &s.exts[vs.ext]
	t := s.now
	switch m.Kind {
	case KindHostDown:
		s.hostDown(l, x, m.From, t)
	case KindHostUp:
		s.hostUp(l, x, m.From, t)
	case KindInstState:
		s.instReport(l, x, m, t)
	case KindProbe:
		s.answerProbe(l, x, m)
	case KindRestart:
		s.restart(l, x, m.From, m.A, t)
	case KindStart:
		s.startStopped(l, x, m.From, t)
	case KindStop:
		s.stopAll(l, x, t)
	case KindTrim:
		s.trimInstances(l, x, m.A, t)
	default:
		if x.role >= 0 {
			s.roleHandle(l, x, m, t)
		}
	}
	s.reschedule(l)
}

// answerProbe replies to a supervisor's probe. A service always answers
// (its host's agent reports its instances); a supervisor answers only
// while it runs.
func (s *Shard) answerProbe(l int32, x *extState, m *Message) {
	up, starting, down := x.counts()
	if x.cfg.sup >= 0 && up+starting == 0 {
		return
	}
	live, q := up+starting, x.cfg.quorum
	a := min(live, 1<<27) << statusShift
	if live >= q {
		a |= statusAlive
	}
	if s.vs[l].class == Available {
		a |= statusReady
	}
	if up >= q {
		a |= statusUp
	}
	b := min(down, 0xffff) | min(up, 0x7fff)<<16
	s.control(l, m.From, KindProbeReply, a, b)
}

// restart follows a restart order from supervisor by. An instance already
// starting on another supervisor's order counts a duplicate restart (the
// mark of split brain); one starting on this supervisor's order is left
// alone.
func (s *Shard) restart(l int32, x *extState, by, mode int32, t int64) {
	for i := range x.insts {
		in := &x.insts[i]
		if in.flags&iHostDown != 0 {
			continue
		}
		switch {
		case in.state == Starting:
			if in.by != by {
				s.counters.DuplicateRestarts++
				s.event(t, s.global(l), EvDuplicateRestart, by)
			}
		case in.state == Failed || in.state == Stopped || mode == RestartAll:
			s.orderStart(l, x, i, by, t)
		}
	}
}

// orderStart starts instance i on the order of supervisor by: at once
// for a vertex that is its own instance, by message to a replica set's
// instance actor. The view marks the instance starting at once, so that
// a second order in the same tick sees it.
func (s *Shard) orderStart(l int32, x *extState, i int, by int32, t int64) {
	if !x.cfg.actors {
		s.startInst(l, x, i, by, t)
		return
	}
	in := &x.insts[i]
	in.state, in.by = Starting, by
	s.hostMsg(l, in.id, KindInstStart, by, 0)
}

func (s *Shard) startStopped(l int32, x *extState, by int32, t int64) {
	for i := range x.insts {
		in := &x.insts[i]
		if in.state == Stopped && in.flags&iHostDown == 0 {
			s.orderStart(l, x, i, by, t)
		}
	}
}

func (s *Shard) stopAll(l int32, x *extState, t int64) {
	for i := range x.insts {
		in := &x.insts[i]
		if in.state == Stopped {
			continue
		}
		if x.cfg.actors {
			in.state, in.by = Stopped, -1
			s.hostMsg(l, in.id, KindInstStop, 0, 0)
			continue
		}
		in.due, in.by = Never, -1
		s.setInst(l, x, i, Stopped, t)
	}
}

// hostDown fails the instance of a vertex that is its own instance on
// host h, which keeps it until the host returns. (The instances of a
// replica set hear from their hosts themselves.)
func (s *Shard) hostDown(l int32, x *extState, h int32, t int64) {
	for i := range x.insts {
		in := &x.insts[i]
		if in.host != h {
			continue
		}
		in.flags |= iHostDown
		in.due, in.by = Never, -1
		if in.state != Stopped && in.state != Failed {
			s.setInst(l, x, i, Failed, t)
		}
	}
}

// hostUp restarts the fixed instances that host h took down.
func (s *Shard) hostUp(l int32, x *extState, h int32, t int64) {
	for i := range x.insts {
		in := &x.insts[i]
		if in.host != h || in.flags&iHostDown == 0 {
			continue
		}
		in.flags &^= iHostDown
		if in.state == Failed && x.holdEnd == 0 {
			s.startInst(l, x, i, -1, t)
		}
	}
}

// instReport takes an instance actor's report into the replica set's
// view: a created instance joins it, a lost one leaves it, and restarts
// are counted here, on the service.
func (s *Shard) instReport(l int32, x *extState, m *Message, t int64) {
	id, st, flags := m.From, Class(m.A&0xff), m.A>>8
	i := slices.IndexFunc(x.insts, func(in inst) bool { return in.id == id })
	switch {
	case flags&rGone != 0:
		if i >= 0 {
			x.insts = slices.Delete(x.insts, i, i+1)
		}
		s.note(l, t, noteInst, uint64(uint32(id))<<8|0xff)
		s.markDirty(l)
		return
	case i < 0 && flags&rCreated == 0:
		return // from an instance the view has already let go
	case i < 0:
		host := s.w.instCfg(id).host
		x.insts = append(x.insts, inst{due: Never, id: id, host: host, by: m.B,
			state: st, flags: iPlaced})
		i = len(x.insts) - 1
		s.counters.InstancesAdded++
		s.event(t, s.global(l), EvInstanceAdded, host)
		if up, starting, _ := x.counts(); up+starting > x.cfg.want {
			s.counters.OverProvisioned++
		}
		if x.holdEnd > t {
			s.hostMsg(l, id, KindInstHold, 0, int32(min(x.holdEnd-t, 1<<30)))
		}
	}
	in := &x.insts[i]
	in.state, in.by = st, m.B
	in.flags &^= iHostDown
	if flags&rHostDown != 0 {
		in.flags |= iHostDown
	}
	if flags&rRestart != 0 {
		x.restarts++
		s.delta.Restarts++
	}
	s.note(l, t, noteInst, uint64(uint32(id))<<8|uint64(st))
	s.markDirty(l)
}

// trimInstances removes up to n placed instances beyond the number the
// replica set wants, newest first, starting ones before those up. They
// leave the view at once; each gives its slot back to its host.
func (s *Shard) trimInstances(l int32, x *extState, n int32, t int64) {
	if !x.cfg.actors {
		return
	}
	up, starting, _ := x.counts()
	n = min(n, up+starting-x.cfg.want)
	for _, want := range []Class{Starting, Available} {
		for i := len(x.insts) - 1; i >= 0 && n > 0; i-- {
			in := x.insts[i]
			if in.state != want || in.flags&iPlaced == 0 {
				continue
			}
			s.hostMsg(l, in.id, KindInstStop, StopRemove, 0)
			s.event(t, s.global(l), EvInstanceRemoved, in.host)
			s.note(l, t, noteInst, uint64(uint32(in.id))<<8|0xfe)
			x.insts = slices.Delete(x.insts, i, i+1)
			s.markDirty(l)
			n--
		}
	}
}
