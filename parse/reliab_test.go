package parse

import (
	"strings"
	"testing"
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
	kl, err := KernelLogFrom(strings.NewReader(log), "messages")
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
