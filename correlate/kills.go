package correlate

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kernel"
	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// Assembling one Kill from its occurrences: each part of the report is taken
// from the richest source that printed it.

// killCtx is everything the rules need about one kill.
type killCtx struct {
	id     string
	killer string
	occs   []*occ           // primary first
	seen   []clock.Sighting // occs as the clock sees them
	ev     *parse.Event
	evNode *bootNode
	evOccs []report.Ref // the same userspace kill in other files

	rep   *parse.OOMReport // the primary report
	trig  *parse.Trigger
	cpu   *parse.CPULine
	memcg *parse.MemcgBlock
	mi    *parse.MemInfo
	tasks *parse.TaskTable
	cons  *parse.ConstraintLine
	sel   *parse.SelectLine
	kill  *parse.KillLine
	reap  *parse.ReapLine
	row   *parse.TaskRow // the victim's task-table row

	pageKB int64
	// unfit are warnings for page counts whose kB do not fit in an int64
	// (pagesKB), listed with their input at the end of Build.
	unfit []parse.Warning
	group int
	ks    *float64
	wall  *time.Time
	basis string
	conf  string
	// noYear is the printed month, day and time of a kill whose log prints
	// no year when nothing in the bundle gives one (wall is then nil; the
	// year of noYear is a placeholder, never shown).
	noYear *time.Time
	raw    string

	// dmesg -T drift against a better basis, when measured.
	drift     *time.Duration
	driftRefs []report.Ref

	kind   string
	podQoS string
	// statusLimitKB is the memory limit of the container whose OOMKilled
	// status is this kill (kills known only from a pod status).
	statusLimitKB *int64

	nodeEvents []*parse.NodeEvent // node events matched to this kill
	// foreign: why the report cannot be this host's running boot (foreign.go)
	foreign []foreignWhy
	burst   bool // repeated-kills is about a burst of kills within seconds
	out     *report.Kill
}

// reportCtx is one report without a kill line, deduplicated.
type reportCtx struct {
	occs []*occ
}

func (kc *killCtx) node() *bootNode {
	if kc.evNode != nil {
		return kc.evNode
	}
	return kc.occs[0].node
}

// victimPid is the killed pid, nil if unknown.
func (kc *killCtx) victimPid() *int {
	if kc.kill != nil {
		if !kc.kill.PidKnown() {
			return nil
		}
		return ptr(kc.kill.Pid)
	}
	if kc.ev != nil {
		return kc.ev.Pid
	}
	return nil
}

// fromEvent tells a kill known only from a Kubernetes event.
func (kc *killCtx) fromEvent() bool { return kc.kill != nil && kc.kill.FromEvent() }

// fromPodStatus tells a kill known only from a container's OOMKilled status.
func (kc *killCtx) fromPodStatus() bool {
	return kc.kill != nil && kc.kill.Form == kernel.FormPodStatus
}

func (kc *killCtx) victimName() string {
	if kc.kill != nil {
		return kc.kill.Comm
	}
	if kc.ev != nil {
		if kc.ev.Name != "" {
			return kc.ev.Name
		}
		if kc.ev.Pod != "" {
			return kc.ev.Pod
		}
		return kc.ev.Cgroup
	}
	return ""
}

// merge picks each part of the report from the first occurrence that has it.
func (kc *killCtx) merge() {
	p := kc.occs[0]
	kc.rep, kc.kill = p.rep, p.kill
	for _, o := range kc.occs {
		r := o.rep
		if kc.trig == nil {
			kc.trig = r.Trigger
		}
		if kc.cpu == nil {
			kc.cpu = r.CPULine
		}
		if kc.memcg == nil {
			kc.memcg = r.Memcg
		}
		if kc.mi == nil {
			kc.mi = r.MemInfo
		}
		if kc.tasks == nil && r.Tasks.Len() > 0 {
			kc.tasks = r.Tasks
		}
		if kc.cons == nil {
			kc.cons = r.Constraint
		}
		if kc.sel == nil {
			kc.sel = r.Select
		}
		if kc.reap == nil && kc.kill != nil {
			for i := range r.Reaped {
				if r.Reaped[i].Pid == kc.kill.Pid {
					kc.reap = &r.Reaped[i]
					break
				}
			}
		}
	}
	kc.pageKB = 4
	if kc.mi != nil && kc.mi.PageSizeKB != nil && *kc.mi.PageSizeKB > 0 {
		kc.pageKB = *kc.mi.PageSizeKB
	}
	if kc.kill != nil {
		if row, ok := kc.tasks.Find(kc.kill.Pid); ok {
			kc.row = &row
		}
	}
	kc.kind = killKind(kc)
}

