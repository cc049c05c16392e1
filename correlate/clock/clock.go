package clock

import (
	"sort"
	"strings"
	"time"

	"github.com/oomlens/oomlens/parse"
)

// Key names one boot of one kernel log: the log's path and the boot's index
// in it (0 for a log without boot markers).
type Key struct {
	Path string
	Boot int
}

// LogBoot is one boot of one kernel log, as the clock places it.
type LogBoot struct {
	Key     Key
	Boot    *parse.Boot // nil for a log without boot markers
	Last    bool        // last boot of its log
	Current bool        // the boot that was running at capture time
	// PastUptime: the last boot of a dmesg capture whose stamps run past
	// the uptime at capture, so it is not the running boot.
	PastUptime bool
	// Base is the wall time of this boot's kernel second 0 measured from
	// this log alone (its own clock points, or the host's boot time when it
	// is the running boot); nil when the log gives none.
	Base  *time.Time
	Group int // index of its global boot in Clock.Boots, set by Group

	log    *parse.KernelLog
	basis  string
	conf   string
	rank   int // lower is better
	ref    *parse.Ref
	points []clockPt // from lines that print both clocks, by kernel seconds
	parent int       // union-find
}

// Boot is one global boot: every (log, boot) pair that is the same boot.
type Boot struct {
	Index   int
	Members []*LogBoot
	Base    *time.Time // wall time of kernel second 0, nil when unknown
	Basis   string     // how Base was found: calibrated, btime, uptime+date, dmesg-ctime, none
	Conf    string     // high, medium, none
	Ref     *parse.Ref // the line Base was measured from
	Order   *time.Time // Base, else the earliest printed time: what boots are sorted by
	points  []clockPt  // measured bases along the boot, by kernel seconds
}

// Clock places the kernel logs of one bundle on the wall clock. New settles
// the zone and the years and measures each log boot on its own; Group then
// joins the log boots that are one boot, after which When maps any stamp.
type Clock struct {
	b    *parse.Bundle
	logs []*parse.KernelLog // sorted by path

	// Loc is the bundle's time zone: the host's, else a fixed offset some
	// line prints, else UTC. ZoneKnown is false in the last case.
	Loc       *time.Location
	ZoneKnown bool
	// LocalTimes: no time zone is known and the logs' wall clocks are
	// node-local, so wall times are to be written without an offset.
	LocalTimes bool
	refTime    *time.Time
	years      map[lineKey]int

	nodes  []*LogBoot
	nodeOf map[Key]*LogBoot
	// Boots are the global boots, oldest first, after Group.
	Boots []*Boot
}

// New settles the time zone and the years of year-less stamps of the
// kernel logs (sorted by path), and makes one LogBoot per boot of each,
// measured on its own.
func New(b *parse.Bundle, logs []*parse.KernelLog) *Clock {
	c := &Clock{b: b, logs: logs}
	c.setupZone()
	c.fixYears()
	c.buildBootNodes()
	return c
}

// LogBoot is the boot-th boot of the log at path, nil if there is none.
func (c *Clock) LogBoot(path string, boot int) *LogBoot {
	return c.nodeOf[Key{Path: path, Boot: boot}]
}

// clockPt is the boot's base measured at one kernel second. Bases measured
// later in a boot are later by the time spent suspended before them, so a
// stamp is mapped with the nearest measurement before it.
type clockPt struct {
	ks   float64
	base time.Time
}

