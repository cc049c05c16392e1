package correlate

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kernel"
	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// Findings: a table of small rules, each turning the evidence about one kill
// into at most one Finding with a stable ID. A rule returns nil when the
// evidence does not support it. Every number in a finding comes from printed
// values, with its unit.

type ruleFunc func(bd *builder, kc *killCtx) *report.Finding

type rule struct {
	id string
	fn ruleFunc
}

// rules is the finding table, in output order.
var rules []rule

func init() {
	rules = []rule{
		{"userspace-kill", ruleUserspaceKill},
		{"event-only-kill", ruleEventOnly},
		{"not-from-this-boot", ruleNotHere("not-from-this-boot")},
		{"not-from-this-host", ruleNotHere("not-from-this-host")},
		{"global-oom", ruleGlobalOOM},
		{"memcg-limit", ruleMemcgLimit},
		{"cpuset-or-mempolicy", ruleCpusetMempolicy},
		{"manual-oom", ruleManualOOM},
		{"kill-from-reaper", ruleKillFromReaper},
		{"panic-on-oom", rulePanicOnOOM},
		{"no-killable-process", ruleNoKillable},
		{"badness-implies-total", ruleBadnessTotal},
		{"no-swap-configured", ruleNoSwap},
		{"swap-exhausted", ruleSwapExhausted},
		{"oom-with-free-swap", ruleOOMWithFreeSwap},
		{"memcg-swap-limit", ruleMemcgSwapLimit},
		{"kubelet-swap-policy", ruleKubeletSwapPolicy},
		{"swappiness-zero", ruleSwappinessZero},
		{"gfp-no-io", ruleGFPNoIO},
		{"high-order-alloc", ruleHighOrder},
		{"unevictable-memory", ruleUnevictable},
		{"shmem-pinned", ruleShmem},
		{"hugepages-reserved", ruleHugepages},
		{"page-tables-large", rulePageTables},
		{"min-free-kbytes-high", ruleMinFreeHigh},
		{"zram-swap", ruleZramSwap},
		{"allocating-task-killed", ruleAllocatingTask},
		{"swap-changed-since-kill", ruleSwapChanged},
		{"victim-had-swap", ruleVictimHadSwap},
		{"victim-not-invoker", ruleVictimNotInvoker},
		{"oom-group-kill", ruleOOMGroup},
		{"repeated-kills", ruleRepeated},
		{"pod-attribution", rulePodAttribution},
		{"container-limit-no-node-event", ruleContainerNoNodeEvent},
		{"kubelet-replayed-events", ruleReplayed},
		{"node-overcommitted", ruleOvercommitted},
		{"eviction-before-oom", ruleEvictionBefore},
		{"eviction-too-late", ruleEvictionTooLate},
		{"dmesg-time-drift", ruleDrift},
		{"coverage-gap", ruleCoverageGap},
	}
}

// swapReasonRules explain why free swap did not prevent the kill.
var swapReasonRules = []string{"memcg-swap-limit", "kubelet-swap-policy", "swappiness-zero", "gfp-no-io", "high-order-alloc", "unevictable-memory", "shmem-pinned", "hugepages-reserved", "min-free-kbytes-high", "zram-swap"}

func ruleByID(id string) ruleFunc {
	for _, r := range rules {
		if r.id == id {
			return r.fn
		}
	}
	return nil
}

func (bd *builder) findings(kc *killCtx) []report.Finding {
	out := []report.Finding{}
	for _, r := range rules {
		if f := r.fn(bd, kc); f != nil {
			f.Rule = r.id
			if f.Origin == "" {
				f.Origin = "built-in"
			}
			f.Evidence = sortRefs(f.Evidence)
			out = append(out, *f)
		}
	}
	return out
}

func fnd(sev, summary, detail string, refs ...report.Ref) *report.Finding {
	return &report.Finding{Severity: sev, Summary: summary, Detail: detail, Evidence: append([]report.Ref{}, refs...)}
}

func pref(r *parse.Ref) []report.Ref {
	if r == nil {
		return nil
	}
	return []report.Ref{toRef(*r)}
}

func who(kc *killCtx) string {
	if p := kc.victimPid(); p != nil {
		return fmt.Sprintf("%s (pid %d)", kc.victimName(), *p)
	}
	return kc.victimName()
}

func isKernel(kc *killCtx) bool { return kc.ev == nil && kc.kill != nil }

// --- what was hit -------------------------------------------------------

func ruleUserspaceKill(bd *builder, kc *killCtx) *report.Finding {
	if kc.ev == nil {
		return nil
	}
	e := kc.ev
	var s string
	switch kc.killer {
	case "systemd-oomd":
		s = fmt.Sprintf("systemd-oomd killed %s from userspace", firstNonEmpty(e.Cgroup, e.Name))
	case "earlyoom":
		s = fmt.Sprintf("earlyoom killed %s from userspace", who(kc))
	default:
		s = fmt.Sprintf("The kubelet evicted pod %s", firstNonEmpty(e.Pod, e.Name))
	}
	d := "A userspace killer acted before the kernel OOM killer: there is no kernel OOM report for it, only its own log line."
	refs := kc.killRefs()
	if e.Pressure != "" {
		d += " It reported: " + e.Pressure
		if e.PressureRef != nil {
			refs = append(refs, toRef(*e.PressureRef))
			d += " " + cite(toRef(*e.PressureRef))
		}
		d += "."
	}
	if kc.killer == "kubelet-eviction" {
		d = "An eviction is not a kernel OOM kill: the kubelet stops the pod (SIGTERM, grace period) when node memory.available falls below its eviction threshold."
	}
	return fnd("warning", s+" "+cite(kc.killRefs()...)+".", d, refs...)
}

// ruleEventOnly: a kill known only from a Kubernetes event.
func ruleEventOnly(bd *builder, kc *killCtx) *report.Finding {
	if !kc.fromEvent() {
		return nil
	}
	ref := kc.primRef()
	victim := who(kc)
	if kc.victimPid() == nil {
		victim = "a process the event does not name"
	}
	var s, d string
	if kc.fromPodStatus() {
		return podStatusFinding(bd, kc)
	}
	if kc.kill.Form == kernel.FormSystemOOM {
		s = fmt.Sprintf("The kernel killed %s, known only from the kubelet's SystemOOM event %s: no kernel line of this kill is in the input.", victim, cite(ref))
		d = "The kubelet reads the kernel log (/dev/kmsg) and emits SystemOOM only for OOM kills of the root cgroup, so the whole node ran out of memory (an older kubelet or cAdvisor on kernel 5.0 or later could also report container-limit kills). The event prints the victim's name and pid only: its memory, the swap at the kill and the time of the kill are unknown, and the event's age is when the kubelet read the kernel line (at its start it re-reads the whole ring buffer), not when the kill happened."
	} else {
		s = fmt.Sprintf("The kernel killed %s, known only from the node-problem-detector OOMKilling event %s, which carries the kernel's kill line: no other kernel line of this kill is in the input.", victim, cite(ref))
		d = "node-problem-detector's kernel monitor copies the kernel's \"Killed process\" line into the event: the victim's sizes are as the kernel printed them; the rest of the OOM report (Mem-Info, swap totals, task table) and the exact time are not in the event."
	}
	if n := kc.rep.EventCount; n > 1 {
		d += fmt.Sprintf(" The event is aggregated: it stands for %d kills, and only the newest names its victim.", n)
	}
	d += " Collect the kernel log of the node (journalctl -k --no-pager, or dmesg -T) for the whole report."
	return fnd("warning", s, d, ref)
}

// podStatusFinding says what a container's OOMKilled status tells: which
// container, when it finished, its exit code, restarts and memory limit.
func podStatusFinding(bd *builder, kc *killCtx) *report.Finding {
	p, c := bd.statusContainer(kc)
	if p == nil {
		return nil
	}
	refs := []report.Ref{kc.primRef()}
	s := fmt.Sprintf("The kubelet reports container %s of pod %s/%s Terminated with Reason OOMKilled", c.Name, p.Namespace, p.Name)
	if c.LastExitCode != nil {
		s += fmt.Sprintf(", exit code %d", *c.LastExitCode)
	}
	if c.LastFinished != "" {
		s += ", finished " + c.LastFinished
	}
	if c.Restarts != nil {
		s += fmt.Sprintf("; it has restarted %d times", *c.Restarts)
	}
	if c.MemLimitKB != nil {
		s += ", memory limit " + units.KB(*c.MemLimitKB)
	}
	s += " " + cite(refs...) + "."
	d := "A container is OOMKilled when the kernel's OOM killer killed a process in its memory cgroup: usually at its own limit (the kernel prints \"Memory cgroup out of memory\"), but on cgroup v2 also in a node-wide OOM that chose a process of this container. The status does not say which process, how much memory it held, or which of the two it was; only the node's kernel log does. No kernel report in the input names this pod's cgroup."
	return fnd("warning", s, d, refs...)
}

