package kube

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oomlens/oomlens/units"
)

func TestParseQuantityKB(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kb   int64
		ok   bool
		desc string
	}{
		{"2025188Ki", 2025188, true, "Ki as capacity prints it"},
		{"128Mi", 131072, true, "Mi"},
		{"1536Mi", 1572864, true, "Mi above a Gi"},
		{"4Gi", 4194304, true, "Gi"},
		{"1.5Gi", 1572864, true, "decimal Gi"},
		{"0.5Mi", 512, true, "decimal below one"},
		{"2Ti", 2147483648, true, "Ti"},
		{"1Pi", 1099511627776, true, "Pi"},
		{"134217728", 131072, true, "plain bytes"},
		{"14167048988", 13835008, true, "plain bytes, not a kB multiple (rounded down)"},
		{"1k", 0, true, "k is 1000 bytes: 0.97 kB rounds down"},
		{"1024k", 1000, true, "1024k = 1024000 bytes"},
		{"500M", 488281, true, "M is 10^6 bytes"},
		{"1G", 976562, true, "G is 10^9 bytes"},
		{"2T", 1953125000, true, "T"},
		{"128974848000m", 125952, true, "milli-bytes as kubectl prints odd requests"},
		{"129e6", 125976, true, "exponent form"},
		{"1E3", 0, true, "upper-case exponent"},
		{"0", 0, true, "zero (no limit in describe node)"},
		{"+64Mi", 65536, true, "explicit plus"},
		{".5Gi", 524288, true, "leading dot"},
		{"", 0, false, "empty"},
		{"-1Gi", 0, false, "negative"},
		{"Mi", 0, false, "suffix only"},
		{"12XB", 0, false, "unknown suffix"},
		{"1.2.3Gi", 0, false, "two dots"},
		{"12 Mi", 0, false, "space inside"},
		{"99999999999Ei", 0, false, "overflow"},
		{"<none>", 0, false, "placeholder"},
	} {
		kb, ok := parseQuantityKB(tc.in)
		if ok != tc.ok || kb != tc.kb {
			t.Errorf("%s: parseQuantityKB(%q) = %d, %v; want %d, %v", tc.desc, tc.in, kb, ok, tc.kb, tc.ok)
		}
	}
	if b, res := quantityBytes("1.5Ki"); res != units.OK || b != 1536 {
		t.Errorf("quantityBytes(1.5Ki) = %d, %v", b, res)
	}
}

