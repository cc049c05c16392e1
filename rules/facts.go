package rules

import (
	"sort"
	"strings"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/report"
)

// factType is how a `when` key is written and compared.
type factType int

const (
	typePattern factType = iota // regexp2 pattern(s) against text values
	typeEnum                    // one of a fixed set of words
	typeNumber                  // {min: N, max: N}
	typeBool                    // true | false
	typeKernel                  // version range ">=4.15 <5.0"
)

// textValue is one text a pattern is matched against; ref is set for
// evidence lines so a finding can cite the line it matched.
type textValue struct {
	text string
	ref  *report.Ref
}

// fact is one `when` key: what it reads from a kill and how.
type fact struct {
	name string
	typ  factType
	size bool     // number in kB: bounds may be written as sizes ("1.5GiB")
	pod  bool     // reads the kill's pod: a finding cites the pod's evidence
	enum []string // typeEnum: the allowed words
	doc  string

	texts func(c *evalCtx) []textValue // typePattern
	word  func(c *evalCtx) string      // typeEnum; "" = unknown
	num   func(c *evalCtx) *float64    // typeNumber; nil = unknown
	flag  func(c *evalCtx) *bool       // typeBool; nil = unknown
}

// facts is every condition a rule may use, in documentation order.
var facts = []fact{
	// Text patterns.
	{name: "victim", typ: typePattern, doc: "the killed process's name (comm) as printed",
		texts: func(c *evalCtx) []textValue { return texts(c.k.Victim.Name) }},
	{name: "invoker", typ: typePattern, doc: "the task whose allocation invoked the OOM killer",
		texts: func(c *evalCtx) []textValue {
			if c.k.Invoker == nil {
				return nil
			}
			return texts(c.k.Invoker.Name)
		}},
	{name: "memcg", typ: typePattern, doc: "any of oom_memcg, task_memcg and the victim's cgroup",
		texts: func(c *evalCtx) []textValue {
			var v []textValue
			if m := c.k.Memcg; m != nil {
				v = append(v, ptexts(m.OOMMemcg)...)
				v = append(v, ptexts(m.TaskMemcg)...)
			}
			return append(v, ptexts(c.k.Victim.Cgroup)...)
		}},
	{name: "oom_memcg", typ: typePattern, doc: "the cgroup whose limit was hit",
		texts: func(c *evalCtx) []textValue {
			if c.k.Memcg == nil {
				return nil
			}
			return ptexts(c.k.Memcg.OOMMemcg)
		}},
	{name: "task_memcg", typ: typePattern, doc: "the victim's own memory cgroup",
		texts: func(c *evalCtx) []textValue {
			if c.k.Memcg == nil {
				return nil
			}
			return ptexts(c.k.Memcg.TaskMemcg)
		}},
	{name: "pod_namespace", typ: typePattern, pod: true, doc: "the Kubernetes namespace of the victim's pod",
		texts: func(c *evalCtx) []textValue {
			if c.k.Pod == nil {
				return nil
			}
			return ptexts(c.k.Pod.Namespace)
		}},
	{name: "pod_name", typ: typePattern, pod: true, doc: "the victim's pod name",
		texts: func(c *evalCtx) []textValue {
			if c.k.Pod == nil {
				return nil
			}
			return ptexts(c.k.Pod.Name)
		}},
	{name: "pod_container", typ: typePattern, pod: true, doc: "the victim's container name",
		texts: func(c *evalCtx) []textValue {
			if c.k.Pod == nil {
				return nil
			}
			return ptexts(c.k.Pod.Container)
		}},
	{name: "gfp_mask", typ: typePattern, doc: `the invoker's gfp_mask token as printed, e.g. "0xcc0(GFP_KERNEL)"`,
		texts: func(c *evalCtx) []textValue {
			if c.k.Invoker == nil {
				return nil
			}
			return ptexts(c.k.Invoker.GFPMask)
		}},
	{name: "constraint", typ: typePattern, doc: `the oom-kill constraint token, e.g. "CONSTRAINT_MEMCG"`,
		texts: func(c *evalCtx) []textValue { return ptexts(c.k.Constraint) }},
	{name: "evidence_line", typ: typePattern, doc: "any source line the kill rests on, as it appears in the file (with its timestamp or syslog prefix); the finding cites the lines that matched",
		texts: func(c *evalCtx) []textValue {
			var v []textValue
			for i := range c.k.Evidence {
				ref := c.k.Evidence[i]
				if t, ok := c.lines[ref]; ok {
					v = append(v, textValue{text: t, ref: &ref})
				}
			}
			return v
		}},
	{name: "swap_device", typ: typePattern, doc: "an active swap device or file at capture time (swapon, /proc/swaps), e.g. /dev/zram0",
		texts: func(c *evalCtx) []textValue {
			if c.rep.Swap == nil {
				return nil
			}
			var v []textValue
			for _, d := range c.rep.Swap.Devices {
				v = append(v, texts(d.Name)...)
			}
			return v
		}},

	// Words.
	{name: "kind", typ: typeEnum, enum: []string{"global", "memcg", "cpuset", "mempolicy", "unknown"},
		doc:  "what ran out: the whole machine, a memory cgroup, a cpuset or a NUMA policy",
		word: func(c *evalCtx) string { return c.k.Kind }},
	{name: "killer", typ: typeEnum, enum: []string{"kernel", "systemd-oomd", "earlyoom", "kubelet-eviction"},
		doc:  "who killed",
		word: func(c *evalCtx) string { return c.k.Killer }},
	{name: "qos", typ: typeEnum, pod: true, enum: []string{"guaranteed", "burstable", "besteffort"},
		doc: "the pod's QoS class (case does not matter)",
		word: func(c *evalCtx) string {
			if c.k.Pod == nil || c.k.Pod.QoS == nil {
				return ""
			}
			return strings.ToLower(*c.k.Pod.QoS)
		}},
	{name: "swap", typ: typeEnum, enum: []string{"none", "exhausted", "free"},
		doc:  "swap in the kill's report: none = total 0; exhausted = free ≤ 1% of total or < 1 MiB; free = otherwise; unknown (the rule does not fire) when the report prints no swap totals, as memcg reports do not",
		word: func(c *evalCtx) string { return swapState(c.k.SwapAtOOM) }},

	// Flags.
	{name: "manual", typ: typeBool, doc: "the kill was forced (SysRq-f, echo f > /proc/sysrq-trigger)",
		flag: func(c *evalCtx) *bool { return &c.k.Manual }},
	{name: "reaped", typ: typeBool, doc: "an oom_reaper line for the victim was seen",
		flag: func(c *evalCtx) *bool { return &c.k.Reaped }},
	{name: "in_pod", typ: typeBool, doc: "the victim was in a Kubernetes pod",
		flag: func(c *evalCtx) *bool { b := c.k.Pod != nil; return &b }},

	// Kernel version.
	{name: "kernel", typ: typeKernel, doc: `the kernel release printed in the kill's report, compared with a range such as ">=4.15 <5.0"`},

	// Numbers: the victim.
	{name: "anon_rss_kb", typ: typeNumber, size: true, doc: "victim anonymous RSS", num: victimNum(func(v *report.Victim) *int64 { return v.AnonRSSKB })},
	{name: "file_rss_kb", typ: typeNumber, size: true, doc: "victim file-backed RSS", num: victimNum(func(v *report.Victim) *int64 { return v.FileRSSKB })},
	{name: "shmem_rss_kb", typ: typeNumber, size: true, doc: "victim shared-memory RSS (tmpfs, SysV/POSIX shm)", num: victimNum(func(v *report.Victim) *int64 { return v.ShmemRSSKB })},
	{name: "victim_rss_kb", typ: typeNumber, size: true, doc: "victim RSS: the sum of the printed anon, file and shmem RSS",
		num: func(c *evalCtx) *float64 { return c.victimRSS() }},
	{name: "total_vm_kb", typ: typeNumber, size: true, doc: "victim virtual size", num: victimNum(func(v *report.Victim) *int64 { return v.TotalVMKB })},
	{name: "pgtables_kb", typ: typeNumber, size: true, doc: "victim page tables", num: victimNum(func(v *report.Victim) *int64 { return v.PgtablesKB })},
	{name: "swapents", typ: typeNumber, doc: "victim swap entries (pages) from the task table", num: victimNum(func(v *report.Victim) *int64 { return v.Swapents })},
	{name: "oom_score_adj", typ: typeNumber, doc: "victim oom_score_adj",
		num: func(c *evalCtx) *float64 {
			if c.k.Victim.OOMScoreAdj == nil {
				return nil
			}
			f := float64(*c.k.Victim.OOMScoreAdj)
			return &f
		}},
	{name: "score", typ: typeNumber, doc: "victim badness score from the kill line", num: victimNum(func(v *report.Victim) *int64 { return v.Score })},
	{name: "victim_tasks", typ: typeNumber, doc: "task-table rows with the victim's name (how many copies ran)",
		num: func(c *evalCtx) *float64 {
			for _, t := range c.k.Top {
				if t.IsVictim || t.Name == c.k.Victim.Name {
					f := float64(t.Tasks)
					return &f
				}
			}
			return nil
		}},
	{name: "victim_rss_pct", typ: typeNumber, doc: "victim_rss_kb as a percentage of the memory that ran out (limit_kb for memcg kills, ram_kb otherwise)",
		num: func(c *evalCtx) *float64 { return pct(c.victimRSS(), c.base()) }},
	{name: "victim_shmem_pct", typ: typeNumber, doc: "shmem_rss_kb as a percentage of victim_rss_kb",
		num: func(c *evalCtx) *float64 { return pct(fnum(c.k.Victim.ShmemRSSKB), c.victimRSS()) }},

	// Numbers: the invoker.
	{name: "invoker_order", typ: typeNumber, doc: "allocation order that failed (2^order pages; -1 for SysRq-f)",
		num: func(c *evalCtx) *float64 {
			if c.k.Invoker == nil || c.k.Invoker.Order == nil {
				return nil
			}
			f := float64(*c.k.Invoker.Order)
			return &f
		}},

	// Numbers: the memory cgroup.
	{name: "usage_kb", typ: typeNumber, size: true, doc: "memcg usage", num: memcgNum(func(m *report.Memcg) *int64 { return m.UsageKB })},
	{name: "limit_kb", typ: typeNumber, size: true, doc: "memcg limit", num: memcgNum(func(m *report.Memcg) *int64 { return m.LimitKB })},
	{name: "failcnt", typ: typeNumber, doc: "memcg failcnt", num: memcgNum(func(m *report.Memcg) *int64 { return m.Failcnt })},
	{name: "swap_usage_kb", typ: typeNumber, size: true, doc: "memcg swap usage (cgroup v2)", num: memcgNum(func(m *report.Memcg) *int64 { return m.SwapUsageKB })},
	{name: "swap_limit_kb", typ: typeNumber, size: true, doc: "memcg swap limit (cgroup v2)", num: memcgNum(func(m *report.Memcg) *int64 { return m.SwapLimitKB })},
	{name: "memsw_usage_kb", typ: typeNumber, size: true, doc: "memcg memory+swap usage (cgroup v1)", num: memcgNum(func(m *report.Memcg) *int64 { return m.MemswUsageKB })},
	{name: "memsw_limit_kb", typ: typeNumber, size: true, doc: "memcg memory+swap limit (cgroup v1)", num: memcgNum(func(m *report.Memcg) *int64 { return m.MemswLimitKB })},
	{name: "usage_pct", typ: typeNumber, doc: "usage_kb as a percentage of limit_kb",
		num: func(c *evalCtx) *float64 {
			return pct(c.memcg(func(m *report.Memcg) *int64 { return m.UsageKB }), c.memcg(func(m *report.Memcg) *int64 { return m.LimitKB }))
		}},

	// Numbers: swap in the report.
	{name: "swap_total_kb", typ: typeNumber, size: true, doc: `"Total swap" in the report`, num: swapNum(func(s *report.SwapAtOOM) *int64 { return s.TotalKB })},
	{name: "swap_free_kb", typ: typeNumber, size: true, doc: `"Free swap" in the report`, num: swapNum(func(s *report.SwapAtOOM) *int64 { return s.FreeKB })},

	// Numbers: memory composition at the kill (Mem-Info or memcg stats).
	{name: "ram_kb", typ: typeNumber, size: true, doc: "RAM (pages RAM in Mem-Info)", num: memNum(func(m *report.KillMem) *int64 { return m.RAMKB })},
	{name: "mem_anon_kb", typ: typeNumber, size: true, doc: "anonymous memory", num: memNum(func(m *report.KillMem) *int64 { return m.AnonKB })},
	{name: "mem_file_kb", typ: typeNumber, size: true, doc: "file cache", num: memNum(func(m *report.KillMem) *int64 { return m.FileKB })},
	{name: "mem_shmem_kb", typ: typeNumber, size: true, doc: "shared memory (tmpfs, shm)", num: memNum(func(m *report.KillMem) *int64 { return m.ShmemKB })},
	{name: "mem_free_kb", typ: typeNumber, size: true, doc: "free memory", num: memNum(func(m *report.KillMem) *int64 { return m.FreeKB })},
	{name: "slab_reclaimable_kb", typ: typeNumber, size: true, doc: "reclaimable slab", num: memNum(func(m *report.KillMem) *int64 { return m.SlabReclaimKB })},
	{name: "slab_unreclaimable_kb", typ: typeNumber, size: true, doc: "unreclaimable slab", num: memNum(func(m *report.KillMem) *int64 { return m.SlabUnreclaimKB })},
	{name: "kernel_stack_kb", typ: typeNumber, size: true, doc: "kernel stacks", num: memNum(func(m *report.KillMem) *int64 { return m.KernelStackKB })},
	{name: "pagetables_kb", typ: typeNumber, size: true, doc: "page tables", num: memNum(func(m *report.KillMem) *int64 { return m.PagetablesKB })},
	{name: "unevictable_kb", typ: typeNumber, size: true, doc: "unevictable (mlocked) memory", num: memNum(func(m *report.KillMem) *int64 { return m.UnevictableKB })},
	{name: "hugepages_kb", typ: typeNumber, size: true, doc: "HugeTLB pool size", num: memNum(func(m *report.KillMem) *int64 { return m.HugepagesKB })},
	{name: "shmem_pct", typ: typeNumber, doc: "mem_shmem_kb as a percentage of the memory that ran out",
		num: func(c *evalCtx) *float64 {
			return pct(c.mem(func(m *report.KillMem) *int64 { return m.ShmemKB }), c.base())
		}},
	{name: "slab_unreclaimable_pct", typ: typeNumber, doc: "slab_unreclaimable_kb as a percentage of the memory that ran out",
		num: func(c *evalCtx) *float64 {
			return pct(c.mem(func(m *report.KillMem) *int64 { return m.SlabUnreclaimKB }), c.base())
		}},
	{name: "hugepages_pct", typ: typeNumber, doc: "hugepages_kb as a percentage of the memory that ran out",
		num: func(c *evalCtx) *float64 {
			return pct(c.mem(func(m *report.KillMem) *int64 { return m.HugepagesKB }), c.base())
		}},
}

