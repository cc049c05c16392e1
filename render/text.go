package render

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// TextOptions tunes the terminal report.
type TextOptions struct {
	// Color turns on ANSI colour and bold. Colour never changes layout.
	Color bool
	// Width is the line width in cells; less than 80 means 80.
	Width int
	// Verbose adds the cited evidence excerpts, the timeline and the
	// unexplained lines.
	Verbose bool
}

// textStyles are the report's styles, bound to one writer's renderer.
type textStyles struct {
	title, bold, dim, crit, warn, info, ok, head lipgloss.Style
}

func newTextStyles(w io.Writer, color bool) textStyles {
	r := lipgloss.NewRenderer(w)
	r.SetHasDarkBackground(true) // never query the terminal
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	s := r.NewStyle()
	return textStyles{
		title: s.Bold(true).Foreground(lipgloss.Color("39")),
		bold:  s.Bold(true),
		dim:   s.Foreground(lipgloss.Color("245")),
		crit:  s.Bold(true).Foreground(lipgloss.Color("196")),
		warn:  s.Foreground(lipgloss.Color("214")),
		info:  s.Foreground(lipgloss.Color("75")),
		ok:    s.Foreground(lipgloss.Color("78")),
		// Bold, not underlined: lipgloss underlines rune by rune (an
		// escape sequence per character), which made a 72-character
		// header cost 780 bytes.
		head: s.Bold(true),
	}
}

// textWriter lays out plain text and styles whole segments, so that widths
// are computed on plain text and colour cannot move a column.
type textWriter struct {
	w     *bufio.Writer
	st    textStyles
	width int
}

func (t *textWriter) line(segs ...string) { t.w.WriteString(strings.Join(segs, "") + "\n") }

// split writes left, then right aligned at the right margin. When both do
// not fit on one line, left is wrapped (its continuation indented by
// contIndent): beside right when that costs no more lines than wrapping
// at the full width with right on the last line or a line of its own.
func (t *textWriter) split(indent string, left string, ls lipgloss.Style, right string, rs lipgloss.Style, contIndent ...string) {
	cont := strings.Repeat(" ", width(indent))
	if len(contIndent) > 0 {
		cont = contIndent[0]
	}
	t.splitIndent(indent, width(indent), cont, left, ls, right, rs)
}

// splitIndent is split with an indent that may be styled: iw is its plain
// width.
func (t *textWriter) splitIndent(indent string, indentW int, cont string, left string, ls lipgloss.Style, right string, rs lipgloss.Style) {
	iw := max(indentW, width(cont))
	pre := func(i int) string {
		if i == 0 {
			return indent
		}
		return cont
	}
	preW := func(i int) int {
		if i == 0 {
			return indentW
		}
		return width(cont)
	}
	if right == "" {
		for i, l := range wrap(left, t.width-iw) {
			t.line(pre(i), ls.Render(l))
		}
		return
	}
	right = truncateLeft(right, t.width-indentW)
	full := wrap(left, t.width-iw)
	last := len(full) - 1
	lastFits := preW(last)+width(full[last])+2+width(right) <= t.width
	fullCount := len(full)
	if !lastFits {
		fullCount++
	}
	if avail := t.width - iw - width(right) - 2; avail >= 30 {
		if beside := wrap(left, avail); len(beside) < fullCount || len(beside) == 1 {
			for i, l := range beside {
				if i == 0 {
					gap := t.width - preW(0) - width(l) - width(right)
					t.line(pre(0), ls.Render(l), strings.Repeat(" ", gap), rs.Render(right))
				} else {
					t.line(pre(i), ls.Render(l))
				}
			}
			return
		}
	}
	for i, l := range full {
		if i == last && lastFits {
			gap := t.width - preW(i) - width(l) - width(right)
			t.line(pre(i), ls.Render(l), strings.Repeat(" ", gap), rs.Render(right))
		} else {
			t.line(pre(i), ls.Render(l))
		}
	}
	if !lastFits {
		t.line(strings.Repeat(" ", t.width-width(right)), rs.Render(right))
	}
}