func killKind(kc *killCtx) string {
	if kc.cons != nil {
		switch kc.cons.Constraint {
		case "CONSTRAINT_MEMCG":
			return "memcg"
		case "CONSTRAINT_CPUSET":
			return "cpuset"
		case "CONSTRAINT_MEMORY_POLICY":
			return "mempolicy"
		case "CONSTRAINT_NONE":
			if kc.cons.OOMMemcg != nil && !kc.cons.GlobalOOM {
				return "memcg" // early 5.x printed NONE for memcg OOMs
			}
			return "global"
		}
	}
	msg := ""
	if kc.kill != nil {
		msg = kc.kill.Message
		if kc.kill.Form == kernel.FormSystemOOM {
			// the kubelet reports only OOMs of the root cgroup
			return "global"
		}
	}
	if msg == "" && kc.sel != nil {
		msg = kc.sel.Message
	}
	switch {
	case kc.memcg != nil && (kc.memcg.Memory != nil || kc.memcg.TaskIn != nil):
		return "memcg"
	case strings.HasPrefix(msg, "Memory cgroup out of memory"):
		return "memcg"
	case strings.Contains(msg, "MPOL_BIND"):
		return "mempolicy"
	case strings.Contains(msg, "in cpuset"):
		return "cpuset"
	case kc.mi != nil, strings.HasPrefix(msg, "Out of memory"):
		return "global"
	}
	return "unknown"
}

// taskMemcg and oomMemcg are the victim's memcg and the one whose limit was hit.
func (kc *killCtx) taskMemcg() string {
	if kc.cons != nil && kc.cons.TaskMemcg != nil {
		return *kc.cons.TaskMemcg
	}
	if kc.memcg != nil {
		return kc.memcg.TaskMemcg
	}
	return ""
}

func (kc *killCtx) oomMemcg() string {
	if kc.cons != nil && kc.cons.OOMMemcg != nil {
		return *kc.cons.OOMMemcg
	}
	if kc.memcg != nil {
		if kc.memcg.LimitMemcg != "" {
			return kc.memcg.LimitMemcg
		}
		return kc.memcg.StatsPath
	}
	return ""
}

// killRefs are the kill lines of every source.
func (kc *killCtx) killRefs() []report.Ref {
	var rs []report.Ref
	for _, o := range kc.occs {
		if o.kill != nil {
			rs = append(rs, toRef(o.kill.Ref))
		}
	}
	if kc.ev != nil {
		rs = append(rs, toRef(kc.ev.Ref))
		rs = append(rs, kc.evOccs...)
	}
	return sortRefs(rs)
}

func (kc *killCtx) primRef() report.Ref {
	if kc.kill != nil {
		return toRef(kc.kill.Ref)
	}
	return toRef(kc.ev.Ref)
}

// timeKill settles the kill's time and measures dmesg -T drift.
func (bd *builder) timeKill(kc *killCtx) {
	kc.group = kc.node().Group
	kc.basis, kc.conf = "none", "none"
	if kc.ev != nil {
		kc.raw = kc.ev.Stamp.Raw
		kc.ks = kc.ev.Stamp.KernelSeconds
		kc.wall, kc.basis, kc.conf = bd.clk.When(kc.evNode.LogBoot, kc.ev.Line, &kc.ev.Stamp)
		if kc.wall == nil {
			if kc.noYear = bd.clk.NoYearWall(&kc.ev.Stamp); kc.noYear != nil {
				kc.basis, kc.conf = "printed", "low"
			}
		}
		return
	}
	t := bd.clk.KillTime(bd.clk.Boots[kc.group], kc.seen)
	kc.ks, kc.wall, kc.basis, kc.conf, kc.raw, kc.noYear = t.KS, t.Wall, t.Basis, t.Conf, t.Raw, t.NoYear
	if t.Drift != nil {
		kc.drift, kc.driftRefs = t.Drift, []report.Ref{toRef(t.DriftRefs[0]), toRef(t.DriftRefs[1])}
	}
}

