package rules

import (
	"fmt"
	"strconv"
	"strings"
	"text/template"

	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// Data is what a rule's say and advice templates see. Every block is
// present (zero-valued when the report did not print it), so
// {{.Memcg.LimitKB}} never fails on a global kill; numbers stay pointers
// and print as "unknown" through kb, num and pct when nil.
//
//	{{.Victim.Name}} ({{num .Victim.Pid}}) used {{kb .Victim.AnonRSSKB}}
//	of a {{kb .Memcg.LimitKB}} limit ({{pct (.Fact "victim_rss_pct")}}).
type Data struct {
	Kill       string // kill id, e.g. "k1"
	Kind       string // global | memcg | cpuset | mempolicy | unknown
	Killer     string // kernel | systemd-oomd | earlyoom | kubelet-eviction
	Constraint string // e.g. "CONSTRAINT_MEMCG"; "" when not printed
	Manual     bool
	Kernel     string // kernel release of the report; "" when not printed
	Time       string // wall time, else the raw timestamp; "" when unknown
	Victim     report.Victim
	Invoker    report.Invoker
	Memcg      report.Memcg
	Swap       report.SwapAtOOM
	Mem        report.KillMem
	Pod        report.Pod
	Top        []report.Consumer
	Rule       RuleInfo

	ctx *evalCtx
}

// RuleInfo names the rule whose template runs.
type RuleInfo struct {
	ID, Title, Severity string
}

// Fact returns the value of a numeric `when` key for this kill, e.g.
// {{pct (.Fact "victim_rss_pct")}}; nil when unknown.
func (d *Data) Fact(name string) (*float64, error) {
	f := factIndex[name]
	if f == nil || f.typ != typeNumber {
		return nil, fmt.Errorf("Fact: %q is not a numeric condition", name)
	}
	if d.ctx == nil {
		return nil, nil
	}
	return f.num(d.ctx), nil
}

// Swapstate is the swap condition's word for this kill: none, exhausted,
// free, or "" when unknown.
func (d *Data) Swapstate() string { return swapState(&d.Swap) }

func newData(c *evalCtx, r *Rule) *Data {
	k := c.k
	d := &Data{
		Kill: k.ID, Kind: k.Kind, Killer: k.Killer, Manual: k.Manual,
		Victim: k.Victim, Top: k.Top, ctx: c,
		Rule: RuleInfo{ID: r.ID, Title: r.Title, Severity: r.Severity},
	}
	if k.Constraint != nil {
		d.Constraint = *k.Constraint
	}
	if k.Kernel != nil {
		d.Kernel = *k.Kernel
	}
	switch {
	case k.Time.Wall != nil:
		d.Time = *k.Time.Wall
	case k.Time.WallLocal != nil:
		d.Time = *k.Time.WallLocal
	case k.Time.WallNoYear != nil:
		d.Time = *k.Time.WallNoYear
	case k.Time.Raw != nil:
		d.Time = *k.Time.Raw
	}
	if k.Invoker != nil {
		d.Invoker = *k.Invoker
	}
	if k.Memcg != nil {
		d.Memcg = *k.Memcg
	}
	if k.SwapAtOOM != nil {
		d.Swap = *k.SwapAtOOM
	}
	if k.MemInfo != nil {
		d.Mem = *k.MemInfo
	}
	if k.Pod != nil {
		d.Pod = *k.Pod
	}
	return d
}

// sampleData is a kill with every field set, used to check templates when
// a rule is loaded.
func sampleData() *Data {
	i := func(v int) *int { return &v }
	n := func(v int64) *int64 { return &v }
	s := func(v string) *string { return &v }
	k := &report.Kill{
		ID: "k1", Killer: "kernel", Kind: "memcg", Constraint: s("CONSTRAINT_MEMCG"), Kernel: s("6.1.0"),
		Victim: report.Victim{Pid: i(1), Name: "x", UID: i(0), Score: n(1), OOMScoreAdj: i(0), TotalVMKB: n(1),
			AnonRSSKB: n(1), FileRSSKB: n(1), ShmemRSSKB: n(1), PgtablesKB: n(1), Swapents: n(1), Cgroup: s("/x")},
		Invoker: &report.Invoker{Name: "x", Pid: i(1), GFPMask: s("0xcc0(GFP_KERNEL)"), Order: i(0), OOMScoreAdj: i(0)},
		Memcg: &report.Memcg{OOMMemcg: s("/x"), TaskMemcg: s("/x"), UsageKB: n(1), LimitKB: n(1), Failcnt: n(1),
			SwapUsageKB: n(0), SwapLimitKB: n(0), MemswUsageKB: n(1), MemswLimitKB: n(1)},
		SwapAtOOM: &report.SwapAtOOM{TotalKB: n(1), FreeKB: n(1)},
		MemInfo: &report.KillMem{Source: "mem-info", RAMKB: n(1), AnonKB: n(1), FileKB: n(1), ShmemKB: n(1),
			SlabReclaimKB: n(1), SlabUnreclaimKB: n(1), KernelStackKB: n(1), PagetablesKB: n(1), UnevictableKB: n(1),
			HugepagesKB: n(1), FreeKB: n(1)},
		Top:  []report.Consumer{{Name: "x", Tasks: 1, RSSKB: 1, SwapKB: n(0), IsVictim: true}},
		Time: report.KillTime{Raw: s("[1.0]"), Wall: s("2019-10-20T15:07:17+08:00")},
		Pod:  &report.Pod{UID: s("u"), Namespace: s("ns"), Name: s("p"), Container: s("c"), ContainerID: s("id"), QoS: s("burstable")},
	}
	c := &evalCtx{rep: &report.Report{}, k: k}
	return newData(c, &Rule{ID: "x", Title: "x", Severity: "info"})
}

// funcs are the helpers templates may call.
var funcs = template.FuncMap{
	"kb":  kbFunc,
	"num": numFunc,
	"pct": pctFunc,
	"str": strFunc,
}

const unknown = "unknown"

// kbFunc prints a size in kB for people: "812 kB", "512 MiB", "1.7 GiB".
func kbFunc(v any) string {
	x, ok := toFloat(v)
	if !ok {
		return unknown
	}
	return units.KBFloat(x)
}

// numFunc prints a number, or "unknown".
func numFunc(v any) string {
	x, ok := toFloat(v)
	if !ok {
		return unknown
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// pctFunc prints a percentage: "87%", "3.5%", or "unknown".
func pctFunc(v any) string {
	x, ok := toFloat(v)
	if !ok {
		return unknown
	}
	if x < 10 && x > -10 {
		return trimZero(strconv.FormatFloat(x, 'f', 1, 64)) + "%"
	}
	return strconv.FormatFloat(x, 'f', 0, 64) + "%"
}

// strFunc prints a string pointer, or "unknown".
func strFunc(v any) string {
	switch s := v.(type) {
	case string:
		if s == "" {
			return unknown
		}
		return s
	case *string:
		if s == nil || *s == "" {
			return unknown
		}
		return *s
	case nil:
		return unknown
	}
	return fmt.Sprint(v)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case *int:
		if x != nil {
			return float64(*x), true
		}
	case *int64:
		if x != nil {
			return float64(*x), true
		}
	case *float64:
		if x != nil {
			return *x, true
		}
	}
	return 0, false
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
