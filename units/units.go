// Package units is oomlens's one definition of sizes: how a printed count
// of some unit becomes kB (KiB, 1024 bytes, the unit the kernel prints),
// checked for overflow (ToKB), and how a size in kB is printed for people
// (KB: "49 MiB", "1.7 GiB").
//
// Every parser converts through ToKB, and correlate converts page counts
// through it too, so a value that does not fit in an int64 of kB is never
// wrapped or negative: ToKB says so, and the caller warns on the line that
// printed it and leaves the value unknown (nil).
//
//	kb, ok := units.ToKB(947, 1024, 1, units.Nearest) // 947 MiB → 969728 kB
//	kb, ok = units.ToKB(993210368, 1, 1024, units.Nearest) // bytes → 969932 kB
//	_, ok = units.ToKB(10000000000000, 1<<20, 1, units.Nearest) // 10¹³ GiB: ok == false
package units

import (
	"math"
	"math/bits"
	"strconv"
)

// Rounding says how ToKB rounds a result that is not a whole kB.
type Rounding int

const (
	// Nearest rounds half up: 512 bytes → 1 kB.
	Nearest Rounding = iota
	// Down rounds towards zero: 1023 bytes → 0 kB.
	Down
)

// ToKB returns n printed units, each of num/den kB, in kB: n × num ÷ den,
// computed exactly in 128 bits and rounded as r says. ok is false when n
// or num is negative, den is not positive, or the result does not fit in
// an int64; the caller then warns and keeps the value unknown.
func ToKB(n, num, den int64, r Rounding) (kb int64, ok bool) {
	if n < 0 || num < 0 || den <= 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(n), uint64(num))
	if r == Nearest {
		var c uint64
		lo, c = bits.Add64(lo, uint64(den)/2, 0)
		hi += c
	}
	if hi >= uint64(den) {
		return 0, false // the quotient needs more than 64 bits
	}
	q, _ := bits.Div64(hi, lo, uint64(den))
	if q > math.MaxInt64 {
		return 0, false
	}
	return int64(q), true
}

// AddKB returns a + b for two sizes in kB. ok is false when either is
// negative or the sum does not fit in an int64.
func AddKB(a, b int64) (sum int64, ok bool) {
	if a < 0 || b < 0 || a > math.MaxInt64-b {
		return 0, false
	}
	return a + b, true
}

// Result says what reading a printed size gave.
type Result int

const (
	OK       Result = iota // a size, converted
	Syntax                 // not a size
	TooLarge               // a size, but more kB than an int64 holds
)

// Fit is OK when ok (ToKB's second result), else TooLarge.
func Fit(ok bool) Result {
	if ok {
		return OK
	}
	return TooLarge
}

// TooLargeText is the warning for a printed size that does not fit in an
// int64 of kB (ToKB refused it): the value is left unknown, never wrapped.
func TooLargeText(what, printed string) string {
	return what + ": " + strconv.Quote(printed) + " does not fit in kB: left unknown"
}
