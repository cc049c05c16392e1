package units

import (
	"math"
	"strconv"
	"strings"
)

// KB prints a size given in kB the way people read it, with at most three
// significant figures and the largest binary unit below 1024 of it:
//
//	96 kB   0.2 MiB   9.8 MiB   49 MiB   947 MiB   1.7 GiB   15.6 GiB   150 GiB   1.5 TiB
//
// Below 100 kB the exact kB; MiB with one decimal below 10; GiB and above
// with one decimal below 100. It is the one kB format of the reports: the
// findings and verdicts (correlate), the user rules' {{kb}} (rules) and
// the tables, cards and charts (render) all print through it, so a size
// reads the same everywhere. The exact kB stay in the JSON report and in
// the findings' details.
func KB(kb int64) string {
	return KBFloat(float64(kb))
}

// KBFloat is KB for a size held as a float64 (the rule facts); it prints
// "unknown" for NaN and ±Inf and rounds a fraction of a kB to the nearest
// kB.
func KBFloat(kb float64) string {
	switch {
	case math.IsNaN(kb) || math.IsInf(kb, 0):
		return "unknown"
	case kb < 0:
		return "-" + KBFloat(-kb)
	case kb < 99.5:
		return strconv.FormatFloat(math.Round(kb), 'f', 0, 64) + " kB"
	}
	names := []string{"MiB", "GiB", "TiB", "PiB", "EiB", "ZiB"}
	v, i := kb/1024, 0
	for {
		// decimals: one below 10 MiB, below 100 of the larger units
		limit := 100.0
		if i == 0 {
			limit = 10
		}
		var s string
		if v < limit {
			s = strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
		} else {
			s = strconv.FormatFloat(v, 'f', 0, 64)
		}
		// 1023.7 MiB would print "1024 MiB": that is 1 GiB
		if (s == "1024" || v >= 1024) && i < len(names)-1 {
			v /= 1024
			i++
			continue
		}
		return s + " " + names[i]
	}
}

// KBPrecise is KB with two decimals for sizes of 1 GiB and more, for
// estimates whose second decimal matters ("about 2.96 GiB of RAM + swap").
func KBPrecise(kb int64) string {
	if kb >= 1024*1024 && kb < 100*1024*1024 {
		return strconv.FormatFloat(float64(kb)/1024/1024, 'f', 2, 64) + " GiB"
	}
	return KB(kb)
}
