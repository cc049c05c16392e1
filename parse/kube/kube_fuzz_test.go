package kube

import (
	"reflect"
	"strings"
	"testing"

	"github.com/oomlens/oomlens/internal/nonneg"
	"github.com/oomlens/oomlens/units"
)

// Fuzz targets for the Kubernetes parsers. Beyond "does not panic" they
// check: parsing twice gives equal results, every warning and every fact
// cites a line inside the input, and derived values agree with their text.

func addKubeSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		f.Add(readKubeFile(f, n))
	}
}

// kubeCheckRefs fails when a Ref points outside lines 1..lines.
func kubeCheckRefs(t *testing.T, what string, lines int, refs ...Ref) {
	t.Helper()
	for _, r := range refs {
		if r.Line < 1 || r.Line > lines {
			t.Fatalf("%s cites line %d of %d", what, r.Line, lines)
		}
	}
}

func kubeCheckWarnings(t *testing.T, lines int, warns []Warning) {
	t.Helper()
	for _, w := range warns {
		if w.Line <= 0 || w.Line > lines+1 || w.Message == "" {
			t.Fatalf("bad warning %+v (lines %d)", w, lines)
		}
	}
}

func kubeCheckEvents(t *testing.T, lines int, evs []NodeEvent) {
	t.Helper()
	for _, e := range evs {
		kubeCheckRefs(t, "event", lines, e.Ref)
		if (e.AgeSec == nil) != (e.AgeResSec == 0) || e.Count < 0 {
			t.Fatalf("inconsistent event age %+v", e)
		}
		if e.VictimPid != nil && (e.Reason != "SystemOOM" || !strings.Contains(e.Message, e.VictimName)) {
			t.Fatalf("victim not from the message: %+v", e)
		}
	}
}

func FuzzDescribeNode(f *testing.F) {
	// Small seeds (the minimiser stalls on the multi-KiB fixtures), cut
	// from the fixtures.
	f.Add([]byte(`Name:               n1
Labels:             kubernetes.io/os=linux
                    microk8s.io/cluster=true
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                        Message
  ----             ------  -----------------                 ------------------                ------                        -------
  MemoryPressure   True    Tue, 14 May 2024 09:41:52 +0000   Tue, 14 May 2024 09:05:37 +0000   KubeletHasInsufficientMemory  kubelet has insufficient memory available
Capacity:
  memory:             3880272Ki
Non-terminated Pods:          (1 in total)
  Namespace                   Name       CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----       ------------  ----------  ---------------  -------------  ---
  default                     web-1      100m (5%)     0 (0%)      70Mi (1%)        170Mi (4%)     2d5h
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests      Limits
  --------           --------      ------
  memory             70Mi (1%)     170Mi (4%)
Events:
  Type     Reason     Age                From         Message
  ----     ------     ----               ----         -------
  Warning  SystemOOM  85s (x4 over 27m)  kubelet, n1  System OOM encountered, victim process: pip3, pid: 23143
`))
	f.Add([]byte("Name: x\nEvents:\n  Type Reason\n  Warning\n\n\nName: y\nEvents:  <none>\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n1, l1, w1 := parseDescribeNode(data, "f")
		n2, l2, w2 := parseDescribeNode(data, "f")
		if !reflect.DeepEqual(n1, n2) || l1 != l2 || !reflect.DeepEqual(w1, w2) {
			t.Fatal("two parses differ")
		}
		kubeCheckWarnings(t, l1, w1)
		nonneg.Check(t, "nodes", n1, false)
		for _, n := range n1 {
			kubeCheckRefs(t, "node", l1, n.Ref)
			kubeCheckEvents(t, l1, n.Events)
			for _, p := range n.Pods {
				kubeCheckRefs(t, "pod row", l1, p.Ref)
				if p.MemLimitKB != nil && *p.MemLimitKB < 0 {
					t.Fatalf("negative limit %+v", p)
				}
			}
			for _, c := range n.Conditions {
				kubeCheckRefs(t, "condition", l1, c.Ref)
			}
			for _, q := range n.Lines {
				kubeCheckRefs(t, "quote", l1, q.Ref)
			}
		}
	})
}

