package k8s

import (
	"strings"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kube"
)

// Pod is the pod a memory cgroup path names, as the bundle describes it.
type Pod struct {
	UID, ContainerID string // from the path
	QoS              string // the pod listing's (lower case), else the path's
	Namespace, Name  string // "" when nothing in the bundle names the pod
	Container        string // "" when unknown
	// Refs are the listings and lines that name it, in no order.
	Refs []parse.Ref
}

// PodOf looks up the pod of a parsed memcg path (kube.PodFromCgroup) in the
// bundle's pod listings, else by the kubelet's PLEG lines in the logs, and
// its container in the pod's containers or the runtime's container list.
func PodOf(b *parse.Bundle, logs []*parse.KernelLog, cp *kube.CgroupPod) *Pod {
	pod := &Pod{UID: cp.UID, ContainerID: cp.ContainerID, QoS: cp.QoS}
	uid := strings.ToLower(strings.ReplaceAll(cp.UID, "_", "-"))
	for _, p := range b.Pods {
		if p == nil || strings.ToLower(p.UID) != uid {
			continue
		}
		pod.Namespace, pod.Name = p.Namespace, p.Name
		if p.QoS != "" {
			pod.QoS = strings.ToLower(p.QoS)
		}
		pod.Refs = append(pod.Refs, p.Ref)
		if cp.ContainerID != "" {
			for _, c := range p.Containers {
				if idMatch(c.ID, cp.ContainerID) {
					pod.Container = c.Name
					pod.Refs = append(pod.Refs, c.Ref)
				}
			}
		}
	}
	if pod.Name == "" {
		podByPLEG(b, logs, uid, pod)
	}
	if cp.ContainerID != "" && pod.Container == "" {
		for _, c := range b.Containers {
			if c == nil || !idMatch(c.ID, cp.ContainerID) {
				continue
			}
			pod.Container = c.Name
			if pod.Name == "" {
				pod.Name, pod.Namespace = c.PodName, c.PodNamespace
			}
			pod.Refs = append(pod.Refs, c.Ref)
			break
		}
	}
	return pod
}

// podByPLEG names the pod of a UID from the kubelet's PLEG lines, then
// takes its QoS and its one OOM-killed container from the pod listing of
// that name.
func podByPLEG(b *parse.Bundle, logs []*parse.KernelLog, uid string, pod *Pod) {
	for _, lg := range logs {
		for i := range lg.Events {
			ev := &lg.Events[i]
			if ev.Kind != "kubelet-pleg" || strings.ToLower(ev.PodUID) != uid {
				continue
			}
			if ns, name, ok := strings.Cut(ev.Pod, "/"); ok {
				pod.Namespace, pod.Name = ns, name
				pod.Refs = append(pod.Refs, ev.Ref)
			}
			break
		}
		if pod.Name != "" {
			break
		}
	}
	if pod.Name == "" {
		return
	}
	for _, p := range b.Pods {
		if p == nil || p.Name != pod.Name || p.Namespace != pod.Namespace {
			continue
		}
		if p.QoS != "" {
			pod.QoS = strings.ToLower(p.QoS)
			pod.Refs = append(pod.Refs, p.Ref)
		}
		// the one container whose last state is OOMKilled
		var oomed []parse.PodContainer
		for _, c := range p.Containers {
			if c.LastReason == "OOMKilled" {
				oomed = append(oomed, c)
			}
		}
		if len(oomed) == 1 && pod.Container == "" {
			pod.Container = oomed[0].Name
			pod.Refs = append(pod.Refs, oomed[0].Ref)
		}
	}
}

// idMatch compares a runtime-prefixed or truncated container ID with a full one.
func idMatch(listed, full string) bool {
	if i := strings.Index(listed, "://"); i >= 0 {
		listed = listed[i+3:]
	}
	listed, full = strings.ToLower(listed), strings.ToLower(full)
	if len(listed) < 12 || len(full) < 12 {
		return false
	}
	return strings.HasPrefix(full, listed) || strings.HasPrefix(listed, full)
}

// IsThisNode says whether a described node is the host the logs came from:
// with one node in the bundle, assume so (sos clean renames hosts); with
// several, the node name must match the hostname.
func IsThisNode(b *parse.Bundle, n *parse.Node) bool {
	count := 0
	for _, x := range b.Nodes {
		if x != nil {
			count++
		}
	}
	h := strings.ToLower(b.Host.Hostname)
	if count <= 1 || h == "" {
		return true
	}
	name := strings.ToLower(n.Name)
	return name == h || strings.HasPrefix(h, name+".") || strings.HasPrefix(name, h+".")
}
