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
		head:  s.Bold(true).Underline(true),
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

// split writes left, then right aligned at the right margin; when both do not
// fit, left is wrapped (its continuation indented by indent) or right goes
// to a line of its own.
func (t *textWriter) split(indent string, left string, ls lipgloss.Style, right string, rs lipgloss.Style, contIndent ...string) {
	cont := strings.Repeat(" ", width(indent))
	if len(contIndent) > 0 {
		cont = contIndent[0]
	}
	if right == "" {
		for i, l := range wrap(left, t.width-width(indent)) {
			if i == 0 {
				t.line(indent, ls.Render(l))
			} else {
				t.line(cont, ls.Render(l))
			}
		}
		return
	}
	right = truncateLeft(right, t.width-width(indent))
	avail := t.width - width(indent) - width(right) - 2
	if avail < 40 {
		t.split(indent, left, ls, "", rs, contIndent...)
		t.line(strings.Repeat(" ", t.width-width(right)), rs.Render(right))
		return
	}
	lines := wrap(left, avail)
	for i, l := range lines {
		pre := indent
		if i > 0 {
			pre = cont
		}
		if i == 0 {
			gap := t.width - width(pre) - width(l) - width(right)
			t.line(pre, ls.Render(l), strings.Repeat(" ", gap), rs.Render(right))
		} else {
			t.line(pre, ls.Render(l))
		}
	}
}

// Text writes the terminal report: a header, a kills table, each kill's
// headline, findings (with their evidence right-aligned) and verdict, and a
// footer with inputs, coverage gaps and unexplained lines.
func Text(w io.Writer, rep *correlate.Report, opts TextOptions) error {
	rep = normalized(rep)
	t := &textWriter{w: bufio.NewWriter(w), st: newTextStyles(w, opts.Color), width: max(opts.Width, 80)}
	textHeader(t, rep)
	if len(rep.Kills) > 0 {
		t.line()
		textKillsTable(t, rep)
		for i := range rep.Kills {
			t.line()
			textKill(t, rep, &rep.Kills[i], opts.Verbose)
		}
	}
	if opts.Verbose && len(rep.Timeline) > 0 {
		t.line()
		textTimeline(t, rep)
	}
	t.line()
	textFooter(t, rep, opts.Verbose)
	return t.w.Flush()
}

func textHeader(t *textWriter, rep *correlate.Report) {
	st := t.st
	host := strOr(rep.Host.Hostname, rep.Host.Bundle)
	t.split("", visible("oomlens "+rep.Tool.Version+" · OOM report for "+host), st.title, "", st.dim)
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
	t.split("", visible("bundle "+rep.Host.Bundle+" · inputs "+shortDigest(rep.Host.InputDigest)), st.dim, "", st.dim)
	if rep.Redacted {
		t.split("", "Redacted: host names, IP and MAC addresses, user, pod and namespace names are pseudonyms (host-1, ip-1, …).", st.warn, "", st.dim)
	}
	t.line()
	if len(rep.Kills) == 0 {
		t.split("", "No OOM kill found in "+plural(usedInputs(rep), "input", "inputs")+".", st.ok, "", st.dim)
		if len(rep.Reports) > 0 {
			t.split("", plural(len(rep.Reports), "OOM report has", "OOM reports have")+" no kill line (see below).", st.warn, "", st.dim)
		}
		return
	}
	sum := fmt.Sprintf("%s (%s) of %s", plural(len(rep.Kills), "OOM kill", "OOM kills"), killsByKind(rep.Kills), victims(rep.Kills))
	if span := timeSpan(rep.Kills); span != "" {
		sum += ", " + span
	}
	t.split("", visible(sum), st.bold, "", st.dim)
}

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13] + "…"
	}
	return d
}

func usedInputs(rep *correlate.Report) int {
	n := 0
	for _, in := range rep.Inputs {
		if in.Used {
			n++
		}
	}
	return n
}

// textKillsTable prints one row per kill; the victim and swap columns give
// way (truncated with …) when the table is wider than the terminal.
func textKillsTable(t *textWriter, rep *correlate.Report) {
	hdr := []string{"#", "time", "victim", "pid", "kind", "anon RSS", "swap at kill"}
	right := []bool{true, false, false, true, false, true, false}
	rows := [][]string{}
	for i, k := range rep.Kills {
		rows = append(rows, []string{strconv.Itoa(i + 1), killTime(k.Time), visible(k.Victim.Name), intOr(k.Victim.Pid, "—"),
			k.Kind, sizeOr(k.Victim.AnonRSSKB, "—"), swapAtKill(k.SwapAtOOM)})
	}
	ws := make([]int, len(hdr))
	for c := range hdr {
		ws[c] = width(hdr[c])
		for _, r := range rows {
			ws[c] = max(ws[c], width(r[c]))
		}
	}
	const gap = 2
	total := func() int {
		n := 0
		for _, w := range ws {
			n += w + gap
		}
		return n
	}
	// Give way: first the victim name (down to 8 cells), then the swap
	// column (down to 12); past that the table is wider than the terminal.
	for _, c := range []struct{ col, floor int }{{2, 8}, {6, 12}} {
		if over := total() - t.width; over > 0 && ws[c.col] > c.floor {
			ws[c.col] = max(c.floor, ws[c.col]-over)
		}
	}
	cell := func(s string, c int) string {
		s = truncate(s, ws[c])
		if right[c] {
			return padLeft(s, ws[c])
		}
		return padRight(s, ws[c])
	}
	var b strings.Builder
	for c := range hdr {
		b.WriteString(strings.Repeat(" ", gap))
		b.WriteString(cell(hdr[c], c))
	}
	t.line(t.st.head.Render(strings.TrimRight(b.String(), " ")))
	for _, r := range rows {
		b.Reset()
		for c := range r {
			b.WriteString(strings.Repeat(" ", gap))
			b.WriteString(cell(r[c], c))
		}
		t.line(strings.TrimRight(b.String(), " "))
	}
}