// At maps kernel seconds of this boot to wall time.
func (g *Boot) At(ks float64) *time.Time {
	base := g.Base
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
	t := base.Add(Seconds(ks))
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

func IsDmesgFormat(f string) bool {
	return strings.HasPrefix(f, "dmesg") || f == "kmsg"
}

// IsCtimeFormat is true for dmesg output whose wall times dmesg computed
// itself from the capturing host's boot time (they drift after suspend).
func IsCtimeFormat(f string) bool {
	switch f {
	case "dmesg-ctime", "dmesg-iso", "dmesg-reltime":
		return true
	}
	return false
}

// setupZone picks the bundle's time zone: the host's, else a fixed offset
// printed on some line, else UTC (ZoneKnown false).
func (c *Clock) setupZone() {
	if c.b.Host.Location != nil {
		c.Loc, c.ZoneKnown = c.b.Host.Location, true
		return
	}
	c.Loc = time.UTC
	if at := c.b.Host.CapturedAt; at != nil && at.Location() != time.UTC && at.Location() != time.Local {
		c.Loc, c.ZoneKnown = at.Location(), true
		return
	}
	c.forEachStamp(func(path string, line int, st *parse.Stamp) {
		if c.ZoneKnown || st.Wall == nil || !st.WallHasZone {
			return
		}
		_, off := st.Wall.Zone()
		c.Loc = time.FixedZone("", off)
		c.ZoneKnown = true
	})
	if !c.ZoneKnown {
		c.forEachStamp(func(path string, line int, st *parse.Stamp) {
			if st.Wall != nil && !st.WallHasZone {
				c.LocalTimes = true
			}
		})
	}
}

// forEachStamp visits every stamp the bundle carries, in a fixed order.
func (c *Clock) forEachStamp(f func(path string, line int, st *parse.Stamp)) {
	for _, lg := range c.logs {
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
func (c *Clock) fixYears() {
	c.years = map[lineKey]int{}
	var ref *time.Time
	newer := func(w *time.Time) {
		if w != nil && (ref == nil || w.After(*ref)) {
			t := w.In(c.Loc)
			ref = &t
		}
	}
	switch h := &c.b.Host; {
	case h.CapturedAt != nil:
		t := h.CapturedAt.In(c.Loc)
		ref = &t
	case h.CapturedWall != nil:
		// a date whose zone is unknown or ambiguous ("CET") still prints
		// the year: the node-local capture time
		t := withYear(*h.CapturedWall, h.CapturedWall.Year(), c.Loc)
		ref = &t
	default:
		// the newest dated line: a log line printing its year, a node
		// condition's heartbeat, an event's time
		c.forEachStamp(func(_ string, _ int, st *parse.Stamp) {
			if st.Wall != nil && st.WallHasYear {
				newer(st.Wall)
			}
		})
		for _, n := range c.b.Nodes {
			if n == nil {
				continue
			}
			for i := range n.Conditions {
				newer(n.Conditions[i].HeartbeatAt)
				newer(n.Conditions[i].TransitionAt)
			}
		}
		for i := range c.b.K8sEvents {
			newer(c.b.K8sEvents[i].Time)
			newer(c.b.K8sEvents[i].FirstTime)
		}
	}
	c.refTime = ref
	if ref == nil {
		return
	}
	type item struct {
		line int
		w    time.Time
	}
	per := map[string][]item{}
	var paths []string
	c.forEachStamp(func(path string, line int, st *parse.Stamp) {
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
			t := withYear(it.w, year, c.Loc)
			if next == nil {
				if t.After(ref.Add(24 * time.Hour)) {
					year--
					t = withYear(it.w, year, c.Loc)
				}
			} else if t.After(next.Add(time.Hour)) {
				year--
				t = withYear(it.w, year, c.Loc)
			}
			c.years[lineKey{p, it.line}] = year
			tt := t
			next = &tt
		}
	}
}

func withYear(w time.Time, year int, loc *time.Location) time.Time {
	return time.Date(year, w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
}

// Wall returns the stamp's wall time with its year and zone settled, nil if
// it has none or its year cannot be known; inferred is true when the year or
// zone had to be supplied.
func (c *Clock) Wall(path string, line int, st *parse.Stamp) (w *time.Time, inferred bool) {
	if st == nil || st.Wall == nil {
		return nil, false
	}
	t := *st.Wall
	if !st.WallHasYear {
		y, ok := c.years[lineKey{path, line}]
		if !ok {
			if c.refTime == nil {
				return nil, false
			}
			y = c.refTime.Year()
		}
		loc := c.Loc
		if st.WallHasZone {
			loc = t.Location()
		}
		t = withYear(t, y, loc)
		inferred = true
	} else if !st.WallHasZone {
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.Loc)
		inferred = inferred || !c.ZoneKnown
	}
	t = t.In(c.Loc)
	return &t, inferred
}

// NoYearWall is the month, day and time a year-less stamp (RFC 3164
// syslog, journal short) prints when nothing in the bundle gives the year
// (Wall returns nil for it); nil otherwise. The year is a placeholder.
func (c *Clock) NoYearWall(st *parse.Stamp) *time.Time {
	if st == nil || st.Wall == nil || st.WallHasYear || c.refTime != nil {
		return nil
	}
	t := *st.Wall
	loc := c.Loc
	if st.WallHasZone {
		loc = t.Location()
	}
	t = withYear(t, 2000, loc).In(c.Loc) // a leap year: Feb 29 stays valid
	return &t
}

// buildBootNodes makes one node per boot of every kernel log and measures
// each node's own base from its clock points and the host's boot time.
func (c *Clock) buildBootNodes() {
	c.nodeOf = map[Key]*LogBoot{}
	for _, lg := range c.logs {
		n := len(lg.Boots)
		if n == 0 {
			n = 1
		}
		for i := 0; i < n; i++ {
			nd := &LogBoot{Key: Key{Path: lg.Path, Boot: i}, log: lg, Last: i == n-1, rank: rankNone, basis: "none", conf: "none"}
			if i < len(lg.Boots) {
				nd.Boot = &lg.Boots[i]
			}
			nd.parent = len(c.nodes)
			c.nodes = append(c.nodes, nd)
			c.nodeOf[nd.Key] = nd
		}
	}
	for _, nd := range c.nodes {
		c.ownBase(nd)
	}
	c.markCurrent()
}

func (c *Clock) ownBase(nd *LogBoot) {
	var bases []time.Time
	var first *parse.Ref
	inferred := false
	for i := range nd.log.Clock {
		cp := &nd.log.Clock[i]
		if cp.Boot != nd.Key.Boot {
			continue
		}
		st := parse.Stamp{Wall: &cp.Wall, WallHasYear: cp.WallHasYear, WallHasZone: cp.WallHasZone}
		w, inf := c.Wall(nd.log.Path, cp.Line, &st)
		if w == nil {
			continue
		}
		inferred = inferred || inf
		bases = append(bases, w.Add(-Seconds(cp.KernelSeconds)))
		nd.points = append(nd.points, clockPt{cp.KernelSeconds, w.Add(-Seconds(cp.KernelSeconds))})
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
	nd.Base, nd.ref = &m, first
	if IsCtimeFormat(nd.log.Format) {
		nd.basis, nd.conf, nd.rank = "dmesg-ctime", "medium", rankCtime
		nd.points = nil
		return
	}
	nd.basis, nd.conf, nd.rank = "calibrated", "high", rankClockPoints
	if inferred {
		nd.conf = "medium"
	}
}

// Seconds is s seconds as a Duration.
func Seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// HostBoot is the running boot's start from btime, else date − uptime.
func (c *Clock) HostBoot() (t *time.Time, basis string, ref *parse.Ref) {
	h := c.b.Host
	if h.Btime != nil {
		tt := h.Btime.In(c.Loc)
		return &tt, "btime", h.BtimeRef
	}
	if h.CapturedAt != nil && h.UptimeSec != nil {
		tt := h.CapturedAt.Add(-Seconds(*h.UptimeSec)).In(c.Loc)
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
func (c *Clock) markCurrent() {
	h := c.b.Host
	hb, basis, ref := c.HostBoot()
	for _, nd := range c.nodes {
		lg := nd.log
		cur := false
		switch {
		case h.BootID != "" && nd.Boot != nil && nd.Boot.ID != "":
			cur = normID(nd.Boot.ID) == normID(h.BootID)
		case lg.Format == parse.FormatKubeEvent:
			// the kubelet reports what it reads from this boot's kernel log
			cur = true
		case !nd.Last:
		case IsDmesgFormat(lg.Format) || lg.Format == "journal-short-monotonic":
			low := strings.ToLower(lg.Path)
			cur = !strings.Contains(low, "vmcore") && !strings.Contains(low, "crash")
			if up, slack, _, ok := CaptureUptime(&c.b.Host); ok && cur && lg.Last != nil && lg.Last.KernelSeconds != nil && *lg.Last.KernelSeconds > up+slack+UptimeMargin {
				cur, nd.PastUptime = false, true
			}
		case hb != nil && lg.Last != nil:
			lw, _ := c.Wall(lg.Path, lg.Lines+1, lg.Last)
			if lw != nil && !lw.Before(hb.Add(-time.Minute)) {
				cur = true
			}
		}
		nd.Current = cur
		if cur && hb != nil {
			rank := rankBtime
			if basis == "uptime+date" {
				rank = rankUptime
			}
			if rank < nd.rank {
				nd.Base, nd.basis, nd.conf, nd.rank, nd.ref = hb, basis, "medium", rank, ref
			}
		}
	}
}

func normID(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "")) }

func (c *Clock) find(i int) int {
	for c.nodes[i].parent != i {
		c.nodes[i].parent = c.nodes[c.nodes[i].parent].parent
		i = c.nodes[i].parent
	}
	return i
}

func (c *Clock) union(a, b int) {
	ra, rb := c.find(a), c.find(b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	c.nodes[rb].parent = ra
}

// A Sighting is one log's kill line of one kill and the log boot it stands
// in; Kill is nil for an occurrence that has no kill line.
type Sighting struct {
	At   *LogBoot
	Kill *parse.KillLine
}

// Group joins the log boots into global boots, picks each boot's base and
// sorts the boots oldest first. kills are the sightings of each kill, one
// kill a slice, and sameBoot further sets of log boots that each show one
// event (a report without a kill): the same kill seen in two logs joins
// their boots and calibrates a log without wall times against one with
// them.
func (c *Clock) Group(kills [][]Sighting, sameBoot [][]*LogBoot) {
	c.joinBySightings(kills, sameBoot)
	c.joinByIdentity()
	c.joinExcerpts()
	c.joinOverlapping()
	groups := c.collectGroups()
	for _, g := range groups {
		c.pickBase(g, kills)
	}
	c.sortGroups(groups)
	c.Boots = groups
}

// joinBySightings: the same kill (or report) in two logs → the same boot.
func (c *Clock) joinBySightings(kills [][]Sighting, sameBoot [][]*LogBoot) {
	idx := map[*LogBoot]int{}
	for i, nd := range c.nodes {
		idx[nd] = i
	}
	for _, k := range kills {
		for i := 1; i < len(k); i++ {
			c.union(idx[k[0].At], idx[k[i].At])
		}
	}
	for _, set := range sameBoot {
		for i := 1; i < len(set); i++ {
			c.union(idx[set[0]], idx[set[i]])
		}
	}
}

// joinByIdentity joins log boots with the same boot ID, log boots of
// different logs whose own bases agree (within a minute when both are
// calibrated, else ten), and every log boot running at capture.
func (c *Clock) joinByIdentity() {
	var curs []int
	for i, nd := range c.nodes {
		if nd.Current {
			curs = append(curs, i)
		}
		for j := 0; j < i; j++ {
			o := c.nodes[j]
			if nd.Boot != nil && o.Boot != nil && nd.Boot.ID != "" && normID(nd.Boot.ID) == normID(o.Boot.ID) {
				c.union(i, j)
				continue
			}
			if nd.Key.Path == o.Key.Path || nd.Base == nil || o.Base == nil || nd.rank == rankCtime || o.rank == rankCtime {
				continue
			}
			tol := 10 * time.Minute
			if nd.rank == rankClockPoints && o.rank == rankClockPoints {
				tol = time.Minute
			}
			if d := nd.Base.Sub(*o.Base); d < tol && d > -tol {
				c.union(i, j)
			}
		}
	}
	for i := 1; i < len(curs); i++ {
		c.union(curs[0], curs[i])
	}
}

// joinExcerpts: kernel lines pasted in one text, in several excerpts, are
// one boot unless something tells them apart (a banner, a boot ID, clocks).
func (c *Clock) joinExcerpts() {
	for i, nd := range c.nodes {
		for j := 0; j < i; j++ {
			if o := c.nodes[j]; sameExcerptBoot(nd, o) {
				c.union(i, j)
			}
		}
	}
}

// joinOverlapping: boots never overlap in time, so logs whose printed spans
// overlap show the same boot.
func (c *Clock) joinOverlapping() {
	spans := make([][2]*time.Time, len(c.nodes))
	for i, nd := range c.nodes {
		spans[i] = c.printedSpan(nd)
	}
	for i := range c.nodes {
		for j := 0; j < i; j++ {
			a, b := spans[i], spans[j]
			if a[0] == nil || a[1] == nil || b[0] == nil || b[1] == nil || c.nodes[i].Key.Path == c.nodes[j].Key.Path {
				continue
			}
			if a[0].Before(b[1].Add(-time.Second)) && b[0].Before(a[1].Add(-time.Second)) {
				c.union(i, j)
			}
		}
	}
}

// collectGroups makes one Boot per union-find root, in the order of the
// log boots.
func (c *Clock) collectGroups() []*Boot {
	roots := map[int]*Boot{}
	var groups []*Boot
	for i, nd := range c.nodes {
		r := c.find(i)
		g := roots[r]
		if g == nil {
			g = &Boot{Basis: "none", Conf: "none"}
			roots[r] = g
			groups = append(groups, g)
		}
		g.Members = append(g.Members, nd)
	}
	return groups
}

// pickBase gives a boot the best base of its members, else one measured
// from a kill printed both with a wall time and with kernel seconds, and
// the clock points along the boot when the base is calibrated.
func (c *Clock) pickBase(g *Boot, kills [][]Sighting) {
	best := rankNone
	for _, nd := range g.Members {
		if nd.Base != nil && nd.rank < best {
			best = nd.rank
			g.Base, g.Basis, g.Conf, g.Ref = nd.Base, nd.basis, nd.conf, nd.ref
		}
	}
	if best > rankCrossSource {
		c.crossCalibrate(g, kills, &best)
	}
	if best <= rankCrossSource {
		for _, nd := range g.Members {
			if nd.rank == rankClockPoints {
				g.points = append(g.points, nd.points...)
			}
		}
		sort.SliceStable(g.points, func(i, j int) bool { return g.points[i].ks < g.points[j].ks })
	}
}

// sortGroups orders boots by their start (the base, else the earliest
// printed time), numbers them and tells each member its boot.
func (c *Clock) sortGroups(groups []*Boot) {
	for _, g := range groups {
		g.Order = g.Base
		if g.Order != nil {
			continue
		}
		for _, nd := range g.Members {
			st, line := nd.log.First, 0
			if nd.Boot != nil && nd.Boot.First != nil {
				st, line = nd.Boot.First, nd.Boot.Start.Line
			}
			if st == nil {
				continue
			}
			if w, _ := c.Wall(nd.log.Path, line, st); w != nil && (g.Order == nil || w.Before(*g.Order)) {
				g.Order = w
			}
		}
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if (a.Order == nil) != (b.Order == nil) {
			return a.Order != nil
		}
		if a.Order != nil && !a.Order.Equal(*b.Order) {
			return a.Order.Before(*b.Order)
		}
		ka, kb := a.Members[0].Key, b.Members[0].Key
		if ka.Path != kb.Path {
			return ka.Path < kb.Path
		}
		return ka.Boot < kb.Boot
	})
	for i, g := range groups {
		g.Index = i
		for _, nd := range g.Members {
			nd.Group = i
		}
	}
}

// crossCalibrate measures a boot's base from a kill that one log dates with a
// printed wall time and another with kernel seconds.
func (c *Clock) crossCalibrate(g *Boot, kills [][]Sighting, best *int) {
	in := map[*LogBoot]bool{}
	for _, nd := range g.Members {
		in[nd] = true
	}
	found := false
	for _, k := range kills {
		if len(k) == 0 || !in[k[0].At] {
			continue
		}
		var ks *float64
		var wall *time.Time
		var ref parse.Ref
		for _, o := range k {
			if o.Kill == nil {
				continue
			}
			if ks == nil && o.Kill.Stamp.KernelSeconds != nil {
				ks = o.Kill.Stamp.KernelSeconds
			}
			if wall == nil && !IsCtimeFormat(o.At.log.Format) {
				if w, _ := c.Wall(o.At.log.Path, o.Kill.Line, &o.Kill.Stamp); w != nil {
					wall, ref = w, o.Kill.Ref
				}
			}
		}
		if ks != nil && wall != nil {
			b := wall.Add(-Seconds(*ks))
			if !found {
				r := ref
				g.Base, g.Basis, g.Conf, g.Ref = &b, "calibrated", "high", &r
				*best = rankCrossSource
				found = true
			}
			g.points = append(g.points, clockPt{*ks, b})
		}
	}
}

// When maps a stamp on a line of a log to a wall time with basis and
// confidence.
func (c *Clock) When(nd *LogBoot, line int, st *parse.Stamp) (wall *time.Time, basis, conf string) {
	if st == nil {
		return nil, "none", "none"
	}
	if st.Wall != nil {
		w, inferred := c.Wall(nd.log.Path, line, st)
		if w != nil {
			if IsCtimeFormat(nd.log.Format) {
				// A better basis for the same boot beats dmesg's own arithmetic.
				g := c.Boots[nd.Group]
				if st.KernelSeconds != nil && g.Base != nil && g.Basis != "dmesg-ctime" {
					return g.At(*st.KernelSeconds), g.Basis, g.Conf
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
		g := c.Boots[nd.Group]
		if g.Base != nil {
			return g.At(*st.KernelSeconds), g.Basis, g.Conf
		}
	}
	return nil, "none", "none"
}

// Span is the part of one boot that a log covers.
type Span struct {
	FirstKS, LastKS     *float64   // kernel seconds of its first and last stamps
	FirstWall, LastWall *time.Time // their wall times (When), nil when unknown
	FirstRef            parse.Ref  // where the boot begins in the log
}

// Span measures the part of nd's boot that its log covers.
func (c *Clock) Span(nd *LogBoot) Span {
	lg := nd.log
	var sp Span
	sp.FirstRef = parse.Ref{Path: lg.Path, Line: 1}
	var first, last *parse.Stamp
	firstLine, lastLine := 0, lg.Lines+1
	if nd.Boot != nil {
		first, firstLine = nd.Boot.First, nd.Boot.Start.Line
		sp.FirstRef = nd.Boot.Start
	} else {
		first = lg.First
	}
	if nd.Key.Boot == 0 && first == nil {
		first = lg.First
	}
	if nd.Last {
		last = lg.Last
	} else if nd.Key.Boot+1 < len(lg.Boots) {
		nb := lg.Boots[nd.Key.Boot+1]
		if nb.First != nil && nb.First.Wall != nil {
			st := parse.Stamp{Wall: nb.First.Wall, WallHasYear: nb.First.WallHasYear, WallHasZone: nb.First.WallHasZone}
			last, lastLine = &st, nb.Start.Line
		}
	}
	if first != nil {
		sp.FirstKS = first.KernelSeconds
		sp.FirstWall, _, _ = c.When(nd, firstLine, first)
	}
	if last != nil {
		sp.LastKS = last.KernelSeconds
		sp.LastWall, _, _ = c.When(nd, lastLine, last)
	}
	return sp
}

// LogSpan is the wall time of a kernel log's first and last stamped lines,
// placed by their boots' clocks (When), nil when unknown.
func (c *Clock) LogSpan(lg *parse.KernelLog) (first, last *time.Time) {
	if len(lg.Boots) == 0 {
		return nil, nil
	}
	if nd := c.LogBoot(lg.Path, 0); nd != nil {
		st, line := lg.Boots[0].First, lg.Boots[0].Start.Line
		if st == nil {
			st, line = lg.First, 1
		}
		first, _, _ = c.When(nd, line, st)
	}
	if nd := c.LogBoot(lg.Path, len(lg.Boots)-1); nd != nil {
		last, _, _ = c.When(nd, lg.Lines+1, lg.Last)
	}
	return first, last
}

// printedSpan is the wall-clock span of one boot of a log from its printed
// stamps (not dmesg -T, which can drift), nil ends when unknown.
func (c *Clock) printedSpan(nd *LogBoot) [2]*time.Time {
	var out [2]*time.Time
	lg := nd.log
	if IsCtimeFormat(lg.Format) {
		return out
	}
	first, firstLine := lg.First, 0
	if nd.Boot != nil && nd.Boot.First != nil {
		first, firstLine = nd.Boot.First, nd.Boot.Start.Line
	}
	if first != nil {
		out[0], _ = c.Wall(lg.Path, firstLine, first)
	}
	if nd.Last {
		if lg.Last != nil {
			out[1], _ = c.Wall(lg.Path, lg.Lines+1, lg.Last)
		}
	} else if nd.Key.Boot+1 < len(lg.Boots) {
		nb := &lg.Boots[nd.Key.Boot+1]
		if nb.First != nil {
			out[1], _ = c.Wall(lg.Path, nb.Start.Line, nb.First)
		}
	}
	return out
}

// sameExcerptBoot tells two boots of kernel excerpts pasted in one file
// that nothing sets apart: each excerpt's only boot, no banner or boot ID,
// and bases (when both are known) within ten minutes.
func sameExcerptBoot(a, b *LogBoot) bool {
	la, lb := a.log, b.log
	if !la.Excerpt || !lb.Excerpt || la.Format == parse.FormatKubeEvent || lb.Format == parse.FormatKubeEvent {
		return false
	}
	fa, _, _ := strings.Cut(la.Path, ":")
	fb, _, _ := strings.Cut(lb.Path, ":")
	if fa != fb || len(la.Boots) > 1 || len(lb.Boots) > 1 {
		return false
	}
	for _, bt := range []*parse.Boot{a.Boot, b.Boot} {
		if bt != nil && (bt.Banner != "" || bt.ID != "") {
			return false
		}
	}
	if a.Base != nil && b.Base != nil {
		if d := a.Base.Sub(*b.Base); d > 10*time.Minute || d < -10*time.Minute {
			return false
		}
	}
	return true
}

// CaptureUptime is how long the running boot had been up at capture:
// /proc/uptime or uptime, else the capture date minus /proc/stat btime;
// slack is its precision in seconds, refs the lines it is read from.
func CaptureUptime(h *parse.Host) (up, slack float64, refs []parse.Ref, ok bool) {
	if h.UptimeSec != nil {
		return *h.UptimeSec, h.UptimeErrSec, refList(h.UptimeRef), true
	}
	if h.CapturedAt != nil && h.Btime != nil {
		d := h.CapturedAt.Sub(*h.Btime).Seconds()
		if d >= 0 {
			return d, 2, append(refList(h.BtimeRef), refList(h.CapturedRef)...), true
		}
	}
	return 0, 0, nil, false
}

// UptimeMargin is how far past the capture uptime (in seconds) a kill may
// be stamped and still be this boot's: the commands of a capture run
// minutes apart.
const UptimeMargin = 300

func refList(r *parse.Ref) []parse.Ref {
	if r == nil {
		return nil
	}
	return []parse.Ref{*r}
}

// KillTime is when one kernel kill happened, from every log that printed it.
type KillTime struct {
	KS          *float64   // kernel seconds, from the first sighting that prints them
	Wall        *time.Time // nil when nothing dates it
	Basis, Conf string     // as When returns them; "none" when Wall is nil
	Raw         string     // the first stamp as printed
	// NoYear is the printed month, day and time when the kill's log prints
	// no year and nothing in the bundle gives one (Wall is then nil).
	NoYear *time.Time
	// Drift is how far dmesg -T's own time is from a better basis, when
	// over five seconds; DriftRefs are the dmesg -T line and the better one.
	Drift     *time.Duration
	DriftRefs [2]parse.Ref
}

// KillTime dates a kernel kill of boot g from its sightings (the primary,
// the richest report, first; each with its kill line): the best basis of any log that dates it,
// else the boot's base, else dmesg -T's own time, which is also compared
// with the better basis for drift.
func (c *Clock) KillTime(g *Boot, seen []Sighting) KillTime {
	kt := KillTime{Basis: "none", Conf: "none"}
	var ctimeWall *time.Time
	var ctimeRef, wallRef parse.Ref
	for _, o := range seen {
		st := &o.Kill.Stamp
		if kt.Raw == "" && st.Raw != "" {
			kt.Raw = st.Raw
		}
		if kt.KS == nil && st.KernelSeconds != nil {
			kt.KS = st.KernelSeconds
		}
		if IsCtimeFormat(o.At.log.Format) {
			if ctimeWall == nil {
				ctimeWall, _ = c.Wall(o.At.log.Path, o.Kill.Line, st)
				ctimeRef = o.Kill.Ref
			}
			continue
		}
		w, b, cf := c.When(o.At, o.Kill.Line, st)
		if w != nil && (kt.Wall == nil || basisRank(b) < basisRank(kt.Basis)) {
			kt.Wall, kt.Basis, kt.Conf = w, b, cf
			wallRef = o.Kill.Ref
		}
	}
	if kt.Wall == nil && kt.KS != nil && g.Base != nil {
		kt.Wall, kt.Basis, kt.Conf = g.At(*kt.KS), g.Basis, g.Conf
	}
	if kt.Wall == nil && ctimeWall == nil {
		for _, o := range seen {
			if kt.NoYear = c.NoYearWall(&o.Kill.Stamp); kt.NoYear != nil {
				kt.Basis, kt.Conf = "printed", "low"
				break
			}
		}
	}
	if ctimeWall == nil {
		return kt
	}
	if kt.Wall == nil {
		kt.Wall, kt.Basis, kt.Conf = ctimeWall, "dmesg-ctime", "medium"
	} else if kt.Basis == "printed" || kt.Basis == "calibrated" {
		d := ctimeWall.Sub(*kt.Wall)
		if d > 5*time.Second || d < -5*time.Second {
			if wallRef.Path == "" {
				wallRef = seen[0].Kill.Ref
			}
			kt.Drift, kt.DriftRefs = &d, [2]parse.Ref{ctimeRef, wallRef}
		}
	}
	return kt
}

// basisRank orders the bases of a wall time, best first.
func basisRank(b string) int {
	switch b {
	case "printed":
		return 0
	case "calibrated":
		return 1
	case "btime":
		return 2
	case "uptime+date":
		return 3
	case "dmesg-ctime":
		return 4
	}
	return 9
}
