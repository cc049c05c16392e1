package parse

import (
	"testing"

	"github.com/oomlens/oomlens/input/sostree"
)

func TestParseSosLog(t *testing.T) {
	in := `2019-10-20 15:13:01,123 INFO:  Setting up plugins ...
 Plugin kubernetes timed out
[plugin:logs] command 'journalctl --no-pager' timed out after 300s
[plugin:logs] command 'journalctl --no-pager' timed out after 300s
`
	got := parseSosLog([]byte(in), "sos_logs/ui.log")
	if len(got) != 2 || got[0].Plugin != "kubernetes" || got[0].Command != "" || got[0].Line != 2 ||
		got[1].Plugin != "logs" || got[1].Command != "journalctl --no-pager" || got[1].Line != 3 {
		t.Errorf("parseSosLog = %+v", got)
	}
}

func TestSosHelpers(t *testing.T) {
	for in, want := range map[string]string{"sosreport: 3.9\n": "3.9", "sos report: 4.8.0\n": "4.8.0", "sosreport: 3.5.1.0\n": "3.5.1.0"} {
		if v, ref := parseSosVersion([]byte(in), "version.txt"); v != want || ref == nil {
			t.Errorf("parseSosVersion(%q) = %q", in, v)
		}
	}
	manifest := `{"version": "4.5.6", "cmdline": "sos report --batch", "start_time": "2024-02-01 10:00:00",
 "components": {"report": {"plugins": {
   "kernel": {"commands": [
     {"command": "dmesg", "parameters": [], "exec": "dmesg", "filepath": "sos_commands/kernel/dmesg", "truncated": false, "return_code": 0},
     {"command": "sysctl", "parameters": ["-a"], "exec": "sysctl -a", "filepath": "sos_commands/kernel/sysctl_-a", "truncated": false, "return_code": 255}]},
   "logs": {"commands": [
     {"command": "journalctl", "exec": "journalctl --no-pager", "filepath": "sos_commands/logs/journalctl_--no-pager", "truncated": true, "return_code": 0}]}}}}}`
	v, cmds, err := parseSosManifest([]byte(manifest))
	if err != nil || v != "4.5.6" || len(cmds) != 3 {
		t.Fatalf("manifest = %q %v %v", v, cmds, err)
	}
	if !cmds["sos_commands/logs/journalctl_--no-pager"].Truncated || *cmds["sos_commands/kernel/sysctl_-a"].ReturnCode != 255 {
		t.Errorf("manifest commands = %+v", cmds)
	}
	kinds := map[string]string{
		"sos_commands/kernel/dmesg":                                            "kernel-log",
		"sos_commands/kernel/dmesg_-T":                                         "kernel-log",
		"sos_commands/general/dmesg_now":                                       "kernel-log",
		"var/log/messages-20191013.gz":                                         "kernel-log",
		"var/log/kern.log.1":                                                   "kernel-log",
		"sos_strings/logs/var.log.messages.tailed":                             "kernel-log",
		"sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1":          "kernel-log",
		"sos_commands/logs/journalctl_--all_--this-boot_--no-pager_-o_verbose": "",
		"sos_commands/logs/journalctl_--disk-usage":                            "",
		"sos_commands/memory/swapon_--bytes_--show":                            "swapon",
		"sos_commands/memory/swapon_--bytes_--show.1":                          "swapon",
		"sos_commands/memory/free_-m":                                          "free",
		"sos_commands/kubernetes/nodes/kubectl_--kubeconfig_.etc.kubernetes.admin.conf_describe_node_node1": "describe-node",
		"sos_commands/kubernetes/cluster-info/microk8s_kubectl_get_nodes":                                   "get-nodes",
		"sos_commands/kubernetes/cluster-info/kubectl_get_-o_json_nodes":                                    "get-nodes-json",
		"sos_commands/kubernetes/pods/kubectl_get_--all-namespaces_true_pods":                               "get-pods",
		"sos_commands/crio/crictl_ps_-a":                                                                    "crictl-ps",
		"sos_commands/systemd/journalctl_--list-boots":                                                      "list-boots",
		"proc/sys/vm/swappiness":                                                                            "sysctl",
		"date":                                                                                              "sniff",
		"proc/cpuinfo":                                                                                      "",
		"sos_commands/kernel/lsmod":                                                                         "",
	}
	for p, want := range kinds {
		if got := sostree.Kind(p); got != want {
			t.Errorf("sostree.Kind(%q) = %q, want %q", p, got, want)
		}
	}
	for dir, want := range map[string]bool{"sos_commands": true, "sos_commands/kubernetes/cluster-info/default/pods": true,
		"proc": true, "proc/1234": false, "proc/sys": true, "proc/sys/net": false, "sys": true, "sys/fs": false, "usr/share": false, "var/log/journal": false} {
		if got := sostree.Descend(dir); got != want {
			t.Errorf("sostree.Descend(%q) = %v, want %v", dir, got, want)
		}
	}
}
