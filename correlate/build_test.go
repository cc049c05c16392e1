package correlate

import (
	"testing"
	"time"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kube"
)

// Partial and odd inputs must never panic and still give a valid report.
func TestBuildPartialInputs(t *testing.T) {
	cases := map[string]*parse.Bundle{
		"empty":       {},
		"nil entries": {KernelLogs: []*parse.KernelLog{nil}, Swaps: []*parse.SwapTable{nil}, Free: []*parse.Free{nil}, Facts: kube.Facts{Nodes: []*parse.Node{nil}, Pods: []*parse.Pod{nil}, Containers: []*parse.Container{nil}}},
		"log without boots or stamps": {KernelLogs: []*parse.KernelLog{{Path: "dmesg", Format: "none", Lines: 3,
			Reports: []*parse.OOMReport{nil, {Path: "dmesg", Kills: []parse.KillLine{{Ref: parse.Ref{Path: "dmesg", Line: 2}, Pid: 1, Comm: "x"}}}}}}},
		"report with empty parts": {KernelLogs: []*parse.KernelLog{{Path: "dmesg", Format: "dmesg-raw", Lines: 9,
			Reports: []*parse.OOMReport{{Path: "dmesg", Boot: 3, Trigger: &parse.Trigger{GFPMask: "garbage"}, MemInfo: &parse.MemInfo{}, Tasks: &parse.TaskTable{}, Memcg: &parse.MemcgBlock{},
				Select: &parse.SelectLine{Pid: 5, Score: i64(0)}, Kills: []parse.KillLine{{Ref: parse.Ref{Path: "dmesg", Line: 9}, Pid: 5, Comm: "y"}}}}}}},
		"events only": {KernelLogs: []*parse.KernelLog{{Path: "journal", Format: "journal-short-iso", Events: []parse.Event{
			{Ref: parse.Ref{Path: "journal", Line: 4}, Kind: "oomd-kill", Boot: 7}, {Ref: parse.Ref{Path: "journal", Line: 5}, Kind: "swap-on"}}}}},
		"node without capture date": {Facts: kube.Facts{Nodes: []*parse.Node{{Name: "n", Events: []parse.NodeEvent{{Reason: "SystemOOM", VictimPid: iptr(9), AgeSec: f64(10)}},
			Conditions: []parse.NodeCondition{{Type: "MemoryPressure", LastTransition: "not a date"}}}}}},
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			r := Build(b, Options{})
			if r.SchemaVersion != 1 {
				t.Fatalf("schema %d", r.SchemaVersion)
			}
			checkInvariants(t, r)
		})
	}
	if r := Build(nil, Options{}); r == nil || r.Kills == nil {
		t.Fatalf("nil bundle")
	}
}

func TestTimelineKindsAndDedup(t *testing.T) {
	j := newLog(journalPath, "journal-short-iso")
	j.boot(1, isoStamp("2024-04-01T08:00:00+0000"), "journal-marker", "")
	j.event(20, 0, isoStamp("2024-04-01T08:00:30+0000"), "kubelet-start", "Started kubelet: The Kubernetes Node Agent.")
	j.event(30, 0, isoStamp("2024-04-01T09:10:00+0000"), "alloc-failure", "kworker/u8:1: page allocation failure: order:3, mode:0x40cc0(GFP_KERNEL|__GFP_COMP)")
	j.event(40, 0, isoStamp("2024-04-01T10:00:00+0000"), "swap-on", "Activated swap /swapfile.")
	j.end(90, isoStamp("2024-04-01T11:00:00+0000"))
	m := newLog(messagesPath, "syslog")
	m.boot(1, syslogStamp("Apr  1 08:00:00"), "first", "")
	m.event(12, 0, syslogStamp("Apr  1 09:10:00"), "alloc-failure", "kworker/u8:1: page allocation failure: order:3, mode:0x40cc0(GFP_KERNEL|__GFP_COMP)")
	oomd := m.event(15, 0, syslogStamp("Apr  1 09:30:00"), "oomd-kill", "Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 86.80% > 50.00% for > 20s with reclaim activity")
	oomd.Cgroup = "/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox.scope"
	oomd.Pressure = "86.80% > 50.00% for > 20s"
	m.Unknown = append(m.Unknown, parse.Quote{Ref: parse.Ref{Path: messagesPath, Line: 16}, Text: "Apr  1 09:30:01 host kernel: lowmemorykiller: Killing 'app' (4242), adj 900,"})
	m.end(30, syslogStamp("Apr  1 10:59:00"))
	capt := time.Date(2024, 4, 1, 11, 0, 0, 0, time.UTC)
	node := &parse.Node{Ref: parse.Ref{Path: nodePath, Line: 1}, Name: "n1",
		Conditions: []parse.NodeCondition{{Ref: parse.Ref{Path: nodePath, Line: 20}, Type: "MemoryPressure", Status: "False", LastTransition: "Mon, 01 Apr 2024 10:30:00 +0000", Reason: "KubeletHasSufficientMemory"}},
		Events:     []parse.NodeEvent{{Ref: parse.Ref{Path: nodePath, Line: 60}, Type: "Normal", Reason: "NodeHasSufficientMemory", Age: "20m", AgeSec: f64(1200), Count: 1, From: "kubelet", Message: "Node n1 status is now: NodeHasSufficientMemory"}}}
	r := Build(&parse.Bundle{KernelLogs: []*parse.KernelLog{j.KernelLog, m.KernelLog}, Facts: kube.Facts{Nodes: []*parse.Node{node}}, Host: parse.Host{CapturedAt: &capt, Location: time.UTC}}, Options{})

	var kinds []string
	allocs := 0
	for _, row := range r.Timeline {
		kinds = append(kinds, row.Kind)
		if row.Kind == "alloc-failure" {
			allocs++
		}
	}
	if allocs != 1 {
		t.Errorf("the same allocation failure in two logs should appear once, got %d", allocs)
	}
	want := []string{"boot", "kubelet-start", "alloc-failure", "userspace-kill", "swap-change", "memory-pressure", "memory-pressure"}
	got := kinds
	if len(got) != len(want) {
		t.Fatalf("timeline kinds %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("timeline kinds %v, want %v", got, want)
		}
	}
	if len(r.Kills) != 1 || r.Kills[0].Killer != "systemd-oomd" || deref(r.Kills[0].Victim.Cgroup) != oomd.Cgroup {
		t.Fatalf("oomd kill: %+v", r.Kills)
	}
	k := r.Kills[0]
	mustFinding(t, k, "userspace-kill")
	if len(k.Missing) != 1 || k.Missing[0] != journalPath {
		t.Errorf("the journal covers the oomd kill's time: missing %v", k.Missing)
	}
	if len(r.Unexplained) != 1 || r.Unexplained[0].Line != 16 {
		t.Errorf("unexplained %+v", r.Unexplained)
	}
	checkInvariants(t, r)
}
