package parse

// sosreport metadata and layout:
//
//	version.txt                 sosreport: 3.9          (sos ≤ 4.7)
//	                            sos report: 4.8.0       (sos ≥ 4.8)
//	sos_reports/manifest.json   {"version": "4.5.6", "components": {"report": {"plugins":
//	                              {"kernel": {"commands": [{"exec": "dmesg", "filepath":
//	                              "sos_commands/kernel/dmesg", "truncated": false,
//	                              "return_code": 0, …}]}}}}}
//
// sosRules is the path table of /work/shared/reference/sosreport-layout.md
// (B.2): where sos 2.x–4.x put every file oomlens reads, as globs, because
// kubectl prefixes, ".N" collision suffixes, rotations and ".tailed" copies
// all occur.

import (
	"encoding/json"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/oomlens/oomlens/parse/facts"
)

// "sosreport: 3.9", "sos report: 4.8.0"
var sosVersionRE = regexp.MustCompile(`^(?:sosreport|sos report): *(?P<v>[0-9][0-9A-Za-z.+~-]*) *$`)

// parseSosVersion reads version.txt.
func parseSosVersion(data []byte, path string) (string, *Ref) {
	var v string
	var ref *Ref
	facts.ForLines(data, func(n int, line string) {
		if ref != nil {
			return
		}
		if m := sosVersionRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			v, ref = m[1], &Ref{Path: path, Line: n}
		}
	})
	return v, ref
}

// sosTimeout is a plugin or command sos gave up on.
type sosTimeout struct {
	Ref
	Plugin  string
	Command string // "" when the whole plugin timed out
}

// " Plugin kubernetes timed out"
// "[plugin:kubernetes] command 'kubectl get nodes' timed out after 300s"
var (
	sosPluginTimeoutRE = regexp.MustCompile(`Plugin (?P<plugin>[A-Za-z0-9_]+) timed out`)
	sosCmdTimeoutRE    = regexp.MustCompile(`\[plugin:(?P<plugin>[A-Za-z0-9_]+)\] command '(?P<cmd>[^']+)' timed out`)
)

// parseSosLog finds plugin and command timeouts in sos_logs/ui.log or
// sos.log.
func parseSosLog(data []byte, path string) []sosTimeout {
	var out []sosTimeout
	seen := map[string]bool{}
	facts.ForLines(data, func(n int, line string) {
		if !strings.Contains(line, "timed out") {
			return
		}
		var t sosTimeout
		if m := sosCmdTimeoutRE.FindStringSubmatch(line); m != nil {
			t = sosTimeout{Ref: Ref{Path: path, Line: n}, Plugin: m[1], Command: m[2]}
		} else if m := sosPluginTimeoutRE.FindStringSubmatch(line); m != nil {
			t = sosTimeout{Ref: Ref{Path: path, Line: n}, Plugin: m[1]}
		} else {
			return
		}
		if k := t.Plugin + "\x00" + t.Command; !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	})
	return out
}

// manifestCmd is one command of sos_reports/manifest.json.
type manifestCmd struct {
	Exec       string
	Truncated  bool
	ReturnCode *int
}

// parseSosManifest reads sos_reports/manifest.json: the sos version and,
// per collected file path, the command's truncated flag and return code.
func parseSosManifest(data []byte) (version string, cmds map[string]manifestCmd, err error) {
	var root any
	if err := json.Unmarshal(data, &root); err != nil {
		return "", nil, err
	}
	cmds = map[string]manifestCmd{}
	if m, ok := root.(map[string]any); ok {
		if v, ok := m["version"].(string); ok {
			version = v
		}
	}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 12 {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			if fp, ok := x["filepath"].(string); ok && fp != "" {
				c := manifestCmd{}
				c.Exec, _ = x["exec"].(string)
				c.Truncated, _ = x["truncated"].(bool)
				if rc, ok := x["return_code"].(float64); ok {
					r := int(rc)
					c.ReturnCode = &r
				}
				cmds[strings.TrimPrefix(fp, "/")] = c
			}
			for _, k := range manifestKeys(x) {
				walk(x[k], depth+1)
			}
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	walk(root, 0)
	return version, cmds, nil
}

func manifestKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sosRule maps a bundle-relative path glob to an input kind.
type sosRule struct {
	Glob string // path.Match pattern on the whole path, or on the base name when Dir is set
	Dir  string // with Dir: the file must be under this directory (any depth)
	Kind string
}

// sosRules is the layout table. Kinds marked "sniff" are told apart by
// content (the root date link is timedatectl output from sos 4.2).
var sosRules = []sosRule{
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

// sosRulePrefix is each rule's literal prefix, a cheap test before path.Match.
var sosRulePrefix = func() []string {
	out := make([]string, len(sosRules))
	for i, r := range sosRules {
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

// sosSkip are names the rules would match but oomlens does not read: the
// journal's verbose and export forms and journal disk usage.
var sosSkip = []string{"_-o_verbose", "_-o_export", "_-o_json", "--disk-usage"}

// "swapon_--bytes_--show.1" (sos name collision), "messages.1" is a rotation
var collisionRE = regexp.MustCompile(`\.[0-9]+$`)

// sosKind returns the kind the layout table gives p, or "" when the table
// does not list it.
func sosKind(p string) string {
	name := strings.TrimSuffix(p, ".gz")
	if base := path.Base(name); strings.HasPrefix(base, "journalctl_") {
		for _, s := range sosSkip {
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
		for i, r := range sosRules {
			if !strings.HasPrefix(cand, sosRulePrefix[i]) {
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
