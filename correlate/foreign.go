package correlate

import (
	"fmt"
	"strings"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/correlate/dedup"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kernel"
	"github.com/oomlens/oomlens/report"
)

// Evidence that cannot be this host's. A bundle is read as one machine,
// but what it holds may not be: a dmesg saved on another node, a report
// pasted from an older boot, a central syslog server's messages. A kernel
// kill whose report contradicts the bundle's own facts about the machine
// is flagged instead of being told as this host's:
//
//	boot    its kernel seconds exceed the uptime at capture (/proc/uptime,
//	        uptime, or date − /proc/stat btime) in a log that claims the
//	        running boot (a dmesg capture, or the boot marked current)
//	kernel  its CPU line (or its boot's banner) prints another kernel
//	        release than uname, and the kill is not shown to be from an
//	        earlier boot (a later boot in the same log, or a printed time
//	        before this boot began)
//	host    its syslog/journal prefix names another host than the
//	        bundle's hostname (hostname file, uname -a)
//
// Such a kill gets a "not-from-this-boot" or "not-from-this-host"
// finding, a coverage gap, "How sure: low", and no wall time taken from
// this host's boot clock (btime, uptime+date): it is not merged into this
// host's timeline as fact.

// foreignWhy is one reason a kill's report is not this host's running boot.
type foreignWhy struct {
	kind string // boot | kernel | host
	text string // "its kernel seconds … exceed …"
	refs []report.Ref
}

// captureUptime is clock.CaptureUptime with the report's refs.
func (bd *builder) captureUptime() (up, slack float64, refs []report.Ref, ok bool) {
	up, slack, prefs, ok := clock.CaptureUptime(&bd.b.Host)
	for _, r := range prefs {
		refs = append(refs, toRef(r))
	}
	return up, slack, refs, ok
}

// hostRelease is the running kernel's release from uname, "" if unknown.
func (bd *builder) hostRelease() (string, []report.Ref) {
	h := bd.b.Host
	if h.Kernel != "" {
		return h.Kernel, pref(h.KernelRef)
	}
	if f := strings.Fields(h.Uname); len(f) >= 3 {
		return f[2], pref(h.KernelRef)
	}
	return "", nil
}

// checkForeign fills kc.foreign; it runs after timeKill.
func (bd *builder) checkForeign(kc *killCtx) {
	if kc.ev != nil || kc.fromEvent() || len(kc.occs) == 0 {
		return
	}
	hb, _, _ := bd.clk.HostBoot()
	earlier := func(o *occ) bool {
		// printed (or calibrated) before this boot began: an earlier boot
		// of a persistent log, where another kernel is no contradiction
		if hb == nil || o.kill == nil {
			return false
		}
		w, b, _ := bd.clk.When(o.node.LogBoot, o.kill.Line, &o.kill.Stamp)
		return w != nil && (b == "printed" || b == "calibrated") && w.Before(hb.Add(-time.Minute))
	}
	// boot: kernel seconds past the uptime
	if up, slack, urefs, ok := bd.captureUptime(); ok {
		for _, o := range kc.occs {
			nd := o.node
			if o.kill == nil || o.kill.Stamp.KernelSeconds == nil || !(nd.Current || nd.PastUptime) || earlier(o) {
				continue
			}
			ks := *o.kill.Stamp.KernelSeconds
			if ks <= up+slack+clock.UptimeMargin {
				continue
			}
			kc.foreign = append(kc.foreign, foreignWhy{kind: "boot",
				text: fmt.Sprintf("its kill line is stamped %.0f s (%s) after boot, but this host had been up only %.0f s (%s) at capture", ks, words(clock.Seconds(ks)), up, words(clock.Seconds(up))),
				refs: append([]report.Ref{toRef(o.kill.Ref)}, urefs...)})
			break
		}
	}
	// kernel: another release than uname's
	if rel, rrefs := bd.hostRelease(); rel != "" {
		var ver string
		var vref report.Ref
		if kc.cpu != nil && kc.cpu.Kernel != "" {
			ver, vref = kc.cpu.Kernel, toRef(kc.cpu.Ref)
		} else if nd := kc.node(); nd.Boot != nil && nd.Boot.Kernel != "" {
			ver, vref = nd.Boot.Kernel, toRef(nd.Boot.Start)
		}
		if ver != "" && ver != rel {
			nd := kc.node()
			laterBoot := !nd.Current && !nd.Last
			if !laterBoot && !earlier(kc.occs[0]) {
				kc.foreign = append(kc.foreign, foreignWhy{kind: "kernel",
					text: fmt.Sprintf("its report was printed by kernel %s, but this host runs %s (uname)", ver, rel),
					refs: append([]report.Ref{vref}, rrefs...)})
			}
		}
	}
	// host: another host name in the log prefix
	if h := bd.b.Host.Hostname; h != "" && bd.b.Host.HostnameRef != nil {
		for _, o := range kc.occs {
			raw := o.lineText(dedup.Line(o))
			lh := kernel.LineHost([]byte(raw))
			if parse.HostKey(lh) == "" || parse.HostKey(lh) == parse.HostKey(h) {
				continue
			}
			kc.foreign = append(kc.foreign, foreignWhy{kind: "host",
				text: fmt.Sprintf("its log line names host %s, but this bundle is from %s", lh, h),
				refs: []report.Ref{toRef(parse.Ref{Path: o.path(), Line: dedup.Line(o)}), toRef(*bd.b.Host.HostnameRef)}})
			break
		}
	}
	if len(kc.foreign) == 0 {
		return
	}
	// No wall time from this host's boot clock for another boot's or
	// host's stamps; a time the log printed itself is kept, with low
	// confidence.
	if kc.basis == "btime" || kc.basis == "uptime+date" {
		kc.wall, kc.basis, kc.conf = nil, "none", "none"
	}
	if kc.wall != nil {
		kc.conf = "low"
	}
	kc.drift, kc.driftRefs = nil, nil
}