// assemble fills kc.out, the contract Kill, without findings.
func (bd *builder) assemble(kc *killCtx) {
	k := &report.Kill{
		ID: kc.id, Killer: kc.killer, Kind: kc.kind,
		Top: []report.Consumer{}, Sources: []string{}, Missing: []string{}, Findings: []report.Finding{},
		Boot: kc.group,
	}
	kc.out = k
	wall, local := bd.wallText(kc.wall)
	k.Time = report.KillTime{Raw: strPtr(kc.raw), KernelSeconds: kc.ks, Wall: wall, WallLocal: local, WallNoYear: bd.noYearText(kc.noYear), WallBasis: kc.basis, Confidence: kc.conf, At: bd.wallAt(kc.wall)}
	if kc.ev != nil {
		bd.assembleUserspace(kc)
		return
	}
	if kc.cons != nil {
		k.Constraint = strPtr(kc.cons.Constraint)
	}
	rp := kc.rep
	if kc.occs[0].inferred {
		k.InferredFrom = ptr("oom_reaper")
	}
	k.Manual = rp.Manual != nil || (kc.trig != nil && kc.trig.Order != nil && *kc.trig.Order == -1)
	k.Reaped = kc.reap != nil && kc.reap.Reaped
	kl := kc.kill
	v := report.Victim{Pid: kc.victimPid(), Name: kl.Comm, UID: kl.UID, OOMScoreAdj: kl.OOMScoreAdj,
		TotalVMKB: kl.TotalVMKB, AnonRSSKB: kl.AnonRSSKB, FileRSSKB: kl.FileRSSKB, ShmemRSSKB: kl.ShmemRSSKB, PgtablesKB: kl.PgtablesKB}
	if kc.sel != nil && kc.sel.Pid == kl.Pid {
		v.Score = kc.sel.Score
	}
	if r := kc.row; r != nil {
		if v.UID == nil {
			v.UID = ptr(r.UID)
		}
		if v.OOMScoreAdj == nil {
			v.OOMScoreAdj = r.OOMScoreAdj
		}
		if v.TotalVMKB == nil {
			v.TotalVMKB = kc.pagesKB(r.TotalVM, "total_vm", r.Ref)
		}
		if v.AnonRSSKB == nil && r.RSSAnon != nil {
			v.AnonRSSKB = kc.pagesKB(*r.RSSAnon, "rss_anon", r.Ref)
		}
		if v.FileRSSKB == nil && r.RSSFile != nil {
			v.FileRSSKB = kc.pagesKB(*r.RSSFile, "rss_file", r.Ref)
		}
		if v.ShmemRSSKB == nil && r.RSSShmem != nil {
			v.ShmemRSSKB = kc.pagesKB(*r.RSSShmem, "rss_shmem", r.Ref)
		}
		if v.PgtablesKB == nil && r.PgtablesBytes != nil {
			if kb, ok := units.ToKB(*r.PgtablesBytes, 1, 1024, units.Down); ok {
				v.PgtablesKB = &kb
			}
		}
		v.Swapents = r.Swapents
	}
	if v.UID == nil && kc.cons != nil && kc.cons.Pid != nil && *kc.cons.Pid == kl.Pid {
		v.UID = kc.cons.UID
	}
	k.Victim = v
	k.Invoker = invokerOf(kc)
	if m := kc.memcg; m != nil || kc.taskMemcg() != "" || kc.oomMemcg() != "" {
		mc := &report.Memcg{OOMMemcg: strPtr(kc.oomMemcg()), TaskMemcg: strPtr(kc.taskMemcg())}
		if m != nil {
			if c := m.Memory; c != nil {
				mc.UsageKB, mc.LimitKB, mc.Failcnt = ptr(c.UsageKB), ptr(c.LimitKB), ptr(c.Failcnt)
			}
			if c := m.Swap; c != nil {
				mc.SwapUsageKB, mc.SwapLimitKB = ptr(c.UsageKB), ptr(c.LimitKB)
			}
			if c := m.MemSwap; c != nil {
				mc.MemswUsageKB, mc.MemswLimitKB = ptr(c.UsageKB), ptr(c.LimitKB)
			}
		}
		// A global kill's oom-kill: line (5.0+, RHEL 8's 4.18) prints the
		// victim's task_memcg too: kept, so a global kill inside kubepods
		// is attributed to its pod like a cgroup kill.
		if kc.kind == "memcg" || m != nil || mc.TaskMemcg != nil {
			k.Memcg = mc
		}
		if mc.TaskMemcg != nil {
			k.Victim.Cgroup = mc.TaskMemcg
		}
	}
	k.SwapAtOOM = swapAtOOM(kc)
	k.MemInfo = killMem(kc)
	k.Top = topConsumers(kc)
	if kc.cpu != nil && kc.cpu.Kernel != "" {
		k.Kernel = strPtr(kc.cpu.Kernel)
	} else if nd := kc.node(); nd.Boot != nil && nd.Boot.Kernel != "" {
		k.Kernel = strPtr(nd.Boot.Kernel)
	}
	seen := map[string]bool{}
	for _, o := range kc.occs {
		if !seen[o.path()] {
			seen[o.path()] = true
			k.Sources = append(k.Sources, o.path())
		}
	}
	sort.Strings(k.Sources)
	k.Pod = bd.attributePod(kc)
	k.Evidence = bd.killEvidence(kc)
}

