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
	"root/cdk/",
	"sys/kernel/mm/",
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
// (paths are relative to the bundle root). It keeps:
//
//   - top-level files (version.txt, sos's root links such as free and
//     uptime, loose saved outputs);
//   - in a sosreport or host-root layout, files under sos_commands/,
//     sos_strings/, sos_reports/, var/log/, var/crash/, var/lib/kubelet/,
//     var/snap/, proc/, etc/, root/cdk/ and sys/kernel/mm/, except binary
//     journals and pod logs (var/log/journal/, var/log/pods/,
//     var/log/containers/, var/lib/kubelet/pods/);
//   - every file of a tree that is not a host layout (a folder of saved
//     command output such as logs/dmesg.txt).
//
// Everything else (usr/, sys/fs/cgroup/, lib/, …) is streamed past.
func DefaultWant(p string, size int64) bool {
	first, _, nested := strings.Cut(p, "/")
	if !nested || !layoutDirs[first] {
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
