package sostree

import (
	"strings"
	"testing"
)

// TestWantFollowsDirs: the archive keeps a file exactly when the loader's
// walk would reach it: top-level files, files directly in a listed
// directory, anything under a Deep one, and the listed single files.
func TestWantFollowsDirs(t *testing.T) {
	for p, want := range map[string]bool{
		"version.txt":                                          true,
		"sos_logs/ui.log":                                      true,
		"sos_logs/sos.log":                                     true,
		"sos_commands/kubernetes/a/b/c/d":                      true,
		"var/log/messages":                                     true,
		"var/log/journal/abc/system.journal":                   false,
		"var/log/pods/ns_pod/c/0.log":                          false,
		"var/crash/202501/dmesg.202501":                        true,
		"var/lib/kubelet/config.yaml":                          true,
		"var/lib/kubelet/pods/x/volume":                        false,
		"proc/meminfo":                                         true,
		"proc/1234/status":                                     false,
		"sys/fs/cgroup/cgroup.controllers":                     true,
		"sys/fs/cgroup/memory/memory.limit":                    false,
		"usr/share/doc/bash/README":                            false,
		"etc/systemd/system/kubelet.service.d/10-kubeadm.conf": true,
	} {
		if got := Want(p); got != want {
			t.Errorf("Want(%q) = %v, want %v", p, got, want)
		}
		// a wanted file below the top is in a directory the walk enters
		if i := strings.LastIndexByte(p, '/'); want && i > 0 && !Descend(p[:i]) && p != Files[0] {
			t.Errorf("Want(%q) but the walk never enters %q", p, p[:i])
		}
	}
	if !Sidecar("sosreport-x.tar.xz.sha256") || Sidecar("notes.txt") {
		t.Error("Sidecar")
	}
}
