package correlate

import (
	"sort"
	"strings"
	"time"

	"github.com/oomlens/oomlens/parse"
)

// Clock alignment. Kernel seconds restart at every boot, and wall times come
// from many places of varying trust. For every (log, boot) pair we find the
// wall time of kernel second 0 (the boot's "base") from the best basis at
// hand, join pairs that are the same boot into one global boot, and then map
// any stamp to a wall time with its basis and confidence:
//
//	printed      journal/syslog time on the same line           high
//	calibrated   kernel seconds + a base measured from lines     high
//	             that print both, or from the same kill seen in
//	             a source with wall times
//	btime        /proc/stat btime + kernel seconds               medium
//	uptime+date  date − uptime + kernel seconds                  medium
//	dmesg-ctime  dmesg -T / --time-format iso stamp              medium (drifts after suspend)
//	none         nothing to go on

type bootKey struct {
	path string
	boot int
}

// bootNode is one boot of one kernel log.
type bootNode struct {
	key     bootKey
	log     *parse.KernelLog
	boot    *parse.Boot
	last    bool // last boot of its log
	current bool // the boot that was running at capture time
	// pastUptime: the last boot of a dmesg capture whose stamps run past
	// the uptime at capture, so it is not the running boot (foreign.go).
	pastUptime bool
	base       *time.Time
	basis      string
	conf       string
	rank       int // lower is better
	ref        *parse.Ref
	points     []clockPt // from lines that print both clocks, by kernel seconds
	group      int
	parent     int // union-find
}

// bootGroup is one global boot: every (log, boot) pair that is the same boot.
type bootGroup struct {
	index   int
	members []*bootNode
	base    *time.Time
	basis   string
	conf    string
	ref     *parse.Ref
	order   *time.Time // base, else the earliest printed time: for sorting
	points  []clockPt  // measured bases along the boot, by kernel seconds
}

// clockPt is the boot's base measured at one kernel second. Bases measured
// later in a boot are later by the time spent suspended before them, so a
// stamp is mapped with the nearest measurement before it.
type clockPt struct {
	ks   float64
	base time.Time
}

// at maps kernel seconds of this boot to wall time.
func (g *bootGroup) at(ks float64) *time.Time {
	base := g.base
	if n := len(g.points); n > 0 {
		i := sort.Search(n, func(i int) bool { return g.points[i].ks > ks+0.5 })
		if i > 0 {
			i--
		}
		base = &g.points[i].base
	}
	if base == nil {
		return nil
	}
	t := base.Add(secs(ks))
	return &t
}

// Basis ranks, best first.
const (
	rankClockPoints = 1
	rankCrossSource = 2
	rankBtime       = 3
	rankUptime      = 4
	rankCtime       = 5
	rankNone        = 99
)

func isDmesgFormat(f string) bool {
	return strings.HasPrefix(f, "dmesg") || f == "kmsg"
}

// isCtimeFormat is true for dmesg output whose wall times dmesg computed
// itself from the capturing host's boot time (they drift after suspend).
func isCtimeFormat(f string) bool {
	switch f {
	case "dmesg-ctime", "dmesg-iso", "dmesg-reltime":
		return true
	}
	return false
}

// setupZone picks the bundle's time zone: the host's, else a fixed offset
// printed on some line, else UTC (zoneKnown false).
func (bd *builder) setupZone() {
	if bd.b.Host.Location != nil {
		bd.loc, bd.zoneKnown = bd.b.Host.Location, true
		return
	}
	bd.loc = time.UTC
	if c := bd.b.Host.CapturedAt; c != nil && c.Location() != time.UTC && c.Location() != time.Local {
		bd.loc, bd.zoneKnown = c.Location(), true
		return
	}
	bd.forEachStamp(func(path string, line int, st *parse.Stamp) {
		if bd.zoneKnown || st.Wall == nil || !st.WallHasZone {
			return
		}
		_, off := st.Wall.Zone()
		bd.loc = time.FixedZone("", off)
		bd.zoneKnown = true
	})
	if !bd.zoneKnown {
		bd.forEachStamp(func(path string, line int, st *parse.Stamp) {
			if st.Wall != nil && !st.WallHasZone {
				bd.localTimes = true
			}
		})
	}
}