// invokerOf is the task that invoked the OOM killer ("<comm> invoked
// oom-killer: …", its pid from the "CPU: … PID: N Comm:" line), or nil.
func invokerOf(kc *killCtx) *report.Invoker {
	t := kc.trig
	if t == nil {
		return nil
	}
	inv := &report.Invoker{Name: t.Comm, GFPMask: strPtr(t.GFPMask), Order: t.Order, OOMScoreAdj: t.OOMScoreAdj}
	if kc.cpu != nil && kc.cpu.PID != nil && (kc.cpu.Comm == "" || strings.HasPrefix(t.Comm, kc.cpu.Comm) || strings.HasPrefix(kc.cpu.Comm, t.Comm)) {
		inv.Pid = kc.cpu.PID
	}
	return inv
}

// swapAtOOM is the report's own "Total swap" / "Free swap" lines, or nil.
func swapAtOOM(kc *killCtx) *report.SwapAtOOM {
	if mi := kc.mi; mi != nil && (mi.TotalSwapKB != nil || mi.FreeSwapKB != nil) {
		return &report.SwapAtOOM{TotalKB: mi.TotalSwapKB, FreeKB: mi.FreeSwapKB}
	}
	return nil
}

// killEvidence is every line the kill rests on, in the primary source plus
// the kill lines of every other source.
func (bd *builder) killEvidence(kc *killCtx) []report.Ref {
	rs := kc.killRefs()
	add := func(r parse.Ref) { rs = append(rs, toRef(r)) }
	if kc.trig != nil {
		add(kc.trig.Ref)
	}
	if kc.cpu != nil {
		add(kc.cpu.Ref)
	}
	if kc.cons != nil {
		add(kc.cons.Ref)
		for _, r := range kc.cons.Continued {
			add(r)
		}
	}
	if kc.sel != nil {
		add(kc.sel.Ref)
	}
	if kc.row != nil {
		add(kc.row.Ref)
	}
	if kc.reap != nil {
		add(kc.reap.Ref)
	}
	if m := kc.memcg; m != nil {
		for _, c := range []*parse.Counter{m.Memory, m.Swap, m.MemSwap} {
			if c != nil {
				add(c.Ref)
			}
		}
		if m.TaskIn != nil {
			add(m.TaskIn.Ref)
		}
	}
	if mi := kc.mi; mi != nil {
		for _, r := range []*parse.Ref{mi.FreeSwapRef, mi.TotalSwapRef, mi.PagesRAMRef} {
			if r != nil {
				add(*r)
			}
		}
	}
	// The same lines of the kill's other copies (journal and messages, a
	// kill pasted twice): each copy is cited where it says the same.
	for _, o := range kc.occs[min(1, len(kc.occs)):] {
		r := o.rep
		if r.Trigger != nil {
			add(r.Trigger.Ref)
		}
		if r.Constraint != nil {
			add(r.Constraint.Ref)
			for _, c := range r.Constraint.Continued {
				add(c)
			}
		}
		if r.Select != nil {
			add(r.Select.Ref)
		}
		if o.kill != nil {
			for i := range r.Reaped {
				if r.Reaped[i].Pid == o.kill.Pid {
					add(r.Reaped[i].Ref)
				}
			}
		}
	}
	return sortRefs(rs)
}

