package rules

// This file compares kernel releases as the kernel prints them, e.g.
//
//	CPU: 0 PID: 1532 Comm: badsysprogram Not tainted 3.13.0-27-generic #50-Ubuntu
//	                                                  ^^^^^^^^^^^^^^^^^ "3.13.0-27-generic"
//	4.15.0-65-generic   3.10.0-1160.el7.x86_64   6.1.1-arch1-1   5.15.158-2-pve
//
// against ranges written in rules as ">=4.15 <5.0".

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// kernelReleaseRE reads the numeric head of a release, e.g. "3.10.0" of
// "3.10.0-1160.el7.x86_64" or "6.1" of "6.1-rc3".
var kernelReleaseRE = regexp.MustCompile(`^([0-9]+)\.([0-9]+)(?:\.([0-9]+))?`)

// kernelBoundRE reads one bound of a range, e.g. ">=4.15", "<5", "=3.10.0".
var kernelBoundRE = regexp.MustCompile(`^(>=|<=|==|!=|>|<|=)?([0-9]+(?:\.[0-9]+){0,2})$`)

// kernelBound is one comparison: op against a version of 1 to 3 parts.
// Only as many parts of the kernel's release are compared as the bound
// gives, so "<=4.15" includes 4.15.7 and "=4.15" means any 4.15.x.
type kernelBound struct {
	op  string
	ver []int
}

// parseKernelRange reads space- or comma-separated bounds, all of which
// must hold: ">=4.15 <5.0", "=3.10", ">=5.8, <6".
func parseKernelRange(s string) ([]kernelBound, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty range (write e.g. \">=4.15 <5.0\")")
	}
	var out []kernelBound
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		// Allow a space between operator and version: ">= 4.15".
		if (f == ">=" || f == "<=" || f == ">" || f == "<" || f == "=" || f == "==" || f == "!=") && i+1 < len(fields) {
			f += fields[i+1]
			i++
		}
		m := kernelBoundRE.FindStringSubmatch(f)
		if m == nil {
			return nil, fmt.Errorf("bad bound %q (write e.g. \">=4.15 <5.0\")", f)
		}
		op := m[1]
		if op == "" || op == "==" {
			op = "="
		}
		var ver []int
		for _, p := range strings.Split(m[2], ".") {
			n, err := strconv.Atoi(p)
			if err != nil {
				return nil, fmt.Errorf("bad version %q", m[2])
			}
			ver = append(ver, n)
		}
		out = append(out, kernelBound{op: op, ver: ver})
	}
	return out, nil
}

// parseKernelRelease returns major, minor, patch of a printed release; ok
// is false when the text does not start with a version.
func parseKernelRelease(s string) (v [3]int, ok bool) {
	m := kernelReleaseRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return v, false
	}
	for i := 0; i < 3; i++ {
		if m[i+1] != "" {
			v[i], _ = strconv.Atoi(m[i+1])
		}
	}
	return v, true
}

// holds reports whether release v satisfies the bound.
func (b kernelBound) holds(v [3]int) bool {
	c := 0
	for i, want := range b.ver {
		if v[i] != want {
			if v[i] < want {
				c = -1
			} else {
				c = 1
			}
			break
		}
	}
	switch b.op {
	case ">=":
		return c >= 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case "<":
		return c < 0
	case "!=":
		return c != 0
	}
	return c == 0
}
