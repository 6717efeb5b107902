package core

import (
	"errors"
	"math"
	"testing"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

func newWorld(t *testing.T, m *pb.Model) *World {
	t.Helper()
	g, err := model.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWorld(g)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func fixedRepair(d int64) *pb.Repair {
	return &pb.Repair{Model: &pb.Repair_Fixed{Fixed: &pb.FixedRepair{Duration: d}}}
}

func deps(ids ...string) []*pb.Dependency {
	var ds []*pb.Dependency
	for _, id := range ids {
		ds = append(ds, &pb.Dependency{Id: id})
	}
	return ds
}

// gateModel has three inputs a, b, c (weights 1, 2, 0.5) feeding v.
func gateModel(gate *pb.Gate) *pb.Model {
	m := &pb.Model{}
	for _, id := range []string{"a", "b", "c"} {
		m.Vertices = append(m.Vertices, &pb.Vertex{Id: id, Repair: fixedRepair(100)})
	}
	v := &pb.Vertex{Id: "v", DependsOn: deps("a", "b", "c"), Gate: gate}
	w1, w2, w3 := 1.0, 2.0, 0.5
	v.DependsOn[0].Weight, v.DependsOn[1].Weight, v.DependsOn[2].Weight = &w1, &w2, &w3
	m.Vertices = append(m.Vertices, v)
	return m
}

// TestGates: after the inputs listed fail, v is impaired or available as
// its gate says (SPEC section 1).
func TestGates(t *testing.T) {
	any := &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}
	kOf2 := &pb.Gate{Kind: &pb.Gate_KOfN{KOfN: 2}}
	theta2 := &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: 2}}
	half := &pb.Gate{Kind: &pb.Gate_ThresholdFraction{ThresholdFraction: 0.5}}
	tests := []struct {
		name string
		gate *pb.Gate
		down []int32
		want Class
	}{
		{"all, one down", nil, []int32{2}, Impaired},
		{"all, none down", nil, nil, Available},
		{"any, two down", any, []int32{0, 1}, Available},
		{"any, all down", any, []int32{0, 1, 2}, Impaired},
		{"2 of 3, one down", kOf2, []int32{0}, Available},
		{"2 of 3, two down", kOf2, []int32{0, 2}, Impaired},
		{"threshold 2, weight 1.5 down", theta2, []int32{0, 2}, Available},
		{"threshold 2, weight 2 down", theta2, []int32{1}, Impaired},
		{"half of 3.5, weight 1.5 down", half, []int32{0, 2}, Available},
		{"half of 3.5, weight 2 down", half, []int32{1}, Impaired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, gateModel(tt.gate))
			var inj []Injection
			for _, v := range tt.down {
				inj = append(inj, Injection{Vertex: v, At: 10})
			}
			s := NewShard(w, nil, 0, Run{Seed: 1, Injections: inj})
			for tick := s.NextDue(); tick <= 11; tick = s.NextDue() {
				s.Step(tick)
			}
			if got, _ := s.Class(3); got != tt.want {
				t.Errorf("v is %s, want %s", got, tt.want)
			}
		})
	}
}

func TestShardRefusesMisuse(t *testing.T) {
	w := newWorld(t, gateModel(nil))
	p := Blocks(w.N(), 2)
	s := NewShard(w, p, 0, Run{Seed: 1})
	if err := s.Deliver([]Message{{At: 5, To: 3}}); !errors.Is(err, ErrNotOwned) {
		t.Errorf("delivery to another shard's vertex: %v", err)
	}
	if err := s.Inject(Injection{Vertex: 3, At: 5}); !errors.Is(err, ErrNotOwned) {
		t.Errorf("injection into another shard's vertex: %v", err)
	}
	s.Step(8)
	if err := s.Deliver([]Message{{At: 8, To: 0}}); !errors.Is(err, ErrPast) {
		t.Errorf("delivery for a tick already run: %v", err)
	}
	if err := s.Inject(Injection{Vertex: 0, At: 3}); !errors.Is(err, ErrPast) {
		t.Errorf("injection in the past: %v", err)
	}
}