// refs is evidence for the right column: whole files' line lists, as many
// as fit in half the width, then "+N files".
func (t *textWriter) refs(rs []report.Ref) string {
	return visible(fitRefs(rs, (t.width-3)/2))
}

// Text writes the terminal report, the answer first: a short header, a
// headline per cause, one card per group of kills with the same victim and
// cause (what was killed and why, the numbers that prove it, swap at the
// kill and at capture, what to do next, each line with its evidence in the
// right column), the machine at capture and one line each for inputs,
// coverage gaps and unexplained lines. Verbose adds every finding of every
// kill with the cited log lines, the timeline, what to collect for each
// gap and the unexplained lines.
func Text(w io.Writer, rep *report.Report, opts TextOptions) error {
	rep = orEmpty(rep)
	t := &textWriter{w: bufio.NewWriter(w), st: newTextStyles(w, opts.Color), width: max(opts.Width, 80)}
	textHeader(t, rep)
	a := buildAnswer(rep)
	if len(rep.Kills) > 0 {
		for _, c := range a.Causes {
			t.split("", visible(c.Text()), t.st.bold, "", t.st.dim, "  ")
		}
		for i := range a.Groups {
			t.line()
			textCard(t, rep, &a.Groups[i], opts.Verbose)
		}
	}
	t.line()
	textFooter(t, rep, a, opts.Verbose)
	if opts.Verbose {
		if len(rep.Kills) > 0 {
			t.line()
			t.line(t.st.head.Render("Every finding, kill by kill"))
		}
		for i := range rep.Kills {
			t.line()
			textKill(t, rep, &rep.Kills[i])
		}
		if len(rep.Timeline) > 0 {
			t.line()
			textTimeline(t, rep)
		}
		textVerboseFooter(t, rep)
	}
	return t.w.Flush()
}

func textHeader(t *textWriter, rep *report.Report) {
	st := t.st
	host := strOr(rep.Host.Hostname, rep.Host.Bundle)
	t.split("", visible("oomlens "+rep.Tool.Version+" · OOM report for "+shortenPath(host, t.width-30)), st.title, "", st.dim)
	var facts []string
	if rep.Host.KernelVersion != nil {
		facts = append(facts, "kernel "+*rep.Host.KernelVersion)
	}
	if rep.Host.CapturedAt != nil {
		facts = append(facts, "captured "+*rep.Host.CapturedAt)
	}
	if n := len(bootTimes(rep.Host)); n > 0 {
		facts = append(facts, plural(n, "boot", "boots")+" seen")
	}
	if len(facts) > 0 {
		t.split("", visible(strings.Join(facts, " · ")), st.dim, "", st.dim)
	}
	digest := " · inputs " + shortDigest(rep.Host.InputDigest)
	t.split("", visible("bundle "+shortenPath(rep.Host.Bundle, t.width-7-width(digest))+digest), st.dim, "", st.dim)
	if rep.Redacted {
		t.split("", "Redacted: host names, IP and MAC addresses, user, pod and namespace names are pseudonyms (host-1, ip-1, …).", st.warn, "", st.dim)
	}
	t.line()
	if len(rep.Kills) == 0 {
		t.split("", "No OOM kill found in "+plural(usedInputs(rep), "input", "inputs")+".", st.ok, "", st.dim)
		if len(rep.Reports) > 0 {
			t.split("", plural(len(rep.Reports), "OOM report has", "OOM reports have")+" no kill line (see below).", st.warn, "", st.dim)
		}
	}
}

// textCardRows is how many kills a card's table lists without -v.
const textCardRows = 8

// textCard prints one group of kills: the first kill's headline, the lines
// that prove it, the table of the group, the verdict's additions and the
// first thing to do.
func textCard(t *textWriter, rep *report.Report, g *groupView, verbose bool) {
	st := t.st
	t.split("", visible(g.Title), st.bold, t.refs(g.Ref), st.dim, "   ")
	lineStyle := func(sev string) lipgloss.Style {
		switch sev {
		case "critical":
			return st.crit
		case "warning":
			return st.warn
		}
		return lipgloss.Style{}
	}
	for _, l := range g.Lines {
		t.split("   ", visible(l.Text), lineStyle(l.Severity), t.refs(l.Refs), st.dim, "     ")
	}
	if len(g.Rows) > 0 {
		t.split("   ", visible(g.Caption), lipgloss.Style{}, "", st.dim, "     ")
		textGroupTable(t, g, verbose)
	}
	for _, l := range g.Verdict {
		t.split("   ", visible(l.Text), lipgloss.Style{}, t.refs(l.Refs), st.dim, "     ")
	}
	if g.Next != "" {
		t.split("   ", visible("Next: "+g.Next+"."), st.bold, "", st.dim, "     ")
	}
}

