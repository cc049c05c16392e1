package kube

import (
	"reflect"
	"testing"
)

// These tests pin the facts downstream code relies on, independently of
// the goldens.

func TestDescribeNodeSeed(t *testing.T) {
	b, _, warns := readKubeFixture(t, "describe-node-microk8s-1.16.txt")
	if len(warns) != 0 || len(b.Nodes) != 1 {
		t.Fatalf("warnings %v, nodes %d", warns, len(b.Nodes))
	}
	n := b.Nodes[0]
	if n.Name != "izwz9h8m2chowowqckbcy0z" || n.KubeletVersion != "v1.16.2" || n.KernelVersion != "4.15.0-65-generic" ||
		n.ContainerRuntime != "containerd://1.2.5" || n.OSImage != "Ubuntu 18.04.3 LTS" {
		t.Errorf("system info = %q %q %q %q", n.KubeletVersion, n.KernelVersion, n.ContainerRuntime, n.OSImage)
	}
	if n.MemCapacityKB == nil || *n.MemCapacityKB != 3880272 || n.MemAllocatableKB == nil || *n.MemAllocatableKB != 3777872 {
		t.Errorf("memory = %v / %v", n.MemCapacityKB, n.MemAllocatableKB)
	}
	var pids []int
	for _, e := range n.Events {
		if e.Reason != "SystemOOM" {
			continue
		}
		if e.VictimName != "pip3" || e.From != "kubelet, izwz9h8m2chowowqckbcy0z" || e.Host != "izwz9h8m2chowowqckbcy0z" ||
			e.AgeSec == nil || *e.AgeSec != 346 || e.Count != 1 || e.Ref.Line < 68 || e.Ref.Line > 70 {
			t.Errorf("SystemOOM event = %+v", e)
		}
		pids = append(pids, *e.VictimPid)
	}
	if !reflect.DeepEqual(pids, []int{23143, 24161, 25349}) {
		t.Errorf("victim pids = %v", pids)
	}
	if len(n.Events) != 12 || n.Events[0].From != "kube-proxy, izwz9h8m2chowowqckbcy0z" || n.Events[0].Message != "Starting kube-proxy." {
		t.Errorf("events = %d, first %+v", len(n.Events), n.Events[0])
	}
	// evidence: the whole Events section is quoted verbatim
	var quotedEvents int
	for _, q := range n.Lines {
		if q.Text == "  Warning  SystemOOM                5m46s  kubelet, izwz9h8m2chowowqckbcy0z     System OOM encountered, victim process: pip3, pid: 23143" {
			quotedEvents++
		}
	}
	if quotedEvents != 1 {
		t.Errorf("SystemOOM line quoted %d times in Lines", quotedEvents)
	}
	if len(n.Pods) != 3 || n.Pods[2].Name != "jupyter-notebook-5f8d6b8c7-mvx2p" || *n.Pods[2].MemLimitKB != 2097152 || *n.Pods[2].MemLimitPct != 55 {
		t.Errorf("pods = %+v", n.Pods)
	}
	if len(n.Labels) != 6 || n.Labels[5] != (KVString{"microk8s.io/cluster", "true", Ref{Path: "describe-node-microk8s-1.16.txt", Line: 8}}) {
		t.Errorf("labels = %+v", n.Labels)
	}
}

func TestDescribeNodeMemoryPressure(t *testing.T) {
	b, _, _ := readKubeFixture(t, "describe-node-kubeadm-1.29-systemd-cgroupv2.txt")
	n := b.Nodes[0]
	var mp *NodeCondition
	for i := range n.Conditions {
		if n.Conditions[i].Type == "MemoryPressure" {
			mp = &n.Conditions[i]
		}
	}
	if mp == nil || mp.Status != "True" || mp.Reason != "KubeletHasInsufficientMemory" ||
		mp.Message != "kubelet has insufficient memory available" || mp.TransitionAt == nil ||
		mp.TransitionAt.Format("2006-01-02T15:04:05Z07:00") != "2024-05-14T09:05:37Z" {
		t.Fatalf("MemoryPressure = %+v", mp)
	}
	last := n.Events[len(n.Events)-1]
	if !last.Combined || last.Count != 4 || *last.AgeSec != 85 || *last.OldestSec != 1620 || *last.VictimPid != 51377 || last.From != "kubelet" {
		t.Errorf("combined SystemOOM = %+v", last)
	}
	if n.Events[0].Age != "<unknown>" || n.Events[0].AgeSec != nil {
		t.Errorf("<unknown> event = %+v", n.Events[0])
	}
}

