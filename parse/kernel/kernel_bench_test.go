package kernel

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// genRand is a small deterministic generator (xorshift) for test logs.
type genRand uint64

func (r *genRand) next() uint64 {
	x := uint64(*r)
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	*r = genRand(x)
	return x
}

func (r *genRand) intn(n int) int { return int(r.next() % uint64(n)) }

// noiseLines are the everyday kernel and userspace lines of a busy node
// (shaped like the team's genlog.py noise), including near-miss decoys.
var noiseLines = []func(r *genRand) string{
	func(r *genRand) string {
		return fmt.Sprintf("e1000e 0000:00:19.0 eth%d: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx", r.intn(4))
	},
	func(r *genRand) string {
		return fmt.Sprintf("cni0: port %d(veth%07x) entered forwarding state", r.intn(64), r.next()&0xfffffff)
	},
	func(r *genRand) string {
		return fmt.Sprintf("IPv6: ADDRCONF(NETDEV_CHANGE): veth%07x: link becomes ready", r.next()&0xfffffff)
	},
	func(r *genRand) string {
		return fmt.Sprintf("[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=45.%d.%d.%d DST=10.0.0.5 LEN=44 TOS=0x00 PREC=0x00 TTL=%d ID=%d PROTO=TCP SPT=%d DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0",
			r.intn(256), r.intn(256), r.intn(256), 30+r.intn(200), r.intn(65536), 1024+r.intn(60000))
	},
	func(r *genRand) string {
		return fmt.Sprintf("audit: type=1400 audit(%d.%03d:%d): apparmor=\"DENIED\" operation=\"open\" profile=\"snap.lxd.daemon\" name=\"/proc/%d/environ\" pid=%d comm=\"lxd\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0",
			1700000000+r.intn(1000000), r.intn(1000), r.intn(100000), r.intn(40000), r.intn(40000))
	},
	func(r *genRand) string {
		return fmt.Sprintf("EXT4-fs (dm-%d): mounted filesystem with ordered data mode. Opts: (null)", r.intn(4))
	},
	func(r *genRand) string {
		return fmt.Sprintf("blk_update_request: I/O error, dev sd%c, sector %d op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0", 'a'+r.intn(3), r.intn(1000000000))
	},
	func(r *genRand) string { return "nf_conntrack: nf_conntrack: table full, dropping packet" },
	func(r *genRand) string { return fmt.Sprintf("net_ratelimit: %d callbacks suppressed", r.intn(900)) },
	func(r *genRand) string { return "SLUB: Unable to allocate memory on node -1, gfp=0xa20(GFP_ATOMIC)" },
	func(r *genRand) string {
		return fmt.Sprintf("java[%d]: segfault at 0 ip %016x sp %016x error 4 in libjvm.so[%x+%x]", r.intn(4000000), r.next()>>17, r.next()>>17, r.next()>>40, r.next()>>44)
	},
	func(r *genRand) string {
		return fmt.Sprintf("systemd[1]: session-%d.scope: Succeeded.", r.intn(90000))
	},
	func(r *genRand) string {
		return fmt.Sprintf("cgroup: fork rejected by pids controller in /kubepods/burstable/pod%08x-%04x/%016x", r.next()&0xffffffff, r.intn(65536), r.next())
	},
	func(r *genRand) string {
		return fmt.Sprintf("perf: interrupt took too long (%d > %d), lowering kernel.perf_event_max_sample_rate to %d", 2501+r.intn(5000), 2500, 20000+r.intn(60000))
	},
}

// decoyLines mention memory trouble or OOM but are no kernel kill.
var decoyLines = []string{
	"TCP: out of memory -- consider tuning tcp_mem",
	"systemd[1]: logrotate.service: A process of this unit has been killed by the OOM killer.",
	"oom_kill_process: 3 callbacks suppressed",
}

// genReport returns the lines of one 5.x global or memcg OOM report.
func genReport(r *genRand, i int) []string {
	pid := 1000 + r.intn(4000000)
	comm := []string{"java", "python3", "node", "postgres", "pip3"}[r.intn(5)]
	var out []string
	out = append(out,
		fmt.Sprintf("%s invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0", comm),
		fmt.Sprintf("CPU: %d PID: %d Comm: %s Not tainted 5.15.0-91-generic #101-Ubuntu", r.intn(16), pid, comm),
		"Call Trace:", " <TASK>", " dump_stack_lvl+0x4a/0x63", " dump_header+0x4a/0x1f4", " oom_kill_process.cold+0xb/0x10", " </TASK>",
		"Mem-Info:",
		"active_anon:1413442 inactive_anon:1509191 isolated_anon:0",
		" active_file:29 inactive_file:186 isolated_file:0",
		" free:34629 free_pcp:0 free_cma:0",
		"Node 0 Normal free:61900kB boost:8192kB min:61948kB low:75384kB high:88820kB reserved_highatomic:0KB active_anon:1529368kB present:14934016kB managed:14549948kB",
		"Free swap  = 0kB", "Total swap = 0kB", "4115400 pages RAM",
		"Tasks state (memory values in pages):",
		"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name")
	for j := 0; j < 20; j++ {
		out = append(out, fmt.Sprintf("[%7d] %5d %5d %8d %8d %8d %8d         %5d %s", 300+j, 0, 300+j, 10000+j, 500+j, 90112, 0, 0, "systemd-journal"))
	}
	out = append(out,
		fmt.Sprintf("[%7d] %5d %5d %8d %8d %8d %8d         %5d %s", pid, 1000, pid, 5913418, 2889502, 46878720, 0, 0, comm),
		fmt.Sprintf("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=%s,pid=%d,uid=1000", comm, pid),
		fmt.Sprintf("Out of memory: Killed process %d (%s) total-vm:23653672kB, anon-rss:11555440kB, file-rss:2568kB, shmem-rss:0kB, UID:1000 pgtables:45780kB oom_score_adj:0", pid, comm),
	)
	return out
}

