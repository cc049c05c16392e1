package parse

// free(1) output in its layouts and units:
//
//	$ free                                   (procps-ng ≥ 3.3.10, KiB)
//	               total        used        free      shared  buff/cache   available
//	Mem:         1881872     1573488       92340        1064      216044      155452
//	Swap:         969932       19046      950886
//
//	$ free -w                                (wide: buffers and cache apart)
//	               total        used        free      shared     buffers       cache   available
//
//	$ free -h                                (procps human sizes)
//	               total        used        free      shared  buff/cache   available
//	Mem:           1.8Gi       1.5Gi        90Mi       1.0Mi       210Mi       151Mi
//
//	$ free -m                                (old procps ≤ 3.3.9, RHEL 6/7.0)
//	             total       used       free     shared    buffers     cached
//	Mem:          3832       3679        153          0        175       2671
//	-/+ buffers/cache:        832       3000
//	Swap:         4095         27       4068
//
// The unit of a plain number is not printed: it comes from the command
// (free -m, free -g, free -b), given by the caller.

import (
	"math"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/parse/facts"
	"github.com/oomlens/oomlens/units"
)

// freeUnitKiB is the size of one printed unit in KiB, for the units free
// prints without a suffix.
var freeUnitKiB = map[string]int64{"kB": 1, "MiB": 1 << 10, "GiB": 1 << 20}

// parseFree parses the output of free. unit is what a plain number means:
// "kB" (the default, also for ""), "MiB" (free -m), "GiB" (free -g) or
// "bytes" (free -b); sizes with a suffix (free -h) are read as printed and
// Unit is "human". It returns nil when data is not free output.
func parseFree(data []byte, path, unit string) (*Free, []Warning) {
	if unit == "" {
		unit = "kB"
	}
	f := &Free{}
	var warns []Warning
	var hdr []string
	facts.ForLines(data, func(n int, line string) {
		ref := Ref{Path: path, Line: n}
		t := strings.TrimSpace(line)
		if t == "" {
			return
		}
		if hdr == nil {
			fs := strings.Fields(t)
			if len(fs) >= 3 && fs[0] == "total" && fs[1] == "used" && fs[2] == "free" {
				hdr = fs
				f.Ref = ref
				f.Lines = append(f.Lines, Quote{Ref: ref, Text: line})
				switch {
				case contains(fs, "buff/cache"):
					f.Layout = "procps"
				case contains(fs, "cached"):
					f.Layout = "procps-old"
				case contains(fs, "cache"):
					f.Layout = "procps-wide"
				default:
					f.Layout = "procps"
				}
			}
			return
		}
		label, rest, ok := strings.Cut(t, ":")
		if !ok {
			warns = append(warns, Warning{Ref: ref, Message: "free: line without a row label"})
			return
		}
		f.Lines = append(f.Lines, Quote{Ref: ref, Text: line})
		vals := strings.Fields(rest)
		sizes := make([]*Size, len(vals))
		for i, v := range vals {
			s, u, res := freeSize(v, unit)
			switch res {
			case units.Syntax:
				warns = append(warns, Warning{Ref: ref, Message: "free: bad size " + strconv.Quote(v)})
				return
			case units.TooLarge:
				warns = append(warns, Warning{Ref: ref, Message: units.TooLargeText("free", v)})
				continue // this value unknown, the others kept
			}
			if u == "human" {
				f.Unit = "human"
			}
			sizes[i] = &s
		}
		at := func(col string) *Size {
			for i, h := range hdr {
				if h == col && i < len(sizes) {
					return sizes[i]
				}
			}
			return nil
		}
		switch label {
		case "Mem":
			f.MemTotal, f.MemUsed, f.MemFree = at("total"), at("used"), at("free")
			f.Shared, f.Available = at("shared"), at("available")
			switch f.Layout {
			case "procps":
				f.BuffCache = at("buff/cache")
			case "procps-wide":
				f.Buffers, f.Cache = at("buffers"), at("cache")
			case "procps-old":
				f.Buffers, f.Cache = at("buffers"), at("cached")
			}
			if f.BuffCache == nil && f.Buffers != nil && f.Cache != nil {
				if s, ok := addSizes(*f.Buffers, *f.Cache); ok {
					f.BuffCache = &s
				} else {
					warns = append(warns, Warning{Ref: ref, Message: units.TooLargeText("free: buffers+cache", f.Buffers.Printed+"+"+f.Cache.Printed)})
				}
			}
		case "Swap":
			if len(sizes) >= 3 {
				f.SwapTotal, f.SwapUsed, f.SwapFree = sizes[0], sizes[1], sizes[2]
				r := ref
				f.SwapRef = &r
			} else {
				warns = append(warns, Warning{Ref: ref, Message: "free: Swap row has fewer than 3 values"})
			}
		case "-/+ buffers/cache", "Total", "Low", "High", "Comm":
			// kept as lines; their facts follow from Mem and Swap
		default:
			warns = append(warns, Warning{Ref: ref, Message: "free: unknown row " + strconv.Quote(label)})
		}
	})
	if hdr == nil {
		return nil, nil
	}
	if f.Unit == "" {
		f.Unit = unit
	}
	return f, warns
}

// freeSize reads one free value.
func freeSize(v, unit string) (Size, string, units.Result) {
	if isDigits(v) {
		k, ok := freeUnitKiB[unit]
		switch {
		case unit == "bytes":
			k = 0
		case !ok:
			return Size{}, "", units.Syntax
		}
		s, res := digitsSize(v, k)
		return s, unit, res
	}
	s, res := parseHumanSize(v, procps)
	return s, "human", res
}

// addSizes adds two sizes, widening the error interval; ok is false when
// the sum does not fit in an int64 of kB.
func addSizes(a, b Size) (Size, bool) {
	kb, ok1 := units.AddKB(a.KB, b.KB)
	errKB, ok2 := units.AddKB(a.ErrKB, b.ErrKB)
	if !ok1 || !ok2 {
		return Size{}, false
	}
	s := Size{KB: kb, Exact: a.Exact && b.Exact, ErrKB: errKB, Printed: a.Printed + "+" + b.Printed}
	if a.Bytes != nil && b.Bytes != nil {
		if *a.Bytes <= math.MaxInt64-*b.Bytes {
			s.Bytes = ptr(*a.Bytes + *b.Bytes)
		}
	}
	return s, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
