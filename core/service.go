package core

import (
	"fmt"
	"slices"
)

// extState is the general path of a vertex: its instances (one for a
// plain vertex, several for a replica set), its hold windows, its send
// sequence and, for supervisors and VM hosts, its role.
type extState struct {
	cfg      *extConfig
	insts    []inst
	windows  []window // pending, in order of start
	injected []int64  // starts of pending injected windows, for the log
	holdEnd  int64    // end of the current hold, or 0
	seq      uint32
	restarts uint32
	role     int32 // index into sups or hosts, or -1
}

// inst is one instance of a vertex: the instance itself for a vertex
// that is its own instance, or, for a replica set, what its instance
// actor last reported (due is then Never).
type inst struct {
	due   int64
	id    int32 // the instance actor, or -1
	host  int32 // VM host, or -1
	by    int32 // supervisor whose order started it, or -1
	state Class // Available stands for up
	flags uint8
}

// inst flags.
const (
	iPlaced   = 1 << iota // placed by a supervisor: lost with its host
	iHostDown             // its (fixed) host is down
)

func (s *Shard) initExt(l int32, cfg *extConfig) {
	vs := &s.vs[l]
	x := extState{cfg: cfg, role: -1, windows: slices.Clone(cfg.windows)}
	pf := s.profile(l)
	for k, h := range cfg.initial {
		in := inst{id: -1, host: h, by: -1, state: Available}
		if cfg.placed {
			in.flags = iPlaced
		}
		if cfg.actors {
			in.id, in.due = cfg.ids[k], Never
		} else {
			in.due = pf.fail.Draw(&vs.rng)
		}
		x.insts = append(x.insts, in)
	}
	vs.ext = int32(len(s.exts))
	s.exts = append(s.exts, x)
	if cfg.sup >= 0 {
		s.exts[vs.ext].role = s.newSupervisor(l, &s.w.sups[cfg.sup])
	}
	if cfg.host >= 0 {
		s.exts[vs.ext].role = s.newHost(&s.w.hosts[cfg.host])
	}
	s.markDirty(l)
	s.reschedule(l)
}

func (s *Shard) profile(l int32) *profile {
	return &s.w.profiles[s.w.prof[s.global(l)]]
}

// class is what the instances make of the vertex, before its gate.
func (x *extState) class() Class {
	var up, starting, failed int32
	for i := range x.insts {
		switch x.insts[i].state {
		case Available:
			up++
		case Starting:
			starting++
		case Failed:
			failed++
		}
	}
	switch {
	case up >= x.cfg.quorum:
		return Available
	case starting > 0:
		return Starting
	case failed > 0:
		return Failed
	}
	return Stopped
}

// counts returns the instances up, starting, and down (failed or
// stopped) on a live host.
func (x *extState) counts() (up, starting, down int32) {
	for i := range x.insts {
		in := &x.insts[i]
		switch {
		case in.state == Available:
			up++
		case in.state == Starting:
			starting++
		case in.flags&iHostDown == 0:
			down++
		}
	}
	return up, starting, down
}

// reschedule sets the vertex's timer to its earliest due event.
func (s *Shard) reschedule(l int32) {
	vs := &s.vs[l]
	x := &s.exts[vs.ext]
	due := Never
	for i := range x.insts {
		due = min(due, x.insts[i].due)
	}
	if len(x.windows) > 0 {
		due = min(due, x.windows[0].at)
	}
	if x.holdEnd > 0 {
		due = min(due, x.holdEnd)
	}
	if x.role >= 0 {
		due = min(due, s.roleDue(x))
	}

	if due == vs.due {
		return
	}
	if due <= s.cal.last && s.started {
		panic(fmt.Sprintf("core: vertex %d scheduled at tick %d after tick %d",
			s.global(l), due, s.cal.last))
	}
	vs.due = due
	if due != Never {
		s.cal.pushTimer(due, l)
	}
}

// fireExt runs the due events of a general-path vertex: the end and
// start of holds, its instances' timers, then its role's.
func (s *Shard) fireExt(l int32, t int64) {
	x := &s.exts[s.vs[l].ext]
	if x.holdEnd == t {
		s.endHold(l, x, t)
	}
	for len(x.windows) > 0 && x.windows[0].at == t {
		w := x.windows[0]
		x.windows = x.windows[1:]
		s.beginHold(l, x, w, t)
	}
	for i := range x.insts {
		if x.insts[i].due == t {
			s.instDue(l, x, i, t)
		}
	}
	if x.role >= 0 {
		s.roleFire(l, x, t)
	}
	s.reschedule(l)
}

func (s *Shard) instDue(l int32, x *extState, i int, t int64) {
	in := &x.insts[i]
	switch in.state {
	case Available:
		s.failInst(l, x, i, t)
	case Failed:
		s.upInst(l, x, i, t)
	case Starting:
		if x.holdEnd > t {
			in.due = x.holdEnd
			return
		}
		s.upInst(l, x, i, t)
	}
}

// setInst changes the state of instance i and tells the role when its
// vertex (instance 0 of a supervisor or host) goes up or down.
func (s *Shard) setInst(l int32, x *extState, i int, st Class, t int64) {
	in := &x.insts[i]
	was := in.state
	in.state = st
	s.note(l, t, noteInst, uint64(i)<<8|uint64(st))
	s.markDirty(l)
	if x.role < 0 || i != 0 || (was == Available) == (st == Available) {
		return
	}
	if st == Available {
		s.roleUp(l, x, t)
	} else {
		s.roleDown(l, x, t)
	}
}

