package render

import (
	"strconv"
	"strings"
	"time"

	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"

	"github.com/oomlens/oomlens/correlate"
)

// The answer: what the text, Markdown and HTML reports open with and what
// --format brief prints. It is built from the Report alone (no fact is
// worked out again): a headline per cause, then one card per group of kills
// with the same victim name and cause. A card says what was killed and why,
// the numbers that prove it, swap at the kill and at capture, and what to
// do next; every line carries its evidence once, beside it, never inline.

// answer is the answer-first view of a report.
type answer struct {
	Causes  []causeView
	Groups  []groupView
	Missing string // one line naming what the bundle lacks, or ""
}

// causeView is the headline of one cause: "3 OOM kills of pip3, …: the
// whole node ran out of memory, swap exhausted".
type causeView struct {
	Kills   int
	Victims string
	Span    string
	Reason  string
}

// Text is the headline as one sentence.
func (c causeView) Text() string {
	s := plural(c.Kills, "OOM kill", "OOM kills") + " of " + c.Victims
	if c.Span != "" {
		s += ", " + c.Span
	}
	return s + ": " + c.Reason
}

// groupView is one card: kills with the same victim name and cause. The
// card's lines are about its first kill; the table lists every kill of the
// group.
type groupView struct {
	Kills   []int // indexes into Report.Kills, oldest first
	Title   string
	Ref     []report.Ref // the first kill's kill line
	Lines   []answerLine
	Caption string // above the table of a group of several kills
	Rows    []groupRow
	Verdict []answerLine // the verdict's sentences that add to the lines
	Next    string       // the first thing to do
}

// answerLine is one statement of a card with its evidence.
type answerLine struct {
	Text     string
	Refs     []report.Ref
	Severity string // critical | warning | info | ""
}

// groupRow is one kill in a group's table.
type groupRow struct {
	N       int
	Time    string
	Pid     string
	AnonRSS string
	InSwap  string
	Swap    string // "947 MiB, 0.2 MiB free"
	// SwapFree is Swap without the total ("0.2 MiB free"), for a text
	// table too narrow for Swap.
	SwapFree string
	Ref      []report.Ref
}

// buildAnswer groups the kills and writes each card's lines.
func buildAnswer(rep *report.Report) answer {
	var a answer
	type key struct{ victim, reason string }
	groupOf := map[key]int{}
	causeOf := map[string]int{}
	var causeKills [][]report.Kill
	for i := range rep.Kills {
		k := &rep.Kills[i]
		reason := killReason(k)
		gk := key{victimWord(k), reason}
		g, ok := groupOf[gk]
		if !ok {
			g = len(a.Groups)
			groupOf[gk] = g
			a.Groups = append(a.Groups, groupView{})
		}
		a.Groups[g].Kills = append(a.Groups[g].Kills, i)
		c, ok := causeOf[reason]
		if !ok {
			c = len(a.Causes)
			causeOf[reason] = c
			a.Causes = append(a.Causes, causeView{Reason: reason})
			causeKills = append(causeKills, nil)
		}
		causeKills[c] = append(causeKills[c], *k)
	}
	for c := range a.Causes {
		ks := causeKills[c]
		a.Causes[c].Kills = len(ks)
		a.Causes[c].Victims = victims(ks)
		if strings.Count(a.Causes[c].Victims, ", ") == 0 {
			a.Causes[c].Victims = victimWord(&ks[0]) // "pip3", not "pip3 ×3"
		}
		a.Causes[c].Span = timeSpan(ks)
	}
	seen := map[string]bool{} // a statement is said once in the whole report
	nextOf := map[string]int{}
	for g := range a.Groups {
		gv := &a.Groups[g]
		buildGroup(rep, gv, seen)
		if n, ok := nextOf[gv.Next]; ok && gv.Next != "" {
			gv.Next = "as for #" + strconv.Itoa(n)
		} else {
			nextOf[gv.Next] = gv.Kills[0] + 1
		}
	}
	a.Missing = missingLine(rep.Coverage)
	return a
}

