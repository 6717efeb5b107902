package gen

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// A hand-written encoder for Vertex. Reflection-based marshalling was
// about a third of the time of writing a large model; this one appends
// the same bytes (fields in number order, zero scalars left out, set
// oneofs and present messages always written), which the tests check
// against proto.Marshal for every kind of model.

func appendVertex(b []byte, v *pb.Vertex) []byte {
	b = appendString(b, 1, v.GetId())
	b = appendUint(b, 2, uint64(v.GetKind()))
	b = appendUint(b, 3, uint64(v.GetReplicas()))
	b = appendUint(b, 4, uint64(v.GetQuorum()))
	if d := v.GetStartTime(); d != nil {
		b = appendMessage(b, 5, func(b []byte) []byte { return appendDelay(b, d) })
	}
	for _, d := range v.GetDependsOn() {
		b = appendMessage(b, 6, func(b []byte) []byte { return appendDependency(b, d) })
	}
	if g := v.GetGate(); g != nil {
		b = appendMessage(b, 7, func(b []byte) []byte { return appendGate(b, g) })
	}
	if f := v.GetFailure(); f != nil {
		b = appendMessage(b, 8, func(b []byte) []byte { return appendFailure(b, f) })
	}
	if r := v.GetRepair(); r != nil {
		b = appendMessage(b, 9, func(b []byte) []byte { return appendRepair(b, r) })
	}
	b = appendString(b, 10, v.GetHostedOn())
	if s := v.GetSupervisor(); s != nil {
		b = appendMessage(b, 11, func(b []byte) []byte { return appendSupervisor(b, s) })
	}
	if h := v.GetVmhost(); h != nil {
		b = appendMessage(b, 12, func(b []byte) []byte {
			b = appendUint(b, 1, uint64(h.GetCapacity()))
			return appendUint(b, 2, uint64(h.GetBootTime()))
		})
	}
	return b
}

func appendDelay(b []byte, d *pb.Delay) []byte {
	switch law := d.GetLaw().(type) {
	case *pb.Delay_Fixed:
		b = appendOneofUint(b, 1, uint64(law.Fixed))
	case *pb.Delay_ExponentialMean:
		b = appendOneofUint(b, 2, uint64(law.ExponentialMean))
	}
	return b
}

func appendDependency(b []byte, d *pb.Dependency) []byte {
	b = appendString(b, 1, d.GetId())
	if d.Probability != nil {
		b = appendOneofDouble(b, 2, d.GetProbability())
	}
	if d.Delay != nil {
		b = appendOneofUint(b, 3, uint64(d.GetDelay()))
	}
	if d.Weight != nil {
		b = appendOneofDouble(b, 4, d.GetWeight())
	}
	return b
}

func appendGate(b []byte, g *pb.Gate) []byte {
	switch k := g.GetKind().(type) {
	case *pb.Gate_All:
		b = appendEmpty(b, 1)
	case *pb.Gate_Any:
		b = appendEmpty(b, 2)
	case *pb.Gate_KOfN:
		b = appendOneofUint(b, 3, uint64(k.KOfN))
	case *pb.Gate_Threshold:
		b = appendOneofDouble(b, 4, k.Threshold)
	case *pb.Gate_ThresholdFraction:
		b = appendOneofDouble(b, 5, k.ThresholdFraction)
	}
	return b
}

func appendFailure(b []byte, f *pb.Failure) []byte {
	switch m := f.GetModel().(type) {
	case *pb.Failure_None:
		b = appendEmpty(b, 1)
	case *pb.Failure_Bernoulli:
		b = appendMessage(b, 2, func(b []byte) []byte {
			return appendDouble(b, 1, m.Bernoulli.GetP())
		})
	case *pb.Failure_Exponential:
		b = appendMessage(b, 3, func(b []byte) []byte {
			return appendUint(b, 1, uint64(m.Exponential.GetMttf()))
		})
	case *pb.Failure_Weibull:
		b = appendMessage(b, 4, func(b []byte) []byte {
			b = appendDouble(b, 1, m.Weibull.GetShape())
			return appendUint(b, 2, uint64(m.Weibull.GetScale()))
		})
	case *pb.Failure_Schedule:
		b = appendMessage(b, 5, func(b []byte) []byte {
			return appendWindows(b, m.Schedule.GetWindows())
		})
	case *pb.Failure_Unavailability:
		b = appendOneofDouble(b, 6, m.Unavailability)
	}
	return b
}