// failInst fails instance i: it repairs itself when the vertex has no
// supervisor and is not held, and waits otherwise.
func (s *Shard) failInst(l int32, x *extState, i int, t int64) {
	in := &x.insts[i]
	in.due, in.by = Never, -1
	if x.cfg.selfRepair && x.holdEnd == 0 {
		in.due = after(t, s.profile(l).repair.Draw(&s.vs[l].rng))
	}
	s.setInst(l, x, i, Failed, t)
}

// upInst brings instance i up and tells the supervisor that started it.
func (s *Shard) upInst(l int32, x *extState, i int, t int64) {
	in := &x.insts[i]
	in.due = after(t, s.profile(l).fail.Draw(&s.vs[l].rng))
	by := in.by
	in.by = -1
	s.setInst(l, x, i, Available, t)
	if by >= 0 {
		s.control(l, by, KindStarted, s.global(l), 0)
	}
}

// startInst (re)starts instance i on the order of supervisor by (or -1).
func (s *Shard) startInst(l int32, x *extState, i int, by int32, t int64) {
	in := &x.insts[i]
	in.due = t + s.profile(l).start.Draw(&s.vs[l].rng)
	in.by = by
	x.restarts++
	s.delta.Restarts++
	s.setInst(l, x, i, Starting, t)
}

func (s *Shard) beginHold(l int32, x *extState, w window, t int64) {
	if len(x.injected) > 0 && x.injected[0] == w.at {
		x.injected = x.injected[1:]
		s.event(t, s.global(l), EvInjected, -1)
	}
	if w.end > w.at {
		x.holdEnd = max(x.holdEnd, w.end)
	}
	if x.cfg.actors {
		for i := range x.insts {
			s.hostMsg(l, x.insts[i].id, KindInstHold, 0, int32(min(w.end-w.at, 1<<30)))
		}
		return
	}
	for i := range x.insts {
		switch st := x.insts[i].state; {
		case st == Available || st == Starting:
			s.failInst(l, x, i, t)
		case st == Failed && x.holdEnd > 0:
			x.insts[i].due = Never
		}
	}
}

func (s *Shard) endHold(l int32, x *extState, t int64) {
	x.holdEnd = 0
	if x.cfg.actors {
		return // each instance ends its own hold
	}
	for i := range x.insts {
		in := &x.insts[i]
		if in.state == Failed && in.flags&iHostDown == 0 {
			s.upInst(l, x, i, t)
		}
	}
}

// Inject schedules an injection on a vertex of this shard. A vertex on
// the fast path moves to the general path, keeping its state and draws.
func (s *Shard) Inject(inj Injection) error {
	if int(inj.Vertex) >= s.w.N() {
		return fmt.Errorf("%w: vertex %d is an instance, not a vertex of the model",
			ErrNotOwned, inj.Vertex)
	}
	l, err := s.local(inj.Vertex)
	if err != nil {
		return err
	}
	if inj.At <= s.cal.last || inj.Duration < 0 {
		return fmt.Errorf("%w: injection at tick %d for %d ticks after tick %d",
			ErrPast, inj.At, inj.Duration, s.cal.last)
	}
	if s.vs[l].ext < 0 {
		s.promote(l)
	}

	x := &s.exts[s.vs[l].ext]
	w := window{inj.At, inj.At + inj.Duration}
	at := len(x.windows)
	for at > 0 && x.windows[at-1].at > w.at {
		at--
	}
	x.windows = slices.Insert(x.windows, at, w)
	x.injected = append(x.injected, w.at)
	slices.Sort(x.injected)
	s.reschedule(l)
	return nil
}

func (s *Shard) promote(l int32) {
	vs := &s.vs[l]
	x := extState{cfg: s.w.fallbackConfig(), role: -1,
		insts: []inst{{due: vs.due, id: -1, host: -1, by: -1, state: vs.inst}}}
	vs.ext = int32(len(s.exts))
	s.exts = append(s.exts, x)
}

// control sends a control-plane message from vertex l: it is counted,
// lost when a partition separates the ends or the link's loss draw (on
// the sender's stream) says so, and otherwise arrives after the link's
// latency.
func (s *Shard) control(l, to int32, kind Kind, a, b int32) {
	vs := &s.vs[l]
	x := &s.exts[vs.ext]
	v, t := s.global(l), s.now
	seq := x.seq
	x.seq++
	s.delta.Sent++
	ln := s.w.link(v, to)
	lost := s.w.cutAt(v, to, t) || ln.loss.happens(&vs.rng)
	s.note(l, t, noteSend, uint64(kind)|uint64(uint32(to))<<8|b2u(lost)<<40)
	if lost {
		s.delta.Lost++
		return
	}
	s.send(Message{At: t + ln.latency, To: to, From: v, Seq: seq, Kind: kind, A: a, B: b})
}

// hostMsg sends a message along a hosts edge: one tick, never lost.
func (s *Shard) hostMsg(l, to int32, kind Kind, a, b int32) {
	x := &s.exts[s.vs[l].ext]
	seq := x.seq
	x.seq++
	s.send(Message{At: s.now + 1, To: to, From: s.global(l), Seq: seq, Kind: kind,
		A: a, B: b})
}
