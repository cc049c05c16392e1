package kube

// The kubelet's configuration, from its config file and its flags:
//
//	var/lib/kubelet/config.yaml
//	apiVersion: kubelet.config.k8s.io/v1beta1
//	kind: KubeletConfiguration
//	cgroupDriver: systemd
//	failSwapOn: false
//	memorySwap:
//	  swapBehavior: LimitedSwap
//	featureGates:
//	  NodeSwap: true
//	evictionHard:
//	  memory.available: "100Mi"
//
//	var/snap/microk8s/current/args/kubelet (one flag a line)
//	--kubeconfig=${SNAP_DATA}/credentials/kubelet.config
//	--fail-swap-on=false
//	--eviction-hard="memory.available<100Mi,nodefs.available<1Gi,imagefs.available<1Gi"
//
//	var/lib/kubelet/kubeadm-flags.env
//	KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"
//
// Flags override the config file, as in the kubelet.

import (
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/oomlens/oomlens/parse/facts"
)

// ParseKubeletConfig reads a KubeletConfiguration yaml file into k. ok is
// false when data is not one (no "kind: KubeletConfiguration").
func ParseKubeletConfig(data []byte, path string, k *KubeletConfig) (ok bool, warns []Warning) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return false, []Warning{{Ref: Ref{Path: path, Line: 1}, Message: "kubelet config: " + err.Error()}}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false, nil
	}
	root := doc.Content[0]
	if kind := mapGet(root, "kind"); kind == nil || kind.Value != "KubeletConfiguration" {
		return false, nil
	}
	k.Sources = append(k.Sources, Ref{Path: path, Line: 1})
	ref := func(n *yaml.Node) Ref { return Ref{Path: path, Line: n.Line} }
	boolAt := func(n *yaml.Node, name string) *bool {
		var b bool
		if err := n.Decode(&b); err != nil {
			warns = append(warns, Warning{Ref: ref(n), Message: "kubelet config: " + name + " is not a boolean"})
			return nil
		}
		return &b
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "failSwapOn":
			if b := boolAt(val, key.Value); b != nil {
				k.FailSwapOn, k.FailSwapOnRef = b, ptr(ref(key))
			}
		case "memorySwap":
			if sb := mapGet(val, "swapBehavior"); sb != nil {
				k.SwapBehavior, k.SwapBehavRef = sb.Value, ptr(ref(sb))
			}
		case "featureGates":
			for _, kv := range mapPairs(val, path) {
				k.FeatureGates = append(k.FeatureGates, kv)
				if kv.Key == "NodeSwap" {
					if b, err := strconv.ParseBool(kv.Value); err == nil {
						k.NodeSwapGate, k.NodeSwapRef = &b, ptr(kv.Ref)
					}
				}
			}
		case "evictionHard":
			k.EvictionHard = mapPairs(val, path)
		case "evictionSoft":
			k.EvictionSoft = mapPairs(val, path)
		case "systemReserved":
			k.SystemReserved = mapPairs(val, path)
		case "kubeReserved":
			k.KubeReserved = mapPairs(val, path)
		case "cgroupDriver":
			k.CgroupDriver = val.Value
		case "singleProcessOOMKill":
			k.SingleProcessOOMKill = boolAt(val, key.Value)
		}
	}
	return true, warns
}

func mapGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func mapPairs(m *yaml.Node, path string) []KVString {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out []KVString
	for i := 0; i+1 < len(m.Content); i += 2 {
		out = append(out, KVString{Key: m.Content[i].Value, Value: m.Content[i+1].Value, Ref: Ref{Path: path, Line: m.Content[i].Line}})
	}
	return out
}

// KUBELET_KUBEADM_ARGS="…", KUBELET_EXTRA_ARGS=…, Environment="KUBELET_EXTRA_ARGS=…"
var kubeletEnvRE = regexp.MustCompile(`^(?:Environment="?)?(?P<var>KUBELET_[A-Z_]*ARGS|DAEMON_ARGS)=(?P<val>.*?)"?$`)

// ParseKubeletFlags reads kubelet command-line flags from a flag file (one
// flag a line, as microk8s keeps them) or an environment file
// (kubeadm-flags.env, /etc/default/kubelet, a systemd drop-in) into k. ok
// is false when data holds no kubelet flag.
func ParseKubeletFlags(data []byte, path string, k *KubeletConfig) (ok bool, warns []Warning) {
	var flags []KVString
	facts.ForLines(data, func(n int, line string) {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			return
		}
		if m := kubeletEnvRE.FindStringSubmatch(t); m != nil {
			t = strings.Trim(m[2], `"'`)
		}
		for _, tok := range splitArgs(t) {
			if !strings.HasPrefix(tok, "--") {
				continue
			}
			name, val, has := strings.Cut(tok[2:], "=")
			if !has {
				val = "true"
			}
			flags = append(flags, KVString{Key: name, Value: strings.Trim(val, `"'`), Ref: Ref{Path: path, Line: n}})
		}
	})
	if len(flags) == 0 {
		return false, nil
	}
	k.Sources = append(k.Sources, Ref{Path: path, Line: 1})
	k.Flags = append(k.Flags, flags...)
	for _, f := range flags {
		switch f.Key {
		case "fail-swap-on", "experimental-fail-swap-on":
			b, err := strconv.ParseBool(f.Value)
			if err != nil {
				warns = append(warns, Warning{Ref: f.Ref, Message: "kubelet flags: --" + f.Key + " is not a boolean"})
				continue
			}
			k.FailSwapOn, k.FailSwapOnRef = &b, ptr(f.Ref)
		case "feature-gates":
			for _, g := range splitList(f.Value, '=', f.Ref) {
				k.FeatureGates = append(k.FeatureGates, g)
				if g.Key == "NodeSwap" {
					if b, err := strconv.ParseBool(g.Value); err == nil {
						k.NodeSwapGate, k.NodeSwapRef = &b, ptr(g.Ref)
					}
				}
			}
		case "eviction-hard":
			k.EvictionHard = splitList(f.Value, '<', f.Ref)
		case "eviction-soft":
			k.EvictionSoft = splitList(f.Value, '<', f.Ref)
		case "system-reserved":
			k.SystemReserved = splitList(f.Value, '=', f.Ref)
		case "kube-reserved":
			k.KubeReserved = splitList(f.Value, '=', f.Ref)
		case "cgroup-driver":
			k.CgroupDriver = f.Value
		case "config":
			k.ConfigFile = f.Value
		}
	}
	return true, warns
}