// wallText writes t as the report does: RFC 3339 when its offset is
// known; when the bundle names no time zone and its logs print node-local
// clocks, the offset is unknown, so the RFC 3339 form is null (it would be a
// guess) and local is the node-local time without an offset.
func (bd *builder) wallText(t *time.Time) (wall, local *string) {
	if t == nil {
		return nil, nil
	}
	if bd.localTimes {
		s := t.Format("2006-01-02T15:04:05")
		return nil, &s
	}
	return rfc3339(t), nil
}

// forEachStamp visits every stamp the bundle carries, in a fixed order.
func (bd *builder) forEachStamp(f func(path string, line int, st *parse.Stamp)) {
	for _, lg := range bd.logs {
		if lg.First != nil {
			f(lg.Path, 0, lg.First)
		}
		for i := range lg.Boots {
			if lg.Boots[i].First != nil {
				f(lg.Path, lg.Boots[i].Start.Line, lg.Boots[i].First)
			}
		}
		for i := range lg.Clock {
			cp := &lg.Clock[i]
			st := parse.Stamp{Wall: &cp.Wall, WallHasYear: cp.WallHasYear, WallHasZone: cp.WallHasZone, KernelSeconds: &cp.KernelSeconds}
			f(lg.Path, cp.Line, &st)
		}
		for i := range lg.Events {
			f(lg.Path, lg.Events[i].Line, &lg.Events[i].Stamp)
		}
		for _, r := range lg.Reports {
			if r == nil {
				continue
			}
			if r.Trigger != nil {
				f(lg.Path, r.Trigger.Line, &r.Trigger.Stamp)
			}
			if r.Select != nil {
				f(lg.Path, r.Select.Line, &r.Select.Stamp)
			}
			for i := range r.Kills {
				f(lg.Path, r.Kills[i].Line, &r.Kills[i].Stamp)
			}
			for i := range r.Reaped {
				f(lg.Path, r.Reaped[i].Line, &r.Reaped[i].Stamp)
			}
		}
		if lg.Last != nil {
			f(lg.Path, lg.Lines+1, lg.Last)
		}
	}
}

type lineKey struct {
	path string
	line int
}

// fixYears gives year-less stamps (RFC 3164 syslog, dmesg reltime) a year:
// the capture year for the newest line of each file, walking backwards and
// stepping back one year whenever a line would come after the line that
// follows it (a year boundary).
func (bd *builder) fixYears() {
	bd.years = map[lineKey]int{}
	var ref *time.Time
	newer := func(w *time.Time) {
		if w != nil && (ref == nil || w.After(*ref)) {
			t := w.In(bd.loc)
			ref = &t
		}
	}
	switch h := &bd.b.Host; {
	case h.CapturedAt != nil:
		t := h.CapturedAt.In(bd.loc)
		ref = &t
	case h.CapturedWall != nil:
		// a date whose zone is unknown or ambiguous ("CET") still prints
		// the year: the node-local capture time
		t := withYear(*h.CapturedWall, h.CapturedWall.Year(), bd.loc)
		ref = &t
	default:
		// the newest dated line: a log line printing its year, a node
		// condition's heartbeat, an event's time
		bd.forEachStamp(func(_ string, _ int, st *parse.Stamp) {
			if st.Wall != nil && st.WallHasYear {
				newer(st.Wall)
			}
		})
		for _, n := range bd.b.Nodes {
			if n == nil {
				continue
			}
			for i := range n.Conditions {
				newer(n.Conditions[i].HeartbeatAt)
				newer(n.Conditions[i].TransitionAt)
			}
		}
		for i := range bd.b.K8sEvents {
			newer(bd.b.K8sEvents[i].Time)
			newer(bd.b.K8sEvents[i].FirstTime)
		}
	}
	bd.refTime = ref
	if ref == nil {
		return
	}
	type item struct {
		line int
		w    time.Time
	}
	per := map[string][]item{}
	var paths []string
	bd.forEachStamp(func(path string, line int, st *parse.Stamp) {
		if st.Wall == nil || st.WallHasYear {
			return
		}
		if _, ok := per[path]; !ok {
			paths = append(paths, path)
		}
		per[path] = append(per[path], item{line, *st.Wall})
	})
	for _, p := range paths {
		items := per[p]
		sort.SliceStable(items, func(i, j int) bool { return items[i].line > items[j].line })
		year := ref.Year()
		var next *time.Time
		for _, it := range items {
			t := withYear(it.w, year, bd.loc)
			if next == nil {
				if t.After(ref.Add(24 * time.Hour)) {
					year--
					t = withYear(it.w, year, bd.loc)
				}
			} else if t.After(next.Add(time.Hour)) {
				year--
				t = withYear(it.w, year, bd.loc)
			}
			bd.years[lineKey{p, it.line}] = year
			tt := t
			next = &tt
		}
	}
}