func ruleGlobalOOM(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.kind != "global" || kc.fromEvent() || isManual(kc) {
		return nil
	}
	refs := []report.Ref{kc.primRef()}
	s := fmt.Sprintf("The whole node ran out of memory: the kernel's global OOM killer killed %s %s.", who(kc), cite(kc.primRef()))
	var d []string
	if kc.cons != nil {
		refs = append(refs, toRef(kc.cons.Ref))
		d = append(d, fmt.Sprintf("The summary line says %s with global_oom: no cgroup limit was involved %s.", kc.cons.Constraint, cite(toRef(kc.cons.Ref))))
	}
	if km := kc.out.MemInfo; km != nil && kc.mi != nil {
		refs = append(refs, toRef(kc.mi.Header))
		if len(kc.mi.Counters) > 0 {
			refs = append(refs, toRef(kc.mi.Counters[0].Ref))
		}
		refs = append(refs, pref(kc.mi.PagesRAMRef)...)
		d = append(d, composition(km, kc))
		if w, r := watermarks(kc.mi); w != "" {
			d = append(d, w)
			refs = append(refs, r...)
		}
	} else {
		d = append(d, "The Mem-Info block was not printed with this kill (the report header is rate-limited or cut), so how memory was spent is unknown; an earlier report of the same burst, or the persistent kernel log (journalctl -k --no-pager, /var/log/messages), may hold it.")
	}
	if tc := topText(kc, 5); tc != "" {
		d = append(d, "Largest consumers in the task table (resident, by name): "+tc+" "+cite(topRefs(kc, 5)...)+".")
		refs = append(refs, topRefs(kc, 5)...)
	}
	return fnd("critical", s, strings.Join(d, " "), refs...)
}

// composition describes Mem-Info in words.
func composition(km *report.KillMem, kc *killCtx) string {
	type part struct {
		name string
		v    *int64
	}
	parts := []part{{"anonymous", km.AnonKB}, {"page cache", km.FileKB}, {"shmem/tmpfs", km.ShmemKB}, {"unreclaimable slab", km.SlabUnreclaimKB},
		{"reclaimable slab", km.SlabReclaimKB}, {"hugepages", km.HugepagesKB}, {"kernel stacks", km.KernelStackKB}, {"page tables", km.PagetablesKB},
		{"unevictable", km.UnevictableKB}, {"free", km.FreeKB}}
	var ws []string
	var top part
	for _, p := range parts {
		if p.v == nil {
			continue
		}
		ws = append(ws, fmt.Sprintf("%s %s", p.name, units.KB(*p.v)))
		if p.name != "free" && (top.v == nil || *p.v > *top.v) {
			top = p
		}
	}
	if len(ws) == 0 {
		return "Mem-Info was printed but none of its counters could be read."
	}
	s := "At the kill memory was spent as: " + strings.Join(ws, ", ")
	if km.RAMKB != nil {
		s += fmt.Sprintf(" of %s RAM", units.KB(*km.RAMKB))
	}
	s += fmt.Sprintf(" (Mem-Info, %d kB pages).", kc.pageKB)
	if top.v != nil && km.RAMKB != nil && *km.RAMKB > 0 {
		s += fmt.Sprintf(" %s memory dominated (%s of RAM).", capFirst(top.name), pct(*top.v, *km.RAMKB))
		if top.name == "unreclaimable slab" {
			s += " Kernel memory that swap cannot hold: look for a leaking driver or cache in the Unreclaimable slab table."
		}
	}
	return s
}

func capFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func topText(kc *killCtx, n int) string {
	var ws []string
	for i, c := range kc.out.Top {
		if i >= n {
			break
		}
		w := fmt.Sprintf("%s %s", c.Name, units.KB(c.RSSKB))
		if c.Tasks > 1 {
			w += fmt.Sprintf(" in %d tasks", c.Tasks)
		}
		if c.SwapKB != nil && *c.SwapKB > 0 {
			w += fmt.Sprintf(" + %s swapped", units.KB(*c.SwapKB))
		}
		if c.IsVictim {
			w += " (victim)"
		}
		ws = append(ws, w)
	}
	return strings.Join(ws, ", ")
}

func topRefs(kc *killCtx, n int) []report.Ref {
	if kc.tasks == nil {
		return nil
	}
	names := map[string]bool{}
	for i, c := range kc.out.Top {
		if i < n {
			names[c.Name] = true
		}
	}
	var rs []report.Ref
	seen := map[string]int{}
	for r := range kc.tasks.Briefs() {
		if names[r.Name] && seen[r.Name] < 4 {
			seen[r.Name]++
			rs = append(rs, toRef(r.Ref))
		}
	}
	return rs
}

func ruleMemcgLimit(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.kind != "memcg" {
		return nil
	}
	cg := firstNonEmpty(kc.oomMemcg(), kc.taskMemcg(), "(path not printed)")
	refs := []report.Ref{kc.primRef()}
	if kc.cons != nil {
		refs = append(refs, toRef(kc.cons.Ref))
	}
	var d []string
	m := kc.memcg
	s := fmt.Sprintf("%s was killed because its memory cgroup %s reached its limit, not because the node ran out", who(kc), cg)
	if m != nil && m.Memory != nil {
		c := m.Memory
		refs = append(refs, toRef(c.Ref))
		if c.Unlimited {
			s += fmt.Sprintf(": usage %s, no memory limit printed (an ancestor's limit applies)", units.KB(c.UsageKB))
		} else {
			s += fmt.Sprintf(": usage %s of a %s limit", units.KB(c.UsageKB), units.KB(c.LimitKB))
		}
		s += " " + cite(toRef(c.Ref), kc.primRef())
		d = append(d, fmt.Sprintf("memory: usage %d kB, limit %d kB, failcnt %d — the cgroup hit its limit %d times.", c.UsageKB, c.LimitKB, c.Failcnt, c.Failcnt))
	} else {
		s += " " + cite(refs...)
	}
	if kc.taskMemcg() != "" && kc.oomMemcg() != "" && kc.taskMemcg() != kc.oomMemcg() {
		d = append(d, fmt.Sprintf("The limit hit belongs to %s, an ancestor of the victim's cgroup %s (for a pod: the pod-level limit, the sum of its containers' limits).", kc.oomMemcg(), kc.taskMemcg()))
	}
	if km := kc.out.MemInfo; km != nil && km.Source == "memcg-stats" {
		var ws []string
		for _, p := range []struct {
			n string
			v *int64
		}{{"anon", km.AnonKB}, {"file", km.FileKB}, {"shmem", km.ShmemKB}, {"unreclaimable slab", km.SlabUnreclaimKB}, {"kernel stacks", km.KernelStackKB}, {"unevictable", km.UnevictableKB}} {
			if p.v != nil {
				ws = append(ws, p.n+" "+units.KB(*p.v))
			}
		}
		if len(ws) > 0 {
			r := []report.Ref{}
			if len(m.StatsFor) > 0 {
				r = append(r, toRef(m.StatsFor[0].Ref))
			}
			refs = append(refs, r...)
			d = append(d, "The cgroup's memory at the kill: "+strings.Join(ws, ", ")+" "+cite(r...)+".")
		}
	}
	if tc := topText(kc, 5); tc != "" {
		d = append(d, "Tasks in the cgroup (resident): "+tc+" "+cite(topRefs(kc, 5)...)+".")
		refs = append(refs, topRefs(kc, 5)...)
	}
	return fnd("critical", s+".", strings.Join(d, " "), refs...)
}

func ruleCpusetMempolicy(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || (kc.kind != "cpuset" && kc.kind != "mempolicy") || isManual(kc) {
		return nil
	}
	refs := []report.Ref{kc.primRef()}
	nodes := allowedNodes(kc)
	if kc.cons != nil {
		refs = append(refs, toRef(kc.cons.Ref))
	}
	if kc.rep.Cpuset != nil {
		refs = append(refs, toRef(kc.rep.Cpuset.Ref))
	}
	what := "cpuset (cpuset.mems)"
	if kc.kind == "mempolicy" {
		what = "memory policy (MPOL_BIND: numactl --membind, a VM's or container's NUMA binding)"
	}
	s := fmt.Sprintf("%s was killed because the NUMA nodes its %s allows ran out of memory, not the whole machine %s.", who(kc), what, cite(refs...))
	d := "Only tasks that may allocate on those nodes were candidates, and memory on other nodes did not count."
	if nodes != "" {
		d += " Allowed nodes: " + nodes + "."
	}
	if t, r := nodeFree(kc); t != "" {
		d += " " + t
		refs = append(refs, r...)
	}
	d += " This is a NUMA binding problem, not a RAM one: adding RAM to other nodes or swap elsewhere does not help the bound task."
	return fnd("critical", s, d, refs...)
}

// allowedNodes is the node list a cpuset or mempolicy kill was limited to,
// as printed: the nodemask of a mempolicy kill, else mems_allowed.
func allowedNodes(kc *killCtx) string {
	if kc.kind == "mempolicy" {
		if kc.cons != nil && kc.cons.Nodemask != "" && kc.cons.Nodemask != "(null)" {
			return "nodemask=" + kc.cons.Nodemask
		}
		if kc.trig != nil && kc.trig.Nodemask != nil && *kc.trig.Nodemask != "(null)" {
			return "nodemask=" + *kc.trig.Nodemask
		}
	}
	if kc.cons != nil && kc.cons.MemsAllowed != nil {
		return "mems_allowed=" + *kc.cons.MemsAllowed
	}
	if kc.rep.Cpuset != nil && kc.rep.Cpuset.MemsAllowed != "" {
		return "mems_allowed=" + kc.rep.Cpuset.MemsAllowed
	}
	return ""
}

