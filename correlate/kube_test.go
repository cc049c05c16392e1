package correlate

import (
	"testing"
	"time"

	"github.com/oomlens/oomlens/parse"
)

func TestKubeletEffectiveSwap(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		version   string
		fail      *bool
		gate      *bool
		behavior  string
		cgroupV2  *bool
		effective string
	}{
		{"v1.16.2", &no, nil, "", nil, "unrestricted"},
		{"v1.16.2", &yes, nil, "", nil, "kubelet-refuses-swap"},
		{"v1.25.4", &no, nil, "", &yes, "unrestricted"},
		{"v1.25.4", &no, &yes, "", &no, "LimitedSwap"},
		{"v1.25.4", &no, &yes, "UnlimitedSwap", &yes, "UnlimitedSwap"},
		{"v1.28.3", &no, &yes, "", &yes, "UnlimitedSwap"},
		{"v1.28.3", &no, &yes, "LimitedSwap", &no, "NoSwap"},
		{"v1.28.3", &no, nil, "", &yes, "unknown"},
		{"v1.30.2", &no, nil, "", &yes, "NoSwap"},
		{"v1.31.0", &no, nil, "LimitedSwap", &yes, "LimitedSwap"},
		{"v1.31.0", &no, nil, "LimitedSwap", &no, "NoSwap"},
		{"v1.31.0", &no, &no, "LimitedSwap", &yes, "NoSwap"},
		{"v1.34.1", &no, nil, "NoSwap", &yes, "NoSwap"},
		{"", &no, nil, "", nil, "unknown"},
	}
	for _, c := range cases {
		b := &parse.Bundle{CgroupV2: c.cgroupV2, Kubelet: &parse.KubeletConfig{FailSwapOn: c.fail, NodeSwapGate: c.gate, SwapBehavior: c.behavior, Version: c.version}}
		bd := &builder{b: b}
		if got := bd.kubeletSwap(); got.effective != c.effective {
			t.Errorf("%s fail=%v gate=%v %q v2=%v: %s (%s), want %s", c.version, deref2(c.fail), deref2(c.gate), c.behavior, deref2(c.cgroupV2), got.effective, got.why, c.effective)
		}
	}
}

func deref2(b *bool) string {
	if b == nil {
		return "unset"
	}
	if *b {
		return "true"
	}
	return "false"
}

func TestK8sEventsMatchKillsByPid(t *testing.T) {
	b := foundingBundle()
	at := time.Date(2019, 10, 20, 15, 7, 17, 0, cst)
	b.K8sEvents = []parse.K8sEvent{
		{Ref: parse.Ref{Path: "sos_commands/kubernetes/cluster-info/kubectl_get_--all-namespaces_true_events", Line: 3}, Type: "Warning", Reason: "SystemOOM",
			Object: "node/izwz9h8m2chowowqckbcy0z", Message: "System OOM encountered, victim process: pip3, pid: 24161", Time: &at, VictimName: "pip3", VictimPid: iptr(24161)},
		{Ref: parse.Ref{Path: "sos_commands/kubernetes/cluster-info/kubectl_get_--all-namespaces_true_events", Line: 4}, Type: "Warning", Reason: "SystemOOM",
			Object: "node/izwz9h8m2chowowqckbcy0z", Message: "System OOM encountered, victim process: java, pid: 1", Time: &at, VictimName: "java", VictimPid: iptr(1)},
	}
	r := Build(b, Options{})
	ids := map[int]string{}
	for _, row := range r.Timeline {
		if row.Source.Path == b.K8sEvents[0].Path {
			ids[row.Source.Line] = deref(row.KillID)
		}
	}
	if ids[3] != "k2" || ids[4] != "" {
		t.Errorf("event kill ids %v", ids)
	}
}

// Without a "Starting kubelet." node event, the journal's kubelet start
// dates the replay.
func TestReplayFromJournalKubeletStart(t *testing.T) {
	b := foundingBundle()
	evs := b.Nodes[0].Events[:0]
	for _, e := range b.Nodes[0].Events {
		if e.Reason != "Starting" {
			evs = append(evs, e)
		}
	}
	b.Nodes[0].Events = evs
	j := newLog("sos_commands/microk8s/journalctl_--no-pager_--unit_snap.microk8s", "journal-short-iso")
	j.boot(1, isoStamp("2019-10-20T15:07:10+0800"), "journal-marker", "")
	j.event(3, 0, isoStamp("2019-10-20T15:07:17+0800"), "kubelet-start", "Started Service for snap application microk8s.daemon-kubelet.")
	j.end(40, isoStamp("2019-10-20T15:13:00+0800"))
	b.KernelLogs = append(b.KernelLogs, j.KernelLog)
	r := Build(b, Options{})
	f := mustFinding(t, r.Kills[0], "kubelet-replayed-events")
	mustContain(t, "replay", f.Summary, "the kubelet's start in journalctl_--no-pager_--unit_snap.microk8s", "journalctl_--no-pager_--unit_snap.microk8s:3")
	if len(r.Kills[0].Missing) != 0 {
		t.Errorf("a unit journal is not missing kernel kills: %v", r.Kills[0].Missing)
	}
}

func TestOtherNodesEventsAreNotMatched(t *testing.T) {
	b := foundingBundle()
	other := *b.Nodes[0]
	other.Name = "worker-2"
	other.Ref.Path = "sos_commands/kubernetes/nodes/kubectl_describe_node_worker-2"
	b.Nodes = append(b.Nodes, &other)
	r := Build(b, Options{})
	for _, n := range r.Nodes {
		for _, e := range n.Events {
			if n.Name == "worker-2" && e.KillID != nil {
				t.Errorf("worker-2 event matched to %s", *e.KillID)
			}
			if n.Name == "izwz9h8m2chowowqckbcy0z" && e.Reason == "SystemOOM" && e.KillID == nil {
				t.Errorf("this node's SystemOOM not matched: line %d", e.Evidence.Line)
			}
		}
	}
}
