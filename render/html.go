package render

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

//go:embed report.html.tmpl
var htmlTemplate string

//go:embed report.css
var reportCSS string

// reportJS opens the <details> holding the target of an evidence link
// (and a kill's folded details when the link is to the kill), and shows the one-click "Expand all evidence" button (hidden without
// scripts). The report reads fine without it; printing prints what is open.
const reportJS = `(function(){
function reveal(){var e=location.hash&&document.getElementById(decodeURIComponent(location.hash.slice(1)));var d=e&&e.querySelector(":scope > details");if(d){d.open=true}for(;e;e=e.parentElement){if(e.tagName==="DETAILS"){e.open=true}}}
addEventListener("hashchange",reveal);reveal();
var b=document.getElementById("expand-all");
if(b){b.hidden=false;b.addEventListener("click",function(){var open=b.getAttribute("aria-pressed")!=="true";document.querySelectorAll("#kills details").forEach(function(d){d.open=open});b.setAttribute("aria-pressed",open?"true":"false");b.textContent=open?"Collapse all evidence":"Expand all evidence"})}
})();`

// csp allows nothing but the report's own inline style and script (by hash):
// no request can leave the file, and injected markup could not run.
var csp = "default-src 'none'; style-src '" + cspHash(reportCSS) + "'; script-src '" + cspHash(reportJS) + "'; img-src 'none'; base-uri 'none'; form-action 'none'"

func cspHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"v":          visible,
	"size":       func(kb *int64) string { return sizeOr(kb, "—") },
	"sizeKB":     units.KB,
	"int":        func(v *int) string { return intOr(v, "—") },
	"int64":      func(v *int64) string { return int64Or(v, "—") },
	"str":        func(v *string) string { return visible(strOr(v, "—")) },
	"base":       func(p string) string { return visible(path.Base(p)) },
	"short":      func(p string) string { return visible(shortName(p)) },
	"ref":        func(r report.Ref) string { return visible(shortName(r.Path) + ":" + strconv.Itoa(r.Line)) },
	"refs":       func(rs []report.Ref) string { return visible(shortRefs(rs)) },
	"time":       func(s *string) string { return visible(shortTime(strOr(s, "—"))) },
	"bootTimes":  bootTimes,
	"plural":     plural,
	"f":          func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"add":        func(a, b float64) float64 { return a + b },
	"sub":        func(a, b float64) float64 { return a - b },
	"inc":        func(i int) int { return i + 1 },
	"kindText":   killKindText,
	"reportOnly": func(r report.ReportOnly) string { return visible(reportOnlyText(r)) },
	"join":       strings.Join,
	"pages":      func(p *int64) string { return sizeOr(pagesKB(p), "size unknown") },
}).Parse(htmlTemplate))

// htmlView is what the template draws.
type htmlView struct {
	Rep       *report.Report
	Title     string
	CSS       template.CSS
	JS        template.JS
	CSPMeta   template.HTML
	Data      template.JS
	Causes    []string
	Cards     []cardView
	Missing   string
	Timeline  *timelineChart
	Kills     []killView
	Sysctl    []kv
	Warnings  int
	Used      int
	Undated   int
	HasState  bool
	EmptyNote string
}

type kv struct{ K, V string }

type killView struct {
	N          int
	K          *report.Kill
	Anchor     string
	Victim     string
	Meta       string
	Next       string
	Like       int // the first kill of its card, when not this one: folded
	Limit      string
	Comp       *stackBar
	SwapKill   gauge
	SwapNow    gauge
	Top        *hbarChart
	Findings   []findingView
	Excerpts   []excerptView
	Sources    []refLink
	MissingIn  []refLink
	KillRefStr string
	lineID     map[report.Ref]string // evidence line → its anchor
}

// cardView is an answer card: a group of kills with the same victim and
// cause (see answer.go), its evidence linked to the cited log lines.
type cardView struct {
	N         int
	Anchor    string
	Href      string
	Title     string
	TitleRefs []refLink
	Lines     []cardLine
	Caption   string
	Rows      []cardRow
	Verdict   []string
	Next      string
}

type cardLine struct {
	Text     string
	Severity string
	Refs     []refLink
}

type cardRow struct {
	N                                int
	Href                             string
	Time, Pid, AnonRSS, InSwap, Swap string
	Refs                             []refLink
}

type findingView struct {
	F       report.Finding
	Summary string // without its inline citation: the links below it cite
	ID      string
	Links   []refLink
}

type refLink struct {
	Text, Href, Title string
}

type excerptView struct {
	ID, Path, Range string
	Cited           bool
	Lines           []lineView
}

