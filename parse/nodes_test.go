package parse

import (
	"strings"
	"testing"
	"testing/fstest"
)

// describeText is a small `kubectl describe node` of one node.
func describeText(name, kubelet, event string) string {
	s := "Name:               " + name + "\n" +
		"Roles:              <none>\n" +
		"CreationTimestamp:  Mon, 23 Sep 2024 14:21:09 +0000\n" +
		"Taints:             <none>\n" +
		"Unschedulable:      false\n" +
		"Conditions:\n" +
		"  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message\n" +
		"  ----             ------  -----------------                 ------------------                ------                       -------\n" +
		"  MemoryPressure   False   Thu, 14 Nov 2024 10:17:48 +0000   Fri, 27 Sep 2024 00:37:10 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available\n" +
		"System Info:\n" +
		"  Kernel Version:             6.8.0-45-generic\n" +
		"  Kubelet Version:            " + kubelet + "\n"
	if event == "" {
		return s + "Events:  <none>\n"
	}
	return s + "Events:\n" +
		"  Type     Reason     Age  From     Message\n" +
		"  ----     ------     ---- ----     -------\n" +
		"  Warning  SystemOOM  47m  kubelet  " + event + "\n"
}

func loadNodes(t *testing.T, files map[string]string) *Bundle {
	t.Helper()
	m := fstest.MapFS{}
	for p, s := range files {
		m[p] = &fstest.MapFile{Data: []byte(s), Mode: 0o644}
	}
	b, err := Load(m, LoadOptions{Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func nodeNames(ns []*Node) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Name+"/"+n.Match)
	}
	return strings.Join(out, " ")
}

func TestNodesOnlyThisHost(t *testing.T) {
	w1 := describeText("worker-1", "v1.30.5", "System OOM encountered, victim process: python3, pid: 402211")
	w2 := describeText("worker-2", "v1.29.9", "")
	cp := describeText("cp-1", "v1.30.5", "")
	uname := "Linux cp-1 6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n"

	// host named by uname: cp-1 feeds, the workers are others; worker-1's
	// SystemOOM is no kill of this host
	b := loadNodes(t, map[string]string{"uname-a.txt": uname, "describe-nodes.txt": cp + "\n\n" + w1 + "\n\n" + w2})
	if got := nodeNames(b.Nodes); got != "cp-1/name" {
		t.Errorf("own nodes = %q, want cp-1/name", got)
	}
	if got := nodeNames(b.OtherNodes); got != "worker-1/other worker-2/other" {
		t.Errorf("other nodes = %q", got)
	}
	for _, lg := range b.KernelLogs {
		if lg.Format == FormatKubeEvent {
			t.Errorf("another node's SystemOOM became a kill: %+v", lg.Reports)
		}
	}

	// no host name, several nodes: none is picked, and a gap says so
	b = loadNodes(t, map[string]string{"describe-nodes.txt": w1 + "\n\n" + w2})
	if len(b.Nodes) != 0 || nodeNames(b.OtherNodes) != "worker-1/unknown-host worker-2/unknown-host" {
		t.Errorf("own %q, others %q: want none, both unknown-host", nodeNames(b.Nodes), nodeNames(b.OtherNodes))
	}
	found := false
	for _, g := range b.Gaps {
		found = found || g.Source == "describe-node" && strings.Contains(g.Message, "does not name its host")
	}
	if !found {
		t.Errorf("no gap naming the unknown host: %+v", b.Gaps)
	}
	if b.Kubelet != nil && b.Kubelet.Version != "" {
		t.Errorf("kubelet version %q taken from an unknown node", b.Kubelet.Version)
	}

	// a described node that a `kubectl get nodes` row lists too: one node,
	// the row cited
	getNodes := "NAME       STATUS   ROLES           AGE   VERSION\ncp-1       Ready    control-plane   52d   v1.30.5\nworker-1   Ready    <none>          52d   v1.30.5\n"
	b = loadNodes(t, map[string]string{"uname-a.txt": uname, "cp-1.txt": cp, "kubectl_get_nodes": getNodes})
	if got := nodeNames(b.Nodes); got != "cp-1/name" {
		t.Errorf("own nodes = %q, want cp-1 once", got)
	} else if n := b.Nodes[0]; n.Path != "cp-1.txt" || len(n.AlsoIn) != 1 || n.AlsoIn[0] != (Ref{Path: "kubectl_get_nodes", Line: 2}) {
		t.Errorf("kept %s, also in %v: want cp-1.txt, also in kubectl_get_nodes:2", n.Path, n.AlsoIn)
	}
	if got := nodeNames(b.OtherNodes); got != "worker-1/other" {
		t.Errorf("other nodes = %q: the row of a node not described stays", got)
	}

	// one node described twice (combined file and its own file): listed
	// once, its own file kept, the other copy cited; the same text gives
	// no warning, another text does
	b = loadNodes(t, map[string]string{"uname-a.txt": uname, "all.txt": cp + "\n\n" + w1, "cp-1.txt": cp})
	if got := nodeNames(b.Nodes); got != "cp-1/name" {
		t.Fatalf("own nodes = %q, want one cp-1", got)
	}
	if n := b.Nodes[0]; n.Path != "cp-1.txt" || len(n.AlsoIn) != 1 || n.AlsoIn[0].Path != "all.txt" {
		t.Errorf("kept %s, also in %v: want cp-1.txt, also in all.txt", n.Path, n.AlsoIn)
	}
	for _, in := range b.Inputs {
		if len(in.Warnings) > 0 {
			t.Errorf("%s: warnings %v for an identical copy", in.Path, in.Warnings)
		}
	}
	b = loadNodes(t, map[string]string{"uname-a.txt": uname, "all.txt": describeText("cp-1", "v1.30.6", "") + "\n\n" + w1, "cp-1.txt": cp})
	if len(b.Nodes) != 1 || b.Nodes[0].KubeletVersion != "v1.30.5" {
		t.Fatalf("own nodes %q: want the per-node file's cp-1", nodeNames(b.Nodes))
	}
	warned := false
	for _, in := range b.Inputs {
		for _, w := range in.Warnings {
			warned = warned || in.Path == "all.txt" && strings.Contains(w.Message, "differently")
		}
	}
	if !warned {
		t.Error("a differing copy was merged without a warning")
	}
}
