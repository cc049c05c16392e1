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
