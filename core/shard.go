package core

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/homeostat/homeostat/model"
)

// Sentinel errors of a Shard.
var (
	// ErrNotOwned means a vertex is not held by the shard asked.
	ErrNotOwned = errors.New("core: vertex not in this shard")
	// ErrPast means something was asked of a tick already run.
	ErrPast = errors.New("core: tick already run")
)

// Run holds what distinguishes one run of a world from another.
type Run struct {
	Seed       uint64
	Injections []Injection
	// Record keeps the notable events (restarts, escalations,
	// placements, ...) for Events; off, a shard records none.
	Record bool
}

// Injection breaks a vertex by hand: every instance fails at tick At and,
// when Duration is positive, is held failed until At+Duration and then
// comes back, as in a schedule window. Without a duration the vertex is
// repaired as usual.
type Injection struct {
	Vertex       int32
	At, Duration int64
}

// Shard holds the cores of a set of vertices and steps them one tick at a
// time. One Shard holding every vertex is the direct driver's engine;
// the actor engine runs many, one per actor, and a cluster spreads them
// over processes. Messages between vertices of the same shard never leave
// it; Step returns those addressed to other shards, and Deliver takes
// theirs in. A Shard is not safe for concurrent use.
type Shard struct {
	// What every delivery and step reads comes first: with a shard per
	// vertex (one actor per vertex, where every shard is cold in the
	// cache) an activation then misses on a few lines of the shard, not
	// on all of them.
	w        *World
	g        *model.Graph
	p        *Partition // nil: the shard holds every vertex
	verts    []int32    // vertex of each local index; nil when p is nil
	id       int32
	nv       int32 // how many of the model's vertices
	lone     int32 // the vertex of a shard of one, as verts[0]; -1 otherwise
	now      int64
	started  bool
	record   bool
	vs       []vstate // the model's vertices: local indices [0, nv)
	inBase   []int32  // local input slot of edge e of vertex l: e + inBase[l]
	outBase  []int32  // local output slot of Out position k: k + outBase[l]
	inDown   []bool   // per local input edge, for weighted gates
	carried  []bool   // per local output edge: the last outage went along it
	dirty    []int32
	ctl      []Message // this tick's ordered messages
	out      []Message
	delta    Delta
	counters Counters
	cal      calendar // its wheel, unused by small shards, last

	ins    []instance // instance actors: local indices from nv on
	exts   []extState
	sups   []supState
	hosts  []hostState
	events []Event
}

// vstate is the compact record of one vertex: 80 bytes.
type vstate struct {
	due     int64 // next timer, or Never
	since   int64 // tick it last became available
	availT  int64 // available ticks before since
	rng     rand.PCG
	hash    uint64
	down    int32 // inputs down
	pend    int32 // root cause carried by the latest down input
	outages uint32
	ext     int32 // index into exts, or -1 on the fast path
	outLo   int32 // its outputs are Graph.Out[outLo:outHi]
	outHi   int32
	gateK   int32 // impaired when down >= gateK; -1: weigh the inputs
	inst    Class // the single instance's state, on the fast path
	flags   uint8
	class   Class
}

// vstate flags.
const (
	vDirty   = 1 << iota // to settle at the end of the tick
	vGotDown             // a down message arrived in this tick
	vWeights             // the gate weighs its inputs
	vTarget              // the vertex is a target
)

// NewShard builds shard id of partition p (nil: one shard of every
// vertex) for one run. Every vertex starts up at tick 0 and draws its
// first time to failure; injections for vertices of other shards are
// ignored.
func NewShard(w *World, p *Partition, id int, run Run) *Shard {
	n, nv := w.Size(), w.N()
	var verts []int32
	if p != nil {
		verts = p.Members[id]
		n = len(verts)
		nv, _ = slices.BinarySearch(verts, int32(w.N()))
	}
	s := &Shard{w: w, g: w.Graph, p: p, id: int32(id), record: run.Record,
		verts: verts, nv: int32(nv), lone: -1, cal: newCalendar(n),
		vs: make([]vstate, nv), ins: make([]instance, n-nv)}
	if len(verts) == 1 {
		s.lone = verts[0]
	}
	s.allocEdges()

	for l := range int32(nv) {
		s.initVertex(l, run.Seed)
	}
	for l := int32(nv); l < int32(n); l++ {
		s.initInstance(l, run.Seed)
	}
	for _, inj := range run.Injections {
		if s.owns(inj.Vertex) {
			_ = s.Inject(inj)
		}
	}
	return s
}

func (s *Shard) allocEdges() {
	g := s.g
	s.inBase = make([]int32, len(s.vs))
	s.outBase = make([]int32, len(s.vs))
	var in, out int32
	for l := range s.vs {
		v := s.global(int32(l))
		vs := &s.vs[l]
		vs.outLo, vs.outHi = g.OutStart[v], g.OutStart[v+1]
		s.inBase[l] = in - g.InStart[v]
		s.outBase[l] = out - vs.outLo
		in += g.InStart[v+1] - g.InStart[v]
		out += vs.outHi - vs.outLo
	}
	s.inDown = make([]bool, in)
	s.carried = make([]bool, out)
}

