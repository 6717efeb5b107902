package model

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// ErrBadDuration is wrapped by every error of ParseDuration.
var ErrBadDuration = errors.New("model: bad duration")

// DefaultTickNanos is the length of a tick when a model does not say.
const DefaultTickNanos = int64(1e9)

// durationUnit is a suffix of a written duration and its length in nanoseconds.
type durationUnit struct {
	name  string
	nanos uint64
}

// durationUnits lists the suffixes from longest to shortest, the order
// FormatDuration tries them in.
var durationUnits = []durationUnit{
	{"d", 24 * 3600e9},
	{"h", 3600e9},
	{"m", 60e9},
	{"s", 1e9},
	{"ms", 1e6},
	{"us", 1e3},
	{"ns", 1},
}

// unitAliases are accepted on input but never written.
var unitAliases = map[string]uint64{"µs": 1e3, "μs": 1e3}

const unitHelp = "use d, h, m, s, ms, us or ns"

// ParseDuration turns a written duration into whole ticks of tickNanos
// nanoseconds (0 means one second). It accepts a number with a unit
// ("90s", "1.5h", "200ms"), several of them in a row ("1h30m"), and a
// plain integer, which is already a count of ticks. The time is rounded
// up to whole ticks, so that nothing becomes instantaneous by accident: a
// 200ms latency with a 1s tick is 1 tick. A leading minus sign is kept
// (the magnitude is rounded up) so that validation can say what is wrong.
func ParseDuration(s string, tickNanos int64) (int64, error) {
	tick, err := tickLength(tickNanos)
	if err != nil {
		return 0, err
	}

	neg, body := splitSign(strings.TrimSpace(s))
	if body == "" {
		return 0, badDuration(s, "empty")
	}

	ticks, err := parseMagnitude(body, tick)
	if err != nil {
		return 0, badDuration(s, err.Error())
	}
	if neg {
		ticks = -ticks
	}
	return ticks, nil
}

func tickLength(tickNanos int64) (uint64, error) {
	switch {
	case tickNanos == 0:
		return uint64(DefaultTickNanos), nil
	case tickNanos < 0:
		return 0, fmt.Errorf("%w: tick of %dns is not positive", ErrBadDuration, tickNanos)
	}
	return uint64(tickNanos), nil
}

func badDuration(s, reason string) error {
	return fmt.Errorf("%w %q: %s", ErrBadDuration, s, reason)
}

func splitSign(s string) (neg bool, rest string) {
	if strings.HasPrefix(s, "-") {
		return true, s[1:]
	}
	return false, strings.TrimPrefix(s, "+")
}

// parseMagnitude reads an unsigned duration: a plain tick count, or one
// or more number-unit pairs summed in nanoseconds.
func parseMagnitude(s string, tick uint64) (int64, error) {
	if isDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, errors.New("too many ticks")
		}
		return n, nil
	}

	var total uint64
	for s != "" {
		nanos, rest, err := parseTerm(s)
		if err != nil {
			return 0, err
		}
		sum, carry := bits.Add64(total, nanos, 0)
		if carry != 0 || sum > math.MaxInt64 {
			return 0, errors.New("too long (at most about 292 years)")
		}
		total, s = sum, rest
	}

	// Round up: a time that is not a whole number of ticks takes the
	// next one, so nothing becomes instantaneous.
	ticks := total / tick
	if total%tick != 0 {
		ticks++
	}
	return int64(ticks), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseTerm reads one number-unit pair such as "1.5h" from the front of s
// and returns its length in nanoseconds and what follows it.
func parseTerm(s string) (nanos uint64, rest string, err error) {
	whole, frac, rest := splitNumber(s)
	if whole == "" && frac == "" {
		return 0, "", fmt.Errorf("expected a number at %q", s)
	}
	name, rest := splitUnit(rest)
	u, ok := lookupUnit(name)
	if !ok {
		return 0, "", unitError(name, s[:len(s)-len(rest)-len(name)])
	}
	nanos, err = termNanos(whole, frac, u)
	return nanos, rest, err
}

func unitError(name, number string) error {
	if name == "" {
		return fmt.Errorf("%s needs a unit (%s); only whole numbers count ticks",
			number, unitHelp)
	}
	return fmt.Errorf("unknown unit %q (%s)", name, unitHelp)
}

// splitNumber splits "12.5ms" into "12", "5" and "ms". An absent
// fraction is "".
func splitNumber(s string) (whole, frac, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	whole, rest = s[:i], s[i:]
	if !strings.HasPrefix(rest, ".") {
		return whole, "", rest
	}
	j := 1
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	return whole, rest[1:j], rest[j:]
}

// splitUnit takes the unit letters from the front of s.
func splitUnit(s string) (name, rest string) {
	i := 0
	for i < len(s) && !(s[i] >= '0' && s[i] <= '9') && s[i] != '.' {
		i++
	}
	return s[:i], s[i:]
}

func lookupUnit(name string) (uint64, bool) {
	for _, u := range durationUnits {
		if u.name == name {
			return u.nanos, true
		}
	}
	n, ok := unitAliases[name]
	return n, ok
}

// termNanos computes (whole + 0.frac) * u exactly, in 128-bit arithmetic.
func termNanos(whole, frac string, u uint64) (uint64, error) {
	tooLong := errors.New("too long (at most about 292 years)")
	w := uint64(0)
	if whole != "" {
		var err error
		if w, err = strconv.ParseUint(whole, 10, 64); err != nil {
			return 0, tooLong
		}
	}

	hi, n := bits.Mul64(w, u)
	if hi != 0 || n > math.MaxInt64 {
		return 0, tooLong
	}

	f, err := fractionNanos(frac, u)
	if err != nil {
		return 0, err
	}
	return n + f, nil
}

// fractionNanos returns 0.frac * u, which must be a whole number of
// nanoseconds.
func fractionNanos(frac string, u uint64) (uint64, error) {
	frac = strings.TrimRight(frac, "0")
	if frac == "" {
		return 0, nil
	}
	if len(frac) > 18 {
		return 0, errors.New("too many decimal places")
	}

	num, _ := strconv.ParseUint(frac, 10, 64)
	den := uint64(1)
	for range len(frac) {
		den *= 10
	}

	// num * u can pass 2^64 (0.999999 days in ns); divide in 128 bits.
	// The quotient fits, since num < den.
	hi, lo := bits.Mul64(num, u)
	q, r := bits.Div64(hi, lo, den)
	if r != 0 {
		return 0, errors.New("finer than a nanosecond")
	}
	return q, nil
}

// FormatDuration writes ticks of tickNanos nanoseconds (0 means one
// second) in the largest unit that expresses it exactly, so "30d" stays
// "30d" and 90 seconds is "90s". ParseDuration reads the result back to
// the same number of ticks. A span too long for nanoseconds is written as
// a plain tick count.
func FormatDuration(ticks, tickNanos int64) string {
	if tickNanos <= 0 {
		tickNanos = DefaultTickNanos
	}
	if ticks == 0 {
		return "0s"
	}

	sign, mag := "", uint64(ticks)
	if ticks < 0 {
		sign, mag = "-", uint64(-ticks) // two's complement holds MinInt64 too
	}

	hi, nanos := bits.Mul64(mag, uint64(tickNanos))
	if hi != 0 || nanos > math.MaxInt64 {
		return strconv.FormatInt(ticks, 10)
	}

	for _, u := range durationUnits {
		if nanos%u.nanos == 0 {
			return sign + strconv.FormatUint(nanos/u.nanos, 10) + u.name
		}
	}
	panic("model: the nanosecond unit divides every duration")
}