// nodeFree sums the zones' free memory per NUMA node from Mem-Info.
func nodeFree(kc *killCtx) (string, []report.Ref) {
	if kc.mi == nil || len(kc.mi.Zones) == 0 {
		return "", nil
	}
	free := map[int]int64{}
	var order []int
	var refs []report.Ref
	for _, z := range kc.mi.Zones {
		f, _, ok := kvGet(z.Fields, "free")
		if !ok {
			continue
		}
		if _, seen := free[z.Node]; !seen {
			order = append(order, z.Node)
		}
		free[z.Node] += f
		refs = append(refs, toRef(z.Ref))
	}
	if len(order) < 2 {
		return "", nil
	}
	var ws []string
	for _, n := range order {
		ws = append(ws, fmt.Sprintf("node %d %s", n, units.KB(free[n])))
	}
	return "Free memory by node at the kill: " + strings.Join(ws, ", ") + " " + cite(refs...) + ".", refs
}

func ruleManualOOM(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || !kc.out.Manual {
		return nil
	}
	refs := manualRefs(kc)
	s := fmt.Sprintf("This OOM kill was asked for (SysRq f: Alt+SysRq+f or echo f > /proc/sysrq-trigger, order=-1), not caused by a failed allocation: the kernel killed %s because it was told to %s.", who(kc), cite(refs...))
	mm := manualMemory(kc)
	refs = append(refs, mm.refs...)
	d := "A manual OOM kill runs the OOM killer from the SysRq handler (moom_callback) and kills the task with the highest badness even when memory is not short, so this kill says nothing by itself about the node's memory. " + mm.text
	d += " Next: " + manualAdvice + "."
	if mm.short {
		d += " Memory was short as well, so whoever asked may have been reacting to real pressure: also look for what used the memory."
	}
	return fnd("warning", s, d, refs...)
}

// ruleKillFromReaper explains a kill known only from its oom_reaper line.
func ruleKillFromReaper(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.out.InferredFrom == nil {
		return nil
	}
	r := kc.primRef()
	s := fmt.Sprintf("No \"Killed process\" line for %s is in the bundle: the kill is inferred from the oom_reaper line that reaped its memory %s.", who(kc), cite(r))
	d := "The OOM reaper only reaps tasks the OOM killer has just killed, so the kill happened, shortly before this line. The kill line itself was lost: records dropped by a /dev/kmsg reader that fell behind, a ring buffer or log cut, or a grep that missed it. Its figures (total-vm, anon-rss, the victim's uid on the kill line) are taken from the task table when it lists the victim; its time is the reaper's."
	return fnd("info", s, d, r)
}

func rulePanicOnOOM(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) {
		return nil
	}
	if kc.rep.Panic != nil {
		r := toRef(kc.rep.Panic.Ref)
		return fnd("critical", "The kernel panicked on this OOM "+cite(r)+".", "With vm.panic_on_oom set (or no killable task on a global OOM) the kernel panics instead of killing: the node rebooted. Set vm.panic_on_oom=0 unless a crash dump is wanted.", r)
	}
	if s := bd.sysctl("vm.panic_on_oom"); s != nil && s.Value != "0" && s.Value != "" {
		r := toRef(s.Ref)
		return fnd("warning", fmt.Sprintf("vm.panic_on_oom is %s on this node %s: the next OOM may panic the node instead of killing one task.", s.Value, cite(r)),
			"panic_on_oom=1 panics on a global OOM, 2 even on a cgroup OOM.", r)
	}
	return nil
}

func ruleNoKillable(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.rep.NoKillable == nil {
		return nil
	}
	r := toRef(kc.rep.NoKillable.Ref)
	return fnd("critical", "The kernel found no killable process "+cite(r)+".", "Every candidate had oom_score_adj -1000 or was already dying; on a global OOM this ends in a panic (System is deadlocked on memory).", r)
}

// --- how much ------------------------------------------------------------

// pagesOf and swapPages give the report's "N pages RAM" and its total swap
// in pages (nil when not printed).
func pagesOf(mi *parse.MemInfo) *int64 {
	if mi == nil {
		return nil
	}
	return mi.PagesRAM
}

func swapPages(mi *parse.MemInfo, pageKB int64) *int64 {
	if mi == nil || mi.TotalSwapKB == nil {
		return nil
	}
	n, ok := units.ToKB(*mi.TotalSwapKB, 1, pageKB, units.Down)
	if !ok {
		return nil
	}
	return &n
}

// ruleBadnessTotal infers RAM+swap (or the memcg limit) from the printed
// score: score = points*1000/totalpages + adj, points = rss + swapents +
// page-table pages.
func ruleBadnessTotal(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.sel == nil || kc.sel.Score == nil || kc.tasks == nil {
		return nil
	}
	// The score belongs to the selected task, which may be the parent of a
	// sacrificed child (kernels before 5.1).
	row, ok := kc.tasks.Find(kc.sel.Pid)
	if !ok {
		return nil
	}
	r := &row
	if r.Swapents == nil {
		return nil
	}
	ps := kc.pageKB
	var pt int64
	ptText := ""
	switch {
	case r.PgtablesBytes != nil:
		var ok bool
		if pt, ok = units.ToKB(*r.PgtablesBytes, 1, ps*1024, units.Down); !ok {
			return nil
		}
		ptText = fmt.Sprintf("page tables %d pages [pgtables_bytes %d/%d]", pt, *r.PgtablesBytes, ps*1024)
	case r.NrPtes != nil:
		pt = *r.NrPtes
		if r.NrPmds != nil {
			pt += *r.NrPmds
		}
		ptText = fmt.Sprintf("page tables %d pages", pt)
	default:
		return nil
	}
	adj := 0
	if r.OOMScoreAdj != nil {
		adj = *r.OOMScoreAdj
	}
	score := *kc.sel.Score
	eff := score - int64(adj)
	if eff <= 0 || score <= 1 {
		return nil // badness is clamped to 1: nothing can be inferred
	}
	// Page counts that are negative or whose sums overflow say nothing.
	points := sumKB(ptr(r.RSS), r.Swapents, ptr(pt))
	if points == nil {
		return nil
	}
	// score = floor(points*1000/total): total in (points*1000/(eff+1), points*1000/eff].
	hi, ok1 := units.ToKB(*points, 1000, eff, units.Down)
	lo, ok2 := units.ToKB(*points, 1000, eff+1, units.Down)
	if !ok1 || !ok2 {
		return nil
	}
	lo++
	mid := lo + (hi-lo)/2
	loKB, hiKB, midKB := kc.pagesToKB(lo), kc.pagesToKB(hi), kc.pagesToKB(mid)
	if loKB == nil || hiKB == nil || midKB == nil {
		return nil
	}
	refs := []report.Ref{toRef(kc.sel.Ref), toRef(r.Ref)}
	what := "RAM + swap"
	if kc.kind == "memcg" {
		what = "the cgroup's limit (memory, plus swap where counted)"
	}
	s := fmt.Sprintf("%s's score %d implies the kernel counted about %s of %s at the kill %s.", kc.sel.Comm, score, units.KBPrecise(*midKB), what, cite(refs...))
	phrase := ""
	if kc.kind != "memcg" {
		phrase = units.KBPrecise(*midKB)
	}
	d := fmt.Sprintf("Badness = rss %d + swapents %d + %s = %d pages; score = badness × 1000 ÷ total pages", r.RSS, *r.Swapents, ptText, *points)
	if adj != 0 {
		d += fmt.Sprintf(" + oom_score_adj %d", adj)
	}
	if lt, ht := units.KBPrecise(*loKB), units.KBPrecise(*hiKB); lt == ht {
		d += fmt.Sprintf(", so total is %d–%d pages (%s).", lo, hi, lt)
	} else {
		d += fmt.Sprintf(", so total is %d–%d pages (%s–%s).", lo, hi, lt, ht)
	}
	conf := "medium"
	ramKB := (*int64)(nil)
	if kc.mi != nil && kc.mi.PagesRAM != nil && kc.mi.PagesRAMRef != nil {
		ramKB = kc.pagesKB(*kc.mi.PagesRAM, "pages RAM", *kc.mi.PagesRAMRef)
	}
	if tot := sumKB(pagesOf(kc.mi), swapPages(kc.mi, ps)); kc.kind != "memcg" && ramKB != nil && tot != nil {
		tot := *tot
		lo97, _ := units.ToKB(lo, 97, 100, units.Down)
		hi103, ok := units.ToKB(hi, 103, 100, units.Down)
		refs = append(refs, pref(kc.mi.PagesRAMRef)...)
		refs = append(refs, pref(kc.mi.TotalSwapRef)...)
		if tot >= lo97 && (tot <= hi103 || !ok) {
			conf = "high"
			d += fmt.Sprintf(" The report itself prints %d pages RAM + %d kB swap = %d pages, which agrees.", *kc.mi.PagesRAM, *kc.mi.TotalSwapKB, tot)
		} else {
			d += fmt.Sprintf(" The report prints %d pages RAM + %d kB swap = %d pages, which does not agree", *kc.mi.PagesRAM, *kc.mi.TotalSwapKB, tot)
			if sw := mid - *kc.mi.PagesRAM; sw > 0 {
				if swKB := kc.pagesToKB(sw); swKB != nil {
					d += fmt.Sprintf(": with %s of RAM the score implies about %s of swap, not %s", units.KB(*ramKB), units.KB(*swKB), units.KB(*kc.mi.TotalSwapKB))
				}
			}
			d += ". Older kernels gave root tasks a 3% discount, and a different page size changes the sums; check the printed lines."
		}
	} else if r.UID == 0 {
		if p97, ok := units.ToKB(*points, 97, 100, units.Down); ok {
			if tot, ok := units.ToKB(p97, 1000, eff, units.Down); ok {
				if kb := kc.pagesToKB(tot); kb != nil {
					d += fmt.Sprintf(" Older kernels (before the root bonus was removed upstream in 2018, around 4.17) subtract 3%% of the badness of root (CAP_SYS_ADMIN) tasks; if that applied here, the total would be nearer %s.", units.KBPrecise(*kb))
				}
			}
		}
	}
	d += " Confidence: " + conf + "."
	if kc.kind != "memcg" && kc.mi == nil {
		if sc := bd.swapCap; sc != nil && sc.TotalKB != nil {
			d += fmt.Sprintf(" Swap at capture is %s, so RAM at the kill was about %s if swap was the same then.", units.KB(*sc.TotalKB), units.KB(mid*ps-*sc.TotalKB))
		}
	}
	f := fnd("info", s, d, refs...)
	f.Phrase = phrase
	return f
}

