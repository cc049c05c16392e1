// Package kube reads Kubernetes and container-runtime output saved in a
// bundle. SniffKube names a file's kind from its first bytes; ReadKube
// parses the whole file into Facts (nodes, pods, containers, events).
// The formats themselves live in describenode.go, describepod.go, describe_events.go, kubectl_get.go,
// kube_objects.go, runtime_ps.go and cgroup_pod.go. A typical head:
//
//	Name:               izwz9h8m2chowowqckbcy0z
//	Roles:              <none>
//	Labels:             beta.kubernetes.io/arch=amd64
package kube

import (
	"bytes"
	"strings"
)

// sniffLimit is how much of a file SniffKube looks at.
const sniffLimit = 64 << 10

// SniffKube tells which kubectl / container-runtime output head (the first
// bytes of a file) is: describe-node, get-nodes, get-nodes-json,
// get-nodes-yaml, get-pods, get-pods-json, get-pods-yaml, get-events,
// get-events-json, get-events-yaml, describe-pod, crictl-ps, crictl-pods,
// docker-ps, ctr-containers; kube-json / kube-yaml for a List whose item
// kind is not visible (empty); "" if none. It reads at most 64 KiB.
func SniffKube(head []byte) (kind string) {
	if len(head) > sniffLimit {
		head = head[:sniffLimit]
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) == 0 {
		return ""
	}
	if t[0] == '{' {
		return sniffJSON(t)
	}
	if bytes.HasPrefix(t, []byte("apiVersion:")) || bytes.HasPrefix(t, []byte("kind:")) || bytes.HasPrefix(t, []byte("---\n")) && bytes.Contains(t[:min(len(t), 200)], []byte("\napiVersion:")) {
		return sniffYAML(t)
	}
	first := firstContentLine(t)
	if strings.HasPrefix(first, "Name:") {
		return sniffDescribe(t)
	}
	return sniffTable(first)
}

// firstContentLine returns the first line that is not blank or a kubectl
// preamble (klog warning, "Warning: …").
func firstContentLine(t []byte) string {
	for len(t) > 0 {
		line, rest, _ := bytes.Cut(t, []byte("\n"))
		t = rest
		l := strings.TrimRight(string(line), "\r")
		if strings.TrimSpace(l) == "" || kubePreamble(l) {
			continue
		}
		return l
	}
	return ""
}

func sniffJSON(t []byte) string {
	if !bytes.Contains(t, []byte(`"apiVersion"`)) {
		return ""
	}
	// The object's own "kind" sits at depth 1 ({ … }) and a List item's at
	// depth 3 ({ "items": [ { … } ] }); deeper ones (involvedObject.kind)
	// are not the file's.
	list := false
	depth := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '"':
			j := i + 1
			for j < len(t) && t[j] != '"' {
				if t[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(t) {
				return kindIf(list, "kube-json")
			}
			str := t[i+1 : j]
			i = j
			if depth != 1 && depth != 3 || string(str) != "kind" {
				continue
			}
			v := bytes.TrimLeft(t[j+1:], " \t\r\n")
			if !bytes.HasPrefix(v, []byte(":")) {
				continue
			}
			v = bytes.TrimLeft(v[1:], " \t\r\n")
			switch {
			case bytes.HasPrefix(v, []byte(`"Pod"`)), bytes.HasPrefix(v, []byte(`"PodList"`)):
				return "get-pods-json"
			case bytes.HasPrefix(v, []byte(`"Node"`)), bytes.HasPrefix(v, []byte(`"NodeList"`)):
				return "get-nodes-json"
			case bytes.HasPrefix(v, []byte(`"Event"`)), bytes.HasPrefix(v, []byte(`"EventList"`)):
				return "get-events-json"
			case bytes.HasPrefix(v, []byte(`"List"`)):
				list = true
			}
		}
	}
	return kindIf(list, "kube-json")
}

func kindIf(ok bool, kind string) string {
	if ok {
		return kind
	}
	return ""
}

func sniffYAML(t []byte) string {
	if !bytes.Contains(t, []byte("apiVersion:")) {
		return ""
	}
	// The object's kind is at indent 0, a List item's at indent 2 ("- kind:"
	// or "  kind:"); involvedObject.kind is deeper.
	list := false
	for _, raw := range bytes.Split(t, []byte("\n")) {
		l := string(raw)
		var v string
		var ok bool
		for _, p := range []string{"kind:", "  kind:", "- kind:"} {
			if v, ok = strings.CutPrefix(l, p); ok {
				break
			}
		}
		if !ok {
			continue
		}
		switch strings.Trim(strings.TrimSpace(v), `"'`) {
		case "Pod", "PodList":
			return "get-pods-yaml"
		case "Node", "NodeList":
			return "get-nodes-yaml"
		case "Event", "EventList":
			return "get-events-yaml"
		case "List":
			list = true
		}
	}
	return kindIf(list, "kube-yaml")
}