func (s *Shard) initVertex(l int32, seed uint64) {
	v := s.global(l)
	vs := &s.vs[l]
	vs.rng = stream(seed, s.g.IDs[v])
	vs.hash = (fnvOffset ^ uint64(v)) * fnvPrime
	vs.ext, vs.pend = -1, -1
	vs.gateK = gateK(s.g, v)
	vs.inst, vs.class = Available, Available
	if f := s.w.flags[v]; f&wTarget != 0 {
		vs.flags |= vTarget
	}
	if vs.gateK < 0 {
		vs.flags |= vWeights
	}

	if cfg := s.w.config(v); cfg != nil {
		s.initExt(l, cfg)
		return
	}
	vs.due = s.w.profiles[s.w.prof[v]].fail.Draw(&vs.rng)
	if vs.due != Never {
		s.cal.pushTimer(vs.due, l)
	}
}

// gateK turns the gate of v into a count of down inputs that impairs it,
// or -1 when the gate weighs its inputs.
func gateK(g *model.Graph, v int32) int32 {
	n := g.InStart[v+1] - g.InStart[v]
	if n == 0 {
		return math.MaxInt32
	}
	switch spec := g.Gates[v]; spec.Kind {
	case model.GateAny:
		return n
	case model.GateKOfN:
		if spec.K <= 0 {
			return math.MaxInt32
		}
		return max(0, n-spec.K+1)
	case model.GateThreshold:
		return -1
	}
	return 1
}

// global returns the vertex of local index l.
func (s *Shard) global(l int32) int32 {
	switch {
	case s.verts == nil:
		return l
	case s.lone >= 0:
		return s.lone // spares a read of verts, cold with a shard per vertex
	}
	return s.verts[l]
}

func (s *Shard) owns(v int32) bool {
	if s.lone >= 0 {
		return v == s.lone // no read of the partition, as in index
	}
	if v < 0 || int(v) >= s.w.Size() {
		return false
	}
	return s.p == nil || s.p.Owner[v] == s.id
}

func (s *Shard) local(v int32) (int32, error) {
	if !s.owns(v) {
		return 0, fmt.Errorf("%w: vertex %d", ErrNotOwned, v)
	}
	return s.index(v), nil
}

// index is the local index of vertex v, which the shard owns. A shard of
// one vertex answers without reading the partition, which is cold in the
// cache when there is a shard per vertex.
func (s *Shard) index(v int32) int32 {
	switch {
	case s.p == nil:
		return v
	case s.lone >= 0:
		return 0
	}
	return s.p.Local[v]
}

// Warm reads a word in each cache line of the Shard's leading fields,
// and the first words of its first vertex, of that vertex's edges and
// of its queues and scratch space, all of which the next delivery and
// step are likely to read, and returns a number of no meaning. An
// engine about to step many shards that are cold in the cache warms
// them all first: the misses of one shard then overlap those of the
// next instead of following them.
func (s *Shard) Warm() int64 {
	x := s.cal.last + s.now + s.delta.Events + s.counters.Events +
		int64(len(s.inDown)+len(s.dirty)+len(s.out)+int(s.id))
	if s.w != nil {
		x++
	}
	if len(s.vs) > 0 {
		vs := &s.vs[0] // 80 bytes: due and outLo are on either line
		x += vs.due + int64(s.inBase[0]+s.outBase[0])
		if vs.outLo < vs.outHi {
			x += int64(s.w.outs[vs.outLo].to)
		}
	}
	if len(s.inDown) > 0 {
		x += int64(b2u(s.inDown[0]))
	}
	if len(s.carried) > 0 {
		x += int64(b2u(s.carried[0]))
	}
	if cap(s.dirty) > 0 {
		x += int64(s.dirty[:1][0])
	}
	if cap(s.out) > 0 {
		x += s.out[:1][0].At
	}
	if len(s.cal.far) > 0 {
		x += s.cal.far[0].At
	}
	if len(s.cal.timers) > 0 {
		x += s.cal.timers[0].At
	}
	return x
}

// ID is the shard's number in its partition.
func (s *Shard) ID() int { return int(s.id) }

// Vertices lists the shard's vertices, in increasing order.
func (s *Shard) Vertices() []int32 {
	if s.verts != nil {
		return s.verts
	}
	all := make([]int32, len(s.vs)+len(s.ins))
	for i := range all {
		all[i] = int32(i)
	}
	return all
}

// NextDue returns the next tick at which the shard has anything to do,
// counting messages already delivered to it, or Never.
func (s *Shard) NextDue() int64 {
	if !s.started && len(s.dirty) > 0 {
		return 0
	}
	return s.cal.nextTick()
}