// textGroupTable lists the kills of a group, each with its kill line; the
// swap column gives way (cut with …) when the table is wider than the
// terminal.
func textGroupTable(t *textWriter, g *groupView, verbose bool) {
	hdr := []string{"#", "time", "pid", "anon RSS", "in swap", "swap at kill", ""}
	right := []bool{true, false, true, true, true, false, false}
	rows := [][]string{}
	for i, r := range g.Rows {
		if !verbose && i == textCardRows && len(g.Rows) > textCardRows+1 {
			break
		}
		rows = append(rows, []string{strconv.Itoa(r.N), visible(r.Time), r.Pid, r.AnonRSS, r.InSwap, visible(r.Swap), visible(shortRefs(r.Ref))})
	}
	const indent, gap = 5, 2
	widths := func() ([]int, int) {
		ws := make([]int, len(hdr))
		total := indent
		for c := range hdr {
			ws[c] = width(hdr[c])
			for _, r := range rows {
				ws[c] = max(ws[c], width(r[c]))
			}
			total += ws[c] + gap
		}
		return ws, total
	}
	ws, total := widths()
	giveWay := func(order ...[2]int) {
		for _, c := range order {
			col, floor := c[0], c[1]
			if over := total - gap - t.width; over > 0 && ws[col] > floor {
				cut := min(over, ws[col]-floor)
				ws[col] -= cut
				total -= cut
			}
		}
	}
	// Give way: the swap column down to 12 cells, then the kill line's
	// file name (its line number is kept).
	full := ws[5]
	giveWay([2]int{5, 12}, [2]int{6, 12})
	if ws[5] < full {
		// The swap values would be cut: show them without the total
		// ("0.2 MiB free"), and let the file name give way first.
		hdr[5] = "swap free"
		for i := range rows {
			rows[i][5] = visible(g.Rows[i].SwapFree)
		}
		ws, total = widths()
		giveWay([2]int{6, 12}, [2]int{6, 8}, [2]int{5, 9})
	}
	// Kills over several days print their dates in full: both a little
	// further.
	giveWay([2]int{5, 8}, [2]int{6, 8})
	put := func(r []string, header bool) {
		var b strings.Builder
		for c, s := range r {
			if c > 0 {
				b.WriteString(strings.Repeat(" ", gap))
			}
			if c == len(r)-1 {
				s = truncateLeft(s, ws[c])
			} else {
				s = truncate(s, ws[c])
			}
			if right[c] {
				b.WriteString(padLeft(s, ws[c]))
			} else {
				b.WriteString(padRight(s, ws[c]))
			}
		}
		line := strings.TrimRight(b.String(), " ")
		if header {
			t.line(strings.Repeat(" ", indent), t.st.head.Render(line))
			return
		}
		// the kill line, dim, at the end of the row
		ref := truncateLeft(r[len(r)-1], ws[len(r)-1])
		t.line(strings.Repeat(" ", indent), strings.TrimSuffix(line, ref), t.st.dim.Render(ref))
	}
	put(hdr, true)
	for _, r := range rows {
		put(r, false)
	}
	if n := len(g.Rows) - len(rows); n > 0 {
		t.split(strings.Repeat(" ", indent), plural(n, "more kill", "more kills")+" (-v lists them all)", t.st.dim, "", t.st.dim)
	}
}

// killLineRef is the source line of the kill itself (the timeline's
// oom-kill row), or "".
func killLineRef(rep *report.Report, k *report.Kill) string {
	return shortRefs(killLineRefs(rep, k))
}

