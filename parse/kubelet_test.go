package parse

import "testing"

const kubeletConfigYAML = `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
cgroupDriver: systemd
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "10%"
evictionSoft:
  memory.available: "300Mi"
failSwapOn: false
featureGates:
  NodeSwap: true
kind: KubeletConfiguration
kubeReserved:
  memory: 512Mi
memorySwap:
  swapBehavior: LimitedSwap
systemReserved:
  cpu: 500m
  memory: 1Gi
`

func TestParseKubeletConfig(t *testing.T) {
	k := &KubeletConfig{}
	ok, w := ParseKubeletConfig([]byte(kubeletConfigYAML), "var/lib/kubelet/config.yaml", k)
	if !ok || len(w) != 0 {
		t.Fatalf("ok=%v warnings=%v", ok, w)
	}
	if k.FailSwapOn == nil || *k.FailSwapOn || k.FailSwapOnRef.Line != 11 {
		t.Errorf("failSwapOn = %v %+v, want false on line 11", k.FailSwapOn, k.FailSwapOnRef)
	}
	if k.SwapBehavior != "LimitedSwap" || k.SwapBehavRef.Line != 18 {
		t.Errorf("swapBehavior = %q %+v", k.SwapBehavior, k.SwapBehavRef)
	}
	if k.NodeSwapGate == nil || !*k.NodeSwapGate || k.NodeSwapRef.Line != 13 {
		t.Errorf("NodeSwap = %v %+v", k.NodeSwapGate, k.NodeSwapRef)
	}
	if len(k.EvictionHard) != 2 || k.EvictionHard[0].Key != "memory.available" || k.EvictionHard[0].Value != "100Mi" || k.EvictionHard[1].Value != "10%" {
		t.Errorf("evictionHard = %+v", k.EvictionHard)
	}
	if len(k.EvictionSoft) != 1 || len(k.KubeReserved) != 1 || len(k.SystemReserved) != 2 || k.SystemReserved[1].Value != "1Gi" {
		t.Errorf("soft %+v kube %+v system %+v", k.EvictionSoft, k.KubeReserved, k.SystemReserved)
	}
	if k.CgroupDriver != "systemd" {
		t.Errorf("cgroupDriver = %q", k.CgroupDriver)
	}
	// not a kubelet config
	k2 := &KubeletConfig{}
	if ok, _ := ParseKubeletConfig([]byte("apiVersion: v1\nkind: Config\nclusters: []\n"), "etc/kubernetes/kubelet.conf", k2); ok {
		t.Error("a kubeconfig was read as a kubelet config")
	}
	if ok, w := ParseKubeletConfig([]byte("kind: [\n"), "x.yaml", k2); ok || len(w) != 1 {
		t.Errorf("bad yaml: ok=%v warnings=%v", ok, w)
	}
	if ok, w := ParseKubeletConfig([]byte("kind: KubeletConfiguration\nfailSwapOn: maybe\n"), "x.yaml", k2); !ok || len(w) != 1 || k2.FailSwapOn != nil {
		t.Errorf("bad bool: ok=%v warnings=%v failSwapOn=%v", ok, w, k2.FailSwapOn)
	}
}

