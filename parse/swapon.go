package parse

// Swap listings, in every form oomlens reads:
//
//	$ swapon                          (= swapon --show: human sizes)
//	NAME          TYPE   SIZE  USED PRIO
//	/swapfile     file 947.2M 18.6M   -2
//	/swapfile.new file     2G   48K   -3
//
//	$ swapon --bytes --show
//	NAME      TYPE       SIZE     USED PRIO
//	/dev/dm-1 partition 4294963200 0   -2
//
//	$ swapon --show=NAME,SIZE,UUID    (any columns, any order)
//
//	$ swapon -s / swapon --summary [--verbose] / cat /proc/swaps   (kB)
//	Filename				Type		Size		Used		Priority
//	/swapfile                               file		969932		19046		-2
//
// An empty `swapon --show` output means no swap was active.

import (
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/parse/facts"
	"github.com/oomlens/oomlens/units"
)

// swapShowColumns are the columns `swapon --show=` can print.
var swapShowColumns = map[string]bool{"NAME": true, "TYPE": true, "SIZE": true, "USED": true, "PRIO": true, "UUID": true, "LABEL": true}

// swapRightAligned are the columns util-linux right-aligns.
var swapRightAligned = map[string]bool{"SIZE": true, "USED": true, "PRIO": true}

// parseSwapon parses swapon (--show, --bytes, --show=cols, --summary) or
// /proc/swaps output. It returns nil when data is none of these; an empty
// data is an empty `swapon --show` (no swap active).
func parseSwapon(data []byte, path string) (*SwapTable, []Warning) {
	t := &SwapTable{Ref: Ref{Path: path, Line: 1}}
	var warns []Warning
	var cols []column
	summary := false
	seen := false
	facts.ForLines(data, func(n int, line string) {
		if t == nil || strings.TrimSpace(line) == "" {
			return
		}
		t.Lines = append(t.Lines, Quote{Ref: Ref{Path: path, Line: n}, Text: line})
		if !seen {
			seen = true
			t.Ref.Line = n
			f := strings.Fields(line)
			if len(f) == 5 && f[0] == "Filename" && f[1] == "Type" && f[2] == "Size" && f[3] == "Used" && f[4] == "Priority" {
				summary = true
				t.Format = "swapon-summary"
				if path == "proc/swaps" || strings.HasSuffix(path, "/proc/swaps") {
					t.Format = "proc-swaps"
				}
				return
			}
			cols = swapHeader(line)
			if cols == nil {
				t = nil
				return
			}
			t.Format = "swapon-show"
			return
		}
		ref := Ref{Path: path, Line: n}
		var d SwapDevice
		var bad string
		var ws []string
		if summary {
			d, bad, ws = swapSummaryRow(line, ref)
		} else {
			d, bad, ws = swapShowRow(line, cols, ref)
		}
		if bad != "" {
			warns = append(warns, Warning{Ref: ref, Message: bad})
			return
		}
		for _, w := range ws {
			warns = append(warns, Warning{Ref: ref, Message: w})
		}
		t.Devices = append(t.Devices, d)
	})
	if t == nil {
		return nil, nil
	}
	if !seen {
		t.Format = "swapon-show"
		return t, nil
	}
	if t.Format == "swapon-show" {
		bytesOnly, any := true, false
		for _, d := range t.Devices {
			for _, s := range []*Size{d.Size, d.Used} {
				if s != nil {
					any = true
					if s.Bytes == nil || !isDigits(s.Printed) {
						bytesOnly = false
					}
				}
			}
		}
		if any && bytesOnly {
			t.Format = "swapon-bytes"
		}
	}
	return t, warns
}

// column is one column of a fixed-width table header.
type column struct {
	Name       string
	Start, End int
}

// swapHeader reads a `swapon --show` header; nil if line is not one.
func swapHeader(line string) []column {
	cols := splitColumns(line)
	if len(cols) == 0 {
		return nil
	}
	name := false
	for _, c := range cols {
		if !swapShowColumns[c.Name] {
			return nil
		}
		name = name || c.Name == "NAME"
	}
	if len(cols) < 2 && !name {
		return nil
	}
	return cols
}

