package render

import (
	"strings"
	"time"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// The reports below are built by hand in the shape correlate.Build gives:
// founding is the microk8s node of the founding case (three global OOM
// kills of pip3, kubelet replaying them as SystemOOM events, swap added after
// the kills), k8sMemcg a container that hit its cgroup limit on a Kubernetes
// node, empty a bundle with no kill, and hostile one whose process names and
// log lines try to inject markup and terminal escapes.

func p[T any](v T) *T { return &v }

func ref(path string, line int) report.Ref { return report.Ref{Path: path, Line: line} }

func refs(path string, lines ...int) []report.Ref {
	out := []report.Ref{}
	for _, l := range lines {
		out = append(out, ref(path, l))
	}
	return out
}

func excerpt(path string, first int, cited []int, lines ...string) report.Excerpt {
	c := map[int]bool{}
	for _, l := range cited {
		c[l] = true
	}
	ex := report.Excerpt{Path: path, Lines: []report.ExcerptLine{}}
	for i, t := range lines {
		ex.Lines = append(ex.Lines, report.ExcerptLine{Line: first + i, Text: t, Cited: c[first+i]})
	}
	return ex
}

const (
	dmesgPath  = "sos_commands/kernel/dmesg"
	swaponPath = "sos_commands/memory/swapon_--bytes_--show"
	nodePath   = "sos_commands/kubernetes/kubectl_describe_node_izwz9h8m2chowowqckbcy0z"
	sysctlPath = "sos_commands/kernel/sysctl_-a"
	meminfo    = "proc/meminfo"
)

func pipKill(n int, pid int, ks float64, raw, wall string, line int, anon, totalVM, swapents, free int64, score int64) report.Kill {
	id := "k" + string(rune('0'+n))
	hdr, kill := line-51, line
	k := report.Kill{
		ID: id, Killer: "kernel", Kind: "global", Constraint: p("CONSTRAINT_NONE"),
		Victim: report.Victim{Pid: p(pid), Name: "pip3", UID: p(0), Score: p(score), OOMScoreAdj: p(0),
			TotalVMKB: p(totalVM), AnonRSSKB: p(anon), FileRSSKB: p(int64(0)), ShmemRSSKB: p(int64(0)),
			Swapents: p(swapents)},
		Reaped:    true,
		Invoker:   &report.Invoker{Name: "pip3", Pid: p(pid), GFPMask: p("0x201da"), Order: p(0), OOMScoreAdj: p(0)},
		SwapAtOOM: &report.SwapAtOOM{TotalKB: p(int64(969932)), FreeKB: p(free)},
		MemInfo: &report.KillMem{Source: "mem-info", RAMKB: p(int64(1918012)), AnonKB: p(int64(1712380)),
			FileKB: p(int64(24604)), ShmemKB: p(int64(1188)), SlabReclaimKB: p(int64(21588)),
			SlabUnreclaimKB: p(int64(27240)), KernelStackKB: p(int64(4976)), PagetablesKB: p(int64(15296)),
			UnevictableKB: p(int64(0)), HugepagesKB: p(int64(0)), FreeKB: p(int64(47096))},
		Top: []report.Consumer{
			{Name: "pip3", Tasks: 1, RSSKB: anon, SwapKB: p(swapents * 4), IsVictim: true},
			{Name: "java", Tasks: 1, RSSKB: 101232, SwapKB: p(int64(212448))},
			{Name: "containerd", Tasks: 1, RSSKB: 30212, SwapKB: p(int64(18820))},
			{Name: "kubelite", Tasks: 1, RSSKB: 28660, SwapKB: p(int64(40112))},
			{Name: "staragentd", Tasks: 2, RSSKB: 9080, SwapKB: p(int64(2160))},
			{Name: "AliYunDun", Tasks: 1, RSSKB: 8424, SwapKB: p(int64(1036))},
		},
		Time: report.KillTime{Raw: p(raw), KernelSeconds: p(ks), Wall: p(wall), WallBasis: "btime", Confidence: "medium"},
		Boot: 1, Kernel: p("3.10.0-957.el7.x86_64"),
		Sources:  []string{dmesgPath, nodePath},
		Missing:  []string{},
		Evidence: append(refs(dmesgPath, hdr, hdr+21, hdr+22, hdr+44, line-1, kill, kill+1), ref(nodePath, 44+n)),
		Findings: []report.Finding{
			{Rule: "global-oom", Severity: "critical",
				Summary:  "pip3 held " + units.KB(anon) + " anon + " + units.KB(swapents*4) + " in swap of ~2.75 GiB RAM+swap",
				Detail:   "The kernel's own OOM killer ran with CONSTRAINT_NONE: no cgroup limit was hit, the whole node (1.83 GiB RAM + 947 MiB swap) was exhausted. pip3 was the largest task by far (score " + int64Or(&score, "") + ").",
				Origin:   "built-in",
				Evidence: refs(dmesgPath, line-1, kill)},
			{Rule: "swap-exhausted-at-kill", Severity: "warning",
				Summary:  "swap at the kill: 947 MiB, " + units.KB(free) + " free (exhausted)",
				Detail:   "\"Free swap\" in the report's Mem-Info is nearly zero: swap was full when the kernel gave up, so swap did delay the kill but could not prevent it.",
				Origin:   "built-in",
				Evidence: refs(dmesgPath, hdr+21, hdr+22)},
			{Rule: "swap-grew-after-kill", Severity: "info",
				Summary:  "swap at capture: 2.9 GiB — /swapfile.new (2 GiB) added later",
				Detail:   "swapon at capture time lists /swapfile.new (2 GiB, 48 KiB used) which the kernel did not have at the kill (Total swap = 969932kB). The free swap seen afterwards was not there when pip3 was killed.",
				Origin:   "built-in",
				Evidence: refs(swaponPath, 2, 3)},
			{Rule: "kubelet-systemoom-replay", Severity: "info",
				Summary:  "SystemOOM 5m46s ago = kubelet start replaying the ring buffer",
				Detail:   "All SystemOOM events share the age of \"Starting kubelet.\" (5m46s): kubelet re-reports old kernel OOM kills from the ring buffer when it starts, so the events' age is not the time of the kill.",
				Origin:   "built-in",
				Evidence: refs(nodePath, 41, 44+n)},
		},
		Verdict:  "The whole node ran out of memory: pip3 (pid " + intOr(&pid, "") + ") grew to " + units.KB(anon) + " of anonymous memory on a node with 1.83 GiB RAM and 947 MiB swap, swap filled up, and the kernel killed it (no cgroup or pod limit was involved). The \"free\" swap seen in swapon afterwards is /swapfile.new, added after the kill. Give pip3 a memory limit (run it in a cgroup or a pod with limits), or size the node for the install; adding swap only delays this kind of kill.",
		Headline: "pip3 (pid " + intOr(&pid, "") + ") killed: the whole node ran out of memory",
		Reason:   "the whole node ran out of memory",
	}
	k.Sentences = verdictSentences(k.Verdict, "pip3 (pid "+intOr(&pid, "")+") held ")
	return k
}

func founding() *report.Report {
	kills := []report.Kill{
		pipKill(1, 23143, 1375956.71891, "[1375956.718910]", "2019-10-20T14:41:01+08:00", 1841, 1743412, 2112380, 39263, 188, 613),
		pipKill(2, 24161, 1376654.302114, "[1376654.302114]", "2019-10-20T14:52:39+08:00", 2019, 1731004, 2098120, 41520, 212, 609),
		pipKill(3, 25349, 1377286.090533, "[1377286.090533]", "2019-10-20T15:03:11+08:00", 2201, 1755880, 2121964, 38710, 96, 617),
	}
	tl := []report.TimelineRow{
		{Time: p("2019-10-04T16:28:25+08:00"), Boot: p(1), Source: ref(dmesgPath, 1), Kind: "boot", Text: "Linux version 3.10.0-957.el7.x86_64 (mockbuild@kbuilder.bsys.centos.org)"},
	}
	for _, k := range kills {
		tl = append(tl,
			report.TimelineRow{Time: k.Time.Wall, KernelSeconds: k.Time.KernelSeconds, Boot: p(1), Source: k.Evidence[0], Kind: "oom-report", KillID: p(k.ID), Text: "pip3 invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0"},
			report.TimelineRow{Time: k.Time.Wall, KernelSeconds: k.Time.KernelSeconds, Boot: p(1), Source: k.Evidence[5], Kind: "oom-kill", KillID: p(k.ID), Text: "Killed process " + intOr(k.Victim.Pid, "") + " (pip3) total-vm:" + int64Or(k.Victim.TotalVMKB, "") + "kB, anon-rss:" + int64Or(k.Victim.AnonRSSKB, "") + "kB, file-rss:0kB, shmem-rss:0kB"},
		)
	}
	tl = append(tl,
		report.TimelineRow{Time: p("2019-10-20T15:07:06+08:00"), Source: ref(nodePath, 40), Kind: "kube-event", Text: "Starting kube-proxy."},
		report.TimelineRow{Time: p("2019-10-20T15:07:17+08:00"), Source: ref(nodePath, 41), Kind: "kube-event", Text: "Starting kubelet."},
		report.TimelineRow{Time: p("2019-10-20T15:07:17+08:00"), Source: ref(nodePath, 45), Kind: "kube-event", KillID: p("k1"), Text: "System OOM encountered, victim process: pip3, pid: 23143"},
		report.TimelineRow{Time: p("2019-10-20T15:07:17+08:00"), Source: ref(nodePath, 46), Kind: "kube-event", KillID: p("k2"), Text: "System OOM encountered, victim process: pip3, pid: 24161"},
		report.TimelineRow{Time: p("2019-10-20T15:07:17+08:00"), Source: ref(nodePath, 47), Kind: "kube-event", KillID: p("k3"), Text: "System OOM encountered, victim process: pip3, pid: 25349"},
		report.TimelineRow{Time: p("2019-10-20T15:13:03+08:00"), Source: ref(swaponPath, 1), Kind: "capture", Text: "swapon: /swapfile 947.2M (18.6M used), /swapfile.new 2G (48K used)"},
	)
	dm := func(k report.Kill) []report.Excerpt {
		l := k.Evidence[5].Line
		h := l - 51
		pid := intOr(k.Victim.Pid, "")
		ts := *k.Time.Raw
		return []report.Excerpt{
			excerpt(dmesgPath, h-1, []int{h},
				ts+" IPv6: ADDRCONF(NETDEV_UP): cali4f2a1b3c9d0: link is not ready",
				ts+" pip3 invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
				ts+" pip3 cpuset=/ mems_allowed=0",
				ts+" CPU: 1 PID: "+pid+" Comm: pip3 Kdump: loaded Not tainted 3.10.0-957.el7.x86_64 #1"),
			excerpt(dmesgPath, h+19, []int{h + 21, h + 22},
				ts+" 6041 pages in swap cache",
				ts+" Swap cache stats: add 2295561, delete 2289577, find 1140785/1439390",
				ts+" Free swap  = "+int64Or(k.SwapAtOOM.FreeKB, "")+"kB",
				ts+" Total swap = 969932kB",
				ts+" 524188 pages RAM"),
			excerpt(dmesgPath, l-2, []int{l - 1, l},
				ts+" [  "+pid+"]     0 "+pid+"   528095   435853  3997696    "+int64Or(k.Victim.Swapents, "")+"             0 pip3",
				ts+" Out of memory: Kill process "+pid+" (pip3) score "+int64Or(k.Victim.Score, "")+" or sacrifice child",
				ts+" Killed process "+pid+" (pip3) total-vm:"+int64Or(k.Victim.TotalVMKB, "")+"kB, anon-rss:"+int64Or(k.Victim.AnonRSSKB, "")+"kB, file-rss:0kB, shmem-rss:0kB",
				ts+" oom_reaper: reaped process "+pid+" (pip3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"),
		}
	}
	var exs []report.Excerpt
	for _, k := range kills {
		exs = append(exs, dm(k)...)
	}
	exs = append(exs,
		excerpt(nodePath, 37, []int{41, 45, 46, 47},
			"Events:",
			"  Type     Reason                   Age    From                                 Message",
			"  ----     ------                   ----   ----                                 -------",
			"  Normal   Starting                 5m57s  kube-proxy, izwz9h8m2chowowqckbcy0z  Starting kube-proxy.",
			"  Normal   Starting                 5m46s  kubelet, izwz9h8m2chowowqckbcy0z     Starting kubelet.",
			"  Warning  InvalidDiskCapacity      5m46s  kubelet, izwz9h8m2chowowqckbcy0z     invalid capacity 0 on image filesystem",
			"  Normal   NodeHasSufficientMemory  5m46s  kubelet, izwz9h8m2chowowqckbcy0z     Node izwz9h8m2chowowqckbcy0z status is now: NodeHasSufficientMemory",
			"  Normal   NodeHasNoDiskPressure    5m46s  kubelet, izwz9h8m2chowowqckbcy0z     Node izwz9h8m2chowowqckbcy0z status is now: NodeHasNoDiskPressure",
			"  Warning  SystemOOM                5m46s  kubelet, izwz9h8m2chowowqckbcy0z     System OOM encountered, victim process: pip3, pid: 23143",
			"  Warning  SystemOOM                5m46s  kubelet, izwz9h8m2chowowqckbcy0z     System OOM encountered, victim process: pip3, pid: 24161",
			"  Warning  SystemOOM                5m46s  kubelet, izwz9h8m2chowowqckbcy0z     System OOM encountered, victim process: pip3, pid: 25349"),
		excerpt(swaponPath, 1, []int{2, 3},
			"NAME          TYPE        SIZE   USED PRIO",
			"/swapfile     file   993210368 19503104   -2",
			"/swapfile.new file  2147483648    49152   -3"),
	)
	ev := func(reason, typ, age, msg string, line int, kill *string) report.Event {
		return report.Event{Type: typ, Reason: reason, Age: age, Count: 1, From: "kubelet, izwz9h8m2chowowqckbcy0z",
			Message: msg, Time: p("2019-10-20T15:07:17+08:00"), KillID: kill, Evidence: ref(nodePath, line)}
	}
	return withTimes(&report.Report{
		SchemaVersion: 1,
		Tool:          report.Tool{Name: "oomlens", Version: "0.1.0"},
		Host: report.Host{Hostname: p("izwz9h8m2chowowqckbcy0z"), KernelVersion: p("3.10.0-957.el7.x86_64"),
			CapturedAt: p("2019-10-20T15:13:03+08:00"), TimeZone: p("CST"),
			Bundle: "sosreport-izwz9h8m2chowowqckbcy0z-2019-10-20-vtxkmpz", InputDigest: "sha256:5d1c0e6a3f9b27c48e0d5a7f61b2c3d4e5f60718293a4b5c6d7e8f9012345678",
			BootTimes: []string{"2019-10-04T16:28:25+08:00"}, Evidence: refs("uname_-a", 1)},
		Inputs: []report.Input{
			{Path: dmesgPath, Kind: "kernel-log", Format: "dmesg-raw", Lines: 2412, FirstTime: p("2019-10-04T16:28:25+08:00"), LastTime: p("2019-10-20T15:07:09+08:00"), Used: true, Warnings: []report.Warning{{Line: 977, Message: "line cut at 4096 bytes"}}},
			{Path: nodePath, Kind: "describe-node", Format: "kubectl", Lines: 52, Used: true, Warnings: []report.Warning{}},
			{Path: meminfo, Kind: "meminfo", Format: "proc", Lines: 47, Used: true, Warnings: []report.Warning{}},
			{Path: swaponPath, Kind: "swapon", Format: "swapon-bytes", Lines: 3, Used: true, Warnings: []report.Warning{}},
			{Path: sysctlPath, Kind: "sysctl", Format: "sysctl", Lines: 1012, Used: true, Warnings: []report.Warning{}},
			{Path: "sos_commands/general/uptime", Kind: "uptime", Format: "uptime", Lines: 1, Used: true, Warnings: []report.Warning{}},
			{Path: "var/log/messages", Kind: "kernel-log", Format: "syslog", Lines: 0, Used: false, WhyNot: p("empty file"), Warnings: []report.Warning{}},
		},
		Coverage: []report.Gap{
			{Source: "journal", Missing: "journal", Message: "no systemd journal in the bundle: OOM kills older than the dmesg ring buffer cannot be seen", Collect: "journalctl -k -o short-iso > journal-kernel.txt"},
			{Source: "kubelet-config", Missing: "kubelet-config", Message: "no kubelet configuration: swap behaviour of pods is unknown", Collect: "cat /var/snap/microk8s/current/args/kubelet"},
		},
		Kills:   kills,
		Reports: []report.ReportOnly{},
		Swap: &report.Swap{Source: swaponPath, TotalKB: p(int64(3066072)), UsedKB: p(int64(19094)), Exact: true,
			Devices: []report.SwapDevice{
				{Name: "/swapfile", Type: "file", SizeKB: p(int64(969932)), UsedKB: p(int64(19046)), Size: "993210368", Used: "19503104", Priority: p(-2), Line: 2},
				{Name: "/swapfile.new", Type: "file", SizeKB: p(int64(2097152)), UsedKB: p(int64(48)), Size: "2147483648", Used: "49152", Priority: p(-3), Line: 3},
			}, Evidence: refs(swaponPath, 2, 3)},
		Memory: &report.Memory{Source: meminfo, MemTotalKB: p(int64(1881872)), MemAvailableKB: p(int64(1226540)), MemFreeKB: p(int64(921064)),
			SwapTotalKB: p(int64(3066872)), SwapFreeKB: p(int64(3047788)), CommittedASKB: p(int64(3121456)), CommitLimitKB: p(int64(4007808)), ShmemKB: p(int64(1224)), OOMKillCount: nil},
		Sysctl:  report.Sysctls{"vm.swappiness": "60", "vm.overcommit_memory": "0", "vm.panic_on_oom": "0", "vm.min_free_kbytes": "45056"},
		Kubelet: nil,
		Nodes: []report.Node{{ThisHost: true, HostMatch: "name", AlsoIn: []report.Ref{}, Name: "izwz9h8m2chowowqckbcy0z", KubeletVersion: p("v1.16.2"), KernelVersion: p("3.10.0-957.el7.x86_64"),
			ContainerRuntime: p("containerd://1.2.5"), MemoryCapacityKB: p(int64(1881872)), MemoryAllocatableKB: p(int64(1779472)),
			PodMemRequestsKB: p(int64(71680)), PodMemLimitsKB: p(int64(174080)),
			Conditions: []report.Condition{{Type: "MemoryPressure", Status: "False", Reason: "KubeletHasSufficientMemory", Message: "kubelet has sufficient memory available"}},
			Pods:       []report.NodePod{{Namespace: "kube-system", Name: "coredns-9b8997588-qbd2r", MemoryRequest: "70Mi (3%)", MemoryLimit: "170Mi (9%)"}},
			Events: []report.Event{
				ev("Starting", "Normal", "5m46s", "Starting kubelet.", 41, nil),
				ev("SystemOOM", "Warning", "5m46s", "System OOM encountered, victim process: pip3, pid: 23143", 45, p("k1")),
				ev("SystemOOM", "Warning", "5m46s", "System OOM encountered, victim process: pip3, pid: 24161", 46, p("k2")),
				ev("SystemOOM", "Warning", "5m46s", "System OOM encountered, victim process: pip3, pid: 25349", 47, p("k3")),
			},
			Evidence: ref(nodePath, 1)}},
		Timeline: tl,
		Unexplained: []report.Unexplained{
			{Path: dmesgPath, Line: 977, Text: "[1201533.120033] staragentd: page allocation stalls for 10016ms, order:0, mode:0x14200ca(GFP_HIGHUSER_MOVABLE)"},
		},
		Excerpts: exs,
	})
}

// verdictSentences cuts a hand-written verdict into the Sentences correlate
// would give it (at ". ", citations taken out), the one that starts with
// held (when not "") being what the victim held; the test reports' verdicts
// repeat no finding and say nothing of what to do.
func verdictSentences(v, held string) []report.Sentence {
	var out []report.Sentence
	start := 0
	cut := func(end int) {
		if t := strings.TrimSpace(v[start:end]); t != "" {
			text, refs := correlate.Uncite(t)
			st := report.Sentence{Text: text, Refs: refs}
			if held != "" && strings.HasPrefix(text, held) {
				st.Role = "held"
			}
			out = append(out, st)
		}
	}
	for i := 0; i+1 < len(v); i++ {
		if v[i] == '.' && v[i+1] == ' ' {
			cut(i + 1)
			start = i + 2
		}
	}
	cut(len(v))
	return out
}

// withTimes gives the report's kills and timeline rows the At that
// correlate sets beside each RFC 3339 or node-local time string.
func withTimes(rep *report.Report) *report.Report {
	at := func(s *string) *time.Time {
		if s == nil {
			return nil
		}
		t, err := time.Parse(time.RFC3339Nano, *s)
		if err != nil {
			if t, err = time.Parse("2006-01-02T15:04:05", *s); err != nil {
				return nil
			}
		}
		t = t.Truncate(time.Second)
		return &t
	}
	for i := range rep.Kills {
		k := &rep.Kills[i]
		k.Time.At = at(wallOf(k.Time))
	}
	for i := range rep.Timeline {
		rep.Timeline[i].At = at(rowTime(rep.Timeline[i]))
	}
	return rep
}
