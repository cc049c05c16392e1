package parse

// The node's cgroup version, from (best first):
//
//	sys/fs/cgroup/cgroup.controllers     exists only on the unified (v2) hierarchy
//	sys/fs/cgroup/memory/                the v1 memory controller
//	proc/mounts / mount:
//	  cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0                 (v2)
//	  cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0               (v1)
//	  cgroup2 on /sys/fs/cgroup type cgroup2 (rw,nosuid,nodev,noexec,relatime)                     (v2)
//	the OOM reports: "memory+swap: usage …" and "kmem: usage …" are v1 only;
//	"swap: usage …" is v2 only.

import (
	"strings"

	"github.com/oomlens/oomlens/parse/facts"
)

// cgroupFromMounts reads mount lines; v2 is nil when they show no cgroup
// memory mount.
func cgroupFromMounts(data []byte, path string) (v2 *bool, ref *Ref) {
	var v1Ref, v2Ref *Ref
	facts.ForLines(data, func(n int, line string) {
		f := strings.Fields(line)
		var fstype, mnt, opts string
		switch {
		case len(f) >= 6 && f[1] == "on" && f[3] == "type":
			mnt, fstype = f[2], f[4]
			opts = strings.Trim(f[5], "()")
		case len(f) >= 4:
			mnt, fstype, opts = f[1], f[2], f[3]
		default:
			return
		}
		switch {
		case fstype == "cgroup2" && mnt == "/sys/fs/cgroup" && v2Ref == nil:
			v2Ref = &Ref{Path: path, Line: n}
		case fstype == "cgroup" && v1Ref == nil && (strings.HasSuffix(mnt, "/memory") || containsOpt(opts, "memory")):
			v1Ref = &Ref{Path: path, Line: n}
		}
	})
	switch {
	case v1Ref != nil:
		return ptr(false), v1Ref
	case v2Ref != nil:
		return ptr(true), v2Ref
	}
	return nil, nil
}

func containsOpt(opts, o string) bool {
	for _, x := range strings.Split(opts, ",") {
		if x == o {
			return true
		}
	}
	return false
}

// cgroupFromReports tells the cgroup version from the memcg counter lines
// of the OOM reports: v1 prints memory+swap and kmem, v2 prints swap.
func cgroupFromReports(logs []*KernelLog) (v2 *bool, ref *Ref) {
	for _, kl := range logs {
		if kl == nil {
			continue
		}
		for _, r := range kl.Reports {
			if r == nil || r.Memcg == nil {
				continue
			}
			m := r.Memcg
			switch {
			case m.MemSwap != nil:
				return ptr(false), ptr(m.MemSwap.Ref)
			case m.Kmem != nil:
				return ptr(false), ptr(m.Kmem.Ref)
			case m.Swap != nil:
				return ptr(true), ptr(m.Swap.Ref)
			}
		}
	}
	return nil, nil
}
