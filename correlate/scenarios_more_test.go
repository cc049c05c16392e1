package correlate

import (
	"strings"
	"testing"
	"time"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kube"
)

const (
	journalPath  = "sos_commands/logs/journalctl_--no-pager"
	messagesPath = "var/log/messages"
	podUID       = "5c1f7e2a-8d4b-4c3e-9f1a-2b3c4d5e6f70"
	ctrID        = "9b2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d"
)

// memcgPodBundle: a Burstable pod on cgroup v2 under kubelet 1.30 (NoSwap)
// hits its 512 MiB limit while the node has 4 GiB of swap.
func memcgPodBundle() *parse.Bundle {
	j := newLog(journalPath, "journal-short-iso")
	j.boot(1, isoStamp("2024-05-14T08:00:01+0000"), "journal-marker", "")
	j.Boots[0].ID = "6f1d0c0f4a1e4b7e9c3a2d1b0e9f8a7c"
	cg := "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + strings.ReplaceAll(podUID, "-", "_") + ".slice/cri-containerd-" + ctrID + ".scope"
	st := isoStamp("2024-05-14T10:22:41+0000")
	r := j.report(0)
	r.trigger(5000, st, "java", "0xcc0(GFP_KERNEL)", 0).
		cpu(5001, 48121, "java", "6.1.0-21-cloud-amd64").
		memcgV2(5030, 524288, 524288, 0, 0).
		stats(5032, cg, map[string]int64{"anon": 530579456, "file": 2064384, "kernel_stack": 1146880, "shmem": 0}, "anon", "file", "kernel_stack", "shmem").
		task(5050, 48121, 0, 1210389, 129876, 1236992, 0, 968, "java").
		task(5051, 47990, 65535, 243, 1, 28672, 0, -998, "pause").
		constraint(5055, "CONSTRAINT_MEMCG", cg, cg, 48121, "java").
		kill(5056, st, "Memory cgroup out of memory", 48121, "java", 4841556, 518172)
	j.end(9000, isoStamp("2024-05-14T10:39:58+0000"))
	cap := time.Date(2024, 5, 14, 10, 40, 0, 0, time.UTC)
	v2 := true
	return &parse.Bundle{
		Name:       "node-a",
		KernelLogs: []*parse.KernelLog{j.KernelLog},
		Swaps: []*parse.SwapTable{{Ref: parse.Ref{Path: "sos_commands/memory/swapon_--bytes_--show", Line: 1}, Format: "swapon-bytes",
			Devices: []parse.SwapDevice{{Ref: parse.Ref{Path: "sos_commands/memory/swapon_--bytes_--show", Line: 2}, Name: "/dev/nvme0n1p3", Type: "partition",
				Size: &parse.Size{KB: 4194300, Exact: true, Printed: "4294963200"}, Used: &parse.Size{KB: 0, Exact: true, Printed: "0"}, Priority: iptr(-2)}}}},
		Host:     parse.Host{Hostname: "node-a", CapturedAt: &cap, Location: time.UTC, TimeZone: "UTC"},
		CgroupV2: &v2,
		Kubelet:  &parse.KubeletConfig{Sources: []parse.Ref{{Path: "var/lib/kubelet/config.yaml", Line: 1}}, FailSwapOn: new(bool), FailSwapOnRef: &parse.Ref{Path: "var/lib/kubelet/config.yaml", Line: 12}},
		Facts: kube.Facts{
			Nodes: []*parse.Node{{Ref: parse.Ref{Path: nodePath, Line: 1}, Name: "node-a", KubeletVersion: "v1.30.2", MemCapacityKB: i64(8141072), MemAllocatableKB: i64(7936272),
				EventsNone: true}},
			Pods: []*parse.Pod{{Ref: parse.Ref{Path: "sos_commands/kubernetes/pods/kubectl_get_--all-namespaces_true_pods", Line: 14}, UID: podUID, Namespace: "shop",
				Name: "checkout-7d9f8b6c5-x2kq9", QoS: "Burstable",
				Containers: []parse.PodContainer{{Name: "checkout", ID: "containerd://" + ctrID, Restarts: iptr(4), LastReason: "OOMKilled", LastExitCode: iptr(137),
					LastFinished: "Tue, 14 May 2024 10:22:41 +0000", Ref: parse.Ref{Path: "sos_commands/kubernetes/pods/kubectl_get_--all-namespaces_true_pods", Line: 15}}}}},
		},
	}
}