// textKill is a kill's details under -v: its facts, every finding with its
// evidence, every next step and the cited log lines.
func textKill(t *textWriter, rep *report.Report, k *report.Kill) {
	st := t.st
	n := killNumber(rep, k)
	t.split("", visible("#"+strconv.Itoa(n)+" "+headline(k)), st.bold, visible(killLineRef(rep, k)), st.dim, "   ")
	t.split("   ", visible(killMeta(k)), st.dim, "", st.dim)
	for _, f := range k.Findings {
		mark, ms := "·", st.info
		switch f.Severity {
		case "critical":
			mark, ms = "‼", st.crit
		case "warning":
			mark, ms = "!", st.warn
		}
		indent := " " + ms.Render(mark) + " "
		text, _ := correlate.Uncite(f.Summary)
		// The indent is styled; lay it out by its plain width.
		t.splitIndent(indent, 3, "   ", visible(text), lipgloss.Style{}, t.refs(f.Evidence), st.dim)
	}
	if ns := nextSentence(k); ns != nil {
		t.split("   ", visible(ns.Text), lipgloss.Style{}, t.refs(ns.Refs), st.dim)
	}
	for _, i := range killExcerpts(rep, k) {
		ex := rep.Excerpts[i]
		t.line()
		t.line("   ", st.dim.Render(visible(shortenPath(ex.Path, t.width-4-width(excerptRange(ex)))+" "+excerptRange(ex))))
		textExcerpt(t, ex)
	}
}

func textExcerpt(t *textWriter, ex report.Excerpt) {
	nw := 0
	for _, l := range ex.Lines {
		nw = max(nw, len(strconv.Itoa(l.Line)))
	}
	for _, l := range ex.Lines {
		mark := " "
		if l.Cited {
			mark = ">"
		}
		pre := "   " + padLeft(strconv.Itoa(l.Line), nw) + " " + mark + " "
		for i, chunk := range hardWrap(visible(l.Text), t.width-width(pre)) {
			if i > 0 {
				pre = strings.Repeat(" ", width(pre))
			}
			if l.Cited {
				t.line(t.st.dim.Render(pre), t.st.bold.Render(chunk))
			} else {
				t.line(t.st.dim.Render(pre + chunk))
			}
		}
	}
}

func killNumber(rep *report.Report, k *report.Kill) int {
	for i := range rep.Kills {
		if rep.Kills[i].ID == k.ID {
			return i + 1
		}
	}
	return 0
}

// killMeta is the kill's second line: kind, constraint, killer, time and
// its basis, boot, reaped.
func killMeta(k *report.Kill) string {
	parts := []string{k.Kind}
	if k.Constraint != nil {
		parts = append(parts, *k.Constraint)
	}
	if k.Killer != "" && k.Killer != "kernel" {
		parts = append(parts, "by "+k.Killer)
	}
	if k.Manual {
		parts = append(parts, "manual (SysRq)")
	}
	tm := killTime(k.Time)
	if wallOf(k.Time) != nil && k.Time.WallBasis != "" && k.Time.WallBasis != "printed" {
		tm += " (" + k.Time.WallBasis + ", " + k.Time.Confidence + " confidence)"
	}
	parts = append(parts, tm, "boot "+strconv.Itoa(k.Boot))
	if k.Reaped {
		parts = append(parts, "reaped")
	}
	if len(k.Missing) > 0 {
		var bs []string
		for _, m := range k.Missing {
			bs = append(bs, path.Base(m))
		}
		parts = append(parts, "not in "+strings.Join(bs, ", "))
	}
	return strings.Join(parts, " · ")
}

// textTimelineRows is how many timeline rows the text report lists; past
// it, rows of the kinds that tell the story (kills, reports, boots, kubelet
// starts, swap changes, Kubernetes events, summaries) are kept first.
const textTimelineRows = 60

// keyTimelineKind is a kind textTimeline lists before the others.
func keyTimelineKind(kind string) bool {
	switch kind {
	case "oom-kill", "oom-report", "userspace-kill", "boot", "kubelet-start", "swap-change", "k8s-event", "summary", "kernel-panic":
		return true
	}
	return false
}