func TestDescribeNodesMulti(t *testing.T) {
	b, _, warns := readKubeFixture(t, "describe-nodes-3-kubectl-1.19.txt")
	if len(warns) != 0 || len(b.Nodes) != 3 {
		t.Fatalf("warnings %v, nodes %d", warns, len(b.Nodes))
	}
	if !b.Nodes[0].EventsNone || len(b.Nodes[0].Events) != 0 || b.Nodes[0].Roles != "master" {
		t.Errorf("master = %+v", b.Nodes[0])
	}
	e := b.Nodes[1].Events[0]
	if e.Reason != "SystemOOM" || e.VictimName != "" || e.VictimPid != nil || e.Count != 4 || *e.OldestSec != 1500 {
		t.Errorf("old SystemOOM = %+v", e)
	}
	if b.Nodes[2].Name != "worker-02" || b.Nodes[2].Ref.Line <= b.Nodes[1].Ref.Line {
		t.Errorf("third node = %s at %d", b.Nodes[2].Name, b.Nodes[2].Ref.Line)
	}
}

func TestDescribePodOOMKilled(t *testing.T) {
	b, _, warns := readKubeFixture(t, "describe-pod-oomkilled.txt")
	if len(warns) != 0 || len(b.Pods) != 2 {
		t.Fatalf("warnings %v, pods %d", warns, len(b.Pods))
	}
	p := b.Pods[0]
	if p.Namespace != "payments" || p.Name != "ledger-worker-0" || p.QoS != "Guaranteed" || p.Node != "k8s-worker-02" || len(p.Containers) != 1 {
		t.Fatalf("pod = %+v", p)
	}
	c := p.Containers[0]
	if c.LastReason != "OOMKilled" || *c.LastExitCode != 137 || *c.Restarts != 3 || *c.MemLimitKB != 4194304 ||
		c.ID != "containerd://53ead6aad9ac23d30d42f7c334f5cec745a1fc3d547f5da5e5f10fd723bc39b7" || c.State != "Running" {
		t.Errorf("container = %+v", c)
	}
	if b.Pods[1].Containers[0].StateReason != "CrashLoopBackOff" || b.Pods[1].Containers[0].MemLimitKB != nil {
		t.Errorf("second pod container = %+v", b.Pods[1].Containers[0])
	}
}

func TestGetPodsJSONAndYAMLAgree(t *testing.T) {
	bj, _, wj := readKubeFixture(t, "get-pods.json")
	by, _, wy := readKubeFixture(t, "get-pods.yaml")
	if len(wj)+len(wy) != 0 || len(bj.Pods) != 3 || len(by.Pods) != 3 {
		t.Fatalf("json %d pods %v, yaml %d pods %v", len(bj.Pods), wj, len(by.Pods), wy)
	}
	p := bj.Pods[0]
	if p.UID != "ad32d3e0-c1d9-438f-ae3f-6e31a4b0eacd" || p.QoS != "Guaranteed" || p.Containers[0].LastReason != "OOMKilled" {
		t.Errorf("pod = %+v", p)
	}
	// the container cites the line its containerID is printed on
	data := string(readKubeFile(t, "get-pods.json"))
	if line := kubeNthLine(data, p.Containers[0].Ref.Line); line != `                        "containerID": "containerd://53ead6aad9ac23d30d42f7c334f5cec745a1fc3d547f5da5e5f10fd723bc39b7",` {
		t.Errorf("container ref line %d = %q", p.Containers[0].Ref.Line, line)
	}
	ydata := string(readKubeFile(t, "get-pods.yaml"))
	if line := kubeNthLine(ydata, by.Pods[0].Containers[0].Ref.Line); line != `    - containerID: containerd://53ead6aad9ac23d30d42f7c334f5cec745a1fc3d547f5da5e5f10fd723bc39b7` {
		t.Errorf("yaml container ref line %d = %q", by.Pods[0].Containers[0].Ref.Line, line)
	}
	for i := range bj.Pods {
		j, y := *bj.Pods[i], *by.Pods[i]
		j.Containers = append([]PodContainer(nil), j.Containers...)
		y.Containers = append([]PodContainer(nil), y.Containers...)
		// lines differ between the two layouts; everything else must not
		j.Ref, y.Ref, j.Source, y.Source = Ref{}, Ref{}, "", ""
		for k := range j.Containers {
			j.Containers[k].Ref, y.Containers[k].Ref = Ref{}, Ref{}
		}
		if !reflect.DeepEqual(j, y) {
			t.Errorf("pod %d differs:\njson %+v\nyaml %+v", i, j, y)
		}
	}
}

