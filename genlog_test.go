package main

// A small generator of kernel logs for the property and hostile tests:
// complete OOM reports of three kernel generations (3.10 RHEL 7 global,
// 5.15 memcg v1 with the v2-style stat line, 6.18 memcg v1 with one stat a
// line), truncated reports, and noise — including lines that mention
// "oom" without being part of a kill — under three line-prefix forms
// (dmesg raw, dmesg -T, rsyslog). It returns the truth: every kill's pid,
// name and line, and every line that names an OOM kill.

import (
	"bytes"
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"time"
)

// genKill is one kill the generator wrote.
type genKill struct {
	Pid  int
	Name string
	Line int // the "Killed process" line
}

// genLog is a generated log and its truth.
type genLog struct {
	Data     []byte
	Kills    []genKill
	Mentions []int // lines naming an OOM kill (see mentionsOOM)
}

// mentionsOOM reports whether a line names an OOM kill (the phrases of the
// property test).
func mentionsOOM(line string) bool {
	// In a syslog line ("Mar  4 05:20:53 host tag: message") only the
	// message counts: "Mar  4 05:20:53 invoked oom-killer: x" is program
	// "oom-killer" on host "invoked" saying "x" (found by FuzzNothingLost).
	if syslogStamp.MatchString(line) {
		if _, msg, ok := strings.Cut(line[16:], ": "); ok {
			line = msg
		}
	}
	return strings.Contains(line, "Killed process") || strings.Contains(line, "invoked oom-killer") || strings.Contains(line, "Out of memory")
}

// syslogStamp matches the RFC 3164 timestamp that opens a syslog line:
//
//	Mar  4 05:20:53 node-7 kernel: …
var syslogStamp = regexp.MustCompile(`^[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} `)

type genWriter struct {
	buf   bytes.Buffer
	form  string // raw, ctime, syslog
	host  string
	line  int
	clock time.Time // wall clock of the next line
	boot  time.Time // boot time (uptime = clock - boot)
}

func (w *genWriter) emit(text string) int {
	w.line++
	up := w.clock.Sub(w.boot)
	switch w.form {
	case "raw":
		fmt.Fprintf(&w.buf, "[%5d.%06d] %s\n", int(up/time.Second), int(up%time.Second/time.Microsecond), text)
	case "ctime":
		fmt.Fprintf(&w.buf, "[%s] %s\n", w.clock.Format("Mon Jan _2 15:04:05 2006"), text)
	default:
		fmt.Fprintf(&w.buf, "%s %s kernel: %s\n", w.clock.Format("Jan _2 15:04:05"), w.host, text)
	}
	w.clock = w.clock.Add(37 * time.Microsecond)
	return w.line
}

var genNames = []string{"java", "mysqld", "python3", "node", "cc1plus", "postgres", "redis-server", "ruby", "beam.smp", "stress-ng-vm"}

var genNoise = []string{
	"EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)",
	"e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None",
	`audit: type=1400 audit(1700000000.123:45): apparmor="STATUS" operation="profile_load" profile="unconfined" name="oom-score-helper" pid=1234 comm="apparmor_parser"`,
	"usb 1-1: new high-speed USB device number 2 using ehci-pci",
	"TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.  Check SNMP counters.",
	"IPv6: ADDRCONF(NETDEV_CHANGE): cali3f2a1b0c9d8: link becomes ready",
	"systemd-journald[412]: /dev/kmsg buffer overrun, some messages lost.",
	"docker0: port 1(veth9a8b7c6) entered forwarding state",
	"Adding 4194300k swap on /swap.img.  Priority:-2 extents:1 across:4194300k SSFS",
	"oom_score_adj for pid 4411 (chrome) set to 300",
}