func TestParseEventAge(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		in   string
		want eventAge
		ok   bool
	}{
		{"5m46s", eventAge{Newest: f(346), Res: 1, Count: 1}, true},
		{"5m", eventAge{Newest: f(300), Res: 60, Count: 1}, true},
		{"95s", eventAge{Newest: f(95), Res: 1, Count: 1}, true},
		{"0s", eventAge{Newest: f(0), Res: 1, Count: 1}, true},
		{"179m", eventAge{Newest: f(10740), Res: 60, Count: 1}, true},
		{"3h5m", eventAge{Newest: f(11100), Res: 60, Count: 1}, true},
		{"47h", eventAge{Newest: f(169200), Res: 3600, Count: 1}, true},
		{"2d3h", eventAge{Newest: f(183600), Res: 3600, Count: 1}, true},
		{"102d", eventAge{Newest: f(8812800), Res: 86400, Count: 1}, true},
		{"1y20d", eventAge{Newest: f(33264000), Res: 86400, Count: 1}, true},
		{"<unknown>", eventAge{Count: 1}, true},
		{"<invalid>", eventAge{Count: 1}, true},
		{"85s (x4 over 27m)", eventAge{Newest: f(85), Oldest: f(1620), Res: 1, Count: 4}, true},
		{"12m (x4 over 25m)", eventAge{Newest: f(720), Oldest: f(1500), Res: 60, Count: 4}, true},
		{"19m (x7 over 5d1h)", eventAge{Newest: f(1140), Oldest: f(435600), Res: 60, Count: 7}, true},
		{"4m11s (x26 over 36m)", eventAge{Newest: f(251), Oldest: f(2160), Res: 1, Count: 26}, true},
		{"<unknown> (x2 over <unknown>)", eventAge{Count: 2}, true},
		{"", eventAge{}, false},
		{"5 minutes", eventAge{}, false},
		{"46s5m", eventAge{}, false},
		{"5m46", eventAge{}, false},
		{"85s (x4 over 27m", eventAge{}, false},
		{"85s (xfour over 27m)", eventAge{}, false},
		{"85s (x4 during 27m)", eventAge{}, false},
	} {
		got, ok := parseEventAge(tc.in)
		if ok != tc.ok {
			t.Errorf("parseEventAge(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			continue
		}
		if diff := cmp.Diff(tc.want, got); ok && diff != "" {
			t.Errorf("parseEventAge(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestSystemOOMVictim(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		name string
		pid  int // -1: nil
	}{
		{"System OOM encountered, victim process: pip3, pid: 23143", "pip3", 23143},
		{"(combined from similar events): System OOM encountered, victim process: java, pid: 51377", "java", 51377},
		{"System OOM encountered", "", -1},
		{"System OOM encountered, victim process: a, pid: 1, pid: 7", "a, pid: 1", 7},
		{"System OOM encountered, victim process: pip3, pid: x", "", -1},
		{"System OOM encountered, victim process: pip3", "", -1},
		{"Starting kubelet.", "", -1},
	} {
		name, pid := SystemOOMVictim(tc.msg)
		if name != tc.name || (pid == nil) != (tc.pid < 0) || pid != nil && *pid != tc.pid {
			t.Errorf("SystemOOMVictim(%q) = %q, %v; want %q, %d", tc.msg, name, pid, tc.name, tc.pid)
		}
	}
}

func TestPodFromCgroup(t *testing.T) {
	const (
		uid  = "fbdfe8e3-1c87-4ff2-907c-b2ec8e25d012"
		uidU = "fbdfe8e3_1c87_4ff2_907c_b2ec8e25d012"
		cid  = "ef807430361e6e82b45db92e2e9b6fbec98f419b12c591e655c1a725565e73a8"
	)
	for _, tc := range []struct {
		path string
		want *CgroupPod
	}{
		// cgroupfs driver
		{"/kubepods/burstable/pod" + uid + "/" + cid, &CgroupPod{uid, "burstable", cid, ""}},
		{"/kubepods/besteffort/pod" + uid + "/" + cid, &CgroupPod{uid, "besteffort", cid, ""}},
		{"/kubepods/pod" + uid + "/" + cid, &CgroupPod{uid, "guaranteed", cid, ""}},
		{"/kubepods/burstable/pod" + uid, &CgroupPod{uid, "burstable", "", ""}},
		{"/kubepods/burstable/pod" + uid + "/crio-" + cid, &CgroupPod{uid, "burstable", cid, "crio"}},
		{"/kubepods/burstable/pod" + uid + "/crio-conmon-" + cid, &CgroupPod{uid, "burstable", "", ""}},
		{"/sys/fs/cgroup/memory/kubepods/burstable/pod" + uid + "/" + cid, &CgroupPod{uid, "burstable", cid, ""}},
		{"/kubepods/burstable/pod" + uid + "/" + cid + "/init", &CgroupPod{uid, "burstable", cid, ""}},
		// systemd driver
		{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidU + ".slice/cri-containerd-" + cid + ".scope", &CgroupPod{uid, "burstable", cid, "containerd"}},
		{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + uidU + ".slice/crio-" + cid + ".scope", &CgroupPod{uid, "besteffort", cid, "crio"}},
		{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidU + ".slice/docker-" + cid + ".scope", &CgroupPod{uid, "burstable", cid, "docker"}},
		{"/kubepods.slice/kubepods-pod" + uidU + ".slice/cri-containerd-" + cid + ".scope", &CgroupPod{uid, "guaranteed", cid, "containerd"}},
		{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidU + ".slice", &CgroupPod{uid, "burstable", "", ""}},
		{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidU + ".slice/crio-" + cid + ".scope/container", &CgroupPod{uid, "burstable", cid, "crio"}},
		{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidU + ".slice/crio-conmon-" + cid + ".scope", &CgroupPod{uid, "burstable", "", ""}},
		{"/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" + uidU + ".slice/cri-containerd-" + cid + ".scope", &CgroupPod{uid, "besteffort", cid, "containerd"}},
		// containerd's own systemd cgroup with a cgroupfs kubelet
		{"/system.slice/containerd.service/kubepods-burstable-pod" + uidU + ".slice:cri-containerd:" + cid, &CgroupPod{uid, "burstable", cid, "containerd"}},
		{"/system.slice/containerd.service/kubepods-pod" + uidU + ".slice:cri-containerd:" + cid, &CgroupPod{uid, "guaranteed", cid, "containerd"}},
		// static pod: 32-hex UID
		{"/kubepods/burstable/pod6d2b4e8f0a1c3e5b7d9f1a3c5e7b9d0f/" + cid, &CgroupPod{"6d2b4e8f0a1c3e5b7d9f1a3c5e7b9d0f", "burstable", cid, ""}},
		// not pods
		{"/", nil},
		{"/kubepods", nil},
		{"/kubepods/burstable", nil},
		{"/kubepods.slice/kubepods-burstable.slice", nil},
		{"/docker/" + cid, nil},
		{"/system.slice/kubelet.service", nil},
		{"/user.slice/user-1000.slice/session-3.scope", nil},
		{"/kubepods/burstable/podnot-a-uid/" + cid, nil},
		{"/kubepods/burstable/pod" + uid[:30] + "/" + cid, nil},
		{"/other/burstable/pod" + uid + "/" + cid, nil},
		{"", nil},
	} {
		got := PodFromCgroup(tc.path)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("PodFromCgroup(%q) (-want +got):\n%s", tc.path, diff)
		}
	}
}

// kubeEventsOf runs the Events table reader over lines (the "Events:" line
// excluded) and returns the events and warnings.
func kubeEventsOf(text string) ([]NodeEvent, []Warning) {
	tb := eventTable{path: "t"}
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if !tb.line(i+2, l) {
			break
		}
	}
	return tb.events, tb.warns
}

