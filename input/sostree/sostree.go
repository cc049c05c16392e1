// Package sostree is the one description of where a sosreport (or a saved
// copy of a host's /) keeps what oomlens reads: the directories the loader
// walks, the top-level names that belong to the layout, and the member
// filter an archive applies. package parse walks a directory by Descend;
// input/archive keeps a member by Want; both read this table, so a
// sosreport read as an archive reads the same files as the same tree read
// as a directory.
//
//	sos_commands/…            every file, any depth (command output)
//	sos_logs/ui.log, sos.log  sos's own log (plugin timeouts)
//	var/log/messages          kernel logs: files directly in var/log
//	proc/meminfo, etc/…       memory, swap, sysctl and kubelet state
package sostree

import "strings"

// Dir is one directory the loader enters; Deep ones are walked whole,
// others only for the files directly in them.
type Dir struct {
	Path string
	Deep bool
}

// Dirs are the directories read in a sosreport. Everything else
// (proc/<pid>, sys/fs/cgroup, usr/share …) is never listed.
var Dirs = []Dir{
	{"sos_commands", true}, {"sos_strings", true}, {"sos_reports", false}, {"sos_logs", false},
	{"proc", false}, {"proc/sys/vm", false}, {"proc/sys/kernel/random", false}, {"proc/pressure", false},
	{"var/log", false}, {"var/crash", true}, {"var/lib/kubelet", false}, {"var/snap/microk8s/current/args", false},
	{"etc", false}, {"etc/sysctl.d", false}, {"etc/kubernetes", false}, {"etc/kubernetes/kubelet", false}, {"etc/default", false},
	{"etc/sysconfig", false}, {"etc/systemd/system/kubelet.service.d", false},
	{"run/sysctl.d", false}, {"usr/lib/sysctl.d", false}, {"lib/sysctl.d", false},
	{"usr/lib/systemd/system/kubelet.service.d", false}, {"root/cdk/kubelet", false},
	{"sys/module/zswap/parameters", false},
}

// Files are single files read outside Dirs.
var Files = []string{"sys/fs/cgroup/cgroup.controllers"}

// TopDirs are the top-level directories of a sosreport or of a host's /:
// a lone one of these in an archive is the bundle's own content, not an
// extra wrapper, and a folder holding one is a bundle, not a folder of
// bundles.
var TopDirs = map[string]bool{
	"sos_commands": true, "sos_strings": true, "sos_reports": true, "sos_logs": true,
	"var": true, "proc": true, "etc": true, "sys": true, "run": true, "usr": true,
	"lib": true, "root": true, "boot": true, "home": true, "opt": true, "dev": true,
}

// Descend says whether the walk of a sosreport enters directory dir
// (slash-separated, relative to the report's root).
func Descend(dir string) bool {
	for _, d := range Dirs {
		if dir == d.Path || strings.HasPrefix(d.Path, dir+"/") || (d.Deep && strings.HasPrefix(dir, d.Path+"/")) {
			return true
		}
	}
	return false
}

// Want says whether the file at p (relative to the report's root) is one
// the loader would read: a top-level file, a file directly in a Dirs
// directory or anywhere under a Deep one, or one of Files.
func Want(p string) bool {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return true
	}
	dir := p[:i]
	for _, d := range Dirs {
		if dir == d.Path || (d.Deep && strings.HasPrefix(dir, d.Path+"/")) {
			return true
		}
	}
	for _, f := range Files {
		if p == f {
			return true
		}
	}
	return false
}

// Sidecar tells the files an extracted sosreport leaves beside it (its
// checksum, signature, the archive itself): names, not saved output.
func Sidecar(name string) bool {
	for _, ext := range []string{".md5", ".sha256", ".sha1", ".asc", ".gpg", ".tar", ".xz", ".gz", ".bz2", ".zst", ".zip", ".tgz"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return true
		}
	}
	return false
}

// SkipDir says whether a folder of saved output named base is passed
// over, by the loader's walk and when a folder of bundles is listed:
// hidden folders, and want/, which holds oomlens's own golden reports
// beside a fixture bundle (they quote the bundle's lines and are not
// inputs).
func SkipDir(base string) bool {
	return strings.HasPrefix(base, ".") || base == "want"
}