// factIndex finds a fact by its `when` key; lookups only, never iterated.
var factIndex = func() map[string]*fact {
	m := make(map[string]*fact, len(facts))
	for i := range facts {
		m[facts[i].name] = &facts[i]
	}
	return m
}()

// factNames lists every `when` key, sorted, for error messages.
var factNames = func() []string {
	n := make([]string, 0, len(facts))
	for _, f := range facts {
		n = append(n, f.name)
	}
	sort.Strings(n)
	return n
}()

func texts(s string) []textValue {
	if s == "" {
		return nil
	}
	return []textValue{{text: s}}
}

func ptexts(s *string) []textValue {
	if s == nil {
		return nil
	}
	return texts(*s)
}

func fnum(p *int64) *float64 {
	if p == nil {
		return nil
	}
	f := float64(*p)
	return &f
}

// pct is a*100/b, or nil when either is unknown or b is not positive.
func pct(a, b *float64) *float64 {
	if a == nil || b == nil || *b <= 0 {
		return nil
	}
	f := *a * 100 / *b
	return &f
}

// swapState classifies the report's swap: "none", "exhausted" (as
// correlate.SwapExhausted defines it, the same as the swap-exhausted
// finding), "free", or "" when the report printed no swap totals.
func swapState(s *report.SwapAtOOM) string {
	if s == nil || s.TotalKB == nil {
		return ""
	}
	total := *s.TotalKB
	if total <= 0 {
		return "none"
	}
	if s.FreeKB == nil {
		return ""
	}
	if correlate.SwapExhausted(total, *s.FreeKB) {
		return "exhausted"
	}
	return "free"
}

