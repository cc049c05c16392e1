package redact

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/oomlens/oomlens/report"
)

func sp(s string) *string { return &s }

// nodeReport is a memcg kill on a Kubernetes node, with the names and
// addresses a customer bundle carries in structured fields and in log text.
func nodeReport() *report.Report {
	const host = "ip-10-0-3-17"
	const ctr = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c1e2f9a_4b3d.slice"
	line := "2026-11-26T09:14:07.412031+00:00 " + host + " kernel: Memory cgroup out of memory: Killed process 48211 (java) total-vm:4318212kB"
	return &report.Report{
		SchemaVersion: 1,
		Tool:          report.Tool{Name: "oomlens", Version: "10.0.3.17"}, // a version that looks like an address stays
		Host: report.Host{Hostname: sp(host), KernelVersion: sp("6.1.0-27-cloud-amd64"), Bundle: "sosreport-" + host + "-2026-11-26",
			InputDigest: "sha256:0a9b", BootTimes: []string{"2026-11-24T22:10:03Z"}, Evidence: []report.Ref{}},
		Inputs: []report.Input{{Path: "sos_commands/kubernetes/kubectl_describe_node_" + host + ".eu-west-1.compute.internal", Kind: "describe-node", Format: "kubectl", Used: true, Warnings: []report.Warning{}}},
		Kills: []report.Kill{{
			ID: "k1", Kind: "memcg", Killer: "kernel",
			Victim: report.Victim{Name: "java", Cgroup: sp(ctr)},
			Pod:    &report.Pod{Namespace: sp("payments"), Name: sp("checkout-api-7d9f8b6c5-x2kqz"), Container: sp("api"), QoS: sp("burstable"), Evidence: []report.Ref{}},
			Findings: []report.Finding{{Rule: "pod-identified", Severity: "info",
				Summary: "pod payments/checkout-api-7d9f8b6c5-x2kqz on " + host, Detail: "node " + host + ".eu-west-1.compute.internal, pod IP 10.0.3.201", Evidence: []report.Ref{}}},
			Verdict:  "The container api of payments/checkout-api-7d9f8b6c5-x2kqz on " + host + " hit its limit.",
			Headline: "java killed on " + host,
			Sources:  []string{}, Missing: []string{}, Evidence: []report.Ref{}, Top: []report.Consumer{},
		}},
		Sysctl: report.Sysctls{"kernel.hostname": host, "vm.swappiness": "60"},
		Nodes: []report.Node{{Name: host + ".eu-west-1.compute.internal",
			Pods: []report.NodePod{
				{Namespace: "payments", Name: "checkout-api-7d9f8b6c5-x2kqz"},
				{Namespace: "kube-system", Name: "aws-node-8jx2p"},
			},
			Events: []report.Event{{Type: "Warning", Reason: "SystemOOM", From: "kubelet, " + host, Message: "System OOM encountered, victim process: java, pid: 48211"}}}},
		Timeline: []report.TimelineRow{
			{Kind: "network", Text: "ens5: link up, 02:4F:8A:11:C3:7E, 10.0.3.17/20, fe80::4f:8aff:fe11:c37e; lo 127.0.0.1"},
			{Kind: "kubelet", Text: `kubelet[912]: "Container exited" pod="payments/checkout-api-7d9f8b6c5-x2kqz" podIP="10.0.3.201" at 09:14:09`},
		},
		Unexplained: []report.Unexplained{
			{Path: "var/log/secure", Line: 7, Text: "Nov 26 09:20:31 worker-7 sshd[71002]: pam_unix(sshd:session): session opened for user alice(uid=1001) by (uid=0) from 10.0.9.44"},
			{Path: "var/log/messages", Line: 9, Text: "Nov 26 09:21:00 worker-7 su: (to root) bob on pts/0, HOME=/home/bob"},
		},
		Excerpts: []report.Excerpt{{Path: "sos_commands/logs/journalctl_--no-pager", Lines: []report.ExcerptLine{{Line: 40262, Text: line, Cited: true}}}},
	}
}

func TestReport(t *testing.T) {
	rep := nodeReport()
	Report(rep)
	if !rep.Redacted {
		t.Error("Redacted not set")
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	out := string(data)
	for _, secret := range []string{"ip-10-0-3-17", "eu-west-1", "payments", "checkout-api", "aws-node-8jx2p",
		"10.0.3.201", "10.0.9.44", "10.0.3.17/", "02:4F:8A", "02:4f:8a", "fe80::", "alice", "worker-7", "/home/bob", "HOME=/home/bob"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q survived redaction", secret)
		}
	}
	for _, kept := range []string{`"10.0.3.17"`, "kube-system", "6.1.0-27-cloud-amd64", "127.0.0.1", "(to root)", "09:14:09", "burstable", "java", "sha256:0a9b"} {
		if !strings.Contains(out, kept) {
			t.Errorf("%q should not be redacted", kept)
		}
	}
	// One pseudonym per value, the same everywhere.
	checks := []struct{ got, want string }{
		{*rep.Host.Hostname, "host-1"},
		{rep.Nodes[0].Name, "host-1"},
		{rep.Host.Bundle, "sosreport-host-1-2026-11-26"},
		{rep.Inputs[0].Path, "sos_commands/kubernetes/kubectl_describe_node_host-1"},
		{rep.Nodes[0].Events[0].From, "kubelet, host-1"},
		{rep.Sysctl["kernel.hostname"], "host-1"},
		{*rep.Kills[0].Pod.Namespace, "ns-1"},
		{*rep.Kills[0].Pod.Name, "pod-1"},
		{rep.Nodes[0].Pods[1].Name, "pod-2"},
		{rep.Kills[0].Headline, "java killed on host-1"},
		{rep.Kills[0].Verdict, "The container api of ns-1/pod-1 on host-1 hit its limit."},
		{rep.Kills[0].Findings[0].Detail, "node host-1, pod IP ip-1"},
		{rep.Timeline[0].Text, "ens5: link up, mac-1, ip-2/20, ip-3; lo 127.0.0.1"},
		{rep.Timeline[1].Text, `kubelet[912]: "Container exited" pod="ns-1/pod-1" podIP="ip-1" at 09:14:09`},
		{rep.Unexplained[0].Text, "Nov 26 09:20:31 host-2 sshd[71002]: pam_unix(sshd:session): session opened for user user-1(uid=1001) by (uid=0) from ip-4"},
		{rep.Unexplained[1].Text, "Nov 26 09:21:00 host-2 su: (to root) user-2 on pts/0, HOME=/home/user-2"},
		{rep.Excerpts[0].Lines[0].Text, "2026-11-26T09:14:07.412031+00:00 host-1 kernel: Memory cgroup out of memory: Killed process 48211 (java) total-vm:4318212kB"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("got  %q\nwant %q", c.got, c.want)
		}
	}
}

func TestReportDeterministic(t *testing.T) {
	a, b := nodeReport(), nodeReport()
	Report(a)
	Report(b)
	if !reflect.DeepEqual(a, b) {
		t.Error("two redactions of the same report differ")
	}
	Report(nil) // must not panic
	var empty report.Report
	Report(&empty)
	if !empty.Redacted {
		t.Error("empty report not marked redacted")
	}
}