func appendWindows(b []byte, ws []*pb.Window) []byte {
	for _, w := range ws {
		b = appendMessage(b, 1, func(b []byte) []byte {
			b = appendUint(b, 1, uint64(w.GetAt()))
			return appendUint(b, 2, uint64(w.GetDuration()))
		})
	}
	return b
}

func appendRepair(b []byte, r *pb.Repair) []byte {
	switch m := r.GetModel().(type) {
	case *pb.Repair_None:
		b = appendEmpty(b, 1)
	case *pb.Repair_Exponential:
		b = appendMessage(b, 2, func(b []byte) []byte {
			return appendUint(b, 1, uint64(m.Exponential.GetMttr()))
		})
	case *pb.Repair_Fixed:
		b = appendMessage(b, 3, func(b []byte) []byte {
			return appendUint(b, 1, uint64(m.Fixed.GetDuration()))
		})
	}
	return b
}

func appendSupervisor(b []byte, s *pb.Supervisor) []byte {
	for _, c := range s.GetSupervises() {
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendString(b, c)
	}
	b = appendUint(b, 2, uint64(s.GetStrategy()))
	b = appendUint(b, 3, uint64(s.GetPlacement()))
	if p := s.GetProbe(); p != nil {
		b = appendMessage(b, 4, func(b []byte) []byte {
			b = appendUint(b, 1, uint64(p.GetInterval()))
			b = appendUint(b, 2, uint64(p.GetFailureThreshold()))
			return appendUint(b, 3, uint64(p.GetCheck()))
		})
	}
	if k := s.GetBackoff(); k != nil {
		b = appendMessage(b, 5, func(b []byte) []byte {
			b = appendUint(b, 1, uint64(k.GetInitial()))
			b = appendDouble(b, 2, k.GetFactor())
			b = appendUint(b, 3, uint64(k.GetMax()))
			return appendUint(b, 4, uint64(k.GetResetAfter()))
		})
	}
	b = appendUint(b, 6, uint64(s.GetMaxRestarts()))
	b = appendUint(b, 7, uint64(s.GetPeriod()))
	return appendUint(b, 8, uint64(s.GetMaxConcurrentRestarts()))
}

// appendMessage writes a length-delimited field whose content body
// appends. The length is guessed to fit one byte and moved up when not.
func appendMessage(b []byte, num protowire.Number, body func([]byte) []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	at := len(b)
	b = body(append(b, 0))
	n := len(b) - at - 1
	if n < 0x80 {
		b[at] = byte(n)
		return b
	}
	extra := protowire.SizeVarint(uint64(n)) - 1
	b = append(b, make([]byte, extra)...)
	copy(b[at+1+extra:], b[at+1:at+1+n])
	protowire.AppendVarint(b[:at], uint64(n))
	return b
}

// appendString, appendUint and appendDouble write a proto3 scalar,
// leaving it out when it is zero.
func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendUint(b []byte, num protowire.Number, x uint64) []byte {
	if x == 0 {
		return b
	}
	return appendOneofUint(b, num, x)
}

func appendDouble(b []byte, num protowire.Number, x float64) []byte {
	if math.Float64bits(x) == 0 {
		return b
	}
	return appendOneofDouble(b, num, x)
}

// appendOneofUint and appendOneofDouble write a scalar whatever its
// value, as for a set oneof or an optional field.
func appendOneofUint(b []byte, num protowire.Number, x uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, x)
}

func appendOneofDouble(b []byte, num protowire.Number, x float64) []byte {
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, math.Float64bits(x))
}

func appendEmpty(b []byte, num protowire.Number) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return append(b, 0)
}
