package correlate

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/correlate/dedup"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// The timeline: every dated fact from every source, oldest first. The same
// event printed by several logs appears once, from the first log that dates it.

type tlRow struct {
	row  report.TimelineRow
	wall *time.Time
	grp  int
}

// tlRows collects the rows of one timeline, in the order they are found
// (the sort is stable).
type tlRows struct {
	bd   *builder
	rows []tlRow
}

func (tl *tlRows) add(wall *time.Time, ks *float64, grp *int, src report.Ref, kind string, kill *string, text string) {
	t, local := tl.bd.wallText(wall)
	r := report.TimelineRow{Time: t, LocalTime: local, KernelSeconds: ks, Boot: grp, Source: src, Kind: kind, KillID: kill, Text: strings.TrimSpace(text), At: tl.bd.wallAt(wall)}
	g := -1
	if grp != nil {
		g = *grp
	}
	tl.rows = append(tl.rows, tlRow{row: r, wall: wall, grp: g})
}

func (bd *builder) timeline() []report.TimelineRow {
	n := len(bd.clk.Boots) + len(bd.kills) + len(bd.reportOnly)
	for _, lg := range bd.logs {
		n += len(lg.Events)
	}
	tl := &tlRows{bd: bd, rows: make([]tlRow, 0, n)} // sized once: a doubling slice would leave its halves as garbage
	tl.boots()
	tl.kills()
	tl.memorySnapshots()
	tl.reportsWithoutKill()
	tl.logEvents()
	tl.nodeEvents()
	tl.clusterEvents()
	rows := tl.rows
	sort.SliceStable(rows, func(i, j int) bool { return tlLess(rows[i], rows[j]) })
	// Events the parser did not keep (past its per-kind cap) count too.
	notKept := map[tlKey]int{}
	for _, lg := range bd.logs {
		for _, d := range lg.Dropped {
			notKept[tlKey{d.Kind, lg.Path}] += d.Count
		}
	}
	return capTimeline(rows, notKept)
}

// boots adds one row per boot of this host: its banner (or first line) at
// its boot time, else at its first logged line.
func (tl *tlRows) boots() {
	for _, g := range tl.bd.clk.Boots {
		if tl.bd.foreignGroup(g) {
			continue // another host's boot is no fact of this host's timeline
		}
		m := g.Members[0]
		src := parse.Ref{Path: m.Key.Path, Line: 1}
		text := "boot"
		for _, nd := range g.Members {
			if nd.Boot != nil && nd.Boot.Banner != "" {
				src, text = nd.Boot.Start, nd.Boot.Banner
				break
			}
		}
		if text == "boot" && m.Boot != nil {
			src = m.Boot.Start
		}
		at := g.Base
		if g.Base != nil {
			text += " (boot time from " + g.Basis + ")"
		} else if g.Order != nil {
			at = g.Order
			text += " (time of the boot's first logged line)"
		}
		tl.add(at, ptr(0.0), ptr(g.Index), toRef(src), "boot", nil, text)
	}
}

// kills adds one row per kill, with its kill line as printed.
func (tl *tlRows) kills() {
	for _, kc := range tl.bd.kills {
		kind := "oom-kill"
		if kc.ev != nil {
			kind = "userspace-kill"
		}
		text := kc.out.Headline
		if q := tl.bd.quoteText(kc.primRef()); q != "" {
			text = q
		}
		if len(kc.foreign) > 0 {
			// told apart: a report of another boot or host is no fact of this one's timeline
			text = strings.ReplaceAll(kc.foreignRule(), "-", " ") + ": " + text
		}
		tl.add(kc.wall, kc.ks, ptr(kc.group), kc.primRef(), kind, ptr(kc.id), text)
	}
}

// memorySnapshots adds the free listings, dated when a pasted `date` is
// printed just before them; two snapshots are two points, one is none.
func (tl *tlRows) memorySnapshots() {
	if len(tl.bd.b.Free) <= 1 {
		return
	}
	for _, f := range tl.bd.b.Free {
		if f == nil {
			continue
		}
		tl.add(f.At, nil, nil, toRef(f.Ref), "memory-snapshot", nil, freeText(f))
	}
}

// reportsWithoutKill adds one row per OOM report that shows no kill.
func (tl *tlRows) reportsWithoutKill() {
	for _, rc := range tl.bd.reportOnly {
		o := rc.occs[0]
		w, _, _ := tl.bd.clk.When(o.node.LogBoot, dedup.Line(o), dedup.Stamp(o))
		var ks *float64
		if st := dedup.Stamp(o); st != nil {
			ks = st.KernelSeconds
		}
		text := "OOM report without a kill line"
		if o.rep.Trigger != nil {
			if q := tl.bd.quoteText(toRef(o.rep.Trigger.Ref)); q != "" {
				text = q
			}
		}
		tl.add(w, ks, ptr(o.node.Group), toRef(o.rep.Start), "oom-report", nil, text)
	}
}