// TestFastPathCycle: a lone vertex alternates between available and
// failed, and its availability adds up to the ticks it was up.
func TestFastPathCycle(t *testing.T) {
	m := &pb.Model{Vertices: []*pb.Vertex{{Id: "x", Repair: fixedRepair(10),
		Failure: &pb.Failure{Model: &pb.Failure_Exponential{
			Exponential: &pb.Exponential{Mttf: 50}}}}}}
	w := newWorld(t, m)
	s := NewShard(w, nil, 0, Run{Seed: 4})
	const end = 100_000
	down, last := int64(0), Available
	var since int64
	for tick := s.NextDue(); tick < end; tick = s.NextDue() {
		s.Step(tick)
		c, _ := s.Class(0)
		if c != last {
			if c == Available {
				down += tick - since
			}
			since, last = tick, c
		}
	}
	s.Finish(end)
	if last != Available {
		down += end - since
	}
	r := make([]VertexResult, 1)
	s.Results(r)
	if r[0].AvailableTicks != end-down {
		t.Errorf("available %d ticks, the class changes say %d", r[0].AvailableTicks, end-down)
	}
	if u := float64(down) / end; math.Abs(u-10.0/60) > 0.02 {
		t.Errorf("unavailability %.3f, want about %.3f", u, 10.0/60)
	}
}

func TestBackoff(t *testing.T) {
	cfg := &supConfig{bInit: 3, bFactor: 2, bMax: 20}
	want := []int64{3, 6, 12, 20, 20}
	for streak, w := range want {
		if got := backoff(cfg, int32(streak)); got != w {
			t.Errorf("streak %d: %d ticks, want %d", streak, got, w)
		}
	}
	cfg.bMax = 0
	if got := backoff(cfg, 200); got != 1<<40 {
		t.Errorf("an unbounded back-off grew to %d", got)
	}
}

// TestRestartIntensity: more than maxRestarts restarts within the period
// exceed it; restarts that fell out of the period do not count.
func TestRestartIntensity(t *testing.T) {
	sp := &supState{cfg: &supConfig{maxRestarts: 2, period: 10}}
	steps := []struct {
		t    int64
		want bool
	}{{0, false}, {5, false}, {12, false}, {16, false}, {17, true}, {40, false}}
	for _, st := range steps {
		if got := sp.exceeded(st.t); got != st.want {
			t.Errorf("restart at %d: exceeded %v, want %v", st.t, got, st.want)
		}
	}
	if len(sp.recent) > 3 {
		t.Errorf("kept %d restart ticks for a limit of 2", len(sp.recent))
	}
}

func TestChooseHost(t *testing.T) {
	caps := []int32{2, 2, 4}
	tests := []struct {
		name   string
		loads  []int32
		spread bool
		want   int
	}{
		{"spread takes the least loaded", []int32{1, 0, 3}, true, 1},
		{"spread breaks ties by order", []int32{1, 1, 1}, true, 0},
		{"pack takes the most loaded with room", []int32{1, 2, 3}, false, 2},
		{"pack skips full hosts", []int32{2, 1, 4}, false, 1},
		{"all full: the least over", []int32{3, 2, 5}, true, 1},
	}
	for _, tt := range tests {
		if got := choose(tt.loads, caps, tt.spread); got != tt.want {
			t.Errorf("%s: host %d, want %d", tt.name, got, tt.want)
		}
	}
	if got := choose(nil, nil, true); got != -1 {
		t.Errorf("no hosts: %d, want -1", got)
	}
}

func TestPartitions(t *testing.T) {
	p := Blocks(10, 3)
	for v, s := range p.Owner {
		if p.Members[s][p.Local[v]] != int32(v) {
			t.Fatalf("vertex %d is not where its shard says", v)
		}
	}
	if _, err := NewPartition([]int32{0, 3}, 2); !errors.Is(err, ErrPartition) {
		t.Errorf("a vertex in shard 3 of 2: %v", err)
	}
}
