package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// The charts are computed here and drawn by report.html.tmpl, so that every
// label passes through html/template's escaping. Coordinates are in the
// viewBox; the SVG scales to the page width.

// segment is one part of a stacked bar.
type segment struct {
	Class  string // colour class, c-anon …
	Label  string
	KB     int64
	X, W   float64
	Pct    string
	Legend bool
}

// stackBar is the memory composition at a kill.
type stackBar struct {
	Title    string // what the whole bar is
	TotalKB  int64
	Segments []segment
	Note     string
}

// compositionBar builds the memory composition of a kill from Mem-Info or
// the memcg stats; nil when the report printed neither.
func compositionBar(k *report.Kill) *stackBar {
	m := k.MemInfo
	if m == nil {
		return nil
	}
	parts := []struct {
		class, label string
		kb           *int64
	}{
		{"c-anon", "anon", m.AnonKB},
		{"c-file", "file cache", m.FileKB},
		{"c-shmem", "shmem", m.ShmemKB},
		{"c-slabr", "slab reclaimable", m.SlabReclaimKB},
		{"c-slabu", "slab unreclaimable", m.SlabUnreclaimKB},
		{"c-kstack", "kernel stack", m.KernelStackKB},
		{"c-pt", "page tables", m.PagetablesKB},
		{"c-unev", "unevictable", m.UnevictableKB},
		{"c-huge", "huge pages", m.HugepagesKB},
		{"c-free", "free", m.FreeKB},
	}
	var sum int64
	bar := &stackBar{}
	for _, p := range parts {
		if p.kb != nil && *p.kb > 0 {
			sum += *p.kb
			bar.Segments = append(bar.Segments, segment{Class: p.class, Label: p.label, KB: *p.kb})
		}
	}
	total := sum
	switch {
	case m.Source == "memcg-stats" && k.Memcg != nil && k.Memcg.LimitKB != nil && *k.Memcg.LimitKB >= sum && *k.Memcg.LimitKB < 1<<50:
		total = *k.Memcg.LimitKB
		bar.Title = "cgroup memory at the kill, of its " + units.KB(total) + " limit (memcg stats)"
	case m.RAMKB != nil && *m.RAMKB >= sum:
		total = *m.RAMKB
		bar.Title = "RAM at the kill: " + units.KB(total) + " (kernel Mem-Info)"
		if rest := total - sum; rest > 0 {
			bar.Segments = append(bar.Segments, segment{Class: "c-other", Label: "other / not itemised", KB: rest})
		}
	case m.Source == "memcg-stats":
		bar.Title = "cgroup memory at the kill (memcg stats)"
	default:
		bar.Title = "memory at the kill (kernel Mem-Info)"
	}
	if total <= 0 {
		return nil
	}
	bar.TotalKB = total
	x := 0.0
	for i := range bar.Segments {
		s := &bar.Segments[i]
		s.X = x
		s.W = float64(s.KB) / float64(total) * 1000
		x += s.W
		s.Pct = pct(s.KB, total)
		s.Legend = true
	}
	return bar
}

func pct(part, total int64) string {
	if total <= 0 {
		return ""
	}
	f := float64(part) / float64(total) * 100
	if f > 0 && f < 1 {
		return "<1%"
	}
	if f > 99 && f < 100 {
		return ">99%"
	}
	return strconv.FormatFloat(f, 'f', 0, 64) + "%"
}

// gauge is a swap gauge: how full swap was.
type gauge struct {
	Label   string
	Known   bool
	None    bool // no swap configured
	UsedW   float64
	Text    string
	Level   string // ok | warn | crit
	Sources string
}

func swapGauge(label string, totalKB, freeKB, usedKB *int64, src string) gauge {
	g := gauge{Label: label, Sources: src}
	if totalKB == nil {
		g.Text = "not printed"
		return g
	}
	g.Known = true
	if *totalKB == 0 {
		g.None = true
		g.Text = "no swap"
		return g
	}
	var used int64
	switch {
	case usedKB != nil:
		used = *usedKB
	case freeKB != nil:
		used = *totalKB - *freeKB
	default:
		g.Text = units.KB(*totalKB) + " total, use not printed"
		return g
	}
	f := float64(used) / float64(*totalKB)
	g.UsedW = f * 300
	free := *totalKB - used
	g.Text = fmt.Sprintf("%s of %s used, %s free (%s)", units.KB(used), units.KB(*totalKB), units.KB(free), pct(used, *totalKB))
	switch {
	case f >= 0.95:
		g.Level = "crit"
		g.Text += " — exhausted"
	case f >= 0.75:
		g.Level = "warn"
	default:
		g.Level = "ok"
	}
	return g
}

