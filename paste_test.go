package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSeedTicket reads the founding ticket itself — a Markdown post with a
// describe-node Events block, a `# dmesg | grep 23143` block and a
// `# swapon` block between prose — and checks what issue #17 asks of it.
func TestSeedTicket(t *testing.T) {
	code, out, stderr := runCLI(t, "", nil, "analyze", "--format", "json", "fixtures/seed-ticket")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	type ref struct {
		Path string
		Line int
	}
	var rep struct {
		Inputs []struct {
			Kind     string
			Segments []struct {
				StartLine int     `json:"start_line"`
				Kind      string  `json:"kind"`
				Command   *string `json:"command"`
			}
		}
		Kills []struct {
			Kind   string
			Victim struct {
				Pid       *int   `json:"pid"`
				Name      string `json:"name"`
				Score     *int   `json:"score"`
				TotalVMKB *int64 `json:"total_vm_kb"`
				AnonRSSKB *int64 `json:"anon_rss_kb"`
				Swapents  *int64 `json:"swapents"`
			}
			Evidence []ref
			Findings []struct {
				Rule    string
				Summary string
			}
		}
		Swap struct {
			Devices []struct {
				Name   string
				SizeKB int64 `json:"size_kb"`
			}
		}
		Coverage []struct{ Message string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Inputs) != 1 || rep.Inputs[0].Kind != "paste" {
		t.Fatalf("inputs = %+v", rep.Inputs)
	}
	cmds := map[string]string{}
	for _, s := range rep.Inputs[0].Segments {
		if s.Command != nil {
			cmds[s.Kind] = *s.Command
		}
	}
	if cmds["kernel-log"] != "dmesg | grep 23143" || cmds["swapon"] != "swapon" || !strings.HasPrefix(cmds["describe-events"], "kubectl describe node") {
		t.Errorf("segment commands = %v", cmds)
	}
	if len(rep.Kills) != 3 {
		t.Fatalf("%d kills, want 3", len(rep.Kills))
	}
	k := rep.Kills[0]
	v := k.Victim
	if v.Pid == nil || *v.Pid != 23143 || *v.AnonRSSKB != 1743412 || *v.TotalVMKB != 2112380 || *v.Score != 613 || *v.Swapents != 39263 {
		t.Errorf("kill 23143 = %+v", v)
	}
	hasLine := func(rs []ref, n int) bool {
		for _, r := range rs {
			if r.Path == "000_20712740cc4595c7.txt" && r.Line == n {
				return true
			}
		}
		return false
	}
	if !hasLine(k.Evidence, 38) {
		t.Errorf("kill 23143 does not cite line 38: %v", k.Evidence)
	}
	replay := false
	for _, f := range k.Findings {
		if f.Rule == "kubelet-replayed-events" && strings.Contains(f.Summary, "5m46s") {
			replay = true
		}
	}
	if !replay {
		t.Errorf("no replay explanation: %+v", k.Findings)
	}
	for i, want := range []struct{ pid, line int }{{24161, 29}, {25349, 30}} {
		k := rep.Kills[i+1]
		if k.Victim.Pid == nil || *k.Victim.Pid != want.pid || k.Victim.Name != "pip3" || !hasLine(k.Evidence, want.line) {
			t.Errorf("kill %d = %+v, want pid %d citing line %d", i+1, k, want.pid, want.line)
		}
		if k.Victim.AnonRSSKB != nil || k.Victim.Score != nil {
			t.Errorf("kill %d: the event prints no sizes, got %+v", i+1, k.Victim)
		}
	}
	if len(rep.Swap.Devices) != 2 || rep.Swap.Devices[0].Name != "/swapfile" || rep.Swap.Devices[1].Name != "/swapfile.new" {
		t.Errorf("swap at capture = %+v", rep.Swap)
	}
	gap := false
	for _, c := range rep.Coverage {
		if strings.Contains(c.Message, "no Mem-Info and no swap totals") {
			gap = true
		}
	}
	if !gap {
		t.Errorf("no coverage note on the missing Mem-Info / swap totals: %+v", rep.Coverage)
	}
}

// TestPasteStdin: a paste piped in is read like the same file.
func TestPasteStdin(t *testing.T) {
	data := strings.Join(readLines(t, "fixtures/seed-ticket/000_20712740cc4595c7.txt"), "\n")
	code, out, stderr := runCLI(t, data, nil, "analyze", "--format", "json", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(out, `"killer": "kernel"`); n != 3 {
		t.Errorf("%d kills from stdin, want 3", n)
	}
}

// TestPasteTwiceOneKill: a kill pasted from dmesg and from
// /var/log/messages is one kill citing both places.
func TestPasteTwiceOneKill(t *testing.T) {
	code, out, stderr := runCLI(t, "", nil, "analyze", "--format", "json", "fixtures/paste-twice")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Kills []struct {
			Sources []string
		}
		Timeline []struct{ Kind string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Kills) != 1 || len(rep.Kills[0].Sources) != 2 {
		t.Fatalf("kills = %+v", rep.Kills)
	}
	snaps := 0
	for _, r := range rep.Timeline {
		if r.Kind == "memory-snapshot" {
			snaps++
		}
	}
	if snaps != 2 {
		t.Errorf("%d memory snapshots on the timeline, want the two free -h", snaps)
	}
}
