package kube

// Kubernetes quantities and kubectl ages as printed:
//
//	memory:             2025188Ki        (Capacity)
//	128Mi (6%)  1.5Gi  500M  134217728  129e6  128974848000m
//	5m46s   2d3h   <unknown>   85s (x4 over 27m)
//
// Quantities follow k8s.io/apimachinery resource.Quantity (binary Ki…Ei,
// decimal n u m k M G T P E, or an e/E exponent); ages follow
// apimachinery's duration.HumanDuration (y d h m s).

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/units"
)

// quantitySuffix maps a suffix to its multiplier as a fraction num/den.
var quantitySuffix = map[string][2]int64{
	"":   {1, 1},
	"Ki": {1 << 10, 1},
	"Mi": {1 << 20, 1},
	"Gi": {1 << 30, 1},
	"Ti": {1 << 40, 1},
	"Pi": {1 << 50, 1},
	"Ei": {1 << 60, 1},
	"n":  {1, 1000000000},
	"u":  {1, 1000000},
	"m":  {1, 1000},
	"k":  {1000, 1},
	"M":  {1000000, 1},
	"G":  {1000000000, 1},
	"T":  {1000000000000, 1},
	"P":  {1000000000000000, 1},
	"E":  {1000000000000000000, 1},
}

// quantityBytes parses a Kubernetes quantity ("2025188Ki", "1.5Gi",
// "500M", "128974848000m", "129e6") into bytes, rounded down to a whole
// byte, or says why not: units.Syntax for no quantity, units.TooLarge for more bytes than an int64 holds (the limit
// of apimachinery's Quantity.Value as well).
func quantityBytes(s string) (int64, units.Result) {
	r, ok := quantityRat(s)
	if !ok {
		return 0, units.Syntax
	}
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if !q.IsInt64() {
		return 0, units.TooLarge
	}
	return q.Int64(), units.OK
}

// parseQuantityKB parses a Kubernetes memory quantity into kB (KiB, 1024
// bytes, the unit the kernel prints), rounded down: "2025188Ki" →
// 2025188, "128Mi" → 131072, "1G" → 976562, "134217728" → 131072. The
// arithmetic is exact (no floating point). ok is false for anything that is
// not a non-negative quantity, or that is more bytes than an int64 holds.
func parseQuantityKB(s string) (kb int64, ok bool) {
	kb, res := quantityKBOf(s)
	return kb, res == units.OK
}

// quantityKBOf is ParseQuantityKB saying why it failed. The bytes are
// rounded down first; ⌊⌊x⌋ / 1024⌋ = ⌊x / 1024⌋, so nothing is lost.
func quantityKBOf(s string) (int64, units.Result) {
	b, res := quantityBytes(s)
	if res != units.OK {
		return 0, res
	}
	kb, ok := units.ToKB(b, 1, 1024, units.Down)
	return kb, units.Fit(ok)
}

// quantityRat parses s into an exact non-negative rational number of units.
func quantityRat(s string) (*big.Rat, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return nil, false
	}
	if s[0] == '+' {
		s = s[1:]
	}
	// number part: digits [. digits]
	i := 0
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return nil, false
	}
	num, rest := s[:i], s[i:]
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return nil, false
	}
	if rest != "" && (rest[0] == 'e' || rest[0] == 'E') && len(rest) > 1 {
		exp, err := strconv.Atoi(rest[1:])
		if err != nil || exp < -30 || exp > 30 {
			return nil, false
		}
		if exp >= 0 {
			r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)))
		} else {
			r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-exp)), nil)))
		}
		return r, true
	}
	m, ok := quantitySuffix[rest]
	if !ok {
		return nil, false
	}
	r.Mul(r, big.NewRat(m[0], m[1]))
	return r, true
}

// parseKubeDuration parses a kubectl age ("5m46s", "179m", "2d3h",
// "1y20d", "95s") into seconds and its resolution (the unit of the last
// component: 1, 60, 3600, 86400 or 31536000). ok is false for
// "<unknown>", "<invalid>" and anything else. A year is 365 days, as in
// apimachinery's HumanDuration.
func parseKubeDuration(s string) (sec int64, res int64, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 32 {
		return 0, 0, false
	}
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || j >= len(s) || j-i > 10 {
			return 0, 0, false
		}
		n, err := strconv.ParseInt(s[i:j], 10, 64)
		if err != nil {
			return 0, 0, false
		}
		var unit int64
		switch s[j] {
		case 's':
			unit = 1
		case 'm':
			unit = 60
		case 'h':
			unit = 3600
		case 'd':
			unit = 86400
		case 'y':
			unit = 365 * 86400
		default:
			return 0, 0, false
		}
		if res != 0 && unit >= res {
			return 0, 0, false // units must decrease: "5m46s", not "46s5m"
		}
		sec += n * unit
		res = unit
		i = j + 1
	}
	return sec, res, true
}

// eventAge is an Age cell of a describe Events table or the LAST SEEN cell
// of get events, parsed.
type eventAge struct {
	Newest *float64
	Oldest *float64
	Res    float64
	Count  int
}

// parseEventAge parses "5m46s", "<unknown>", "85s (x4 over 27m)" and
// "<unknown> (x2 over 5m)". ok is false when the text fits none of them.
func parseEventAge(s string) (a eventAge, ok bool) {
	s = strings.TrimSpace(s)
	a.Count = 1
	first, series, hasSeries := strings.Cut(s, " (x")
	if hasSeries {
		series, ok = strings.CutSuffix(series, ")")
		if !ok {
			return eventAge{}, false
		}
		cnt, over, found := strings.Cut(series, " over ")
		if !found {
			return eventAge{}, false
		}
		n, err := strconv.Atoi(cnt)
		if err != nil || n < 0 {
			return eventAge{}, false
		}
		a.Count = n
		if sec, _, ok := parseKubeDuration(over); ok {
			v := float64(sec)
			a.Oldest = &v
		} else if !isUnknownAge(over) {
			return eventAge{}, false
		}
	}
	if sec, res, ok := parseKubeDuration(first); ok {
		v := float64(sec)
		a.Newest = &v
		a.Res = float64(res)
	} else if !isUnknownAge(first) {
		return eventAge{}, false
	}
	return a, true
}

func isUnknownAge(s string) bool {
	return s == "<unknown>" || s == "<invalid>"
}

// splitPct splits "500m (25%)" into "500m" and 25; pct is nil when no
// percentage is printed.
func splitPct(cell string) (qty string, pct *int) {
	q, p, found := strings.Cut(cell, " (")
	if !found {
		return strings.TrimSpace(cell), nil
	}
	p = strings.TrimSuffix(strings.TrimSpace(p), ")")
	p = strings.TrimSuffix(p, "%")
	if n, err := strconv.Atoi(p); err == nil {
		pct = &n
	}
	return strings.TrimSpace(q), pct
}

// quantityKB is ParseQuantityKB returning a pointer, nil when not
// parsable, and why.
func quantityKB(s string) (*int64, units.Result) {
	kb, res := quantityKBOf(s)
	if res != units.OK {
		return nil, res
	}
	return &kb, units.OK
}

// quantityWarning is the warning for a memory quantity quantityKB did not
// read ("" when it did).
func quantityWarning(s string, res units.Result) string {
	switch res {
	case units.Syntax:
		return "memory quantity not understood: " + strconv.Quote(s)
	case units.TooLarge:
		return units.TooLargeText("memory quantity", s)
	}
	return ""
}