// hbar is one row of the top-consumers chart.
type hbar struct {
	Name     string
	Tasks    int
	Y        float64
	RSSW     float64
	SwapX    float64
	SwapW    float64
	Value    string
	IsVictim bool
}

// hbarChart is the top consumers at a kill, from the task table.
type hbarChart struct {
	Rows   []hbar
	Height float64
}

func consumersChart(k *report.Kill) *hbarChart {
	if len(k.Top) == 0 {
		return nil
	}
	var peak int64
	for _, c := range k.Top {
		t := c.RSSKB
		if c.SwapKB != nil {
			t += *c.SwapKB
		}
		peak = max(peak, t)
	}
	if peak <= 0 {
		peak = 1
	}
	const barW, rowH = 560.0, 24.0
	ch := &hbarChart{}
	for i, c := range k.Top {
		r := hbar{Name: visible(c.Name), Tasks: c.Tasks, Y: float64(i) * rowH, IsVictim: c.IsVictim}
		r.RSSW = float64(c.RSSKB) / float64(peak) * barW
		r.Value = units.KB(c.RSSKB) + " RSS"
		if c.SwapKB != nil && *c.SwapKB > 0 {
			r.SwapX = r.RSSW
			r.SwapW = float64(*c.SwapKB) / float64(peak) * barW
			r.Value += " + " + units.KB(*c.SwapKB) + " swap"
		}
		ch.Rows = append(ch.Rows, r)
	}
	ch.Height = float64(len(k.Top)) * rowH
	return ch
}

// timelineChart is the SVG timeline, zoomed on the kills: one lane per
// source with dots for its dated facts, red marks for kills, dashed lines
// for boots, over an axis spanning the kill window; above it a thin
// overview strip spans every dated fact (boot to capture) with the kills
// and the window marked.
type timelineChart struct {
	Width, Height float64
	Lanes         []tlLane
	Ticks         []tlTick
	Kills         []tlKill
	Boots         []tlBoot
	Before        []string // boots before the axis starts
	Undated       int
	Outside       int // dated facts outside the kill window (in the overview only)
	PlotX, PlotW  float64
	AxisY         float64
	LaneTop       float64
	Overview      *tlOverview
}

// tlOverview is the thin strip of the whole span.
type tlOverview struct {
	Y            float64
	X1, X2       float64 // the zoomed window
	Kills, Boots []float64
	From, To     string
}

type tlLane struct {
	Label, Title string
	Y            float64
	Dots         []tlDot
}

type tlDot struct {
	X     float64
	Class string
	Title string
}

type tlTick struct {
	X      float64
	Label  string
	Anchor string // text-anchor: middle, or end/start at the plot's edges
}

type tlKill struct {
	X      float64
	Label  string
	Title  string
	Href   string
	LabelY float64
}

type tlBoot struct {
	X     float64
	Label string
}

// tlDated is a timeline row with its parsed time.
type tlDated struct {
	t   time.Time
	row report.TimelineRow
}

// tlSpan is a time interval.
type tlSpan struct{ lo, hi time.Time }

func (s *tlSpan) widen(t time.Time) {
	if s.lo.IsZero() || t.Before(s.lo) {
		s.lo = t
	}
	if s.hi.IsZero() || t.After(s.hi) {
		s.hi = t
	}
}

func timeline(rep *report.Report) *timelineChart {
	ch := &timelineChart{Width: 1000, PlotX: 190, PlotW: 780}
	rows := datedRows(rep, ch)
	if len(rows) == 0 {
		return nil
	}
	kills := datedKills(rep)
	ax, all := window(ch, rows, kills)
	top := 0.0
	if all.lo.Before(ax.lo) || all.hi.After(ax.hi) {
		ch.Overview = overview(ax, all, rows, kills)
		top = 42
	}
	top = killLabels(ch, ax, rep, kills, top)
	lanes(ch, ax, rows, top)
	ticks(ch, ax)
	boots(ch, ax, rows)
	return ch
}

// datedRows are the timeline rows with a wall time; the others are
// counted as undated.
func datedRows(rep *report.Report, ch *timelineChart) []tlDated {
	var rows []tlDated
	for _, r := range rep.Timeline {
		if r.At == nil {
			ch.Undated++
			continue
		}
		rows = append(rows, tlDated{*r.At, r})
	}
	return rows
}

// tlKillAt is a kill (its index in Report.Kills) with a wall time.
type tlKillAt struct {
	i int
	t time.Time
}

func datedKills(rep *report.Report) []tlKillAt {
	var kills []tlKillAt
	for i, k := range rep.Kills {
		if k.Time.At != nil {
			kills = append(kills, tlKillAt{i, *k.Time.At})
		}
	}
	return kills
}