// genReport writes one OOM report of generation gen; when cut > 0 the
// report stops after that many lines (before its kill), when cut < 0 it
// starts -cut lines in (a ring buffer that wrapped inside it). It returns
// the kill or nil.
func (w *genWriter) genReport(r *rand.Rand, gen, cut int, pid int, name string) *genKill {
	ipid := pid + 1 + r.Intn(50)
	inv := genNames[r.Intn(len(genNames))]
	var lines []string
	var kill string
	switch gen {
	case 0: // 3.10 RHEL 7, global
		lines = []string{
			inv + " invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
			inv + " cpuset=/ mems_allowed=0-1",
			fmt.Sprintf("CPU: 3 PID: %d Comm: %s Kdump: loaded Not tainted 3.10.0-1160.el7.x86_64 #1", ipid, inv),
			"Hardware name: HP ProLiant DL385 G7, BIOS A18 12/08/2012",
			"Call Trace:",
			" [<ffffffff81781dd1>] dump_stack+0x19/0x1b",
			" [<ffffffff8177c85a>] dump_header+0x90/0x229",
			" [<ffffffff811c1e5e>] oom_kill_process+0x25e/0x3f0",
			" [<ffffffff811c267d>] out_of_memory+0x31d/0x500",
			"Mem-Info:",
			"active_anon:7581120 inactive_anon:505380 isolated_anon:0",
			" active_file:1012 inactive_file:1427 isolated_file:0",
			" unevictable:0 dirty:11 writeback:0 unstable:0",
			" slab_reclaimable:13620 slab_unreclaimable:25341",
			" mapped:1436 shmem:2297 pagetables:21134 bounce:0",
			" free:50416 free_pcp:1210 free_cma:0",
			"Node 0 DMA free:15904kB min:16kB low:20kB high:24kB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB isolated(anon):0kB isolated(file):0kB present:15992kB managed:15904kB mlocked:0kB dirty:0kB writeback:0kB mapped:0kB shmem:0kB slab_reclaimable:0kB slab_unreclaimable:0kB kernel_stack:0kB pagetables:0kB unstable:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB writeback_tmp:0kB pages_scanned:0 all_unreclaimable? yes",
			"lowmem_reserve[]: 0 2815 16095 16095",
			"Node 0 DMA: 0*4kB 0*8kB 0*16kB 1*32kB (U) 2*64kB (U) 1*128kB (U) 1*256kB (U) 0*512kB 1*1024kB (U) 1*2048kB (M) 3*4096kB (M) = 15904kB",
			"63152 total pagecache pages",
			"Free swap  = 0kB",
			"Total swap = 4194300kB",
			"8388478 pages RAM",
			"0 pages HighMem/MovableOnly",
			"146316 pages reserved",
			"[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
			"[  713]     0   713    39098     3870      82        0             0 systemd-journal",
			"[ 1125]     0  1125    28216      254      57        0         -1000 sshd",
			fmt.Sprintf("[%5d]    27 %5d  8392828  7935115   15612   998411             0 %s", pid, pid, name),
			fmt.Sprintf("[%5d]     0 %5d    28811       80      13        0             0 %s", ipid, ipid, inv),
			fmt.Sprintf("Out of memory: Kill process %d (%s) score 929 or sacrifice child", pid, name),
		}
		kill = fmt.Sprintf("Killed process %d (%s), UID 27, total-vm:33571312kB, anon-rss:31740460kB, file-rss:0kB, shmem-rss:0kB", pid, name)
	case 1: // 5.15, memcg v1, stats on one line
		lines = []string{
			inv + " invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
			fmt.Sprintf("CPU: 2 PID: %d Comm: %s Not tainted 5.15.0-91-generic #101-Ubuntu", ipid, inv),
			"Call Trace:",
			" <TASK>",
			" dump_stack_lvl+0x4a/0x63",
			" dump_header+0x4a/0x1f4",
			" </TASK>",
			"memory: usage 4194304kB, limit 4194304kB, failcnt 912",
			"memory+swap: usage 4194304kB, limit 9007199254740988kB, failcnt 0",
			"kmem: usage 52716kB, limit 9007199254740988kB, failcnt 0",
			"Memory cgroup stats for /docker/7d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6:",
			"anon 4241682432",
			"file 1990656",
			"kernel_stack 1802240",
			"Tasks state (memory values in pages):",
			"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
			fmt.Sprintf("[%7d]     0 %5d     5690     1802    77824        0             0 %s", ipid, ipid, inv),
			fmt.Sprintf("[%7d]     0 %5d  1088722  1031514  8409088        0             0 %s", pid, pid, name),
			fmt.Sprintf("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=7d1e2f3a4b5c,mems_allowed=0,oom_memcg=/docker/7d1e2f3a4b5c,task_memcg=/docker/7d1e2f3a4b5c,task=%s,pid=%d,uid=0", name, pid),
		}
		if w.form == "syslog" { // rsyslog escapes the newlines of one printk
			lines = append(lines[:11], append([]string{"anon 4241682432#012file 1990656#012kernel_stack 1802240"}, lines[14:]...)...)
		}
		kill = fmt.Sprintf("Memory cgroup out of memory: Killed process %d (%s) total-vm:4354888kB, anon-rss:4122688kB, file-rss:3368kB, shmem-rss:0kB, UID:0 pgtables:8212kB oom_score_adj:0", pid, name)
	default: // 6.18, memcg v1, one stat a line
		lines = []string{
			inv + " invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
			fmt.Sprintf("CPU: 0 UID: 0 PID: %d Comm: %s Not tainted 6.18.44-fc-v669 #1 PREEMPT(none) ", ipid, inv),
			"Call Trace:",
			" <TASK>",
			" dump_stack_lvl+0x57/0x80",
			" dump_header+0x43/0x1c0",
			" oom_kill_process.cold+0x8/0x8a",
			" out_of_memory+0x214/0x500",
			" </TASK>",
			"memory: usage 49152kB, limit 49152kB, failcnt 86",
			"memory+swap: usage 49152kB, limit 9007199254740988kB, failcnt 0",
			"kmem: usage 184kB, limit 9007199254740988kB, failcnt 0",
			"Memory cgroup stats for /process_api/oomdemo:",
			"cache 8192",
			"rss 50130944",
			"total_rss 50130944",
			"Tasks state (memory values in pages):",
			"[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
			fmt.Sprintf("[%7d]     0 %5d    15788    13565    12224     1341         0   163840        0             0 %s", pid, pid, name),
			fmt.Sprintf("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/process_api/oomdemo,task_memcg=/process_api/oomdemo,task=%s,pid=%d,uid=0", name, pid),
		}
		kill = fmt.Sprintf("Memory cgroup out of memory: Killed process %d (%s) total-vm:63152kB, anon-rss:48896kB, file-rss:5364kB, shmem-rss:0kB, UID:0 pgtables:160kB oom_score_adj:0", pid, name)
	}
	if cut > 0 && cut < len(lines) {
		for _, l := range lines[:cut] {
			w.emit(l)
		}
		return nil
	}
	if cut < 0 {
		lines = lines[min(-cut, len(lines)):]
	}
	for _, l := range lines {
		w.emit(l)
	}
	k := &genKill{Pid: pid, Name: name, Line: w.emit(kill)}
	if r.Intn(2) == 0 {
		w.clock = w.clock.Add(12 * time.Millisecond)
		w.emit(fmt.Sprintf("oom_reaper: reaped process %d (%s), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB", pid, name))
	}
	return k
}