func TestScenarioMemcgBurstableNoSwap(t *testing.T) {
	withPodParser(t)
	r := Build(memcgPodBundle(), Options{})
	if len(r.Kills) != 1 {
		t.Fatalf("kills: %d", len(r.Kills))
	}
	k := r.Kills[0]
	if k.Kind != "memcg" || k.Time.WallBasis != "printed" || k.Time.Confidence != "high" || *k.Time.Wall != "2024-05-14T10:22:41Z" {
		t.Errorf("kind %s time %+v", k.Kind, k.Time)
	}
	if k.Headline != "java (pid 48121) killed: pod shop/checkout-7d9f8b6c5-x2kq9 hit its memory limit (512 MiB)" {
		t.Errorf("headline %q", k.Headline)
	}
	if k.Pod == nil || deref(k.Pod.Container) != "checkout" || deref(k.Pod.QoS) != "burstable" {
		t.Fatalf("pod %+v", k.Pod)
	}
	if k.MemInfo == nil || k.MemInfo.Source != "memcg-stats" || *k.MemInfo.AnonKB != 518144 {
		t.Errorf("mem info %+v", k.MemInfo)
	}
	mustContain(t, "memcg-limit", mustFinding(t, k, "memcg-limit").Summary, "usage 512 MiB of a 512 MiB limit", "journalctl_--no-pager:5030,5056")
	mustContain(t, "memcg-swap-limit", mustFinding(t, k, "memcg-swap-limit").Summary, "swap: limit 0kB")
	mustContain(t, "kubelet-swap-policy", mustFinding(t, k, "kubelet-swap-policy").Summary, "kubelet v1.30.2 defaults to NoSwap")
	fs := mustFinding(t, k, "oom-with-free-swap")
	mustContain(t, "oom-with-free-swap", fs.Summary, "4 GiB of swap")
	mustContain(t, "oom-with-free-swap", fs.Detail, "Why swap could not help", "memory.swap.max=0")
	pa := mustFinding(t, k, "pod-attribution")
	mustContain(t, "pod", pa.Summary, "container checkout of pod shop/checkout-7d9f8b6c5-x2kq9, burstable QoS")
	mustContain(t, "pod", pa.Detail, "last state was OOMKilled, exit code 137, finished Tue, 14 May 2024 10:22:41 +0000, after 4 restarts")
	mustFinding(t, k, "container-limit-no-node-event")
	for _, no := range []string{"global-oom", "swap-exhausted", "no-swap-configured", "kubelet-replayed-events", "eviction-too-late"} {
		if f := finding(k, no); f != nil {
			t.Errorf("unexpected %s: %s", no, f.Summary)
		}
	}
	mustContain(t, "verdict", k.Verdict, "memory cgroup reached its limit", "LimitedSwap", "raise the container's memory limit")
	checkInvariants(t, r)
}