// lineText is the raw text of line n of the occurrence's report, "" if
// not kept.
func (o *occ) lineText(n int) string {
	if o.rep == nil {
		return ""
	}
	for _, q := range o.rep.Lines {
		if q.Line == n {
			return q.Text
		}
	}
	return ""
}

// foreignRule names what a kill's foreign reasons say: not from this host
// when the host name or kernel says so, else not from this boot.
func (kc *killCtx) foreignRule() string {
	for _, f := range kc.foreign {
		if f.kind == "host" {
			return "not-from-this-host"
		}
	}
	return "not-from-this-boot"
}

func ruleNotHere(want string) func(bd *builder, kc *killCtx) *report.Finding {
	return func(bd *builder, kc *killCtx) *report.Finding {
		if len(kc.foreign) == 0 || kc.foreignRule() != want {
			return nil
		}
		var parts []string
		var refs []report.Ref
		for _, f := range kc.foreign {
			parts = append(parts, f.text)
			refs = append(refs, f.refs...)
		}
		what := "this report is not from this boot"
		if want == "not-from-this-host" {
			what = "this report is not from this host"
		}
		sum := fmt.Sprintf("%s: %s %s.", capFirst(what), strings.Join(parts, "; "), cite(refs...))
		detail := "oomlens reads a bundle as one machine and its running boot; this kill contradicts what the bundle says about that machine, so it is not placed on this host's timeline as fact and its verdict is of low confidence. It may come from another node's or an earlier boot's log saved into the bundle; analyse that log as a bundle of its own, with that machine's uname, hostname, uptime and date."
		return fnd("warning", sum, detail, refs...)
	}
}

// foreignGaps is one coverage gap per kill whose report is not this
// host's running boot.
func (bd *builder) foreignGaps() []report.Gap {
	var out []report.Gap
	for _, kc := range bd.kills {
		if len(kc.foreign) == 0 {
			continue
		}
		var parts []string
		for _, f := range kc.foreign {
			parts = append(parts, f.text)
		}
		what := "not from this boot"
		if kc.foreignRule() == "not-from-this-host" {
			what = "not from this host"
		}
		r := kc.primRef()
		out = append(out, report.Gap{Source: r.Path, Missing: foreignMissing[what],
			Message: fmt.Sprintf("the kill of %s (%s:%d) is %s: %s; it is told apart, with low confidence, not as this host's", who(kc), shortPath(r.Path), r.Line, what, strings.Join(parts, "; ")),
			Collect: "the log of the machine and boot it is from, analysed as a bundle of its own"})
	}
	return out
}

// foreignMissing is what a foreign kill's gap says is missing.
var foreignMissing = map[string]string{"not from this host": "this host's own kernel log", "not from this boot": "this boot's kernel log"}

// foreignLog tells a log that names only other hosts than the bundle's
// hostname in its syslog/journal prefixes: another machine's log.
func (bd *builder) foreignLog(lg *parse.KernelLog) bool {
	h := parse.HostKey(bd.b.Host.Hostname)
	if h == "" || bd.b.Host.HostnameRef == nil || lg == nil {
		return false
	}
	named := false
	for _, x := range lg.Hosts {
		switch parse.HostKey(x) {
		case "":
		case h:
			return false
		default:
			named = true
		}
	}
	return named
}

// foreignGroup tells a boot that is not this host's: every log of it is
// another host's (its boot time is no boot of this host).
func (bd *builder) foreignGroup(g *clock.Boot) bool {
	if len(g.Members) == 0 {
		return false
	}
	for _, nd := range g.Members {
		if !bd.foreignLog(bd.nodeOf[nd.Key].log) {
			return false
		}
	}
	return true
}