// tlAxis maps times of the plotted window [lo, hi] to x.
type tlAxis struct {
	lo, hi time.Time
	span   time.Duration
	loc    *time.Location
	ch     *timelineChart
}

func (a tlAxis) x(t time.Time) float64 {
	return a.ch.PlotX + float64(t.Sub(a.lo))/float64(a.span)*a.ch.PlotW
}

func (a tlAxis) in(t time.Time) bool { return !t.Before(a.lo) && !t.After(a.hi) }

// window is the plotted axis: the kills, padded; without dated kills, the
// non-boot facts (a boot weeks before would squash everything to one
// pixel). all is the span of every dated row and kill.
func window(ch *timelineChart, rows []tlDated, kills []tlKillAt) (tlAxis, tlSpan) {
	var win, all tlSpan
	for _, k := range kills {
		win.widen(k.t)
	}
	for _, d := range rows {
		all.widen(d.t)
		if len(kills) == 0 && d.row.Kind != "boot" {
			win.widen(d.t)
		}
	}
	for _, k := range kills {
		all.widen(k.t)
	}
	if win.lo.IsZero() {
		win = all
	}
	span := win.hi.Sub(win.lo)
	pad := max(span/12, time.Minute)
	lo, hi := win.lo.Add(-pad), win.hi.Add(pad)
	return tlAxis{lo: lo, hi: hi, span: hi.Sub(lo), loc: rows[0].t.Location(), ch: ch}, all
}

// overview is the strip above the plot when the whole span is wider than
// the window.
func overview(ax tlAxis, all tlSpan, rows []tlDated, kills []tlKillAt) *tlOverview {
	ch := ax.ch
	allSpan := all.hi.Sub(all.lo)
	ox := func(t time.Time) float64 {
		return ch.PlotX + float64(t.Sub(all.lo))/float64(allSpan)*ch.PlotW
	}
	ov := &tlOverview{Y: 22, X1: ox(maxTime(ax.lo, all.lo)), X2: ox(minTime(ax.hi, all.hi)),
		From: all.lo.In(ax.loc).Format("2006-01-02 15:04"), To: all.hi.In(ax.loc).Format("2006-01-02 15:04")}
	if ov.X2-ov.X1 < 3 {
		ov.X2 = ov.X1 + 3
	}
	for _, k := range kills {
		ov.Kills = append(ov.Kills, ox(k.t))
	}
	for _, d := range rows {
		if d.row.Kind == "boot" {
			ov.Boots = append(ov.Boots, ox(d.t))
		}
	}
	return ov
}

// killLabels places the kill marks and their labels: rows of labels, each
// in the first row where it does not touch the one before it (at most
// three rows). It returns the y below them.
func killLabels(ch *timelineChart, ax tlAxis, rep *report.Report, kills []tlKillAt, top float64) float64 {
	const labelW, labelGap, labelRowH = 26.0, 4.0, 13.0
	var rowEnd []float64
	for _, k := range kills {
		x := ax.x(k.t)
		row := -1
		for r, end := range rowEnd {
			if x-labelW/2 >= end+labelGap {
				row = r
				break
			}
		}
		label := "#" + strconv.Itoa(k.i+1)
		if row < 0 && len(rowEnd) < 3 {
			row = len(rowEnd)
			rowEnd = append(rowEnd, 0)
		}
		if row >= 0 {
			rowEnd[row] = x + labelW/2
		} else {
			label = "" // no room: the mark keeps its tooltip and link
		}
		ch.Kills = append(ch.Kills, tlKill{X: x, Label: label, Href: "#kill-" + strconv.Itoa(k.i+1),
			Title:  visible("#" + strconv.Itoa(k.i+1) + " " + headline(&rep.Kills[k.i]) + " · " + k.t.In(ax.loc).Format("2006-01-02 15:04:05")),
			LabelY: top + 12 + float64(max(row, 0))*labelRowH})
	}
	return top + 8 + float64(max(len(rowEnd), 1))*labelRowH
}