// killLineRef is the source line of the kill itself (the timeline's
// oom-kill row), or "".
func killLineRef(rep *correlate.Report, k *correlate.Kill) string {
	for _, row := range rep.Timeline {
		if row.Kind == "oom-kill" && row.KillID != nil && *row.KillID == k.ID {
			return shortRefs([]correlate.Ref{row.Source})
		}
	}
	return ""
}

func textKill(t *textWriter, rep *correlate.Report, k *correlate.Kill, verbose bool) {
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
		// The indent is styled; lay it out by its plain width.
		t.splitStyledIndent(indent, 3, visible(f.Summary), visible(shortRefs(f.Evidence)))
	}
	if k.Verdict != "" {
		t.line()
		for _, l := range wrap(visible(k.Verdict), t.width-3) {
			t.line("   ", l)
		}
	}
	if verbose {
		for _, i := range killExcerpts(rep, k) {
			ex := rep.Excerpts[i]
			t.line()
			t.line("   ", st.dim.Render(visible(truncateLeft(shortName(ex.Path)+" "+excerptRange(ex), t.width-3))))
			textExcerpt(t, ex)
		}
	}
}

// splitStyledIndent is split with an indent whose plain width is iw.
func (t *textWriter) splitStyledIndent(indent string, iw int, left, right string) {
	pad := strings.Repeat(" ", iw)
	right = truncateLeft(right, t.width-iw)
	avail := t.width - iw - width(right) - 2
	if right == "" || avail < 40 {
		for i, l := range wrap(left, t.width-iw) {
			if i == 0 {
				t.line(indent, l)
			} else {
				t.line(pad, l)
			}
		}
		if right != "" {
			t.line(strings.Repeat(" ", t.width-width(right)), t.st.dim.Render(right))
		}
		return
	}
	for i, l := range wrap(left, avail) {
		if i == 0 {
			t.line(indent, l, strings.Repeat(" ", t.width-iw-width(l)-width(right)), t.st.dim.Render(right))
		} else {
			t.line(pad, l)
		}
	}
}

func textExcerpt(t *textWriter, ex correlate.Excerpt) {
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

func killNumber(rep *correlate.Report, k *correlate.Kill) int {
	for i := range rep.Kills {
		if rep.Kills[i].ID == k.ID {
			return i + 1
		}
	}
	return 0
}

// killMeta is the kill's second line: kind, constraint, killer, time and
// its basis, boot, reaped.
func killMeta(k *correlate.Kill) string {
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
func textTimeline(t *textWriter, rep *correlate.Report) {
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
		l := line{when: "time unknown", kind: visible(r.Kind), text: visible(r.Text), ref: truncateLeft(visible(shortRefs([]correlate.Ref{r.Source})), 18)}
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

func textFooter(t *textWriter, rep *correlate.Report, verbose bool) {
	st := t.st
	if rep.Swap != nil || rep.Memory != nil || rep.Kubelet != nil {
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
	sum += " (oomlens sources lists them)"
	t.split("", sum, st.bold, "", st.dim)
	for _, in := range rep.Inputs {
		if !in.Used {
			t.split("  - ", visible(in.Path+": not used, "+strOr(in.WhyNot, "no reason given")), st.dim, "", st.dim)
		}
		if in.Truncated {
			t.split("  - ", visible(in.Path+": truncated, only its tail was kept"), st.warn, "", st.dim)
		}
	}
	if len(rep.Coverage) > 0 {
		t.split("", "Coverage gaps:", st.bold, "", st.dim)
		for _, g := range rep.Coverage {
			msg := g.Source + ": " + g.Message
			if g.Collect != "" {
				msg += " — collect: " + g.Collect
			}
			t.split("  - ", visible(msg), lipgloss.Style{}, "", st.dim)
		}
	}
	if len(rep.Reports) > 0 {
		t.split("", "OOM reports without a kill line:", st.bold, "", st.dim)
		for _, r := range rep.Reports {
			t.split("  - ", visible(reportOnlyText(r)), lipgloss.Style{}, visible(shortRefs([]correlate.Ref{{Path: r.Path, Line: r.Line}})), st.dim, "    ")
		}
	}
	if n := len(rep.Unexplained); n > 0 {
		msg := plural(n, "line looks", "lines look") + " like a memory event but " + map[bool]string{true: "was", false: "were"}[n == 1] + " not understood"
		if !verbose {
			msg += " (--verbose lists them)"
		}
		t.split("", "Unexplained: "+msg+".", st.warn, "", st.dim)
		if verbose {
			for _, u := range rep.Unexplained {
				ref := shortRefs([]correlate.Ref{{Path: u.Path, Line: u.Line}})
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
}

func memoryLine(m *correlate.Memory) string {
	s := "RAM " + sizeOr(m.MemTotalKB, "?")
	if m.MemAvailableKB != nil {
		s += ", " + units.KB(*m.MemAvailableKB) + " available"
	}
	if m.CommittedASKB != nil && m.CommitLimitKB != nil {
		s += "; committed " + units.KB(*m.CommittedASKB) + " of " + units.KB(*m.CommitLimitKB) + " limit"
	}
	return s
}

func swapLine(s *correlate.Swap) string {
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

func kubeletLine(k *correlate.Kubelet) string {
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
func Sources(w io.Writer, rep *correlate.Report) error {
	rep = normalized(rep)
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
