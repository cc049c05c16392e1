package clock

import (
	"sort"
	"time"

	"github.com/oomlens/oomlens/parse"
)

// The bundle's time zone, and the year of each year-less stamp.

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
		for _, lg := range c.logs {
			if w := lg.JournalEnd; w != nil {
				// a node-local clock reading: the year is what it gives
				t := withYear(*w, w.Year(), c.Loc)
				newer(&t)
			}
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