// buildGroup writes a card: its title, lines, table and verdict.
func buildGroup(rep *report.Report, g *groupView, seen map[string]bool) {
	k := &rep.Kills[g.Kills[0]]
	n := g.Kills[0] + 1
	g.Title = "#" + strconv.Itoa(n) + " " + headline(k)
	g.Ref = killLineRefs(rep, k)
	add := func(text string, refs []report.Ref, sev string) {
		text = strings.TrimSpace(text)
		if text == "" || seen[text] {
			return
		}
		seen[text] = true
		// A statement that extends one already on the card replaces it
		// ("swap at the kill: 947 MiB, 0.2 MiB free" → "… (exhausted)").
		for i := range g.Lines {
			l := &g.Lines[i]
			if strings.HasPrefix(text, l.Text) || strings.HasPrefix(l.Text, text) {
				if len(text) > len(l.Text) {
					l.Text = text
				}
				l.Refs = append(l.Refs, refs...)
				if severityRank(sev) > severityRank(l.Severity) {
					l.Severity = sev
				}
				return
			}
		}
		g.Lines = append(g.Lines, answerLine{Text: text, Refs: refs, Severity: sev})
	}
	said := map[string]bool{} // rules whose statement a line carries
	summary := func(rule string) (string, []report.Ref, string) {
		f := findRule(k, rule)
		if f == nil {
			return "", nil, ""
		}
		said[rule] = true
		t, _ := correlate.Uncite(f.Summary)
		return t, f.Evidence, f.Severity
	}

	if len(g.Kills) == 1 {
		add("at "+killWhen(k), nil, "")
	}
	// The numbers that prove it: what the victim held, the limit.
	if k.Kind == "memcg" && k.Memcg != nil && k.Memcg.LimitKB != nil {
		var refs []report.Ref
		if f := findRule(k, "memcg-limit"); f != nil {
			refs = f.Evidence
			said["memcg-limit"] = true
		}
		add(limitText(k), refs, "critical")
	}
	if held, refs := heldLine(k, g.Ref); held != "" {
		add(held, refs, "")
		said["victim-had-swap"] = true
	}
	if line, refs := scoreLine(k); line != "" {
		add(line, refs, "")
		said["badness-implies-total"] = true
	}
	if t, refs, sev := summary("pod-attribution"); t != "" {
		add(t, refs, sev)
	}
	// Swap at the kill, and why it did not help.
	if line, refs, sev := swapAtKillLine(k, said); line != "" {
		add(line, refs, sev)
	}
	for _, f := range k.Findings {
		if _, ok := swapReasonWords[f.Rule]; ok && !said[f.Rule] {
			t, refs, sev := summary(f.Rule)
			add(t, refs, sev)
		}
	}
	// Swap at capture, when it changed since the kill.
	if f := findRule(k, "swap-changed-since-kill"); f != nil {
		said[f.Rule] = true
		add(swapAtCaptureLine(rep, f), changedRefs(f, g.Lines), f.Severity)
	}
	if line, refs := replayLine(rep, k); line != "" {
		said["kubelet-replayed-events"] = true
		add(line, refs, "info")
	}
	// Kills of the group known only from a Kubernetes event: one line.
	if line, refs := eventOnlyLine(rep, g); line != "" {
		add(line, refs, "warning")
	}
	// The other findings worth the first screen: warnings and criticals
	// not said yet (rule files' included); the rest is under -v.
	if len(g.Kills) > 1 {
		said["repeated-kills"] = true
	}
	for _, f := range k.Findings {
		if said[f.Rule] || f.Rule == "global-oom" || f.Rule == "memcg-limit" {
			continue
		}
		if f.Severity == "critical" || f.Severity == "warning" || f.Rule == "coverage-gap" {
			t, refs, sev := summary(f.Rule)
			add(t, refs, sev)
		}
	}
	// A table of the group's kills.
	if len(g.Kills) > 1 {
		groupTable(rep, g, k)
	}
	g.Verdict, g.Next = verdictLines(k, said, seen)
}