// swapAtKill is swap as the report printed it.
func swapAtKill(kc *killCtx) (total, free *int64, refs []report.Ref) {
	if kc.mi == nil {
		return nil, nil, nil
	}
	refs = append(refs, pref(kc.mi.TotalSwapRef)...)
	refs = append(refs, pref(kc.mi.FreeSwapRef)...)
	return kc.mi.TotalSwapKB, kc.mi.FreeSwapKB, refs
}

func ruleNoSwap(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) {
		return nil
	}
	tot, _, refs := swapAtKill(kc)
	if tot != nil {
		if *tot != 0 {
			return nil
		}
		sev := "warning"
		if isManual(kc) {
			sev = "info" // the kill was asked for: swap did not cause it
		}
		return fnd(sev, "No swap was configured at the kill (Total swap = 0kB) "+cite(refs...)+".",
			"Without swap, anonymous memory can only be freed by killing its owner. Swap would have given the kernel somewhere to put cold pages; it does not add capacity for a workload that keeps growing.", refs...)
	}
	if sc := bd.swapCap; sc != nil && sc.TotalKB != nil && *sc.TotalKB == 0 && !bd.swapEvents() {
		return fnd("info", "The node has no swap at capture "+cite(sc.Evidence...)+", and the report does not print swap at the kill.",
			"No swapon/swapoff lines appear in the logs, so the node most likely had no swap at the kill either.", sc.Evidence...)
	}
	return nil
}

func (bd *builder) swapEvents() bool {
	for _, lg := range bd.logs {
		for _, e := range lg.Events {
			if e.Kind == "swap-on" || e.Kind == "swap-off" {
				return true
			}
		}
	}
	return false
}

// SwapExhausted is oomlens's one definition of "swap was exhausted": some
// swap, and what is left of it is both a small share (at most 2%) and
// little in itself (at most 64 MiB). Both, so that 1% of a 1 TiB swap
// (10 GiB free) is not exhausted, nor 0.9 MiB of a 1.5 MiB one (60% free).
// The built-in swap-exhausted finding and the rules' `swap: exhausted`
// condition both use it, so a user rule and the finding cannot disagree.
func SwapExhausted(totalKB, freeKB int64) bool {
	return totalKB > 0 && freeKB <= totalKB/50 && freeKB <= 64*1024
}

func ruleSwapExhausted(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) {
		return nil
	}
	tot, free, refs := swapAtKill(kc)
	if tot != nil && free != nil && SwapExhausted(*tot, *free) {
		s := fmt.Sprintf("Swap was exhausted at the kill: %s free of %s %s.", units.KB(*free), units.KB(*tot), cite(refs...))
		d := fmt.Sprintf("Free swap = %d kB, Total swap = %d kB: swap was in use and ran out, so swapping had already been tried and more anonymous memory could not be moved out.", *free, *tot)
		if kc.row != nil && kc.row.Swapents != nil && *kc.row.Swapents > 0 {
			if kb := kc.pagesKB(*kc.row.Swapents, "swapents", kc.row.Ref); kb != nil {
				d += fmt.Sprintf(" The victim alone had %s in swap.", units.KB(*kb))
			}
		}
		return fnd("critical", s, d, refs...)
	}
	if m := kc.memcg; m != nil {
		if c := m.Swap; c != nil && !c.Unlimited && c.LimitKB > 0 && c.UsageKB >= c.LimitKB {
			r := toRef(c.Ref)
			return fnd("critical", fmt.Sprintf("The cgroup's swap allowance was used up: swap usage %s of a %s limit %s.", units.KB(c.UsageKB), units.KB(c.LimitKB), cite(r)),
				"memory.swap.max was reached, so the cgroup could swap no further.", r)
		}
		if c := m.MemSwap; c != nil && m.Memory != nil && !c.Unlimited && c.LimitKB > m.Memory.LimitKB && c.UsageKB >= c.LimitKB {
			r := toRef(c.Ref)
			return fnd("critical", fmt.Sprintf("The cgroup's memory+swap limit was reached: %s of %s %s.", units.KB(c.UsageKB), units.KB(c.LimitKB), cite(r)),
				"memory.memsw.limit_in_bytes was reached: swapping out cannot lower memory+swap usage.", r)
		}
	}
	return nil
}

func ruleOOMWithFreeSwap(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || isManual(kc) {
		return nil
	}
	tot, free, refs := swapAtKill(kc)
	var s string
	switch {
	case tot != nil && free != nil:
		if *tot == 0 || SwapExhausted(*tot, *free) || *free*10 < *tot {
			return nil
		}
		s = fmt.Sprintf("The kernel killed although %s of %s swap was free %s.", units.KB(*free), units.KB(*tot), cite(refs...))
	case kc.kind == "memcg" && bd.swapCap != nil && bd.swapCap.TotalKB != nil && *bd.swapCap.TotalKB > 0:
		if m := kc.memcg; m != nil && m.Swap != nil && !m.Swap.Unlimited && m.Swap.LimitKB > 0 && m.Swap.UsageKB >= m.Swap.LimitKB {
			return nil
		}
		refs = bd.swapCap.Evidence
		s = fmt.Sprintf("The node has %s of swap %s, yet this cgroup was OOM-killed instead of swapping.", units.KB(*bd.swapCap.TotalKB), cite(refs...))
	default:
		return nil
	}
	var why []string
	for _, id := range swapReasonRules {
		if f := ruleByID(id)(bd, kc); f != nil {
			why = append(why, f.Summary)
			refs = append(refs, f.Evidence...)
		}
	}
	d := "Why swap could not help: "
	if len(why) == 0 {
		d += "the bundle shows no reason. Check the cgroup's memory.swap.max / memory.memsw.limit_in_bytes, vm.swappiness, mlocked memory and tmpfs usage (collect /sys/fs/cgroup of the victim and sysctl -a)."
	} else {
		d += strings.Join(why, " ")
	}
	return fnd("warning", s, d, refs...)
}

func ruleMemcgSwapLimit(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.memcg == nil {
		return nil
	}
	m := kc.memcg
	kube := strings.Contains(kc.oomMemcg()+kc.taskMemcg(), "kubepods")
	if c := m.Swap; c != nil && !c.Unlimited && c.LimitKB == 0 {
		r := toRef(c.Ref)
		who := "systemd's MemorySwapMax=0, or a container runtime with --memory-swap equal to --memory, sets this."
		if kube {
			who = "The kubelet sets this for NoSwap and for containers not eligible for LimitedSwap."
		}
		return fnd("warning", fmt.Sprintf("The cgroup may not swap at all: swap: limit 0kB (cgroup v2 memory.swap.max=0) %s.", cite(r)),
			"With memory.swap.max=0 the cgroup's anonymous memory cannot be swapped out, so reaching memory.max means an OOM kill however much swap the node has. "+who, r)
	}
	if c := m.MemSwap; c != nil && m.Memory != nil && !c.Unlimited && !m.Memory.Unlimited && c.LimitKB <= m.Memory.LimitKB {
		r := []report.Ref{toRef(c.Ref), toRef(m.Memory.Ref)}
		who := "Docker and other runtimes set this when --memory-swap equals --memory."
		if kube {
			who = "The kubelet sets this on cgroup v1 when swap is not allowed."
		}
		return fnd("warning", fmt.Sprintf("The cgroup's memory+swap limit equals its memory limit (%s): no room to swap %s.", units.KB(c.LimitKB), cite(r...)),
			"cgroup v1: memory.memsw.limit_in_bytes = memory.limit_in_bytes means swapping out a page cannot lower memory+swap usage, so the limit leads to an OOM kill. "+who, r...)
	}
	return nil
}

func ruleKubeletSwapPolicy(bd *builder, kc *killCtx) *report.Finding {
	if kc.out == nil || kc.out.Pod == nil {
		return nil
	}
	sp, swapRefs := bd.kubeletSwap()
	qos := kc.podQoS
	refs := append([]report.Ref{}, swapRefs...)
	refs = append(refs, kc.out.Pod.Evidence...)
	switch sp.Effective {
	case "NoSwap":
		return fnd("warning", fmt.Sprintf("The kubelet gives pods no swap: %s %s.", sp.Why, cite(refs...)), "Processes outside pods may still swap. To let this pod swap, use swapBehavior: LimitedSwap (cgroup v2, Burstable QoS, request < limit).", refs...)
	case "LimitedSwap":
		if qos != "" && qos != "burstable" {
			return fnd("warning", fmt.Sprintf("The pod is %s QoS, and LimitedSwap gives swap only to Burstable pods %s.", qos, cite(refs...)), sp.Why+".", refs...)
		}
		cg := bd.b.CgroupV2
		if cg != nil && !*cg {
			return fnd("warning", "This node runs cgroup v1, where the kubelet cannot give pods swap (memsw = memory limit) "+cite(refs...)+".", sp.Why+".", refs...)
		}
		return fnd("info", "The kubelet runs LimitedSwap: this pod's swap is limited to its memory request ÷ node RAM × node swap "+cite(refs...)+".", sp.Why+".", refs...)
	}
	return nil
}

