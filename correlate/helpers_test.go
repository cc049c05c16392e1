package correlate

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kube"
	"github.com/oomlens/oomlens/report"
)

// Test helpers: hand-built parse values shaped like what the parsers produce
// for real kernel, swapon and kubectl output.

func i64(v int64) *int64     { return &v }
func f64(v float64) *float64 { return &v }
func iptr(v int) *int        { return &v }

// lg is a kernel log under construction; it keeps every line verbatim.
type lg struct {
	*parse.KernelLog
}

func newLog(path, format string) *lg {
	return &lg{&parse.KernelLog{Path: path, Format: format}}
}

// boot starts a boot at line with the first stamp.
func (l *lg) boot(line int, st parse.Stamp, reason, kernel string) {
	b := parse.Boot{Index: len(l.Boots), Start: parse.Ref{Path: l.Path, Line: line}, First: &st, Reason: reason, Kernel: kernel}
	if kernel != "" {
		b.Banner = "Linux version " + kernel + " (buildd@lcy01-amd64-020) (gcc version 7.4.0 (Ubuntu 7.4.0-1ubuntu1~18.04.1)) #74-Ubuntu SMP Tue Sep 17 17:06:04 UTC 2019"
	}
	l.Boots = append(l.Boots, b)
	if l.First == nil {
		s := st
		l.First = &s
	}
}

// end sets the last stamp and line count.
func (l *lg) end(lines int, st parse.Stamp) {
	l.Lines = lines
	l.Last = &st
}

func ksStamp(s float64) parse.Stamp {
	return parse.Stamp{Raw: fmt.Sprintf("[%.6f]", s), KernelSeconds: f64(s)}
}

// syslogStamp is an RFC 3164 stamp: no year, no zone.
func syslogStamp(t string) parse.Stamp {
	w, err := time.Parse("Jan _2 15:04:05", t)
	if err != nil {
		panic(err)
	}
	return parse.Stamp{Raw: t, Wall: &w}
}

// isoStamp is a journal short-iso stamp with year and zone.
func isoStamp(t string) parse.Stamp {
	w, err := time.Parse("2006-01-02T15:04:05-0700", t)
	if err != nil {
		panic(err)
	}
	return parse.Stamp{Raw: t, Wall: &w, WallHasYear: true, WallHasZone: true}
}

// ctimeStamp is a dmesg -T stamp: year, no zone.
func ctimeStamp(t string) parse.Stamp {
	w, err := time.Parse("Mon Jan _2 15:04:05 2006", t)
	if err != nil {
		panic(err)
	}
	return parse.Stamp{Raw: "[" + t + "]", Wall: &w, WallHasYear: true}
}

func both(a, b parse.Stamp) parse.Stamp {
	a.Wall, a.WallHasYear, a.WallHasZone = b.Wall, b.WallHasYear, b.WallHasZone
	a.Raw = b.Raw + " " + a.Raw
	return a
}

// rep builds one OOM report line by line.
type rep struct {
	l *lg
	r *parse.OOMReport
}

func (l *lg) report(boot int) *rep {
	r := &parse.OOMReport{Path: l.Path, Boot: boot}
	l.Reports = append(l.Reports, r)
	return &rep{l, r}
}

func (b *rep) q(line int, text string) parse.Ref {
	ref := parse.Ref{Path: b.l.Path, Line: line}
	b.r.Lines = append(b.r.Lines, parse.Quote{Ref: ref, Text: text})
	if b.r.Start.Line == 0 {
		b.r.Start = ref
	}
	b.r.End = ref
	return ref
}

func (b *rep) trigger(line int, st parse.Stamp, comm, mask string, order int) *rep {
	ref := b.q(line, fmt.Sprintf("%s %s invoked oom-killer: gfp_mask=%s, order=%d, oom_score_adj=0", st.Raw, comm, mask, order))
	b.r.Trigger = &parse.Trigger{Ref: ref, Stamp: st, Comm: comm, GFPMask: mask, Order: iptr(order), OOMScoreAdj: iptr(0)}
	return b
}

