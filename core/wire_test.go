package core

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// TestWireRoundTrips: batches, deltas and shard results survive encoding
// to protobuf bytes and back.
func TestWireRoundTrips(t *testing.T) {
	msgs := []Message{{At: 9, To: 3, From: 1, Seq: 7, Kind: KindProbe, A: 1, B: -2},
		{At: 10, To: 4, From: 2, Kind: KindDown, A: 55, B: 2}}
	var b pb.MessageBatch
	PackBatch(msgs, &b)
	data, err := proto.Marshal(&b)
	if err != nil {
		t.Fatal(err)
	}
	var back pb.MessageBatch
	if err := proto.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	got, err := UnpackBatch(&back, nil)
	if err != nil || !slices.Equal(got, msgs) {
		t.Errorf("batch came back as %v, %v", got, err)
	}
	back.B = back.B[:1]
	if _, err := UnpackBatch(&back, nil); err == nil {
		t.Error("a damaged batch unpacked")
	}
	if m := MessageFromProto(MessageToProto(msgs[0])); m != msgs[0] {
		t.Errorf("message came back as %+v", m)
	}

	d := NoDelta
	d.Class[Failed], d.TargetsDown, d.Events = 2, 1, 40
	if got := DeltaFromProto(DeltaToProto(&d)); got != d {
		t.Errorf("delta came back as %+v", got)
	}

	w := newWorld(t, gateModel(nil))
	s := NewShard(w, Blocks(w.N(), 2), 1, Run{Seed: 2,
		Injections: []Injection{{Vertex: 3, At: 4, Duration: 5}}})
	for tick := s.NextDue(); tick < 50; tick = s.NextDue() {
		s.Step(tick)
	}
	s.Finish(50)
	want := make([]VertexResult, w.N())
	s.Results(want)
	out := make([]VertexResult, w.N())
	c, err := ResultFromProto(s.ResultToProto(), out)
	if err != nil || !slices.Equal(out, want) || c != s.Counters() {
		t.Errorf("results came back as %v, %+v, %v", out, c, err)
	}
}