// Deliver accepts messages from other shards. Each must be addressed to
// a vertex of this shard and arrive after the last tick run; the shard
// copies them, so the caller may reuse the slice.
func (s *Shard) Deliver(msgs []Message) error {
	for _, m := range msgs {
		l, err := s.local(m.To)
		if err != nil {
			return err
		}
		if m.At <= s.cal.last {
			return fmt.Errorf("%w: message for tick %d delivered after tick %d",
				ErrPast, m.At, s.cal.last)
		}
		m.To = l
		s.cal.put(m)
	}
	return nil
}

// Step runs tick t, which must not be earlier than NextDue, and returns
// the messages for vertices of other shards (valid until the next call)
// and what the tick changed.
func (s *Shard) Step(t int64) ([]Message, Delta) {
	if t <= s.cal.last {
		panic(fmt.Sprintf("core: tick %d stepped after tick %d", t, s.cal.last))
	}
	s.now, s.started = t, true
	s.cal.last = t
	s.out = s.out[:0]
	s.delta = NoDelta

	s.applyArrivals(t)
	s.fireTimers(t)
	for _, l := range s.dirty {
		s.settle(l, t)
	}
	s.dirty = s.dirty[:0]

	s.counters.Events += s.delta.Events
	s.counters.ControlSent += int64(s.delta.Sent)
	s.counters.ControlLost += int64(s.delta.Lost)
	s.counters.Restarts += int64(s.delta.Restarts)
	return s.out, s.delta
}

func (s *Shard) applyArrivals(t int64) {
	for k := s.cal.bucket(t); k >= 0; {
		var msgs []Message
		msgs, k = s.cal.chunk(k)
		for i := range msgs {
			s.arrive(&msgs[i])
		}
	}
	s.cal.release(t)
	for s.cal.farDue(t) {
		m := s.cal.popFar()
		s.arrive(&m)
	}
	if len(s.ctl) == 0 {
		return
	}

	// The ordered messages, in canonical order.
	slices.SortFunc(s.ctl, func(a, b Message) int {
		if less(&a, &b) {
			return -1
		}
		return 1
	})
	for i := range s.ctl {
		s.handle(&s.ctl[i])
	}
	s.ctl = s.ctl[:0]
}

// arrive applies a depends message at once and keeps the others for
// their canonical order.
func (s *Shard) arrive(m *Message) {
	s.delta.Events++
	switch m.Kind {
	case KindDown:
		s.inputDown(m)
	case KindUp:
		s.inputUp(m)
	default:
		s.ctl = append(s.ctl, *m)
	}
}

func (s *Shard) inputDown(m *Message) {
	vs := &s.vs[m.To]
	if vs.flags&vWeights != 0 {
		s.inDown[m.A+s.inBase[m.To]] = true
	}
	vs.down++
	if vs.flags&vGotDown == 0 || m.B < vs.pend {
		vs.pend = m.B
	}
	vs.flags |= vGotDown
	s.markDirty(m.To)
}

func (s *Shard) inputUp(m *Message) {
	vs := &s.vs[m.To]
	if vs.flags&vWeights != 0 {
		s.inDown[m.A+s.inBase[m.To]] = false
	}
	vs.down--
	s.markDirty(m.To)
}

func (s *Shard) markDirty(l int32) {
	vs := &s.vs[l]
	if vs.flags&vDirty == 0 {
		vs.flags |= vDirty
		s.dirty = append(s.dirty, l)
	}
}

func (s *Shard) fireTimers(t int64) {
	for s.cal.timerDue(t) {
		tm := s.cal.popTimer()
		if s.isInst(tm.ID) {
			s.instFire(tm.ID, t)
			continue
		}
		vs := &s.vs[tm.ID]
		if vs.due != t {
			continue
		}
		s.delta.Events++
		if vs.ext >= 0 {
			s.fireExt(tm.ID, t)
		} else {
			s.fireFast(tm.ID, vs, t)
		}
	}
}

// fireFast runs the one timer of a fast-path vertex: an up vertex fails,
// a failed one is repaired.
func (s *Shard) fireFast(l int32, vs *vstate, t int64) {
	pf := &s.w.profiles[s.w.prof[s.global(l)]]
	var d int64
	if vs.inst == Available {
		vs.inst = Failed
		d = pf.repair.Draw(&vs.rng)
	} else {
		vs.inst = Available
		d = pf.fail.Draw(&vs.rng)
	}
	s.note(l, t, noteInst, uint64(vs.inst))
	vs.due = after(t, d)
	if vs.due != Never {
		s.cal.pushTimer(vs.due, l)
	}
	s.markDirty(l)
}

// after adds a span to a tick, keeping Never.
func after(t, d int64) int64 {
	if d == Never {
		return Never
	}
	return t + d
}