func (b *rep) cpu(line, pid int, comm, kernel string) *rep {
	ref := b.q(line, fmt.Sprintf("CPU: 1 PID: %d Comm: %s Not tainted %s #74-Ubuntu", pid, comm, kernel))
	b.r.CPULine = &parse.CPULine{Ref: ref, CPU: iptr(1), PID: iptr(pid), Comm: comm, Kernel: kernel}
	return b
}

// meminfo adds a global Mem-Info block; counters in pages.
func (b *rep) meminfo(line int, anon, file, shmem, slabU, free, ramPages, totalSwapKB, freeSwapKB int64) *rep {
	h := b.q(line, "Mem-Info:")
	c := b.q(line+1, fmt.Sprintf("active_anon:%d inactive_anon:%d isolated_anon:0", anon/2, anon-anon/2))
	mi := &parse.MemInfo{Header: h}
	mi.Counters = []parse.KV{
		{Key: "active_anon", Value: anon / 2, Ref: c}, {Key: "inactive_anon", Value: anon - anon/2, Ref: c},
		{Key: "active_file", Value: file / 2, Ref: c}, {Key: "inactive_file", Value: file - file/2, Ref: c},
		{Key: "unevictable", Value: 0, Ref: c}, {Key: "slab_reclaimable", Value: 3000, Ref: c},
		{Key: "slab_unreclaimable", Value: slabU, Ref: c}, {Key: "shmem", Value: shmem, Ref: c},
		{Key: "pagetables", Value: 2100, Ref: c}, {Key: "free", Value: free, Ref: c},
	}
	fs := b.q(line+20, fmt.Sprintf("Free swap  = %dkB", freeSwapKB))
	ts := b.q(line+21, fmt.Sprintf("Total swap = %dkB", totalSwapKB))
	pr := b.q(line+22, fmt.Sprintf("%d pages RAM", ramPages))
	mi.FreeSwapKB, mi.TotalSwapKB, mi.FreeSwapRef, mi.TotalSwapRef = i64(freeSwapKB), i64(totalSwapKB), &fs, &ts
	mi.PagesRAM, mi.PagesRAMRef = i64(ramPages), &pr
	mi.PageSizeKB = i64(4)
	b.r.MemInfo = mi
	return b
}

// task adds a T5/T6 task-table row (pages; pgtables in bytes).
func (b *rep) task(line, pid, uid int, totalVM, rss, pgBytes, swapents int64, adj int, name string) *rep {
	if b.r.Tasks == nil {
		h := b.q(line-1, "[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name")
		b.r.Tasks = &parse.TaskTable{Header: h, Layout: "T5"}
	}
	ref := b.q(line, fmt.Sprintf("[%5d] %5d %5d %8d %8d %8d %8d         %5d %s", pid, uid, pid, totalVM, rss, pgBytes, swapents, adj, name))
	b.r.Tasks.Append(parse.TaskRow{Ref: ref, Pid: pid, UID: uid, Tgid: pid, TotalVM: totalVM, RSS: rss,
		PgtablesBytes: i64(pgBytes), Swapents: i64(swapents), OOMScoreAdj: iptr(adj), Name: name})
	return b
}

func (b *rep) sel(line int, st parse.Stamp, pid int, comm string, score int64) *rep {
	ref := b.q(line, fmt.Sprintf("%s Out of memory: Kill process %d (%s) score %d or sacrifice child", st.Raw, pid, comm, score))
	b.r.Select = &parse.SelectLine{Ref: ref, Stamp: st, Message: "Out of memory", Pid: pid, Comm: comm, Score: i64(score)}
	return b
}