func TestParseKubeletFlags(t *testing.T) {
	microk8s := `--kubeconfig=${SNAP_DATA}/credentials/kubelet.config
--cert-dir=${SNAP_DATA}/certs
--client-ca-file=${SNAP_DATA}/certs/ca.crt
--anonymous-auth=false
--root-dir=${SNAP_COMMON}/var/lib/kubelet
--fail-swap-on=false
--feature-gates=DevicePlugins=true,NodeSwap=false
--eviction-hard="memory.available<100Mi,nodefs.available<1Gi,imagefs.available<1Gi"
--container-runtime=remote
`
	k := &KubeletConfig{}
	ok, w := ParseKubeletFlags([]byte(microk8s), "var/snap/microk8s/current/args/kubelet", k)
	if !ok || len(w) != 0 {
		t.Fatalf("ok=%v warnings=%v", ok, w)
	}
	if k.FailSwapOn == nil || *k.FailSwapOn || k.FailSwapOnRef.Line != 6 {
		t.Errorf("fail-swap-on = %v %+v", k.FailSwapOn, k.FailSwapOnRef)
	}
	if k.NodeSwapGate == nil || *k.NodeSwapGate || len(k.FeatureGates) != 2 {
		t.Errorf("gates = %+v NodeSwap %v", k.FeatureGates, k.NodeSwapGate)
	}
	if len(k.EvictionHard) != 3 || k.EvictionHard[0].Key != "memory.available" || k.EvictionHard[0].Value != "100Mi" || k.EvictionHard[2].Ref.Line != 8 {
		t.Errorf("eviction-hard = %+v", k.EvictionHard)
	}
	env := `KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9 --fail-swap-on=true --cgroup-driver=systemd"
`
	k = &KubeletConfig{}
	if ok, _ := ParseKubeletFlags([]byte(env), "var/lib/kubelet/kubeadm-flags.env", k); !ok {
		t.Fatal("kubeadm-flags.env not read")
	}
	if k.FailSwapOn == nil || !*k.FailSwapOn || k.CgroupDriver != "systemd" || len(k.Flags) != 4 {
		t.Errorf("kubeadm flags: failSwapOn %v driver %q flags %+v", k.FailSwapOn, k.CgroupDriver, k.Flags)
	}
	dropin := `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
`
	k = &KubeletConfig{}
	if ok, _ := ParseKubeletFlags([]byte(dropin), "etc/systemd/system/kubelet.service.d/10-kubeadm.conf", k); !ok || k.ConfigFile != "/var/lib/kubelet/config.yaml" {
		t.Errorf("drop-in: config = %q", k.ConfigFile)
	}
	if ok, _ := ParseKubeletFlags([]byte("# nothing here\nFOO=bar\n"), "etc/default/kubelet", &KubeletConfig{}); ok {
		t.Error("a file without flags was read")
	}
}

func TestEffectiveSwap(t *testing.T) {
	f, tr := false, true
	tests := []struct {
		name     string
		k        *KubeletConfig
		version  string
		cgroupV2 *bool
		want     string
	}{
		{"no config", nil, "v1.30.0", nil, "unknown"},
		{"failSwapOn default", &KubeletConfig{}, "v1.16.2", nil, "fail-swap-on"},
		{"seed: microk8s 1.16, fail-swap-on=false", &KubeletConfig{FailSwapOn: &f}, "v1.16.2", nil, "unlimited"},
		{"1.25 gate off", &KubeletConfig{FailSwapOn: &f}, "v1.25.3", &tr, "unlimited"},
		{"1.25 gate on, default LimitedSwap", &KubeletConfig{FailSwapOn: &f, NodeSwapGate: &tr}, "v1.25.3", &f, "LimitedSwap"},
		{"1.28 gate on, default UnlimitedSwap", &KubeletConfig{FailSwapOn: &f, NodeSwapGate: &tr}, "v1.28.2", &tr, "UnlimitedSwap"},
		{"1.30 default NoSwap", &KubeletConfig{FailSwapOn: &f}, "v1.30.1", &tr, "NoSwap"},
		{"1.30 LimitedSwap", &KubeletConfig{FailSwapOn: &f, SwapBehavior: "LimitedSwap"}, "v1.30.1", &tr, "LimitedSwap"},
		{"1.31 gate turned off", &KubeletConfig{FailSwapOn: &f, NodeSwapGate: &f}, "v1.31.0", &tr, "unlimited"},
		{"1.34 gate locked on", &KubeletConfig{FailSwapOn: &f, NodeSwapGate: &f}, "v1.34.0", &tr, "NoSwap"},
		{"version unknown", &KubeletConfig{FailSwapOn: &f}, "", nil, "unknown"},
	}
	for _, tc := range tests {
		got := EffectiveSwap(tc.k, tc.version, tc.cgroupV2)
		if got.Behavior != tc.want || got.Why == "" {
			t.Errorf("%s: EffectiveSwap = %+v, want %s", tc.name, got, tc.want)
		}
	}
}

func TestParseSosLog(t *testing.T) {
	in := `2019-10-20 15:13:01,123 INFO:  Setting up plugins ...
 Plugin kubernetes timed out
[plugin:logs] command 'journalctl --no-pager' timed out after 300s
[plugin:logs] command 'journalctl --no-pager' timed out after 300s
`
	got := parseSosLog([]byte(in), "sos_logs/ui.log")
	if len(got) != 2 || got[0].Plugin != "kubernetes" || got[0].Command != "" || got[0].Line != 2 ||
		got[1].Plugin != "logs" || got[1].Command != "journalctl --no-pager" || got[1].Line != 3 {
		t.Errorf("parseSosLog = %+v", got)
	}
}

