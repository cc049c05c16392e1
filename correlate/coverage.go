package correlate

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/report"
)

// Coverage: what each kernel log can show, which logs should carry a kill
// but do not, and what the bundle lacks.

// missingFrom lists kernel logs that should carry the kill but do not: logs
// of the same boot whose span covers the kill or that begin after it (the
// ring buffer wrapped, the file was rotated), and logs whose wall-clock span
// covers it.
func (bd *builder) missingFrom(kc *killCtx) []string {
	out := []string{}
	have := map[string]bool{}
	for _, s := range kc.out.Sources {
		have[s] = true
	}
	for _, nd := range bd.nodes {
		lg := nd.log
		if have[lg.Path] || contains(out, lg.Path) {
			continue
		}
		if kc.ev != nil && clock.IsDmesgFormat(lg.Format) {
			continue // userspace killers never reach the kernel ring buffer
		}
		if kc.ev == nil && !carriesKernel(lg) {
			continue // a unit's journal (journalctl -u kubelet) never holds kernel lines
		}
		sp := bd.clk.Span(nd.LogBoot)
		if lg.Excerpt {
			// a pasted excerpt is what someone chose to paste: it misses
			// a kill only when it spans the kill's time
			switch {
			case nd.Group == kc.group && kc.ks != nil && sp.FirstKS != nil && sp.LastKS != nil:
				if *kc.ks >= *sp.FirstKS-1 && *kc.ks <= *sp.LastKS+1 {
					out = append(out, lg.Path)
				}
			case kc.wall != nil && sp.FirstWall != nil && sp.LastWall != nil:
				if !kc.wall.Before(sp.FirstWall.Add(-time.Minute)) && !kc.wall.After(sp.LastWall.Add(time.Minute)) {
					out = append(out, lg.Path)
				}
			}
			continue
		}
		if nd.Group == kc.group && kc.ks != nil && sp.FirstKS != nil && !bd.sameBootShown(nd, kc) {
			continue // nothing but "both ran last" says it is the kill's boot
		}
		if nd.Group == kc.group && kc.ks != nil && sp.FirstKS != nil {
			if sp.LastKS == nil || *kc.ks <= *sp.LastKS+1 {
				out = append(out, lg.Path)
			}
			continue
		}
		if kc.wall != nil && sp.FirstWall != nil && sp.LastWall != nil {
			if !kc.wall.Before(sp.FirstWall.Add(-time.Minute)) && !kc.wall.After(sp.LastWall.Add(time.Minute)) {
				out = append(out, lg.Path)
			} else if nd.Group == kc.group && kc.wall.Before(*sp.FirstWall) {
				out = append(out, lg.Path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// whyMissing explains one missing source for the coverage-gap finding.
func (bd *builder) whyMissing(kc *killCtx, path string) (string, []report.Ref) {
	for _, nd := range bd.nodes {
		if nd.log.Path != path {
			continue
		}
		sp := bd.clk.Span(nd.LogBoot)
		refs := []report.Ref{toRef(sp.FirstRef)}
		if nd.Group == kc.group && kc.ks != nil && sp.FirstKS != nil && *kc.ks < *sp.FirstKS {
			what := "was rotated or vacuumed"
			if clock.IsDmesgFormat(nd.log.Format) {
				what = "is a ring buffer that wrapped"
			}
			return fmt.Sprintf("%s starts at %.1f s after boot, after the kill at %.1f s: it %s", shortPath(path), *sp.FirstKS, *kc.ks, what), refs
		}
		if kc.wall != nil && sp.FirstWall != nil && kc.wall.Before(*sp.FirstWall) {
			at := sp.FirstWall.Format(time.RFC3339)
			if w, local := bd.wallText(sp.FirstWall); w != nil {
				at = *w
			} else if local != nil {
				at = *local + " node-local"
			}
			return fmt.Sprintf("%s starts at %s, %s after the kill", shortPath(path), at, words(sp.FirstWall.Sub(*kc.wall))), refs
		}
		if nd.log.Truncated {
			return fmt.Sprintf("%s was truncated by the collector", shortPath(path)), refs
		}
		return fmt.Sprintf("%s covers the kill's time but does not print it (filtered, rate-limited or lost)", shortPath(path)), refs
	}
	return shortPath(path) + " lacks it", nil
}

// coverage lists what the bundle cannot show.
func (bd *builder) coverage() []report.Gap {
	out := []report.Gap{}
	if len(bd.logs) == 0 {
		out = append(out, report.Gap{Source: "kernel-log", Missing: "kernel log", Message: "the bundle has no kernel log: kernel OOM kills cannot be seen at all",
			Collect: "dmesg; journalctl -k --no-pager; /var/log/messages or /var/log/kern.log"})
	}
	for _, lg := range bd.logs {
		if lg.Truncated {
			out = append(out, report.Gap{Source: lg.Path, Missing: report.MissingOlder, Message: fmt.Sprintf("%s keeps only its tail (truncated by the collector): older kills may be missing", lg.Path),
				Collect: "copy the whole file (sos report --log-size 0, or --all-logs)"})
		}
		if len(lg.Boots) > 0 {
			b0 := lg.Boots[0]
			if b0.Reason == "first" && b0.Banner == "" && b0.First != nil && b0.First.KernelSeconds != nil && *b0.First.KernelSeconds > 60 {
				what := "was rotated"
				collect := "older rotated copies of this log"
				if lg.Excerpt {
					out = append(out, report.Gap{Source: lg.Path, Missing: report.MissingOlder, Message: fmt.Sprintf("the kernel lines pasted at %s are an excerpt starting %s after boot: earlier kills of that boot are not in it",
						lg.Path, words(clock.Seconds(*b0.First.KernelSeconds))), Collect: "the whole kernel log: dmesg -T > dmesg.txt, or journalctl -k --no-pager"})
					continue
				}
				if clock.IsDmesgFormat(lg.Format) {
					what = "wrapped (the kernel ring buffer is fixed-size)"
					collect = "journalctl -k --no-pager, /var/log/messages or kern.log, which keep older kernel lines"
				}
				out = append(out, report.Gap{Source: lg.Path, Missing: report.MissingOlder, Message: fmt.Sprintf("%s starts %s after boot: it %s, so earlier kills of that boot are not in it",
					lg.Path, words(clock.Seconds(*b0.First.KernelSeconds)), what), Collect: collect})
			}
		}
	}
	out = append(out, bd.excerptGaps()...)
	out = append(out, bd.mixedHosts()...)
	out = append(out, bd.foreignGaps()...)
	hasSwap := len(bd.b.Swaps) > 0 || len(bd.b.Free) > 0
	if mi := bd.b.MemInfo; mi != nil {
		if _, _, ok := kvGet(mi.Fields, "SwapTotal"); ok {
			hasSwap = true
		}
	}
	if !hasSwap {
		out = append(out, report.Gap{Source: "swap", Missing: "swap at capture", Message: "no swapon, /proc/swaps, free or /proc/meminfo output: swap at capture is unknown",
			Collect: "swapon --show --bytes; cat /proc/swaps; cat /proc/meminfo"})
	}
	if bd.b.Host.CapturedAt == nil {
		msg := "no capture date: kernel seconds, year-less syslog times and Kubernetes event ages cannot be placed in time"
		if bd.hasInput("date") {
			msg = "the capture date could not be read (no zone, or an ambiguous one such as CST): kernel seconds, year-less syslog times and Kubernetes event ages cannot be placed in time"
		}
		out = append(out, report.Gap{Source: "date", Missing: "capture date", Message: msg, Collect: "date --utc; timedatectl"})
	}
	if bd.b.Host.Btime == nil && bd.b.Host.UptimeSec == nil {
		for _, nd := range bd.nodes {
			g := bd.clk.Boots[nd.Group]
			if clock.IsDmesgFormat(nd.log.Format) && !clock.IsCtimeFormat(nd.log.Format) && g.Base == nil {
				out = append(out, report.Gap{Source: nd.log.Path, Missing: "boot time for " + shortPath(nd.log.Path), Message: nd.log.Path + " prints only seconds since boot and nothing ties them to the wall clock",
					Collect: "uptime; grep btime /proc/stat; journalctl -k --no-pager"})
				break
			}
		}
	}
	if bd.kubernetesSeen() && len(bd.b.Nodes) == 0 {
		out = append(out, report.Gap{Source: "kubernetes", Missing: "kubectl describe node", Message: "Kubernetes is in use but there is no `kubectl describe node`: node events (SystemOOM, evictions), pod limits and allocatable memory are unknown",
			Collect: "run sos with `-k kubernetes.describe=on`, or save `kubectl describe node <node>`"})
	}
	// The loader's own gaps (sos plugin timeouts, failed commands, …), unless
	// one of ours already speaks of the same source.
	seen := map[string]bool{}
	for _, g := range out {
		seen[g.Source] = true
	}
	for _, g := range bd.b.Gaps {
		dup := seen[g.Source] ||
			g.Source == "clock" && strings.Contains(g.Message, "capture time") && seen["date"] ||
			g.Source == "describe-node" && seen["kubernetes"] ||
			g.Source == "kernel-log" && strings.Contains(g.Message, "truncated")
		if !dup {
			out = append(out, report.Gap{Source: g.Source, Message: g.Message, Collect: g.Collect, Missing: g.Missing})
		}
	}
	out = append(out, bd.strayWarnings()...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Source != out[j].Source {
			return out[i].Source < out[j].Source
		}
		return out[i].Message < out[j].Message
	})
	return out
}

// kubernetesSeen says whether the bundle shows Kubernetes at all (cached).
func (bd *builder) kubernetesSeen() bool {
	if bd.k8sSeen == nil {
		v := bd.kubernetesSeenUncached()
		bd.k8sSeen = &v
	}
	return *bd.k8sSeen
}

func (bd *builder) kubernetesSeenUncached() bool {
	if bd.b.Kubelet != nil || len(bd.b.Pods) > 0 || len(bd.b.K8sEvents) > 0 {
		return true
	}
	for _, kc := range bd.kills {
		if strings.Contains(kc.taskMemcg(), "kubepods") || strings.Contains(kc.oomMemcg(), "kubepods") || kc.killer == "kubelet-eviction" {
			return true
		}
	}
	for _, lg := range bd.logs {
		for _, e := range lg.Events {
			if e.Kind == "kubelet-start" || e.Kind == "kubelet-eviction" {
				return true
			}
		}
	}
	return false
}

// carriesKernel says whether a log holds kernel messages at all, so that a
// kernel kill missing from it means something.
func carriesKernel(lg *parse.KernelLog) bool {
	if clock.IsDmesgFormat(lg.Format) || len(lg.Reports) > 0 || len(lg.Clock) > 0 {
		return true
	}
	for _, b := range lg.Boots {
		if b.Banner != "" {
			return true
		}
	}
	for _, e := range lg.Events {
		switch e.Kind {
		case "alloc-failure", "callbacks-suppressed", "hung-task", "kswapd", "swap-on", "swap-off", "oom-killer-disabled", "oom-killer-enabled", "kernel-panic":
			return true
		}
	}
	return false
}

// strayWarnings turns the loader's bundle-level warnings that name no input
// (a folder that cannot be listed, the file-count cap, a sosreport found one
// level down) into gaps, so that none is dropped silently; warnings about an
// input are listed with it (inputs).
func (bd *builder) strayWarnings() []report.Gap {
	inputs := map[string]bool{}
	for _, in := range bd.b.Inputs {
		inputs[in.Path] = true
	}
	var out []report.Gap
	for _, w := range bd.b.Warnings {
		if inputs[w.Path] {
			continue
		}
		where := w.Path
		if w.Line > 0 {
			where = fmt.Sprintf("%s:%d", w.Path, w.Line)
		}
		out = append(out, report.Gap{Source: "bundle", Message: where + ": " + w.Message})
	}
	return out
}

// sameBootShown says whether the bundle shows that nd is the boot of the kill
// kc: a clock basis on either side (they were joined by time, or by a
// journal boot ID), or another kill printed in both logs. Logs joined only
// because each one's last boot is taken for the running one (a loose folder
// of unrelated dmesg files) prove nothing about what the other should hold.
func (bd *builder) sameBootShown(nd *bootNode, kc *killCtx) bool {
	if nd.Base != nil || (nd.Boot != nil && nd.Boot.ID != "") {
		return true
	}
	for _, o := range kc.occs {
		if o.node.Base != nil {
			return true
		}
	}
	for _, other := range bd.kills {
		in, with := false, false
		for _, o := range other.occs {
			in = in || o.node == nd
			for _, ko := range kc.occs {
				with = with || o.node == ko.node
			}
		}
		if in && with {
			return true
		}
	}
	return false
}

// mixedHosts warns when the logs name more than one machine: oomlens reads
// a bundle as one node, so the kills, boots and timeline of several
// machines (a folder of files from different nodes, a central syslog
// server's messages) would be told as one. Host names are compared without
// their domain; "localhost" (early boot) does not count. A log naming
// several hosts may also be one renamed host, and the message says so.
func (bd *builder) mixedHosts() []report.Gap {
	norm := parse.HostKey
	type logHosts struct {
		path  string
		names []string // as printed, first of each normalized name
		set   map[string]bool
	}
	var logs []logHosts
	for _, lg := range bd.logs {
		lh := logHosts{path: lg.Path, set: map[string]bool{}}
		for _, h := range lg.Hosts {
			if n := norm(h); n != "" && !lh.set[n] {
				lh.set[n] = true
				lh.names = append(lh.names, h)
			}
		}
		if len(lh.names) > 0 {
			logs = append(logs, lh)
		}
	}
	var out []report.Gap
	for _, lh := range logs {
		if len(lh.names) > 1 {
			out = append(out, report.Gap{Source: lh.path, Missing: "one host (a log with several host names)", Message: fmt.Sprintf("%s has lines from %d host names (%s): one host renamed, or a log gathered from several machines, whose kills would be told here as one node's",
				lh.path, len(lh.names), strings.Join(lh.names, ", ")), Collect: "each machine's own logs, analysed separately"})
		}
	}
	for i := range logs {
		for j := i + 1; j < len(logs); j++ {
			a, b := logs[i], logs[j]
			shared := false
			for n := range a.set {
				if b.set[n] {
					shared = true
					break
				}
			}
			if !shared {
				out = append(out, report.Gap{Source: "hosts", Missing: "one host (files of several hosts)", Message: fmt.Sprintf("%s is from %s but %s is from %s: oomlens reads a bundle as one machine, so if these are different machines their kills and timelines are mixed here",
					a.path, strings.Join(a.names, ", "), b.path, strings.Join(b.names, ", ")), Collect: "analyse each machine's files as a bundle of its own (one folder each)"})
				return out // one pair says it; the rest would repeat it
			}
		}
	}
	return out
}

// excerptGaps names the kills of pasted kernel lines whose report the
// paste does not hold: no Mem-Info, no "Total swap"/"Free swap" lines.
func (bd *builder) excerptGaps() []report.Gap {
	var out []report.Gap
	for _, kc := range bd.kills {
		if kc.ev != nil || kc.fromEvent() || len(kc.occs) == 0 || !kc.occs[0].node.log.Excerpt {
			continue
		}
		excerptOnly := true
		for _, o := range kc.occs {
			excerptOnly = excerptOnly && o.node.log.Excerpt
		}
		if !excerptOnly || kc.mi != nil && kc.mi.TotalSwapKB != nil || kc.kind == "memcg" {
			// a memcg report prints the cgroup's usage and swap instead
			continue
		}
		what := "no Mem-Info and no swap totals (Total swap / Free swap)"
		if kc.mi != nil {
			what = "no swap totals (Total swap / Free swap)"
		}
		out = append(out, report.Gap{Source: kc.occs[0].node.log.Path, Missing: "the whole OOM report",
			Message: fmt.Sprintf("the pasted kernel lines hold %s of the kill of %s %s: memory and swap at the kill are unknown", what, who(kc), cite(kc.primRef())),
			Collect: "the whole OOM report: dmesg -T (or journalctl -k) from the \"invoked oom-killer\" line to the \"Killed process\" line"})
	}
	return out
}
