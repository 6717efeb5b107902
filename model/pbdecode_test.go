package model

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/gen"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// everyField is a model that sets every field the fast decoder reads,
// each oneof choice included, and the fields it leaves to proto.
func everyField() *pb.Model {
	empty := &pb.Empty{}
	failures := []*pb.Failure{
		{Model: &pb.Failure_None{None: empty}},
		{Model: &pb.Failure_Bernoulli{Bernoulli: &pb.Bernoulli{P: 0.25}}},
		{Model: &pb.Failure_Exponential{Exponential: &pb.Exponential{Mttf: 9}}},
		{Model: &pb.Failure_Weibull{Weibull: &pb.Weibull{Shape: 1.5, Scale: 7}}},
		{Model: &pb.Failure_Schedule{Schedule: &pb.Schedule{Windows: []*pb.Window{
			{At: 1, Duration: 2}, {At: 5}}}}},
		{Model: &pb.Failure_Unavailability{Unavailability: 0.01}},
		{},
	}
	repairs := []*pb.Repair{
		{Model: &pb.Repair_None{None: empty}},
		{Model: &pb.Repair_Exponential{Exponential: &pb.ExponentialRepair{Mttr: 3}}},
		{Model: &pb.Repair_Fixed{Fixed: &pb.FixedRepair{Duration: 4}}},
		{},
	}
	gates := []*pb.Gate{
		{Kind: &pb.Gate_All{All: empty}},
		{Kind: &pb.Gate_Any{Any: empty}},
		{Kind: &pb.Gate_KOfN{KOfN: 2}},
		{Kind: &pb.Gate_Threshold{Threshold: 1.5}},
		{Kind: &pb.Gate_ThresholdFraction{ThresholdFraction: 0.5}},
		{},
	}
	delays := []*pb.Delay{
		{Law: &pb.Delay_Fixed{Fixed: 30}},
		{Law: &pb.Delay_ExponentialMean{ExponentialMean: 45}},
		{},
	}
	m := &pb.Model{Name: "every", TickNanos: 1e9, Targets: []string{"v0", "v1"},
		ControlPlane: &pb.ControlPlane{Default: &pb.Link{Latency: 2, Loss: 0.1},
			Partitions: []*pb.Partition{{At: 3, Duration: 4, Sides: []*pb.Side{
				{Ids: []string{"v0"}}, {Ids: []string{"v1"}}}}}},
		Simulation: &pb.Simulation{Duration: 100, Seed: 7, Runs: 3}}
	for i := range 12 {
		m.Vertices = append(m.Vertices, &pb.Vertex{
			Id: id("v", i), Kind: pb.Kind(i % 3), Replicas: uint32(i), Quorum: 1,
			StartTime: delays[i%len(delays)],
			DependsOn: []*pb.Dependency{{Id: "v0", Probability: proto.Float64(0.5),
				Delay: proto.Int64(int64(i)), Weight: proto.Float64(0)}, {Id: "héllo"}},
			Gate: gates[i%len(gates)], Failure: failures[i%len(failures)],
			Repair: repairs[i%len(repairs)], HostedOn: "vm",
			Supervisor: &pb.Supervisor{Supervises: []string{"a", "b"}, Strategy: 3,
				Placement: 1, Probe: &pb.Probe{Interval: 5, FailureThreshold: 2, Check: 1},
				Backoff:     &pb.Backoff{Initial: 1, Factor: 2, Max: 9, ResetAfter: 8},
				MaxRestarts: 4, Period: 60, MaxConcurrentRestarts: 2},
			Vmhost: &pb.VMHost{Capacity: 3, BootTime: 90},
		})
	}
	m.Vertices = append(m.Vertices, &pb.Vertex{}, &pb.Vertex{Kind: -4, Id: "neg",
		Supervisor: &pb.Supervisor{}, Vmhost: &pb.VMHost{}})
	return m
}

func id(prefix string, i int) string { return prefix + string(rune('a'+i)) }

// plainModels are models in every shape the fast decoder should read
// on its own: the test files, the examples and generated models.
func plainModels(t *testing.T) []*pb.Model {
	t.Helper()
	models := []*pb.Model{everyField(), {}}
	paths, _ := filepath.Glob("testdata/*.yaml")
	more, _ := filepath.Glob("../examples/*.yaml")
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if m, _, err := Decode(p, data); err == nil {
			models = append(models, m)
		}
	}
	for _, kind := range gen.Kinds {
		m, err := gen.Generate(kind, gen.Options{Vertices: 3000, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, m)
	}
	return models
}

func TestDecodeFastMatchesProto(t *testing.T) {
	for _, want := range plainModels(t) {
		for _, deterministic := range []bool{false, true} {
			opts := proto.MarshalOptions{Deterministic: deterministic}
			data, err := opts.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := decodeFast(data)
			if !ok {
				t.Errorf("%s: the fast decoder gave up on plain input", want.GetName())
				continue
			}
			assertModel(t, got, want)
		}
	}
}

// appendField writes one raw field.
func appendField(b []byte, num protowire.Number, typ protowire.Type, v []byte) []byte {
	b = protowire.AppendTag(b, num, typ)
	if typ == protowire.BytesType {
		return protowire.AppendBytes(b, v)
	}
	return append(b, v...)
}

// vertexBytes wraps the raw fields of a vertex into a model.
func vertexBytes(fields ...[]byte) []byte {
	var v []byte
	for _, f := range fields {
		v = append(v, f...)
	}
	return appendField(nil, 4, protowire.BytesType, v)
}

