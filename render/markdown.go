package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/report"
)

// Markdown writes a report sized for a ticket comment (GitHub, GitLab, Jira
// with Markdown), in the text report's order so that the comment starts
// with the answer: a headline per cause, one card per group of kills (its
// lines with their evidence, the group's table, what to do next), then,
// folded in <details>, every finding of every kill with the cited log
// lines, the coverage gaps and the unexplained lines.
func Markdown(w io.Writer, rep *report.Report) error {
	rep = orEmpty(rep)
	b := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }

	host := mdText(strOr(rep.Host.Hostname, rep.Host.Bundle))
	if len(rep.Kills) == 0 {
		p("### oomlens: no OOM kill on %s\n\n", host)
	} else {
		p("### oomlens: %s on %s\n\n", plural(len(rep.Kills), "OOM kill", "OOM kills"), host)
	}
	if rep.Redacted {
		p("> **Redacted:** host names, IP and MAC addresses, user, pod and namespace names are pseudonyms (host-1, ip-1, …).\n\n")
	}
	a := buildAnswer(rep)
	for _, c := range a.Causes {
		p("**%s**\n\n", mdText(c.Text()))
	}
	if len(rep.Kills) == 0 {
		p("No OOM kill was found in %s.\n\n", plural(usedInputs(rep), "input", "inputs"))
	}
	for i := range a.Groups {
		if i == mdMaxKills {
			p("*%s more: the HTML or JSON report has every kill.*\n\n", plural(len(a.Groups)-mdMaxKills, "card", "cards"))
			break
		}
		mdCard(b, rep, &a.Groups[i])
	}
	var facts []string
	if rep.Host.KernelVersion != nil {
		facts = append(facts, "kernel "+*rep.Host.KernelVersion)
	}
	if rep.Host.CapturedAt != nil {
		facts = append(facts, "captured "+*rep.Host.CapturedAt)
	}
	facts = append(facts, "bundle "+rep.Host.Bundle, rep.Tool.Name+" "+rep.Tool.Version, "inputs "+shortDigest(rep.Host.InputDigest))
	p("*%s*\n\n", mdText(strings.Join(facts, " · ")))
	if others, refs := otherNodesLine(rep); others != "" {
		p("%s — %s\n\n", mdText(others), mdRefs(refs))
	}

	if len(rep.Reports) > 0 {
		p("**OOM reports without a kill line:**\n\n")
		for _, r := range rep.Reports {
			p("- %s — %s\n", mdRefs([]report.Ref{{Path: r.Path, Line: r.Line}}), mdText(reportOnlyText(r)))
		}
		p("\n")
	}
	if a.Missing != "" {
		p("**Missing:** %s\n\n", mdText(a.Missing))
	}
	shown := map[int]int{} // excerpt index → the kill number it was quoted under
	for i := range rep.Kills {
		if i == mdMaxKills {
			p("*%s more: the HTML or JSON report has every kill.*\n\n", plural(len(rep.Kills)-mdMaxKills, "kill", "kills"))
			break
		}
		mdKillDetails(b, rep, i, shown)
	}
	if len(rep.Coverage) > 0 {
		p("<details><summary>%s: what is missing and how to collect it</summary>\n\n", plural(len(rep.Coverage), "coverage gap", "coverage gaps"))
		for _, g := range rep.Coverage {
			line := "- " + mdText(g.Source+": "+g.Message)
			if g.Collect != "" {
				line += " — collect: " + mdCode(g.Collect)
			}
			p("%s\n", line)
		}
		p("\n</details>\n\n")
	}
	if n := len(rep.Unexplained); n > 0 {
		p("<details><summary>%s not understood</summary>\n\n", plural(n, "unexplained line", "unexplained lines"))
		lines := make([]report.ExcerptLine, 0, n)
		var body strings.Builder
		for _, u := range rep.Unexplained {
			lines = append(lines, report.ExcerptLine{Line: u.Line, Text: shortName(u.Path) + ":" + strconv.Itoa(u.Line) + "  " + u.Text})
			body.WriteString(u.Text)
		}
		fence := mdFence(body.String())
		p("%stext\n", fence)
		for _, l := range lines {
			p("%s\n", visible(l.Text))
		}
		p("%s\n\n</details>\n\n", fence)
	}
	p("<sub>%s</sub>\n", mdText(fmt.Sprintf("%s %s · %s read, %d used · the HTML report (-o report.html) has the timeline, charts and every excerpt",
		rep.Tool.Name, rep.Tool.Version, plural(len(rep.Inputs), "input", "inputs"), usedInputs(rep))))
	return b.Flush()
}