// logEvents adds the kernel and system log events, once each however many
// logs print them (eventSeen).
func (tl *tlRows) logEvents() {
	seen := newEventSeen()
	for _, lg := range tl.bd.logs {
		for i := range lg.Events {
			e := &lg.Events[i]
			switch e.Kind {
			case "oomd-kill", "earlyoom-kill", "boot":
				continue
			case "kubelet-eviction":
				if e.Pod != "" {
					continue // an eviction: listed as a kill
				}
			}
			nd := tl.bd.nodeAt(lg.Path, e.Boot)
			if nd == nil {
				continue
			}
			w, _, _ := tl.bd.clk.When(nd.LogBoot, e.Line, &e.Stamp)
			kind := e.Kind
			switch kind {
			case "swap-on", "swap-off":
				kind = "swap-change"
			}
			k := seenKey{e.Kind, e.Text}
			ks := e.Stamp.KernelSeconds
			if seen.dup(k, nd.Group, ks, w) {
				continue
			}
			text := e.Text
			if text == "" {
				text = e.Kind
			}
			tl.add(w, ks, ptr(nd.Group), toRef(e.Ref), kind, nil, text)
			seen.remember(k, nd.Group, ks, w)
		}
	}
}

// seenKey is an event as it is deduplicated: its kind and text.
type seenKey struct {
	kind, text string
}

// eventSeen indexes the events added so far by kernel second (per boot
// group) and by 2-second wall bucket, so a duplicate is found among the
// rows of the neighbouring buckets instead of all rows with the same text.
type eventSeen struct {
	ks   map[ksKey][]float64
	wall map[wallKey][]time.Time
}

type ksKey struct {
	k    seenKey
	grp  int
	secs int64
}

type wallKey struct {
	k      seenKey
	bucket int64
}

func newEventSeen() *eventSeen {
	return &eventSeen{ks: map[ksKey][]float64{}, wall: map[wallKey][]time.Time{}}
}

// dup says whether the same event of the same boot was added within a
// kernel second, or within two seconds of wall time.
func (s *eventSeen) dup(k seenKey, grp int, ks *float64, w *time.Time) bool {
	if ks != nil {
		f := int64(math.Floor(*ks))
		for d := int64(-1); d <= 1; d++ {
			for _, prev := range s.ks[ksKey{k, grp, f + d}] {
				if math.Abs(prev-*ks) < 1 {
					return true
				}
			}
		}
	}
	if w != nil {
		b := floorDiv(w.Unix(), 2)
		for d := int64(-1); d <= 1; d++ {
			for _, prev := range s.wall[wallKey{k, b + d}] {
				if absDur(w.Sub(prev)) < 2*time.Second {
					return true
				}
			}
		}
	}
	return false
}

// remember records an added event for dup.
func (s *eventSeen) remember(k seenKey, grp int, ks *float64, w *time.Time) {
	if ks != nil {
		kk := ksKey{k, grp, int64(math.Floor(*ks))}
		s.ks[kk] = append(s.ks[kk], *ks)
	}
	if w != nil {
		wk := wallKey{k, floorDiv(w.Unix(), 2)}
		s.wall[wk] = append(s.wall[wk], *w)
	}
}

// floorDiv is a / b rounded down.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// nodeEvents adds the described nodes' events, dated by their age before
// capture, and their MemoryPressure transitions.
func (tl *tlRows) nodeEvents() {
	bd := tl.bd
	cap := bd.b.Host.CapturedAt
	for ni, n := range bd.b.Nodes {
		if n == nil {
			continue
		}
		for i := range n.Events {
			e := &n.Events[i]
			var w *time.Time
			if cap != nil && e.AgeSec != nil {
				t := cap.Add(-clock.Seconds(*e.AgeSec)).In(bd.loc)
				w = &t
			}
			kind := "k8s-event"
			switch {
			case e.Reason == "Starting" && strings.Contains(e.Message, "kubelet"):
				kind = "kubelet-start"
			case strings.Contains(e.Reason, "Memory") && strings.HasPrefix(e.Reason, "NodeHas"):
				kind = "memory-pressure"
			}
			var kill *string
			if ni < len(bd.nodeOutEvents) && i < len(bd.nodeOutEvents[ni]) {
				kill = bd.nodeOutEvents[ni][i]
			}
			tl.add(w, nil, nil, toRef(e.Ref), kind, kill, e.Reason+": "+e.Message+" (age "+e.Age+")")
		}
		for _, c := range n.Conditions {
			if c.Type != "MemoryPressure" {
				continue
			}
			t, err := time.Parse(time.RFC1123Z, strings.TrimSpace(c.LastTransition))
			if err != nil {
				continue
			}
			t = t.In(bd.loc)
			tl.add(&t, nil, nil, toRef(c.Ref), "memory-pressure", nil, "MemoryPressure is now "+c.Status+" ("+c.Reason+")")
		}
	}
}

