package clock

import (
	"sort"
	"strings"
	"time"

	"github.com/oomlens/oomlens/parse"
)

// Log boots: each boot of each log measured on its own, then joined into
// the global boots.

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