func withYear(w time.Time, year int, loc *time.Location) time.Time {
	return time.Date(year, w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
}

// fixWall returns the stamp's wall time with its year and zone settled, nil if
// it has none or its year cannot be known; inferred is true when the year or
// zone had to be supplied.
func (bd *builder) fixWall(path string, line int, st *parse.Stamp) (w *time.Time, inferred bool) {
	if st == nil || st.Wall == nil {
		return nil, false
	}
	t := *st.Wall
	if !st.WallHasYear {
		y, ok := bd.years[lineKey{path, line}]
		if !ok {
			if bd.refTime == nil {
				return nil, false
			}
			y = bd.refTime.Year()
		}
		loc := bd.loc
		if st.WallHasZone {
			loc = t.Location()
		}
		t = withYear(t, y, loc)
		inferred = true
	} else if !st.WallHasZone {
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), bd.loc)
		inferred = inferred || !bd.zoneKnown
	}
	t = t.In(bd.loc)
	return &t, inferred
}

// noYearWall is the month, day and time a year-less stamp (RFC 3164
// syslog, journal short) prints when nothing in the bundle gives the year
// (fixWall returns nil for it); nil otherwise. The year is a placeholder.
func (bd *builder) noYearWall(st *parse.Stamp) *time.Time {
	if st == nil || st.Wall == nil || st.WallHasYear || bd.refTime != nil {
		return nil
	}
	t := *st.Wall
	loc := bd.loc
	if st.WallHasZone {
		loc = t.Location()
	}
	t = withYear(t, 2000, loc).In(bd.loc) // a leap year: Feb 29 stays valid
	return &t
}

// noYearText writes a noYearWall time as ISO 8601 without the year
// ("--10-12T19:00:20"), with its offset only when the zone is known.
func (bd *builder) noYearText(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format("--01-02T15:04:05")
	if bd.zoneKnown && !bd.localTimes {
		s += t.Format("Z07:00")
	}
	return &s
}

// buildBootNodes makes one node per boot of every kernel log and measures
// each node's own base from its clock points and the host's boot time.
func (bd *builder) buildBootNodes() {
	bd.nodeOf = map[bootKey]*bootNode{}
	for _, lg := range bd.logs {
		n := len(lg.Boots)
		if n == 0 {
			n = 1
		}
		for i := 0; i < n; i++ {
			nd := &bootNode{key: bootKey{lg.Path, i}, log: lg, last: i == n-1, rank: rankNone, basis: "none", conf: "none"}
			if i < len(lg.Boots) {
				nd.boot = &lg.Boots[i]
			}
			nd.parent = len(bd.nodes)
			bd.nodes = append(bd.nodes, nd)
			bd.nodeOf[nd.key] = nd
		}
	}
	for _, nd := range bd.nodes {
		bd.ownBase(nd)
	}
	bd.markCurrent()
}

