package render

import (
	"fmt"
	"strconv"
	"time"

	"github.com/oomlens/oomlens/correlate"
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
func compositionBar(k *correlate.Kill) *stackBar {
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

func consumersChart(k *correlate.Kill) *hbarChart {
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

// timelineChart is the SVG timeline: one lane per source, dots for dated
// facts, red marks for kills, dashed lines for boots.
type timelineChart struct {
	Width, Height float64
	Lanes         []tlLane
	Ticks         []tlTick
	Kills         []tlKill
	Boots         []tlBoot
	Before        []string // boots before the axis starts
	Undated       int
	PlotX, PlotW  float64
	AxisY         float64
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
	X     float64
	Label string
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

func timeline(rep *correlate.Report) *timelineChart {
	type dated struct {
		t   time.Time
		row correlate.TimelineRow
	}
	var rows []dated
	ch := &timelineChart{Width: 1000, PlotX: 190, PlotW: 790}
	for _, r := range rep.Timeline {
		rt := rowTime(r)
		if rt == nil {
			ch.Undated++
			continue
		}
		t, err := parseWall(*rt)
		if err != nil {
			ch.Undated++
			continue
		}
		rows = append(rows, dated{t, r})
	}
	if len(rows) == 0 {
		return nil
	}
	// The axis spans the non-boot facts and the kills: a boot weeks before
	// the first event would squash everything else to one pixel.
	var lo, hi time.Time
	widen := func(t time.Time) {
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if hi.IsZero() || t.After(hi) {
			hi = t
		}
	}
	for _, d := range rows {
		if d.row.Kind != "boot" {
			widen(d.t)
		}
	}
	for _, k := range rep.Kills {
		if w := wallOf(k.Time); w != nil {
			if t, err := parseWall(*w); err == nil {
				widen(t)
			}
		}
	}
	if lo.IsZero() {
		for _, d := range rows {
			widen(d.t)
		}
	}
	loc := rows[0].t.Location()
	span := hi.Sub(lo)
	pad := span / 40
	if span == 0 {
		pad = time.Minute
	}
	lo, hi = lo.Add(-pad), hi.Add(pad)
	span = hi.Sub(lo)
	xOf := func(t time.Time) float64 {
		return ch.PlotX + float64(t.Sub(lo))/float64(span)*ch.PlotW
	}
	inAxis := func(t time.Time) bool { return !t.Before(lo) && !t.After(hi) }

	const laneH = 26.0
	top := 30.0
	laneOf := map[string]int{}
	for _, d := range rows {
		p := d.row.Source.Path
		i, ok := laneOf[p]
		if !ok {
			i = len(ch.Lanes)
			laneOf[p] = i
			ch.Lanes = append(ch.Lanes, tlLane{Label: visible(shortName(p)), Title: visible(p), Y: top + float64(i)*laneH + laneH/2})
		}
		if !inAxis(d.t) {
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
		ch.Lanes[i].Dots = append(ch.Lanes[i].Dots, tlDot{X: xOf(d.t), Class: class,
			Title: visible(d.t.In(loc).Format("2006-01-02 15:04:05") + " · " + d.row.Kind + " · " + shortName(p) + ":" + strconv.Itoa(d.row.Source.Line) + "\n" + d.row.Text)})
	}
	ch.AxisY = top + float64(len(ch.Lanes))*laneH + 6
	ch.Height = ch.AxisY + 26
	step := tickStep(span)
	_, off := lo.In(loc).Zone()
	shift := time.Duration(off) * time.Second
	first := lo.Add(shift).Truncate(step).Add(-shift) // a round time on the local clock
	if first.Before(lo) {
		first = first.Add(step)
	}
	multiDay := lo.In(loc).YearDay() != hi.In(loc).YearDay() || lo.In(loc).Year() != hi.In(loc).Year()
	for t := first; !t.After(hi); t = t.Add(step) {
		ch.Ticks = append(ch.Ticks, tlTick{X: xOf(t), Label: tickLabel(t.In(loc), step, multiDay)})
	}
	for i, b := range bootTimes(rep.Host) {
		t, err := parseWall(b)
		if err != nil {
			continue
		}
		label := "boot " + strconv.Itoa(i+1)
		if inAxis(t) {
			ch.Boots = append(ch.Boots, tlBoot{X: xOf(t), Label: label})
		} else if t.Before(lo) {
			ch.Before = append(ch.Before, label+" at "+t.In(loc).Format("2006-01-02 15:04:05 -07:00"))
		}
	}
	for i, k := range rep.Kills {
		w := wallOf(k.Time)
		if w == nil {
			continue
		}
		t, err := parseWall(*w)
		if err != nil {
			continue
		}
		ch.Kills = append(ch.Kills, tlKill{X: xOf(t), Label: "#" + strconv.Itoa(i+1), Href: "#kill-" + strconv.Itoa(i+1),
			Title: visible(headline(&rep.Kills[i])), LabelY: 12 + float64(i%2)*12})
	}
	return ch
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
