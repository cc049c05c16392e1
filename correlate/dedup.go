package correlate

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/parse"
)

// Deduplication. The same kernel kill is printed by dmesg, the journal,
// /var/log/messages and kern.log; it is one kill with the evidence of all of
// them. Two kill lines from different files are the same kill when they name
// the same pid and command and nothing contradicts it (the memory figures on
// the kill line, kernel seconds within a second, printed wall times within two
// minutes), and something corroborates it — or it is the only candidate.

// occ is one kill line (or one report without a kill) in one log.
type occ struct {
	node *bootNode
	rep  *parse.OOMReport
	kill *parse.KillLine // nil for a report without a kill
	// inferred: the report has no kill line and kill is made from its
	// oom_reaper line (the reaper only reaps OOM victims).
	inferred bool
}

func (o *occ) path() string { return o.node.log.Path }

func (o *occ) line() int {
	if o.kill != nil {
		return o.kill.Line
	}
	return o.rep.Start.Line
}

// stamp is the stamp that dates the occurrence.
func (o *occ) stamp() *parse.Stamp {
	if o.kill != nil {
		return &o.kill.Stamp
	}
	if o.rep.Trigger != nil {
		return &o.rep.Trigger.Stamp
	}
	if o.rep.Select != nil {
		return &o.rep.Select.Stamp
	}
	return nil
}

// richness ranks occurrences for the primary: full reports first.
func (o *occ) richness() int {
	r := o.rep
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
	if o.kill != nil && o.kill.Stamp.KernelSeconds != nil {
		s++
	}
	if o.node.log.Truncated {
		s--
	}
	if o.inferred {
		s -= 32 // a real kill line of the same kill is the primary
	}
	return s
}

// cluster is a set of occurrences of one kill (or one report), at most one per file.
type cluster struct {
	occs []*occ
}

func (bd *builder) occurrences() (kills, reports []*occ) {
	for _, lg := range bd.logs {
		for _, r := range lg.Reports {
			if r == nil {
				continue
			}
			nd := bd.nodeAt(lg.Path, r.Boot)
			if nd == nil {
				nd = bd.nodeAt(lg.Path, 0)
			}
			if nd == nil {
				continue
			}
			if len(r.Kills) == 0 {
				if k := reaperKill(r); k != nil {
					kills = append(kills, &occ{node: nd, rep: r, kill: k, inferred: true})
					continue
				}
				reports = append(reports, &occ{node: nd, rep: r})
				continue
			}
			for i := range r.Kills {
				kills = append(kills, &occ{node: nd, rep: r, kill: &r.Kills[i]})
			}
		}
	}
	return kills, reports
}

// reaperKill is the kill a report without a kill line shows through its
// oom_reaper line ("reaped process N (comm)" or "unable to reap pid:N"),
// nil when it has none or ended in no killable process or a panic.
func reaperKill(r *parse.OOMReport) *parse.KillLine {
	if len(r.Reaped) == 0 || r.NoKillable != nil || r.Panic != nil {
		return nil
	}
	rl := r.Reaped[0]
	return &parse.KillLine{Ref: rl.Ref, Stamp: rl.Stamp, Pid: rl.Pid, Comm: rl.Comm, Form: "reaper"}
}

// sameKill says whether two kill lines from different files are one kill:
// (match, corroborated).
func (bd *builder) sameKill(a, b *occ) (bool, bool) {
	ka, kb := a.kill, b.kill
	if ka.Pid != kb.Pid || ka.Comm != kb.Comm {
		return false, false
	}
	if a.inferred || b.inferred {
		// A reaper line follows its kill by up to a few seconds.
		sa, sb := &ka.Stamp, &kb.Stamp
		if sa.KernelSeconds != nil && sb.KernelSeconds != nil {
			d := *sb.KernelSeconds - *sa.KernelSeconds
			if a.inferred {
				d = -d
			}
			if d < -1 || d > 30 {
				return false, false
			}
			return true, true
		}
		return bd.sameTime(a, b, false)
	}
	corr := false
	if ka.TotalVMKB != nil && kb.TotalVMKB != nil && ka.AnonRSSKB != nil && kb.AnonRSSKB != nil {
		if *ka.TotalVMKB != *kb.TotalVMKB || *ka.AnonRSSKB != *kb.AnonRSSKB {
			return false, false
		}
		corr = true
	}
	return bd.sameTime(a, b, corr)
}

