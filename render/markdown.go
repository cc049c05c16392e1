package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/correlate"
)

// Markdown writes a report sized for a ticket comment (GitHub, GitLab, Jira
// with Markdown): a summary table, a kills table, and per kill the verdict,
// a findings table with evidence and the cited log lines in <details>.
func Markdown(w io.Writer, rep *correlate.Report) error {
	rep = normalized(rep)
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
	p("| | |\n|---|---|\n")
	row := func(k, v string) { p("| %s | %s |\n", k, v) }
	row("Host", host)
	row("Kernel", mdText(strOr(rep.Host.KernelVersion, "—")))
	row("Captured", mdText(strOr(rep.Host.CapturedAt, "—")))
	row("Bundle", mdText(rep.Host.Bundle))
	if len(rep.Kills) > 0 {
		row("Kills", mdText(killsByKind(rep.Kills)))
		row("Victims", mdText(victims(rep.Kills)))
		if span := timeSpan(rep.Kills); span != "" {
			row("Time span", mdText(span))
		}
	}
	row("Tool", mdText(rep.Tool.Name+" "+rep.Tool.Version)+" · inputs "+mdText(shortDigest(rep.Host.InputDigest)))
	p("\n")

	if len(rep.Kills) > 0 {
		p("| # | Time | Victim | PID | Kind | Anon RSS | Swap at kill | What happened |\n|--:|---|---|--:|---|--:|---|---|\n")
		for i, k := range rep.Kills {
			p("| %d | %s | %s | %s | %s | %s | %s | %s |\n", i+1, mdText(killTime(k.Time)), mdText(k.Victim.Name),
				intOr(k.Victim.Pid, "—"), mdText(k.Kind), sizeOr(k.Victim.AnonRSSKB, "—"), mdText(swapAtKill(k.SwapAtOOM)),
				mdText(headline(&rep.Kills[i])))
		}
		p("\n")
	}
	shown := map[int]int{} // excerpt index → the kill number it was quoted under
	for i := range rep.Kills {
		k := &rep.Kills[i]
		if i == mdMaxKills {
			p("*%s more: the HTML or JSON report has every kill.*\n\n", plural(len(rep.Kills)-mdMaxKills, "kill", "kills"))
			break
		}
		p("#### #%d %s\n\n", i+1, mdText(headline(k)))
		p("*%s*\n\n", mdText(killMeta(k)))
		if k.Verdict != "" {
			p("%s\n\n", mdText(k.Verdict))
		}
		if len(k.Findings) > 0 {
			p("| | Finding | Evidence |\n|---|---|---|\n")
			for _, f := range k.Findings {
				p("| %s | %s | %s |\n", severityMark(f.Severity), mdText(f.Summary), mdRefs(f.Evidence))
			}
			p("\n")
		}
		if exs := killExcerpts(rep, k); len(exs) > 0 {
			p("<details><summary>Evidence: %s</summary>\n\n", plural(len(exs), "excerpt", "excerpts"))
			for _, x := range exs {
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
	}
	if len(rep.Reports) > 0 {
		p("**OOM reports without a kill line:**\n\n")
		for _, r := range rep.Reports {
			p("- %s — %s\n", mdRefs([]correlate.Ref{{Path: r.Path, Line: r.Line}}), mdText(reportOnlyText(r)))
		}
		p("\n")
	}
	if len(rep.Coverage) > 0 {
		p("**Coverage gaps:**\n\n")
		for _, g := range rep.Coverage {
			line := "- " + mdText(g.Source+": "+g.Message)
			if g.Collect != "" {
				line += " — collect: " + mdCode(g.Collect)
			}
			p("%s\n", line)
		}
		p("\n")
	}
	if n := len(rep.Unexplained); n > 0 {
		p("<details><summary>%s not understood</summary>\n\n", plural(n, "unexplained line", "unexplained lines"))
		lines := make([]correlate.ExcerptLine, 0, n)
		var body strings.Builder
		for _, u := range rep.Unexplained {
			lines = append(lines, correlate.ExcerptLine{Line: u.Line, Text: shortName(u.Path) + ":" + strconv.Itoa(u.Line) + "  " + u.Text})
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

// mdMaxKills is how many kills get a section of their own; the kills table
// still lists every kill.
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
func mdExcerpt(b *bufio.Writer, ex correlate.Excerpt) {
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
func mdRefs(refs []correlate.Ref) string {
	var parts []string
	for _, g := range groupRefs(refs) {
		parts = append(parts, mdCode(shortName(g.Path)+":"+lineRanges(g.Lines)))
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, " ")
}
