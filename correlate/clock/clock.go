package clock

import (
	"sort"
	"strings"
	"time"

	"github.com/oomlens/oomlens/parse"
)

// The clock and what it answers: a stamp's wall time (When), a kill's time
// (KillTime), the span of a log and of one of its boots.

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

// IsDmesgFormat is true for a kernel ring buffer capture (dmesg in any of
// its forms, /dev/kmsg): a log of the running boot only.
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

// Seconds is s seconds as a Duration.
func Seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

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
// the richest report, first; each with its kill line): the best basis of
// any log that dates it, else the boot's base, else dmesg -T's own time,
// which is also compared with the better basis for drift.
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
