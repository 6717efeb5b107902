package core

import (
	"math"
	"math/rand/v2"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// lawKind says how a Law draws a span of ticks.
type lawKind uint8

const (
	lawNever     lawKind = iota // the event never happens
	lawGeometric                // a per-tick chance: exponential in discrete time
	lawWeibull                  // a Weibull age, rounded up to whole ticks
	lawFixed                    // exactly so many ticks
)

// Law is a compiled random span of ticks: a time to failure, a repair
// time or a start time. An exponential law with mean m is drawn as the
// geometric law with per-tick chance 1/m, the discrete law with the same
// mean and the same lack of memory; a Bernoulli failure with chance p is
// the geometric law with chance p. Every draw is at least one tick, so
// nothing is instantaneous.
type Law struct {
	kind  lawKind
	fixed int64
	a, b  float64 // geometric: a = 1/ln(1-p); weibull: a = scale, b = 1/shape
}

var never = Law{kind: lawNever}

func geometricLaw(p float64) Law {
	switch {
	case !(p > 0):
		return never
	case p >= 1:
		return Law{kind: lawFixed, fixed: 1}
	}
	return Law{kind: lawGeometric, a: 1 / math.Log1p(-p)}
}

func meanLaw(mean int64) Law {
	if mean <= 1 {
		return Law{kind: lawFixed, fixed: 1}
	}
	return geometricLaw(1 / float64(mean))
}

func fixedLaw(ticks int64) Law {
	return Law{kind: lawFixed, fixed: max(1, ticks)}
}

// Draw returns a span of at least one tick, or Never.
func (l Law) Draw(r *rand.PCG) int64 {
	switch l.kind {
	case lawGeometric:
		return whole(math.Log(uniform(r)) * l.a)
	case lawWeibull:
		return whole(l.a * math.Pow(-math.Log(uniform(r)), l.b))
	case lawFixed:
		return l.fixed
	}
	return Never
}

// whole rounds a positive span up to ticks, at least one.
func whole(x float64) int64 {
	switch {
	case !(x < 1<<62):
		return Never
	case x <= 1:
		return 1
	}
	return int64(math.Ceil(x))
}

// Never reports whether the law never fires.
func (l Law) Never() bool { return l.kind == lawNever }

// failureLaw compiles a failure model. Schedules are windows, handled
// apart; unavailability is for the steady-state view only.
func failureLaw(f *pb.Failure) Law {
	switch m := f.GetModel().(type) {
	case *pb.Failure_Bernoulli:
		return geometricLaw(m.Bernoulli.GetP())
	case *pb.Failure_Exponential:
		return meanLaw(m.Exponential.GetMttf())
	case *pb.Failure_Weibull:
		w := m.Weibull
		if !(w.GetShape() > 0) || w.GetScale() <= 0 {
			return never
		}
		return Law{kind: lawWeibull, a: float64(w.GetScale()), b: 1 / w.GetShape()}
	}
	return never
}

func repairLaw(r *pb.Repair) Law {
	switch m := r.GetModel().(type) {
	case *pb.Repair_Exponential:
		return meanLaw(m.Exponential.GetMttr())
	case *pb.Repair_Fixed:
		return fixedLaw(m.Fixed.GetDuration())
	}
	return never
}

func startLaw(d *pb.Delay) Law {
	switch m := d.GetLaw().(type) {
	case *pb.Delay_Fixed:
		return fixedLaw(m.Fixed)
	case *pb.Delay_ExponentialMean:
		return meanLaw(m.ExponentialMean)
	}
	return fixedLaw(1)
}