func kubeNthLine(s string, n int) string {
	lines := kubeLines([]byte(s))
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

func TestRuntimeListingsLink(t *testing.T) {
	// read the listings in both orders: the links must come out the same
	read := func(names ...string) []*Container {
		b := &Facts{}
		for _, n := range names {
			data := readKubeFile(t, n)
			ReadKube(SniffKube(data), data, n, b)
		}
		return b.Containers
	}
	a := read("crictl-ps-a.txt", "crictl-pods.txt")
	z := read("crictl-pods.txt", "crictl-ps-a.txt")
	find := func(cs []*Container, id string) *Container {
		for _, c := range cs {
			if c.ID == id && !c.Sandbox {
				return c
			}
		}
		return nil
	}
	for _, cs := range [][]*Container{a, z} {
		c := find(cs, "53ead6aad9ac2")
		if c == nil || c.PodName != "ledger-worker-0" || c.PodNamespace != "payments" || c.Name != "ledger" || *c.Attempt != 3 {
			t.Errorf("linked container = %+v", c)
		}
	}
	d := read("docker-ps-a.txt")
	if d[0].PodUID != "3bb9535b-3a5b-447b-a3b4-de06628d980e" || d[0].Name != "importer" || *d[0].ExitCode != 137 || !d[1].Sandbox {
		t.Errorf("docker = %+v / %+v", d[0], d[1])
	}
}

// TestKillToPod walks what correlate will do for a kill on the kubeadm
// node (systemd driver, cgroup v2): memcg path → pod UID and container →
// the pod from get pods and describe pod, the container from crictl.
func TestKillToPod(t *testing.T) {
	const memcg = "/kubepods.slice/kubepods-pod" + "ad32d3e0_c1d9_438f_ae3f_6e31a4b0eacd" + ".slice/cri-containerd-53ead6aad9ac23d30d42f7c334f5cec745a1fc3d547f5da5e5f10fd723bc39b7.scope"
	cp := PodFromCgroup(memcg)
	if cp == nil || cp.QoS != "guaranteed" || cp.Runtime != "containerd" {
		t.Fatalf("PodFromCgroup = %+v", cp)
	}
	b := &Facts{}
	for _, n := range []string{"get-pods.json", "describe-pod-oomkilled.txt", "crictl-ps-a.txt", "crictl-pods.txt"} {
		data := readKubeFile(t, n)
		ReadKube(SniffKube(data), data, n, b)
	}
	var hits []string
	for _, p := range b.Pods {
		if p.UID != cp.UID {
			continue
		}
		for _, c := range p.Containers {
			if c.ID == "containerd://"+cp.ContainerID {
				hits = append(hits, p.Source+":"+p.Namespace+"/"+p.Name+"/"+c.Name+":"+c.LastReason)
			}
		}
	}
	want := []string{"get-pods-json:payments/ledger-worker-0/ledger:OOMKilled", "describe-pod:payments/ledger-worker-0/ledger:OOMKilled"}
	if !reflect.DeepEqual(hits, want) {
		t.Errorf("pods matched = %v, want %v", hits, want)
	}
	var ctr *Container
	for _, c := range b.Containers {
		if !c.Sandbox && idPrefix(c.ID, cp.ContainerID) {
			ctr = c
		}
	}
	if ctr == nil || ctr.PodNamespace != "payments" || ctr.PodName != "ledger-worker-0" {
		t.Errorf("crictl container = %+v", ctr)
	}
}
