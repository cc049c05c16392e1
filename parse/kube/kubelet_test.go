package kube

import (
	"testing"
)

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
