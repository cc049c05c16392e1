package render

import "github.com/oomlens/oomlens/report"

const (
	journalPath = "sos_commands/logs/journalctl_--no-pager_--boot"
	k8sNodePath = "sos_commands/kubernetes/kubectl_describe_node_ip-10-0-3-17.eu-west-1.compute.internal"
	kubeletCfg  = "var/lib/kubelet/config.yaml"
)

func k8sMemcg() *report.Report {
	pod := "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c1e2f9a_4b3d_4e8a_9f21_0c6d5b8a3e47.slice"
	ctr := pod + "/cri-containerd-8f3e1c0a9b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f.scope"
	hdr, kill := 40211, 40262
	ts := "2026-11-26T09:14:07.412031+00:00"
	host := "ip-10-0-3-17"
	jl := func(s string) string { return ts + " " + host + " kernel: " + s }
	k := report.Kill{
		ID: "k1", Killer: "kernel", Kind: "memcg", Constraint: p("CONSTRAINT_MEMCG"),
		Victim: report.Victim{Pid: p(48211), Name: "java", UID: p(1000), OOMScoreAdj: p(968),
			TotalVMKB: p(int64(4318212)), AnonRSSKB: p(int64(517840)), FileRSSKB: p(int64(21604)), ShmemRSSKB: p(int64(0)),
			PgtablesKB: p(int64(1412)), Swapents: p(int64(0))},
		Reaped:  true,
		Invoker: &report.Invoker{Name: "C2 CompilerThre", Pid: p(48240), GFPMask: p("0xcc0(GFP_KERNEL)"), Order: p(0), OOMScoreAdj: p(968)},
		Memcg: &report.Memcg{OOMMemcg: p(ctr), TaskMemcg: p(ctr), UsageKB: p(int64(524288)), LimitKB: p(int64(524288)), Failcnt: p(int64(1423)),
			SwapUsageKB: p(int64(0)), SwapLimitKB: p(int64(0))},
		SwapAtOOM: nil,
		MemInfo: &report.KillMem{Source: "memcg-stats", AnonKB: p(int64(509712)), FileKB: p(int64(6120)), ShmemKB: p(int64(0)),
			SlabReclaimKB: p(int64(1844)), SlabUnreclaimKB: p(int64(2911)), KernelStackKB: p(int64(1536)), PagetablesKB: p(int64(1412)),
			UnevictableKB: p(int64(0))},
		Top:  []report.Consumer{{Name: "java", Tasks: 1, RSSKB: 539444, SwapKB: p(int64(0)), IsVictim: true}, {Name: "tini", Tasks: 1, RSSKB: 612, SwapKB: p(int64(0))}},
		Time: report.KillTime{Raw: p(ts), KernelSeconds: nil, Wall: p("2026-11-26T09:14:07Z"), WallBasis: "printed", Confidence: "high"},
		Boot: 1, Kernel: p("6.1.0-27-cloud-amd64"),
		Pod: &report.Pod{UID: p("7c1e2f9a-4b3d-4e8a-9f21-0c6d5b8a3e47"), Namespace: p("payments"), Name: p("checkout-api-7d9f8b6c5-x2kqz"),
			Container: p("api"), ContainerID: p("containerd://8f3e1c0a9b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f"), QoS: p("burstable"),
			Evidence: []report.Ref{ref(journalPath, kill-1), ref(k8sNodePath, 88)}},
		Sources:  []string{journalPath, k8sNodePath},
		Missing:  []string{},
		Evidence: refs(journalPath, hdr, hdr+17, hdr+18, kill-1, kill),
		Findings: []report.Finding{
			{Rule: "memcg-limit", Severity: "critical", Summary: "java hit its container limit: 512 MiB used of 512 MiB (failcnt 1423)",
				Detail: "The OOM was confined to the container's memory cgroup (CONSTRAINT_MEMCG): the node had memory to spare, the pod's limit did not.",
				Origin: "built-in", Evidence: refs(journalPath, hdr+17, kill-1)},
			{Rule: "pod-identified", Severity: "info", Summary: "pod payments/checkout-api-7d9f8b6c5-x2kqz, container api (Burstable)",
				Detail: "The cgroup path names pod UID 7c1e2f9a-4b3d-4e8a-9f21-0c6d5b8a3e47, which `kubectl describe node` lists as payments/checkout-api-7d9f8b6c5-x2kqz.",
				Origin: "built-in", Evidence: []report.Ref{ref(journalPath, kill-1), ref(k8sNodePath, 88)}},
			{Rule: "pod-swap-off", Severity: "warning", Summary: "swap is on for the node but off for pods (swapBehavior NoSwap)",
				Detail: "The cgroup's swap limit is 0 (swap: usage 0kB, limit 0kB): kubelet's NoSwap behaviour keeps pods out of the node's 4 GiB swap, so the container's limit is a hard RAM limit.",
				Origin: "built-in", Evidence: []report.Ref{ref(journalPath, hdr+18), ref(kubeletCfg, 31)}},
			{Rule: "jvm-heap-over-limit", Severity: "warning", Summary: "JVM heap max 640 MiB is larger than the 512 MiB limit",
				Detail: "Rule file rules/jvm.yaml: -Xmx640m on the java command line exceeds the container limit.",
				Origin: "rules/jvm.yaml", Evidence: refs(k8sNodePath, 88)},
		},
		Verdict:  "The container api of pod payments/checkout-api-7d9f8b6c5-x2kqz hit its own 512 MiB memory limit; the node itself was not short of memory. java (pid 48211) held 506 MiB anon when the kernel killed it inside the container's cgroup. Swap could not help: kubelet runs pods with NoSwap. Raise the container's memory limit above the JVM's heap plus overhead, or lower -Xmx.",
		Headline: "java (pid 48211) killed: container api of payments/checkout-api-7d9f8b6c5-x2kqz hit its 512 MiB limit",
		Reason:   "container api of payments/checkout-api-7d9f8b6c5-x2kqz hit its 512 MiB limit",
	}
	k.Sentences = verdictSentences(k.Verdict, "java (pid 48211) held ")
	return withTimes(&report.Report{
		SchemaVersion: 1,
		Tool:          report.Tool{Name: "oomlens", Version: "0.1.0"},
		Host: report.Host{Hostname: p(host), KernelVersion: p("6.1.0-27-cloud-amd64"), CapturedAt: p("2026-11-26T09:31:55Z"), TimeZone: p("UTC"),
			Bundle: "node-dump-ip-10-0-3-17", InputDigest: "sha256:0a9b8c7d6e5f40312a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081",
			BootTimes: []string{"2026-11-20T06:02:44Z", "2026-11-24T22:10:03Z"}, Evidence: refs("hostname", 1)},
		Inputs: []report.Input{
			{Path: journalPath, Kind: "kernel-log", Format: "journal-short-iso", Lines: 88412, FirstTime: p("2026-11-24T22:10:03Z"), LastTime: p("2026-11-26T09:31:50Z"), Truncated: true, Used: true, Warnings: []report.Warning{}},
			{Path: k8sNodePath, Kind: "describe-node", Format: "kubectl", Lines: 131, Used: true, Warnings: []report.Warning{}},
			{Path: kubeletCfg, Kind: "kubelet-config", Format: "yaml", Lines: 64, Used: true, Warnings: []report.Warning{}},
			{Path: "proc/swaps", Kind: "proc-swaps", Format: "proc", Lines: 2, Used: true, Warnings: []report.Warning{}},
			{Path: "etc/hosts", Kind: "unknown", Format: "none", Lines: 9, Used: false, WhyNot: p("not a source oomlens reads"), Warnings: []report.Warning{}},
		},
		Coverage: []report.Gap{
			{Source: "journal", Missing: "journal", Message: "the journal was cut by sos (--log-size): it starts 2026-11-24T22:10:03Z, after the first boot", Collect: "sos report --all-logs, or journalctl -k --since=-7d"},
		},
		Kills: []report.Kill{k},
		Reports: []report.ReportOnly{{Path: journalPath, Line: 12007, Why: "the report is cut: the journal starts inside it (no kill line follows)", Kind: "memcg",
			Invoker:   &report.Invoker{Name: "java", Pid: p(4117), GFPMask: p("0xcc0(GFP_KERNEL)"), Order: p(0), OOMScoreAdj: p(936)},
			SwapAtOOM: &report.SwapAtOOM{TotalKB: p(int64(4194300)), FreeKB: p(int64(3391484))}, Evidence: refs(journalPath, 12007)}},
		Swap: &report.Swap{Source: "proc/swaps", TotalKB: p(int64(4194300)), UsedKB: p(int64(803224)), Exact: true, Evidence: refs("proc/swaps", 2),
			Devices: []report.SwapDevice{{Name: "/dev/nvme0n1p3", Type: "partition", SizeKB: p(int64(4194300)), UsedKB: p(int64(803224)), Size: "4194300", Used: "803224", Priority: p(-2), Line: 2}}},
		Memory: nil,
		Sysctl: report.Sysctls{},
		Kubelet: &report.Kubelet{Version: p("v1.30.4"), FailSwapOn: p(false), SwapBehavior: p("NoSwap"), NodeSwapGate: p(true), EffectiveSwap: "NoSwap: pods get no swap",
			EvictionHard: map[string]string{"memory.available": "100Mi", "nodefs.available": "10%"}, CgroupDriver: p("systemd"), Evidence: refs(kubeletCfg, 12, 31, 32)},
		Nodes: []report.Node{{ThisHost: true, HostMatch: "name", AlsoIn: []report.Ref{}, Name: "ip-10-0-3-17.eu-west-1.compute.internal", KubeletVersion: p("v1.30.4"), KernelVersion: p("6.1.0-27-cloud-amd64"),
			ContainerRuntime: p("containerd://1.7.22"), MemoryCapacityKB: p(int64(16205844)), MemoryAllocatableKB: p(int64(15157268)),
			Conditions: []report.Condition{{Type: "MemoryPressure", Status: "False", Reason: "KubeletHasSufficientMemory", Message: "kubelet has sufficient memory available"}},
			Pods: []report.NodePod{
				{Namespace: "payments", Name: "checkout-api-7d9f8b6c5-x2kqz", MemoryRequest: "384Mi (2%)", MemoryLimit: "512Mi (3%)"},
				{Namespace: "kube-system", Name: "aws-node-8jx2p", MemoryRequest: "0 (0%)", MemoryLimit: "0 (0%)"},
			},
			Events:   []report.Event{},
			Evidence: ref(k8sNodePath, 1)}},
		Timeline: []report.TimelineRow{
			{Time: p("2026-11-20T06:02:44Z"), Boot: p(0), Source: ref(journalPath, 1), Kind: "boot", Text: "-- Boot 3f1c9e7a2b5d4c8e9a0b1c2d3e4f5a6b --"},
			{Time: p("2026-11-24T22:10:03Z"), Boot: p(1), Source: ref(journalPath, 11930), Kind: "boot", Text: "Linux version 6.1.0-27-cloud-amd64 (debian-kernel@lists.debian.org)"},
			{Time: p("2026-11-24T22:10:09Z"), Boot: p(1), Source: ref(journalPath, 12301), Kind: "network", Text: "ens5: renamed from eth0; link up, 02:4f:8a:11:c3:7e, 10.0.3.17/20"},
			{Time: p("2026-11-26T09:14:07Z"), Boot: p(1), Source: ref(journalPath, hdr), Kind: "oom-report", KillID: p("k1"), Text: "C2 CompilerThre invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=968"},
			{Time: p("2026-11-26T09:14:07Z"), Boot: p(1), Source: ref(journalPath, kill), Kind: "oom-kill", KillID: p("k1"), Text: "Memory cgroup out of memory: Killed process 48211 (java) total-vm:4318212kB, anon-rss:517840kB, file-rss:21604kB, shmem-rss:0kB, UID:1000 pgtables:1412kB oom_score_adj:968"},
			{Time: p("2026-11-26T09:14:09Z"), Boot: p(1), Source: ref(journalPath, kill+9), Kind: "kubelet", KillID: p("k1"), Text: "kubelet[912]: \"Container exited\" pod=\"payments/checkout-api-7d9f8b6c5-x2kqz\" containerName=\"api\" exitCode=137 reason=\"OOMKilled\" node=\"ip-10-0-3-17\" podIP=\"10.0.3.201\""},
		},
		Unexplained: []report.Unexplained{
			{Path: journalPath, Line: 51007, Text: "2026-11-26T09:20:31.000114+00:00 ip-10-0-3-17 sshd[71002]: pam_unix(sshd:session): session opened for user alice(uid=1001) by (uid=0) from 10.0.9.44 — then oom-score raised"},
		},
		Excerpts: []report.Excerpt{
			excerpt(journalPath, hdr-1, []int{hdr},
				ts+" "+host+" kubelet[912]: I1126 09:14:07.401 prober.go:107] \"Probe failed\" probeType=\"Readiness\" pod=\"payments/checkout-api-7d9f8b6c5-x2kqz\" podIP=\"10.0.3.201\"",
				jl("C2 CompilerThre invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=968"),
				jl("CPU: 3 PID: 48240 Comm: C2 CompilerThre Not tainted 6.1.0-27-cloud-amd64 #1  Debian 6.1.115-1")),
			excerpt(journalPath, hdr+17, []int{hdr + 17, hdr + 18},
				jl("memory: usage 524288kB, limit 524288kB, failcnt 1423"),
				jl("swap: usage 0kB, limit 0kB, failcnt 0"),
				jl("Memory cgroup stats for "+ctr+":")),
			excerpt(journalPath, kill-1, []int{kill - 1, kill},
				jl("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-8f3e1c0a9b7d.scope,mems_allowed=0,oom_memcg="+ctr+",task_memcg="+ctr+",task=java,pid=48211,uid=1000"),
				jl("Memory cgroup out of memory: Killed process 48211 (java) total-vm:4318212kB, anon-rss:517840kB, file-rss:21604kB, shmem-rss:0kB, UID:1000 pgtables:1412kB oom_score_adj:968"),
				jl("oom_reaper: reaped process 48211 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB")),
			excerpt(k8sNodePath, 87, []int{88},
				"  Namespace                   Name                                CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age",
				"  payments                    checkout-api-7d9f8b6c5-x2kqz        250m (6%)     1 (25%)     384Mi (2%)       512Mi (3%)     3d"),
			excerpt(kubeletCfg, 30, []int{31},
				"memorySwap:",
				"  swapBehavior: NoSwap",
				"failSwapOn: false"),
		},
	})
}

