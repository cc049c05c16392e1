package correlate

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kube"
	"github.com/oomlens/oomlens/report"
)

const (
	dmesgPath = "sos_commands/kernel/dmesg"
	nodePath  = "sos_commands/kubernetes/nodes/kubectl_describe_node_izwz9h8m2chowowqckbcy0z"
)

var cst = time.FixedZone("CST", 8*3600)

// foundingBundle is the case oomlens was written for: a ~2 GiB microk8s VM
// (kernel 4.15, kubelet 1.16) where pip3 was killed three times, swap ran
// out, /swapfile.new was added afterwards, and the kubelet replayed the kills
// as SystemOOM events when it restarted.
func foundingBundle() *parse.Bundle {
	d := newLog(dmesgPath, "dmesg-raw")
	d.boot(1, ksStamp(1370012.513210), "first", "")
	r := d.report(0)
	r.trigger(1760, ksStamp(1375956.700101), "pip3", "0x14200ca(GFP_HIGHUSER_MOVABLE)", 0).
		cpu(1762, 23143, "pip3", "4.15.0-65-generic").
		meminfo(1770, 470210, 3012, 1230, 12044, 13517, 533517, 969932, 196).
		task(1836, 1, 0, 56391, 1203, 249856, 812, 0, "systemd").
		task(1837, 803, 0, 1096340, 13372, 1294336, 9024, 0, "snapd").
		task(1838, 23143, 0, 528095, 435853, 3997696, 39263, 0, "pip3").
		sel(1840, ksStamp(1375956.718916), 23143, "pip3", 613).
		kill(1841, ksStamp(1375956.719841), "", 23143, "pip3", 2112380, 1743412).
		reaped(1842, ksStamp(1375957.190126), 23143, "pip3")
	r2 := d.report(0)
	r2.trigger(1850, ksStamp(1376100.512001), "pip3", "0x14200ca(GFP_HIGHUSER_MOVABLE)", 0).
		sel(1855, ksStamp(1376100.530113), 24161, "pip3", 610).
		kill(1856, ksStamp(1376100.531002), "", 24161, "pip3", 2101200, 1731020)
	r3 := d.report(0)
	r3.trigger(1870, ksStamp(1376300.200917), "pip3", "0x14200ca(GFP_HIGHUSER_MOVABLE)", 0).
		sel(1875, ksStamp(1376300.219800), 25349, "pip3", 611).
		kill(1876, ksStamp(1376300.220412), "", 25349, "pip3", 2108032, 1736404)
	d.event(1880, 0, ksStamp(1376520.356712), "swap-on", "Adding 2097148k swap on /swapfile.new.  Priority:-3 extents:12 across:2347004k FS")
	d.end(1900, ksStamp(1376890.031542))

	cap := time.Date(2019, 10, 20, 15, 13, 3, 0, cst)
	sw := &parse.SwapTable{Ref: parse.Ref{Path: "swapon", Line: 1}, Format: "swapon-show",
		Devices: []parse.SwapDevice{
			{Ref: parse.Ref{Path: "swapon", Line: 2}, Name: "/swapfile", Type: "file", Size: &parse.Size{KB: 969933, Printed: "947.2M", ErrKB: 51}, Used: &parse.Size{KB: 19046, Printed: "18.6M", ErrKB: 51}, Priority: iptr(-2)},
			{Ref: parse.Ref{Path: "swapon", Line: 3}, Name: "/swapfile.new", Type: "file", Size: &parse.Size{KB: 2097152, Printed: "2G", ErrKB: 52429}, Used: &parse.Size{KB: 48, Printed: "48K", ErrKB: 0}, Priority: iptr(-3)},
		},
		Lines: []parse.Quote{
			{Ref: parse.Ref{Path: "swapon", Line: 1}, Text: "NAME          TYPE   SIZE  USED PRIO"},
			{Ref: parse.Ref{Path: "swapon", Line: 2}, Text: "/swapfile     file 947.2M 18.6M   -2"},
			{Ref: parse.Ref{Path: "swapon", Line: 3}, Text: "/swapfile.new file     2G   48K   -3"},
		}}
	ev := func(line int, typ, reason, age string, ageSec float64, msg string, pid int, victim string) parse.NodeEvent {
		e := parse.NodeEvent{Ref: parse.Ref{Path: nodePath, Line: line}, Type: typ, Reason: reason, Age: age, AgeSec: f64(ageSec), Count: 1,
			From: "kubelet, izwz9h8m2chowowqckbcy0z", Message: msg}
		if pid != 0 {
			e.VictimPid, e.VictimName = iptr(pid), victim
		}
		return e
	}
	node := &parse.Node{Ref: parse.Ref{Path: nodePath, Line: 1}, Name: "izwz9h8m2chowowqckbcy0z", KubeletVersion: "v1.16.2",
		KernelVersion: "4.15.0-65-generic", ContainerRuntime: "containerd://1.2.5", MemCapacityKB: i64(2041128), MemAllocatableKB: i64(1938728),
		Events: []parse.NodeEvent{
			ev(41, "Normal", "Starting", "5m57s", 357, "Starting kube-proxy.", 0, ""),
			ev(42, "Normal", "Starting", "5m46s", 346, "Starting kubelet.", 0, ""),
			ev(43, "Warning", "InvalidDiskCapacity", "5m46s", 346, "invalid capacity 0 on image filesystem", 0, ""),
			ev(44, "Warning", "SystemOOM", "5m46s", 346, "System OOM encountered, victim process: pip3, pid: 23143", 23143, "pip3"),
			ev(45, "Warning", "SystemOOM", "5m46s", 346, "System OOM encountered, victim process: pip3, pid: 24161", 24161, "pip3"),
			ev(46, "Warning", "SystemOOM", "5m46s", 346, "System OOM encountered, victim process: pip3, pid: 25349", 25349, "pip3"),
		}}
	for _, e := range node.Events {
		node.Lines = append(node.Lines, parse.Quote{Ref: e.Ref, Text: "  " + e.Type + "  " + e.Reason + "  " + e.Age + "  " + e.From + "  " + e.Message})
	}
	kargs := parse.Ref{Path: "var/snap/microk8s/current/args/kubelet", Line: 7}
	return &parse.Bundle{
		Name: "sosreport-izwz9h8m2chowowqckbcy0z-2019-10-20",
		Inputs: []parse.Input{
			{Path: dmesgPath, Kind: "kernel-log", Format: "dmesg-raw", Lines: 1900, Used: true, Bytes: 151234},
			{Path: "swapon", Kind: "swapon", Format: "swapon-show", Lines: 3, Used: true, Bytes: 120},
			{Path: nodePath, Kind: "describe-node", Format: "describe-node", Lines: 60, Used: true, Bytes: 4100},
		},
		KernelLogs: []*parse.KernelLog{d.KernelLog},
		Swaps:      []*parse.SwapTable{sw},
		Host: parse.Host{Hostname: "izwz9h8m2chowowqckbcy0z", Kernel: "4.15.0-65-generic", CapturedAt: &cap,
			CapturedRef: &parse.Ref{Path: "sos_commands/date/date", Line: 1}, TimeZone: "Asia/Shanghai (CST, +0800)", Location: cst,
			UptimeSec: f64(1376900), UptimeRef: &parse.Ref{Path: "sos_commands/host/uptime", Line: 1}},
		Kubelet: &parse.KubeletConfig{Sources: []parse.Ref{kargs}, FailSwapOn: new(bool), FailSwapOnRef: &kargs},
		Facts:   kube.Facts{Nodes: []*parse.Node{node}},
	}
}

