package correlate

import (
	"strings"
	"testing"
	"time"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kernel"
)

// Each rule of the finding table, with a bundle where the evidence supports
// it and one where it does not.

func firstReport(b *parse.Bundle) *parse.OOMReport { return b.KernelLogs[0].Reports[0] }

func TestRules(t *testing.T) {
	withPodParser(t)
	type tc struct {
		rule  string
		base  func() *parse.Bundle
		tweak func(b *parse.Bundle)
		want  bool
	}
	none := func(*parse.Bundle) {}
	cases := []tc{
		{"userspace-kill", foundingBundle, func(b *parse.Bundle) {
			lg := b.KernelLogs[0]
			lg.Events = append(lg.Events, parse.Event{Ref: parse.Ref{Path: lg.Path, Line: 1500}, Stamp: ksStamp(1375000), Kind: "earlyoom-kill", Pid: iptr(2210), Name: "chrome", Text: `sending SIGKILL to process 2210 uid 1000 "chrome": oom_score 801, oom_score_adj 300, VmRSS 1203 MiB`})
		}, true},
		{"userspace-kill", foundingBundle, none, false},
		{"event-only-kill", foundingBundle, func(b *parse.Bundle) {
			ref := parse.Ref{Path: "describe-node", Line: 47}
			b.KernelLogs = append(b.KernelLogs, &parse.KernelLog{Path: ref.Path, Format: parse.FormatKubeEvent, Excerpt: true,
				Reports: []*parse.OOMReport{{Path: ref.Path, Start: ref, End: ref, Kills: []parse.KillLine{{Ref: ref, Pid: 99999, Comm: "pip3", Form: kernel.FormSystemOOM}}}}})
		}, true},
		{"event-only-kill", foundingBundle, none, false},
		{"not-from-this-boot", foundingBundle, func(b *parse.Bundle) { b.Host.UptimeSec = f64(5000) }, true},
		{"not-from-this-boot", foundingBundle, func(b *parse.Bundle) { b.Host.Kernel = "5.4.0-120-generic" }, true},
		{"not-from-this-boot", foundingBundle, func(b *parse.Bundle) { // no uptime: date − btime tells it
			bt := b.Host.CapturedAt.Add(-5000 * time.Second)
			b.Host.UptimeSec, b.Host.UptimeRef, b.Host.Btime, b.Host.BtimeRef = nil, nil, &bt, &parse.Ref{Path: "proc/stat", Line: 7}
		}, true},
		{"not-from-this-boot", foundingBundle, none, false},
		{"not-from-this-host", foundingBundle, func(b *parse.Bundle) {
			b.Host.HostnameRef = &parse.Ref{Path: "sos_commands/host/hostname", Line: 1}
			r := firstReport(b)
			r.Lines = append([]parse.Quote{{Ref: r.Kills[0].Ref, Text: "Oct 20 10:20:11 worker-7 kernel: [1375956.719841] Killed process 23143 (pip3) total-vm:2112380kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB"}}, r.Lines...)
		}, true},
		{"not-from-this-host", foundingBundle, func(b *parse.Bundle) {
			b.Host.HostnameRef = &parse.Ref{Path: "sos_commands/host/hostname", Line: 1}
			r := firstReport(b)
			r.Lines = append([]parse.Quote{{Ref: r.Kills[0].Ref, Text: "Oct 20 10:20:11 izwz9h8m2chowowqckbcy0z kernel: [1375956.719841] Killed process 23143 (pip3) total-vm:2112380kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB"}}, r.Lines...)
		}, false},
		{"global-oom", foundingBundle, none, true},
		{"global-oom", memcgPodBundle, none, false},
		{"memcg-limit", memcgPodBundle, none, true},
		{"memcg-limit", foundingBundle, none, false},
		{"cpuset-or-mempolicy", globalSwapExhaustedBundle, func(b *parse.Bundle) { firstReport(b).Constraint.Constraint = "CONSTRAINT_CPUSET" }, true},
		{"cpuset-or-mempolicy", globalSwapExhaustedBundle, none, false},
		{"manual-oom", foundingBundle, func(b *parse.Bundle) { firstReport(b).Trigger.Order = iptr(-1) }, true},
		{"manual-oom", foundingBundle, none, false},
		{"kill-from-reaper", foundingBundle, reaperOnly, true},
		{"kill-from-reaper", foundingBundle, none, false},
		{"page-tables-large", foundingBundle, func(b *parse.Bundle) { firstReport(b).Kills[0].PgtablesKB = i64(24 << 20) }, true},
		{"page-tables-large", foundingBundle, none, false},
		{"panic-on-oom", foundingBundle, func(b *parse.Bundle) {
			b.Sysctls = append(b.Sysctls, parse.Sysctl{Ref: parse.Ref{Path: "sos_commands/kernel/sysctl_-a", Line: 900}, Key: "vm.panic_on_oom", Value: "1"})
		}, true},
		{"panic-on-oom", foundingBundle, none, false},
		{"no-killable-process", foundingBundle, func(b *parse.Bundle) {
			firstReport(b).NoKillable = &parse.Quote{Ref: parse.Ref{Path: dmesgPath, Line: 1839}, Text: "Out of memory and no killable processes..."}
		}, true},
		{"no-killable-process", foundingBundle, none, false},
		{"badness-implies-total", foundingBundle, none, true},
		{"badness-implies-total", foundingBundle, func(b *parse.Bundle) { firstReport(b).Select.Score = nil }, false},
		{"no-swap-configured", globalSwapExhaustedBundle, func(b *parse.Bundle) {
			mi := firstReport(b).MemInfo
			mi.TotalSwapKB, mi.FreeSwapKB = i64(0), i64(0)
		}, true},
		{"no-swap-configured", globalSwapExhaustedBundle, none, false},
		{"swap-exhausted", globalSwapExhaustedBundle, none, true},
		{"swap-exhausted", globalSwapExhaustedBundle, func(b *parse.Bundle) { firstReport(b).MemInfo.FreeSwapKB = i64(1800000) }, false},
		{"oom-with-free-swap", noioBundle, none, true},
		{"oom-with-free-swap", foundingBundle, none, false},
		{"memcg-swap-limit", memcgPodBundle, none, true},
		{"memcg-swap-limit", noioBundle, none, false},
		{"kubelet-swap-policy", memcgPodBundle, none, true},
		{"kubelet-swap-policy", memcgPodBundle, func(b *parse.Bundle) { b.Nodes[0].KubeletVersion = "v1.20.4" }, false},
		{"swappiness-zero", noioBundle, func(b *parse.Bundle) {
			b.Sysctls = append(b.Sysctls, parse.Sysctl{Ref: parse.Ref{Path: "sos_commands/kernel/sysctl_-a", Line: 1012}, Key: "vm.swappiness", Value: "0"})
		}, true},
		{"swappiness-zero", noioBundle, func(b *parse.Bundle) {
			b.Sysctls = append(b.Sysctls, parse.Sysctl{Ref: parse.Ref{Path: "sos_commands/kernel/sysctl_-a", Line: 1012}, Key: "vm.swappiness", Value: "60"})
		}, false},
		{"gfp-no-io", noioBundle, none, true},
		{"gfp-no-io", memcgPodBundle, none, false},
		{"high-order-alloc", foundingBundle, func(b *parse.Bundle) { firstReport(b).Trigger.Order = iptr(2) }, true},
		{"high-order-alloc", foundingBundle, none, false},
		{"unevictable-memory", globalSwapExhaustedBundle, func(b *parse.Bundle) { setCounter(firstReport(b).MemInfo, "unevictable", 400000) }, true},
		{"unevictable-memory", globalSwapExhaustedBundle, none, false},
		{"shmem-pinned", globalSwapExhaustedBundle, func(b *parse.Bundle) { setCounter(firstReport(b).MemInfo, "shmem", 600000) }, true},
		{"shmem-pinned", globalSwapExhaustedBundle, none, false},
		{"hugepages-reserved", globalSwapExhaustedBundle, func(b *parse.Bundle) {
			mi := firstReport(b).MemInfo
			mi.HugepagesTotal, mi.HugepagesFree, mi.HugepageSizeKB = i64(1024), i64(1000), i64(2048)
			mi.HugepagesRef = &parse.Ref{Path: journalPath, Line: 838}
		}, true},
		{"hugepages-reserved", globalSwapExhaustedBundle, none, false},
		{"min-free-kbytes-high", globalSwapExhaustedBundle, func(b *parse.Bundle) {
			b.Sysctls = append(b.Sysctls, parse.Sysctl{Ref: parse.Ref{Path: "sos_commands/kernel/sysctl_-a", Line: 1001}, Key: "vm.min_free_kbytes", Value: "1048576"})
		}, true},
		{"min-free-kbytes-high", globalSwapExhaustedBundle, func(b *parse.Bundle) {
			b.Sysctls = append(b.Sysctls, parse.Sysctl{Ref: parse.Ref{Path: "sos_commands/kernel/sysctl_-a", Line: 1001}, Key: "vm.min_free_kbytes", Value: "67584"})
		}, false},
		{"zram-swap", globalSwapExhaustedBundle, func(b *parse.Bundle) {
			b.Swaps = []*parse.SwapTable{{Ref: parse.Ref{Path: "proc/swaps", Line: 1}, Format: "proc-swaps",
				Devices: []parse.SwapDevice{{Ref: parse.Ref{Path: "proc/swaps", Line: 2}, Name: "/dev/zram0", Type: "partition", Size: &parse.Size{KB: 3984380, Exact: true}, Zram: true}}}}
		}, true},
		{"zram-swap", globalSwapExhaustedBundle, none, false},
		{"zram-swap", noioBundle, func(b *parse.Bundle) { // a memcg kill: zram is not the reason
			b.Swaps[0].Devices[0].Zram = true
		}, false},
		{"allocating-task-killed", globalSwapExhaustedBundle, func(b *parse.Bundle) {
			firstReport(b).Kills[0].Message = "Out of memory (oom_kill_allocating_task)"
		}, true},
		{"allocating-task-killed", globalSwapExhaustedBundle, none, false},
		{"swap-changed-since-kill", foundingBundle, none, true},
		{"swap-changed-since-kill", globalSwapExhaustedBundle, none, false},
		{"victim-had-swap", foundingBundle, none, true},
		{"victim-had-swap", memcgPodBundle, none, false},
		{"victim-not-invoker", suspendBundle, none, true},
		{"victim-not-invoker", foundingBundle, none, false},
		{"oom-group-kill", memcgPodBundle, func(b *parse.Bundle) {
			r := firstReport(b)
			r.OOMGroup = &parse.Quote{Ref: parse.Ref{Path: journalPath, Line: 5057}, Text: "Tasks in /kubepods.slice/… are going to be killed due to memory.oom.group set"}
			k := r.Kills[0]
			k.Ref.Line, k.Pid, k.Comm = 5058, 48190, "jcmd"
			r.Kills = append(r.Kills, k)
		}, true},
		{"oom-group-kill", memcgPodBundle, none, false},
		{"repeated-kills", crashLoopBundle, none, true},
		{"repeated-kills", memcgPodBundle, none, false},
		{"pod-attribution", memcgPodBundle, none, true},
		{"pod-attribution", foundingBundle, none, false},
		{"container-limit-no-node-event", memcgPodBundle, none, true},
		{"container-limit-no-node-event", noioBundle, none, false},
		{"kubelet-replayed-events", foundingBundle, none, true},
		{"kubelet-replayed-events", foundingBundle, func(b *parse.Bundle) {
			for i := range b.Nodes[0].Events {
				if b.Nodes[0].Events[i].Reason == "SystemOOM" {
					b.Nodes[0].Events[i].AgeSec, b.Nodes[0].Events[i].Age = f64(950), "15m50s"
				}
			}
		}, false},
		{"kubelet-replayed-events", foundingBundle, func(b *parse.Bundle) {
			// The kubelet started 15m43s before capture, as k1 happened: k1's event is live,
			// and k2, k3 came later with events of their own age (not shown).
			for i := range b.Nodes[0].Events {
				e := &b.Nodes[0].Events[i]
				if e.Reason == "Starting" || e.VictimPid != nil && *e.VictimPid == 23143 {
					e.AgeSec, e.Age = f64(943), "15m43s"
				} else if e.Reason == "SystemOOM" {
					e.AgeSec, e.Age = f64(700), "11m40s"
				}
			}
		}, false},
		{"node-overcommitted", memcgPodBundle, func(b *parse.Bundle) {
			b.Nodes[0].Pods = []parse.NodePod{
				{Ref: parse.Ref{Path: nodePath, Line: 80}, Namespace: "shop", Name: "checkout-7d9f8b6c5-x2kq9", MemoryLimit: "6Gi (79%)", MemLimitKB: i64(6291456), MemRequestKB: i64(1048576)},
				{Ref: parse.Ref{Path: nodePath, Line: 81}, Namespace: "shop", Name: "cart-5f6d7c8b9-abcde", MemoryLimit: "4Gi (52%)", MemLimitKB: i64(4194304), MemRequestKB: i64(1048576)},
			}
		}, true},
		{"node-overcommitted", memcgPodBundle, none, false},
		{"eviction-before-oom", foundingBundle, func(b *parse.Bundle) {
			b.Nodes[0].Events = append(b.Nodes[0].Events, parse.NodeEvent{Ref: parse.Ref{Path: nodePath, Line: 47}, Type: "Warning", Reason: "EvictionThresholdMet",
				Age: "17m43s", AgeSec: f64(1063), Count: 1, From: "kubelet", Message: "Attempting to reclaim memory"})
		}, true},
		{"eviction-before-oom", foundingBundle, none, false},
		{"eviction-too-late", globalSwapExhaustedBundle, func(b *parse.Bundle) {
			b.Kubelet = &parse.KubeletConfig{Sources: []parse.Ref{{Path: "var/lib/kubelet/config.yaml", Line: 1}},
				EvictionHard: []parse.KVString{{Key: "memory.available", Value: "100Mi", Ref: parse.Ref{Path: "var/lib/kubelet/config.yaml", Line: 21}}}}
		}, true},
		{"eviction-too-late", globalSwapExhaustedBundle, none, false},
		{"dmesg-time-drift", suspendBundle, none, true},
		{"dmesg-time-drift", wrappedBundle, none, false},
		{"coverage-gap", wrappedBundle, none, true},
		{"coverage-gap", foundingBundle, none, false},
	}
	covered := map[string][2]bool{}
	for _, c := range cases {
		b := c.base()
		c.tweak(b)
		r := Build(b, Options{})
		got := false
		for _, k := range r.Kills {
			if f := finding(k, c.rule); f != nil {
				got = true
				if len(f.Evidence) == 0 || f.Summary == "" {
					t.Errorf("%s: finding without evidence or summary: %+v", c.rule, f)
				}
			}
		}
		if got != c.want {
			t.Errorf("%s: fired=%v, want %v", c.rule, got, c.want)
		}
		cv := covered[c.rule]
		if c.want {
			cv[0] = true
		} else {
			cv[1] = true
		}
		covered[c.rule] = cv
	}
	for _, r := range rules {
		if cv := covered[r.id]; !cv[0] || !cv[1] {
			t.Errorf("rule %s lacks a positive or a negative case", r.id)
		}
	}
}