func (bd *builder) ownBase(nd *bootNode) {
	var bases []time.Time
	var first *parse.Ref
	inferred := false
	for i := range nd.log.Clock {
		cp := &nd.log.Clock[i]
		if cp.Boot != nd.key.boot {
			continue
		}
		st := parse.Stamp{Wall: &cp.Wall, WallHasYear: cp.WallHasYear, WallHasZone: cp.WallHasZone}
		w, inf := bd.fixWall(nd.log.Path, cp.Line, &st)
		if w == nil {
			continue
		}
		inferred = inferred || inf
		bases = append(bases, w.Add(-secs(cp.KernelSeconds)))
		nd.points = append(nd.points, clockPt{cp.KernelSeconds, w.Add(-secs(cp.KernelSeconds))})
		if first == nil {
			r := cp.Ref
			first = &r
		}
	}
	if len(bases) == 0 {
		return
	}
	sort.Slice(bases, func(i, j int) bool { return bases[i].Before(bases[j]) })
	m := bases[len(bases)/2]
	nd.base, nd.ref = &m, first
	if isCtimeFormat(nd.log.Format) {
		nd.basis, nd.conf, nd.rank = "dmesg-ctime", "medium", rankCtime
		nd.points = nil
		return
	}
	nd.basis, nd.conf, nd.rank = "calibrated", "high", rankClockPoints
	if inferred {
		nd.conf = "medium"
	}
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// hostBoot is the running boot's start from btime, else date − uptime.
func (bd *builder) hostBoot() (t *time.Time, basis string, ref *parse.Ref) {
	h := bd.b.Host
	if h.Btime != nil {
		tt := h.Btime.In(bd.loc)
		return &tt, "btime", h.BtimeRef
	}
	if h.CapturedAt != nil && h.UptimeSec != nil {
		tt := h.CapturedAt.Add(-secs(*h.UptimeSec)).In(bd.loc)
		r := h.UptimeRef
		if r == nil {
			r = h.CapturedRef
		}
		return &tt, "uptime+date", r
	}
	return nil, "", nil
}

// markCurrent finds the nodes of the boot that was running at capture: the
// journal boot with the host's boot ID, the last boot of a dmesg capture, or
// the last boot of a persistent log that was still being written.
func (bd *builder) markCurrent() {
	h := bd.b.Host
	hb, basis, ref := bd.hostBoot()
	for _, nd := range bd.nodes {
		lg := nd.log
		cur := false
		switch {
		case h.BootID != "" && nd.boot != nil && nd.boot.ID != "":
			cur = normID(nd.boot.ID) == normID(h.BootID)
		case lg.Format == parse.FormatKubeEvent:
			// the kubelet reports what it reads from this boot's kernel log
			cur = true
		case !nd.last:
		case isDmesgFormat(lg.Format) || lg.Format == "journal-short-monotonic":
			low := strings.ToLower(lg.Path)
			cur = !strings.Contains(low, "vmcore") && !strings.Contains(low, "crash")
			if up, slack, _, ok := bd.captureUptime(); ok && cur && lg.Last != nil && lg.Last.KernelSeconds != nil && *lg.Last.KernelSeconds > up+slack+uptimeMargin {
				cur, nd.pastUptime = false, true
			}
		case hb != nil && lg.Last != nil:
			lw, _ := bd.fixWall(lg.Path, lg.Lines+1, lg.Last)
			if lw != nil && !lw.Before(hb.Add(-time.Minute)) {
				cur = true
			}
		}
		nd.current = cur
		if cur && hb != nil {
			rank := rankBtime
			if basis == "uptime+date" {
				rank = rankUptime
			}
			if rank < nd.rank {
				nd.base, nd.basis, nd.conf, nd.rank, nd.ref = hb, basis, "medium", rank, ref
			}
		}
	}
}

func normID(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "")) }

func (bd *builder) find(i int) int {
	for bd.nodes[i].parent != i {
		bd.nodes[i].parent = bd.nodes[bd.nodes[i].parent].parent
		i = bd.nodes[i].parent
	}
	return i
}