func TestDecodeFastGivesUpOnWhatProtoMerges(t *testing.T) {
	str := func(num protowire.Number, s string) []byte {
		return appendField(nil, num, protowire.BytesType, []byte(s))
	}
	msg := func(num protowire.Number, fields ...[]byte) []byte {
		var b []byte
		for _, f := range fields {
			b = append(b, f...)
		}
		return appendField(nil, num, protowire.BytesType, b)
	}
	varint := func(num protowire.Number, x uint64) []byte {
		return appendField(nil, num, protowire.VarintType, protowire.AppendVarint(nil, x))
	}
	tests := []struct {
		name  string
		data  []byte
		plain bool // the fast decoder reads it on its own
	}{
		{"id twice", vertexBytes(str(1, "a"), str(1, "b")), true},
		{"kind as a huge varint", vertexBytes(varint(2, 1<<40|2)), true},
		{"optional delay twice", vertexBytes(msg(6, varint(3, 4), varint(3, 5))), true},
		{"failure twice", vertexBytes(msg(8, msg(3, varint(1, 5))),
			msg(8, msg(3, varint(1, 6)))), false},
		{"two failure models", vertexBytes(msg(8, msg(3, varint(1, 5)),
			msg(2))), false},
		{"unknown vertex field", vertexBytes(str(1, "a"), varint(99, 1)), false},
		{"kind written as bytes", vertexBytes(str(2, "x")), false},
		{"vertices as a varint", varint(4, 3), true},
		{"unknown model field", append(vertexBytes(str(1, "a")), varint(77, 1)...), true},
		{"non-empty Empty", vertexBytes(msg(7, msg(1, varint(1, 1)))), false},
		{"invalid UTF-8 id", vertexBytes(str(1, "\xff")), false},
		{"invalid UTF-8 child", vertexBytes(msg(11, str(1, "\xc3"))), false},
		{"invalid UTF-8 target", str(3, "\xff"), false},
		{"truncated vertex", vertexBytes(str(1, "abc"))[:4], false},
		{"bad varint", []byte{0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			false},
		{"field number zero", varint(0, 1), false},
	}
	for _, tt := range tests {
		if _, ok := decodeFast(tt.data); ok != tt.plain {
			t.Errorf("%s: fast decoder ok = %v, want %v", tt.name, ok, tt.plain)
		}
		assertDecodesLikeProto(t, tt.name, tt.data)
	}
}

// assertDecodesLikeProto holds Decode to proto.Unmarshal: the same model,
// or the same error text.
func assertDecodesLikeProto(t *testing.T, name string, data []byte) {
	t.Helper()
	want := &pb.Model{}
	werr := proto.Unmarshal(data, want)
	got, _, err := Decode("m.pb", data)
	switch {
	case werr != nil && err == nil:
		t.Errorf("%s: Decode succeeded, proto.Unmarshal failed: %v", name, werr)
	case werr != nil:
		if msg := "m.pb: not a model in protobuf form: " + werr.Error(); err.Error() != msg {
			t.Errorf("%s: error %q, want %q", name, err, msg)
		}
	case err != nil:
		t.Errorf("%s: Decode failed (%v), proto.Unmarshal did not", name, err)
	case !proto.Equal(got, want):
		t.Errorf("%s: Decode and proto.Unmarshal differ", name)
	}
}

// TestDecodeMutationsLikeProto damages valid files byte by byte, in a
// seeded way, and expects Decode to agree with proto.Unmarshal on each.
func TestDecodeMutationsLikeProto(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, m := range []*pb.Model{everyField(), plainModels(t)[2]} {
		data, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		for range 3000 {
			bad := append([]byte(nil), data...)
			switch k := r.IntN(len(bad)); r.IntN(3) {
			case 0:
				bad[k] ^= byte(1 << r.IntN(8))
			case 1:
				bad = bad[:k]
			default:
				bad = append(bad[:k], append([]byte{byte(r.IntN(256))}, bad[k:]...)...)
			}
			assertDecodesLikeProto(t, "mutation", bad)
		}
	}
}

// FuzzDecodeLikeProto holds the fast path to proto.Unmarshal on any
// input.
func FuzzDecodeLikeProto(f *testing.F) {
	for _, m := range fuzzSeedModels(f) {
		if data, err := proto.Marshal(m); err == nil {
			f.Add(data)
		}
	}
	if data, err := proto.Marshal(everyField()); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		assertDecodesLikeProto(t, "fuzz", data)
	})
}

func TestSlabTakeIsCapped(t *testing.T) {
	var s slab[int]
	a := s.take(3)
	b := s.take(2)
	a = append(a, 99)
	if b[0] != 0 || len(a) != 4 {
		t.Errorf("appending to one block overwrote the next: %v %v", a, b)
	}
	if s.take(0) != nil {
		t.Error("take(0) is not nil")
	}
	big := s.take(5000)
	if len(big) != 5000 || cap(big) != 5000 {
		t.Errorf("take(5000): len %d cap %d", len(big), cap(big))
	}
}

func TestStringArenaKeepsLastValue(t *testing.T) {
	var a stringArena
	var x, y, huge string
	a.set(&x, []byte("first"))
	a.set(&y, []byte("other"))
	a.set(&x, []byte("second"))
	long := make([]byte, arenaBlock+1)
	long[0] = 'L'
	a.set(&huge, long)
	a.flush()
	if x != "second" || y != "other" || len(huge) != arenaBlock+1 || huge[0] != 'L' {
		t.Errorf("x %q, y %q, huge %d bytes", x, y, len(huge))
	}
}