func (bd *builder) sysctl(key string) *parse.Sysctl {
	var conf *parse.Sysctl
	for i := range bd.b.Sysctls {
		s := &bd.b.Sysctls[i]
		if s.Key != key {
			continue
		}
		if !s.Configured {
			return s
		}
		if conf == nil {
			conf = s
		}
	}
	return conf
}

func ruleSwappinessZero(bd *builder, kc *killCtx) *report.Finding {
	s := bd.sysctl("vm.swappiness")
	if !isKernel(kc) || s == nil || strings.TrimSpace(s.Value) != "0" {
		return nil
	}
	r := toRef(s.Ref)
	if kc.kind == "memcg" {
		d := "With swappiness 0, cgroup limit reclaim scans only file pages (mm/vmscan.c SCAN_FILE), so the cgroup's anonymous memory is never swapped."
		if cg := bd.b.CgroupV2; cg != nil && *cg {
			d += " cgroup v2 has no per-cgroup swappiness: every cgroup uses vm.swappiness."
		}
		return fnd("warning", "vm.swappiness=0 stops cgroup reclaim from swapping "+cite(r)+".", d+" Set vm.swappiness to 1 or more (default 60) if cgroups should swap.", r)
	}
	return fnd("info", "vm.swappiness=0 delays swapping until free and file pages fall below the high watermark "+cite(r)+".", "Global reclaim still swaps to avoid an OOM, but late.", r)
}

// gfpMask reads the hex value of a printed gfp mask.
func gfpMask(s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[:i]
	}
	v, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"), 16, 64)
	return v, err == nil
}

const (
	gfpIO = 0x40 // ___GFP_IO
	gfpFS = 0x80 // ___GFP_FS
)

func ruleGFPNoIO(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.trig == nil || kc.trig.GFPMask == "" {
		return nil
	}
	m, ok := gfpMask(kc.trig.GFPMask)
	if !ok || m == 0 {
		return nil // 0x0() is a page-fault OOM: nothing known about the allocation
	}
	r := toRef(kc.trig.Ref)
	if m&gfpIO == 0 {
		return fnd("warning", fmt.Sprintf("The allocation that failed (gfp_mask=%s) may not start I/O, so reclaim could not write anonymous pages to swap %s.", kc.trig.GFPMask, cite(r)),
			"Without __GFP_IO (GFP_NOIO, GFP_ATOMIC, GFP_NOWAIT) shrink_folio_list keeps anonymous pages rather than adding them to swap; only clean page cache could be reclaimed. Find the caller in the stack trace (often a block or network driver).", r)
	}
	if m&gfpFS == 0 {
		return fnd("info", fmt.Sprintf("The allocation (gfp_mask=%s) may not enter the filesystem (GFP_NOFS) %s.", kc.trig.GFPMask, cite(r)),
			"It could still swap, but could not write back dirty file pages; a global OOM kill is skipped for such allocations, so this was a cgroup OOM.", r)
	}
	return nil
}

func ruleHighOrder(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.trig == nil || kc.trig.Order == nil || *kc.trig.Order < 1 {
		return nil
	}
	o := *kc.trig.Order
	r := toRef(kc.trig.Ref)
	if o > 62 {
		return nil // 2^o pages is more than an int64 counts
	}
	sizeKB := kc.pagesToKB(1 << uint(o))
	if sizeKB == nil {
		return nil
	}
	size := *sizeKB
	d := "Swap frees pages one at a time; it cannot make free memory contiguous. Compare the buddy lines (Node N Zone: …) for free blocks of this size."
	if o > 3 {
		d = "Orders above 3 (PAGE_ALLOC_COSTLY_ORDER) normally fail without an OOM kill; this one must have been __GFP_NOFAIL. " + d
	}
	return fnd("warning", fmt.Sprintf("The request was order %d: %d contiguous pages (%s), which fragmentation can deny while plenty of memory and swap is free %s.", o, 1<<uint(o), units.KB(size), cite(r)), d, r)
}

// ruleZramSwap: free swap on zram is no headroom in a node-wide OOM, since
// zram keeps its compressed pages in the same RAM that ran out.
func ruleZramSwap(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.kind != "global" {
		return nil
	}
	var refs []report.Ref
	var names []string
	zramKB, allKB := ptr(int64(0)), ptr(int64(0))
	if sc := bd.swapCap; sc != nil {
		for _, d := range sc.Devices {
			allKB = sumKB(allKB, d.SizeKB)
			if d.Zram {
				zramKB = sumKB(zramKB, d.SizeKB)
				names = append(names, d.Name)
				refs = append(refs, report.Ref{Path: sc.Source, Line: d.Line})
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	sizes := ""
	if zramKB != nil && allKB != nil {
		sizes = fmt.Sprintf(" (%s of %s at capture)", units.KB(*zramKB), units.KB(*allKB))
	}
	s := fmt.Sprintf("Swap is %s on zram%s %s: zram stores compressed pages in RAM, so when RAM itself is exhausted its free space is no headroom.",
		strings.Join(names, ", "), sizes, cite(refs...))
	d := "A zram device's size is a ceiling on uncompressed data, not memory set aside: every page swapped to it needs RAM for its compressed copy, and under a node-wide OOM the allocation for that copy fails too. Size zram below what RAM can hold compressed (zramctl shows the ratio), keep a disk-backed swap device with lower priority, or reduce the workload."
	return fnd("warning", s, d, refs...)
}

// ramOrLimit is what percentages are taken of: RAM for global kills, the
// limit for memcg ones.
func ramOrLimit(kc *killCtx) int64 {
	if km := kc.out.MemInfo; km != nil && km.RAMKB != nil {
		return *km.RAMKB
	}
	return 0
}

func memRefs(kc *killCtx, key string) []report.Ref {
	if kc.mi != nil {
		if _, r, ok := kvGet(kc.mi.Counters, key); ok {
			return []report.Ref{toRef(*r)}
		}
	}
	if kc.memcg != nil {
		if _, r, ok := kvGet(kc.memcg.Stats, key); ok {
			return []report.Ref{toRef(*r)}
		}
	}
	return nil
}

func ruleUnevictable(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.out.MemInfo == nil || kc.out.MemInfo.UnevictableKB == nil {
		return nil
	}
	u, base := *kc.out.MemInfo.UnevictableKB, ramOrLimit(kc)
	if base <= 0 || u*10 < base {
		return nil
	}
	r := memRefs(kc, "unevictable")
	return fnd("warning", fmt.Sprintf("%s (%s) was unevictable — mlocked, SHM_LOCKed, ramfs or noswap tmpfs — and can never be swapped %s.", units.KB(u), pct(u, base), cite(r...)),
		"Find what locks memory (mlock in databases/JVMs with -XX:+AlwaysPreTouch, ramfs, SHM_LOCK) and size it into the limit.", r...)
}

func ruleShmem(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.out.MemInfo == nil || kc.out.MemInfo.ShmemKB == nil {
		return nil
	}
	sh, base := *kc.out.MemInfo.ShmemKB, ramOrLimit(kc)
	if base <= 0 || sh*10 < base {
		return nil
	}
	r := memRefs(kc, "shmem")
	return fnd("warning", fmt.Sprintf("%s (%s) was shmem/tmpfs, which killing processes does not free %s.", units.KB(sh), pct(sh, base), cite(r...)),
		"tmpfs and shared memory leave only by swapping or deleting files; with swap full or a noswap mount (Kubernetes memory-backed emptyDir, secrets) they pin RAM. Check df -t tmpfs and ipcs -m.", r...)
}

func ruleHugepages(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.out.MemInfo == nil || kc.out.MemInfo.HugepagesKB == nil || kc.mi == nil {
		return nil
	}
	h, base := *kc.out.MemInfo.HugepagesKB, ramOrLimit(kc)
	if base <= 0 || h*20 < base {
		return nil
	}
	r := pref(kc.mi.HugepagesRef)
	free := ""
	if kc.mi.HugepagesFree != nil && kc.mi.HugepageSizeKB != nil {
		free = fmt.Sprintf(", %s of it unused", units.KB(*kc.mi.HugepagesFree**kc.mi.HugepageSizeKB))
	}
	return fnd("warning", fmt.Sprintf("%s (%s of RAM) was reserved as hugetlb pages%s: they are never swapped nor used for anything else %s.", units.KB(h), pct(h, base), free, cite(r...)),
		"Lower vm.nr_hugepages to what the application really maps.", r...)
}

// rulePageTables says when page tables are a large part of the victim (or
// of the node): memory that is neither the program's data nor swappable.
func rulePageTables(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) {
		return nil
	}
	v := kc.out.Victim
	if v.PgtablesKB == nil {
		return nil
	}
	pt := *v.PgtablesKB
	var rss int64
	for _, x := range []*int64{v.AnonRSSKB, v.FileRSSKB, v.ShmemRSSKB} {
		if x != nil {
			rss += *x
		}
	}
	if rss == 0 && kc.row != nil {
		rss = kc.row.RSS * kc.pageKB
	}
	// a large share (a tenth of what it held) and a large size (1 GiB)
	if pt < 1024*1024 || pt*10 < rss+pt {
		return nil
	}
	refs := []report.Ref{kc.primRef()}
	if kc.row != nil {
		refs = append(refs, toRef(kc.row.Ref))
	}
	s := fmt.Sprintf("%s's page tables alone took %s, %s of the %s it held (resident memory plus page tables) %s.", kc.kill.Comm, units.KB(pt), pct(pt, rss+pt), units.KB(rss+pt), cite(refs...))
	d := "Page tables are kernel memory that maps the process's address space (8 bytes per 4 kB page mapped): neither its data nor swappable. Tens of GiB of them come from a huge, sparsely touched address space or from many processes mapping one large shared region (each keeps its own tables — database shared buffers, a JVM heap shared by forks) without huge pages. Use huge pages (HugePages for the shared region, or transparent huge pages) to cut them by 512×, or map less."
	if km := kc.out.MemInfo; km != nil && km.PagetablesKB != nil && km.RAMKB != nil && *km.RAMKB > 0 {
		d += fmt.Sprintf(" All page tables on the node: %s (%s of RAM) %s.", units.KB(*km.PagetablesKB), pct(*km.PagetablesKB, *km.RAMKB), cite(memRefs(kc, "pagetables")...))
		refs = append(refs, memRefs(kc, "pagetables")...)
	}
	return fnd("warning", s, d, refs...)
}

// --- swap over time -------------------------------------------------------

func ruleSwapChanged(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) {
		return nil
	}
	tot, _, refs := swapAtKill(kc)
	sc := bd.swapCap
	if tot == nil || sc == nil || sc.TotalKB == nil {
		return nil
	}
	var tol int64 = 8
	for _, d := range sc.Devices {
		tol += d.ErrKB + 4
	}
	diff := *sc.TotalKB - *tot
	if diff <= tol && diff >= -tol {
		return nil
	}
	refs = append(refs, sc.Evidence...)
	s := fmt.Sprintf("Swap changed after the kill: %s at the kill, %s at capture", units.KB(*tot), units.KB(*sc.TotalKB))
	phrase := ""
	d := fmt.Sprintf("Total swap = %d kB at the kill; the capture lists %d kB.", *tot, *sc.TotalKB)
	// Which capture devices add up to the swap at the kill?
	devs := sc.Devices
	if n := len(devs); n > 0 && n <= 12 {
		best := -1
		for mask := 0; mask < 1<<uint(n); mask++ {
			var sum, err int64
			for i, dv := range devs {
				if mask&(1<<uint(i)) != 0 {
					err += dv.ErrKB
					if dv.SizeKB != nil {
						sum += *dv.SizeKB
						err += 4
					}
				}
			}
			if sum-*tot <= err+8 && *tot-sum <= err+8 {
				best = mask
				break
			}
		}
		if best >= 0 {
			var kept, added []string
			for i, dv := range devs {
				name := dv.Name
				if dv.SizeKB != nil {
					name += " (" + units.KB(*dv.SizeKB) + ")"
				}
				if best&(1<<uint(i)) != 0 {
					kept = append(kept, name)
				} else {
					added = append(added, name)
				}
			}
			if len(added) > 0 {
				phrase = strings.Join(added, ", ") + " added later"
				s += " — " + phrase
				d += fmt.Sprintf(" The kill's swap matches %s alone; %s came later.", orNone(kept), strings.Join(added, ", "))
			}
		} else if diff < 0 {
			d += " Swap was removed or shrunk after the kill (swapoff)."
		}
	}
	for _, lg := range bd.logs {
		for _, e := range lg.Events {
			if e.Kind != "swap-on" && e.Kind != "swap-off" {
				continue
			}
			nd := bd.nodeAt(lg.Path, e.Boot)
			if nd == nil {
				continue
			}
			w, _, _ := bd.clk.When(nd.LogBoot, e.Line, &e.Stamp)
			switch {
			case w != nil && kc.wall != nil && w.After(*kc.wall):
				refs = append(refs, toRef(e.Ref))
				d += fmt.Sprintf(" The kernel logged %q at %s.", strings.TrimSpace(e.Text), w.Format(time.RFC3339))
			case nd.Group == kc.group && e.Stamp.KernelSeconds != nil && kc.ks != nil && *e.Stamp.KernelSeconds > *kc.ks:
				refs = append(refs, toRef(e.Ref))
				d += fmt.Sprintf(" The kernel logged %q %s after the kill.", strings.TrimSpace(e.Text), words(clock.Seconds(*e.Stamp.KernelSeconds-*kc.ks)))
			}
		}
	}
	d += " Judge the kill by the swap it had, not by today's swapon."
	f := fnd("warning", s+" "+cite(refs...)+".", d, refs...)
	f.Phrase = phrase
	return f
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "no device"
	}
	return strings.Join(ss, ", ")
}