// changedRefs is swap-changed-since-kill's evidence without the lines of
// swap at the kill, when the card's last line says swap at the kill (they
// are that line's evidence); all of it when nothing is left.
func changedRefs(f *report.Finding, lines []answerLine) []report.Ref {
	var refs []report.Ref
	atKill := map[report.Ref]bool{}
	if n := len(lines); n > 0 && strings.HasPrefix(lines[n-1].Text, "swap at the kill") {
		for _, r := range lines[n-1].Refs {
			atKill[r] = true
		}
	}
	for _, r := range f.Evidence {
		if !atKill[r] {
			refs = append(refs, r)
		}
	}
	if len(refs) == 0 {
		refs = f.Evidence
	}
	return refs
}

// eventOnlyLine is "#2, #3 known only from Kubernetes events: …" for the
// kills of a group after its first that only an event shows; "" for none.
func eventOnlyLine(rep *report.Report, g *groupView) (string, []report.Ref) {
	if len(g.Kills) <= 1 {
		return "", nil
	}
	var nums []string
	var refs []report.Ref
	for _, i := range g.Kills[1:] {
		if f := findRule(&rep.Kills[i], "event-only-kill"); f != nil {
			nums = append(nums, "#"+strconv.Itoa(i+1))
			refs = append(refs, f.Evidence...)
		}
	}
	if len(nums) == 0 {
		return "", nil
	}
	return strings.Join(nums, ", ") + " known only from Kubernetes events: no kernel lines of them", refs
}

// groupTable writes the caption and one row per kill of a group of several
// kills; times drop their date when every kill is on the first one's day.
func groupTable(rep *report.Report, g *groupView, k *report.Kill) {
	g.Caption, _ = groupCaption(rep, g, k)
	sameDay := true
	for _, i := range g.Kills {
		w := wallOf(rep.Kills[i].Time)
		w0 := wallOf(k.Time)
		if w == nil || w0 == nil || len(*w) < 10 || len(*w0) < 10 || (*w)[:10] != (*w0)[:10] {
			sameDay = false
		}
	}
	for _, i := range g.Kills {
		x := &rep.Kills[i]
		tm := killTime(x.Time)
		if sameDay && len(tm) == 19 {
			tm = tm[11:]
		}
		row := groupRow{N: i + 1, Time: tm, Pid: intOr(x.Victim.Pid, "?"), AnonRSS: sizeOr(x.Victim.AnonRSSKB, "?"),
			InSwap: sizeOr(pagesKB(x.Victim.Swapents), "?"), Swap: swapAtKill(x.SwapAtOOM), Ref: killLineRefs(rep, x)}
		row.SwapFree = swapFreeAtKill(x.SwapAtOOM)
		if row.Swap == "—" {
			row.Swap, row.SwapFree = "?", "?"
		}
		g.Rows = append(g.Rows, row)
	}
}

// killWhen is "2019-10-20 10:20:39 (uptime+date, medium confidence) · boot 0".
func killWhen(k *report.Kill) string {
	tm := killTime(k.Time)
	if wallOf(k.Time) != nil && k.Time.WallBasis != "" && (k.Time.WallBasis != "printed" || k.Time.Confidence == "low") {
		tm += " (" + k.Time.WallBasis + ", " + k.Time.Confidence + " confidence)"
	} else if k.Time.Wall == nil && k.Time.WallLocal != nil {
		tm += " node-local"
	} else if wallOf(k.Time) == nil && k.Time.WallNoYear != nil && len(*k.Time.WallNoYear) == 16 {
		tm += " node-local"
	}
	return tm + " · boot " + strconv.Itoa(k.Boot)
}

// killLineRefs is the kill's own line (the timeline's oom-kill row).
func killLineRefs(rep *report.Report, k *report.Kill) []report.Ref {
	for _, row := range rep.Timeline {
		if row.Kind == "oom-kill" && row.KillID != nil && *row.KillID == k.ID {
			return []report.Ref{row.Source}
		}
	}
	return nil
}

