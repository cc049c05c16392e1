package genlog

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

var (
	kernels = [][2]string{
		{"5.4.0-1048-aws #50-Ubuntu", "Amazon EC2 m5.2xlarge/, BIOS 1.0 10/16/2017"},
		{"5.10.0-21-amd64 #1 Debian 5.10.162-1", "QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.14.0-2 04/01/2014"},
		{"5.15.0-1034-gke #39-Ubuntu", "Google Google Compute Engine/Google Compute Engine, BIOS Google 01/01/2011"},
		{"6.1.0-13-amd64 #1 Debian 6.1.55-1", "HPE ProLiant DL360 Gen10/ProLiant DL360 Gen10, BIOS U32 08/11/2022"},
	}
	legacyKernels = [][2]string{
		{"3.10.0-1160.el7.x86_64 #1", "VMware, Inc. VMware Virtual Platform/440BX Desktop Reference Platform, BIOS 6.00 12/12/2018"},
		{"4.15.0-112-generic #113-Ubuntu", "Supermicro SYS-6029P-TRT/X11DPi-N(T), BIOS 3.1 04/30/2019"},
	}
	globalTrace = []string{"dump_stack+0x6d/0x8b", "dump_header+0x4f/0x1eb", "oom_kill_process.cold+0xb/0x10", "out_of_memory+0x1cf/0x4d0",
		"__alloc_pages_slowpath+0xd5e/0xe50", "__alloc_pages_nodemask+0x2d0/0x320", "alloc_pages_current+0x87/0xe0",
		"filemap_fault+0x6b2/0xa50", "__do_fault+0x3c/0x130", "handle_mm_fault+0xca/0x200", "do_page_fault+0x2c/0xe0", "page_fault+0x34/0x40"}
	memcgTrace = []string{"dump_stack+0x6d/0x8b", "dump_header+0x4f/0x1eb", "oom_kill_process.cold+0xb/0x10", "out_of_memory.part.0+0x1df/0x3d0",
		"out_of_memory+0x6d/0xd0", "mem_cgroup_out_of_memory+0xbd/0xe0", "try_charge+0x77c/0x810",
		"mem_cgroup_try_charge+0x71/0x190", "do_anonymous_page+0x13b/0x650", "handle_mm_fault+0xca/0x200", "page_fault+0x34/0x40"}
	baseTasks = []struct {
		name string
		uid  int
		adj  int
	}{{"systemd", 0, 0}, {"systemd-journal", 0, -250}, {"systemd-udevd", 0, -1000}, {"auditd", 0, -1000},
		{"rsyslogd", 0, 0}, {"dbus-daemon", 81, -900}, {"chronyd", 998, 0}, {"sshd", 0, -1000}, {"crond", 0, 0},
		{"containerd", 0, -999}, {"dockerd", 0, -500}, {"kubelet", 0, -999}, {"containerd-shim", 0, -998},
		{"pause", 65535, -998}, {"node_exporter", 65534, 999}, {"bash", 0, 0}, {"coredns", 0, 969},
		{"kube-proxy", 0, -999}, {"fluent-bit", 0, 999}, {"nginx", 33, 0}, {"java", 1000, 969}}
	victims = []victim{{"pip3", 0, 0, 2112380, 1743412}, {"java", 1000, 969, 5017400, 1038400}, {"python3", 1000, 0, 3400112, 2901220},
		{"node", 1000, 985, 1802120, 1210300}, {"mysqld", 27, 0, 9311244, 7341000}, {"postgres", 26, 0, 4321000, 3900100},
		{"elasticsearch", 1000, 0, 12421000, 8800040}, {"redis-server", 999, 0, 6104332, 5992100}}
	triggers = []string{"kworker/u16:2", "kswapd0", "systemd-journal", "sshd", "containerd-shim", "runc:[2:INIT]", "bash"}
)

// victim is a process the generator kills: its name, uid, oom_score_adj
// and typical total-vm and anon-rss in kB.
type victim struct {
	comm     string
	uid, adj int
	tvm, rss int64
}

