package analysis

import "math"

// clopperPearson is the exact (Clopper-Pearson) two-sided 95 % interval
// for a binomial proportion after k hits in n trials: the bounds are the
// proportions at which k or more (k or fewer) hits would happen with
// probability 2.5 %. It never covers less than 95 %, even with no hits
// at all, where the normal approximation gives the empty interval [0, 0].
func clopperPearson(k, n int64) (lo, hi float64) {
	const tail = 0.025
	if n <= 0 {
		return 0, 1
	}
	lo, hi = 0, 1
	a, b := float64(k), float64(n-k)
	wlo, whi := wilson(k, n)
	if k > 0 {
		lo = betaQuantile(a, b+1, tail, wlo)
	}
	if k < n {
		hi = betaQuantile(a+1, b, 1-tail, whi)
	}
	return lo, hi
}

// wilson is the Wilson score interval, close to Clopper-Pearson's and in
// closed form: a good first guess for it.
func wilson(k, n int64) (lo, hi float64) {
	const z = 1.959963984540054
	p, nf := float64(k)/float64(n), float64(n)
	mid := (p + z*z/(2*nf)) / (1 + z*z/nf)
	half := z / (1 + z*z/nf) * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return mid - half, mid + half
}

// betaQuantile solves I_x(a, b) = p for x by Newton's method on the
// regularised incomplete beta function from the guess x, kept inside a
// shrinking bracket so that it falls back to bisection whenever a step
// would leave it.
func betaQuantile(a, b, p, x float64) float64 {
	lo, hi := 0.0, 1.0
	if !(x > 0 && x < 1) {
		x = a / (a + b)
	}
	lbeta := lgamma(a) + lgamma(b) - lgamma(a+b)

	for i := 0; i < 200; i++ {
		f := betaInc(a, b, x) - p
		if f < 0 {
			lo = x
		} else {
			hi = x
		}
		dens := math.Exp((a-1)*math.Log(x) + (b-1)*math.Log1p(-x) - lbeta)
		next := x - f/dens
		if !(next > lo && next < hi) {
			next = lo + (hi-lo)/2
		}
		if math.Abs(next-x) <= 1e-15*x || hi-lo <= 1e-300 {
			return next
		}
		x = next
	}
	return x
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// betaInc is the regularised incomplete beta function I_x(a, b), by its
// continued fraction, which converges fast below the mean; above it the
// symmetry I_x(a, b) = 1 - I_{1-x}(b, a) moves the point below.
func betaInc(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	if x > (a+1)/(a+b+2) {
		return 1 - betaInc(b, a, 1-x)
	}
	logFront := a*math.Log(x) + b*math.Log1p(-x) -
		(lgamma(a) + lgamma(b) - lgamma(a+b))
	return math.Exp(logFront) / a * betaFraction(a, b, x)
}

// betaFraction evaluates the continued fraction
// 1/(1 + d1/(1 + d2/(1 + ...))) of the incomplete beta function, where
// d(2m+1) = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and
// d(2m) = m(b-m)x / ((a+2m-1)(a+2m)), by the modified Lentz method
// applied to the denominator G = 1 + d1/(1 + d2/(1 + ...)).
func betaFraction(a, b, x float64) float64 {
	const tiny, eps = 1e-300, 1e-16
	g, c, d := 1.0, 1.0, 0.0
	step := func(coef float64) float64 {
		d = 1 + coef*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + coef/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		g *= c * d
		return c * d
	}
	step(-(a + b) * x / (a + 1)) // d1: m = 0
	for m := 1.0; m < 1e6; m++ {
		even := step(m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m)))
		odd := step(-(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1)))
		if math.Abs(even-1) <= eps && math.Abs(odd-1) <= eps {
			break
		}
	}
	return 1 / g
}