func killMem(kc *killCtx) *report.KillMem {
	if mi := kc.mi; mi != nil && len(mi.Counters) > 0 {
		km := &report.KillMem{Source: "mem-info"}
		pages := func(keys ...string) *int64 {
			var sum *int64
			var at parse.Ref
			for _, k := range keys {
				if v, r, ok := kvGet(mi.Counters, k); ok {
					at = *r
					if sum == nil {
						sum = ptr(v)
					} else if s, ok := units.AddKB(*sum, v); ok {
						*sum = s
					} else {
						kc.unfit = append(kc.unfit, parse.Warning{Ref: at, Message: strings.Join(keys, "+") + ": the sum of the pages does not fit: left unknown"})
						return nil
					}
				}
			}
			if sum == nil {
				return nil
			}
			return kc.pagesKB(*sum, strings.Join(keys, "+"), at)
		}
		km.AnonKB = pages("active_anon", "inactive_anon")
		km.FileKB = pages("active_file", "inactive_file")
		km.ShmemKB = pages("shmem")
		km.SlabReclaimKB = pages("slab_reclaimable")
		km.SlabUnreclaimKB = pages("slab_unreclaimable")
		km.PagetablesKB = pages("pagetables")
		km.UnevictableKB = pages("unevictable")
		km.FreeKB = pages("free")
		if mi.PagesRAM != nil && mi.PagesRAMRef != nil {
			km.RAMKB = kc.pagesKB(*mi.PagesRAM, "pages RAM", *mi.PagesRAMRef)
		}
		if mi.HugepagesTotal != nil && mi.HugepageSizeKB != nil {
			if kb, ok := units.ToKB(*mi.HugepagesTotal, *mi.HugepageSizeKB, 1, units.Nearest); ok {
				km.HugepagesKB = &kb
			}
		}
		// kernel_stack from the node lines, else the zone lines (kB)
		var nodeKS, zoneKS []*int64
		for _, n := range mi.Nodes {
			if v, _, ok := kvGet(n.Fields, "kernel_stack"); ok {
				nodeKS = append(nodeKS, ptr(v))
			}
		}
		for _, z := range mi.Zones {
			if v, _, ok := kvGet(z.Fields, "kernel_stack"); ok {
				zoneKS = append(zoneKS, ptr(v))
			}
		}
		if len(nodeKS) > 0 {
			km.KernelStackKB = sumKB(nodeKS...)
		} else if len(zoneKS) > 0 {
			km.KernelStackKB = sumKB(zoneKS...)
		}
		if km.PagetablesKB == nil {
			var pt []*int64
			for _, n := range mi.Nodes {
				if v, _, ok := kvGet(n.Fields, "pagetables"); ok {
					pt = append(pt, ptr(v))
				}
			}
			if len(pt) > 0 {
				km.PagetablesKB = sumKB(pt...)
			}
		}
		return km
	}
	if m := kc.memcg; m != nil && len(m.Stats) > 0 {
		km := &report.KillMem{Source: "memcg-stats"}
		conv := func(keys ...string) *int64 {
			for _, k := range keys {
				if v, _, ok := kvGet(m.Stats, k); ok {
					if m.StatsInKB {
						return ptr(v)
					}
					if kb, ok := units.ToKB(v, 1, 1024, units.Down); ok { // bytes
						return &kb
					}
					return nil
				}
			}
			return nil
		}
		km.AnonKB = conv("anon", "rss")
		km.FileKB = conv("file", "cache")
		km.ShmemKB = conv("shmem")
		km.SlabReclaimKB = conv("slab_reclaimable")
		km.SlabUnreclaimKB = conv("slab_unreclaimable")
		km.KernelStackKB = conv("kernel_stack")
		km.PagetablesKB = conv("pagetables")
		km.UnevictableKB = conv("unevictable")
		if m.Memory != nil && !m.Memory.Unlimited {
			km.RAMKB = ptr(m.Memory.LimitKB)
		}
		return km
	}
	return nil
}

