package correlate

import (
	"github.com/oomlens/oomlens/correlate/dedup"
	"github.com/oomlens/oomlens/parse"
)

// Deduplication. The same kernel kill is printed by dmesg, the journal,
// /var/log/messages and kern.log; it is one kill with the evidence of all of
// them. Here every kill line (and report without one) of every log becomes
// an occ, and package dedup tells which occs are one kill.

// occ is one kill line (or one report without a kill) in one log: a
// dedup.Occurrence.
type occ struct {
	node *bootNode
	rep  *parse.OOMReport
	kill *parse.KillLine // nil for a report without a kill
	// inferred: the report has no kill line and kill is made from its
	// oom_reaper line (the reaper only reaps OOM victims).
	inferred bool
}

func (o *occ) path() string             { return o.node.log.Path }
func (o *occ) Log() *parse.KernelLog    { return o.node.log }
func (o *occ) Report() *parse.OOMReport { return o.rep }
func (o *occ) Kill() *parse.KillLine    { return o.kill }
func (o *occ) Inferred() bool           { return o.inferred }

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
				if k := dedup.ReaperKill(r); k != nil {
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

// dedup builds bd.kills and bd.reportOnly from every kernel report.
func (bd *builder) dedup() {
	kills, reports := bd.occurrences()
	for _, c := range dedup.Kills(kills, bd.clk) {
		bd.kills = append(bd.kills, &killCtx{occs: c, killer: "kernel"})
	}
	for _, c := range dedup.Reports(reports, bd.clk) {
		bd.reportOnly = append(bd.reportOnly, &reportCtx{occs: c})
	}
}