func ruleVictimHadSwap(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.row == nil || kc.row.Swapents == nil || *kc.row.Swapents <= 0 {
		return nil
	}
	sw := *kc.row.Swapents
	swKB := kc.pagesKB(sw, "swapents", kc.row.Ref)
	if swKB == nil {
		return nil
	}
	r := toRef(kc.row.Ref)
	s := fmt.Sprintf("%s had %s swapped out at the kill (swapents %d pages) %s.", kc.kill.Comm, units.KB(*swKB), sw, cite(r))
	d := "Swap was in use by the victim itself: swapped pages count toward its badness, and swap already held part of it when memory ran out."
	if kc.kill.AnonRSSKB != nil {
		d = fmt.Sprintf("It held %s resident anonymous memory and %s in swap. ", units.KB(*kc.kill.AnonRSSKB), units.KB(*swKB)) + d
	}
	return fnd("info", s, d, r, kc.primRef())
}

func ruleVictimNotInvoker(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.trig == nil || kc.rep.OOMGroup != nil || isManual(kc) {
		return nil
	}
	inv := kc.out.Invoker
	if inv == nil {
		return nil
	}
	if inv.Pid != nil && *inv.Pid == kc.kill.Pid {
		return nil
	}
	if inv.Pid == nil && kc.trig.Comm == kc.kill.Comm {
		return nil
	}
	r := []report.Ref{toRef(kc.trig.Ref), kc.primRef()}
	iv := kc.trig.Comm
	if inv.Pid != nil {
		iv += fmt.Sprintf(" (pid %d)", *inv.Pid)
	}
	s := fmt.Sprintf("%s asked for memory, but %s was killed %s.", iv, who(kc), cite(r...))
	d := "The OOM killer does not kill the task that happened to need a page; it kills the one with the highest badness (resident + swapped + page tables, adjusted by oom_score_adj)."
	switch {
	case strings.HasPrefix(kc.trig.Comm, "kswapd"):
		d += " kswapd is the kernel's reclaim thread: memory was short for everyone."
	case strings.HasPrefix(kc.trig.Comm, "kworker"):
		d += " A kworker is a kernel worker thread: the allocation came from the kernel (driver, filesystem, network)."
	}
	return fnd("info", s, d, r...)
}

func ruleRepeated(bd *builder, kc *killCtx) *report.Finding {
	name := kc.victimName()
	if name == "" {
		return nil
	}
	if bd.byVictim == nil {
		bd.byVictim = map[string][]*killCtx{}
		for _, o := range bd.kills {
			k := o.killer + "\x00" + o.victimName()
			bd.byVictim[k] = append(bd.byVictim[k], o)
		}
	}
	if f := bd.burst(kc); f != nil {
		return f
	}
	same := bd.byVictim[kc.killer+"\x00"+name]
	if len(same) < 3 {
		return nil
	}
	var refs []report.Ref
	for i, o := range same {
		if i < 10 {
			refs = append(refs, o.primRef())
		}
	}
	first, last := same[0], same[len(same)-1]
	spanText := ""
	switch {
	case first.wall != nil && last.wall != nil:
		spanText = fmt.Sprintf(" over %s (%s – %s)", words(last.wall.Sub(*first.wall)), first.wall.Format(time.RFC3339), last.wall.Format(time.RFC3339))
	case first.ks != nil && last.ks != nil && first.group == last.group:
		spanText = fmt.Sprintf(" over %s of uptime", words(clock.Seconds(*last.ks-*first.ks)))
	}
	const why = "it is restarted or re-run and grows back into the same limit"
	s := fmt.Sprintf("%s was killed %d times%s: %s %s.", name, len(same), spanText, why, cite(refs...))
	d := "Something restarts or re-runs it (a supervisor, systemd Restart=, a Kubernetes restart policy — a crash loop — or a person or job retrying) and it needs the same memory again. Retrying will not help: raise the limit or fix the memory growth."
	f := fnd("warning", s, d, refs...)
	f.Phrase = why
	return f
}

// burstWindow is how close kills must follow each other to be one burst.
const burstWindow = 10 * time.Second