// oomReport builds one report: its messages (some multi-line), the index of
// the kill message, and the kill.
func oomReport(r *rand.Rand, memcg, legacy bool) ([]string, int, Kill) {
	kern := pick(r, kernels)
	if legacy {
		kern = pick(r, legacyKernels)
	}
	v := pick(r, victims)
	tvm := int64(float64(v.tvm) * (0.8 + 0.45*r.Float64()))
	rss := min(int64(float64(tvm)*0.95), int64(float64(v.rss)*(0.8+0.45*r.Float64())))
	vpid := 1000 + r.IntN(4194304-1000)
	same := r.Float64() < 0.6
	trig, tpid, adj := v.comm, vpid, v.adj
	if !same {
		trig, tpid, adj = pick(r, triggers), 300+r.IntN(4194000), pick(r, []int{0, -999, 0, 969})
	}
	pod, cid := uuid(r), hexs(r, 64)
	var taskMemcg, oomMemcg string
	if memcg {
		taskMemcg = "/kubepods/burstable/pod" + pod + "/" + cid
		oomMemcg = "/kubepods/burstable/pod" + pod
	} else {
		taskMemcg = pick(r, []string{fmt.Sprintf("/user.slice/user-0.slice/session-%d.scope", 1+r.IntN(9000)), "/system.slice/" + pick(r, units) + ".service", "/kubepods/burstable/pod" + pod + "/" + cid})
	}
	gfp := pick(r, []string{"0x100cca(GFP_HIGHUSER_MOVABLE)", "0x6200ca(GFP_HIGHUSER_MOVABLE)", "0x14200ca(GFP_HIGHUSER_MOVABLE)"})
	if memcg {
		gfp = pick(r, []string{"0xcc0(GFP_KERNEL)", "0x6000c0(GFP_KERNEL)", "0x100cca(GFP_HIGHUSER_MOVABLE)"})
	}
	var out []string
	add := func(f string, a ...any) { out = append(out, fmt.Sprintf(f, a...)) }
	add("%s invoked oom-killer: gfp_mask=%s, order=0, oom_score_adj=%d", trig, gfp, adj)
	if legacy {
		cs := "/"
		if memcg {
			cs = cid[:12]
		}
		add("%s cpuset=%s mems_allowed=0", trig, cs)
	}
	add("CPU: %d PID: %d Comm: %s %s %s", r.IntN(16), tpid, trig, pick(r, []string{"Not tainted", "Tainted: G           OE    ", "Kdump: loaded Not tainted"}), kern[0])
	add("Hardware name: %s", kern[1])
	add("Call Trace:")
	trace := globalTrace
	if memcg {
		trace = memcgTrace
	}
	for _, f := range trace {
		add(" %s", f)
	}
	out = append(out, regs(r)...)
	if memcg {
		memcgStats(r, add, legacy, taskMemcg, oomMemcg)
	} else {
		memInfo(r, add)
	}
	taskTable(r, add, legacy, v, vpid, tvm, rss)
	kind := "global"
	if memcg {
		kind = "memcg"
	}
	var killed string
	if legacy {
		msg := "Out of memory"
		if memcg {
			msg = "Memory cgroup out of memory"
		}
		add("%s: Kill process %d (%s) score %d or sacrifice child", msg, vpid, v.comm, 500+r.IntN(1500))
		killed = fmt.Sprintf("Killed process %d (%s) total-vm:%dkB, anon-rss:%dkB, file-rss:%dkB, shmem-rss:0kB", vpid, v.comm, tvm, rss, r.IntN(20000))
	} else {
		pre := "Out of memory: "
		if memcg {
			add("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=%s,mems_allowed=0,oom_memcg=%s,task_memcg=%s,task=%s,pid=%d,uid=%d", cid, oomMemcg, taskMemcg, v.comm, vpid, v.uid)
			pre = "Memory cgroup out of memory: "
		} else {
			add("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=%s,task=%s,pid=%d,uid=%d", taskMemcg, v.comm, vpid, v.uid)
		}
		killed = fmt.Sprintf("%sKilled process %d (%s) total-vm:%dkB, anon-rss:%dkB, file-rss:%dkB, shmem-rss:0kB, UID:%d pgtables:%dkB oom_score_adj:%d", pre, vpid, v.comm, tvm, rss, r.IntN(20000), v.uid, 100+r.IntN(19900), v.adj)
	}
	kidx := len(out)
	out = append(out, killed)
	if r.Float64() < 0.85 {
		add("oom_reaper: reaped process %d (%s), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB", vpid, v.comm)
	}
	format := "modern"
	if legacy {
		format = "legacy"
	}
	return out, kidx, Kill{Pid: vpid, Comm: v.comm, Kind: kind, Format: format, UID: v.uid, TotalVMKB: tvm, AnonRSSKB: rss,
		Memcg: taskMemcg, OOMMemcg: oomMemcg, TriggerComm: trig, TriggerPid: tpid}
}

// adder appends one printf-formatted line to a report.
type adder func(f string, a ...any)

// memcgStats writes a memcg report's usage lines and its cgroup stats
// (v1 one line each, or v2 memory.stat as one multi-line printk).
func memcgStats(r *rand.Rand, add adder, legacy bool, taskMemcg, oomMemcg string) {
	lim := pick(r, []int{262144, 524288, 1048576, 2097152, 4194304})
	if legacy {
		add("Task in %s killed as a result of limit of %s", taskMemcg, oomMemcg)
	}
	add("memory: usage %dkB, limit %dkB, failcnt %d", lim, lim, 1+r.IntN(90000))
	add("memory+swap: usage %dkB, limit 9007199254740988kB, failcnt 0", lim)
	add("kmem: usage %dkB, limit 9007199254740988kB, failcnt 0", 1000+r.IntN(89000))
	if legacy || r.IntN(2) == 0 {
		for _, cg := range []string{oomMemcg, taskMemcg} {
			add("Memory cgroup stats for %s: cache:%dKB rss:%dKB rss_huge:0KB shmem:0KB mapped_file:%dKB dirty:0KB writeback:0KB swap:0KB inactive_anon:0KB active_anon:%dKB inactive_file:%dKB active_file:%dKB unevictable:0KB",
				cg, r.IntN(9000), lim-r.IntN(9000), r.IntN(900), lim-r.IntN(9000), r.IntN(900), r.IntN(900))
		}
	} else {
		// cgroup v2: memory.stat dumped as one multi-line printk
		keys := []string{"anon", "file", "kernel_stack", "pagetables", "percpu", "sock", "shmem", "file_mapped", "file_dirty", "inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable", "slab_reclaimable", "slab_unreclaimable", "pgfault", "pgmajfault"}
		var b strings.Builder
		for i, k := range keys {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "%s %d", k, r.Int64N(int64(lim)*1024))
		}
		add("Memory cgroup stats for %s:", taskMemcg)
		add("%s", b.String())
	}
}