// splitArgs splits a command line on blanks, keeping quoted parts together.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && (c == ' ' || c == '\t'):
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// splitList reads "a<1,b<2" or "A=true,B=false".
func splitList(s string, sep byte, ref Ref) []KVString {
	var out []KVString
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, string(sep))
		out = append(out, KVString{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v), Ref: ref})
	}
	return out
}

// "v1.16.2", "1.28.3", "v1.30.0-eks-036c24b"
var kubeVersionRE = regexp.MustCompile(`^v?(?P<maj>[0-9]+)\.(?P<min>[0-9]+)(?:\.[0-9]+)?`)

// KubeletSwap is the swap behaviour the kubelet applies to containers.
type KubeletSwap struct {
	// Behavior is one of: fail-swap-on (the kubelet refuses to run with
	// swap on), unlimited (the kubelet sets no swap limit: containers may
	// swap up to the runtime's default), NoSwap, LimitedSwap,
	// UnlimitedSwap, unknown.
	Behavior string
	// Why explains the decision in one sentence.
	Why string
	// Evidence is the configuration lines it rests on.
	Evidence []Ref
}

// EffectiveSwap works out the kubelet's swap behaviour from its
// configuration, its version ("v1.16.2", "" if unknown) and the node's
// cgroup version (nil if unknown), following KEP-2400:
// NodeSwap alpha (off) in 1.22–1.27, beta (off, default UnlimitedSwap) in
// 1.28–1.29, beta (on, default NoSwap) from 1.30, GA from 1.34.
func EffectiveSwap(k *KubeletConfig, version string, cgroupV2 *bool) KubeletSwap {
	if k == nil {
		return KubeletSwap{Behavior: "unknown", Why: "the bundle has no kubelet configuration"}
	}
	var ev []Ref
	if k.FailSwapOnRef != nil {
		ev = append(ev, *k.FailSwapOnRef)
	}
	if k.NodeSwapRef != nil {
		ev = append(ev, *k.NodeSwapRef)
	}
	if k.SwapBehavRef != nil {
		ev = append(ev, *k.SwapBehavRef)
	}
	if k.FailSwapOn == nil || *k.FailSwapOn {
		why := "failSwapOn is true: the kubelet refuses to start while swap is on"
		if k.FailSwapOn == nil {
			why = "failSwapOn is not set and defaults to true (since 1.8): the kubelet refuses to start while swap is on"
		}
		return KubeletSwap{Behavior: "fail-swap-on", Why: why, Evidence: ev}
	}
	if k.VersionRef != nil {
		ev = append(ev, *k.VersionRef)
	}
	m := kubeVersionRE.FindStringSubmatch(version)
	if m == nil {
		if k.SwapBehavior != "" && k.NodeSwapGate != nil && *k.NodeSwapGate {
			return KubeletSwap{Behavior: k.SwapBehavior, Why: "NodeSwap is on and memorySwap.swapBehavior is " + k.SwapBehavior + " (kubelet version unknown)", Evidence: ev}
		}
		return KubeletSwap{Behavior: "unknown", Why: "failSwapOn is false but the kubelet version is unknown, and the swap behaviour depends on it", Evidence: ev}
	}
	maj, _ := strconv.Atoi(m[1])
	mnr, _ := strconv.Atoi(m[2])
	v := maj*1000 + mnr
	gateDefault := v >= 1030
	gate := gateDefault
	if k.NodeSwapGate != nil && v < 1034 {
		gate = *k.NodeSwapGate
	}
	switch {
	case v < 1022:
		return KubeletSwap{Behavior: "unlimited", Why: "before 1.22 the kubelet sets no swap limit when failSwapOn is false: containers can swap", Evidence: ev}
	case !gate:
		return KubeletSwap{Behavior: "unlimited", Why: "the NodeSwap feature gate is off, so the kubelet sets no swap limit: containers can swap", Evidence: ev}
	}
	b := k.SwapBehavior
	switch {
	case b != "":
	case v < 1028:
		b = "LimitedSwap"
	case v < 1030:
		b = "UnlimitedSwap"
	default:
		b = "NoSwap"
	}
	why := "NodeSwap is on and swapBehavior is " + b
	if k.SwapBehavior == "" {
		why = "NodeSwap is on and swapBehavior is unset, which means " + b + " in " + version
	}
	if b == "LimitedSwap" && v >= 1028 && cgroupV2 != nil && !*cgroupV2 {
		why += "; on cgroup v1 LimitedSwap gives containers no swap beyond their memory limit"
	}
	if b == "LimitedSwap" && v < 1028 && cgroupV2 != nil && *cgroupV2 {
		why += "; in the alpha, LimitedSwap on cgroup v2 gives containers no swap"
	}
	return KubeletSwap{Behavior: b, Why: why, Evidence: ev}
}