func FuzzDescribePod(f *testing.F) {
	addKubeSeeds(f, "describe-pod-oomkilled.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		p1, l1, w1 := parseDescribePod(data, "f")
		p2, _, w2 := parseDescribePod(data, "f")
		if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(w1, w2) {
			t.Fatal("two parses differ")
		}
		kubeCheckWarnings(t, l1, w1)
		nonneg.Check(t, "pods", p1, false)
		for _, p := range p1 {
			kubeCheckRefs(t, "pod", l1, p.Ref)
			kubeCheckEvents(t, l1, p.Events)
			for _, c := range p.Containers {
				kubeCheckRefs(t, "container", l1, c.Ref)
			}
		}
	})
}

func kubeCheckObjects(t *testing.T, o KubeObjects, lines int) {
	t.Helper()
	nonneg.Check(t, "objects", o, false)
	for _, p := range o.Pods {
		kubeCheckRefs(t, "pod", lines, p.Ref)
		for _, c := range p.Containers {
			kubeCheckRefs(t, "container", lines, c.Ref)
		}
	}
	for _, n := range o.Nodes {
		kubeCheckRefs(t, "node", lines, n.Ref)
		for _, c := range n.Conditions {
			kubeCheckRefs(t, "condition", lines, c.Ref)
		}
	}
	for _, e := range o.Events {
		kubeCheckRefs(t, "event", lines, e.Ref)
	}
}

