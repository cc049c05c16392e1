package correlate

import (
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/parse"
)

// Boots and times as the report writes them. The clock (package clock)
// places every boot of every kernel log on the wall clock; here each of
// its log boots is paired with its log, the kills are handed to it as
// sightings, and its times are written as the report does.

// bootNode is one boot of one kernel log: the clock's placement of it and
// the log it is in.
type bootNode struct {
	*clock.LogBoot
	log *parse.KernelLog
}

// bootNodes pairs each of the clock's log boots with its log.
func (bd *builder) bootNodes() {
	bd.nodeOf = map[clock.Key]*bootNode{}
	for _, lg := range bd.logs {
		for i := 0; i == 0 || i < len(lg.Boots); i++ {
			if lb := bd.clk.LogBoot(lg.Path, i); lb != nil {
				nd := &bootNode{LogBoot: lb, log: lg}
				bd.nodes = append(bd.nodes, nd)
				bd.nodeOf[lb.Key] = nd
			}
		}
	}
}

// nodeAt is the boot-th boot of the log at path, nil if there is none.
func (bd *builder) nodeAt(path string, boot int) *bootNode {
	return bd.nodeOf[clock.Key{Path: path, Boot: boot}]
}

// sightings hands the clock where each kill and each report without a kill
// was printed: the same one in two logs is one boot.
func (bd *builder) sightings() (kills [][]clock.Sighting, reports [][]*clock.LogBoot) {
	n, m := 0, 0
	for _, kc := range bd.kills {
		n += len(kc.occs)
	}
	for _, ro := range bd.reportOnly {
		m += len(ro.occs)
	}
	seen, at := make([]clock.Sighting, 0, n), make([]*clock.LogBoot, 0, m) // one array each
	kills = make([][]clock.Sighting, 0, len(bd.kills))
	for _, kc := range bd.kills {
		from := len(seen)
		for _, o := range kc.occs {
			seen = append(seen, clock.Sighting{At: o.node.LogBoot, Kill: o.kill})
		}
		kc.seen = seen[from:len(seen):len(seen)]
		kills = append(kills, kc.seen)
	}
	reports = make([][]*clock.LogBoot, 0, len(bd.reportOnly))
	for _, ro := range bd.reportOnly {
		from := len(at)
		for _, o := range ro.occs {
			at = append(at, o.node.LogBoot)
		}
		reports = append(reports, at[from:len(at):len(at)])
	}
	return kills, reports
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

// wallAt is t as the reports chart it: to the second (as wallText
// writes it), and, when times are node-local, the clock reading in UTC.
func (bd *builder) wallAt(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	if bd.localTimes {
		u := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
		return &u
	}
	u := t.Truncate(time.Second)
	return &u
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
