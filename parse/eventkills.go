package parse

// Kills seen only by Kubernetes: the kubelet's SystemOOM node event
//
//	Warning  SystemOOM  5m46s  kubelet, node1  System OOM encountered, victim process: pip3, pid: 24161
//
// and node-problem-detector's OOMKilling event, whose message is the
// kernel's kill line
//
//	Warning  OOMKilling  12m  kernel-monitor, node1  Memory cgroup out of memory: Killed process 4242 (java) total-vm:…
//
// report a kernel kill. When the kernel lines of that kill are in the
// bundle the event is matched to them (correlate); when they are not,
// the event is the only witness, and it becomes a kill of its own with
// the facts the event prints: an OOM report of one kill line whose
// evidence is the event's line, kept in a KernelLog of Format
// "kube-event" per file. Its time is unknown: a SystemOOM event's age is
// when the kubelet read the kernel line, which may be long after.

import (
	"sort"
	"strings"

	"github.com/oomlens/oomlens/parse/kernel"
	"github.com/oomlens/oomlens/parse/kube"
)

// FormatKubeEvent is the Format of a KernelLog built from node events.
const FormatKubeEvent = "kube-event"

func (l *loader) finishEventKills() {
	b := l.b
	have := map[int]bool{}
	for _, lg := range b.KernelLogs {
		for _, r := range lg.Reports {
			for _, k := range r.Kills {
				have[k.Pid] = true
			}
		}
	}
	logs := map[string]*KernelLog{}
	unnamed := 0
	add := func(k KillLine, raw string, count int) {
		if have[k.Pid] {
			return // the kernel lines are here: correlate matches the event to them
		}
		have[k.Pid] = true
		lg := logs[k.Path]
		if lg == nil {
			lg = &KernelLog{Path: k.Path, Format: FormatKubeEvent, Excerpt: true}
			logs[k.Path] = lg
		}
		lg.Lines = max(lg.Lines, k.Line)
		rep := &OOMReport{Path: k.Path, Start: k.Ref, End: k.Ref, Kills: []KillLine{k}, Lines: []Quote{{Ref: k.Ref, Text: raw}}, EventCount: count}
		lg.Reports = append(lg.Reports, rep)
		// An aggregated event ("(x4 over 36m)") stands for that many
		// kills; only the newest names its victim: the others have an
		// unknown pid (a negative placeholder, see KillLine.PidKnown).
		for i := 1; i < count; i++ {
			unnamed++
			u := KillLine{Ref: k.Ref, Pid: -unnamed, Form: k.Form, Message: k.Message}
			lg.Reports = append(lg.Reports, &OOMReport{Path: k.Path, Start: k.Ref, End: k.Ref, Kills: []KillLine{u}, Lines: []Quote{{Ref: k.Ref, Text: raw}}, EventCount: count})
		}
	}
	// OOMKilling first: it carries the kernel's whole kill line, so a
	// SystemOOM event of the same pid adds nothing but its evidence
	// (correlate matches it to the kill by pid).
	for _, reason := range []string{"OOMKilling", "SystemOOM"} {
		for _, n := range b.Nodes {
			if n == nil { // b.Nodes holds this host's nodes only (finishNodes)
				continue
			}
			for _, e := range n.Events {
				if e.Reason != reason {
					continue
				}
				if k, ok := eventKill(e.Reason, e.Message, e.VictimName, e.VictimPid); ok {
					k.Ref = e.Ref
					add(k, quoteAt(n.Lines, e.Ref, e.Message), e.Count)
				}
			}
		}
		for _, e := range b.K8sEvents {
			if e.Reason != reason {
				continue
			}
			name, pid := kube.SystemOOMVictim(e.Message)
			if k, ok := eventKill(e.Reason, e.Message, name, pid); ok {
				k.Ref = e.Ref
				add(k, e.Message, e.Count)
			}
		}
	}
	for _, c := range l.podStatusKills() {
		add(c.kill, c.raw, 1)
	}
	paths := make([]string, 0, len(logs))
	for p := range logs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		b.KernelLogs = append(b.KernelLogs, logs[p])
	}
}

// podKill is a kill known only from a container's status.
type podKill struct {
	kill KillLine
	raw  string
}

// podStatusKills are the containers whose last state is Terminated with
// Reason OOMKilled, as kills of their own, when no kernel report of the
// bundle can be the kill: none names the pod's UID in its memory cgroup
// (or, the UID unknown, none is in a kubepods cgroup). The kill's time is
// the container's Finished time; its victim process and pid are not
// printed. A container restarted since has a new ID, so only the pod's
// cgroup ties it to a kernel report.
func (l *loader) podStatusKills() []podKill {
	var kernelCgroups []string
	for _, lg := range l.b.KernelLogs {
		if lg.Format == FormatKubeEvent {
			continue
		}
		for _, r := range lg.Reports {
			if len(r.Kills) == 0 {
				continue
			}
			if m := r.Memcg; m != nil {
				kernelCgroups = append(kernelCgroups, strings.ToLower(m.TaskMemcg), strings.ToLower(m.LimitMemcg))
			}
			if c := r.Constraint; c != nil {
				for _, p := range []*string{c.TaskMemcg, c.OOMMemcg, c.Cpuset} {
					if p != nil {
						kernelCgroups = append(kernelCgroups, strings.ToLower(*p))
					}
				}
			}
		}
	}
	seen := func(uid string) bool {
		for _, cg := range kernelCgroups {
			if uid == "" && strings.Contains(cg, "kubepods") {
				return true
			}
			if uid != "" && (strings.Contains(cg, uid) || strings.Contains(cg, strings.ReplaceAll(uid, "-", "_"))) {
				return true
			}
		}
		return false
	}
	var out []podKill
	done := map[string]bool{} // a pod both described and listed as JSON: one kill
	for _, p := range l.b.Pods {
		if p == nil || seen(strings.ToLower(p.UID)) {
			continue
		}
		for _, c := range p.Containers {
			key := p.Namespace + "/" + p.Name + "/" + c.Name + "/" + c.LastFinished
			if c.LastReason != "OOMKilled" || done[key] {
				continue
			}
			done[key] = true
			ref := c.Ref
			if c.LastReasonRef != nil {
				ref = *c.LastReasonRef
			}
			k := KillLine{Ref: ref, Form: kernel.FormPodStatus, Message: "OOMKilled"}
			if t := c.LastFinishedAt; t != nil {
				k.Stamp = Stamp{Wall: t, WallHasYear: true, WallHasZone: true}
			}
			out = append(out, podKill{kill: k, raw: quoteAt(p.Lines, ref, "Reason: OOMKilled")})
		}
	}
	return out
}

// eventKill is the kill line an event reports, if it reports one.
func eventKill(reason, msg, name string, pid *int) (KillLine, bool) {
	switch reason {
	case "SystemOOM":
		if pid == nil {
			return KillLine{}, false
		}
		return KillLine{Pid: *pid, Comm: name, Form: kernel.FormSystemOOM}, true
	case "OOMKilling":
		return kube.EventKillLine(msg)
	}
	return KillLine{}, false
}

// quoteAt returns the text of the node's quoted line r, or alt.
func quoteAt(qs []Quote, r Ref, alt string) string {
	for _, q := range qs {
		if q.Ref == r {
			return q.Text
		}
	}
	return alt
}
