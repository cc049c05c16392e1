package correlate

import (
	"strings"
	"testing"

	"github.com/oomlens/oomlens/parse"
)

// Verdicts that hold on real bundles (issue #19): each test builds the
// shape a real bundle showed and checks what the report says about it.

// manualBundle is the founding bundle with its first kill asked for through
// SysRq f: "sysrq: Manual OOM execution" and an order=-1 trigger. free
// sets the Mem-Info free count (pages of 533517).
func manualBundle(free int64) *parse.Bundle {
	b := foundingBundle()
	r := firstReport(b)
	r.Trigger.Order = iptr(-1)
	r.Trigger.Comm = "kworker/1:2"
	r.CPULine.Comm, r.CPULine.PID = "kworker/1:2", iptr(2987)
	r.Manual = &parse.Quote{Ref: parse.Ref{Path: dmesgPath, Line: 1759}, Text: "[1375956.700001] sysrq: Manual OOM execution"}
	for i := range r.MemInfo.Counters {
		if r.MemInfo.Counters[i].Key == "free" {
			r.MemInfo.Counters[i].Value = free
		}
	}
	return b
}

// TestManualKillVerdict: a SysRq f kill is explained by who asked, once,
// and Mem-Info says whether the node was short anyway.
func TestManualKillVerdict(t *testing.T) {
	for _, tc := range []struct {
		name  string
		free  int64
		short bool
	}{{"not short", 400000, false}, {"short anyway", 2000, true}} {
		t.Run(tc.name, func(t *testing.T) {
			r := Build(manualBundle(tc.free), Options{})
			k := r.Kills[0]
			if !k.Manual {
				t.Fatal("kill not marked manual")
			}
			if len(k.Findings) == 0 || k.Findings[0].Rule != "manual-oom" {
				t.Fatalf("first finding %v, want manual-oom", findingIDs(k.Findings))
			}
			n := 0
			for _, f := range k.Findings {
				if strings.Contains(strings.ToLower(f.Summary), "sysrq") {
					n++
				}
				switch f.Rule {
				case "global-oom", "victim-not-invoker", "oom-with-free-swap", "eviction-too-late":
					t.Errorf("manual kill has finding %s: %s", f.Rule, f.Summary)
				}
			}
			if n != 1 {
				t.Errorf("%d findings speak of SysRq, want 1: %v", n, findingIDs(k.Findings))
			}
			for _, s := range []string{k.Headline, k.Verdict, k.Findings[0].Summary} {
				if strings.Contains(s, "ran out of memory") || strings.Contains(s, "add RAM") || strings.Contains(s, "cap the largest consumer") {
					t.Errorf("manual kill explained as a shortage: %q", s)
				}
			}
			mustContain(t, "verdict", k.Verdict, "asked it to", "sysrq-trigger", "watchdog", "Mem-Info shows")
			if got := strings.Contains(k.Verdict, "short of memory anyway"); got != tc.short {
				t.Errorf("verdict says short=%v, want %v: %s", got, tc.short, k.Verdict)
			}
			if !tc.short {
				mustContain(t, "verdict", k.Verdict, "not short of memory")
			}
		})
	}
}

// TestGlobalKillKeepsCgroup: a global kill whose oom-kill: line prints
// task_memcg= inside kubepods keeps the cgroup and is attributed to its pod.
func TestGlobalKillKeepsCgroup(t *testing.T) {
	withPodParser(t)
	b := globalSwapExhaustedBundle()
	cg := "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + strings.ReplaceAll(podUID, "-", "_") + ".slice/cri-containerd-" + ctrID + ".scope"
	firstReport(b).Constraint.TaskMemcg = &cg
	r := Build(b, Options{})
	k := r.Kills[0]
	if k.Kind != "global" {
		t.Fatalf("kind %s", k.Kind)
	}
	if k.Memcg == nil || deref(k.Memcg.TaskMemcg) != cg || k.Memcg.OOMMemcg != nil {
		t.Fatalf("memcg %+v", k.Memcg)
	}
	if deref(k.Victim.Cgroup) != cg {
		t.Errorf("victim cgroup %v", k.Victim.Cgroup)
	}
	if k.Pod == nil || deref(k.Pod.UID) != podUID || deref(k.Pod.QoS) != "besteffort" {
		t.Fatalf("pod %+v", k.Pod)
	}
	mustFinding(t, k, "global-oom")
	mustContain(t, "pod-attribution", mustFinding(t, k, "pod-attribution").Summary, "besteffort QoS")
}

// reaperOnly drops the founding bundle's first kill line: its report keeps
// the task table and the oom_reaper line.
func reaperOnly(b *parse.Bundle) {
	r := firstReport(b)
	r.Kills = nil
	r.Cut, r.CutWhy = true, "no kill line (the oom_reaper line names the victim)"
}

