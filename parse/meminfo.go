package parse

// /proc/meminfo (kB; HugePages_* are page counts):
//
//	MemTotal:        1881872 kB
//	MemFree:           92340 kB
//	MemAvailable:     155452 kB
//	HugePages_Total:       0
//	Hugepagesize:       2048 kB
//
// /proc/pressure/memory:
//
//	some avg10=0.00 avg60=0.00 avg300=0.00 total=0
//	full avg10=0.00 avg60=0.00 avg300=0.00 total=0
//
// /proc/vmstat (one counter a line):
//
//	pswpin 2119
//	oom_kill 3

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/parse/facts"
	"github.com/oomlens/oomlens/units"
)

// "MemTotal:        1881872 kB", "HugePages_Total:       0", "Hugetlb:  0 kB"
var meminfoLineRE = regexp.MustCompile(`^(?P<key>[A-Za-z0-9_()]+):[ \t]+(?P<val>[0-9]+)(?P<kb> kB)?[ \t]*$`)

// parseMemInfo parses /proc/meminfo. It returns nil when data has no
// meminfo line.
func parseMemInfo(data []byte, path string) (*ProcMemInfo, []Warning) {
	m := &ProcMemInfo{Path: path}
	var warns []Warning
	facts.ForLines(data, func(n int, line string) {
		if strings.TrimSpace(line) == "" {
			return
		}
		g := meminfoLineRE.FindStringSubmatch(line)
		if g == nil {
			warns = append(warns, Warning{Ref: Ref{Path: path, Line: n}, Message: "meminfo: unreadable line"})
			return
		}
		// kB as printed (HugePages_* are counts): digits only, so the one
		// way to fail is a number more than an int64 holds.
		v, ok := parseInt64(g[2])
		if !ok {
			warns = append(warns, Warning{Ref: Ref{Path: path, Line: n}, Message: units.TooLargeText("meminfo: "+g[1], g[2])})
			return
		}
		m.Fields = append(m.Fields, KV{Key: g[1], Value: v, Ref: Ref{Path: path, Line: n}})
	})
	if len(m.Fields) == 0 {
		return nil, nil
	}
	return m, warns
}

// Get returns a meminfo field (kB, or pages for HugePages_*), nil when the
// file does not print it.
func (m *ProcMemInfo) Get(key string) *KV {
	if m == nil {
		return nil
	}
	for i := range m.Fields {
		if m.Fields[i].Key == key {
			return &m.Fields[i]
		}
	}
	return nil
}

// "some avg10=0.00 avg60=0.00 avg300=0.00 total=0"
var psiLineRE = regexp.MustCompile(`^(?P<kind>some|full) avg10=(?P<a10>[0-9.]+) avg60=(?P<a60>[0-9.]+) avg300=(?P<a300>[0-9.]+) total=(?P<total>[0-9]+)$`)

// parsePressure parses /proc/pressure/memory; nil when data has no PSI line.
func parsePressure(data []byte, path string) (*Pressure, []Warning) {
	var p *Pressure
	var warns []Warning
	facts.ForLines(data, func(n int, line string) {
		t := strings.TrimSpace(line)
		if t == "" {
			return
		}
		g := psiLineRE.FindStringSubmatch(t)
		if g == nil {
			warns = append(warns, Warning{Ref: Ref{Path: path, Line: n}, Message: "pressure: unreadable line"})
			return
		}
		a10, _ := strconv.ParseFloat(g[2], 64)
		a60, _ := strconv.ParseFloat(g[3], 64)
		a300, _ := strconv.ParseFloat(g[4], 64)
		tot, _ := parseInt64(g[5])
		psi := &PSI{Avg10: a10, Avg60: a60, Avg300: a300, TotalUs: tot}
		if p == nil {
			p = &Pressure{Ref: Ref{Path: path, Line: n}}
		}
		if g[1] == "some" {
			p.Some, p.SomePSI = t, psi
		} else {
			p.Full, p.FullPSI = t, psi
		}
	})
	return p, warns
}

// vmstatKeep says which /proc/vmstat counters are kept: the OOM-kill count
// and the swap, reclaim and stall counters that explain one.
func vmstatKeep(key string) bool {
	switch key {
	case "oom_kill", "pswpin", "pswpout", "pgmajfault", "compact_stall", "compact_fail",
		"nr_free_pages", "nr_anon_pages", "nr_file_pages", "nr_shmem", "nr_swapcached",
		"workingset_refault", "workingset_refault_anon", "workingset_refault_file",
		"thp_fault_alloc", "thp_fault_fallback", "drop_pagecache", "drop_slab":
		return true
	}
	return strings.HasPrefix(key, "allocstall") || strings.HasPrefix(key, "pgscan_direct") ||
		strings.HasPrefix(key, "pgsteal_direct") || strings.HasPrefix(key, "pgscan_kswapd")
}

// parseVMStat parses /proc/vmstat and keeps the counters of interest (see
// vmstatKeep), in file order. ok is false when data is not vmstat.
func parseVMStat(data []byte, path string) (kvs []KV, lines int, warns []Warning, ok bool) {
	good := 0
	lines = facts.ForLines(data, func(n int, line string) {
		f := strings.Fields(line)
		if len(f) == 0 {
			return
		}
		if len(f) != 2 {
			warns = append(warns, Warning{Ref: Ref{Path: path, Line: n}, Message: "vmstat: want \"name value\""})
			return
		}
		v, okv := parseInt64(f[1])
		if !okv {
			warns = append(warns, Warning{Ref: Ref{Path: path, Line: n}, Message: "vmstat: bad number " + strconv.Quote(f[1])})
			return
		}
		good++
		if vmstatKeep(f[0]) {
			kvs = append(kvs, KV{Key: f[0], Value: v, Ref: Ref{Path: path, Line: n}})
		}
	})
	return kvs, lines, warns, good > 0
}
