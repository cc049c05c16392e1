package archive

import "strings"

// wantPrefixes are the bundle directories DefaultWant keeps: where
// sosreports and saved-output folders put kernel logs, memory and swap
// state, sysctl and kubelet configuration and kubectl/crictl output
// (see the sosreport layout notes).
var wantPrefixes = []string{
	"sos_commands/",
	"sos_strings/",
	"sos_reports/",
	"var/log/",
	"var/crash/",
	"var/lib/kubelet/",
	"var/snap/",
	"proc/",
	"etc/",
	"run/sysctl.d/",
	"usr/lib/sysctl.d/",
	"lib/sysctl.d/",
	"usr/lib/systemd/system/kubelet.service.d/",
	"root/cdk/",
	"sys/kernel/mm/",
	"sys/module/zswap/",
	"sys/fs/cgroup/cgroup.controllers",
}

// wantExcluded are bulky trees under the kept prefixes that oomlens never
// reads: binary journals and pod logs.
var wantExcluded = []string{
	"var/log/journal/",
	"var/log/pods/",
	"var/log/containers/",
	"var/snap/microk8s/common/var/log/pods/",
	"var/lib/kubelet/pods/",
}

// DefaultWant is the member filter Open uses when Options.Want is nil
// (paths are relative to the bundle root). It keeps top-level files
// (version.txt, sos's root links such as free and uptime) and files under
// sos_commands/, sos_strings/, sos_reports/, var/log/, var/crash/,
// var/lib/kubelet/, var/snap/, proc/, etc/, the sysctl.d and kubelet
// drop-in directories, root/cdk/, sys/kernel/mm/, sys/module/zswap/ and
// sys/fs/cgroup/cgroup.controllers, except binary journals and pod logs
// (var/log/journal/, var/log/pods/, var/log/containers/,
// var/lib/kubelet/pods/). Everything else (usr/share/, sys/fs/cgroup/**,
// sos_logs/, …) is streamed past — in a sosreport: until a member under
// sos_commands/ shows one, Open keeps every file (a folder of saved outputs
// is read whole), within 20000 files and 256 MiB.
func DefaultWant(p string, size int64) bool {
	if !strings.Contains(p, "/") {
		return true
	}
	for _, x := range wantExcluded {
		if strings.HasPrefix(p, x) {
			return false
		}
	}
	for _, x := range wantPrefixes {
		if strings.HasPrefix(p, x) {
			return true
		}
	}
	return false
}