// heldLine is "pip3 held 1.7 GiB anon + 153 MiB in swap", from the
// victim's kill line and task row (victim-had-swap's evidence).
func heldLine(k *report.Kill, killLine []report.Ref) (string, []report.Ref) {
	if k.Victim.AnonRSSKB == nil {
		return "", nil
	}
	s := visibleName(k.Victim.Name) + " held " + units.KB(*k.Victim.AnonRSSKB) + " anon"
	refs := append([]report.Ref(nil), killLine...) // the kill line prints anon-rss
	if f := findRule(k, "victim-had-swap"); f != nil {
		refs = append(refs, f.Evidence...)
	}
	if sw := pagesKB(k.Victim.Swapents); sw != nil && *sw > 0 {
		s += " + " + units.KB(*sw) + " in swap"
	}
	return s, refs
}

// scoreLine is "score 613 implies ~2.96 GiB of RAM + swap at the kill",
// from badness-implies-total.
func scoreLine(k *report.Kill) (string, []report.Ref) {
	f := findRule(k, "badness-implies-total")
	if f == nil || k.Victim.Score == nil {
		return "", nil
	}
	if f.Phrase == "" {
		return "", nil // a memcg kill's score implies its limit, not RAM + swap
	}
	return "score " + strconv.FormatInt(*k.Victim.Score, 10) + " implies ~" + f.Phrase + " of RAM + swap at the kill", f.Evidence
}

func severityRank(s string) int {
	switch s {
	case "critical":
		return 3
	case "warning":
		return 2
	case "info":
		return 1
	}
	return 0
}

func visibleName(s string) string {
	if s == "" {
		return "the victim"
	}
	return s
}

// swapAtKillLine is "swap at the kill: 947 MiB, 0.2 MiB free (exhausted)".
func swapAtKillLine(k *report.Kill, said map[string]bool) (string, []report.Ref, string) {
	var refs []report.Ref
	sev := ""
	note := ""
	for _, r := range []struct{ rule, note string }{
		{"swap-exhausted", "exhausted"}, {"oom-with-free-swap", "yet the kernel killed"}, {"no-swap-configured", ""}, {"memcg-swap-limit", ""},
	} {
		if f := findRule(k, r.rule); f != nil {
			refs, sev, note = f.Evidence, f.Severity, r.note
			if r.rule == "no-swap-configured" || r.rule == "memcg-swap-limit" {
				if k.SwapAtOOM == nil || k.SwapAtOOM.TotalKB == nil {
					said[r.rule] = true
					t, _ := correlate.Uncite(f.Summary)
					return t, refs, sev
				}
			}
			said[r.rule] = true
			break
		}
	}
	s := k.SwapAtOOM
	if s == nil || s.TotalKB == nil {
		return "swap at the kill: not printed in the report", refs, sev
	}
	line := "swap at the kill: " + swapAtKill(s)
	if note != "" && *s.TotalKB > 0 {
		line += " (" + note + ")"
	}
	return line, refs, sev
}

// swapAtCaptureLine is "swap at capture: 2.9 GiB — /swapfile.new (2 GiB)
// added later": the capture total, and what the finding says changed.
func swapAtCaptureLine(rep *report.Report, f *report.Finding) string {
	t, _ := correlate.Uncite(f.Summary)
	change := f.Phrase
	total := ""
	switch {
	case rep.Swap != nil && rep.Swap.TotalKB != nil:
		total = units.KB(*rep.Swap.TotalKB)
	case rep.Memory != nil && rep.Memory.SwapTotalKB != nil:
		total = units.KB(*rep.Memory.SwapTotalKB)
	}
	if total == "" || change == "" {
		return t
	}
	return "swap at capture: " + total + " — " + change
}

// replayLine says the SystemOOM node events of the kill carry the
// kubelet's start age, from the kubelet-replayed-events finding and the
// events linked to the kill.
func replayLine(rep *report.Report, k *report.Kill) (string, []report.Ref) {
	f := findRule(k, "kubelet-replayed-events")
	if f == nil {
		return "", nil
	}
	age := ""
	for _, n := range rep.Nodes {
		for _, ev := range n.Events {
			if ev.KillID != nil && *ev.KillID == k.ID && ev.Age != "" {
				age = ev.Age
				break
			}
		}
	}
	if age == "" {
		t, _ := correlate.Uncite(f.Summary)
		return t, f.Evidence
	}
	return "SystemOOM " + age + " = kubelet start replaying the kernel log", f.Evidence
}

