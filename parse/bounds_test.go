package parse

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/oomlens/oomlens/parse/kernel"
)

// kernelInput returns the input section of a kernel txtar case.
func kernelInput(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("kernel/testdata/kernel/" + name + ".txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range txtar.Parse(data).Files {
		if f.Name == "input" {
			// a journal marker line is written ">-- … --" in the cases
			return bytes.ReplaceAll(f.Data, []byte("\n>-- "), []byte("\n-- "))
		}
	}
	t.Fatalf("%s has no input", name)
	return nil
}

// TestBundleTaskRowCap: once the bundle holds maxBundleTaskRows task rows,
// later reports lose their rows (not their kills) and the file where the
// cap was reached gets one warning naming the task-table header line.
func TestBundleTaskRowCap(t *testing.T) {
	in := kernelInput(t, "gen-3.10-rhel7-global")
	defer func(n int) { maxBundleTaskRows = n }(maxBundleTaskRows)
	full, err := kernel.Parse(bytes.NewReader(in), "a")
	if err != nil || len(full.Reports) != 1 || full.Reports[0].Tasks == nil {
		t.Fatalf("case changed: %v %+v", err, full)
	}
	rows := full.Reports[0].Tasks.Len()
	maxBundleTaskRows = rows + 1 // room for one file's table, not two
	m := fstest.MapFS{"a/messages": {Data: in}, "b/messages": {Data: in}, "c/messages": {Data: in}}
	b, err := Load(m, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.KernelLogs) != 3 {
		t.Fatalf("%d kernel logs", len(b.KernelLogs))
	}
	for i, kl := range b.KernelLogs {
		r := kl.Reports[0]
		want := 0
		if i == 0 {
			want = rows
		}
		if r.Tasks.Len() != want || len(r.Kills) != 1 {
			t.Errorf("%s: %d rows, %d kills; want %d rows, 1 kill", kl.Path, r.Tasks.Len(), len(r.Kills), want)
		}
	}
	var got []string
	for _, inp := range b.Inputs {
		for _, w := range inp.Warnings {
			if strings.Contains(w.Message, "task-table rows in the bundle") {
				got = append(got, fmt.Sprintf("%s:%d", w.Path, w.Line))
			}
		}
	}
	hdr := b.KernelLogs[1].Reports[0].Tasks.Header
	if len(got) != 1 || got[0] != fmt.Sprintf("b/messages:%d", hdr.Line) || hdr.Line < 1 {
		t.Errorf("cap warnings %v, want one at b/messages:%d", got, hdr.Line)
	}
}

// TestKernelCapsWarn: reaching a per-log cap of the kernel parser gives a
// warning with a line number (here: more than 2000 unexplained lines).
func TestKernelCapsWarn(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i < 2100; i++ {
		fmt.Fprintf(&b, "[%5d.000000] oom_reaper: something odd %d\n", 100+i, i)
	}
	kl, err := kernel.Parse(&b, "k")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range kl.Warnings {
		if strings.Contains(w.Message, "more than 2000") && w.Line > 2000 && w.Path == "k" {
			found = true
		}
	}
	if !found {
		t.Errorf("no cap warning among %d warnings (%d unknown lines kept)", len(kl.Warnings), len(kl.Unknown))
	}
}
