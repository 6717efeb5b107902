package cluster

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"github.com/homeostat/homeostat/sim"
)

// TestResultRoundTrip: a job's result decodes to the runs and summary
// that were encoded, so simctl writes what one process would.
func TestResultRoundTrip(t *testing.T) {
	m, _ := layeredModel(t, 600, 1)
	g, err := model.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	w, err := core.NewWorld(g)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlan(g, RunOptions{Seed: 3, Duration: "2d", Runs: 2, Record: true,
		Inject: []string{"fe-0@1h:30m", "db-0@5h"}})
	if err != nil {
		t.Fatal(err)
	}
	runs, err := sim.Run(context.Background(), sim.Direct{}, w, p.opt)
	if err != nil {
		t.Fatal(err)
	}
	s := sim.Summarize(w, EngineName, p.opt.Seed, runs)
	cross := []crossTraffic{{messages: 10, chunks: 2, bytes: 150}, {messages: 1}}
	b, err := encodeResult(s, runs, cross, facts{members: []string{"a", "b"},
		vertices: []int64{300, 300}, edges: 40, cut: 4})
	if err != nil {
		t.Fatal(err)
	}
	o, err := DecodeResult(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.Runs, runs) {
		t.Error("the runs changed on the way")
	}
	if !reflect.DeepEqual(o.Summary, s) {
		t.Errorf("summary %+v, want %+v", o.Summary, s)
	}
	if o.CrossMessages != 11 || o.CrossBytes != 150 || o.CutEdges != 4 ||
		len(o.Members) != 2 {
		t.Errorf("facts %+v", o)
	}
	if len(runs[0].Events) == 0 || len(runs[0].Outages) == 0 {
		t.Errorf("the model made no events or outages to carry")
	}
}

// TestDecodeDamagedResult: a result whose columns disagree is refused.
func TestDecodeDamagedResult(t *testing.T) {
	cases := []*pb.JobResult{
		{SummaryJson: []byte("{")},
		{SummaryJson: []byte("{}"), Runs: []*pb.RunResult{{
			Outages: &pb.OutageColumns{Start: []int64{1}}}}},
		{SummaryJson: []byte("{}"), Runs: []*pb.RunResult{{
			Series: &pb.SampleColumns{Tick: []int64{1}, Class: []int64{1}}}}},
		{SummaryJson: []byte("{}"), Runs: []*pb.RunResult{{
			Vertices: &pb.ShardResult{Vertex: []int32{0}}}}},
	}
	for i, c := range cases {
		b, err := proto.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeResult(b); !errors.Is(err, ErrJob) {
			t.Errorf("case %d: %v, want ErrJob", i, err)
		}
	}
	if _, err := DecodeResult([]byte{0xff}); !errors.Is(err, ErrJob) {
		t.Errorf("garbage: %v", err)
	}
}
