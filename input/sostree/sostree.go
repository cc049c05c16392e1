// Package sostree is the one description of where a sosreport (or a saved
// copy of a host's /) keeps what oomlens reads: the directories the loader
// walks, the top-level names that belong to the layout, and the member
// filter an archive applies, and which file is which input kind (Kind).
// package parse walks a directory by Descend and names what it finds by
// Kind; input/archive keeps a member by Want; both read this table, so a
// sosreport read as an archive reads the same files as the same tree read
// as a directory.
//
//	sos_commands/…            every file, any depth (command output)
//	sos_logs/ui.log, sos.log  sos's own log (plugin timeouts)
//	var/log/messages          kernel logs: files directly in var/log
//	proc/meminfo, etc/…       memory, swap, sysctl and kubelet state
package sostree

import (
	"path"
	"regexp"
	"strings"
)

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

// rule maps a bundle-relative path glob to an input kind.
type rule struct {
	Glob string // path.Match pattern on the whole path, or on the base name when Dir is set
	Dir  string // with Dir: the file must be under this directory (any depth)
	Kind string
}

// rules is the path table of the sosreport layout reference (B.2): where
// sos 2.x–4.x put every file oomlens reads, as globs, because kubectl
// prefixes, ".N" collision suffixes, rotations and ".tailed" copies all
// occur. Kinds marked "sniff" are told apart by
// content (the root date link is timedatectl output from sos 4.2).
var rules = []rule{
	// kernel and system logs
	{Glob: "sos_commands/kernel/dmesg*", Kind: "kernel-log"},
	{Glob: "sos_commands/general/dmesg*", Kind: "kernel-log"},
	{Glob: "var/log/dmesg*", Kind: "kernel-log"},
	{Glob: "var/crash/*/vmcore-dmesg.txt", Kind: "kernel-log"},
	{Glob: "sos_commands/logs/journalctl_*", Kind: "kernel-log"},
	{Glob: "sos_commands/kubernetes/journalctl_*", Kind: "kernel-log"},
	{Glob: "sos_commands/microk8s/journalctl_*", Kind: "kernel-log"},
	{Glob: "sos_commands/containerd/journalctl_*", Kind: "kernel-log"},
	{Glob: "sos_commands/crio/journalctl_*", Kind: "kernel-log"},
	{Glob: "sos_commands/docker/journalctl_*", Kind: "kernel-log"},
	{Glob: "var/log/messages*", Kind: "kernel-log"},
	{Glob: "var/log/kern.log*", Kind: "kernel-log"},
	{Glob: "var/log/syslog*", Kind: "kernel-log"},
	{Glob: "*.tailed", Dir: "sos_strings", Kind: "kernel-log"},
	{Glob: "sos_commands/systemd/journalctl_--list-boots*", Kind: "list-boots"},
	// memory and swap
	{Glob: "proc/meminfo", Kind: "meminfo"},
	{Glob: "proc/swaps", Kind: "proc-swaps"},
	{Glob: "proc/vmstat", Kind: "vmstat"},
	{Glob: "proc/pressure/memory", Kind: "pressure"},
	{Glob: "sos_commands/memory/swapon*", Kind: "swapon"},
	{Glob: "sos_commands/memory/free*", Kind: "free"},
	{Glob: "sos_commands/general/free*", Kind: "free"},
	{Glob: "free", Kind: "free"},
	{Glob: "sys/module/zswap/parameters/enabled", Kind: "zswap"},
	// kernel settings
	{Glob: "sos_commands/kernel/sysctl_-a*", Kind: "sysctl"},
	{Glob: "sos_commands/general/sysctl_-a*", Kind: "sysctl"},
	{Glob: "proc/sys/vm/*", Kind: "sysctl"},
	{Glob: "etc/sysctl.conf", Kind: "sysctl"},
	{Glob: "etc/sysctl.d/*", Kind: "sysctl"},
	{Glob: "run/sysctl.d/*", Kind: "sysctl"},
	{Glob: "usr/lib/sysctl.d/*", Kind: "sysctl"},
	{Glob: "lib/sysctl.d/*", Kind: "sysctl"},
	// clock and host
	{Glob: "sos_commands/date/date*", Kind: "date"},
	{Glob: "sos_commands/general/date*", Kind: "date"},
	{Glob: "date", Kind: "sniff"},
	{Glob: "sos_commands/systemd/timedatectl*", Kind: "timedatectl"},
	{Glob: "sos_commands/date/timedatectl*", Kind: "timedatectl"},
	{Glob: "etc/localtime", Kind: "localtime"},
	{Glob: "sos_commands/host/uptime*", Kind: "uptime"},
	{Glob: "sos_commands/general/uptime*", Kind: "uptime"},
	{Glob: "uptime", Kind: "uptime"},
	{Glob: "proc/uptime", Kind: "uptime"},
	{Glob: "proc/stat", Kind: "proc-stat"},
	{Glob: "sos_commands/host/hostname*", Kind: "hostname"},
	{Glob: "sos_commands/general/hostname*", Kind: "hostname"},
	{Glob: "etc/hostname", Kind: "hostname"},
	{Glob: "hostname", Kind: "hostname"},
	{Glob: "sos_commands/kernel/uname*", Kind: "uname"},
	{Glob: "sos_commands/general/uname*", Kind: "uname"},
	{Glob: "uname", Kind: "uname"},
	{Glob: "proc/sys/kernel/random/boot_id", Kind: "boot-id"},
	{Glob: "proc/mounts", Kind: "cgroup"},
	// sos metadata
	{Glob: "version.txt", Kind: "sos-version"},
	{Glob: "sos_reports/manifest.json", Kind: "sos-manifest"},
	{Glob: "sos_logs/ui.log", Kind: "sos-log"},
	{Glob: "sos_logs/sos.log", Kind: "sos-log"},
	// kubelet
	{Glob: "var/lib/kubelet/config.yaml", Kind: "kubelet-config"},
	{Glob: "root/cdk/kubelet/config.yaml", Kind: "kubelet-config"},
	{Glob: "etc/kubernetes/kubelet-config.yaml", Kind: "kubelet-config"},
	{Glob: "etc/kubernetes/kubelet/config.yaml", Kind: "kubelet-config"},
	{Glob: "var/lib/kubelet/kubeadm-flags.env", Kind: "kubelet-flags"},
	{Glob: "var/snap/microk8s/current/args/kubelet", Kind: "kubelet-flags"},
	{Glob: "etc/default/kubelet", Kind: "kubelet-flags"},
	{Glob: "etc/sysconfig/kubelet", Kind: "kubelet-flags"},
	{Glob: "etc/systemd/system/kubelet.service.d/*.conf", Kind: "kubelet-flags"},
	{Glob: "usr/lib/systemd/system/kubelet.service.d/*.conf", Kind: "kubelet-flags"},
	// Kubernetes and container runtimes (any kubectl prefix, any depth)
	{Glob: "*describe_node_*", Dir: "sos_commands/kubernetes", Kind: "describe-node"},
	{Glob: "*describe_nodes", Dir: "sos_commands/kubernetes", Kind: "describe-node"}, // `describe nodes`: every node in one file
	{Glob: "*describe_nodes.[0-9]*", Dir: "sos_commands/kubernetes", Kind: "describe-node"},
	{Glob: "*get_-o_json_nodes*", Dir: "sos_commands/kubernetes", Kind: "get-nodes-json"},
	{Glob: "*get_nodes*", Dir: "sos_commands/kubernetes", Kind: "get-nodes"},
	{Glob: "*get_-o_json_--namespace_*_pods*", Dir: "sos_commands/kubernetes", Kind: "get-pods-json"},
	{Glob: "*get_--all-namespaces_true_pods*", Dir: "sos_commands/kubernetes", Kind: "get-pods"},
	{Glob: "*get_--all-namespaces_true_events*", Dir: "sos_commands/kubernetes", Kind: "get-events"},
	{Glob: "*describe_pods_*", Dir: "sos_commands/kubernetes", Kind: "describe-pod"},
	{Glob: "*describe_pod_*", Dir: "sos_commands/kubernetes", Kind: "describe-pod"},
	{Glob: "crictl_ps*", Dir: "sos_commands/crio", Kind: "crictl-ps"},
	{Glob: "crictl_pods*", Dir: "sos_commands/crio", Kind: "crictl-pods"},
	{Glob: "docker_ps*", Dir: "sos_commands/docker", Kind: "docker-ps"},
	{Glob: "ctr_*container*", Dir: "sos_commands/containerd", Kind: "ctr-containers"},
}