// textTimeline lists the timeline (verbose), one line a row: time, kind
// (with the kill it belongs to), source line, and the text cut to fit.
func textTimeline(t *textWriter, rep *report.Report) {
	st := t.st
	rows := rep.Timeline
	keep := make([]bool, len(rows))
	n := 0
	for pass := 0; pass < 2; pass++ {
		for i, r := range rows {
			if n < textTimelineRows && !keep[i] && (pass == 1 || keyTimelineKind(r.Kind)) {
				keep[i] = true
				n++
			}
		}
	}
	head := "Timeline"
	if n < len(rows) {
		head += fmt.Sprintf(" (%d of %d rows; the JSON and HTML reports list all)", n, len(rows))
	}
	t.line(st.head.Render(head))
	ids := map[string]int{}
	for i := range rep.Kills {
		ids[rep.Kills[i].ID] = i + 1
	}
	type line struct{ when, kind, text, ref string }
	var lines []line
	ww, kw, rw := 0, 0, 0
	for i, r := range rows {
		if !keep[i] {
			continue
		}
		l := line{when: "time unknown", kind: visible(r.Kind), text: visible(r.Text), ref: truncateLeft(visible(shortRefs([]report.Ref{r.Source})), 18)}
		switch {
		case rowTime(r) != nil:
			l.when = shortTime(*rowTime(r))
		case r.KernelSeconds != nil:
			l.when = "[" + strconv.FormatFloat(*r.KernelSeconds, 'f', 6, 64) + "]"
		}
		if r.KillID != nil {
			if k, ok := ids[*r.KillID]; ok {
				l.kind += fmt.Sprintf(" #%d", k)
			}
		}
		ww, kw, rw = max(ww, width(l.when)), max(kw, width(l.kind)), max(rw, width(l.ref))
		lines = append(lines, l)
	}
	for _, l := range lines {
		left := "  " + padRight(l.when, ww) + "  " + padRight(l.kind, kw) + "  "
		text := truncate(l.text, max(t.width-width(left)-rw-2, 20))
		t.line(left, st.dim.Render(padRight(l.ref, rw)), "  ", text)
	}
}

// textFooter is the machine at capture and one line each for inputs,
// coverage gaps, reports without a kill line and unexplained lines.
func textFooter(t *textWriter, rep *report.Report, a answer, verbose bool) {
	st := t.st
	others, othersRefs := otherNodesLine(rep)
	if rep.Swap != nil || rep.Memory != nil || rep.Kubelet != nil || others != "" {
		t.line(st.head.Render("At capture"))
		if rep.Memory != nil {
			t.split("  ", visible(memoryLine(rep.Memory)), lipgloss.Style{}, visible(shortName(rep.Memory.Source)), st.dim)
		}
		if rep.Swap != nil {
			t.split("  ", visible(swapLine(rep.Swap)), lipgloss.Style{}, visible(shortRefs(rep.Swap.Evidence)), st.dim)
		}
		if rep.Kubelet != nil {
			t.split("  ", visible(kubeletLine(rep.Kubelet)), lipgloss.Style{}, visible(shortRefs(rep.Kubelet.Evidence)), st.dim)
		}
		if others != "" {
			t.split("  ", visible(others), lipgloss.Style{}, visible(shortRefs(othersRefs)), st.dim, "    ")
		}
		t.line()
	}
	if len(rep.Reports) > 0 {
		t.split("", "OOM reports without a kill line:", st.bold, "", st.dim)
		for _, r := range rep.Reports {
			t.split("  - ", visible(reportOnlyText(r)), lipgloss.Style{}, visible(shortRefs([]report.Ref{{Path: r.Path, Line: r.Line}})), st.dim, "    ")
		}
		t.line()
	}
	used := usedInputs(rep)
	warns := 0
	for _, in := range rep.Inputs {
		warns += len(in.Warnings)
	}
	sum := fmt.Sprintf("Inputs: %s read, %d used", plural(len(rep.Inputs), "file", "files"), used)
	if warns > 0 {
		sum += ", " + plural(warns, "warning", "warnings")
	}
	truncated := 0
	for _, in := range rep.Inputs {
		if in.Truncated {
			truncated++
		}
	}
	if truncated > 0 {
		sum += ", " + strconv.Itoa(truncated) + " truncated"
	}
	sum += " (oomlens sources lists them)"
	t.split("", sum, st.bold, "", st.dim, "  ")
	if a.Missing != "" {
		msg := "Missing: " + a.Missing
		if !verbose {
			msg += " (-v says what to collect)"
		}
		t.split("", visible(msg), st.warn, "", st.dim, "  ")
	}
	if n := len(rep.Unexplained); n > 0 {
		msg := plural(n, "line looks", "lines look") + " like a memory event but " + map[bool]string{true: "was", false: "were"}[n == 1] + " not understood"
		if !verbose {
			msg += " (-v lists them)"
		}
		t.split("", "Unexplained: "+msg+".", st.warn, "", st.dim, "  ")
	}
	if !verbose && len(rep.Kills) > 0 {
		t.split("", "-v: every finding with its log lines, and the timeline.", st.dim, "", st.dim)
	}
}

