package core

// handle applies one ordered (non-depends) message to its receiver.
func (s *Shard) handle(m *Message) {
	l := m.To
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
	case KindAddInstance:
		s.addInstance(l, x, m, t)
	case KindProbe:
		s.answerProbe(l, x, m)
	case KindRestart:
		s.restart(l, x, m.From, m.A, t)
	case KindStart:
		s.startStopped(l, x, m.From, t)
	case KindStop:
		s.stopAll(l, x, t)
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
			s.startInst(l, x, i, by, t)
		}
	}
}

func (s *Shard) startStopped(l int32, x *extState, by int32, t int64) {
	for i := range x.insts {
		in := &x.insts[i]
		if in.state == Stopped && in.flags&iHostDown == 0 {
			s.startInst(l, x, i, by, t)
		}
	}
}

func (s *Shard) stopAll(l int32, x *extState, t int64) {
	for i := range x.insts {
		in := &x.insts[i]
		if in.state == Stopped {
			continue
		}
		in.due, in.by = Never, -1
		s.setInst(l, x, i, Stopped, t)
	}
}

// hostDown fails the instances on host h: fixed ones wait for the host
// to return, placed ones are lost.
func (s *Shard) hostDown(l int32, x *extState, h int32, t int64) {
	for i := range x.insts {
		in := &x.insts[i]
		if in.host != h || in.flags&iPlaced != 0 {
			continue
		}
		in.flags |= iHostDown
		in.due, in.by = Never, -1
		if in.state != Stopped && in.state != Failed {
			s.setInst(l, x, i, Failed, t)
		}
	}
	kept := x.insts[:0]
	for i, in := range x.insts {
		if in.host == h && in.flags&iPlaced != 0 {
			s.note(l, t, noteInst, uint64(i)<<8|0xff)
			s.markDirty(l)
			continue
		}
		kept = append(kept, in)
	}
	x.insts = kept
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

// addInstance starts an instance a host placed on supervisor m.A's
// request, after the host's boot time.
func (s *Shard) addInstance(l int32, x *extState, m *Message, t int64) {
	x.insts = append(x.insts, inst{host: m.From, by: m.A, state: Stopped,
		flags: iPlaced, due: Never})
	i := len(x.insts) - 1
	in := &x.insts[i]
	in.due = t + int64(m.B) + s.profile(l).start.Draw(&s.vs[l].rng)
	s.setInst(l, x, i, Starting, t)
	s.counters.InstancesAdded++
	s.event(t, s.global(l), EvInstanceAdded, m.From)
	if up, starting, _ := x.counts(); up+starting > x.cfg.want {
		s.counters.OverProvisioned++
	}
}