func (bd *builder) union(a, b int) {
	ra, rb := bd.find(a), bd.find(b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	bd.nodes[rb].parent = ra
}

// groupBoots joins nodes into global boots and picks each boot's base.
// Kills must be deduplicated first: a kill seen in two logs joins their boots
// and calibrates a log without wall times against one with them.
func (bd *builder) groupBoots() {
	idx := map[*bootNode]int{}
	for i, nd := range bd.nodes {
		idx[nd] = i
	}
	// Same kill in two logs → same boot.
	for _, kc := range bd.kills {
		for i := 1; i < len(kc.occs); i++ {
			bd.union(idx[kc.occs[0].node], idx[kc.occs[i].node])
		}
	}
	for _, ro := range bd.reportOnly {
		for i := 1; i < len(ro.occs); i++ {
			bd.union(idx[ro.occs[0].node], idx[ro.occs[i].node])
		}
	}
	var curs []int
	for i, nd := range bd.nodes {
		if nd.current {
			curs = append(curs, i)
		}
		for j := 0; j < i; j++ {
			o := bd.nodes[j]
			if nd.boot != nil && o.boot != nil && nd.boot.ID != "" && normID(nd.boot.ID) == normID(o.boot.ID) {
				bd.union(i, j)
				continue
			}
			if nd.key.path == o.key.path || nd.base == nil || o.base == nil || nd.rank == rankCtime || o.rank == rankCtime {
				continue
			}
			tol := 10 * time.Minute
			if nd.rank == rankClockPoints && o.rank == rankClockPoints {
				tol = time.Minute
			}
			if d := nd.base.Sub(*o.base); d < tol && d > -tol {
				bd.union(i, j)
			}
		}
	}
	for i := 1; i < len(curs); i++ {
		bd.union(curs[0], curs[i])
	}
	// Kernel lines pasted in one text, in several excerpts, are one boot
	// unless something tells them apart (a banner, a boot ID, clocks).
	for i, nd := range bd.nodes {
		for j := 0; j < i; j++ {
			if o := bd.nodes[j]; sameExcerptBoot(nd, o) {
				bd.union(i, j)
			}
		}
	}
	// Boots never overlap in time: logs whose printed spans overlap show the
	// same boot.
	spans := make([][2]*time.Time, len(bd.nodes))
	for i, nd := range bd.nodes {
		spans[i] = bd.printedSpan(nd)
	}
	for i := range bd.nodes {
		for j := 0; j < i; j++ {
			a, b := spans[i], spans[j]
			if a[0] == nil || a[1] == nil || b[0] == nil || b[1] == nil || bd.nodes[i].key.path == bd.nodes[j].key.path {
				continue
			}
			if a[0].Before(b[1].Add(-time.Second)) && b[0].Before(a[1].Add(-time.Second)) {
				bd.union(i, j)
			}
		}
	}
	// Collect groups.
	roots := map[int]*bootGroup{}
	var groups []*bootGroup
	for i, nd := range bd.nodes {
		r := bd.find(i)
		g := roots[r]
		if g == nil {
			g = &bootGroup{basis: "none", conf: "none"}
			roots[r] = g
			groups = append(groups, g)
		}
		g.members = append(g.members, nd)
	}
	for _, g := range groups {
		best := rankNone
		for _, nd := range g.members {
			if nd.base != nil && nd.rank < best {
				best = nd.rank
				g.base, g.basis, g.conf, g.ref = nd.base, nd.basis, nd.conf, nd.ref
			}
		}
		if best > rankCrossSource {
			bd.crossCalibrate(g, &best)
		}
		if best <= rankCrossSource {
			for _, nd := range g.members {
				if nd.rank == rankClockPoints {
					g.points = append(g.points, nd.points...)
				}
			}
			sort.SliceStable(g.points, func(i, j int) bool { return g.points[i].ks < g.points[j].ks })
		}
	}
	// Order boots by their start: the base, else the earliest printed time.
	for _, g := range groups {
		g.order = g.base
		if g.order != nil {
			continue
		}
		for _, nd := range g.members {
			st, line := nd.log.First, 0
			if nd.boot != nil && nd.boot.First != nil {
				st, line = nd.boot.First, nd.boot.Start.Line
			}
			if st == nil {
				continue
			}
			if w, _ := bd.fixWall(nd.log.Path, line, st); w != nil && (g.order == nil || w.Before(*g.order)) {
				g.order = w
			}
		}
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if (a.order == nil) != (b.order == nil) {
			return a.order != nil
		}
		if a.order != nil && !a.order.Equal(*b.order) {
			return a.order.Before(*b.order)
		}
		ka, kb := a.members[0].key, b.members[0].key
		if ka.path != kb.path {
			return ka.path < kb.path
		}
		return ka.boot < kb.boot
	})
	for i, g := range groups {
		g.index = i
		for _, nd := range g.members {
			nd.group = i
		}
	}
	bd.groups = groups
}