func TestEventTableForms(t *testing.T) {
	type row struct{ Type, Reason, Age, From, Message string }
	rows := func(evs []NodeEvent) []row {
		var out []row
		for _, e := range evs {
			out = append(out, row{e.Type, e.Reason, e.Age, e.From, e.Message})
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		text  string
		want  []row
		warns int
	}{
		{"no dashed separator", `  Type     Reason     Age   From     Message
  Warning  SystemOOM  95s   kubelet  System OOM encountered, victim process: pip3, pid: 1
`, []row{{"Warning", "SystemOOM", "95s", "kubelet", "System OOM encountered, victim process: pip3, pid: 1"}}, 0},
		{"row wider than header", `  Type     Reason     Age    From     Message
  ----     ------     ----   ----     -------
  Warning  SystemOOM  85s (x4 over 27m)  kubelet, node-1  System OOM encountered
  Warning  EvictionThresholdMet  4m11s  kubelet  Attempting to reclaim memory
`, []row{
			{"Warning", "SystemOOM", "85s (x4 over 27m)", "kubelet, node-1", "System OOM encountered"},
			{"Warning", "EvictionThresholdMet", "4m11s", "kubelet", "Attempting to reclaim memory"},
		}, 0},
		{"multi-line message", `  Type     Reason      Age   From                       Message
  ----     ------      ----  ----                       -------
  Warning  OOMKilling  3m    kernel-monitor, worker-1   Memory cgroup out of memory: Kill process 302951 (AsyncLogger-1) score 2366 or sacrifice child
Killed process 300907 (java) total-vm:9452340kB, anon-rss:4186432kB, file-rss:14900kB
`, []row{{"Warning", "OOMKilling", "3m", "kernel-monitor, worker-1", "Memory cgroup out of memory: Kill process 302951 (AsyncLogger-1) score 2366 or sacrifice child\nKilled process 300907 (java) total-vm:9452340kB, anon-rss:4186432kB, file-rss:14900kB"}}, 0},
		{"empty From", `  Type    Reason   Age  From  Message
  ----    ------   ---- ----  -------
  Normal  Killing  2m         Stopping container app
`, []row{{"Normal", "Killing", "2m", "", "Stopping container app"}}, 0},
		{"pre-1.8 tab layout", "  FirstSeen\tLastSeen\tCount\tFrom\t\t\tSubObjectPath\tType\t\tReason\t\tMessage\n" +
			"  ---------\t--------\t-----\t----\t\t\t-------------\t--------\t------\t\t-------\n" +
			"  25m\t\t12m\t\t4\t{kubelet node-1}\t\t\tWarning\t\tSystemOOM\tSystem OOM encountered\n",
			[]row{{"Warning", "SystemOOM", "12m", "{kubelet node-1}", "System OOM encountered"}}, 0},
		{"bad age warns", `  Type     Reason     Age        From     Message
  Warning  SystemOOM  yesterday  kubelet  System OOM encountered
`, []row{{"Warning", "SystemOOM", "yesterday", "kubelet", "System OOM encountered"}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs, warns := kubeEventsOf(tc.text)
			if diff := cmp.Diff(tc.want, rows(evs)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(warns) != tc.warns {
				t.Errorf("warnings = %v, want %d", warns, tc.warns)
			}
			for _, w := range warns {
				if w.Line <= 0 {
					t.Errorf("warning without line: %+v", w)
				}
			}
		})
	}
}

func TestPre18EventCounts(t *testing.T) {
	evs, _ := kubeEventsOf("  FirstSeen\tLastSeen\tCount\tFrom\t\t\tSubObjectPath\tType\t\tReason\t\tMessage\n" +
		"  ---------\t--------\t-----\t----\t\t\t-------------\t--------\t------\t\t-------\n" +
		"  25m\t\t12m\t\t4\t{kubelet node-1}\t\t\tWarning\t\tSystemOOM\tSystem OOM encountered\n")
	if len(evs) != 1 || evs[0].Count != 4 || evs[0].AgeSec == nil || *evs[0].AgeSec != 720 || evs[0].OldestSec == nil || *evs[0].OldestSec != 1500 {
		t.Fatalf("pre-1.8 event = %+v", evs)
	}
}

func TestSniffKubeRejects(t *testing.T) {
	for _, head := range []string{
		"",
		"[1375956.718910] pip3 invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0\n",
		"Oct 20 15:07:17 izwz9h8m2chowowqckbcy0z kernel: [1375956.718910] Out of memory: Killed process 23143 (pip3)\n",
		"-- Logs begin at Mon 2019-10-21 10:00:01 CST, end at Wed 2019-10-23 15:20:01 CST. --\n",
		"Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n/swapfile                               file\t\t2097148\t0\t-2\n",
		"              total        used        free      shared  buff/cache   available\nMem:        3880272     3512084      120340        1012      247848      139744\n",
		"NAME      TYPE  SIZE USED PRIO\n/swapfile file    2G   0B   -2\n",
		"MemTotal:        3880272 kB\nMemFree:          120340 kB\n",
		"Name:\tpip3\nUmask:\t0022\nState:\tS (sleeping)\n", // /proc/<pid>/status
		"NAME                CPU(cores)   MEMORY(bytes)\nweb-1               12m          412Mi\n",
		`{"cniVersion": "0.3.1", "name": "k8s-pod-network"}`,
		"apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfailSwapOn: false\n",
		"PID   USER     TIME  COMMAND\n    1 root      0:03 /sbin/init\n",
	} {
		if k := SniffKube([]byte(head)); k != "" {
			t.Errorf("SniffKube(%q) = %q, want \"\"", head, k)
		}
	}
}

func TestSniffKubeHeads(t *testing.T) {
	for _, tc := range []struct{ head, want string }{
		{"W0514 09:41:52.123456   12345 warnings.go:70] v1 ComponentStatus is deprecated\nNAME   STATUS   ROLES   AGE   VERSION\nn1     Ready    <none>  3d    v1.29.4\n", "get-nodes"},
		{"NAME                      READY   STATUS    RESTARTS   AGE\nweb-1                     1/1     Running   0          3d\n", "get-pods"},
		{"LAST SEEN   TYPE      REASON      OBJECT      MESSAGE\n2m          Warning   SystemOOM   node/n1     System OOM encountered\n", "get-events"},
		{`{"apiVersion": "v1", "items": [], "kind": "List", "metadata": {"resourceVersion": ""}}`, "kube-json"},
		{"apiVersion: v1\nitems: []\nkind: List\n", "kube-yaml"},
		{"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n", "get-pods-yaml"},
		{`{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}`, "get-nodes-json"},
	} {
		if got := SniffKube([]byte(tc.head)); got != tc.want {
			t.Errorf("SniffKube(%q) = %q, want %q", tc.head, got, tc.want)
		}
	}
}

func TestReadKubeUnknownKind(t *testing.T) {
	b := &Facts{}
	lines, w := ReadKube("nope", []byte("a\nb\n"), "x", b)
	if lines != 2 || len(w) != 1 || w[0].Line != 1 {
		t.Fatalf("ReadKube(unknown) = %d, %v", lines, w)
	}
}

func TestGetAllTables(t *testing.T) {
	// kubectl get all -A: several tables; only the pods one is read.
	data := []byte(`NAMESPACE     NAME                             READY   STATUS      RESTARTS      AGE
payments      pod/ledger-worker-0              1/1     Running     3 (85s ago)   47h
reports       pod/pdf-render-7d8c9b6f5-zz4lp   0/1     OOMKilled   0             9m

NAMESPACE     NAME                 TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)    AGE
default       service/kubernetes   ClusterIP   10.96.0.1      <none>        443/TCP    104d
payments      service/ledger-api   ClusterIP   10.103.7.214   <none>        8080/TCP   102d
`)
	if k := SniffKube(data); k != "get-pods" {
		t.Fatalf("SniffKube = %q", k)
	}
	b := &Facts{}
	_, w := ReadKube("get-pods", data, "all", b)
	if len(w) != 0 || len(b.Pods) != 2 || b.Pods[0].Name != "ledger-worker-0" || b.Pods[1].Status != "OOMKilled" || *b.Pods[0].Restarts != 3 {
		t.Fatalf("pods %+v, warnings %v", b.Pods, w)
	}
}

func TestRawAPIList(t *testing.T) {
	// kubectl get --raw /api/v1/pods: kind first, items without kind
	data := []byte(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"48213377"},"items":[
{"metadata":{"name":"ledger-worker-0","namespace":"payments","uid":"ad32d3e0-c1d9-438f-ae3f-6e31a4b0eacd"},
 "spec":{"nodeName":"k8s-worker-02","containers":[{"name":"ledger","resources":{"limits":{"memory":"4Gi"}}}]},
 "status":{"qosClass":"Guaranteed","containerStatuses":[{"name":"ledger","containerID":"containerd://53ead6aad9ac23d30d42f7c334f5cec745a1fc3d547f5da5e5f10fd723bc39b7","restartCount":3}]}}]}
`)
	if k := SniffKube(data); k != "get-pods-json" {
		t.Fatalf("SniffKube = %q", k)
	}
	b := &Facts{}
	_, w := ReadKube("get-pods-json", data, "raw", b)
	if len(w) != 0 || len(b.Pods) != 1 || b.Pods[0].UID != "ad32d3e0-c1d9-438f-ae3f-6e31a4b0eacd" || b.Pods[0].Ref.Line != 2 ||
		b.Pods[0].Containers[0].Ref.Line != 4 || *b.Pods[0].Containers[0].MemLimitKB != 4194304 {
		t.Fatalf("pods %+v, warnings %v", b.Pods, w)
	}
	y := []byte("apiVersion: v1\nkind: NodeList\nitems:\n- metadata:\n    name: n1\n  status:\n    capacity:\n      memory: 2025188Ki\n")
	if k := SniffKube(y); k != "get-nodes-yaml" {
		t.Fatalf("SniffKube(yaml) = %q", k)
	}
	b = &Facts{}
	_, w = ReadKube("get-nodes-yaml", y, "rawy", b)
	if len(w) != 0 || len(b.Nodes) != 1 || *b.Nodes[0].MemCapacityKB != 2025188 || b.Nodes[0].Ref.Line != 4 {
		t.Fatalf("nodes %+v, warnings %v", b.Nodes, w)
	}
}

func TestEventIndentedContinuation(t *testing.T) {
	evs, w := kubeEventsOf(`  Type     Reason      Age   From            Message
  ----     ------      ----  ----            -------
  Warning  OOMKilling  3m    kernel-monitor  Memory cgroup out of memory: Kill process 302951 (AsyncLogger-1) score 2366 or sacrifice child
  Killed process 300907 (java) total-vm:9452340kB, anon-rss:4186432kB, file-rss:14900kB
  Normal   Starting    1m    kubelet         Starting kubelet.
`)
	if len(w) != 0 || len(evs) != 2 || !strings.HasSuffix(evs[0].Message, "\nKilled process 300907 (java) total-vm:9452340kB, anon-rss:4186432kB, file-rss:14900kB") {
		t.Fatalf("events %+v, warnings %v", evs, w)
	}
}

// TestEventVictim: the process an event names, for both reasons: the
// kubelet's SystemOOM wording and the kernel line an OOMKilling event
// quotes (with the kernel's prefix message); other events name none.
func TestEventVictim(t *testing.T) {
	for _, tc := range []struct {
		reason, msg, name string
		pid               int // -1: nil
	}{
		{"SystemOOM", "System OOM encountered, victim process: pip3, pid: 23143", "pip3", 23143},
		{"OOMKilling", "Memory cgroup out of memory: Killed process 7001 (java) total-vm:4020112kB, anon-rss:3901220kB, file-rss:0kB, shmem-rss:0kB", "java", 7001},
		{"OOMKilling", "Out of memory: Killed process 912 (mysqld) total-vm:2112380kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB, UID:27 pgtables:3904kB oom_score_adj:0", "mysqld", 912},
		{"OOMKilling", "Memory cgroup out of memory", "", -1},
		{"NodeNotReady", "Killed process 5 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB", "", -1},
	} {
		name, pid := EventVictim(tc.reason, tc.msg)
		got := -1
		if pid != nil {
			got = *pid
		}
		if name != tc.name || got != tc.pid {
			t.Errorf("EventVictim(%s, %q) = %q, %d; want %q, %d", tc.reason, tc.msg, name, got, tc.name, tc.pid)
		}
	}
}