// textVerboseFooter is the details of the footer's one-liners: inputs not
// used or truncated, what each coverage gap is and how to collect it, the
// unexplained lines.
func textVerboseFooter(t *textWriter, rep *report.Report) {
	st := t.st
	var notes []string
	for _, in := range rep.Inputs {
		if !in.Used {
			notes = append(notes, in.Path+": not used, "+strOr(in.WhyNot, "no reason given"))
		}
		if in.Truncated {
			notes = append(notes, in.Path+": truncated, only its tail was kept")
		}
	}
	if len(notes) > 0 {
		t.line()
		t.line(st.head.Render("Inputs"))
		for _, n := range notes {
			t.split("  - ", visible(n), st.dim, "", st.dim, "    ")
		}
	}
	if len(rep.Coverage) > 0 {
		t.line()
		t.line(st.head.Render("Coverage gaps"))
		for _, g := range rep.Coverage {
			msg := g.Source + ": " + g.Message
			if g.Collect != "" {
				msg += " — collect: " + g.Collect
			}
			t.split("  - ", visible(msg), lipgloss.Style{}, "", st.dim, "    ")
		}
	}
	if len(rep.Unexplained) > 0 {
		t.line()
		t.line(st.head.Render("Unexplained lines"))
		for _, u := range rep.Unexplained {
			ref := shortRefs([]report.Ref{{Path: u.Path, Line: u.Line}})
			for i, chunk := range hardWrap(visible(u.Text), t.width-3-width(ref)) {
				if i == 0 {
					t.line("  ", st.dim.Render(ref), " ", chunk)
				} else {
					t.line(strings.Repeat(" ", 3+width(ref)), chunk)
				}
			}
		}
	}
}

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13] + "…"
	}
	return d
}

func usedInputs(rep *report.Report) int {
	n := 0
	for _, in := range rep.Inputs {
		if in.Used {
			n++
		}
	}
	return n
}

func memoryLine(m *report.Memory) string {
	s := "RAM " + sizeOr(m.MemTotalKB, "?")
	if m.MemAvailableKB != nil {
		s += ", " + units.KB(*m.MemAvailableKB) + " available"
	}
	if m.CommittedASKB != nil && m.CommitLimitKB != nil {
		s += "; committed " + units.KB(*m.CommittedASKB) + " of " + units.KB(*m.CommitLimitKB) + " limit"
	}
	return s
}

func swapLine(s *report.Swap) string {
	if s.TotalKB != nil && *s.TotalKB == 0 || len(s.Devices) == 0 && s.TotalKB == nil {
		return "Swap: none"
	}
	out := "Swap " + sizeOr(s.TotalKB, "?")
	if s.UsedKB != nil {
		out += ", " + units.KB(*s.UsedKB) + " used"
	}
	var devs []string
	for _, d := range s.Devices {
		devs = append(devs, d.Name+" "+sizeOr(d.SizeKB, d.Size))
	}
	if len(devs) > 0 {
		out += ": " + strings.Join(devs, ", ")
	}
	return out
}

func kubeletLine(k *report.Kubelet) string {
	s := "kubelet"
	if k.Version != nil {
		s += " " + *k.Version
	}
	if k.EffectiveSwap != "" {
		s += ": swap " + k.EffectiveSwap
	}
	if k.FailSwapOn != nil {
		s += ", failSwapOn " + strconv.FormatBool(*k.FailSwapOn)
	}
	return s
}