// memInfo writes a global report's Mem-Info, zones, buddy lists, swap
// totals and page counts.
func memInfo(r *rand.Rand, add adder) {
	add("Mem-Info:")
	add("active_anon:%d inactive_anon:%d isolated_anon:0\n active_file:%d inactive_file:%d isolated_file:0\n unevictable:0 dirty:0 writeback:0 unstable:0\n slab_reclaimable:%d slab_unreclaimable:%d\n mapped:%d shmem:%d pagetables:%d bounce:0\n free:%d free_pcp:%d free_cma:0",
		100000+r.IntN(9900000), 1000+r.IntN(99000), 50+r.IntN(850), 50+r.IntN(850), 1000+r.IntN(39000), 5000+r.IntN(85000), 100+r.IntN(3900), 100+r.IntN(39900), 1000+r.IntN(39000), 5000+r.IntN(35000), r.IntN(2000))
	for _, z := range []struct {
		name string
		pres int
	}{{"DMA", 15992}, {"DMA32", 3129216}, {"Normal", 62914560}} {
		mn := 300 + r.IntN(69700)
		add("Node 0 %s free:%dkB min:%dkB low:%dkB high:%dkB active_anon:%dkB inactive_anon:%dkB active_file:%dkB inactive_file:%dkB unevictable:0kB writepending:0kB present:%dkB managed:%dkB mlocked:0kB kernel_stack:%dkB pagetables:%dkB bounce:0kB free_pcp:%dkB local_pcp:%dkB free_cma:0kB",
			z.name, mn-r.IntN(100), mn, mn*5/4, mn*3/2, r.IntN(z.pres), r.IntN(9000), r.IntN(900), r.IntN(900), z.pres, z.pres-r.IntN(9000), r.IntN(20000), r.IntN(90000), r.IntN(2000), r.IntN(500))
		add("lowmem_reserve[]: 0 %d %d %d %d", pick(r, []int{0, 1918, 2951}), pick(r, []int{0, 1918, 61000}), pick(r, []int{0, 1918, 61000}), pick(r, []int{0, 1918, 61000}))
	}
	for _, z := range []string{"DMA", "DMA32", "Normal"} {
		add("Node 0 %s: %s", z, buddy(r))
	}
	add("Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB")
	add("%d total pagecache pages", 1000+r.IntN(89000))
	add("0 pages in swap cache")
	add("Swap cache stats: add 0, delete 0, find 0/0")
	sw := pick(r, []int{0, 0, 2097148, 8388604})
	free := 0
	if sw > 0 {
		free = r.IntN(1000)
	}
	add("Free swap  = %dkB", free)
	add("Total swap = %dkB", sw)
	add("%d pages RAM", pick(r, []int{495579, 4194174, 16777082}))
	add("0 pages HighMem/MovableOnly")
	add("%d pages reserved", 20000+r.IntN(380000))
	add("0 pages hwpoisoned")
}

// taskTable writes the task table header and rows, the victim at a random
// row.
func taskTable(r *rand.Rand, add adder, legacy bool, v victim, vpid int, tvm, rss int64) {
	if legacy {
		add("[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name")
	} else {
		add("Tasks state (memory values in pages):")
		add("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name")
	}
	ntasks := 50 + r.IntN(251)
	vidx := r.IntN(ntasks)
	pid := 1 + r.IntN(400)
	for i := 0; i < ntasks; i++ {
		pid += 1 + r.IntN(39)
		tp, tu, ta, tn := pid, 0, 0, ""
		var tv, tr int64
		if i == vidx {
			tp, tu, ta, tv, tr, tn = vpid, v.uid, v.adj, tvm/4, rss/4, v.comm
		} else {
			b := pick(r, baseTasks)
			tn, tu, ta = b.name, b.uid, b.adj
			tv = 1000 + r.Int64N(899000)
			tr = r.Int64N(min(tv, rss/8+1))
		}
		if legacy {
			add("[%5d] %5d %5d %8d %8d %7d %8d         %5d %s", tp, tu, tp, tv, tr, 4+r.IntN(396), 0, ta, tn)
		} else {
			add("[%7d] %5d %5d %8d %8d %8d %8d         %5d %s", tp, tu, tp, tv, tr, (4+r.IntN(396))*4096, 0, ta, tn)
		}
	}
}