// lanes puts each dated row on the lane of its file, from y top.
func lanes(ch *timelineChart, ax tlAxis, rows []tlDated, top float64) {
	const laneH = 26.0
	ch.LaneTop = top
	laneOf := map[string]int{}
	for _, d := range rows {
		p := d.row.Source.Path
		i, ok := laneOf[p]
		if !ok {
			i = len(ch.Lanes)
			laneOf[p] = i
			ch.Lanes = append(ch.Lanes, tlLane{Title: visible(p), Y: top + float64(i)*laneH + laneH/2})
		}
		if !ax.in(d.t) {
			ch.Outside++
			continue
		}
		class := "ev"
		switch {
		case d.row.KillID != nil:
			class = "ev-kill"
		case d.row.Kind == "boot":
			class = "ev-boot"
		case d.row.Kind == "capture":
			class = "ev-capture"
		}
		ch.Lanes[i].Dots = append(ch.Lanes[i].Dots, tlDot{X: ax.x(d.t), Class: class,
			Title: visible(d.t.In(ax.loc).Format("2006-01-02 15:04:05") + " · " + d.row.Kind + " · " + shortName(p) + ":" + strconv.Itoa(d.row.Source.Line) + "\n" + d.row.Text)})
	}
	labels := laneLabels(ch.Lanes)
	for i := range ch.Lanes {
		ch.Lanes[i].Label = labels[i]
	}
	ch.AxisY = top + float64(len(ch.Lanes))*laneH + 6
	ch.Height = ch.AxisY + 26
}

// ticks are the axis ticks, at round times on the local clock.
func ticks(ch *timelineChart, ax tlAxis) {
	step := tickStep(ax.span)
	_, off := ax.lo.In(ax.loc).Zone()
	shift := time.Duration(off) * time.Second
	first := ax.lo.Add(shift).Truncate(step).Add(-shift) // a round time on the local clock
	if first.Before(ax.lo) {
		first = first.Add(step)
	}
	lo, hi := ax.lo.In(ax.loc), ax.hi.In(ax.loc)
	multiDay := lo.YearDay() != hi.YearDay() || lo.Year() != hi.Year()
	for t := first; !t.After(ax.hi); t = t.Add(step) {
		x := ax.x(t)
		anchor := "middle"
		switch {
		case x > ch.PlotX+ch.PlotW-30:
			anchor = "end"
		case x < ch.PlotX+30:
			anchor = "start"
		}
		ch.Ticks = append(ch.Ticks, tlTick{X: x, Label: tickLabel(t.In(ax.loc), step, multiDay), Anchor: anchor})
	}
}

// boots marks boots by their number (the cards' "boot N"), from the
// timeline's boot rows; those before the window are listed.
func boots(ch *timelineChart, ax tlAxis, rows []tlDated) {
	for _, d := range rows {
		if d.row.Kind != "boot" || d.row.Boot == nil {
			continue
		}
		label := "boot " + strconv.Itoa(*d.row.Boot)
		if ax.in(d.t) {
			ch.Boots = append(ch.Boots, tlBoot{X: ax.x(d.t), Label: label})
		} else if d.t.Before(ax.lo) {
			ch.Before = append(ch.Before, label+" at "+d.t.In(ax.loc).Format("2006-01-02 15:04:05 -07:00"))
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// laneLabels names each lane's source in at most 24 cells, every label
// different: the base name, shortened in the middle (its distinguishing end
// kept), with directories added when two lanes would read the same.
func laneLabels(lanes []tlLane) []string {
	out := make([]string, len(lanes))
	for i, l := range lanes {
		out[i] = l.Title
	}
	label := func(p string, dirs int) string {
		parts := strings.Split(p, "/")
		n := min(len(parts), dirs+1)
		return shortenPath(strings.Join(parts[len(parts)-n:], "/"), 24)
	}
	for i := range lanes {
		out[i] = label(lanes[i].Title, 0)
	}
	for dirs := 1; dirs < 4; dirs++ {
		dup := map[string]int{}
		for _, s := range out {
			dup[s]++
		}
		again := false
		for i := range lanes {
			if dup[out[i]] > 1 {
				out[i] = label(lanes[i].Title, dirs)
				again = true
			}
		}
		if !again {
			break
		}
	}
	seen := map[string]int{}
	for i := range out {
		seen[out[i]]++
		if n := seen[out[i]]; n > 1 {
			out[i] += " (" + strconv.Itoa(n) + ")"
		}
	}
	return out
}

// tickSteps are the round intervals an axis may use.
var tickSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour,
}

// tickStep is the smallest round interval giving at most 6 ticks.
func tickStep(span time.Duration) time.Duration {
	for _, s := range tickSteps {
		if span/s <= 6 {
			return s
		}
	}
	return span / 6
}

func tickLabel(t time.Time, step time.Duration, multiDay bool) string {
	switch {
	case step >= 24*time.Hour:
		return t.Format("2006-01-02")
	case multiDay && t.Hour() == 0 && t.Minute() == 0:
		return t.Format("01-02")
	case multiDay:
		return t.Format("01-02 15:04")
	case step >= time.Minute:
		return t.Format("15:04")
	}
	return t.Format("15:04:05")
}
