package kube

import (
	"bytes"
	"testing"
)

func kubeBenchInput(b *testing.B, name string, copies int, sep string) []byte {
	one := readKubeFile(b, name)
	return bytes.Repeat(append(one, sep...), copies)
}

func BenchmarkDescribeNode(b *testing.B) {
	data := kubeBenchInput(b, "describe-node-kubeadm-1.29-systemd-cgroupv2.txt", 200, "\n\n")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if nodes, _, _ := parseDescribeNode(data, "bench"); len(nodes) != 200 {
			b.Fatal(len(nodes))
		}
	}
}

func BenchmarkKubeJSON(b *testing.B) {
	data := kubeBenchInput(b, "get-pods.json", 100, "")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if o, _, _ := parseKubeJSON(data, "bench"); len(o.Pods) != 300 {
			b.Fatal(len(o.Pods))
		}
	}
}

func BenchmarkKubeYAML(b *testing.B) {
	data := kubeBenchInput(b, "get-pods.yaml", 100, "---\n")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if o, _, _ := parseKubeYAML(data, "bench"); len(o.Pods) != 300 {
			b.Fatal(len(o.Pods))
		}
	}
}

func BenchmarkSniffKube(b *testing.B) {
	data := kubeBenchInput(b, "get-pods.yaml", 20, "---\n")
	b.SetBytes(int64(min(len(data), sniffLimit)))
	for b.Loop() {
		if SniffKube(data) != "get-pods-yaml" {
			b.Fatal("sniff")
		}
	}
}

func BenchmarkPodFromCgroup(b *testing.B) {
	const p = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podfbdfe8e3_1c87_4ff2_907c_b2ec8e25d012.slice/cri-containerd-ef807430361e6e82b45db92e2e9b6fbec98f419b12c591e655c1a725565e73a8.scope"
	for b.Loop() {
		if PodFromCgroup(p) == nil {
			b.Fatal("nil")
		}
	}
}