// TestKillFromReaper: a report whose kill line is lost but whose reaper
// line remains is a kill, marked as inferred; the same kill with its kill
// line in another log is one kill, not inferred.
func TestKillFromReaper(t *testing.T) {
	b := foundingBundle()
	reaperOnly(b)
	r := Build(b, Options{})
	if len(r.Kills) != 3 || len(r.Reports) != 0 {
		t.Fatalf("%d kills, %d reports without kill", len(r.Kills), len(r.Reports))
	}
	k := r.Kills[0]
	if deref(k.InferredFrom) != "oom_reaper" || deref(k.Time.Raw) != "[1375957.190126]" || *k.Victim.Pid != 23143 || !k.Reaped {
		t.Fatalf("inferred kill: from %v time %v victim %v", k.InferredFrom, k.Time.Raw, k.Victim.Pid)
	}
	if k.Victim.UID == nil || *k.Victim.UID != 0 {
		t.Errorf("victim uid not taken from the task row")
	}
	mustContain(t, "headline", k.Headline, "inferred from the oom_reaper line")
	mustContain(t, "kill-from-reaper", mustFinding(t, k, "kill-from-reaper").Summary, "No \"Killed process\" line", "dmesg:1842")
	mustContain(t, "verdict", k.Verdict, "How sure: medium", "has no kill line")

	// The journal printed the kill line the dmesg copy lost.
	b = foundingBundle()
	reaperOnly(b)
	j := newLog(journalPath, "journal-short-monotonic")
	j.boot(1, ksStamp(1370012.513210), "first", "")
	j.report(0).kill(40, ksStamp(1375956.719841), "", 23143, "pip3", 2112380, 1743412)
	j.end(60, ksStamp(1376890.031542))
	b.KernelLogs = append(b.KernelLogs, j.KernelLog)
	r = Build(b, Options{})
	if len(r.Kills) != 3 {
		t.Fatalf("%d kills", len(r.Kills))
	}
	k = r.Kills[0]
	if k.InferredFrom != nil || !hasRef(k.Evidence, journalPath, 40) || !hasRef(k.Evidence, dmesgPath, 1842) {
		t.Errorf("merged kill: inferred %v evidence %v", k.InferredFrom, k.Evidence)
	}
}

// TestNUMAKillAdvice: cpuset and mempolicy kills are explained and advised
// as NUMA binding problems, not as the node running out of RAM.
func TestNUMAKillAdvice(t *testing.T) {
	for _, cons := range []string{"CONSTRAINT_CPUSET", "CONSTRAINT_MEMORY_POLICY"} {
		b := globalSwapExhaustedBundle()
		c := firstReport(b).Constraint
		c.Constraint, c.GlobalOOM = cons, false
		mems := "1"
		c.MemsAllowed = &mems
		r := Build(b, Options{})
		k := r.Kills[0]
		if k.Findings[0].Rule != "cpuset-or-mempolicy" {
			t.Errorf("%s: first finding %v", cons, findingIDs(k.Findings))
		}
		if finding(k, "global-oom") != nil {
			t.Errorf("%s: global-oom finding", cons)
		}
		mustContain(t, cons, k.Verdict, "numa", "RAM on other nodes does not help")
		if strings.Contains(k.Verdict, "add RAM") || strings.Contains(k.Verdict, "whole node ran out") {
			t.Errorf("%s: capacity advice: %s", cons, k.Verdict)
		}
		mustContain(t, cons, mustFinding(t, k, "cpuset-or-mempolicy").Detail, "NUMA binding problem, not a RAM one")
	}
}

// TestBurstOfKills: two kills within seconds (two reports) are one burst:
// repeated-kills says so, on both.
func TestBurstOfKills(t *testing.T) {
	b := foundingBundle()
	d := b.KernelLogs[0]
	r2 := d.Reports[1]
	st := ksStamp(1375959.100210)
	r2.Trigger.Stamp = st
	r2.Select.Stamp = st
	r2.Kills[0].Stamp = st
	r := Build(b, Options{})
	for _, id := range []string{"k1", "k2"} {
		k := findKill(t, r, id)
		f := mustFinding(t, k, "repeated-kills")
		mustContain(t, id, f.Summary, "within 2.4 s: pip3 (pid 23143), pip3 (pid 24161)")
		mustContain(t, id, k.Verdict, "kept allocating")
	}
	if f := finding(findKill(t, r, "k3"), "repeated-kills"); f != nil && strings.Contains(f.Summary, "within") {
		t.Errorf("k3 (hours later) in the burst: %s", f.Summary)
	}
}