// genKernelLog writes a log of n reports (about one in five truncated)
// with noise between them, in the given prefix form.
func genKernelLog(seed int64, n int, form string) genLog {
	return genKernelLogCut(seed, n, form, false)
}

// genKernelLogCut is genKernelLog whose first report, when headCut, lacks
// its first lines (the log starts inside it).
func genKernelLogCut(seed int64, n int, form string, headCut bool) genLog {
	r := rand.New(rand.NewSource(seed))
	boot := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
	w := &genWriter{form: form, host: "node-7", boot: boot, clock: boot.Add(time.Duration(100+r.Intn(1000)) * time.Second)}
	var out genLog
	used := map[int]bool{}
	for i := 0; i < n; i++ {
		for j := r.Intn(6); j > 0; j-- {
			w.emit(genNoise[r.Intn(len(genNoise))])
			w.clock = w.clock.Add(time.Duration(r.Intn(5000)) * time.Millisecond)
		}
		pid := 1000 + r.Intn(90000)
		for used[pid] {
			pid = 1000 + r.Intn(90000)
		}
		used[pid] = true
		cut := 0
		switch {
		case r.Intn(5) == 0:
			cut = 1 + r.Intn(12)
		case i == 0 && headCut:
			cut = -(1 + r.Intn(15))
		}
		if k := w.genReport(r, r.Intn(3), cut, pid, genNames[r.Intn(len(genNames))]); k != nil {
			out.Kills = append(out.Kills, *k)
		}
		// reports are at least a few minutes apart
		w.clock = w.clock.Add(time.Duration(120+r.Intn(600)) * time.Second)
	}
	for j := r.Intn(4); j > 0; j-- {
		w.emit(genNoise[r.Intn(len(genNoise))])
	}
	out.Data = w.buf.Bytes()
	for i, l := range strings.Split(string(out.Data), "\n") {
		if mentionsOOM(l) {
			out.Mentions = append(out.Mentions, i+1)
		}
	}
	return out
}

// concatLogs joins logs (as several boots of one dmesg file, or rotated
// logs pasted together), shifting the second's truth by the first's lines.
func concatLogs(a, b genLog) genLog {
	n := bytes.Count(a.Data, []byte{'\n'})
	out := genLog{Data: append(append([]byte(nil), a.Data...), b.Data...)}
	out.Kills = append(out.Kills, a.Kills...)
	for _, k := range b.Kills {
		k.Line += n
		out.Kills = append(out.Kills, k)
	}
	out.Mentions = append(out.Mentions, a.Mentions...)
	for _, m := range b.Mentions {
		out.Mentions = append(out.Mentions, m+n)
	}
	return out
}