func empty() *report.Report {
	return withTimes(&report.Report{
		SchemaVersion: 1,
		Tool:          report.Tool{Name: "oomlens", Version: "0.1.0"},
		Host:          report.Host{Bundle: "dmesg.txt", InputDigest: "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", BootTimes: []string{}, Evidence: []report.Ref{}},
		Inputs: []report.Input{{Path: "dmesg.txt", Kind: "kernel-log", Format: "dmesg", Lines: 1412, Used: true,
			Warnings: []report.Warning{}}},
		Coverage: []report.Gap{
			{Source: "swap", Missing: "swap at capture", Message: "no swapon, /proc/swaps or free output: swap at capture is unknown", Collect: "swapon --bytes --show > swapon.txt"},
		},
		Kills: []report.Kill{}, Reports: []report.ReportOnly{}, Sysctl: report.Sysctls{}, Nodes: []report.Node{},
		Timeline: []report.TimelineRow{}, Unexplained: []report.Unexplained{}, Excerpts: []report.Excerpt{},
	})
}

// hostile is a report whose every free-text field tries to break out.
func hostile() *report.Report {
	const evil = "<script>alert(1)</script>"
	const line = "\x1b[31m</script><img src=x onerror=alert(2)> \"quoted\" 'single' & done\x07\r"
	rep := k8sMemcg()
	k := &rep.Kills[0]
	k.Victim.Name = evil
	k.Headline, k.Reason = evil+" killed </script> \x1b[2J", ""
	k.Verdict = "Verdict with " + line
	k.Sentences = verdictSentences(k.Verdict, "")
	k.Invoker.Name = "\x1b]0;pwned\x07"
	k.Top[0].Name = evil
	k.Findings[0].Summary = "summary " + line
	k.Findings[0].Detail = "detail </style><style>*{display:none}</style> | pipe | `tick` [link](javascript:alert(3))"
	k.Pod.Name = p("pod\"><svg onload=alert(4)>")
	rep.Host.Hostname = p("host<b>bold</b>")
	rep.Excerpts[2].Lines[1].Text = line
	rep.Timeline[4].Text = line
	rep.Unexplained[0].Text = line + " ```\n# heading"
	rep.Inputs[0].Path = "logs/\x1b[31mred</script>.log"
	rep.Coverage[0].Message = "gap " + line
	rep.Sysctl["kernel.hostname"] = evil
	return rep
}