// topConsumers groups the task table by name, largest RSS first.
func topConsumers(kc *killCtx) []report.Consumer {
	out := []report.Consumer{}
	if kc.tasks == nil {
		return out
	}
	idx := map[string]int{}
	// a group whose RSS (or swap) in kB is unknown: a row's pages or the
	// sum do not fit in an int64
	var unknown, swapUnknown []bool
	for r := range kc.tasks.Briefs() {
		i, ok := idx[r.Name]
		if !ok {
			i = len(out)
			idx[r.Name] = i
			out = append(out, report.Consumer{Name: r.Name})
			unknown, swapUnknown = append(unknown, false), append(swapUnknown, false)
		}
		c := &out[i]
		c.Tasks++
		if !unknown[i] {
			kb := kc.pagesKB(r.RSS, "rss", r.Ref)
			var sum int64
			ok := kb != nil
			if ok {
				sum, ok = units.AddKB(c.RSSKB, *kb)
			}
			if ok {
				c.RSSKB = sum
			} else {
				// left out of the ranking: its resident size is unknown
				unknown[i] = true
				if kb != nil {
					kc.unfit = append(kc.unfit, parse.Warning{Ref: r.Ref, Message: "rss of the " + r.Name + " tasks: the sum does not fit in kB: left out of the largest consumers"})
				}
			}
		}
		if r.HasSwapents {
			if c.SwapKB == nil {
				c.SwapKB = ptr(int64(0))
			}
			if !swapUnknown[i] {
				var sum int64
				kb := kc.pagesKB(r.Swapents, "swapents", r.Ref)
				ok := kb != nil
				if ok {
					sum, ok = units.AddKB(*c.SwapKB, *kb)
				}
				if ok {
					*c.SwapKB = sum
				} else {
					swapUnknown[i] = true
				}
			}
		}
		if kc.kill != nil && r.Pid == kc.kill.Pid {
			c.IsVictim = true
		}
	}
	known := out[:0]
	for i, c := range out {
		if swapUnknown[i] {
			c.SwapKB = nil
		}
		if !unknown[i] {
			known = append(known, c)
		}
	}
	out = known
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].RSSKB != out[j].RSSKB {
			return out[i].RSSKB > out[j].RSSKB
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > 10 {
		keep := out[:10]
		for _, c := range out[10:] {
			if c.IsVictim {
				keep = append(keep, c)
			}
		}
		out = keep
	}
	return out
}

