package parse

// SniffKube tells which kubectl / container-runtime output head (the first
// bytes of a file) is: describe-node, get-nodes, get-nodes-json, get-pods,
// get-pods-json, get-pods-yaml, get-events, get-events-json, describe-pod,
// crictl-ps, crictl-pods, docker-ps, ctr-containers; "" if none.
// (Stub: owned by the Kubernetes work.)
func SniffKube(head []byte) (kind string) { return "" }

// ReadKube parses data (the whole file) of the given kind into b (Nodes,
// Pods, Containers, K8sEvents) and returns per-line warnings and the
// line count.
func ReadKube(kind string, data []byte, path string, b *Bundle) (lines int, warnings []Warning) {
	return 0, nil
}

// CgroupPod is what a memory cgroup path says about a Kubernetes pod.
type CgroupPod struct {
	UID         string // pod UID with dashes
	QoS         string // guaranteed, burstable, besteffort
	ContainerID string // runtime container ID (64 hex), "" if the path stops at the pod
	Runtime     string // containerd, crio, docker, "" if unknown
}

// PodFromCgroup parses a memcg path such as
// /kubepods/burstable/pod<uid>/<id> or the systemd-driver form; nil if the
// path is not a pod's.
func PodFromCgroup(path string) *CgroupPod { return nil }