func TestFoundingCase(t *testing.T) {
	r := Build(foundingBundle(), Options{ToolVersion: "test"})
	if len(r.Kills) != 3 {
		t.Fatalf("want 3 kills, got %d", len(r.Kills))
	}
	k := findKill(t, r, "k1")
	if k.Victim.Pid == nil || *k.Victim.Pid != 23143 || k.Kind != "global" || k.Killer != "kernel" {
		t.Fatalf("k1 = %+v", k.Victim)
	}
	if k.Victim.Score == nil || *k.Victim.Score != 613 || k.Victim.Swapents == nil || *k.Victim.Swapents != 39263 {
		t.Errorf("victim score/swapents: %+v", k.Victim)
	}
	if !k.Reaped {
		t.Errorf("reaper line not attached")
	}
	if k.Time.WallBasis != "uptime+date" || k.Time.Wall == nil || *k.Time.Wall != "2019-10-20T14:57:19+08:00" {
		t.Errorf("time = %+v wall %v", k.Time, deref(k.Time.Wall))
	}
	if k.Headline != "pip3 (pid 23143) killed: the whole node ran out of memory" {
		t.Errorf("headline %q", k.Headline)
	}
	g := mustFinding(t, k, "global-oom")
	mustContain(t, "global-oom detail", g.Detail, "anonymous 1.8 GiB", "of 2 GiB RAM", "pip3 1.7 GiB + 153 MiB swapped (victim)")
	b := mustFinding(t, k, "badness-implies-total")
	mustContain(t, "badness", b.Summary, "score 613", "about 2.96 GiB of RAM + swap", "dmesg:1838,1840")
	mustContain(t, "badness", b.Detail, "rss 435853 + swapents 39263 + page tables 976 pages [pgtables_bytes 3997696/4096]", "agrees", "Confidence: high")
	se := mustFinding(t, k, "swap-exhausted")
	mustContain(t, "swap-exhausted", se.Summary, "0.2 MiB free of 947 MiB", "dmesg:1790-1791")
	sc := mustFinding(t, k, "swap-changed-since-kill")
	mustContain(t, "swap-changed", sc.Summary, "947 MiB at the kill", "2.9 GiB at capture", "/swapfile.new (2 GiB) added later", "swapon:1-3")
	mustContain(t, "swap-changed", sc.Detail, "logged \"Adding 2097148k swap on /swapfile.new.  Priority:-3 extents:12 across:2347004k FS\" at 2019-10-20T15:06:43+08:00", "/swapfile (947 MiB) alone")
	if !hasRef(sc.Evidence, dmesgPath, 1880) {
		t.Errorf("swap-changed does not cite the swapon line: %v", sc.Evidence)
	}
	vs := mustFinding(t, k, "victim-had-swap")
	mustContain(t, "victim-had-swap", vs.Summary, "153 MiB swapped out", "swapents 39263 pages")
	rp := mustFinding(t, k, "kubelet-replayed-events")
	mustContain(t, "replayed", rp.Summary, "5m46s old", "Starting kubelet")
	mustContain(t, "replayed", rp.Detail, "3 SystemOOM events", "9m57s before the kubelet started")
	rk := mustFinding(t, k, "repeated-kills")
	mustContain(t, "repeated", rk.Summary, "pip3 was killed 3 times")
	for _, no := range []string{"oom-with-free-swap", "no-swap-configured", "memcg-limit", "victim-not-invoker", "coverage-gap"} {
		if f := finding(k, no); f != nil {
			t.Errorf("unexpected finding %s: %s", no, f.Summary)
		}
	}
	mustContain(t, "verdict", k.Verdict, "(dmesg:1841)", "whole node ran out of memory", "Swap was exhausted", "/swapfile.new", "How sure: high", "Next:")
	// SystemOOM events match kills by pid.
	ids := map[int]string{}
	for _, e := range r.Nodes[0].Events {
		if e.KillID != nil {
			ids[e.Evidence.Line] = *e.KillID
		}
		if e.Time == nil || *e.Time == "" {
			t.Errorf("event %d has no time", e.Evidence.Line)
		}
	}
	if ids[44] != "k1" || ids[45] != "k2" || ids[46] != "k3" || len(ids) != 3 {
		t.Errorf("event kill ids: %v", ids)
	}
	if r.Swap == nil || r.Swap.Exact || len(r.Swap.Devices) != 2 {
		t.Errorf("swap at capture: %+v", r.Swap)
	}
	if r.Kubelet == nil || r.Kubelet.EffectiveSwap != "unrestricted" {
		t.Errorf("kubelet: %+v", r.Kubelet)
	}
	// Excerpts quote the cited lines with context.
	found := false
	for _, e := range r.Excerpts {
		for _, l := range e.Lines {
			if e.Path == dmesgPath && l.Line == 1841 && l.Cited {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("no cited excerpt for dmesg:1841")
	}
	checkInvariants(t, r)
}

// checkInvariants asserts contract rules every report must keep.
func checkInvariants(t *testing.T, r *report.Report) {
	t.Helper()
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(js)
	for _, list := range []string{`"inputs":null`, `"coverage":null`, `"kills":null`, `"reports_without_kill":null`, `"nodes":null`, `"timeline":null`,
		`"unexplained":null`, `"excerpts":null`, `"findings":null`, `"evidence":null`, `"top_consumers":null`, `"sources":null`, `"missing_from":null`, `"boot_times":null`, `"warnings":null`, `"events":null`} {
		if strings.Contains(s, list) {
			t.Errorf("report has a null list: %s", list)
		}
	}
	for _, k := range r.Kills {
		if k.Verdict == "" || k.Headline == "" {
			t.Errorf("%s: empty verdict or headline", k.ID)
		}
		for _, f := range k.Findings {
			if f.Summary == "" || f.Severity == "" || len(f.Evidence) == 0 {
				t.Errorf("%s: finding %s incomplete: %+v", k.ID, f.Rule, f)
			}
		}
	}
	for i := 1; i < len(r.Timeline); i++ {
		a, b := r.Timeline[i-1], r.Timeline[i]
		if a.Time != nil && b.Time != nil {
			ta, _ := time.Parse(time.RFC3339, *a.Time)
			tb, _ := time.Parse(time.RFC3339, *b.Time)
			if tb.Before(ta) {
				t.Errorf("timeline out of order at %d: %s then %s", i, *a.Time, *b.Time)
			}
		}
	}
	// Deterministic: the same input gives the same bytes.
	js2, _ := json.Marshal(r)
	if string(js2) != s {
		t.Errorf("report not stable")
	}
}
