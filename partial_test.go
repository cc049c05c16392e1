package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// analyzeFiles writes files into a fresh directory and returns the JSON
// report of `oomlens analyze` on it.
func analyzeFiles(t *testing.T, files map[string]string) map[string]any {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, stderr := runCLI(t, "", nil, "analyze", "--format", "json", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func onlyKill(t *testing.T, rep map[string]any) map[string]any {
	t.Helper()
	ks := rep["kills"].([]any)
	if len(ks) != 1 {
		t.Fatalf("%d kills, want 1", len(ks))
	}
	return ks[0].(map[string]any)
}

const yearlessSyslog = `Oct 12 19:00:20 web-7 kernel: [ 8523.347011] stress invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0
Oct 12 19:00:20 web-7 kernel: [ 8523.347101] Mem-Info:
Oct 12 19:00:20 web-7 kernel: [ 8523.347105] active_anon:977321 inactive_anon:20117 isolated_anon:0
Oct 12 19:00:20 web-7 kernel: [ 8523.347179] Free swap  = 0kB
Oct 12 19:00:20 web-7 kernel: [ 8523.347180] Total swap = 0kB
Oct 12 19:00:20 web-7 kernel: [ 8523.347262] Out of memory: Killed process 8811 (stress) total-vm:2104344kB, anon-rss:1956040kB, file-rss:8kB, shmem-rss:0kB, UID:1000 pgtables:3876kB oom_score_adj:0
`

// TestYearlessSyslogTime: a kill on a year-less syslog line keeps its
// month, day and time when nothing gives the year, and is dated when a
// capture date (even one with an unknown zone) does.
func TestYearlessSyslogTime(t *testing.T) {
	tm := func(k map[string]any) map[string]any { return k["time"].(map[string]any) }

	k := onlyKill(t, analyzeFiles(t, map[string]string{"kern.log": yearlessSyslog}))
	if x := tm(k); x["wall"] != nil || x["wall_local"] != nil || x["wall_no_year"] != "--10-12T19:00:20" || x["confidence"] != "low" || x["wall_basis"] != "printed" {
		t.Errorf("no year anywhere: time %v", x)
	}
	if v := k["verdict"].(string); strings.Contains(v, "no wall-clock time") || !strings.Contains(v, "Oct 12 at 19:00:20") {
		t.Errorf("verdict %q", v)
	}

	k = onlyKill(t, analyzeFiles(t, map[string]string{"kern.log": yearlessSyslog, "date": "Mon Oct 14 08:00:00 UTC 2024\n"}))
	if x := tm(k); x["wall"] != "2024-10-12T19:00:20Z" || x["wall_no_year"] != nil {
		t.Errorf("capture date in UTC: time %v", x)
	}

	k = onlyKill(t, analyzeFiles(t, map[string]string{"kern.log": yearlessSyslog, "date": "Mon Oct 14 08:00:00 AM CET 2024\n"}))
	if x := tm(k); x["wall"] != nil || x["wall_local"] != "2024-10-12T19:00:20" || x["wall_no_year"] != nil {
		t.Errorf("capture date, zone ambiguous: time %v", x)
	}

	// a journal line that prints its year dates the syslog lines
	k = onlyKill(t, analyzeFiles(t, map[string]string{"kern.log": yearlessSyslog,
		"journal.txt": "2024-10-13T06:00:01+0000 web-7 kernel: Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0) #101-Ubuntu SMP\n"}))
	if x := tm(k); x["wall"] == nil && x["wall_local"] == nil || x["wall_no_year"] != nil {
		t.Errorf("a dated journal line: time %v", x)
	}
}

// TestHostFromSyslogLines: without a hostname file the report names the
// host every syslog line prints, and none when they disagree.
func TestHostFromSyslogLines(t *testing.T) {
	rep := analyzeFiles(t, map[string]string{"kern.log": yearlessSyslog})
	if h := rep["host"].(map[string]any)["hostname"]; h != "web-7" {
		t.Errorf("hostname %v, want web-7", h)
	}
	other := strings.ReplaceAll(strings.ReplaceAll(yearlessSyslog, "web-7", "web-8"), "8811", "9911")
	rep = analyzeFiles(t, map[string]string{"kern.log": yearlessSyslog, "other.log": other})
	if h := rep["host"].(map[string]any)["hostname"]; h != nil {
		t.Errorf("two hosts: hostname %v, want null", h)
	}
}

// TestPartialReportKeepsSwap: a report cut before Mem-Info, or condensed
// to its swap lines, keeps the swap totals with the kill that follows.
func TestPartialReportKeepsSwap(t *testing.T) {
	swap := func(k map[string]any) map[string]any {
		s, _ := k["swap_at_oom"].(map[string]any)
		return s
	}
	cut := `[ 9120.551203] Mem-Info:
[ 9120.551210] active_anon:412345 inactive_anon:23456 isolated_anon:0
[ 9120.551212]  active_file:120 inactive_file:98 isolated_file:0
[ 9120.551230] Node 0 Normal free:44932kB min:45056kB low:56320kB high:67584kB
[ 9120.551300] 524157 pages RAM
[ 9120.551301] Total swap = 1048572kB
[ 9120.551302] Free swap  = 12kB
[ 9120.551400] [  23143]     0 23143   654321   435853  7995392    39263             0 pip3
[ 9120.551500] Out of memory: Killed process 23143 (pip3) total-vm:2617284kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:7808kB oom_score_adj:0
`
	k := onlyKill(t, analyzeFiles(t, map[string]string{"dmesg.txt": cut}))
	if s := swap(k); s == nil || s["total_kb"] != 1048572.0 || s["free_kb"] != 12.0 {
		t.Errorf("cut before Mem-Info: swap_at_oom %v", k["swap_at_oom"])
	}
	if k["mem_info"] == nil {
		t.Errorf("cut before Mem-Info: mem_info null")
	}
	grep := strings.Join(strings.Split(cut, "\n")[5:], "\n")
	k = onlyKill(t, analyzeFiles(t, map[string]string{"dmesg.txt": grep}))
	if s := swap(k); s == nil || s["total_kb"] != 1048572.0 || s["free_kb"] != 12.0 {
		t.Errorf("grep-condensed: swap_at_oom %v", k["swap_at_oom"])
	}
	// the swap lines of a page allocation failure's Mem-Info are not the kill's
	alloc := "[ 9120.500001] kworker/0:1: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0\n" +
		"[ 9120.500010] CPU: 0 PID: 12 Comm: kworker/0:1 Not tainted 5.15.0-91-generic #101-Ubuntu\n" + cut[:strings.Index(cut, "[ 9120.551400]")] +
		"[ 9120.551500] Out of memory: Killed process 23143 (pip3) total-vm:2617284kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:7808kB oom_score_adj:0\n"
	k = onlyKill(t, analyzeFiles(t, map[string]string{"dmesg.txt": alloc}))
	if k["swap_at_oom"] != nil || k["mem_info"] != nil {
		t.Errorf("after an allocation failure's Mem-Info: swap_at_oom %v mem_info %v, want null", k["swap_at_oom"], k["mem_info"])
	}
	// a kill of another report between: the second kill takes nothing of the first
	two := cut + "[ 9121.000000] Out of memory: Killed process 23150 (pip3) total-vm:2617284kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:7808kB oom_score_adj:0\n"
	rep := analyzeFiles(t, map[string]string{"dmesg.txt": two})
	ks := rep["kills"].([]any)
	if len(ks) != 2 || swap(ks[0].(map[string]any)) == nil || ks[1].(map[string]any)["swap_at_oom"] != nil {
		t.Errorf("two kills: %d kills, second swap_at_oom %v", len(ks), ks[len(ks)-1].(map[string]any)["swap_at_oom"])
	}
}