// splitColumns returns the whitespace-separated tokens of line with their spans.
func splitColumns(line string) []column {
	var cols []column
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			break
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		cols = append(cols, column{Name: line[i:j], Start: i, End: j})
		i = j
	}
	return cols
}

// assignColumns maps the tokens of a table row onto header columns: left
// aligned columns by their start, right aligned ones by their end, else the
// nearest column.
func assignColumns(row []column, hdr []column, right map[string]bool) map[string]string {
	out := map[string]string{}
	if len(row) == len(hdr) {
		for i, c := range hdr {
			out[c.Name] = row[i].Name
		}
		return out
	}
	for _, tok := range row {
		best, bestD := -1, 1<<30
		for k, c := range hdr {
			if _, taken := out[c.Name]; taken {
				continue
			}
			var d int
			if right[c.Name] {
				d = abs(tok.End - c.End)
			} else {
				d = abs(tok.Start - c.Start)
			}
			if d < bestD {
				best, bestD = k, d
			}
		}
		if best >= 0 {
			out[hdr[best].Name] = tok.Name
		}
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// swapShowRow reads one `swapon --show` row. A size that does not fit in
// kB is a warning (in warns) and stays unknown; any other bad value makes
// the row a warning (bad).
func swapShowRow(line string, hdr []column, ref Ref) (d SwapDevice, bad string, warns []string) {
	v := assignColumns(splitColumns(line), hdr, swapRightAligned)
	d = SwapDevice{Ref: ref, Name: v["NAME"], Type: v["TYPE"], UUID: v["UUID"], Label: v["LABEL"]}
	for _, c := range []struct {
		col string
		dst **Size
	}{{"SIZE", &d.Size}, {"USED", &d.Used}} {
		s, ok := v[c.col]
		if !ok {
			continue
		}
		var sz Size
		var res units.Result
		if isDigits(s) {
			sz, res = digitsSize(s, 0) // --bytes
		} else {
			sz, res = parseHumanSize(s, utilLinux)
		}
		switch res {
		case units.Syntax:
			return d, "swapon: bad " + c.col + " " + strconv.Quote(s), nil
		case units.TooLarge:
			warns = append(warns, units.TooLargeText("swapon: "+c.col, s))
			continue
		}
		*c.dst = &sz
	}
	if p, ok := v["PRIO"]; ok {
		n, err := strconv.Atoi(p)
		if err != nil {
			return d, "swapon: bad PRIO " + strconv.Quote(p), nil
		}
		d.Priority = &n
	}
	d.Zram = strings.HasPrefix(d.Name, "/dev/zram")
	return d, "", warns
}

// swapSummaryRow reads one `swapon -s` or /proc/swaps row (sizes in kB).
func swapSummaryRow(line string, ref Ref) (d SwapDevice, bad string, warns []string) {
	f := strings.Fields(line)
	if len(f) != 5 {
		return SwapDevice{}, "swap summary: want 5 fields, got " + strconv.Itoa(len(f)), nil
	}
	prio, err := strconv.Atoi(f[4])
	if err != nil {
		return SwapDevice{}, "swap summary: bad number in " + strconv.Quote(line), nil
	}
	d = SwapDevice{Ref: ref, Name: f[0], Type: f[1], Priority: &prio, Zram: strings.HasPrefix(f[0], "/dev/zram")}
	for _, c := range []struct {
		col, v string
		dst    **Size
	}{{"Size", f[2], &d.Size}, {"Used", f[3], &d.Used}} {
		sz, res := digitsSize(c.v, 1)
		switch res {
		case units.Syntax:
			return SwapDevice{}, "swap summary: bad number in " + strconv.Quote(line), nil
		case units.TooLarge:
			warns = append(warns, units.TooLargeText("swap summary: "+c.col, c.v))
			continue
		}
		*c.dst = &sz
	}
	return d, "", warns
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
