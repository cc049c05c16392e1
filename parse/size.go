package parse

// Sizes as tools print them:
//
//	969932        exact kB (/proc/swaps, free, /proc/meminfo)
//	993210368     exact bytes (swapon --bytes, free -b)
//	947.2M        util-linux human size (swapon): rounded to one decimal
//	4.2Gi  15Gi   procps human size (free -h): "%.1f" rounded, or truncated to an integer
//
// A human size is kept with its precision: KB is the middle of the
// interval the printed text stands for, ErrKB its half-width.

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
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

var unitKB = map[string]float64{"K": 1, "M": 1 << 10, "G": 1 << 20, "T": 1 << 30, "P": 1 << 40, "E": 1 << 50}

// exactKB is a size printed exactly in kB.
func exactKB(n int64, printed string) Size {
	return Size{KB: n, Exact: true, Printed: printed}
}

// exactBytes is a size printed exactly in bytes.
func exactBytes(n int64, printed string) Size {
	b := n
	return Size{KB: (n + 512) / 1024, Exact: true, Printed: printed, Bytes: &b}
}

// scaledSize is an integer printed in a unit of unitKiB kB that was
// truncated (free -m, free -g): the true value lies in [n, n+1) units.
func scaledSize(n int64, unitKiB int64, printed string) Size {
	if unitKiB <= 1 {
		return exactKB(n, printed)
	}
	return Size{KB: n*unitKiB + unitKiB/2, ErrKB: unitKiB / 2, Printed: printed}
}

// parseHumanSize reads a human-readable size. ok is false when s is not one.
func parseHumanSize(s string, style humanStyle) (Size, bool) {
	m := humanSizeRE.FindStringSubmatch(s)
	if m == nil {
		return Size{}, false
	}
	ip, frac, unit := m[1], m[2], m[3]
	n, err := strconv.ParseInt(ip, 10, 64)
	if err != nil {
		return Size{}, false
	}
	if unit == "B" {
		if frac != "" {
			return Size{}, false
		}
		return exactBytes(n, s), true
	}
	u := unitKB[unit]
	v := float64(n)
	if frac != "" {
		f, err := strconv.ParseFloat("0."+frac, 64)
		if err != nil {
			return Size{}, false
		}
		v += f
	}
	var mid, half float64
	switch {
	case frac != "":
		// Rounded to len(frac) decimals by printf.
		half = 0.5 * math.Pow(10, -float64(len(frac))) * u
		mid = v * u
	case style == procps:
		// Truncated integer: [n, n+1) units.
		half = 0.5 * u
		mid = (v + 0.5) * u
	default:
		// util-linux leaves the decimal out only when it rounds to 0.
		half = 0.05 * u
		mid = v * u
	}
	h := int64(math.Round(half))
	if h < 1 {
		h = 1
	}
	if mid > math.MaxInt64/2 {
		return Size{}, false
	}
	return Size{KB: int64(math.Round(mid)), ErrKB: h, Printed: s}, true
}

// parseInt64 reads a decimal integer, allowing a leading sign.
func parseInt64(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil
}

// forLines calls fn for every line of data with its 1-based number; a
// trailing "\r" is dropped. The last line need not end in "\n".
func forLines(data []byte, fn func(n int, line string)) int {
	n := 0
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		n++
		fn(n, strings.TrimSuffix(string(line), "\r"))
	}
	return n
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