// Sources writes the input inventory as a table: every file looked at, its
// kind and layout, lines, the time span it covers and whether it was used.
func Sources(w io.Writer, rep *report.Report) error {
	rep = orEmpty(rep)
	bw := bufio.NewWriter(w)
	hdr := []string{"path", "kind", "format", "lines", "span", "used"}
	rows := [][]string{}
	// Why a file was not used can be a long sentence: it is numbered in the
	// table and given below it, so that the table stays narrow.
	var notes []string
	for _, in := range rep.Inputs {
		used := "yes"
		if !in.Used {
			notes = append(notes, visible(in.Path+": "+strOr(in.WhyNot, "not used")))
			used = fmt.Sprintf("no (%d)", len(notes))
		}
		if in.Truncated {
			used += ", truncated"
		}
		if n := len(in.Warnings); n > 0 {
			used += ", " + plural(n, "warning", "warnings")
		}
		rows = append(rows, []string{truncateLeft(visible(in.Path), 60), visible(in.Kind), visible(in.Format), strconv.Itoa(in.Lines),
			visible(span(in.FirstTime, in.LastTime)), visible(used)})
		// the segments of pasted text, one row each: line span and the
		// command the text shows
		for _, s := range in.Segments {
			if s.Kind == "blank" {
				continue
			}
			where := fmt.Sprintf("  lines %d-%d", s.StartLine, s.EndLine)
			if s.Command != nil {
				where += " $ " + *s.Command
			}
			used := "yes"
			if !s.Used {
				used = "no"
				if s.WhyNot != nil && *s.WhyNot != "prose" {
					notes = append(notes, visible(fmt.Sprintf("%s:%d-%d: %s", in.Path, s.StartLine, s.EndLine, *s.WhyNot)))
					used = fmt.Sprintf("no (%d)", len(notes))
				}
			}
			rows = append(rows, []string{truncate(visible(where), 60), visible(s.Kind), visible(s.Format), strconv.Itoa(s.EndLine - s.StartLine + 1), "", visible(used)})
		}
	}
	ws := make([]int, len(hdr))
	for c := range hdr {
		ws[c] = width(hdr[c])
		for _, r := range rows {
			ws[c] = max(ws[c], width(r[c]))
		}
	}
	put := func(r []string) {
		var b strings.Builder
		for c, s := range r {
			if c > 0 {
				b.WriteString("  ")
			}
			if c == 3 {
				b.WriteString(padLeft(s, ws[c]))
			} else {
				b.WriteString(padRight(s, ws[c]))
			}
		}
		bw.WriteString(strings.TrimRight(b.String(), " ") + "\n")
	}
	put(hdr)
	for _, r := range rows {
		put(r)
	}
	if len(notes) > 0 {
		bw.WriteString("\nNot used:\n")
		for i, n := range notes {
			bw.WriteString(fmt.Sprintf("  (%d) %s\n", i+1, n))
		}
	}
	if len(rep.Coverage) > 0 {
		bw.WriteString("\nCoverage gaps:\n")
		for _, g := range rep.Coverage {
			line := "  - " + visible(g.Source+": "+g.Message)
			if g.Collect != "" {
				line += "\n    collect: " + visible(g.Collect)
			}
			bw.WriteString(line + "\n")
		}
	}
	return bw.Flush()
}

// span is an input's time span to the minute: "2023-06-13 21:12 → 06-14
// 16:20" (the year once when both ends share it), one time when both ends
// are the same second, "—" when unknown.
func span(first, last *string) string {
	f, l := shortTime(strOr(first, "—")), shortTime(strOr(last, "—"))
	switch {
	case first == nil && last == nil:
		return "—"
	case f == l:
		return f
	}
	cut := func(s string) string { // "2023-06-13 21:12:39" → "2023-06-13 21:12"
		if len(s) == 19 && s[10] == ' ' {
			return s[:16]
		}
		return s
	}
	f, l = cut(f), cut(l)
	if len(f) == 16 && len(l) == 16 && f[:5] == l[:5] {
		l = l[5:]
	}
	return f + " → " + l
}
