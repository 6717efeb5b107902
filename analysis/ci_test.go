package analysis

import (
	"math"
	"testing"
)

func TestBetaIncClosedForms(t *testing.T) {
	cases := []struct{ a, b, x, want float64 }{
		{1, 1, 0.3, 0.3},
		{3, 1, 0.4, math.Pow(0.4, 3)},
		{1, 5, 0.2, 1 - math.Pow(0.8, 5)},
		{2, 2, 0.5, 0.5},
		// I_x(2,3) = 6x^2 - 8x^3 + 3x^4 at x = 0.7
		{2, 3, 0.7, 6*0.49 - 8*0.343 + 3*0.2401},
	}
	for _, c := range cases {
		if got := betaInc(c.a, c.b, c.x); math.Abs(got-c.want) > 1e-13 {
			t.Errorf("I_%g(%g, %g) = %.16g, want %.16g", c.x, c.a, c.b, got, c.want)
		}
	}
}

// binomialTail is P(X >= k) for X ~ Binomial(n, p), summed directly.
func binomialTail(k, n int64, p float64) float64 {
	s := 0.0
	for j := k; j <= n; j++ {
		lc := lgamma(float64(n+1)) - lgamma(float64(j+1)) - lgamma(float64(n-j+1))
		s += math.Exp(lc + float64(j)*math.Log(p) + float64(n-j)*math.Log1p(-p))
	}
	return s
}

func TestClopperPearsonDefinition(t *testing.T) {
	cases := []struct{ k, n int64 }{
		{0, 10}, {1, 10}, {5, 10}, {10, 10}, {3, 1000}, {0, 100000},
		{17, 200}, {999, 1000}, {40000, 1000000},
	}
	for _, c := range cases {
		lo, hi := clopperPearson(c.k, c.n)
		if !(lo <= float64(c.k)/float64(c.n) && float64(c.k)/float64(c.n) <= hi) {
			t.Errorf("k=%d n=%d: [%g, %g] misses the estimate", c.k, c.n, lo, hi)
		}
		if c.k > 0 {
			// At the lower bound, k or more hits have probability 2.5 %.
			if got := binomialTail(c.k, c.n, lo); math.Abs(got-0.025) > 1e-9 {
				t.Errorf("k=%d n=%d: P(X >= k | lo) = %g", c.k, c.n, got)
			}
		} else if lo != 0 {
			t.Errorf("k=0: lower bound %g, want 0", lo)
		}
		if c.k < c.n {
			// At the upper bound, k or fewer hits have probability 2.5 %.
			if got := 1 - binomialTail(c.k+1, c.n, hi); math.Abs(got-0.025) > 1e-9 {
				t.Errorf("k=%d n=%d: P(X <= k | hi) = %g", c.k, c.n, got)
			}
		} else if hi != 1 {
			t.Errorf("k=n: upper bound %g, want 1", hi)
		}
	}
	// With no hits the upper bound has the closed form 1 - 0.025^(1/n).
	_, hi := clopperPearson(0, 1000)
	if want := 1 - math.Pow(0.025, 1.0/1000); math.Abs(hi-want) > 1e-14 {
		t.Errorf("k=0 n=1000: upper %.16g, want %.16g", hi, want)
	}
}
