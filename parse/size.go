package parse

// Sizes as tools print them:
//
//	969932        exact kB (/proc/swaps, free, /proc/meminfo)
//	993210368     exact bytes (swapon --bytes, free -b)
//	947.2M        util-linux human size (swapon): rounded to one decimal
//	4.2Gi  15Gi   procps human size (free -h): "%.1f" rounded, or truncated to an integer
//
// A human size is kept with its precision: KB is the middle of the
// interval the printed text stands for, ErrKB its half-width. Every
// conversion to kB goes through units.ToKB: a size that does not fit in an
// int64 of kB is reported (units.TooLarge, a warning on its line) and left
// unknown, never wrapped or negative.

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/units"
)

// humanStyle says which tool printed a human size, because the tools round
// differently.
type humanStyle int

const (
	// utilLinux is size_to_human_string (swapon, lsblk): one decimal,
	// rounded; the decimal is left out when it rounds to 0.
	utilLinux humanStyle = iota
	// procps is free -h: "%.1f" (rounded) when it fits in four characters,
	// else an integer truncated towards zero.
	procps
)

// "947.2M", "2G", "48K", "0B", "15Gi", "4.2Gi", "321Mi"
var humanSizeRE = regexp.MustCompile(`^(?P<int>[0-9]+)(?:\.(?P<frac>[0-9]+))?(?P<unit>[BKMGTPE])(?:i|iB)?$`)

// unitKB is the size of one human unit in kB.
var unitKB = map[string]int64{"K": 1, "M": 1 << 10, "G": 1 << 20, "T": 1 << 30, "P": 1 << 40, "E": 1 << 50}

// exactKB is a size printed exactly in kB. A negative n is no size.
func exactKB(n int64, printed string) (Size, units.Result) {
	if n < 0 {
		return Size{}, units.Syntax
	}
	return Size{KB: n, Exact: true, Printed: printed}, units.OK
}

// exactBytes is a size printed exactly in bytes. A negative n is no size.
func exactBytes(n int64, printed string) (Size, units.Result) {
	kb, ok := units.ToKB(n, 1, 1024, units.Nearest)
	if !ok {
		return Size{}, units.Syntax // every int64 of bytes fits in kB
	}
	b := n
	return Size{KB: kb, Exact: true, Printed: printed, Bytes: &b}, units.OK
}

// scaledSize is an integer printed in a unit of unitKiB kB that was
// truncated (free -m, free -g): the true value lies in [n, n+1) units.
func scaledSize(n int64, unitKiB int64, printed string) (Size, units.Result) {
	if n < 0 {
		return Size{}, units.Syntax
	}
	if unitKiB <= 1 {
		return exactKB(n, printed)
	}
	lo, ok := units.ToKB(n, unitKiB, 1, units.Nearest)
	mid, ok2 := units.AddKB(lo, unitKiB/2)
	if !ok || !ok2 {
		return Size{}, units.TooLarge
	}
	return Size{KB: mid, ErrKB: unitKiB / 2, Printed: printed}, units.OK
}

// digitsSize reads a plain decimal count of unitKiB kB units (unitKiB 0:
// bytes): a string of digits too long for an int64 is a size too large,
// anything else not made of digits is no size.
func digitsSize(s string, unitKiB int64) (Size, units.Result) {
	if !isDigits(s) {
		return Size{}, units.Syntax
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return Size{}, units.TooLarge
	}
	if unitKiB == 0 {
		return exactBytes(n, s)
	}
	return scaledSize(n, unitKiB, s)
}

// parseHumanSize reads a human-readable size, exactly (no floating point):
// "947.2M" is 9472 tenths of a MiB.
func parseHumanSize(s string, style humanStyle) (Size, units.Result) {
	m := humanSizeRE.FindStringSubmatch(s)
	if m == nil {
		return Size{}, units.Syntax
	}
	ip, frac, unit := m[1], m[2], m[3]
	if unit == "B" {
		if frac != "" {
			return Size{}, units.Syntax
		}
		n, err := strconv.ParseInt(ip, 10, 64)
		if err != nil {
			return Size{}, units.TooLarge
		}
		return exactBytes(n, s)
	}
	if len(frac) > 18 {
		return Size{}, units.Syntax // 10^19 does not fit: no tool prints so many decimals
	}
	u := unitKB[unit]
	// the printed number is mant / den units
	mant, err := strconv.ParseInt(ip+frac, 10, 64)
	if err != nil {
		return Size{}, units.TooLarge
	}
	den := int64(1)
	for range len(frac) {
		den *= 10
	}
	var mid, half int64
	var ok, ok2 bool
	switch {
	case frac != "":
		// Rounded to len(frac) decimals by printf: ± half a last digit.
		mid, ok = units.ToKB(mant, u, den, units.Nearest)
		half, ok2 = units.ToKB(1, u, 2*den, units.Nearest)
	case style == procps:
		// Truncated integer: [n, n+1) units, the middle n + ½.
		half, ok2 = units.ToKB(1, u, 2, units.Nearest)
		if mid, ok = units.ToKB(mant, u, 1, units.Nearest); ok {
			mid, ok = units.AddKB(mid, half)
		}
	default:
		// util-linux leaves the decimal out only when it rounds to 0.
		mid, ok = units.ToKB(mant, u, 1, units.Nearest)
		half, ok2 = units.ToKB(1, u, 20, units.Nearest)
	}
	if !ok || !ok2 {
		return Size{}, units.TooLarge
	}
	if half < 1 {
		half = 1
	}
	return Size{KB: mid, ErrKB: half, Printed: s}, units.OK
}

// parseInt64 reads a decimal integer, allowing a leading sign.
func parseInt64(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil
}

// countLines counts the lines of data the way forLines numbers them.
func countLines(data []byte) int {
	if len(data) == 0 {
		return 0
	}
	n := bytes.Count(data, []byte{'\n'})
	if data[len(data)-1] != '\n' {
		n++
	}
	return n
}

func ptr[T any](v T) *T { return &v }
