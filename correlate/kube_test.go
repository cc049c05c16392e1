package correlate

import (
	"testing"
	"time"

	"github.com/oomlens/oomlens/parse"
)

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
