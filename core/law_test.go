package core

import (
	"math"
	"testing"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// TestLawMeans: over many draws, each law's mean is what the model says
// (the discrete exponential keeps the mean exactly), and no draw is
// shorter than a tick.
func TestLawMeans(t *testing.T) {
	tests := []struct {
		name string
		law  Law
		mean float64
	}{
		{"exponential mean 500", meanLaw(500), 500},
		{"bernoulli p=0.01", geometricLaw(0.01), 100},
		{"fixed 7", fixedLaw(7), 7},
		{"fixed 0 is one tick", fixedLaw(0), 1},
		{"mean 1 is one tick", meanLaw(1), 1},
		{"weibull shape 2 scale 1000", failureLaw(&pb.Failure{Model: &pb.Failure_Weibull{
			Weibull: &pb.Weibull{Shape: 2, Scale: 1000}}}), 1000 * math.Gamma(1.5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := stream(1, tt.name)
			const n = 200_000
			sum, sq := 0.0, 0.0
			for range n {
				d := tt.law.Draw(&r)
				if d < 1 {
					t.Fatalf("draw %d is shorter than a tick", d)
				}
				sum += float64(d)
				sq += float64(d) * float64(d)
			}
			mean := sum / n
			se := math.Sqrt((sq/n-mean*mean)/n) + 1e-9
			// Weibull is rounded up to whole ticks: half a tick on average.
			want := tt.mean
			if tt.law.kind == lawWeibull {
				want += 0.5
			}
			if math.Abs(mean-want) > 4*se {
				t.Errorf("mean %.3f, want %.3f (se %.3f)", mean, want, se)
			}
		})
	}
}

func TestNeverLaws(t *testing.T) {
	r := stream(1, "x")
	for _, l := range []Law{never, geometricLaw(0), failureLaw(nil), repairLaw(nil),
		failureLaw(&pb.Failure{Model: &pb.Failure_Unavailability{Unavailability: 0.1}})} {
		if d := l.Draw(&r); d != Never {
			t.Errorf("%+v drew %d, want Never", l, d)
		}
	}
	if d := startLaw(nil).Draw(&r); d != 1 {
		t.Errorf("default start time %d, want 1 tick", d)
	}
}

// TestChanceDraws: certain chances leave the stream untouched, so adding
// an edge of probability 1 changes no other draw; others hit their rate.
func TestChanceDraws(t *testing.T) {
	for _, p := range []float64{0, 1, 2, -1} {
		r, ref := stream(3, "e"), stream(3, "e")
		c := newChance(p)
		want := p >= 1
		if c.happens(&r) != want || r.Uint64() != ref.Uint64() {
			t.Errorf("chance %g: drew, or gave the wrong outcome", p)
		}
	}
	r := stream(3, "e")
	c := newChance(0.3)
	hits := 0
	const n = 100_000
	for range n {
		if c.happens(&r) {
			hits++
		}
	}
	if got := float64(hits) / n; math.Abs(got-0.3) > 0.006 {
		t.Errorf("chance 0.3 happened %.4f of the time", got)
	}
}

// TestStreamsDiffer: vertices and runs get unrelated streams.
func TestStreamsDiffer(t *testing.T) {
	a, b, c := stream(1, "db"), stream(1, "dc"), stream(2, "db")
	x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
	if x == y || x == z || y == z {
		t.Errorf("streams collide: %x %x %x", x, y, z)
	}
	if RunSeed(5, 0) == RunSeed(5, 1) || RunSeed(5, 0) == RunSeed(6, 0) {
		t.Error("run seeds collide")
	}
}