// clusterEvents adds the `kubectl get events` rows, matched to kills.
func (tl *tlRows) clusterEvents() {
	bd := tl.bd
	for i := range bd.b.K8sEvents {
		e := &bd.b.K8sEvents[i]
		var w *time.Time
		if e.Time != nil {
			t := e.Time.In(bd.loc)
			w = &t
		}
		var kill *string
		if kc := bd.matchK8sEvent(e); kc != nil {
			kill = ptr(kc.id)
		}
		tl.add(w, nil, nil, toRef(e.Ref), "k8s-event", kill, e.Reason+" "+e.Object+": "+e.Message)
	}
}

// tlKey is one kind of row from one source.
type tlKey struct{ kind, path string }

// timelineCapPerKind bounds the rows of one kind from one source: a log with
// a hundred thousand hung-task lines must not make a report of hundreds of
// megabytes. Kills, reports and boots are never capped; the rows past the cap
// are counted in one summary row, so nothing is silently dropped.
const timelineCapPerKind = 200

// capTimeline keeps the first timelineCapPerKind rows of each kind and
// source, and turns the last of the rest into a summary row counting them
// and the notKept events the parser dropped.
func capTimeline(rows []tlRow, notKept map[tlKey]int) []report.TimelineRow {
	type key = tlKey
	capped := func(r report.TimelineRow) bool {
		switch r.Kind {
		case "oom-kill", "oom-report", "boot", "userspace-kill":
			return false
		}
		return r.KillID == nil
	}
	total := map[key]int{}
	for _, r := range rows {
		if capped(r.row) {
			total[key{r.row.Kind, r.row.Source.Path}]++
		}
	}
	seen := map[key]int{}
	out := make([]report.TimelineRow, 0, len(rows))
	for _, r := range rows {
		if capped(r.row) {
			k := key{r.row.Kind, r.row.Source.Path}
			seen[k]++
			if n := seen[k]; n > timelineCapPerKind {
				if n == total[k] { // the last one stands for all past the cap, in time order
					lr := r.row
					out = append(out, report.TimelineRow{Time: lr.Time, LocalTime: lr.LocalTime, KernelSeconds: lr.KernelSeconds, Boot: lr.Boot, Source: lr.Source, Kind: "summary", At: lr.At,
						Text: fmt.Sprintf("%d more %s rows from %s are not listed (the first %d are; this is the last, line %d)",
							n-timelineCapPerKind+notKept[k], k.kind, k.path, timelineCapPerKind, lr.Source.Line)})
				}
				continue
			}
		}
		out = append(out, r.row)
	}
	return out
}

// tlLess orders dated rows by time; rows without a wall time follow, by boot
// and kernel seconds; ties by source.
func tlLess(a, b tlRow) bool {
	if (a.wall == nil) != (b.wall == nil) {
		return a.wall != nil
	}
	if a.wall != nil && !a.wall.Equal(*b.wall) {
		return a.wall.Before(*b.wall)
	}
	if a.wall == nil {
		if a.grp != b.grp {
			return a.grp < b.grp
		}
		ak, bk := a.row.KernelSeconds, b.row.KernelSeconds
		if (ak == nil) != (bk == nil) {
			return ak != nil
		}
		if ak != nil && *ak != *bk {
			return *ak < *bk
		}
	}
	if a.row.Source.Path != b.row.Source.Path {
		return a.row.Source.Path < b.row.Source.Path
	}
	if a.row.Source.Line != b.row.Source.Line {
		return a.row.Source.Line < b.row.Source.Line
	}
	return a.row.Kind < b.row.Kind
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// freeText summarises a free listing for the timeline.
func freeText(f *parse.Free) string {
	var parts []string
	if f.MemTotal != nil {
		s := "RAM " + units.KB(f.MemTotal.KB)
		if f.Available != nil {
			s += ", " + units.KB(f.Available.KB) + " available"
		}
		parts = append(parts, s)
	}
	if f.SwapTotal != nil {
		s := "swap " + units.KB(f.SwapTotal.KB)
		if f.SwapUsed != nil {
			s += ", " + units.KB(f.SwapUsed.KB) + " used"
		}
		parts = append(parts, s)
	}
	return "free: " + strings.Join(parts, "; ")
}