// rulePrefix is each rule's literal prefix, a cheap test before path.Match.
var rulePrefix = func() []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		if r.Dir != "" {
			out[i] = r.Dir + "/"
			continue
		}
		if j := strings.IndexAny(r.Glob, "*?[\\"); j >= 0 {
			out[i] = r.Glob[:j]
		} else {
			out[i] = r.Glob
		}
	}
	return out
}()

// journalSkip are names the rules would match but oomlens does not read: the
// journal's verbose and export forms and journal disk usage.
var journalSkip = []string{"_-o_verbose", "_-o_export", "_-o_json", "--disk-usage"}

// "swapon_--bytes_--show.1" (sos name collision), "messages.1" is a rotation
var collisionRE = regexp.MustCompile(`\.[0-9]+$`)

// Kind returns the input kind the layout table gives p (relative to the
// report's root), or "" when the table does not list it.
func Kind(p string) string {
	name := strings.TrimSuffix(p, ".gz")
	if base := path.Base(name); strings.HasPrefix(base, "journalctl_") {
		for _, s := range journalSkip {
			if strings.Contains(base, s) {
				return ""
			}
		}
	}
	cands := []string{name}
	if c := collisionRE.ReplaceAllString(name, ""); c != name {
		cands = append(cands, c)
	}
	for _, cand := range cands {
		for i, r := range rules {
			if !strings.HasPrefix(cand, rulePrefix[i]) {
				continue
			}
			if r.Dir != "" {
				if !strings.HasPrefix(cand, r.Dir+"/") {
					continue
				}
				if ok, _ := path.Match(r.Glob, path.Base(cand)); ok {
					return r.Kind
				}
				continue
			}
			if ok, _ := path.Match(r.Glob, cand); ok {
				return r.Kind
			}
		}
	}
	return ""
}
