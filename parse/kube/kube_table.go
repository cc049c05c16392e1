package kube

// Column-aligned tables as kubectl, crictl and docker print them through
// text/tabwriter (padding ≥ 2 spaces, cells may hold single spaces):
//
//	  Type     Reason     Age                 From     Message
//	  ----     ------     ----                ----     -------
//	  Warning  SystemOOM  85s (x4 over 27m)   kubelet  System OOM encountered, victim process: pip3, pid: 23143
//
// The header gives every column's name and start offset; a row is cut at
// those offsets, and a boundary that falls inside a token (a row wider than
// its header, a hand-edited paste) is moved to the next gap of two or more
// spaces.

import "strings"

// tableCol is one header cell: its name and the column (in runes, as
// tabwriter counts: docker's "…" is one column, three bytes) it starts at.
type tableCol struct {
	Name  string
	Start int
}

// tableHeader splits a header line into columns separated by runs of two or
// more spaces (header names such as "CPU Requests" hold single spaces).
func tableHeader(s string) []tableCol {
	line := []rune(kubeExpandTabs(s))
	var cols []tableCol
	i := 0
	for i < len(line) {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i >= len(line) {
			break
		}
		start := i
		for i < len(line) {
			if line[i] == ' ' && (i+1 >= len(line) || line[i+1] == ' ') {
				break
			}
			i++
		}
		cols = append(cols, tableCol{Name: string(line[start:i]), Start: start})
	}
	return cols
}

// colIndex returns the index of the first column named one of names, or -1.
func colIndex(cols []tableCol, names ...string) int {
	for i, c := range cols {
		for _, n := range names {
			if strings.EqualFold(c.Name, n) {
				return i
			}
		}
	}
	return -1
}

// kubeDashRow reports whether line is a separator row ("----   ------").
func kubeDashRow(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != '-' && t[i] != ' ' && t[i] != '\t' {
			return false
		}
	}
	return true
}

// splitRow cuts a table row into len(cols) trimmed cells. The last column
// takes the rest of the line.
func splitRow(s string, cols []tableCol) []string {
	hadTab := strings.IndexByte(s, '\t') >= 0
	line := []rune(kubeExpandTabs(s))
	cells := make([]string, len(cols))
	if len(cols) == 0 {
		return cells
	}
	starts := make([]int, len(cols)+1)
	starts[0] = 0
	starts[len(cols)] = len(line)
	pos := 0
	for i := 1; i < len(cols); i++ {
		off := cols[i].Start
		if off < pos {
			off = pos
		}
		switch {
		case off >= len(line):
			off = len(line)
		case cleanBoundary(line, off, hadTab):
		default:
			off = nextGap(line, off)
		}
		starts[i] = off
		pos = off + 1 // a cell starts after the previous one's start
	}
	for i := range cols {
		a, z := starts[i], starts[i+1]
		if a > len(line) {
			a = len(line)
		}
		if z > len(line) {
			z = len(line)
		}
		if z < a {
			z = a
		}
		cells[i] = strings.TrimSpace(string(line[a:z]))
	}
	return cells
}

// cleanBoundary reports whether a cell may start at off: the two bytes
// before it are spaces (tabwriter pads with at least two), or one space
// when the line was tab-aligned.
func cleanBoundary(line []rune, off int, hadTab bool) bool {
	if off <= 0 {
		return true
	}
	if line[off-1] != ' ' {
		return false
	}
	if hadTab || off < 2 {
		return true
	}
	return line[off-2] == ' '
}

// nextGap returns the offset of the first non-space byte after the next run
// of two or more spaces at or after off, or len(line).
func nextGap(line []rune, off int) int {
	for i := off; i+1 < len(line); i++ {
		if line[i] == ' ' && line[i+1] == ' ' {
			j := i
			for j < len(line) && line[j] == ' ' {
				j++
			}
			return j
		}
	}
	return len(line)
}

// kubeExpandTabs replaces tabs with spaces up to the next multiple of 8 (old
// kubectl printed tab-padded tables).
func kubeExpandTabs(s string) string {
	if strings.IndexByte(s, '\t') < 0 {
		return s
	}
	var b strings.Builder
	col := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\t' {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteByte(s[i])
		col++
	}
	return b.String()
}

// kubeLines splits data into lines without their terminators ("\n" or
// "\r\n"); a final line without a newline is kept.
func kubeLines(data []byte) []string {
	s := string(data)
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}
