package render

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// sizeOr prints a nullable kB size, or dash when the input did not print it.
func sizeOr(kb *int64, dash string) string {
	if kb == nil {
		return dash
	}
	return units.KB(*kb)
}

func intOr(v *int, dash string) string {
	if v == nil {
		return dash
	}
	return strconv.Itoa(*v)
}

func int64Or(v *int64, dash string) string {
	if v == nil {
		return dash
	}
	return strconv.FormatInt(*v, 10)
}

func strOr(v *string, dash string) string {
	if v == nil || *v == "" {
		return dash
	}
	return *v
}

// pagesKB converts a count of 4 KiB pages (task-table swapents) to kB,
// nil when unknown or more kB than an int64 holds.
func pagesKB(p *int64) *int64 {
	if p == nil {
		return nil
	}
	kb, ok := units.ToKB(*p, 4, 1, units.Nearest)
	if !ok {
		return nil
	}
	return &kb
}

// visible makes text safe for a terminal or a Markdown code block: control
// bytes (ESC, BEL, CR, …), C1 controls, bidi overrides and invalid UTF-8 are
// shown as escapes (\x1b, \u202e) instead of acting on the reader's screen.
// Tabs become one space so columns stay put.
func visible(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0, r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e,
			r >= 0x2066 && r <= 0x2069, r == 0xfeff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// width is the number of terminal cells s takes.
func width(s string) int { return runewidth.StringWidth(s) }

// truncate cuts s to at most w cells, ending in … when cut.
func truncate(s string, w int) string {
	if width(s) <= w {
		return s
	}
	if w <= 1 {
		return runewidth.Truncate(s, w, "")
	}
	return runewidth.Truncate(s, w, "…")
}

// truncateLeft keeps the end of s (a path's base name matters most).
func truncateLeft(s string, w int) string {
	if width(s) <= w {
		return s
	}
	rs := []rune(s)
	out := ""
	for i := len(rs) - 1; i >= 0; i-- {
		next := string(rs[i]) + out
		if width(next)+1 > w {
			break
		}
		out = next
	}
	return "…" + out
}

func padRight(s string, w int) string {
	if d := w - width(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

func padLeft(s string, w int) string {
	if d := w - width(s); d > 0 {
		return strings.Repeat(" ", d) + s
	}
	return s
}

// wrap breaks text into lines of at most w cells at spaces; a word longer
// than w (a cgroup path, a long file name) is shortened with …, never
// broken in the middle.
func wrap(text string, w int) []string {
	if w < 10 {
		w = 10
	}
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		words := glueUnits(strings.Fields(para))
		cur := ""
		for _, word := range words {
			if width(word) > w {
				word = shortenPath(word, w)
			}
			switch {
			case cur == "":
				cur = word
			case width(cur)+1+width(word) <= w:
				cur += " " + word
			default:
				lines = append(lines, cur)
				cur = word
			}
		}
		if cur != "" || len(words) == 0 {
			lines = append(lines, cur)
		}
	}
	return lines
}

// shortenPath fits a path (or any long word) in w cells without breaking a
// name: leading directories give way to "…/" first, then the middle of the
// last name gives way to "…".
func shortenPath(p string, w int) string {
	if width(p) <= w {
		return p
	}
	if w < 8 {
		return truncateLeft(p, max(w, 1))
	}
	parts := strings.Split(p, "/")
	// Keep the first component (a leading "/" or the top directory) and as
	// many trailing ones as fit.
	for keep := len(parts) - 1; keep >= 1; keep-- {
		tail := strings.Join(parts[len(parts)-keep:], "/")
		if s := "…/" + tail; width(s) <= w {
			if head := parts[0] + "/…/" + tail; parts[0] != "" && width(head) <= w {
				return head
			}
			return s
		}
	}
	base := parts[len(parts)-1]
	if len(parts) > 1 {
		w -= 2 // "…/"
	}
	left := (w - 1) / 2
	var b strings.Builder
	for _, r := range base {
		if width(b.String()+string(r)) > left {
			break
		}
		b.WriteRune(r)
	}
	head := b.String()
	tail := truncateLeft(base, w-width(head))
	out := head + tail
	if len(parts) > 1 {
		out = "…/" + out
	}
	return out
}

// hardWrap cuts a log line into pieces of at most w cells, keeping its
// spacing (log columns matter more than word boundaries).
func hardWrap(s string, w int) []string {
	if w < 10 {
		w = 10
	}
	var out []string
	for width(s) > w {
		head := runewidth.Truncate(s, w, "")
		if head == "" {
			break
		}
		if j := strings.LastIndexByte(head, ' '); j > len(head)/2 {
			head = head[:j+1] // break after a space when one is near the end
		}
		out = append(out, strings.TrimRight(head, " "))
		s = s[len(head):]
	}
	return append(out, s)
}

// glueUnits keeps a number and its unit on one line: "512", "MiB" → "512 MiB".
func glueUnits(words []string) []string {
	out := words[:0:0]
	for _, w := range words {
		switch strings.TrimRight(w, ".,;:)") {
		case "kB", "KiB", "MiB", "GiB", "TiB", "MB", "GB", "%":
			if n := len(out); n > 0 && out[n-1] != "" {
				if c := out[n-1][len(out[n-1])-1]; c >= '0' && c <= '9' {
					out[n-1] += " " + w
					continue
				}
			}
		}
		out = append(out, w)
	}
	return out
}

// refGroup is the lines cited in one file.
type refGroup struct {
	Path  string
	Lines []int
}

// groupRefs groups refs by path in order of first appearance, lines sorted
// and deduplicated.
func groupRefs(refs []report.Ref) []refGroup {
	var out []refGroup
	idx := map[string]int{}
	for _, r := range refs {
		i, ok := idx[r.Path]
		if !ok {
			i = len(out)
			idx[r.Path] = i
			out = append(out, refGroup{Path: r.Path})
		}
		out[i].Lines = append(out[i].Lines, r.Line)
	}
	for i := range out {
		ls := out[i].Lines
		sort.Ints(ls)
		u := ls[:0]
		for j, l := range ls {
			if j == 0 || l != ls[j-1] {
				u = append(u, l)
			}
		}
		out[i].Lines = u
	}
	return out
}

// lineRanges prints sorted line numbers with consecutive runs as ranges:
// 1790,1791,1841 → "1790-1791,1841".
func lineRanges(ls []int) string {
	var b strings.Builder
	for i := 0; i < len(ls); {
		j := i
		for j+1 < len(ls) && ls[j+1] == ls[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(ls[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(ls[j]))
		}
		i = j + 1
	}
	return b.String()
}

// shortRefs prints refs compactly: "dmesg:1790-1791,1841 swapon:2-3".
func shortRefs(refs []report.Ref) string {
	var parts []string
	for _, g := range groupRefs(refs) {
		parts = append(parts, shortName(g.Path)+":"+lineRanges(g.Lines))
	}
	return strings.Join(parts, " ")
}

// fitRefs is shortRefs in at most w cells: whole files' line lists, as
// many as fit, then "+N files" for the rest; a single file's list too long
// for w keeps its first ranges and ends in "…".
func fitRefs(refs []report.Ref, w int) string {
	var parts []string
	for _, g := range groupRefs(refs) {
		parts = append(parts, shortName(g.Path)+":"+lineRanges(g.Lines))
	}
	all := strings.Join(parts, " ")
	if width(all) <= w || len(parts) == 0 {
		return all
	}
	for n := len(parts) - 1; n >= 1; n-- {
		s := strings.Join(parts[:n], " ") + " " + plural(len(parts)-n, "more file", "more files")
		if width(s) <= w {
			return s
		}
	}
	// One file: cut its line list at a comma.
	first := parts[0]
	for width(first+",…") > w {
		i := strings.LastIndexByte(first, ',')
		if i < 0 {
			return truncate(parts[0], w)
		}
		first = first[:i]
	}
	if first == parts[0] {
		return first + " …"
	}
	return first + ",…"
}

// shortName is a path's base name cut to 22 cells: sos names files after
// the command line, which can be long ("kubectl_describe_node_<node>").
func shortName(p string) string { return truncate(path.Base(p), 22) }

// killKindText names a kill kind for people.
func killKindText(kind string) string {
	switch kind {
	case "global":
		return "whole node out of memory"
	case "memcg":
		return "cgroup limit"
	case "cpuset":
		return "cpuset"
	case "mempolicy":
		return "mempolicy"
	}
	return kind
}

// killTime prints when a kill happened: wall time if known, else the raw
// kernel stamp.
func killTime(t report.KillTime) string {
	if w := wallOf(t); w != nil {
		return shortTime(*w)
	}
	if t.WallNoYear != nil {
		return noYearTime(*t.WallNoYear)
	}
	if t.KernelSeconds != nil {
		return "[" + strconv.FormatFloat(*t.KernelSeconds, 'f', 6, 64) + "]"
	}
	if t.Raw != nil {
		return *t.Raw
	}
	return "time unknown"
}

// noYearTime writes KillTime.WallNoYear ("--10-12T19:00:20[+02:00]") as
// "Oct 12 19:00:20 (year unknown)", the offset after the time when printed.
func noYearTime(s string) string {
	if len(s) < 16 || !strings.HasPrefix(s, "--") {
		return s
	}
	mo, err := strconv.Atoi(s[2:4])
	if err != nil || mo < 1 || mo > 12 {
		return s
	}
	day := strings.TrimPrefix(s[5:7], "0")
	out := time.Month(mo).String()[:3] + " " + day + " " + s[8:16]
	if off := s[16:]; off != "" {
		out += " " + off
	}
	return out + " (year unknown)"
}

// wallOf is the kill's wall time: RFC 3339, else node-local without an
// offset (the bundle names no time zone), else nil.
func wallOf(t report.KillTime) *string {
	if t.Wall != nil {
		return t.Wall
	}
	return t.WallLocal
}

// rowTime is a timeline row's time, RFC 3339 or node-local (see wallOf).
func rowTime(r report.TimelineRow) *string {
	if r.Time != nil {
		return r.Time
	}
	return r.LocalTime
}

// bootTimes are the host's boot times, RFC 3339 or node-local.
func bootTimes(h report.Host) []string {
	if len(h.BootTimes) > 0 {
		return h.BootTimes
	}
	return h.BootTimesLocal
}

// shortTime prints an RFC 3339 time as "2019-10-20 15:07:17" (the offset is
// in the header); other strings come back unchanged.
func shortTime(s string) string {
	if len(s) >= 19 && s[10] == 'T' {
		return s[:10] + " " + s[11:19]
	}
	return s
}

// victimWord names the victim in a summary: its process name, or, for a
// kill known only from a container's status, "container NAME"; "" when
// neither is known.
func victimWord(k *report.Kill) string {
	if k.Victim.Name == "" && k.Pod != nil && k.Pod.Container != nil {
		return "container " + *k.Pod.Container
	}
	return k.Victim.Name
}

// victimLabel is "pip3 (pid 23143)".
func victimLabel(k *report.Kill) string {
	if k.Victim.Pid != nil {
		return fmt.Sprintf("%s (pid %d)", k.Victim.Name, *k.Victim.Pid)
	}
	return victimWord(k)
}

// headline is the kill's one-line statement, with a fallback.
func headline(k *report.Kill) string {
	if k.Headline != "" {
		return k.Headline
	}
	return victimLabel(k) + " killed: " + killKindText(k.Kind)
}

// swapAtKill prints "947 MiB, 0.2 MiB free".
func swapAtKill(s *report.SwapAtOOM) string {
	if s == nil || (s.TotalKB == nil && s.FreeKB == nil) {
		return "—"
	}
	if s.TotalKB != nil && *s.TotalKB == 0 {
		return "none"
	}
	return sizeOr(s.TotalKB, "?") + ", " + sizeOr(s.FreeKB, "?") + " free"
}

// swapFreeAtKill is swapAtKill without the total: "0.2 MiB free", "none"
// (no swap), "?" (free not printed), "—" (nothing printed).
func swapFreeAtKill(s *report.SwapAtOOM) string {
	switch {
	case s == nil || (s.TotalKB == nil && s.FreeKB == nil):
		return "—"
	case s.TotalKB != nil && *s.TotalKB == 0:
		return "none"
	}
	return sizeOr(s.FreeKB, "?") + " free"
}

// reportOnlyText says what an OOM report without a kill line shows: "pip3
// (pid 23143) invoked the OOM killer (global; swap 947 MiB, 0.2 MiB free):
// log ended before the report did".
func reportOnlyText(r report.ReportOnly) string {
	s := "an OOM report"
	if inv := r.Invoker; inv != nil {
		s = inv.Name
		if inv.Pid != nil {
			s += fmt.Sprintf(" (pid %d)", *inv.Pid)
		}
		s += " invoked the OOM killer"
	}
	var details []string
	if r.Kind != "" && r.Kind != "unknown" {
		details = append(details, r.Kind)
	}
	if sw := r.SwapAtOOM; sw != nil {
		if sw.TotalKB != nil && *sw.TotalKB == 0 {
			details = append(details, "no swap")
		} else {
			details = append(details, "swap "+swapAtKill(sw))
		}
	}
	if len(details) > 0 {
		s += " (" + strings.Join(details, "; ") + ")"
	}
	return s + ": " + r.Why
}

// victims lists victim names with counts in first-seen order: "pip3 ×3".
func victims(kills []report.Kill) string {
	var order []string
	n := map[string]int{}
	for i := range kills {
		v := victimWord(&kills[i])
		if n[v] == 0 {
			order = append(order, v)
		}
		n[v]++
	}
	var parts []string
	for _, v := range order {
		if n[v] > 1 {
			parts = append(parts, fmt.Sprintf("%s ×%d", v, n[v]))
		} else {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

// timeSpan is the first and last kill time, when known.
func timeSpan(kills []report.Kill) string {
	var first, last string
	for _, k := range kills {
		w := wallOf(k.Time)
		if w == nil {
			continue
		}
		if first == "" || *w < first {
			first = *w
		}
		if *w > last {
			last = *w
		}
	}
	switch {
	case first == "":
		return ""
	case first == last:
		return shortTime(first)
	case len(first) >= 10 && len(last) >= 19 && first[:10] == last[:10]:
		return shortTime(first) + " → " + shortTime(last)[11:]
	}
	return shortTime(first) + " → " + shortTime(last)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// refSet is a set of cited lines.
type refSet map[report.Ref]bool

// killRefs is every line a kill or its findings cite.
func killRefs(k *report.Kill) refSet {
	s := refSet{}
	for _, r := range k.Evidence {
		s[r] = true
	}
	for _, f := range k.Findings {
		for _, r := range f.Evidence {
			s[r] = true
		}
	}
	if k.Pod != nil {
		for _, r := range k.Pod.Evidence {
			s[r] = true
		}
	}
	return s
}

// killExcerpts returns the indexes of the report's excerpts that quote a
// line the kill cites, in report order.
func killExcerpts(rep *report.Report, k *report.Kill) []int {
	refs := killRefs(k)
	var out []int
	for i, ex := range rep.Excerpts {
		for _, l := range ex.Lines {
			if refs[report.Ref{Path: ex.Path, Line: l.Line}] {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// excerptRange is "lines 1830-1845".
func excerptRange(ex report.Excerpt) string {
	if len(ex.Lines) == 0 {
		return ""
	}
	a, b := ex.Lines[0].Line, ex.Lines[len(ex.Lines)-1].Line
	if a == b {
		return "line " + strconv.Itoa(a)
	}
	return "lines " + strconv.Itoa(a) + "–" + strconv.Itoa(b)
}