// globalSwapExhaustedBundle: kernel 6.1, journal only, four node workers and
// postgres fill RAM and the 2 GiB of swap.
func globalSwapExhaustedBundle() *parse.Bundle {
	j := newLog(journalPath, "journal-short-iso")
	j.boot(1, isoStamp("2024-02-01T06:00:00+0100"), "journal-marker", "")
	st := isoStamp("2024-02-03T14:05:09+0100")
	r := j.report(0)
	r.trigger(800, st, "node", "0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)", 0).
		cpu(801, 31502, "node", "6.1.0-18-amd64").
		meminfo(820, 1960000, 4100, 2000, 21000, 12400, 2031616, 2097148, 84).
		task(860, 1021, 70, 1103442, 41030, 520192, 12020, 0, "postgres").
		task(861, 31500, 1000, 2841002, 480112, 4612096, 98011, 0, "node").
		task(862, 31501, 1000, 2841002, 470002, 4612096, 97011, 0, "node").
		task(863, 31502, 1000, 2841002, 490312, 4612096, 99311, 0, "node").
		task(864, 31503, 1000, 2841002, 460112, 4612096, 95011, 0, "node").
		constraint(866, "CONSTRAINT_NONE", "", "/user.slice/user-1000.slice/session-3.scope", 31502, "node").
		kill(867, st, "Out of memory", 31502, "node", 11364008, 1961248)
	j.end(1000, isoStamp("2024-02-03T15:00:00+0100"))
	cap := time.Date(2024, 2, 3, 15, 0, 5, 0, time.FixedZone("CET", 3600))
	return &parse.Bundle{Name: "web-3", KernelLogs: []*parse.KernelLog{j.KernelLog},
		Swaps: []*parse.SwapTable{{Ref: parse.Ref{Path: "proc/swaps", Line: 1}, Format: "proc-swaps",
			Devices: []parse.SwapDevice{{Ref: parse.Ref{Path: "proc/swaps", Line: 2}, Name: "/swap.img", Type: "file", Size: &parse.Size{KB: 2097148, Exact: true, Printed: "2097148"}, Used: &parse.Size{KB: 301212, Exact: true, Printed: "301212"}}}}},
		Host: parse.Host{CapturedAt: &cap}}
}

func TestScenarioGlobalSwapExhausted(t *testing.T) {
	r := Build(globalSwapExhaustedBundle(), Options{})
	k := findKill(t, r, "k1")
	if k.Kind != "global" || k.Constraint == nil || *k.Constraint != "CONSTRAINT_NONE" {
		t.Errorf("kind %s", k.Kind)
	}
	if len(k.Top) < 2 || k.Top[0].Name != "node" || k.Top[0].Tasks != 4 || !k.Top[0].IsVictim || k.Top[0].RSSKB != (480112+470002+490312+460112)*4 {
		t.Errorf("top: %+v", k.Top)
	}
	mustContain(t, "global", mustFinding(t, k, "global-oom").Detail, "node 7.2 GiB in 4 tasks + 1.5 GiB swapped (victim)", "postgres")
	mustContain(t, "exhausted", mustFinding(t, k, "swap-exhausted").Summary, "84 kB free of 2 GiB")
	if finding(k, "global-oom") != nil && strings.Contains(finding(k, "global-oom").Detail, "watermark") {
		t.Errorf("no zone lines, yet a watermark statement")
	}
	// The zone comes from the printed offset: the host gave none.
	if *k.Time.Wall != "2024-02-03T14:05:09+01:00" {
		t.Errorf("wall %s", *k.Time.Wall)
	}
	for _, no := range []string{"oom-with-free-swap", "swap-changed-since-kill", "victim-not-invoker", "memcg-limit"} {
		if finding(k, no) != nil {
			t.Errorf("unexpected %s", no)
		}
	}
	checkInvariants(t, r)
}