func (b *rep) kill(line int, st parse.Stamp, msg string, pid int, comm string, totalVM, anon int64) *rep {
	prefix := ""
	if msg != "" {
		prefix = msg + ": "
	}
	ref := b.q(line, fmt.Sprintf("%s %sKilled process %d (%s) total-vm:%dkB, anon-rss:%dkB, file-rss:0kB, shmem-rss:0kB", st.Raw, prefix, pid, comm, totalVM, anon))
	b.r.Kills = append(b.r.Kills, parse.KillLine{Ref: ref, Stamp: st, Message: msg, Pid: pid, Comm: comm, TotalVMKB: i64(totalVM), AnonRSSKB: i64(anon), FileRSSKB: i64(0), ShmemRSSKB: i64(0), Form: "K4"})
	return b
}

func (b *rep) reaped(line int, st parse.Stamp, pid int, comm string) *rep {
	ref := b.q(line, fmt.Sprintf("%s oom_reaper: reaped process %d (%s), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB", st.Raw, pid, comm))
	b.r.Reaped = append(b.r.Reaped, parse.ReapLine{Ref: ref, Stamp: st, Pid: pid, Comm: comm, Reaped: true})
	return b
}

func (b *rep) constraint(line int, cons, oomMemcg, taskMemcg string, pid int, comm string) *rep {
	mid := ",global_oom"
	if oomMemcg != "" {
		mid = ",oom_memcg=" + oomMemcg
	}
	text := fmt.Sprintf("oom-kill:constraint=%s,nodemask=(null),cpuset=/,mems_allowed=0%s,task_memcg=%s,task=%s,pid=%d,uid=0", cons, mid, taskMemcg, comm, pid)
	ref := b.q(line, text)
	c := &parse.ConstraintLine{Ref: ref, Constraint: cons, Nodemask: "(null)", TaskMemcg: &taskMemcg, Task: comm, Pid: iptr(pid), UID: iptr(0)}
	if oomMemcg != "" {
		c.OOMMemcg = &oomMemcg
	} else {
		c.GlobalOOM = true
	}
	b.r.Constraint = c
	return b
}

// memcgV2 adds "memory:" and "swap:" lines (kB).
func (b *rep) memcgV2(line int, usage, limit, swapUsage, swapLimit int64) *rep {
	m := b.memcg()
	r1 := b.q(line, fmt.Sprintf("memory: usage %dkB, limit %dkB, failcnt 1874", usage, limit))
	r2 := b.q(line+1, fmt.Sprintf("swap: usage %dkB, limit %dkB, failcnt 0", swapUsage, swapLimit))
	m.Memory = &parse.Counter{Ref: r1, UsageKB: usage, LimitKB: limit, Failcnt: 1874}
	m.Swap = &parse.Counter{Ref: r2, UsageKB: swapUsage, LimitKB: swapLimit}
	return b
}

// memcgV1 adds "memory:" and "memory+swap:" lines (kB).
func (b *rep) memcgV1(line int, usage, limit, mswUsage, mswLimit int64) *rep {
	m := b.memcg()
	r1 := b.q(line, fmt.Sprintf("memory: usage %dkB, limit %dkB, failcnt 86", usage, limit))
	r2 := b.q(line+1, fmt.Sprintf("memory+swap: usage %dkB, limit %dkB, failcnt 0", mswUsage, mswLimit))
	m.Memory = &parse.Counter{Ref: r1, UsageKB: usage, LimitKB: limit, Failcnt: 86}
	m.MemSwap = &parse.Counter{Ref: r2, UsageKB: mswUsage, LimitKB: mswLimit, Unlimited: mswLimit >= 1<<50}
	return b
}

func (b *rep) memcg() *parse.MemcgBlock {
	if b.r.Memcg == nil {
		b.r.Memcg = &parse.MemcgBlock{}
	}
	return b.r.Memcg
}

