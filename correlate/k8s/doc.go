// Package k8s answers what the bundle's Kubernetes facts say about this
// host: which pod (and container) a memory cgroup path is, which described
// node is this host, the kubelet's version and its effective swap for pods,
// and when the kubelet last started.
//
//	if cp := kube.PodFromCgroup(memcgPath); cp != nil {
//		pod := k8s.PodOf(bundle, logs, cp) // namespace, name, QoS, container, refs
//	}
//	sp := k8s.KubeletSwap(bundle)           // sp.Effective: NoSwap, LimitedSwap, …
//
// It reads parsed facts (packages parse, parse/kube) and places times with
// package clock; it knows nothing of kills or of the Report, and never
// imports correlate, which turns its answers into report fields and
// findings.
package k8s