func setCounter(mi *parse.MemInfo, key string, v int64) {
	for i := range mi.Counters {
		if mi.Counters[i].Key == key {
			mi.Counters[i].Value = v
			return
		}
	}
	mi.Counters = append(mi.Counters, parse.KV{Key: key, Value: v, Ref: mi.Counters[0].Ref})
}

// A kill told apart as not from this boot is not dated by this boot's
// clock, and says so with low confidence.
func TestForeignKillNotDatedByThisBoot(t *testing.T) {
	b := foundingBundle()
	bt := b.Host.CapturedAt.Add(-5000 * time.Second)
	b.Host.UptimeSec, b.Host.UptimeRef, b.Host.Btime, b.Host.BtimeRef = nil, nil, &bt, &parse.Ref{Path: "proc/stat", Line: 7}
	r := Build(b, Options{})
	for _, k := range r.Kills {
		if k.Time.Wall != nil && *k.Time.Wall > *r.Host.CapturedAt {
			t.Errorf("%s dated %s, after the capture %s", k.ID, *k.Time.Wall, *r.Host.CapturedAt)
		}
		if finding(k, "not-from-this-boot") == nil {
			t.Errorf("%s: no not-from-this-boot finding", k.ID)
		}
		if !strings.Contains(k.Verdict, "How sure: low") {
			t.Errorf("%s verdict not low: %s", k.ID, k.Verdict)
		}
	}
}