type lineView struct {
	ID    string
	N     int
	Text  string
	Cited bool
}

// HTML writes the report as one self-contained HTML file: inline CSS, SVG
// charts and a small optional script, no request to anything outside the
// file, readable with scripts off and when printed. The JSON of JSON is
// embedded as a data island (<script type="application/json"
// id="oomlens-report">) with <, > and & escaped as \u003c, \u003e, \u0026.
func HTML(w io.Writer, rep *report.Report) error {
	rep = orEmpty(rep)
	data, err := marshalReport(rep, true)
	if err != nil {
		return err
	}
	v := htmlView{
		Rep:   rep,
		Title: "OOM report · " + visible(strOr(rep.Host.Hostname, rep.Host.Bundle)),
		CSS:   template.CSS(reportCSS),
		JS:    template.JS(reportJS),
		// Built from constants only (the hashes of reportCSS and reportJS).
		CSPMeta: template.HTML(`<meta http-equiv="Content-Security-Policy" content="` + csp + `">`),
		// Safe as JS: encoding/json escaped <, >, &, U+2028 and U+2029, so
		// the text cannot close the <script> element.
		Data:     template.JS(bytes.TrimRight(data, "\n")),
		Timeline: timeline(rep),
		Used:     usedInputs(rep),
	}
	if v.Timeline != nil {
		v.Undated = v.Timeline.Undated
	}
	for _, in := range rep.Inputs {
		v.Warnings += len(in.Warnings)
	}
	keys := make([]string, 0, len(rep.Sysctl))
	for k := range rep.Sysctl {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v.Sysctl = append(v.Sysctl, kv{visible(k), visible(rep.Sysctl[k])})
	}
	v.HasState = rep.Swap != nil || rep.Memory != nil || rep.Kubelet != nil || len(rep.Nodes) > 0 || len(keys) > 0
	for i := range rep.Kills {
		v.Kills = append(v.Kills, buildKillView(rep, i))
	}
	a := buildAnswer(rep)
	for _, c := range a.Causes {
		v.Causes = append(v.Causes, visible(c.Text()))
	}
	for i := range a.Groups {
		g := &a.Groups[i]
		v.Cards = append(v.Cards, buildCardView(g, v.Kills))
		for _, k := range g.Kills[1:] {
			v.Kills[k].Like = g.Kills[0] + 1
		}
	}
	v.Missing = visible(a.Missing)
	var buf bytes.Buffer
	if err := reportTmpl.Execute(&buf, v); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func buildKillView(rep *report.Report, i int) killView {
	k := &rep.Kills[i]
	n := i + 1
	kv := killView{N: n, K: k, Anchor: "kill-" + strconv.Itoa(n), Victim: visible(victimLabel(k)), Meta: visible(killMeta(k)),
		Limit: visible(limitText(k)), Comp: compositionBar(k), Top: consumersChart(k), KillRefStr: visible(killLineRef(rep, k))}
	for _, s := range k.Sources {
		kv.Sources = append(kv.Sources, refLink{Text: visible(shortName(s)), Title: visible(s)})
	}
	for _, s := range k.Missing {
		kv.MissingIn = append(kv.MissingIn, refLink{Text: visible(shortName(s)), Title: visible(s)})
	}
	if s := k.SwapAtOOM; s != nil {
		kv.SwapKill = swapGauge("at the kill", s.TotalKB, s.FreeKB, nil, "kernel report: Total swap / Free swap")
	} else if k.Memcg != nil && k.Memcg.SwapLimitKB != nil && *k.Memcg.SwapLimitKB == 0 {
		kv.SwapKill = gauge{Label: "at the kill", Known: true, None: true, Text: "none for this cgroup (swap limit 0)"}
	} else {
		kv.SwapKill = swapGauge("at the kill", nil, nil, nil, "")
	}
	switch {
	case rep.Swap != nil:
		kv.SwapNow = swapGauge("at capture", rep.Swap.TotalKB, nil, rep.Swap.UsedKB, visible(rep.Swap.Source))
	case rep.Memory != nil:
		kv.SwapNow = swapGauge("at capture", rep.Memory.SwapTotalKB, rep.Memory.SwapFreeKB, nil, visible(rep.Memory.Source))
	default:
		kv.SwapNow = swapGauge("at capture", nil, nil, nil, "")
	}
	if st := nextSentence(k); st != nil {
		kv.Next = visible(strings.Join(st.Steps, "; ") + ".")
	}
	// Excerpts quoting this kill's lines, with one anchor per line.
	lineID := map[report.Ref]string{}
	kv.lineID = lineID
	for _, x := range killExcerpts(rep, k) {
		ex := rep.Excerpts[x]
		ev := excerptView{ID: kv.Anchor + "-x" + strconv.Itoa(x+1), Path: visible(ex.Path), Range: excerptRange(ex)}
		for _, l := range ex.Lines {
			id := ev.ID + "-L" + strconv.Itoa(l.Line)
			ev.Lines = append(ev.Lines, lineView{ID: id, N: l.Line, Text: visible(l.Text), Cited: l.Cited})
			ev.Cited = ev.Cited || l.Cited
			r := report.Ref{Path: ex.Path, Line: l.Line}
			if _, ok := lineID[r]; !ok {
				lineID[r] = id
			}
		}
		kv.Excerpts = append(kv.Excerpts, ev)
	}
	for j, f := range k.Findings {
		sum, _ := correlate.Uncite(f.Summary)
		fv := findingView{F: f, Summary: visible(sum), ID: kv.Anchor + "-f" + strconv.Itoa(j+1)}
		for _, g := range groupRefs(f.Evidence) {
			for _, l := range g.Lines {
				r := report.Ref{Path: g.Path, Line: l}
				link := refLink{Text: visible(shortName(g.Path) + ":" + strconv.Itoa(l)), Title: visible(g.Path + ":" + strconv.Itoa(l))}
				if id, ok := lineID[r]; ok {
					link.Href = "#" + id
				}
				fv.Links = append(fv.Links, link)
			}
		}
		kv.Findings = append(kv.Findings, fv)
	}
	return kv
}

// buildCardView links an answer card's evidence to the log lines quoted
// under its kills.
func buildCardView(g *groupView, kills []killView) cardView {
	first := &kills[g.Kills[0]]
	cv := cardView{N: first.N, Anchor: "card-" + strconv.Itoa(first.N), Href: "#" + first.Anchor, Title: visible(strings.TrimPrefix(g.Title, "#"+strconv.Itoa(first.N)+" ")),
		TitleRefs: refLinks(g.Ref, first.lineID), Caption: visible(g.Caption), Next: visible(g.Next)}
	for _, l := range g.Lines {
		cv.Lines = append(cv.Lines, cardLine{Text: visible(l.Text), Severity: l.Severity, Refs: refLinks(l.Refs, first.lineID)})
	}
	for _, l := range g.Verdict {
		cv.Verdict = append(cv.Verdict, visible(l.Text))
	}
	for _, r := range g.Rows {
		kv := &kills[r.N-1]
		cv.Rows = append(cv.Rows, cardRow{N: r.N, Href: "#" + kv.Anchor, Time: visible(r.Time), Pid: r.Pid, AnonRSS: r.AnonRSS, InSwap: r.InSwap,
			Swap: visible(r.Swap), Refs: refLinks(r.Ref, kv.lineID)})
	}
	return cv
}

// refLinks is one link per file: "dmesg:539-540" to the first of its lines
// quoted in an excerpt.
func refLinks(refs []report.Ref, lineID map[report.Ref]string) []refLink {
	var out []refLink
	for _, g := range groupRefs(refs) {
		l := refLink{Text: visible(shortName(g.Path) + ":" + lineRanges(g.Lines)), Title: visible(g.Path + ":" + lineRanges(g.Lines))}
		for _, n := range g.Lines {
			if id, ok := lineID[report.Ref{Path: g.Path, Line: n}]; ok {
				l.Href = "#" + id
				break
			}
		}
		out = append(out, l)
	}
	return out
}

// limitText says which limit the kill hit.
func limitText(k *report.Kill) string {
	switch {
	case k.Manual:
		return "none: the kill was asked for through SysRq f"
	case k.Memcg != nil && k.Memcg.LimitKB != nil:
		s := "cgroup limit " + units.KB(*k.Memcg.LimitKB)
		if k.Memcg.UsageKB != nil {
			s = "cgroup usage " + units.KB(*k.Memcg.UsageKB) + " of its " + units.KB(*k.Memcg.LimitKB) + " limit"
		}
		if k.Memcg.Failcnt != nil {
			s += " (failcnt " + strconv.FormatInt(*k.Memcg.Failcnt, 10) + ")"
		}
		return s
	case k.Kind == "global":
		s := "all of the node's RAM and swap"
		if k.Constraint != nil {
			s += " (" + *k.Constraint + ")"
		}
		return s
	case k.Constraint != nil:
		return *k.Constraint
	}
	return killKindText(k.Kind)
}
