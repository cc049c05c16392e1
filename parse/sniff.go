package parse

// Content sniffing: what a saved file is, from its first bytes, whatever
// its name. Each test looks at the first lines only:
//
//	NAME      TYPE  SIZE USED PRIO                 → swapon
//	Filename  Type  Size Used Priority             → swapon (proc-swaps when named "swaps")
//	               total        used        free   → free
//	MemTotal:        1881872 kB                    → meminfo
//	some avg10=0.00 avg60=0.00 avg300=0.00 total=0 → pressure
//	nr_free_pages 23085                            → vmstat
//	abi.vsyscall32 = 1                             → sysctl
//	      Local time: Sun 2019-10-20 15:13:03 CST  → timedatectl
//	Sun Oct 20 15:13:03 CST 2019                   → date
//	 15:13:03 up 15 days, 22:12,  1 user, …        → uptime
//	cpu  2255 34 2290 22625563 6290 127 456 0 0 0  → proc-stat
//	Linux node1 4.15.0-65-generic #74-Ubuntu …     → uname
//	1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f           → boot-id
//	-1 8f2d2a3e… Sat 2019-10-19 09:12:01 CST—…     → list-boots
//	kind: KubeletConfiguration                     → kubelet-config
//	--fail-swap-on=false                           → kubelet-flags
//	sosreport: 3.9                                 → sos-version
//	cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid …     → cgroup (mounts)
//	node1                                          → hostname (tried last)
//
// Kubernetes listings and kernel logs are recognised by SniffKube and
// kernel.Sniff.

import (
	"bytes"
	"path"
	"regexp"
	"strings"

	"github.com/oomlens/oomlens/parse/facts"
	"github.com/oomlens/oomlens/parse/kernel"
	"github.com/oomlens/oomlens/parse/kube"
)

// "kind: KubeletConfiguration" on a line of its own
var kubeletKindRE = regexp.MustCompile(`(?m)^kind: *["']?KubeletConfiguration["']? *\r?$`)

// SniffHead is how much of a file sniffing looks at (the kernel-log
// engine's Sniff too).
const SniffHead = 64 << 10

// kubeletFlagNames are flags only the kubelet takes; one of them marks a
// kubelet flag file.
var kubeletFlagNames = []string{"--kubeconfig", "--fail-swap-on", "--eviction-hard", "--eviction-soft", "--container-runtime-endpoint",
	"--container-runtime", "--pod-infra-container-image", "--cluster-dns", "--cluster-domain", "--kube-reserved",
	"--system-reserved", "--cgroup-driver", "--resolv-conf", "--bootstrap-kubeconfig", "--node-ip", "--runtime-cgroups"}

// Sniff tells which input kind head (the first bytes of a file named name)
// is, with its format; kind is "" when no parser recognises it.
func Sniff(name string, head []byte) (kind, format string) {
	k, f := sniffOwn(name, head)
	if k != "" {
		return k, f
	}
	if kk := kube.SniffKube(head); kk != "" {
		return kubeKind(kk), kubeFormat(kk)
	}
	if f, ok := kernel.Sniff(head); ok {
		return "kernel-log", f
	}
	if n, _ := parseHostname(head, name); n != "" && strings.ContainsAny(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		return "hostname", "hostname"
	}
	return "", ""
}

// kubeKind maps a SniffKube kind to an input kind (the -json/-yaml forms
// are one kind, told apart by format).
func kubeKind(k string) string {
	k = strings.TrimSuffix(k, "-json")
	return strings.TrimSuffix(k, "-yaml")
}

func kubeFormat(k string) string {
	switch {
	case strings.HasSuffix(k, "-json"):
		return "json"
	case strings.HasSuffix(k, "-yaml"):
		return "yaml"
	}
	return "table"
}

// firstLines returns up to n non-blank lines of head (the last, possibly
// cut, line of a full head is dropped).
func firstLines(head []byte, n int) []string {
	if len(head) >= SniffHead {
		if i := bytes.LastIndexByte(head, '\n'); i > 0 {
			head = head[:i]
		}
	}
	var out []string
	facts.ForLines(head, func(_ int, line string) {
		if len(out) < n && strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	})
	return out
}

