package parse

import (
	"strings"
	"testing"

	"github.com/oomlens/oomlens/parse/kernel"
)

// TestUserspaceOOMLineInReport: a line another program logged that names
// an OOM kill, in the middle of a kernel OOM report, is not a kill and not
// report context (only kernel lines are), so it is unexplained — before
// the fix it was dropped, while the same line outside a report was
// unexplained (found by FuzzNothingLost).
func TestUserspaceOOMLineInReport(t *testing.T) {
	log := strings.Join([]string{
		"Mar  4 05:43:35 node-7 kernel: node invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"Mar  4 05:43:35 node-7 kernel: CPU: 2 PID: 80114 Comm: node Not tainted 5.15.0-91-generic #101-Ubuntu",
		"Mar  4 05:43:35 node-7 node-problem-detector[991]: I0304 05:43:35.118734 kernel said: Killed process 80115 (node)",
		"Mar  4 05:43:35 node-7 kernel: Memory cgroup out of memory: Killed process 80114 (node) total-vm:4354888kB, anon-rss:4122688kB, file-rss:3368kB, shmem-rss:0kB, UID:0 pgtables:8212kB oom_score_adj:0",
		"",
	}, "\n")
	kl, err := kernel.Parse(strings.NewReader(log), "messages")
	if err != nil {
		t.Fatal(err)
	}
	if len(kl.Reports) != 1 || len(kl.Reports[0].Kills) != 1 || kl.Reports[0].Kills[0].Pid != 80114 {
		t.Fatalf("reports %+v", kl.Reports)
	}
	if len(kl.Unknown) != 1 || kl.Unknown[0].Line != 3 {
		t.Errorf("unknown = %+v, want line 3", kl.Unknown)
	}
}

// TestGluedKillLineIsUnexplained: a kill line glued to the end of an
// orphan report body line (its newline lost, no report header in the log)
// is no kill, but it is unexplained rather than skipped as a body line
// (found by FuzzNothingLost).
func TestGluedKillLineIsUnexplained(t *testing.T) {
	log := "[ 1319.386480] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/oomdemo,task_memcg=/oomdemo,task=python3,pid=25010,uid=0[ 1319.386512] Memory cgroup out of memory: Killed process 25010 (python3) total-vm:63152kB\n" +
		"[ 1319.400000] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/oomdemo,task_memcg=/oomdemo,task=python3,pid=25011,uid=0\n"
	kl, err := kernel.Parse(strings.NewReader(log), "dmesg")
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, q := range kl.Unknown {
		lines = append(lines, q.Line)
	}
	kills := 0
	for _, r := range kl.Reports {
		kills += len(r.Kills)
	}
	if kills == 0 && (len(lines) != 1 || lines[0] != 1) {
		t.Errorf("no kill and unknown lines %v, want [1]", lines)
	}
}

// TestGluedSelectInTaskRow: a task row with the "Out of memory: Kill
// process" line glued to it keeps its row and is also unexplained (the
// kill line that follows still makes the kill).
func TestGluedSelectInTaskRow(t *testing.T) {
	log := strings.Join([]string{
		"[  120.404201] sed invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
		"[  120.404258] [ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
		"[  120.404259] [21981]    27 21981  8392828  7935115   15612   998411             0 node",
		"[  120.404260] [22006]     0 22006    28811       80      13        0             0 sed[  120.404295] Out of memory: Kill process 21981 (node) score 929 or sacrifice child",
		"[  120.404301] Killed process 21981 (node), UID 27, total-vm:33571312kB, anon-rss:31740460kB, file-rss:0kB, shmem-rss:0kB",
		"",
	}, "\n")
	kl, err := kernel.Parse(strings.NewReader(log), "dmesg")
	if err != nil {
		t.Fatal(err)
	}
	if len(kl.Reports) != 1 || len(kl.Reports[0].Kills) != 1 || kl.Reports[0].Tasks == nil || kl.Reports[0].Tasks.Len() != 2 {
		t.Fatalf("reports %+v", kl.Reports)
	}
	if len(kl.Unknown) != 1 || kl.Unknown[0].Line != 4 {
		t.Errorf("unknown = %+v, want line 4", kl.Unknown)
	}
}
