package kube

// Memory-cgroup paths of Kubernetes pods, as the kernel prints them in
// oom_memcg= / task_memcg= / "Task in … killed as a result of limit of …":
//
//	/kubepods/burstable/pod<uid>/<cid>                                        (cgroupfs, Burstable)
//	/kubepods/pod<uid>/<cid>                                                  (cgroupfs, Guaranteed)
//	/kubepods/burstable/pod<uid>/crio-<cid>                                   (cgroupfs, CRI-O)
//	/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid with _>.slice/cri-containerd-<cid>.scope
//	/kubepods.slice/kubepods-pod<uid_>.slice/crio-<cid>.scope                 (systemd, Guaranteed)
//	/system.slice/containerd.service/kubepods-besteffort-pod<uid_>.slice:cri-containerd:<cid>
//	/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/…   (--cgroup-root=/kubelet)
//
// Trailing sub-cgroups below the container ("…/container", "init.scope")
// are ignored; crio-conmon-<cid> is the pod's conmon, not a container.

import "strings"

// PodFromCgroup parses a memcg path such as
// /kubepods/burstable/pod<uid>/<id> or the systemd-driver form; nil if the
// path is not a pod's. UID comes back with dashes, QoS in lower case
// (guaranteed, burstable, besteffort).
func PodFromCgroup(path string) *CgroupPod {
	path = strings.TrimSpace(path)
	if !strings.Contains(path, "kubepods") || len(path) > 4096 {
		return nil
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, seg := range segs {
		// containerd's "<slice>:cri-containerd:<id>" leaf (cgroupfs kubelet,
		// systemd containerd) holds the pod slice and the container.
		slice, runtimeTag, id := seg, "", ""
		if parts := strings.Split(seg, ":"); len(parts) == 3 {
			slice, runtimeTag, id = parts[0], parts[1], parts[2]
		}
		uid, qos, ok := podSegment(slice, prevSeg(segs, i))
		if !ok {
			continue
		}
		cp := &CgroupPod{UID: uid, QoS: qos}
		if runtimeTag != "" {
			if isFullID(id) {
				cp.ContainerID, cp.Runtime = id, runtimeName(runtimeTag)
			}
			return cp
		}
		if i+1 < len(segs) {
			cp.ContainerID, cp.Runtime = containerLeaf(segs[i+1])
		}
		return cp
	}
	return nil
}

func prevSeg(segs []string, i int) string {
	if i == 0 {
		return ""
	}
	return segs[i-1]
}

// podSegment recognises a pod cgroup: "pod<uid>" under a cgroupfs
// kubepods[/qos] parent, or "<prefix>kubepods[-qos]-pod<uid_>.slice".
func podSegment(seg, parent string) (uid, qos string, ok bool) {
	if name, isSlice := strings.CutSuffix(seg, ".slice"); isSlice {
		i := strings.LastIndex(name, "-pod")
		if i < 0 {
			return "", "", false
		}
		prefix, raw := name[:i], name[i+len("-pod"):]
		if !strings.Contains(prefix, "kubepods") {
			return "", "", false
		}
		// systemd escapes the UID's dashes as "_" ("-" separates slice
		// levels), so a dash here is not part of a pod UID.
		if strings.Contains(raw, "-") {
			return "", "", false
		}
		uid, ok = podUID(strings.ReplaceAll(raw, "_", "-"))
		if !ok {
			return "", "", false
		}
		switch {
		case strings.HasSuffix(prefix, "kubepods-burstable"):
			qos = "burstable"
		case strings.HasSuffix(prefix, "kubepods-besteffort"):
			qos = "besteffort"
		case strings.HasSuffix(prefix, "kubepods"):
			qos = "guaranteed"
		default:
			return "", "", false
		}
		return uid, qos, true
	}
	raw, found := strings.CutPrefix(seg, "pod")
	if !found {
		return "", "", false
	}
	uid, ok = podUID(raw)
	if !ok {
		return "", "", false
	}
	switch parent {
	case "burstable", "besteffort":
		return uid, parent, true
	case "kubepods":
		return uid, "guaranteed", true
	}
	return "", "", false
}

// podUID accepts a UUID (8-4-4-4-12 hex) or the 32-hex hash UIDs of static
// pods.
func podUID(s string) (string, bool) {
	switch len(s) {
	case 36:
		for i := 0; i < len(s); i++ {
			dash := i == 8 || i == 13 || i == 18 || i == 23
			if dash != (s[i] == '-') || !dash && !kubeIsHex(s[i]) {
				return "", false
			}
		}
		return s, true
	case 32:
		for i := 0; i < len(s); i++ {
			if !kubeIsHex(s[i]) {
				return "", false
			}
		}
		return s, true
	}
	return "", false
}

func kubeIsHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isFullID reports a 64-hex container ID.
func isFullID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !kubeIsHex(s[i]) {
			return false
		}
	}
	return true
}

// containerLeaf reads the segment below a pod cgroup.
func containerLeaf(seg string) (id, runtime string) {
	name, scope := strings.CutSuffix(seg, ".scope")
	for _, p := range []struct{ prefix, runtime string }{
		{"cri-containerd-", "containerd"},
		{"crio-conmon-", ""},
		{"crio-", "crio"},
		{"docker-", "docker"},
		{"cri-dockerd-", "docker"},
	} {
		if rest, ok := strings.CutPrefix(name, p.prefix); ok {
			if p.runtime == "" || !isFullID(rest) {
				return "", ""
			}
			return rest, p.runtime
		}
	}
	if !scope && isFullID(name) {
		return name, "" // cgroupfs: containerd or docker, not told apart
	}
	return "", ""
}

// runtimeName maps a containerd/CRI-O/docker cgroup tag to a runtime name.
func runtimeName(tag string) string {
	switch tag {
	case "cri-containerd":
		return "containerd"
	case "crio":
		return "crio"
	case "docker":
		return "docker"
	}
	return ""
}