// sameTime compares the stamps of two occurrences.
func (bd *builder) sameTime(a, b *occ, corr bool) (bool, bool) {
	sa, sb := a.stamp(), b.stamp()
	if sa == nil || sb == nil {
		return true, corr
	}
	if sa.KernelSeconds != nil && sb.KernelSeconds != nil {
		if math.Abs(*sa.KernelSeconds-*sb.KernelSeconds) > 1.0 {
			return false, false
		}
		corr = true
	}
	if !clock.IsCtimeFormat(a.node.log.Format) && !clock.IsCtimeFormat(b.node.log.Format) {
		wa, _ := bd.clk.Wall(a.path(), a.line(), sa)
		wb, _ := bd.clk.Wall(b.path(), b.line(), sb)
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
func (bd *builder) sameReport(a, b *occ) (bool, bool) {
	ta, tb := a.rep.Trigger, b.rep.Trigger
	if ta == nil || tb == nil {
		return false, false
	}
	if ta.Comm != tb.Comm || ta.GFPMask != tb.GFPMask {
		return false, false
	}
	ok, corr := bd.sameTime(a, b, false)
	return ok && corr, corr
}

// clusterOccs groups occurrences into clusters, one per event.
func clusterOccs(occs []*occ, key func(o *occ) string, same func(a, b *occ) (bool, bool)) []*cluster {
	sort.SliceStable(occs, func(i, j int) bool {
		if occs[i].path() != occs[j].path() {
			return occs[i].path() < occs[j].path()
		}
		return occs[i].line() < occs[j].line()
	})
	var cls []*cluster
	byKey := map[string][]*cluster{}
	for _, o := range occs {
		var cands []*cluster
		var strong *cluster
		k := key(o)
		for _, c := range byKey[k] {
			ok, anyCorr := true, false
			for _, m := range c.occs {
				if m.path() == o.path() {
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
			if anyCorr && strong == nil {
				strong = c
			}
			cands = append(cands, c)
		}
		switch {
		case strong != nil:
			strong.occs = append(strong.occs, o)
		case len(cands) == 1:
			cands[0].occs = append(cands[0].occs, o)
		default:
			c := &cluster{occs: []*occ{o}}
			cls = append(cls, c)
			byKey[k] = append(byKey[k], c)
		}
	}
	for _, c := range cls {
		sort.SliceStable(c.occs, func(i, j int) bool {
			ri, rj := c.occs[i].richness(), c.occs[j].richness()
			if ri != rj {
				return ri > rj
			}
			if c.occs[i].path() != c.occs[j].path() {
				return c.occs[i].path() < c.occs[j].path()
			}
			return c.occs[i].line() < c.occs[j].line()
		})
	}
	return cls
}

// dedup builds bd.kills and bd.reportOnly from every kernel report.
func (bd *builder) dedup() {
	kills, reports := bd.occurrences()
	killKey := func(o *occ) string { return fmt.Sprintf("%d\x00%s", o.kill.Pid, o.kill.Comm) }
	reportKey := func(o *occ) string {
		if o.rep.Trigger != nil {
			return o.rep.Trigger.Comm
		}
		return ""
	}
	for _, c := range clusterOccs(kills, killKey, bd.sameKill) {
		bd.kills = append(bd.kills, &killCtx{occs: c.occs, killer: "kernel"})
	}
	for _, c := range clusterOccs(reports, reportKey, bd.sameReport) {
		bd.reportOnly = append(bd.reportOnly, &reportCtx{occs: c.occs})
	}
}