// memNum, memcgNum, swapNum and victimNum make a fact's getter from a
// field of one block of the kill.
func memNum(get func(*report.KillMem) *int64) func(*evalCtx) *float64 {
	return func(c *evalCtx) *float64 { return c.mem(get) }
}

func memcgNum(get func(*report.Memcg) *int64) func(*evalCtx) *float64 {
	return func(c *evalCtx) *float64 { return c.memcg(get) }
}

func swapNum(get func(*report.SwapAtOOM) *int64) func(*evalCtx) *float64 {
	return func(c *evalCtx) *float64 { return c.swap(get) }
}

func victimNum(get func(*report.Victim) *int64) func(*evalCtx) *float64 {
	return func(c *evalCtx) *float64 { return fnum(get(&c.k.Victim)) }
}

func (c *evalCtx) memcg(get func(*report.Memcg) *int64) *float64 {
	if c.k.Memcg == nil {
		return nil
	}
	return fnum(get(c.k.Memcg))
}

func (c *evalCtx) swap(get func(*report.SwapAtOOM) *int64) *float64 {
	if c.k.SwapAtOOM == nil {
		return nil
	}
	return fnum(get(c.k.SwapAtOOM))
}

func (c *evalCtx) mem(get func(*report.KillMem) *int64) *float64 {
	if c.k.MemInfo == nil {
		return nil
	}
	return fnum(get(c.k.MemInfo))
}

// victimRSS is the sum of the victim's printed anon, file and shmem RSS
// (kernels before shmem-rss was printed counted shmem in file-rss).
func (c *evalCtx) victimRSS() *float64 {
	v := c.k.Victim
	var sum float64
	seen := false
	for _, p := range []*int64{v.AnonRSSKB, v.FileRSSKB, v.ShmemRSSKB} {
		if p != nil {
			sum += float64(*p)
			seen = true
		}
	}
	if !seen {
		return nil
	}
	return &sum
}

// base is the memory that ran out: the memcg limit for a memcg kill, the
// machine's RAM otherwise; nil when the report does not say.
func (c *evalCtx) base() *float64 {
	if c.k.Kind == "memcg" {
		return c.memcg(func(m *report.Memcg) *int64 { return m.LimitKB })
	}
	return c.mem(func(m *report.KillMem) *int64 { return m.RAMKB })
}