func (b *rep) stats(line int, path string, kv map[string]int64, order ...string) *rep {
	m := b.memcg()
	h := b.q(line, "Memory cgroup stats for "+path+":")
	m.StatsFor = append(m.StatsFor, parse.Quote{Ref: h, Text: "Memory cgroup stats for " + path + ":"})
	m.StatsPath = path
	for i, k := range order {
		r := b.q(line+1+i, fmt.Sprintf("%s %d", k, kv[k]))
		m.Stats = append(m.Stats, parse.KV{Key: k, Value: kv[k], Ref: r})
	}
	return b
}

func (l *lg) event(line, boot int, st parse.Stamp, kind, text string) *parse.Event {
	l.Events = append(l.Events, parse.Event{Ref: parse.Ref{Path: l.Path, Line: line}, Boot: boot, Stamp: st, Kind: kind, Text: text})
	return &l.Events[len(l.Events)-1]
}

func (l *lg) clock(line, boot int, st parse.Stamp) {
	l.Clock = append(l.Clock, parse.ClockPoint{Ref: parse.Ref{Path: l.Path, Line: line}, Boot: boot, KernelSeconds: *st.KernelSeconds,
		Wall: *st.Wall, WallHasYear: st.WallHasYear, WallHasZone: st.WallHasZone})
}

func findKill(t *testing.T, r *report.Report, id string) report.Kill {
	t.Helper()
	for _, k := range r.Kills {
		if k.ID == id {
			return k
		}
	}
	t.Fatalf("no kill %s among %d kills", id, len(r.Kills))
	return report.Kill{}
}

func finding(k report.Kill, rule string) *report.Finding {
	for i := range k.Findings {
		if k.Findings[i].Rule == rule {
			return &k.Findings[i]
		}
	}
	return nil
}

func mustFinding(t *testing.T, k report.Kill, rule string) *report.Finding {
	t.Helper()
	f := finding(k, rule)
	if f == nil {
		t.Fatalf("%s: no %s finding; have %v", k.ID, rule, findingIDs(k.Findings))
	}
	if len(f.Evidence) == 0 {
		t.Errorf("%s: finding %s cites no evidence", k.ID, rule)
	}
	return f
}

func mustContain(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s does not contain %q:\n%s", what, sub, s)
		}
	}
}

func hasRef(rs []report.Ref, path string, line int) bool {
	for _, r := range rs {
		if r.Path == path && r.Line == line {
			return true
		}
	}
	return false
}

// fakePodFromCgroup stands in for kube.PodFromCgroup while it is a stub.
func fakePodFromCgroup(p string) *parse.CgroupPod {
	i := strings.LastIndex(p, "pod")
	if !strings.Contains(p, "kubepods") || i < 0 {
		return nil
	}
	rest := p[i+3:]
	uid := rest
	if j := strings.IndexAny(rest, "/."); j >= 0 {
		uid = rest[:j]
	}
	cp := &parse.CgroupPod{UID: strings.ReplaceAll(uid, "_", "-")}
	switch {
	case strings.Contains(p, "burstable"):
		cp.QoS = "burstable"
	case strings.Contains(p, "besteffort"):
		cp.QoS = "besteffort"
	default:
		cp.QoS = "guaranteed"
	}
	if j := strings.Index(p, "cri-containerd-"); j >= 0 {
		cp.ContainerID = strings.TrimSuffix(p[j+len("cri-containerd-"):], ".scope")
		cp.Runtime = "containerd"
	}
	return cp
}

// withPodParser makes pod attribution work in tests whether or not the real
// parser is merged.
func withPodParser(t *testing.T) {
	const probe = "/kubepods/burstable/pod0c1a2b3c-0000-4000-8000-000000000001/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	if kube.PodFromCgroup(probe) != nil {
		return
	}
	old := podFromCgroup
	podFromCgroup = fakePodFromCgroup
	t.Cleanup(func() { podFromCgroup = old })
}

// findingIDs lists the rule IDs of a kill's findings (sorted), for test messages.
func findingIDs(fs []report.Finding) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Rule)
	}
	sort.Strings(ids)
	return ids
}