// noioBundle: kernel 5.4, cgroup v1 memcg OOM of a backup job whose
// allocation was GFP_NOIO while 8 GiB of swap sat nearly empty.
func noioBundle() *parse.Bundle {
	d := newLog(dmesgPath, "dmesg-raw")
	d.boot(1, ksStamp(0), "banner", "5.4.0-150-generic")
	r := d.report(0)
	r.trigger(2200, ksStamp(86412.001), "dd", "0x100c00(GFP_NOIO|__GFP_HARDWALL)", 0).
		cpu(2201, 40211, "dd", "5.4.0-150-generic").
		memcgV1(2230, 1048576, 1048576, 1048576, 9007199254740988).
		task(2240, 40211, 0, 5220, 262000, 139264, 0, 0, "dd").
		constraint(2245, "CONSTRAINT_MEMCG", "/system.slice/backup.service", "/system.slice/backup.service", 40211, "dd").
		kill(2246, ksStamp(86412.019), "Memory cgroup out of memory", 40211, "dd", 20880, 1046120)
	d.end(2400, ksStamp(90000.5))
	cap := time.Date(2024, 6, 2, 1, 0, 0, 0, time.UTC)
	bt := cap.Add(-90010 * time.Second)
	return &parse.Bundle{Name: "db-1", KernelLogs: []*parse.KernelLog{d.KernelLog},
		Swaps: []*parse.SwapTable{{Ref: parse.Ref{Path: "proc/swaps", Line: 1}, Format: "proc-swaps",
			Devices: []parse.SwapDevice{{Ref: parse.Ref{Path: "proc/swaps", Line: 2}, Name: "/dev/sda2", Type: "partition", Size: &parse.Size{KB: 8388604, Exact: true}, Used: &parse.Size{KB: 122880, Exact: true}}}}},
		Host: parse.Host{CapturedAt: &cap, Location: time.UTC, Btime: &bt, BtimeRef: &parse.Ref{Path: "proc/stat", Line: 9}}}
}

func TestScenarioFreeSwapGFPNoIO(t *testing.T) {
	r := Build(noioBundle(), Options{})
	k := findKill(t, r, "k1")
	if k.Time.WallBasis != "btime" || *k.Time.Wall != "2024-06-02T00:00:02Z" {
		t.Errorf("time %+v %s", k.Time, *k.Time.Wall)
	}
	fs := mustFinding(t, k, "oom-with-free-swap")
	mustContain(t, "free swap", fs.Detail, "may not start I/O")
	mustContain(t, "gfp", mustFinding(t, k, "gfp-no-io").Summary, "gfp_mask=0x100c00(GFP_NOIO|__GFP_HARDWALL)", "dmesg:2200")
	if finding(k, "memcg-swap-limit") != nil {
		t.Errorf("memsw is unlimited: no memcg-swap-limit")
	}
	if k.Memcg == nil || *k.Memcg.MemswLimitKB != 9007199254740988 {
		t.Errorf("memcg %+v", k.Memcg)
	}
	checkInvariants(t, r)
}

// crashLoopBundle: java in app.service killed five times across New Year in
// an RFC 3164 /var/log/messages without a year.
func crashLoopBundle() *parse.Bundle {
	m := newLog(messagesPath, "syslog")
	m.boot(1, syslogStamp("Dec 30 09:00:00"), "first", "")
	times := []string{"Dec 31 23:58:10", "Dec 31 23:59:40", "Jan  1 00:01:12", "Jan  1 00:03:50", "Jan  1 00:06:30"}
	for i, ts := range times {
		st := syslogStamp(ts)
		r := m.report(0)
		base := 100 + i*50
		pid := 7001 + i*13
		r.trigger(base, st, "java", "0xcc0(GFP_KERNEL)", 0).
			memcgV2(base+10, 2097152, 2097152, 0, 0).
			constraint(base+20, "CONSTRAINT_MEMCG", "/system.slice/app.service", "/system.slice/app.service", pid, "java").
			kill(base+21, st, "Memory cgroup out of memory", pid, "java", 5123072, 2080000+int64(i))
	}
	m.end(500, syslogStamp("Jan  2 08:00:00"))
	cap := time.Date(2025, 1, 2, 8, 0, 30, 0, time.UTC)
	return &parse.Bundle{Name: "app-2", KernelLogs: []*parse.KernelLog{m.KernelLog}, Host: parse.Host{CapturedAt: &cap, Location: time.UTC}}
}