func FuzzKubeJSON(f *testing.F) {
	// Small seeds: the fuzzer's minimiser stalls on the multi-KiB fixtures.
	f.Add([]byte(`{"apiVersion": "v1", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "uid": "u"},
 "spec": {"containers": [{"name": "c", "resources": {"limits": {"memory": "1Gi"}}}]},
 "status": {"qosClass": "Burstable", "containerStatuses": [{"name": "c", "containerID": "containerd://ab", "restartCount": 2,
 "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137, "finishedAt": "2024-05-14T09:40:27Z"}}}]}}], "kind": "List"}`))
	f.Add([]byte(`{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n", "labels": {"node-role.kubernetes.io/worker": ""}},
 "status": {"capacity": {"memory": "2Gi"}, "conditions": [{"type": "MemoryPressure", "status": "True"}], "nodeInfo": {"kubeletVersion": "v1.29.4"}}}`))
	f.Add([]byte(`{"items": [{"apiVersion": "v1", "kind": "Event", "count": 4, "involvedObject": {"kind": "Node", "name": "n"},
 "message": "System OOM encountered, victim process: java, pid: 7", "reason": "SystemOOM", "lastTimestamp": "2024-05-14T09:40:36Z"}]}`))
	f.Add([]byte(`{"kind":"Pod","apiVersion":"v1","metadata":{"name":"x"}}{"items":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o1, l1, w1 := parseKubeJSON(data, "f")
		o2, _, w2 := parseKubeJSON(data, "f")
		if !reflect.DeepEqual(o1, o2) || !reflect.DeepEqual(w1, w2) {
			t.Fatal("two parses differ")
		}
		// a file without a final newline still has its last line cited
		lines := max(l1, strings.Count(string(data), "\n")+1)
		kubeCheckWarnings(t, lines, w1)
		kubeCheckObjects(t, o1, lines)
	})
}

func FuzzKubeYAML(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n  status:\n    containerStatuses:\n    - containerID: containerd://ab\n      name: c\n      lastState:\n        terminated:\n          exitCode: 137\n          reason: OOMKilled\nkind: List\n"))
	f.Add([]byte("apiVersion: v1\nkind: Node\nstatus:\n  capacity:\n    memory: 2Gi\n---\nitems: 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o1, l1, w1 := parseKubeYAML(data, "f")
		o2, _, w2 := parseKubeYAML(data, "f")
		if !reflect.DeepEqual(o1, o2) || !reflect.DeepEqual(w1, w2) {
			t.Fatal("two parses differ")
		}
		lines := max(l1, strings.Count(string(data), "\n")+1)
		for _, w := range w1 {
			if w.Line <= 0 || w.Message == "" {
				t.Fatalf("bad warning %+v", w)
			}
		}
		kubeCheckObjects(t, o1, lines)
	})
}

func FuzzKubeTables(f *testing.F) {
	for name, kind := range kubeFixtures {
		switch kind {
		case "get-pods", "get-nodes", "get-events", "crictl-ps", "crictl-pods", "docker-ps", "ctr-containers":
			f.Add(kind, readKubeFile(f, name))
		}
	}
	f.Fuzz(func(t *testing.T, kind string, data []byte) {
		b1, b2 := &Facts{}, &Facts{}
		l1, w1 := ReadKube(kind, data, "f", b1)
		l2, w2 := ReadKube(kind, data, "f", b2)
		if !reflect.DeepEqual(b1, b2) || l1 != l2 || !reflect.DeepEqual(w1, w2) {
			t.Fatal("two parses differ")
		}
		kubeCheckWarnings(t, max(l1, 1), w1)
		nonneg.Check(t, "bundle", b1, false)
		for _, c := range b1.Containers {
			kubeCheckRefs(t, "container", l1, c.Ref)
			if !isHexID(c.ID) {
				t.Fatalf("container without a hex id: %+v", c)
			}
		}
		for _, p := range b1.Pods {
			kubeCheckRefs(t, "pod", l1, p.Ref)
		}
		for _, e := range b1.K8sEvents {
			kubeCheckRefs(t, "event", l1, e.Ref)
		}
	})
}

func FuzzPodFromCgroup(f *testing.F) {
	for _, s := range []string{
		"/kubepods/burstable/podfbdfe8e3-1c87-4ff2-907c-b2ec8e25d012/ef807430361e6e82b45db92e2e9b6fbec98f419b12c591e655c1a725565e73a8",
		"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podfbdfe8e3_1c87_4ff2_907c_b2ec8e25d012.slice/cri-containerd-ef807430361e6e82b45db92e2e9b6fbec98f419b12c591e655c1a725565e73a8.scope",
		"/system.slice/containerd.service/kubepods-pod958dcfcf_dfbf_4f6d_91a2_df92b5e0bf9a.slice:cri-containerd:986e3a4ff4b0bd0b6f3c0d8a3fa0a1a2b6e5cf1e2d3c4b5a69788796a5b4c3d2",
		"/kubepods/pod6d2b4e8f0a1c3e5b7d9f1a3c5e7b9d0f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		p := PodFromCgroup(path)
		if !reflect.DeepEqual(p, PodFromCgroup(path)) {
			t.Fatal("two parses differ")
		}
		if p == nil {
			return
		}
		if _, ok := podUID(p.UID); !ok || strings.Contains(p.UID, "_") {
			t.Fatalf("bad uid %q", p.UID)
		}
		if !strings.Contains(path, p.UID) && !strings.Contains(path, strings.ReplaceAll(p.UID, "-", "_")) {
			t.Fatalf("uid %q not in path", p.UID)
		}
		switch p.QoS {
		case "guaranteed", "burstable", "besteffort":
		default:
			t.Fatalf("bad qos %q", p.QoS)
		}
		if p.ContainerID != "" && (!isFullID(p.ContainerID) || !strings.Contains(path, p.ContainerID)) {
			t.Fatalf("bad container id %q", p.ContainerID)
		}
		if p.ContainerID == "" && p.Runtime != "" {
			t.Fatalf("runtime without container: %+v", p)
		}
	})
}

func FuzzParseQuantityKB(f *testing.F) {
	for _, s := range []string{"2025188Ki", "1.5Gi", "500M", "128974848000m", "129e6", "0", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kb, ok := parseQuantityKB(s)
		b, res := quantityBytes(s)
		okb := res == units.OK
		if ok && kb < 0 {
			t.Fatalf("negative kB %d for %q", kb, s)
		}
		if ok && okb && kb != b/1024 {
			t.Fatalf("kB %d != bytes %d / 1024 for %q", kb, b, s)
		}
	})
}
