package gen

import (
	"fmt"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Builders for the parts of a vertex, so generators read as choices.
// The failure and repair builders take one allocation where composite
// literals would take three: a million-vertex model needs millions of
// them, and allocation is most of the cost of generating one.

func exponential(mttf int64) *pb.Failure {
	x := &struct {
		f pb.Failure
		m pb.Failure_Exponential
		e pb.Exponential
	}{}
	x.e.Mttf = mttf
	x.m.Exponential = &x.e
	x.f.Model = &x.m
	return &x.f
}

func bernoulli(p float64) *pb.Failure {
	x := &struct {
		f pb.Failure
		m pb.Failure_Bernoulli
		b pb.Bernoulli
	}{}
	x.b.P = p
	x.m.Bernoulli = &x.b
	x.f.Model = &x.m
	return &x.f
}

func weibull(shape float64, scale int64) *pb.Failure {
	x := &struct {
		f pb.Failure
		m pb.Failure_Weibull
		w pb.Weibull
	}{}
	x.w.Shape, x.w.Scale = shape, scale
	x.m.Weibull = &x.w
	x.f.Model = &x.m
	return &x.f
}

func exponentialRepair(mttr int64) *pb.Repair {
	x := &struct {
		r pb.Repair
		m pb.Repair_Exponential
		e pb.ExponentialRepair
	}{}
	x.e.Mttr = mttr
	x.m.Exponential = &x.e
	x.r.Model = &x.m
	return &x.r
}

func fixedRepair(d int64) *pb.Repair {
	x := &struct {
		r pb.Repair
		m pb.Repair_Fixed
		f pb.FixedRepair
	}{}
	x.f.Duration = d
	x.m.Fixed = &x.f
	x.r.Model = &x.m
	return &x.r
}

func kOfN(k uint32) *pb.Gate {
	return &pb.Gate{Kind: &pb.Gate_KOfN{KOfN: k}}
}

func threshold(theta float64) *pb.Gate {
	return &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: theta}}
}

func dep(id string) *pb.Dependency { return &pb.Dependency{Id: id} }

// lasting gives v the plain failure and repair of the benchmark models:
// exponential failure after two months to a year, exponential repair after
// five minutes to an hour, so that a vertex is down 1e-5 to 1e-3 of the
// time and every mean time is far longer than an edge's delay.
func lasting(r rng, v *pb.Vertex) *pb.Vertex {
	v.Failure = exponential(r.logUniform(60*day, 365*day))
	v.Repair = exponentialRepair(r.logUniform(5*minute, hour))
	return v
}

// hasDep reports whether deps already names id.
func hasDep(deps []*pb.Dependency, id string) bool {
	for _, d := range deps {
		if d.Id == id {
			return true
		}
	}
	return false
}

// frameOf is the vertex-free part of a generated model.
func frameOf(kind string, o Options) *pb.Model {
	return &pb.Model{
		Name:      fmt.Sprintf("%s-%d-seed%d", kind, o.Vertices, o.Seed),
		TickNanos: int64(1e9),
	}
}