// burst reports kills by the same killer within seconds of each other (two
// or more OOM reports, not the members of one memory.oom.group kill):
// killing one task did not end the shortage.
func (bd *builder) burst(kc *killCtx) *report.Finding {
	at := func(o *killCtx) (time.Duration, bool) {
		switch {
		case o.ks != nil:
			return clock.Seconds(*o.ks), true
		case o.wall != nil:
			return time.Duration(o.wall.UnixNano()), true
		}
		return 0, false
	}
	if _, ok := at(kc); !ok {
		return nil
	}
	// the run of kills around kc, each within burstWindow of the previous one
	var run []*killCtx
	i := -1
	for j, o := range bd.kills {
		if o == kc {
			i = j
		}
	}
	lo, hi := i, i
	near := func(a, b *killCtx) bool {
		ta, ok1 := at(a)
		tb, ok2 := at(b)
		d := tb - ta
		return ok1 && ok2 && a.killer == b.killer && a.group == b.group && (a.ks != nil) == (b.ks != nil) && d >= 0 && d <= burstWindow
	}
	for lo > 0 && near(bd.kills[lo-1], bd.kills[lo]) {
		lo--
	}
	for hi+1 < len(bd.kills) && near(bd.kills[hi], bd.kills[hi+1]) {
		hi++
	}
	reports := map[report.Ref]bool{} // a memory.oom.group kill is one report of several kills
	for _, o := range bd.kills[lo : hi+1] {
		run = append(run, o)
		if o.rep != nil {
			reports[toRef(o.rep.Start)] = true
		} else {
			reports[o.primRef()] = true
		}
	}
	if len(run) < 2 || len(reports) < 2 {
		return nil
	}
	first, last := run[0], run[len(run)-1]
	tf, _ := at(first)
	tl, _ := at(last)
	var refs []report.Ref
	var names []string
	for _, o := range run {
		refs = append(refs, o.primRef())
		names = append(names, who(o))
	}
	span := tl - tf
	spanText := words(span)
	if span < burstWindow {
		spanText = fmt.Sprintf("%.1f s", span.Seconds())
	}
	s := fmt.Sprintf("%d kills within %s: %s %s.", len(run), spanText, strings.Join(names, ", "), cite(refs...))
	d := "One kill did not end the shortage: either the first victim's memory was not enough (or not freed in time), or whatever allocates refilled memory at once. Look at the invoker of each report and at what kept growing; killing more processes will not help if one workload keeps allocating."
	kc.burst = true
	if kc != first {
		s = fmt.Sprintf("This kill is one of %d within %s: %s %s.", len(run), spanText, strings.Join(names, ", "), cite(refs...))
	}
	return fnd("warning", s, d, refs...)
}

// --- Kubernetes ----------------------------------------------------------

func rulePodAttribution(bd *builder, kc *killCtx) *report.Finding {
	p := kc.out.Pod
	if p == nil {
		return nil
	}
	name := "pod UID " + deref(p.UID)
	if p.Name != nil {
		name = fmt.Sprintf("pod %s/%s", deref(p.Namespace), *p.Name)
	}
	if p.Container != nil {
		name = fmt.Sprintf("container %s of %s", *p.Container, name)
	} else if p.ContainerID != nil {
		id := *p.ContainerID
		if len(id) > 13 {
			id = id[:13]
		}
		name = fmt.Sprintf("container %s of %s", id, name)
	}
	qos := ""
	if p.QoS != nil {
		qos = fmt.Sprintf(", %s QoS", *p.QoS)
	}
	refs := append([]report.Ref{}, p.Evidence...)
	d := "Read from the memory cgroup path (kubepods/<qos>/pod<uid>/<container>)."
	if c := bd.podContainer(p); c != nil && c.LastReason != "" {
		refs = append(refs, toRef(c.Ref))
		d += fmt.Sprintf(" Its last state was %s", c.LastReason)
		if c.LastExitCode != nil {
			d += fmt.Sprintf(", exit code %d", *c.LastExitCode)
		}
		if c.LastFinished != "" {
			d += ", finished " + c.LastFinished
		}
		if c.Restarts != nil {
			d += fmt.Sprintf(", after %d restarts", *c.Restarts)
		}
		d += "."
	}
	s := fmt.Sprintf("The victim ran in %s%s %s.", name, qos, cite(p.Evidence...))
	if p.Name == nil {
		d += " The pod is not in the bundle's pod listings: collect `kubectl get pods -A -o wide` (sos -k kubernetes.all=on) to name it."
	}
	return fnd("info", s, d, refs...)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ruleContainerNoNodeEvent(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.kind != "memcg" || (kc.out.Pod == nil && !strings.Contains(kc.oomMemcg(), "kubepods")) {
		return nil
	}
	refs := []report.Ref{kc.primRef()}
	if kc.cons != nil {
		refs = append(refs, toRef(kc.cons.Ref))
	}
	d := "The kubelet emits SystemOOM only when the victim's OOM cgroup is the root; a container or pod limit gives none. Look instead for the container's Last State: Terminated, Reason: OOMKilled, Exit Code: 137 in kubectl describe pod."
	for _, e := range kc.nodeEvents {
		if e.Reason == "SystemOOM" {
			refs = append(refs, toRef(e.Ref))
			return fnd("warning", "A SystemOOM node event names this container-limit kill "+cite(refs...)+", which current kubelets never do.",
				"Kubelets before 1.21 (cadvisor < 0.39) read the 5.0+ oom-kill line wrongly and reported container OOMs as system OOMs (and before 1.19 they tested the task's cgroup, not the OOM cgroup). Trust the kernel line: the container hit its own limit. "+d, refs...)
		}
	}
	if len(bd.b.Nodes) > 0 {
		d += " The describe node output in the bundle shows no SystemOOM for it, as expected."
	} else {
		d += " To check pod status, collect `kubectl describe pod` (sos -k kubernetes.describe=on)."
	}
	return fnd("info", "A container-limit kill produces no SystemOOM node event "+cite(refs...)+".", d, refs...)
}

func ruleReplayed(bd *builder, kc *killCtx) *report.Finding {
	start := bd.kubeletStart()
	if !isKernel(kc) || start == nil {
		return nil
	}
	startAt := start.At
	var evs []*parse.NodeEvent
	for _, e := range kc.nodeEvents {
		if e.Reason == "SystemOOM" && e.AgeSec != nil && absF(*e.AgeSec-start.AgeSec) <= 60 {
			evs = append(evs, e)
		}
	}
	if len(evs) == 0 {
		return nil
	}
	if kc.wall != nil && startAt != nil && !kc.wall.Before(startAt.Add(-time.Minute)) {
		return nil // the kill happened as the kubelet started: a live event
	}
	refs := []report.Ref{toRef(start.Ref)}
	for _, e := range evs {
		refs = append(refs, toRef(e.Ref))
	}
	n := 0
	for _, nd := range bd.b.Nodes {
		if nd == nil || !bd.isThisNode(nd) {
			continue
		}
		for _, e := range nd.Events {
			if e.Reason == "SystemOOM" && e.AgeSec != nil && absF(*e.AgeSec-start.AgeSec) <= 60 {
				n++
			}
		}
	}
	s := fmt.Sprintf("The SystemOOM event for pid %d is %s old — %s — so it is the kubelet replaying the kernel ring buffer at its start, not the time of the kill %s.", kc.kill.Pid, evs[0].Age, start.text, cite(refs...))
	d := fmt.Sprintf("%d SystemOOM events carry the kubelet's start age. On start the kubelet (cadvisor's oomparser) reads /dev/kmsg from the beginning and re-reports every OOM still in the ring buffer of this boot, so their age is the kubelet's start, not the kill.", n)
	if kc.wall != nil && startAt != nil {
		if kc.wall.Before(startAt.Add(-time.Minute)) {
			d += fmt.Sprintf(" The kernel kill happened at %s, %s before the kubelet started (%s).", kc.wall.Format(time.RFC3339), words(startAt.Sub(*kc.wall)), startAt.In(bd.loc).Format(time.RFC3339))
		}
	} else {
		d += " Match SystemOOM events to kills by pid, and date them by the kernel line."
	}
	return fnd("info", s, d, refs...)
}

func absF(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func ruleOvercommitted(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) {
		return nil
	}
	for _, n := range bd.b.Nodes {
		if n == nil || n.MemAllocatableKB == nil || !bd.isThisNode(n) {
			continue
		}
		reqP, limP, fits := podMemSums(n)
		if !fits {
			continue // sums no int64 of kB holds: nothing to compare
		}
		var lim, req int64 // no pod prints one: nothing requested
		if limP != nil {
			lim = *limP
		}
		if reqP != nil {
			req = *reqP
		}
		alloc := *n.MemAllocatableKB
		refs := []report.Ref{toRef(n.Ref)}
		for _, q := range n.Lines {
			if strings.HasPrefix(strings.TrimSpace(q.Text), "memory") {
				refs = append(refs, toRef(q.Ref))
			}
		}
		switch {
		case req > alloc:
			return fnd("warning", fmt.Sprintf("Pod memory requests (%s) exceed the node's allocatable memory (%s) on %s %s.", units.KB(req), units.KB(alloc), n.Name, cite(refs...)),
				"Requests above allocatable mean the scheduler's guarantees cannot all hold.", refs...)
		case lim > alloc:
			return fnd("info", fmt.Sprintf("Pod memory limits add up to %s, %s of the node's allocatable %s on %s: the node is overcommitted %s.", units.KB(lim), pct(lim, alloc), units.KB(alloc), n.Name, cite(refs...)),
				"If the pods grow toward their limits together, the node runs out before any pod reaches its limit, and the kernel's global OOM killer (not a container limit) picks the victim.", refs...)
		}
	}
	return nil
}

// evictionsBefore lists kubelet eviction signals in the 15 minutes before the kill.
func (bd *builder) evictionsBefore(kc *killCtx) []report.Ref {
	if kc.wall == nil {
		return nil
	}
	var refs []report.Ref
	for _, o := range bd.kills {
		if o.killer == "kubelet-eviction" && o.wall != nil && !o.wall.After(*kc.wall) && kc.wall.Sub(*o.wall) <= 15*time.Minute {
			refs = append(refs, o.primRef())
		}
	}
	for _, lg := range bd.logs {
		for i := range lg.Events {
			e := &lg.Events[i]
			if e.Kind != "kubelet-eviction" || e.Pod != "" || (e.Name != "" && e.Name != "memory") {
				continue
			}
			nd := bd.nodeAt(lg.Path, e.Boot)
			if nd == nil {
				continue
			}
			if w, _, _ := bd.clk.When(nd.LogBoot, e.Line, &e.Stamp); w != nil && !w.After(kc.wall.Add(time.Minute)) && kc.wall.Sub(*w) <= 15*time.Minute {
				refs = append(refs, toRef(e.Ref))
			}
		}
	}
	if c := bd.b.Host.CapturedAt; c != nil {
		for _, n := range bd.b.Nodes {
			if n == nil || !bd.isThisNode(n) {
				continue
			}
			for _, e := range n.Events {
				if (e.Reason == "EvictionThresholdMet" || e.Reason == "NodeHasInsufficientMemory") && e.AgeSec != nil {
					t := c.Add(-clock.Seconds(*e.AgeSec))
					if !t.After(kc.wall.Add(time.Minute)) && kc.wall.Sub(t) <= 15*time.Minute {
						refs = append(refs, toRef(e.Ref))
					}
				}
			}
		}
	}
	return refs
}

func ruleEvictionBefore(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) {
		return nil
	}
	refs := bd.evictionsBefore(kc)
	if len(refs) == 0 {
		return nil
	}
	return fnd("info", "The kubelet was already evicting for memory before this kill "+cite(refs...)+", but the kernel acted first.",
		"Eviction polls every 10 s (housekeeping) and ranks pods by usage above requests; a fast allocation burst reaches the kernel OOM killer first.", refs...)
}