// groupCaption introduces the table of a group: "killed 3 times over
// 1h29m: it is restarted or re-run and grows back into the same limit".
func groupCaption(rep *report.Report, g *groupView, k *report.Kill) (string, []report.Ref) {
	s := visibleName(k.Victim.Name) + " killed " + strconv.Itoa(len(g.Kills)) + " times"
	var first, last time.Time
	for _, i := range g.Kills {
		at := rep.Kills[i].Time.At
		if at == nil {
			continue
		}
		t := *at
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	if !first.IsZero() && last.After(first) {
		s += " over " + shortDuration(last.Sub(first))
	}
	if f := findRule(k, "repeated-kills"); f != nil {
		if f.Phrase != "" {
			s += " — " + f.Phrase
		}
		return s, f.Evidence
	}
	return s, nil
}

// shortDuration is "1h29m", "6m33s", "45s", "3d4h".
func shortDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d" + strconv.Itoa(int(d%(24*time.Hour)/time.Hour)) + "h"
	case d >= time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h" + strconv.Itoa(int(d%time.Hour/time.Minute)) + "m"
	case d >= time.Minute:
		return strconv.Itoa(int(d/time.Minute)) + "m" + strconv.Itoa(int(d%time.Minute/time.Second)) + "s"
	}
	return strconv.Itoa(int(d/time.Second)) + "s"
}

// verdictLines keeps the verdict's sentences that add to the card: not the
// opening statement (the title says it), not what victim held (a line says
// it), not a finding's summary; a sentence that only extends a summary
// ("…, so swap was in use and ran out: …") keeps its extension. "How sure"
// is kept, and of "Next" the first step (every step is under -v).
func verdictLines(k *report.Kill, said map[string]bool, seen map[string]bool) ([]answerLine, string) {
	var out []answerLine
	next := ""
	for i, st := range k.Sentences {
		switch {
		case i == 0:
			continue
		case st.Role == "next":
			if len(st.Steps) > 0 {
				next = st.Steps[0]
			}
			continue
		case st.Role == "held" && said["victim-had-swap"]:
			continue
		}
		keep := st.Text
		if st.Rule != "" {
			keep = st.Extends
		}
		if keep == "" || seen[keep] {
			continue
		}
		seen[keep] = true
		out = append(out, answerLine{Text: keep, Refs: st.Refs})
	}
	return out, next
}

// nextSentence is the verdict's "Next: …" sentence, nil when it has none.
func nextSentence(k *report.Kill) *report.Sentence {
	for i := range k.Sentences {
		if k.Sentences[i].Role == "next" {
			return &k.Sentences[i]
		}
	}
	return nil
}

// missingLine names what the bundle lacks in one line: "time zone, capture
// date, older kernel log lines (2 logs start late)", from each gap's
// Missing (gaps that are notes have none).
func missingLine(gaps []report.Gap) string {
	var names []string
	have := map[string]bool{}
	older := 0
	for _, g := range gaps {
		switch name := g.Missing; {
		case name == report.MissingOlder:
			older++
		case name != "" && !have[name]:
			have[name] = true
			names = append(names, name)
		}
	}
	if older > 0 {
		names = append(names, "older kernel log lines ("+plural(older, "log starts", "logs start")+" late)")
	}
	return strings.Join(names, ", ")
}

// otherNodesLine names the described nodes that are not this host: "Other
// nodes described (not this host, not used): worker-2, worker-3", or, when
// the bundle does not name its host, that none was used. "" when every
// node is this host's.
func otherNodesLine(rep *report.Report) (string, []report.Ref) {
	var names []string
	var refs []report.Ref
	unknown := false
	seen := map[string]bool{} // a node listed by get nodes and described is one name
	for _, n := range rep.Nodes {
		if n.ThisHost {
			continue
		}
		unknown = unknown || n.HostMatch == "unknown-host"
		name := n.Name
		if name == "" {
			name = "(unnamed)"
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
			refs = append(refs, n.Evidence)
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	if unknown {
		return "Nodes described: " + strings.Join(names, ", ") + " — the bundle does not name its host, so none of them is used", refs
	}
	return "Other nodes described (not this host, not used): " + strings.Join(names, ", "), refs
}