func TestScenarioCrashLoopAcrossNewYear(t *testing.T) {
	r := Build(crashLoopBundle(), Options{})
	if len(r.Kills) != 5 {
		t.Fatalf("kills %d", len(r.Kills))
	}
	if w := *r.Kills[0].Time.Wall; w != "2024-12-31T23:58:10Z" {
		t.Errorf("first kill %s: year not walked back", w)
	}
	if w := *r.Kills[4].Time.Wall; w != "2025-01-01T00:06:30Z" {
		t.Errorf("last kill %s", w)
	}
	if r.Kills[0].Time.Confidence != "medium" {
		t.Errorf("year-less time should be medium confidence: %+v", r.Kills[0].Time)
	}
	for _, k := range r.Kills {
		f := mustFinding(t, k, "repeated-kills")
		mustContain(t, "repeated", f.Summary, "java was killed 5 times over 8m20s")
		if len(f.Evidence) != 5 {
			t.Errorf("repeated-kills cites %d lines", len(f.Evidence))
		}
	}
	mustContain(t, "verdict", r.Kills[2].Verdict, "restarted or re-run", "killed 5 times", "MemoryMax=")
	checkInvariants(t, r)
}

// wrappedBundle: the kill is in the journal and in /var/log/messages, but
// the dmesg ring buffer of the same boot starts after it.
func wrappedBundle() *parse.Bundle {
	d := newLog(dmesgPath, "dmesg-raw")
	d.boot(1, ksStamp(5000.204411), "first", "")
	d.end(4000, ksStamp(90210.5))

	j := newLog(journalPath, "journal-short-iso")
	j.boot(1, isoStamp("2024-03-01T10:00:10+0000"), "journal-marker", "")
	jst := isoStamp("2024-03-01T10:20:00+0000")
	j.report(0).trigger(300, jst, "stress-ng", "0x100cca(GFP_HIGHUSER_MOVABLE)", 0).
		kill(340, jst, "Out of memory", 4711, "stress-ng", 3300100, 3100200)
	j.end(9000, isoStamp("2024-03-02T11:00:00+0000"))

	m := newLog(messagesPath, "syslog")
	m.boot(1, both(ksStamp(0), syslogStamp("Mar  1 10:00:10")), "banner", "5.15.0-91-generic")
	mst := both(ksStamp(1190.500121), syslogStamp("Mar  1 10:20:00"))
	m.clock(700, 0, mst)
	m.report(0).trigger(700, mst, "stress-ng", "0x100cca(GFP_HIGHUSER_MOVABLE)", 0).
		kill(740, mst, "Out of memory", 4711, "stress-ng", 3300100, 3100200)
	m.end(5000, syslogStamp("Mar  2 11:00:00"))
	cap := time.Date(2024, 3, 2, 11, 1, 0, 0, time.UTC)
	return &parse.Bundle{Name: "batch-9", KernelLogs: []*parse.KernelLog{d.KernelLog, j.KernelLog, m.KernelLog},
		Host: parse.Host{CapturedAt: &cap, Location: time.UTC, UptimeSec: f64(90290)}}
}

func TestScenarioJournalAndMessagesDmesgWrapped(t *testing.T) {
	r := Build(wrappedBundle(), Options{})
	if len(r.Kills) != 1 {
		t.Fatalf("want the kill once, got %d", len(r.Kills))
	}
	k := r.Kills[0]
	if strings.Join(k.Sources, ",") != journalPath+","+messagesPath {
		t.Errorf("sources %v", k.Sources)
	}
	if strings.Join(k.Missing, ",") != dmesgPath {
		t.Errorf("missing %v", k.Missing)
	}
	if k.Time.KernelSeconds == nil || *k.Time.KernelSeconds != 1190.500121 || k.Time.WallBasis != "printed" {
		t.Errorf("time %+v", k.Time)
	}
	if !hasRef(k.Evidence, journalPath, 340) || !hasRef(k.Evidence, messagesPath, 740) {
		t.Errorf("evidence lacks a source: %v", k.Evidence)
	}
	cg := mustFinding(t, k, "coverage-gap")
	mustContain(t, "coverage", cg.Detail, "dmesg starts at 5000.2 s after boot, after the kill at 1190.5 s", "wrapped")
	// One boot: the three logs are the same boot.
	if len(r.Host.BootTimes) != 1 {
		t.Errorf("boots %v", r.Host.BootTimes)
	}
	checkInvariants(t, r)
}