func TestSosHelpers(t *testing.T) {
	for in, want := range map[string]string{"sosreport: 3.9\n": "3.9", "sos report: 4.8.0\n": "4.8.0", "sosreport: 3.5.1.0\n": "3.5.1.0"} {
		if v, ref := parseSosVersion([]byte(in), "version.txt"); v != want || ref == nil {
			t.Errorf("parseSosVersion(%q) = %q", in, v)
		}
	}
	manifest := `{"version": "4.5.6", "cmdline": "sos report --batch", "start_time": "2024-02-01 10:00:00",
 "components": {"report": {"plugins": {
   "kernel": {"commands": [
     {"command": "dmesg", "parameters": [], "exec": "dmesg", "filepath": "sos_commands/kernel/dmesg", "truncated": false, "return_code": 0},
     {"command": "sysctl", "parameters": ["-a"], "exec": "sysctl -a", "filepath": "sos_commands/kernel/sysctl_-a", "truncated": false, "return_code": 255}]},
   "logs": {"commands": [
     {"command": "journalctl", "exec": "journalctl --no-pager", "filepath": "sos_commands/logs/journalctl_--no-pager", "truncated": true, "return_code": 0}]}}}}}`
	v, cmds, err := parseSosManifest([]byte(manifest))
	if err != nil || v != "4.5.6" || len(cmds) != 3 {
		t.Fatalf("manifest = %q %v %v", v, cmds, err)
	}
	if !cmds["sos_commands/logs/journalctl_--no-pager"].Truncated || *cmds["sos_commands/kernel/sysctl_-a"].ReturnCode != 255 {
		t.Errorf("manifest commands = %+v", cmds)
	}
	kinds := map[string]string{
		"sos_commands/kernel/dmesg":                                            "kernel-log",
		"sos_commands/kernel/dmesg_-T":                                         "kernel-log",
		"sos_commands/general/dmesg_now":                                       "kernel-log",
		"var/log/messages-20191013.gz":                                         "kernel-log",
		"var/log/kern.log.1":                                                   "kernel-log",
		"sos_strings/logs/var.log.messages.tailed":                             "kernel-log",
		"sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1":          "kernel-log",
		"sos_commands/logs/journalctl_--all_--this-boot_--no-pager_-o_verbose": "",
		"sos_commands/logs/journalctl_--disk-usage":                            "",
		"sos_commands/memory/swapon_--bytes_--show":                            "swapon",
		"sos_commands/memory/swapon_--bytes_--show.1":                          "swapon",
		"sos_commands/memory/free_-m":                                          "free",
		"sos_commands/kubernetes/nodes/kubectl_--kubeconfig_.etc.kubernetes.admin.conf_describe_node_node1": "describe-node",
		"sos_commands/kubernetes/cluster-info/microk8s_kubectl_get_nodes":                                   "get-nodes",
		"sos_commands/kubernetes/cluster-info/kubectl_get_-o_json_nodes":                                    "get-nodes-json",
		"sos_commands/kubernetes/pods/kubectl_get_--all-namespaces_true_pods":                               "get-pods",
		"sos_commands/crio/crictl_ps_-a":                                                                    "crictl-ps",
		"sos_commands/systemd/journalctl_--list-boots":                                                      "list-boots",
		"proc/sys/vm/swappiness":                                                                            "sysctl",
		"date":                                                                                              "sniff",
		"proc/cpuinfo":                                                                                      "",
		"sos_commands/kernel/lsmod":                                                                         "",
	}
	for p, want := range kinds {
		if got := sosKind(p); got != want {
			t.Errorf("sosKind(%q) = %q, want %q", p, got, want)
		}
	}
	for dir, want := range map[string]bool{"sos_commands": true, "sos_commands/kubernetes/cluster-info/default/pods": true,
		"proc": true, "proc/1234": false, "proc/sys": true, "proc/sys/net": false, "sys": true, "sys/fs": false, "usr/share": false, "var/log/journal": false} {
		if got := sosDescend(dir); got != want {
			t.Errorf("sosDescend(%q) = %v, want %v", dir, got, want)
		}
	}
}