func sniffOwn(name string, head []byte) (kind, format string) {
	lines := firstLines(head, 8)
	if len(lines) == 0 {
		return "", ""
	}
	first := strings.TrimSpace(lines[0])
	f0 := strings.Fields(first)
	switch {
	case sosVersionRE.MatchString(first):
		return "sos-version", "version.txt"
	case first == "{" || strings.HasPrefix(first, "{\""):
		if bytes.Contains(head, []byte(`"components"`)) && bytes.Contains(head, []byte(`"cmdline"`)) {
			return "sos-manifest", "json"
		}
		return "", ""
	case len(f0) == 5 && f0[0] == "Filename" && f0[1] == "Type" && f0[4] == "Priority":
		if path.Base(name) == "swaps" {
			return "proc-swaps", "proc-swaps"
		}
		return "swapon", "swapon-summary"
	case swapHeader(lines[0]) != nil && len(f0) >= 2:
		return "swapon", "swapon-show"
	case len(f0) >= 3 && f0[0] == "total" && f0[1] == "used" && f0[2] == "free":
		return "free", "free"
	case meminfoLineRE.MatchString(first) && strings.HasPrefix(first, "MemTotal:"):
		return "meminfo", "meminfo"
	case psiLineRE.MatchString(first):
		return "pressure", "psi"
	case len(f0) == 2 && f0[0] == "nr_free_pages" && isDigits(f0[1]):
		return "vmstat", "vmstat"
	case bytes.Contains(head, []byte("KubeletConfiguration")) && kubeletKindRE.Match(head):
		return "kubelet-config", "yaml"
	}
	if f := sniffSysctl(lines); f != "" {
		return "sysctl", f
	}
	for _, l := range lines {
		if k, _, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "Local time" || strings.TrimSpace(k) == "Universal time" {
			return "timedatectl", "timedatectl"
		}
	}
	switch {
	case uptimeRE.MatchString(lines[0]):
		return "uptime", "uptime"
	case len(lines) == 1 && procUptimeRE.MatchString(first):
		return "uptime", "proc-uptime"
	case len(f0) > 4 && f0[0] == "cpu" && bytes.Contains(head, []byte("\nbtime ")):
		return "proc-stat", "proc-stat"
	case unameRE.MatchString(first):
		return "uname", "uname-a"
	case len(lines) == 1 && bootIDRE.MatchString(first):
		return "boot-id", "boot-id"
	case strings.HasPrefix(first, "IDX BOOT ID") || listBootRE.MatchString(lines[0]):
		return "list-boots", "list-boots"
	case bytes.Contains(head, []byte("cgroup")) && sniffMounts(lines):
		return "cgroup", "mounts"
	}
	if len(lines) == 1 {
		if w, ok := parseWallClock(first); ok && w.extra == 0 {
			return "date", "date"
		}
	}
	if sniffKubeletFlags(lines) {
		return "kubelet-flags", "flags"
	}
	return "", ""
}

// sniffSysctl tells `sysctl -a` ("sysctl-a") and sysctl.conf
// ("sysctl-conf") from other key = value files: keys must be dotted
// kernel setting names under a known top level.
func sniffSysctl(lines []string) string {
	good, comments, bad := 0, 0, 0
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t[0] == '#' || t[0] == ';' {
			comments++
			continue
		}
		if strings.HasPrefix(t, "sysctl: ") {
			continue
		}
		k, _, ok := strings.Cut(t, "=")
		k = strings.TrimPrefix(strings.TrimSpace(k), "-")
		top, _, dotted := strings.Cut(strings.ReplaceAll(k, "/", "."), ".")
		switch {
		case ok && dotted && !strings.ContainsAny(k, " \t"):
			switch top {
			case "abi", "crypto", "debug", "dev", "fs", "kernel", "net", "sunrpc", "user", "vm":
				good++
				continue
			}
		}
		bad++
	}
	switch {
	case good == 0 || bad > 0:
		return ""
	case comments > 0:
		return "sysctl-conf"
	}
	for _, l := range lines {
		if !strings.Contains(l, " = ") {
			return "sysctl-conf"
		}
	}
	return "sysctl-a"
}

// sniffMounts recognises /proc/mounts or `mount` output that shows the
// cgroup mounts.
func sniffMounts(lines []string) bool {
	mountish := 0
	for _, l := range lines {
		f := strings.Fields(l)
		switch {
		case len(f) == 6 && strings.HasPrefix(f[1], "/"):
			mountish++
		case len(f) >= 6 && f[1] == "on" && f[3] == "type":
			mountish++
		}
	}
	return mountish == len(lines) && mountish > 0
}

func sniffKubeletFlags(lines []string) bool {
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "KUBELET_") || strings.HasPrefix(t, "Environment=\"KUBELET_") {
			if strings.Contains(t, "--") {
				return true
			}
		}
		for _, f := range kubeletFlagNames {
			if strings.HasPrefix(t, f+"=") || t == f {
				return true
			}
		}
	}
	return false
}