// This node's SystemOOM event is not matched to a kill from another
// host's log, even with the same pid.
func TestForeignHostKillGetsNoNodeEvent(t *testing.T) {
	matched := 0
	for _, n := range Build(foundingBundle(), Options{}).Nodes {
		for _, e := range n.Events {
			if e.KillID != nil {
				matched++
			}
		}
	}
	if matched == 0 {
		t.Fatal("the founding bundle matches no node event: the test shows nothing")
	}
	b := foundingBundle()
	b.Host.HostnameRef = &parse.Ref{Path: "sos_commands/host/hostname", Line: 1}
	r0 := firstReport(b)
	r0.Lines = append([]parse.Quote{{Ref: r0.Kills[0].Ref, Text: "Oct 20 10:20:11 worker-7 kernel: [1375956.719841] Killed process 23143 (pip3) total-vm:2112380kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB"}}, r0.Lines...)
	r := Build(b, Options{})
	var foreign string
	for _, k := range r.Kills {
		if finding(k, "not-from-this-host") != nil {
			foreign = k.ID
		}
	}
	if foreign == "" {
		t.Fatal("no kill told apart as not from this host")
	}
	for _, n := range r.Nodes {
		for _, e := range n.Events {
			if e.KillID != nil && *e.KillID == foreign {
				t.Errorf("event %q matched to %s, a kill of another host", e.Message, foreign)
			}
		}
	}
}
