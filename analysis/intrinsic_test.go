package analysis

import (
	"math"
	"testing"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

func TestIntrinsic(t *testing.T) {
	day := int64(86400) // ticks of one second
	expo := func(mttf int64) *pb.Failure {
		return &pb.Failure{Model: &pb.Failure_Exponential{Exponential: &pb.Exponential{Mttf: mttf}}}
	}
	mttr := func(d int64) *pb.Repair {
		return &pb.Repair{Model: &pb.Repair_Exponential{
			Exponential: &pb.ExponentialRepair{Mttr: d}}}
	}
	fixed := func(d int64) *pb.Repair {
		return &pb.Repair{Model: &pb.Repair_Fixed{Fixed: &pb.FixedRepair{Duration: d}}}
	}
	bern := &pb.Failure{Model: &pb.Failure_Bernoulli{Bernoulli: &pb.Bernoulli{P: 1e-4}}}
	weib := &pb.Failure{Model: &pb.Failure_Weibull{Weibull: &pb.Weibull{Shape: 2, Scale: 1000}}}
	sched := &pb.Failure{Model: &pb.Failure_Schedule{Schedule: &pb.Schedule{Windows: []*pb.Window{
		{At: 100, Duration: 50}, {At: 120, Duration: 60}, {At: 990, Duration: 100}}}}}
	sup := func(interval int64, threshold uint32, backoff int64) *pb.Vertex {
		return &pb.Vertex{Id: "sup", Kind: pb.Kind_KIND_SUPERVISOR,
			Supervisor: &pb.Supervisor{Supervises: []string{"v"},
				Probe:   &pb.Probe{Interval: interval, FailureThreshold: threshold},
				Backoff: &pb.Backoff{Initial: backoff}}}
	}
	start := &pb.Delay{Law: &pb.Delay_ExponentialMean{ExponentialMean: 30}}
	cases := []struct {
		name  string
		v     *pb.Vertex
		extra []*pb.Vertex
		want  float64
	}{
		{"no failure", &pb.Vertex{}, nil, 0},
		{"unavailability", &pb.Vertex{Failure: unavail(0.25)}, nil, 0.25},
		{"exponential", &pb.Vertex{Failure: expo(30 * day), Repair: mttr(3600)}, nil,
			3600.0 / (30*86400 + 3600)},
		{"bernoulli is p/(p+r)", &pb.Vertex{Failure: bern, Repair: fixed(500)}, nil,
			1e-4 / (1e-4 + 1.0/500)},
		{"weibull", &pb.Vertex{Failure: weib, Repair: mttr(100)}, nil,
			100 / (1000*math.Gamma(1.5) + 100)},
		{"schedule covers the union of its windows", &pb.Vertex{Failure: sched},
			nil, (80 + 10) / 1000.0},
		{"nothing repairs it", &pb.Vertex{Failure: expo(1000)}, nil, 1},
		{"explicit none repair", &pb.Vertex{Failure: expo(1000),
			Repair: &pb.Repair{Model: &pb.Repair_None{None: &pb.Empty{}}}}, nil, 1},
		{"supervisor: detection + backoff + start", &pb.Vertex{Failure: expo(10000),
			StartTime: start}, []*pb.Vertex{sup(5, 4, 7)}, 57.0 / (10000 + 57)},
		{"supervisor defaults: 10 s probes, 3 misses, 1 tick", &pb.Vertex{
			Failure: expo(10000)}, []*pb.Vertex{sup(0, 0, 0)}, 32.0 / (10000 + 32)},
		{"own repair beats the supervisor", &pb.Vertex{Failure: expo(900),
			Repair: fixed(100)}, []*pb.Vertex{sup(5, 4, 7)}, 0.1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.v.Id = "v"
			m := &pb.Model{Simulation: &pb.Simulation{Duration: 1000},
				Vertices: append([]*pb.Vertex{c.v}, c.extra...)}
			g := compile(t, m)
			if got := Intrinsic(g, 0); math.Abs(got-c.want) > 1e-15 {
				t.Errorf("Intrinsic = %.17g, want %.17g", got, c.want)
			}
			if got := Unrepaired(g, 0); got != (c.want == 1) {
				t.Errorf("Unrepaired = %v", got)
			}
		})
	}
}

func TestSupervisorLeaderHasLowestID(t *testing.T) {
	sup := func(id string, interval int64) *pb.Vertex {
		return &pb.Vertex{Id: id, Kind: pb.Kind_KIND_SUPERVISOR,
			Supervisor: &pb.Supervisor{Supervises: []string{"v"},
				Probe: &pb.Probe{Interval: interval, FailureThreshold: 1}}}
	}
	exp := &pb.Failure{Model: &pb.Failure_Exponential{Exponential: &pb.Exponential{Mttf: 1000}}}
	m := &pb.Model{Vertices: []*pb.Vertex{{Id: "v", Failure: exp},
		sup("sup-b", 100), sup("sup-a", 9)}}
	// sup-a leads: 9 ticks detection + 1 back-off + 1 start.
	if got, want := Intrinsic(compile(t, m), 0), 11.0/1011; math.Abs(got-want) > 1e-15 {
		t.Errorf("Intrinsic = %g, want %g", got, want)
	}
}

func TestIntrinsicDownQuorum(t *testing.T) {
	cases := []struct {
		n, k uint32
		u    float64
		want float64
	}{
		{1, 1, 0.1, 0.1},
		{3, 2, 0.1, 3*0.01*0.9 + 0.001},
		{3, 1, 0.1, 0.001},
		{3, 3, 0.1, 1 - 0.729},
		{5, 3, 0.2, 10*0.008*0.64 + 5*0.0016*0.8 + 0.00032},
	}
	for _, c := range cases {
		m := &pb.Model{Vertices: []*pb.Vertex{{Id: "s", Replicas: c.n, Quorum: c.k,
			Failure: unavail(c.u)}}}
		g := compile(t, m)
		if got := IntrinsicDown(g, 0); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%d of %d at %g: %.17g, want %.17g", c.k, c.n, c.u, got, c.want)
		}
		if got := Intrinsic(g, 0); got != c.u {
			t.Errorf("Intrinsic of a replica set = %g, want the instance's %g", got, c.u)
		}
	}
}