// suspendBundle: a laptop whose dmesg -T dates the kill hours early because
// it was suspended; the journal prints the real time.
func suspendBundle() *parse.Bundle {
	loc := time.FixedZone("CET", 3600)
	d := newLog("sos_commands/kernel/dmesg_-T", "dmesg-ctime")
	d.boot(1, ctimeStamp("Mon Mar  4 08:01:10 2024"), "banner", "6.5.0-21-generic")
	dst := ctimeStamp("Tue Mar  5 09:12:44 2024")
	d.report(0).trigger(1500, dst, "firefox", "0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)", 0).
		kill(1540, dst, "Out of memory", 9120, "Isolated Web Co", 3890012, 1620024)
	d.end(1800, ctimeStamp("Tue Mar  5 09:30:00 2024"))
	j := newLog(journalPath, "journal-short-iso")
	j.boot(1, isoStamp("2024-03-04T08:01:12+0100"), "journal-marker", "")
	jst := isoStamp("2024-03-05T11:40:02+0100")
	j.report(0).trigger(4100, jst, "firefox", "0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)", 0).
		kill(4140, jst, "Out of memory", 9120, "Isolated Web Co", 3890012, 1620024)
	j.end(5000, isoStamp("2024-03-05T12:00:00+0100"))
	cap := time.Date(2024, 3, 5, 12, 0, 40, 0, loc)
	return &parse.Bundle{Name: "laptop", KernelLogs: []*parse.KernelLog{d.KernelLog, j.KernelLog}, Host: parse.Host{CapturedAt: &cap, Location: loc}}
}

func TestScenarioSuspendDrift(t *testing.T) {
	r := Build(suspendBundle(), Options{})
	if len(r.Kills) != 1 {
		t.Fatalf("kills %d", len(r.Kills))
	}
	k := r.Kills[0]
	if *k.Time.Wall != "2024-03-05T11:40:02+01:00" || k.Time.WallBasis != "printed" {
		t.Errorf("time %+v %s", k.Time, *k.Time.Wall)
	}
	f := mustFinding(t, k, "dmesg-time-drift")
	mustContain(t, "drift", f.Summary, "2h27m early", "dmesg_-T:1540; journalctl_--no-pager:4140")
	checkInvariants(t, r)
}

func TestGlobalOOMWatermarks(t *testing.T) {
	b := globalSwapExhaustedBundle()
	mi := firstReport(b).MemInfo
	zr := parse.Ref{Path: journalPath, Line: 830}
	mi.Zones = []parse.ZoneLine{{Ref: zr, Node: 0, Zone: "Normal", Fields: []parse.KV{{Key: "free", Value: 44208, Ref: zr}, {Key: "min", Value: 45080, Ref: zr}, {Key: "low", Value: 56348, Ref: zr}}}}
	yes := true
	mi.AllUnreclaimNode = &yes
	mi.Nodes = []parse.NodeLine{{Ref: parse.Ref{Path: journalPath, Line: 829}, Node: 0}}
	r := Build(b, Options{})
	g := mustFinding(t, r.Kills[0], "global-oom")
	mustContain(t, "global-oom", g.Detail, "Node 0 Normal free 43 MiB below its min watermark 44 MiB (journalctl_--no-pager:830)", "all_unreclaimable? yes")
	if !hasRef(g.Evidence, journalPath, 830) || !hasRef(g.Evidence, journalPath, 829) {
		t.Errorf("evidence %v", g.Evidence)
	}
}