// mdCard writes one card: the title, its lines with their evidence, the
// group's table, the verdict's additions and the first step.
func mdCard(b *bufio.Writer, rep *report.Report, g *groupView) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	if len(g.Ref) > 0 {
		p("#### %s · %s\n\n", mdText(g.Title), mdRefs(g.Ref))
	} else {
		p("#### %s\n\n", mdText(g.Title))
	}
	if len(g.Lines) > 0 {
		p("| What the bundle shows | Evidence |\n|---|---|\n")
	}
	for _, l := range g.Lines {
		p("| %s | %s |\n", mdText(l.Text), mdRefs(l.Refs))
	}
	if len(g.Lines) > 0 {
		p("\n")
	}
	if len(g.Rows) > 0 {
		p("%s:\n\n", mdText(g.Caption))
		p("| # | Time | PID | Anon RSS | In swap | Swap at kill | Kill line |\n|--:|---|--:|--:|--:|---|---|\n")
		for _, r := range g.Rows {
			p("| %d | %s | %s | %s | %s | %s | %s |\n", r.N, mdText(r.Time), r.Pid, r.AnonRSS, r.InSwap, mdText(r.Swap), mdRefs(r.Ref))
		}
		p("\n")
	}
	var say []string
	for _, l := range g.Verdict {
		say = append(say, mdText(l.Text))
	}
	if g.Next != "" {
		say = append(say, "**Next:** "+mdText(g.Next)+".")
	}
	if len(say) > 0 {
		p("%s\n\n", strings.Join(say, " "))
	}
}

// mdKillDetails folds a kill's every finding, every next step and the
// cited log lines into one <details>.
func mdKillDetails(b *bufio.Writer, rep *report.Report, i int, shown map[int]int) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	k := &rep.Kills[i]
	p("<details><summary>#%d %s: %s</summary>\n\n", i+1, mdText(victimLabel(k)), plural(len(k.Findings), "finding", "findings")+" and the log lines")
	p("*%s*\n\n", mdText(killMeta(k)))
	if len(k.Findings) > 0 {
		p("| | Finding | Evidence |\n|---|---|---|\n")
		for _, f := range k.Findings {
			text, _ := correlate.Uncite(f.Summary)
			p("| %s | %s | %s |\n", severityMark(f.Severity), mdText(text), mdRefs(f.Evidence))
		}
		p("\n")
	}
	if st := nextSentence(k); st != nil {
		p("%s\n\n", mdText(st.Text))
	}
	for _, x := range killExcerpts(rep, k) {
		ex := rep.Excerpts[x]
		if n, ok := shown[x]; ok {
			p("%s, %s: quoted under #%d.\n\n", mdCode(ex.Path), excerptRange(ex), n)
			continue
		}
		shown[x] = i + 1
		p("%s, %s (`>` marks cited lines):\n\n", mdCode(ex.Path), excerptRange(ex))
		mdExcerpt(b, ex)
	}
	p("</details>\n\n")
}

// mdMaxKills is how many cards, and kills in <details>, a comment holds.
const mdMaxKills = 10

func severityMark(s string) string {
	switch s {
	case "critical":
		return "🔴 critical"
	case "warning":
		return "🟠 warning"
	}
	return "🔵 info"
}

// mdExcerpt writes an excerpt as a fenced code block; the fence is longer
// than any backtick run in the text, so log lines cannot close it.
func mdExcerpt(b *bufio.Writer, ex report.Excerpt) {
	var all strings.Builder
	nw := 0
	for _, l := range ex.Lines {
		all.WriteString(l.Text)
		nw = max(nw, len(strconv.Itoa(l.Line)))
	}
	fence := mdFence(all.String())
	fmt.Fprintf(b, "%stext\n", fence)
	for _, l := range ex.Lines {
		mark := " "
		if l.Cited {
			mark = ">"
		}
		fmt.Fprintf(b, "%s %s %s\n", padLeft(strconv.Itoa(l.Line), nw), mark, visible(l.Text))
	}
	fmt.Fprintf(b, "%s\n\n", fence)
}

// mdFence returns a backtick fence longer than the longest run in s.
func mdFence(s string) string {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// mdText makes free text inert in Markdown and safe in a table cell: HTML is
// escaped as entities, Markdown punctuation is backslash-escaped, newlines
// become spaces and control bytes are shown visibly.
func mdText(s string) string {
	s = visible(strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " "))
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '[', ']', '|', '#', '!', '~':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '_':
			// Intraword underscores (oom_reaper) are literal in CommonMark.
			if i > 0 && i+1 < len(s) && isWordByte(s[i-1]) && isWordByte(s[i+1]) {
				b.WriteByte(c)
			} else {
				b.WriteString(`\_`)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// mdCode is an inline code span safe in a table cell.
func mdCode(s string) string {
	s = visible(strings.ReplaceAll(s, "\n", " "))
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdRefs cites evidence as code spans: `dmesg:1840-1841`.
func mdRefs(refs []report.Ref) string {
	var parts []string
	for _, g := range groupRefs(refs) {
		parts = append(parts, mdCode(shortName(g.Path)+":"+lineRanges(g.Lines)))
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, " ")
}