// userspaceKills turns oomd, earlyoom and kubelet eviction events into kills.
func (bd *builder) userspaceKills() {
	var list []*killCtx
	for _, lg := range bd.logs {
		for i := range lg.Events {
			e := &lg.Events[i]
			killer := ""
			switch e.Kind {
			case "oomd-kill":
				killer = "systemd-oomd"
			case "earlyoom-kill":
				killer = "earlyoom"
			case "kubelet-eviction":
				if e.Pod == "" {
					continue // "attempting to reclaim memory": a signal, not an eviction
				}
				killer = "kubelet-eviction"
			default:
				continue
			}
			nd := bd.nodeAt(lg.Path, e.Boot)
			if nd == nil {
				nd = bd.nodeAt(lg.Path, 0)
			}
			if nd == nil {
				continue
			}
			kc := &killCtx{killer: killer, ev: e, evNode: nd, kind: "unknown"}
			// Same event in another file (journal and messages)?
			dup := false
			for _, o := range list {
				if o.killer != killer || o.evNode.log.Path == lg.Path || o.victimName() != kc.victimName() || !eqIntPtr(o.ev.Pid, e.Pid) {
					continue
				}
				wa, _ := bd.clk.Wall(lg.Path, e.Line, &e.Stamp)
				wb, _ := bd.clk.Wall(o.evNode.log.Path, o.ev.Line, &o.ev.Stamp)
				if wa != nil && wb != nil {
					if d := wa.Sub(*wb); d > 2*time.Second || d < -2*time.Second {
						continue
					}
				}
				o.evOccs = append(o.evOccs, toRef(e.Ref))
				dup = true
				break
			}
			if !dup {
				list = append(list, kc)
			}
		}
	}
	bd.kills = append(bd.kills, list...)
}

func eqIntPtr(a, b *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func (bd *builder) assembleUserspace(kc *killCtx) {
	k := kc.out
	e := kc.ev
	k.Victim = report.Victim{Pid: e.Pid, Name: kc.victimName(), UID: e.UID, AnonRSSKB: e.AnonKB, Cgroup: strPtr(e.Cgroup)}
	k.Sources = []string{e.Path}
	for _, r := range kc.evOccs {
		if !contains(k.Sources, r.Path) {
			k.Sources = append(k.Sources, r.Path)
		}
	}
	sort.Strings(k.Sources)
	k.Evidence = kc.killRefs()
	if e.PressureRef != nil {
		k.Evidence = sortRefs(append(k.Evidence, toRef(*e.PressureRef)))
	}
	if e.Cgroup != "" {
		k.Pod = bd.podFromPath(e.Cgroup, kc)
	}
	if e.Kind == "kubelet-eviction" && e.Pod != "" {
		ns, name, _ := strings.Cut(e.Pod, "/")
		k.Pod = &report.Pod{Namespace: strPtr(ns), Name: strPtr(name), Evidence: []report.Ref{toRef(e.Ref)}}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// orderKills sorts kills by boot, then kernel seconds or wall time, then
// source, and numbers them k1, k2, ….
func (bd *builder) orderKills() {
	sort.SliceStable(bd.kills, func(i, j int) bool {
		a, b := bd.kills[i], bd.kills[j]
		if a.group != b.group {
			return a.group < b.group
		}
		if a.ks != nil && b.ks != nil && *a.ks != *b.ks {
			return *a.ks < *b.ks
		}
		if a.wall != nil && b.wall != nil && !a.wall.Equal(*b.wall) {
			return a.wall.Before(*b.wall)
		}
		// a kill known only from an event goes where its event is among
		// the events that report the other kills (the kubelet reports
		// kills in kernel order)
		if a.fromEvent() != b.fromEvent() {
			if ea, ok := bd.eventRef(a); ok {
				if eb, ok := bd.eventRef(b); ok && ea.Path == eb.Path && ea.Line != eb.Line {
					return ea.Line < eb.Line
				}
			}
		}
		ra, rb := a.primRef(), b.primRef()
		if ra.Path != rb.Path {
			return ra.Path < rb.Path
		}
		return ra.Line < rb.Line
	})
	for i, kc := range bd.kills {
		kc.id = fmt.Sprintf("k%d", i+1)
	}
}

// eventRef is the line of the node event that reports the kill: the
// kill's own line for a kill known only from an event, else a SystemOOM
// or OOMKilling event naming its pid.
func (bd *builder) eventRef(kc *killCtx) (report.Ref, bool) {
	if kc.fromEvent() {
		return kc.primRef(), true
	}
	if kc.kill == nil {
		return report.Ref{}, false
	}
	for _, n := range bd.b.Nodes {
		if n == nil {
			continue
		}
		for i := range n.Events {
			e := &n.Events[i]
			if e.Reason == "SystemOOM" && e.VictimPid != nil && *e.VictimPid == kc.kill.Pid {
				return toRef(e.Ref), true
			}
		}
	}
	return report.Ref{}, false
}
