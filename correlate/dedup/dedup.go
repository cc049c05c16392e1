package dedup

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/parse"
)

// An Occurrence is one kill line, or one OOM report without a kill line,
// in one log.
type Occurrence interface {
	Log() *parse.KernelLog
	Report() *parse.OOMReport
	Kill() *parse.KillLine // nil for a report without a kill line
	// Inferred: the report has no kill line and Kill is made from its
	// oom_reaper line (ReaperKill; the reaper only reaps OOM victims).
	Inferred() bool
}

// Line is the line that dates the occurrence: its kill line, else the
// report's first line.
func Line(o Occurrence) int {
	if k := o.Kill(); k != nil {
		return k.Line
	}
	return o.Report().Start.Line
}

// Stamp is the stamp that dates the occurrence, nil if none.
func Stamp(o Occurrence) *parse.Stamp {
	if k := o.Kill(); k != nil {
		return &k.Stamp
	}
	r := o.Report()
	if r.Trigger != nil {
		return &r.Trigger.Stamp
	}
	if r.Select != nil {
		return &r.Select.Stamp
	}
	return nil
}

// ReaperKill is the kill a report without a kill line shows through its
// oom_reaper line ("reaped process N (comm)" or "unable to reap pid:N"),
// nil when it has none or ended in no killable process or a panic.
func ReaperKill(r *parse.OOMReport) *parse.KillLine {
	if len(r.Reaped) == 0 || r.NoKillable != nil || r.Panic != nil {
		return nil
	}
	rl := r.Reaped[0]
	return &parse.KillLine{Ref: rl.Ref, Stamp: rl.Stamp, Pid: rl.Pid, Comm: rl.Comm, Form: "reaper"}
}

// Kills groups kill-line occurrences into kills, one slice per kill, at
// most one occurrence per log, the richest report first; clk compares
// their wall times.
func Kills[O Occurrence](occs []O, clk *clock.Clock) [][]O {
	key := func(o O) string { return fmt.Sprintf("%d\x00%s", o.Kill().Pid, o.Kill().Comm) }
	same := func(a, b O) (bool, bool) { return sameKill(clk, a, b) }
	return cluster(occs, key, same)
}

// Reports groups occurrences of reports without a kill line into one
// slice per report, as Kills does: by trigger command, GFP mask and time.
func Reports[O Occurrence](occs []O, clk *clock.Clock) [][]O {
	key := func(o O) string {
		if t := o.Report().Trigger; t != nil {
			return t.Comm
		}
		return ""
	}
	same := func(a, b O) (bool, bool) { return sameReport(clk, a, b) }
	return cluster(occs, key, same)
}

// richness ranks occurrences for the primary: full reports first.
func richness(o Occurrence) int {
	r := o.Report()
	s := 0
	if r.Tasks != nil {
		s += 8
	}
	if r.MemInfo != nil || r.Memcg != nil {
		s += 4
	}
	if r.Trigger != nil {
		s += 2
	}
	if r.Constraint != nil || r.Select != nil {
		s++
	}
	if k := o.Kill(); k != nil && k.Stamp.KernelSeconds != nil {
		s++
	}
	if o.Log().Truncated {
		s--
	}
	if o.Inferred() {
		s -= 32 // a real kill line of the same kill is the primary
	}
	return s
}

// sameKill says whether two kill lines from different files are one kill:
// (match, corroborated).
func sameKill(clk *clock.Clock, a, b Occurrence) (bool, bool) {
	ka, kb := a.Kill(), b.Kill()
	if ka.Pid != kb.Pid || ka.Comm != kb.Comm {
		return false, false
	}
	if a.Inferred() || b.Inferred() {
		// A reaper line follows its kill by up to a few seconds.
		sa, sb := &ka.Stamp, &kb.Stamp
		if sa.KernelSeconds != nil && sb.KernelSeconds != nil {
			d := *sb.KernelSeconds - *sa.KernelSeconds
			if a.Inferred() {
				d = -d
			}
			if d < -1 || d > 30 {
				return false, false
			}
			return true, true
		}
		return sameTime(clk, a, b, false)
	}
	corr := false
	if ka.TotalVMKB != nil && kb.TotalVMKB != nil && ka.AnonRSSKB != nil && kb.AnonRSSKB != nil {
		if *ka.TotalVMKB != *kb.TotalVMKB || *ka.AnonRSSKB != *kb.AnonRSSKB {
			return false, false
		}
		corr = true
	}
	return sameTime(clk, a, b, corr)
}