// genLog builds a log of about size bytes with one OOM report every
// every bytes, in the given style (raw, syslog, ctime). It returns the log
// and the number of kills in it.
func genLog(size, every int, style string) ([]byte, int) {
	r := genRand(88172645463325252)
	var b bytes.Buffer
	us := int64(200000) * 1000000
	wall := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	next := every / 2
	kills := 0
	emit := func(text string) {
		us += int64(r.intn(20000)) + 1
		sec, usec := us/1000000, us%1000000
		switch style {
		case "syslog":
			t := wall.Add(time.Duration(sec) * time.Second)
			fmt.Fprintf(&b, "%s node-17 kernel: [%5d.%06d] %s\n", t.Format("Jan _2 15:04:05"), sec, usec, text)
		case "ctime":
			t := wall.Add(time.Duration(sec) * time.Second)
			fmt.Fprintf(&b, "[%s] %s\n", t.Format("Mon Jan _2 15:04:05 2006"), text)
		default:
			fmt.Fprintf(&b, "[%5d.%06d] %s\n", sec, usec, text)
		}
	}
	for b.Len() < size {
		if b.Len() >= next {
			for _, l := range genReport(&r, kills) {
				emit(l)
			}
			kills++
			next += every
			continue
		}
		if r.intn(100) == 0 { // near-miss decoys, about 1% of lines as in genlog.py
			emit(decoyLines[r.intn(len(decoyLines))])
			continue
		}
		emit(noiseLines[r.intn(len(noiseLines))](&r))
	}
	return b.Bytes(), kills
}

// TestFastPathEqualsFullDecode: the vocabulary scan must give exactly the
// model a line-by-line decode of every line gives (no OOM line skipped).
func TestFastPathEqualsFullDecode(t *testing.T) {
	for _, style := range []string{"raw", "syslog", "ctime"} {
		data, kills := genLog(3<<20, 256<<10, style)
		fast, err := Parse(bytes.NewReader(data), "gen.log")
		if err != nil {
			t.Fatal(err)
		}
		forceFullDecode = true
		full, err := Parse(bytes.NewReader(data), "gen.log")
		forceFullDecode = false
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range fast.Reports {
			n += len(r.Kills)
			if r.Tasks == nil || r.Tasks.Len() != 21 || r.MemInfo == nil || r.Constraint == nil || r.Cut {
				t.Errorf("%s: report at line %d incomplete", style, r.Start.Line)
			}
		}
		if n != kills || len(fast.Reports) != kills {
			t.Errorf("%s: %d kills in %d reports, want %d", style, n, len(fast.Reports), kills)
		}
		// ClockPoints of the first/last line per boot depend on which lines
		// were decoded; compare everything else.
		fast.Clock, full.Clock = nil, nil
		fast.Last, full.Last = nil, nil
		if !reflect.DeepEqual(fast, full) {
			t.Errorf("%s: fast path and full decode differ: %s", style, firstDiff(dumpKernelLog(fast), dumpKernelLog(full)))
		}
		if len(fast.Unknown) != 0 {
			t.Errorf("%s: unexpected unknown lines: %v", style, fast.Unknown[0])
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d: %q vs %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(al), len(bl))
}

// BenchmarkKernelLog measures throughput on generated 32 MiB logs (raw
// dmesg, syslog, dmesg -T "ctime") with one OOM report per 8 MiB; the
// "-groups" case is the IndexByte fallback used without AVX2.
func BenchmarkKernelLog(b *testing.B) {
	for _, style := range []string{"raw", "syslog", "ctime", "raw-groups"} {
		gen := strings.TrimSuffix(style, "-groups")
		data, _ := genLog(32<<20, 8<<20, gen)
		b.Run(style, func(b *testing.B) {
			forceGroupScan = gen != style
			defer func() { forceGroupScan = false }()
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Parse(bytes.NewReader(data), "gen.log"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
