package model

import (
	"math"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// A fast path for the binary form. proto.Unmarshal allocates every
// message, oneof wrapper and string on its own, some twenty allocations a
// vertex, and on a million vertices it took longer than validating and
// compiling together. decodeFast reads the vertices, which are nearly all
// of a model's bytes, into messages and strings cut from a few large
// blocks, and leaves the rest of the model to proto.Unmarshal.
//
// It accepts only what it can read exactly as proto.Unmarshal would:
// every field of a vertex known and written with its own wire type, and
// each message field at most once (a second copy would be merged into the
// first). Anything else, unknown fields and bad bytes included, makes it
// give up, and the caller decodes the whole input with proto.Unmarshal.
// The model, or the error, is then always the one proto.Unmarshal gives.

// Wire types, shifted into the low bits of a tag.
const (
	wireVarint = uint64(protowire.VarintType)
	wire64     = uint64(protowire.Fixed64Type)
	wireBytes  = uint64(protowire.BytesType)
)

// vertexTag is the tag of Model.vertices.
const vertexTag = 4<<3 | wireBytes

// decodeFast decodes a Model, or reports false when the input needs
// proto.Unmarshal.
func decodeFast(data []byte) (*pb.Model, bool) {
	d := &pbDecoder{}
	r := pbReader{b: data, d: d}
	n := r.count(vertexTag)
	d.vertices.reserve(n)
	vs := make([]*pb.Vertex, 0, n)

	// Every field but the vertices is copied, in order, for proto.
	var rest []byte
	for r.more() {
		field := r.b
		if tag := r.varint(); tag == vertexTag {
			vs = append(vs, d.vertex(r.message()))
		} else {
			r.skip(tag)
			rest = append(rest, field[:len(field)-len(r.b)]...)
		}
	}
	d.strings.flush()
	if d.bad {
		return nil, false
	}

	m := &pb.Model{}
	if err := proto.Unmarshal(rest, m); err != nil {
		return nil, false
	}
	if len(vs) > 0 {
		m.Vertices = vs
	}
	return m, true
}

// pbDecoder holds the blocks that messages and strings are cut from, and
// whether the input turned out to need proto.Unmarshal.
type pbDecoder struct {
	bad     bool
	strings stringArena
	names   [][]byte // scratch for a supervisor's children
	deps    []*pb.Dependency

	vertices    slab[pb.Vertex]
	depends     slab[pb.Dependency]
	depLists    slab[*pb.Dependency]
	idLists     slab[string]
	floats      slab[float64]
	ints        slab[int64]
	empties     slab[pb.Empty]
	delays      slab[pb.Delay]
	fixedDelays slab[pb.Delay_Fixed]
	expDelays   slab[pb.Delay_ExponentialMean]
	gates       slab[pb.Gate]
	allGates    slab[pb.Gate_All]
	anyGates    slab[pb.Gate_Any]
	kOfNGates   slab[pb.Gate_KOfN]
	thresholds  slab[pb.Gate_Threshold]
	fractions   slab[pb.Gate_ThresholdFraction]
	failures    slab[pb.Failure]
	noFailures  slab[pb.Failure_None]
	bernoullis  slab[bernoulliFailure]
	exponential slab[exponentialFailure]
	weibulls    slab[weibullFailure]
	schedules   slab[scheduleFailure]
	unavailable slab[pb.Failure_Unavailability]
	repairs     slab[pb.Repair]
	noRepairs   slab[pb.Repair_None]
	expRepairs  slab[exponentialRepair]
	fixRepairs  slab[fixedRepair]
	supervisors slab[pb.Supervisor]
	probes      slab[pb.Probe]
	backoffs    slab[pb.Backoff]
	vmhosts     slab[pb.VMHost]
}

// A oneof wrapper and the message it points to, allocated together.
type (
	bernoulliFailure struct {
		w pb.Failure_Bernoulli
		m pb.Bernoulli
	}
	exponentialFailure struct {
		w pb.Failure_Exponential
		m pb.Exponential
	}
	weibullFailure struct {
		w pb.Failure_Weibull
		m pb.Weibull
	}
	scheduleFailure struct {
		w pb.Failure_Schedule
		m pb.Schedule
	}
	exponentialRepair struct {
		w pb.Repair_Exponential
		m pb.ExponentialRepair
	}
	fixedRepair struct {
		w pb.Repair_Fixed
		m pb.FixedRepair
	}
)

func (d *pbDecoder) vertex(r pbReader) *pb.Vertex {
	v := d.vertices.new()
	deps := d.deps[:0]
	for r.more() {
		switch r.varint() {
		case 1<<3 | wireBytes:
			d.strings.set(&v.Id, r.text())
		case 2<<3 | wireVarint:
			v.Kind = pb.Kind(int32(r.varint()))
		case 3<<3 | wireVarint:
			v.Replicas = uint32(r.varint())
		case 4<<3 | wireVarint:
			v.Quorum = uint32(r.varint())
		case 5<<3 | wireBytes:
			r.once(v.StartTime != nil)
			v.StartTime = d.delay(r.message())
		case 6<<3 | wireBytes:
			deps = append(deps, d.dependency(r.message()))
		case 7<<3 | wireBytes:
			r.once(v.Gate != nil)
			v.Gate = d.gate(r.message())
		case 8<<3 | wireBytes:
			r.once(v.Failure != nil)
			v.Failure = d.failure(r.message())
		case 9<<3 | wireBytes:
			r.once(v.Repair != nil)
			v.Repair = d.repair(r.message())
		case 10<<3 | wireBytes:
			d.strings.set(&v.HostedOn, r.text())
		case 11<<3 | wireBytes:
			r.once(v.Supervisor != nil)
			v.Supervisor = d.supervisor(r.message())
		case 12<<3 | wireBytes:
			r.once(v.Vmhost != nil)
			v.Vmhost = d.vmhost(r.message())
		default:
			r.fail()
		}
	}
	v.DependsOn = d.depLists.take(len(deps))
	copy(v.DependsOn, deps)
	d.deps = deps[:0]
	return v
}

func (d *pbDecoder) dependency(r pbReader) *pb.Dependency {
	x := d.depends.new()
	for r.more() {
		switch r.varint() {
		case 1<<3 | wireBytes:
			d.strings.set(&x.Id, r.text())
		case 2<<3 | wire64:
			x.Probability = d.float(x.Probability, r.double())
		case 3<<3 | wireVarint:
			x.Delay = d.int(x.Delay, int64(r.varint()))
		case 4<<3 | wire64:
			x.Weight = d.float(x.Weight, r.double())
		default:
			r.fail()
		}
	}
	return x
}

// float and int set an optional field, which proto.Unmarshal overwrites
// when it is written twice.
func (d *pbDecoder) float(p *float64, x float64) *float64 {
	if p == nil {
		p = d.floats.new()
	}
	*p = x
	return p
}

func (d *pbDecoder) int(p *int64, x int64) *int64 {
	if p == nil {
		p = d.ints.new()
	}
	*p = x
	return p
}

// empty reads an Empty, which has no fields to read.
func (d *pbDecoder) empty(r pbReader) *pb.Empty {
	if r.more() {
		r.fail()
	}
	return d.empties.new()
}

func (d *pbDecoder) delay(r pbReader) *pb.Delay {
	x := d.delays.new()
	for r.more() {
		r.once(x.Law != nil)
		switch r.varint() {
		case 1<<3 | wireVarint:
			w := d.fixedDelays.new()
			w.Fixed = int64(r.varint())
			x.Law = w
		case 2<<3 | wireVarint:
			w := d.expDelays.new()
			w.ExponentialMean = int64(r.varint())
			x.Law = w
		default:
			r.fail()
		}
	}
	return x
}

func (d *pbDecoder) gate(r pbReader) *pb.Gate {
	g := d.gates.new()
	for r.more() {
		r.once(g.Kind != nil)
		switch r.varint() {
		case 1<<3 | wireBytes:
			w := d.allGates.new()
			w.All = d.empty(r.message())
			g.Kind = w
		case 2<<3 | wireBytes:
			w := d.anyGates.new()
			w.Any = d.empty(r.message())
			g.Kind = w
		case 3<<3 | wireVarint:
			w := d.kOfNGates.new()
			w.KOfN = uint32(r.varint())
			g.Kind = w
		case 4<<3 | wire64:
			w := d.thresholds.new()
			w.Threshold = r.double()
			g.Kind = w
		case 5<<3 | wire64:
			w := d.fractions.new()
			w.ThresholdFraction = r.double()
			g.Kind = w
		default:
			r.fail()
		}
	}
	return g
}

func (d *pbDecoder) failure(r pbReader) *pb.Failure {
	f := d.failures.new()
	for r.more() {
		r.once(f.Model != nil)
		switch r.varint() {
		case 1<<3 | wireBytes:
			w := d.noFailures.new()
			w.None = d.empty(r.message())
			f.Model = w
		case 2<<3 | wireBytes:
			x := d.bernoullis.new()
			x.m.P = r.message().soleDouble()
			x.w.Bernoulli, f.Model = &x.m, &x.w
		case 3<<3 | wireBytes:
			x := d.exponential.new()
			x.m.Mttf = int64(r.message().soleVarint())
			x.w.Exponential, f.Model = &x.m, &x.w
		case 4<<3 | wireBytes:
			x := d.weibulls.new()
			d.weibull(r.message(), &x.m)
			x.w.Weibull, f.Model = &x.m, &x.w
		case 5<<3 | wireBytes:
			x := d.schedules.new()
			x.m.Windows = d.windows(r.message())
			x.w.Schedule, f.Model = &x.m, &x.w
		case 6<<3 | wire64:
			w := d.unavailable.new()
			w.Unavailability = r.double()
			f.Model = w
		default:
			r.fail()
		}
	}
	return f
}

func (d *pbDecoder) weibull(r pbReader, w *pb.Weibull) {
	for r.more() {
		switch r.varint() {
		case 1<<3 | wire64:
			w.Shape = r.double()
		case 2<<3 | wireVarint:
			w.Scale = int64(r.varint())
		default:
			r.fail()
		}
	}
}

// windows reads a Schedule. Schedules are rare and short, so they are
// allocated as proto.Unmarshal would.
func (d *pbDecoder) windows(r pbReader) []*pb.Window {
	var ws []*pb.Window
	for r.more() {
		if r.varint() != 1<<3|wireBytes {
			r.fail()
			break
		}
		w := &pb.Window{}
		m := r.message()
		for m.more() {
			switch m.varint() {
			case 1<<3 | wireVarint:
				w.At = int64(m.varint())
			case 2<<3 | wireVarint:
				w.Duration = int64(m.varint())
			default:
				m.fail()
			}
		}
		ws = append(ws, w)
	}
	return ws
}

func (d *pbDecoder) repair(r pbReader) *pb.Repair {
	x := d.repairs.new()
	for r.more() {
		r.once(x.Model != nil)
		switch r.varint() {
		case 1<<3 | wireBytes:
			w := d.noRepairs.new()
			w.None = d.empty(r.message())
			x.Model = w
		case 2<<3 | wireBytes:
			e := d.expRepairs.new()
			e.m.Mttr = int64(r.message().soleVarint())
			e.w.Exponential, x.Model = &e.m, &e.w
		case 3<<3 | wireBytes:
			f := d.fixRepairs.new()
			f.m.Duration = int64(r.message().soleVarint())
			f.w.Fixed, x.Model = &f.m, &f.w
		default:
			r.fail()
		}
	}
	return x
}

func (d *pbDecoder) supervisor(r pbReader) *pb.Supervisor {
	s := d.supervisors.new()
	names := d.names[:0]
	for r.more() {
		switch r.varint() {
		case 1<<3 | wireBytes:
			names = append(names, r.text())
		case 2<<3 | wireVarint:
			s.Strategy = pb.Strategy(int32(r.varint()))
		case 3<<3 | wireVarint:
			s.Placement = pb.Placement(int32(r.varint()))
		case 4<<3 | wireBytes:
			r.once(s.Probe != nil)
			s.Probe = d.probe(r.message())
		case 5<<3 | wireBytes:
			r.once(s.Backoff != nil)
			s.Backoff = d.backoff(r.message())
		case 6<<3 | wireVarint:
			s.MaxRestarts = uint32(r.varint())
		case 7<<3 | wireVarint:
			s.Period = int64(r.varint())
		case 8<<3 | wireVarint:
			s.MaxConcurrentRestarts = uint32(r.varint())
		default:
			r.fail()
		}
	}
	s.Supervises = d.idLists.take(len(names))
	for k, name := range names {
		d.strings.set(&s.Supervises[k], name)
	}
	d.names = names[:0]
	return s
}

func (d *pbDecoder) probe(r pbReader) *pb.Probe {
	p := d.probes.new()
	for r.more() {
		switch r.varint() {
		case 1<<3 | wireVarint:
			p.Interval = int64(r.varint())
		case 2<<3 | wireVarint:
			p.FailureThreshold = uint32(r.varint())
		case 3<<3 | wireVarint:
			p.Check = pb.Check(int32(r.varint()))
		default:
			r.fail()
		}
	}
	return p
}

func (d *pbDecoder) backoff(r pbReader) *pb.Backoff {
	b := d.backoffs.new()
	for r.more() {
		switch r.varint() {
		case 1<<3 | wireVarint:
			b.Initial = int64(r.varint())
		case 2<<3 | wire64:
			b.Factor = r.double()
		case 3<<3 | wireVarint:
			b.Max = int64(r.varint())
		case 4<<3 | wireVarint:
			b.ResetAfter = int64(r.varint())
		default:
			r.fail()
		}
	}
	return b
}

func (d *pbDecoder) vmhost(r pbReader) *pb.VMHost {
	h := d.vmhosts.new()
	for r.more() {
		switch r.varint() {
		case 1<<3 | wireVarint:
			h.Capacity = uint32(r.varint())
		case 2<<3 | wireVarint:
			h.BootTime = int64(r.varint())
		default:
			r.fail()
		}
	}
	return h
}

// pbReader reads the fields of one message. The first byte it cannot
// read marks the whole decoding bad and empties the reader, so the loops
// end and the values read after it are zero.
type pbReader struct {
	b []byte
	d *pbDecoder
}

func (r *pbReader) more() bool { return len(r.b) > 0 && !r.d.bad }

func (r *pbReader) fail() { r.d.bad, r.b = true, nil }

// once fails on a second copy of a message or oneof field, which
// proto.Unmarshal would merge into the first or put in its place.
func (r *pbReader) once(set bool) {
	if set {
		r.fail()
	}
}

func (r *pbReader) advance(n int) {
	if n < 0 {
		r.fail()
		return
	}
	r.b = r.b[n:]
}

func (r *pbReader) varint() uint64 {
	x, n := protowire.ConsumeVarint(r.b)
	r.advance(n)
	return x
}

func (r *pbReader) double() float64 {
	x, n := protowire.ConsumeFixed64(r.b)
	r.advance(n)
	return math.Float64frombits(x)
}

// message reads a length-delimited field as a reader of its own.
func (r *pbReader) message() pbReader {
	b, n := protowire.ConsumeBytes(r.b)
	r.advance(n)
	return pbReader{b: b, d: r.d}
}

// text reads a string field, which proto3 requires to be UTF-8.
func (r *pbReader) text() []byte {
	b, n := protowire.ConsumeBytes(r.b)
	r.advance(n)
	if !utf8.Valid(b) {
		r.fail()
	}
	return b
}

// skip passes over the value of a field with the given tag.
func (r *pbReader) skip(tag uint64) {
	num, typ := protowire.DecodeTag(tag)
	r.advance(protowire.ConsumeFieldValue(num, typ, r.b))
}

// count is the number of fields with the given tag, read ahead.
func (r *pbReader) count(tag uint64) int {
	ahead, n := *r, 0
	for ahead.more() {
		t := ahead.varint()
		if t == tag {
			n++
		}
		ahead.skip(t)
	}
	return n
}

// soleVarint reads a message of one varint field numbered 1, the shape
// of Exponential, ExponentialRepair and FixedRepair.
func (r pbReader) soleVarint() uint64 {
	var x uint64
	for r.more() {
		if r.varint() != 1<<3|wireVarint {
			r.fail()
		}
		x = r.varint()
	}
	return x
}

// soleDouble reads a message of one double field numbered 1 (Bernoulli).
func (r pbReader) soleDouble() float64 {
	var x float64
	for r.more() {
		if r.varint() != 1<<3|wire64 {
			r.fail()
		}
		x = r.double()
	}
	return x
}

// slab hands out zero values of T cut from blocks that double in size up
// to slabBlock values, so that a large model costs a few hundred
// allocations instead of millions, and a small one little memory.
type slab[T any] struct {
	free []T
	next int
}

const slabBlock = 4096

func (s *slab[T]) new() *T { return &s.take(1)[0] }

// take returns n values in a row, capped at n so that appending to them
// cannot overwrite the values handed out next. It returns nil for none.
func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if n > len(s.free) {
		s.next = min(max(2*s.next, 16), slabBlock)
		s.free = make([]T, max(n, s.next))
	}
	vs := s.free[:n:n]
	s.free = s.free[n:]
	return vs
}

// reserve makes the next n values come from one block.
func (s *slab[T]) reserve(n int) {
	if n > len(s.free) {
		s.free = make([]T, n)
	}
}

// stringArena makes strings in blocks: the bytes of many strings are
// gathered, turned into one string, and each field gets its slice of it.
// A field's string is set when its block is full or at the end, in the
// order the fields were read, so a field read twice keeps the last value.
type stringArena struct {
	buf     []byte
	pending []pendingString
}

// pendingString is a field waiting for its string, buf[from:to].
type pendingString struct {
	dst      *string
	from, to int
}

const arenaBlock = 64 << 10

func (a *stringArena) set(dst *string, b []byte) {
	if len(b) > arenaBlock {
		a.flush()
		*dst = string(b)
		return
	}
	from := len(a.buf)
	a.buf = append(a.buf, b...)
	a.pending = append(a.pending, pendingString{dst, from, len(a.buf)})
	if len(a.buf) >= arenaBlock {
		a.flush()
	}
}

func (a *stringArena) flush() {
	s := string(a.buf)
	for _, p := range a.pending {
		*p.dst = s[p.from:p.to]
	}
	a.buf, a.pending = a.buf[:0], a.pending[:0]
}