// sameTime compares the stamps of two occurrences.
func sameTime(clk *clock.Clock, a, b Occurrence, corr bool) (bool, bool) {
	sa, sb := Stamp(a), Stamp(b)
	if sa == nil || sb == nil {
		return true, corr
	}
	if sa.KernelSeconds != nil && sb.KernelSeconds != nil {
		if math.Abs(*sa.KernelSeconds-*sb.KernelSeconds) > 1.0 {
			return false, false
		}
		corr = true
	}
	if !clock.IsCtimeFormat(a.Log().Format) && !clock.IsCtimeFormat(b.Log().Format) {
		wa, _ := clk.Wall(a.Log().Path, Line(a), sa)
		wb, _ := clk.Wall(b.Log().Path, Line(b), sb)
		if wa != nil && wb != nil {
			d := wa.Sub(*wb)
			if d > 2*time.Minute || d < -2*time.Minute {
				return false, false
			}
			corr = true
		}
	}
	return true, corr
}

// sameReport matches two reports without a kill line.
func sameReport(clk *clock.Clock, a, b Occurrence) (bool, bool) {
	ta, tb := a.Report().Trigger, b.Report().Trigger
	if ta == nil || tb == nil {
		return false, false
	}
	if ta.Comm != tb.Comm || ta.GFPMask != tb.GFPMask {
		return false, false
	}
	ok, corr := sameTime(clk, a, b, false)
	return ok && corr, corr
}

// cluster groups occurrences into clusters, one per event: an occurrence
// joins the cluster whose members all match it (same), one that something
// corroborates first, else the only candidate; else it starts a cluster.
func cluster[O Occurrence](occs []O, key func(o O) string, same func(a, b O) (bool, bool)) [][]O {
	path := func(o O) string { return o.Log().Path }
	sort.SliceStable(occs, func(i, j int) bool {
		if path(occs[i]) != path(occs[j]) {
			return path(occs[i]) < path(occs[j])
		}
		return Line(occs[i]) < Line(occs[j])
	})
	var cls [][]O
	byKey := map[string][]int{} // key → indexes in cls
	for _, o := range occs {
		var cands []int
		strong := -1
		k := key(o)
		for _, ci := range byKey[k] {
			ok, anyCorr := true, false
			for _, m := range cls[ci] {
				if path(m) == path(o) {
					ok = false
					break
				}
				s, corr := same(m, o)
				if !s {
					ok = false
					break
				}
				anyCorr = anyCorr || corr
			}
			if !ok {
				continue
			}
			if anyCorr && strong < 0 {
				strong = ci
			}
			cands = append(cands, ci)
		}
		switch {
		case strong >= 0:
			cls[strong] = append(cls[strong], o)
		case len(cands) == 1:
			cls[cands[0]] = append(cls[cands[0]], o)
		default:
			cls = append(cls, []O{o})
			byKey[k] = append(byKey[k], len(cls)-1)
		}
	}
	for _, c := range cls {
		sort.SliceStable(c, func(i, j int) bool {
			ri, rj := richness(c[i]), richness(c[j])
			if ri != rj {
				return ri > rj
			}
			if path(c[i]) != path(c[j]) {
				return path(c[i]) < path(c[j])
			}
			return Line(c[i]) < Line(c[j])
		})
	}
	return cls
}