func ruleEvictionTooLate(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.kind != "global" || isManual(kc) || (bd.b.Kubelet == nil && len(bd.b.Nodes) == 0) || kc.wall == nil {
		return nil
	}
	if len(bd.evictionsBefore(kc)) > 0 {
		return nil
	}
	if st := bd.kubeletStart(); st != nil && st.At != nil && st.At.After(*kc.wall) {
		return nil // the kubelet seen in the bundle started after the kill
	}
	thr := "100Mi"
	var refs []report.Ref
	if k := bd.b.Kubelet; k != nil {
		for _, e := range k.EvictionHard {
			if e.Key == "memory.available" {
				thr = e.Value
				refs = append(refs, toRef(e.Ref))
			}
		}
	}
	refs = append(refs, kc.primRef())
	return fnd("warning", fmt.Sprintf("The kubelet's memory eviction (memory.available<%s) did not act before the kernel's global OOM kill %s.", thr, cite(refs...)),
		"Either memory fell faster than the kubelet's 10 s housekeeping, or the threshold is below what the kernel needs: raise evictionHard memory.available (and reserve memory with systemReserved/kubeReserved) so the kubelet evicts before the kernel kills. Eviction is not swap-aware.", refs...)
}

// --- evidence quality ----------------------------------------------------

func ruleDrift(bd *builder, kc *killCtx) *report.Finding {
	if kc.drift == nil {
		return nil
	}
	d := *kc.drift
	dir := "late"
	if d < 0 {
		dir = "early"
	}
	s := fmt.Sprintf("dmesg -T dates this kill %s %s compared with the journal/syslog time %s.", words(d), dir, cite(kc.driftRefs...))
	return fnd("warning", s, "dmesg computes -T times from the current boot time and ignores time spent suspended, so after a suspend/resume its times drift by the total suspended time. The printed syslog/journal time is used.", kc.driftRefs...)
}

func ruleCoverageGap(bd *builder, kc *killCtx) *report.Finding {
	if len(kc.out.Missing) == 0 {
		return nil
	}
	var why []string
	refs := []report.Ref{kc.primRef()}
	for _, p := range kc.out.Missing {
		w, r := bd.whyMissing(kc, p)
		why = append(why, w)
		refs = append(refs, r...)
	}
	s := fmt.Sprintf("This kill is missing from %s, seen only in %s %s.", strings.Join(kc.out.Missing, ", "), strings.Join(kc.out.Sources, ", "), cite(refs...))
	d := strings.Join(why, "; ") + ". Other kills of that time may be missing from every source; collect the persistent kernel log (journalctl -k --no-pager, /var/log/messages, kern.log) with the bundle."
	return fnd("info", s, d, refs...)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// ruleOOMGroup explains kills of a whole cgroup with memory.oom.group set.
func ruleOOMGroup(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || kc.rep.OOMGroup == nil {
		return nil
	}
	refs := []report.Ref{toRef(kc.rep.OOMGroup.Ref)}
	var names []string
	for _, k := range kc.rep.Kills {
		refs = append(refs, toRef(k.Ref))
		names = append(names, fmt.Sprintf("%s (pid %d)", k.Comm, k.Pid))
	}
	s := fmt.Sprintf("memory.oom.group is set on the cgroup: the kernel killed all %d of its tasks together, not only the one it chose %s.", len(kc.rep.Kills), cite(refs...))
	d := "Killed together: " + strings.Join(names, ", ") + ". Kubernetes 1.28+ sets memory.oom.group=1 on container cgroups under cgroup v2, so one OOM takes down the whole container; kubelet 1.32+ can turn this off with singleProcessOOMKill: true."
	return fnd("info", s, d, refs...)
}

// watermarks reports zones whose free memory was below the min watermark,
// and whether reclaim had given up (all_unreclaimable? yes).
func watermarks(mi *parse.MemInfo) (string, []report.Ref) {
	var ws []string
	var refs []report.Ref
	for _, z := range mi.Zones {
		free, _, ok1 := kvGet(z.Fields, "free")
		min, _, ok2 := kvGet(z.Fields, "min")
		if ok1 && ok2 && free < min {
			f, m := units.KB(free), units.KB(min)
			if f == m { // "44 MiB below 44 MiB": the exact kB say it
				f, m = fmt.Sprintf("%d kB", free), fmt.Sprintf("%d kB", min)
			}
			ws = append(ws, fmt.Sprintf("Node %d %s free %s below its min watermark %s", z.Node, z.Zone, f, m))
			refs = append(refs, toRef(z.Ref))
		}
	}
	s := ""
	if len(ws) > 0 {
		s = strings.Join(ws, "; ") + " " + cite(refs...) + ": the classic OOM signature."
	}
	if mi.AllUnreclaimNode != nil && *mi.AllUnreclaimNode {
		s += " A node line says all_unreclaimable? yes: reclaim had failed repeatedly before the kill."
		for _, n := range mi.Nodes {
			refs = append(refs, toRef(n.Ref))
			break
		}
	}
	return strings.TrimSpace(s), refs
}

// podContainer finds the listed container a Pod attribution names.
func (bd *builder) podContainer(p *report.Pod) *parse.PodContainer {
	if p == nil || p.UID == nil || p.Container == nil {
		return nil
	}
	for _, bp := range bd.b.Pods {
		if bp == nil || !strings.EqualFold(bp.UID, strings.ReplaceAll(*p.UID, "_", "-")) {
			continue
		}
		for i := range bp.Containers {
			if bp.Containers[i].Name == *p.Container {
				return &bp.Containers[i]
			}
		}
	}
	return nil
}

// ruleMinFreeHigh flags a vm.min_free_kbytes reserve large enough to cause
// OOM kills by itself (vm.rst: "Setting this too high will OOM your machine").
func ruleMinFreeHigh(bd *builder, kc *killCtx) *report.Finding {
	s := bd.sysctl("vm.min_free_kbytes")
	if !isKernel(kc) || kc.kind != "global" || s == nil {
		return nil
	}
	v, err := strconv.ParseInt(strings.TrimSpace(s.Value), 10, 64)
	if err != nil || v <= 0 {
		return nil
	}
	ram := ramOrLimit(kc)
	if ram <= 0 {
		if mi := bd.b.MemInfo; mi != nil {
			if t, _, ok := kvGet(mi.Fields, "MemTotal"); ok {
				ram = t
			}
		}
	}
	if ram <= 0 || v*20 < ram {
		return nil
	}
	r := toRef(s.Ref)
	return fnd("warning", fmt.Sprintf("vm.min_free_kbytes is %s, %s of RAM %s: memory the kernel keeps free is unavailable to processes and to swap-in.", units.KB(v), pct(v, ram), cite(r)),
		"The kernel reclaims and kills to keep free memory above this reserve; set too high it OOM-kills on its own. Typical values are well under 1% of RAM; lower it unless a driver really needs the headroom.", r)
}

// ruleAllocatingTask explains kills made under vm.oom_kill_allocating_task.
func ruleAllocatingTask(bd *builder, kc *killCtx) *report.Finding {
	if !isKernel(kc) || !strings.Contains(kc.kill.Message, "oom_kill_allocating_task") {
		return nil
	}
	r := kc.primRef()
	return fnd("warning", "vm.oom_kill_allocating_task is set: the kernel killed the task that asked for memory, not the largest one "+cite(r)+".",
		"With this sysctl the victim is whoever allocated last, so the real consumer may be untouched and the OOM can recur. Set vm.oom_kill_allocating_task=0 to let the kernel pick by badness.", r)
}