func sniffDescribe(t []byte) string {
	has := func(s string) bool { return bytes.Contains(t, []byte("\n"+s)) }
	switch {
	case has("Namespace:") && (has("Containers:") || has("QoS Class:") || has("Service Account:")):
		return "describe-pod"
	case has("Conditions:") && (has("Roles:") || has("Capacity:") || has("System Info:") || has("Taints:")):
		return "describe-node"
	}
	return ""
}

func sniffTable(header string) string {
	cols := tableHeader(header)
	if len(cols) < 3 {
		return ""
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if colIndex(cols, n) < 0 {
				return false
			}
		}
		return true
	}
	first := cols[0].Name
	switch {
	case has("NAME", "READY", "STATUS", "RESTARTS"):
		return "get-pods"
	case has("NAME", "STATUS", "ROLES", "VERSION"):
		return "get-nodes"
	case has("LAST SEEN", "TYPE", "REASON", "MESSAGE") || has("LASTSEEN", "REASON", "MESSAGE"):
		return "get-events"
	case first == "POD ID" && has("STATE", "NAME", "NAMESPACE"):
		return "crictl-pods"
	case (first == "CONTAINER" || first == "CONTAINER ID") && has("IMAGE", "STATE", "NAME", "ATTEMPT", "POD ID"):
		return "crictl-ps"
	case first == "CONTAINER ID" && has("IMAGE", "COMMAND", "STATUS", "NAMES"):
		return "docker-ps"
	case first == "CONTAINER" && len(cols) == 3 && has("IMAGE", "RUNTIME"):
		return "ctr-containers"
	}
	return ""
}

// Facts are what the Kubernetes listings of a bundle say.
type Facts struct {
	Nodes      []*Node      // kubectl describe node / get nodes
	Pods       []*Pod       // kubectl get pods / describe pod
	Containers []*Container // crictl / docker / ctr listings
	K8sEvents  []K8sEvent   // kubectl get events
}

// ReadKube parses data (the whole file) of the given kind into b (Nodes,
// Pods, Containers, K8sEvents) and returns per-line warnings and the
// line count. Containers are re-linked to the pod sandboxes read so far
// (crictl pods, docker k8s_POD_ rows) after every call, so the order in
// which files are read does not matter.
func ReadKube(kind string, data []byte, path string, b *Facts) (lines int, warnings []Warning) {
	switch kind {
	case "describe-events":
		var node *Node
		node, lines, warnings = parseDescribeEvents(data, path)
		if node != nil {
			b.Nodes = append(b.Nodes, node)
		}
	case "describe-node":
		var nodes []*Node
		nodes, lines, warnings = parseDescribeNode(data, path)
		b.Nodes = append(b.Nodes, nodes...)
	case "describe-pod":
		var pods []*Pod
		pods, lines, warnings = parseDescribePod(data, path)
		b.Pods = append(b.Pods, pods...)
	case "get-nodes":
		var nodes []*Node
		nodes, lines, warnings = parseGetNodes(data, path)
		b.Nodes = append(b.Nodes, nodes...)
	case "get-pods":
		var pods []*Pod
		pods, lines, warnings = parseGetPods(data, path)
		b.Pods = append(b.Pods, pods...)
	case "get-events":
		var ev []K8sEvent
		ev, lines, warnings = parseGetEvents(data, path)
		b.K8sEvents = append(b.K8sEvents, ev...)
	case "get-nodes-json", "get-pods-json", "get-events-json", "kube-json":
		var objs KubeObjects
		objs, lines, warnings = parseKubeJSON(data, path)
		b.Nodes, b.Pods, b.K8sEvents = append(b.Nodes, objs.Nodes...), append(b.Pods, objs.Pods...), append(b.K8sEvents, objs.Events...)
	case "get-nodes-yaml", "get-pods-yaml", "get-events-yaml", "kube-yaml":
		var objs KubeObjects
		objs, lines, warnings = parseKubeYAML(data, path)
		b.Nodes, b.Pods, b.K8sEvents = append(b.Nodes, objs.Nodes...), append(b.Pods, objs.Pods...), append(b.K8sEvents, objs.Events...)
	case "crictl-ps", "crictl-pods", "docker-ps", "ctr-containers":
		var cs []*Container
		cs, lines, warnings = parseRuntimePS(kind, data, path)
		b.Containers = append(b.Containers, cs...)
		linkContainers(b.Containers)
	default:
		lines = len(kubeLines(data))
		warnings = []Warning{{Ref: Ref{Path: path, Line: 1}, Message: "unknown Kubernetes input kind " + kubeClip(kind)}}
	}
	return lines, kubeSortWarnings(warnings)
}

// CgroupPod is what a memory cgroup path says about a Kubernetes pod.
type CgroupPod struct {
	UID         string // pod UID with dashes
	QoS         string // guaranteed, burstable, besteffort
	ContainerID string // runtime container ID (64 hex), "" if the path stops at the pod
	Runtime     string // containerd, crio, docker, "" if unknown
}
