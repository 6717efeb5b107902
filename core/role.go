package core

// The role of a general-path vertex: supervisors and VM hosts act while
// their own (single) instance is up.

func (s *Shard) isSup(x *extState) bool { return x.cfg.sup >= 0 }

func (s *Shard) roleDue(x *extState) int64 {
	if s.isSup(x) {
		return s.supOf(x).due(x.insts[0].state == Available)
	}
	return Never
}

func (s *Shard) roleFire(l int32, x *extState, t int64) {
	if s.isSup(x) && x.insts[0].state == Available {
		s.supFire(l, x, s.supOf(x), t)
	}
}

func (s *Shard) roleHandle(l int32, x *extState, m *Message, t int64) {
	if s.isSup(x) {
		s.supHandle(l, x, s.supOf(x), m, t)
		return
	}
	switch {
	case m.Kind == KindPlace && x.insts[0].state == Available:
		s.placeRequest(l, s.hostOf(x), m, t)
	case m.Kind == KindRelease:
		s.hostOf(x).release(m.A, m.B)
	}
}

// roleUp runs when the vertex comes up: a supervisor starts afresh (and,
// after giving up, starts its stopped children); a host brings back its
// fixed instances.
func (s *Shard) roleUp(l int32, x *extState, t int64) {
	if !s.isSup(x) {
		h := s.hostOf(x)
		for _, v := range h.cfg.fixedTo {
			s.hostMsg(l, v, KindHostUp, 0, 0)
		}
		return
	}
	sp := s.supOf(x)
	sp.restart(t)
	if sp.gaveUp {
		sp.gaveUp = false
		for _, c := range sp.cfg.kids {
			s.control(l, c, KindStart, 0, 0)
		}
	}
}

// roleDown runs when the vertex goes down: a supervisor stops acting; a
// host takes every instance on it down.
func (s *Shard) roleDown(l int32, x *extState, t int64) {
	if s.isSup(x) {
		sp := s.supOf(x)
		sp.forget(t)
		return
	}
	s.hostFailed(l, s.hostOf(x), t)
}