// crossCalibrate measures a boot's base from a kill that one log dates with a
// printed wall time and another with kernel seconds.
func (bd *builder) crossCalibrate(g *bootGroup, best *int) {
	in := map[*bootNode]bool{}
	for _, nd := range g.members {
		in[nd] = true
	}
	found := false
	for _, kc := range bd.kills {
		if len(kc.occs) == 0 || !in[kc.occs[0].node] {
			continue
		}
		var ks *float64
		var wall *time.Time
		var ref parse.Ref
		for _, o := range kc.occs {
			if o.kill == nil {
				continue
			}
			if ks == nil && o.kill.Stamp.KernelSeconds != nil {
				ks = o.kill.Stamp.KernelSeconds
			}
			if wall == nil && !isCtimeFormat(o.node.log.Format) {
				if w, _ := bd.fixWall(o.node.log.Path, o.kill.Line, &o.kill.Stamp); w != nil {
					wall, ref = w, o.kill.Ref
				}
			}
		}
		if ks != nil && wall != nil {
			b := wall.Add(-secs(*ks))
			if !found {
				r := ref
				g.base, g.basis, g.conf, g.ref = &b, "calibrated", "high", &r
				*best = rankCrossSource
				found = true
			}
			g.points = append(g.points, clockPt{*ks, b})
		}
	}
}

// when maps a stamp on a line of a log to a wall time with basis and
// confidence.
func (bd *builder) when(nd *bootNode, line int, st *parse.Stamp) (wall *time.Time, basis, conf string) {
	if st == nil {
		return nil, "none", "none"
	}
	if st.Wall != nil {
		w, inferred := bd.fixWall(nd.log.Path, line, st)
		if w != nil {
			if isCtimeFormat(nd.log.Format) {
				// A better basis for the same boot beats dmesg's own arithmetic.
				g := bd.groups[nd.group]
				if st.KernelSeconds != nil && g.base != nil && g.basis != "dmesg-ctime" {
					return g.at(*st.KernelSeconds), g.basis, g.conf
				}
				return w, "dmesg-ctime", "medium"
			}
			if inferred {
				return w, "printed", "medium"
			}
			return w, "printed", "high"
		}
	}
	if st.KernelSeconds != nil {
		g := bd.groups[nd.group]
		if g.base != nil {
			return g.at(*st.KernelSeconds), g.basis, g.conf
		}
	}
	return nil, "none", "none"
}

// printedSpan is the wall-clock span of one boot of a log from its printed
// stamps (not dmesg -T, which can drift), nil ends when unknown.
func (bd *builder) printedSpan(nd *bootNode) [2]*time.Time {
	var out [2]*time.Time
	lg := nd.log
	if isCtimeFormat(lg.Format) {
		return out
	}
	first, firstLine := lg.First, 0
	if nd.boot != nil && nd.boot.First != nil {
		first, firstLine = nd.boot.First, nd.boot.Start.Line
	}
	if first != nil {
		out[0], _ = bd.fixWall(lg.Path, firstLine, first)
	}
	if nd.last {
		if lg.Last != nil {
			out[1], _ = bd.fixWall(lg.Path, lg.Lines+1, lg.Last)
		}
	} else if nd.key.boot+1 < len(lg.Boots) {
		nb := &lg.Boots[nd.key.boot+1]
		if nb.First != nil {
			out[1], _ = bd.fixWall(lg.Path, nb.Start.Line, nb.First)
		}
	}
	return out
}

// sameExcerptBoot tells two boots of kernel excerpts pasted in one file
// that nothing sets apart: each excerpt's only boot, no banner or boot ID,
// and bases (when both are known) within ten minutes.
func sameExcerptBoot(a, b *bootNode) bool {
	la, lb := a.log, b.log
	if !la.Excerpt || !lb.Excerpt || la.Format == parse.FormatKubeEvent || lb.Format == parse.FormatKubeEvent {
		return false
	}
	fa, _, _ := strings.Cut(la.Path, ":")
	fb, _, _ := strings.Cut(lb.Path, ":")
	if fa != fb || len(la.Boots) > 1 || len(lb.Boots) > 1 {
		return false
	}
	for _, bt := range []*parse.Boot{a.boot, b.boot} {
		if bt != nil && (bt.Banner != "" || bt.ID != "") {
			return false
		}
	}
	if a.base != nil && b.base != nil {
		if d := a.base.Sub(*b.base); d > 10*time.Minute || d < -10*time.Minute {
			return false
		}
	}
	return true
}
