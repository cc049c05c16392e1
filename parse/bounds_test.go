package parse

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"
)

// kernelInput returns the input section of a kernel txtar case.
func kernelInput(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/kernel/" + name + ".txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range txtar.Parse(data).Files {
		if f.Name == "input" {
			return unescapeInput(f.Data)
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
	full, err := KernelLogFrom(bytes.NewReader(in), "a")
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
	kl, err := KernelLogFrom(&b, "k")
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

// TestEventCapKeepsLast: past maxEventsPerKind a repetitive kind keeps its
// first events and its last one (the last kubelet start explains replayed
// SystemOOM events), counts the rest in Dropped and warns once.
func TestEventCapKeepsLast(t *testing.T) {
	var b bytes.Buffer
	n := maxEventsPerKind + 250
	for i := range n {
		fmt.Fprintf(&b, "[%5d.000000] INFO: task kworker/%d:1:%d blocked for more than 120 seconds.\n", 100+2*i, i%4, 1000+i)
		fmt.Fprintf(&b, "[%5d.500000] systemd[1]: Started kubelet: The Kubernetes Node Agent.\n", 100+2*i)
	}
	kl, err := KernelLogFrom(&b, "k")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]Event{}
	for _, e := range kl.Events {
		got[e.Kind] = append(got[e.Kind], e)
	}
	for kind, step := range map[string]int{"hung-task": 0, "kubelet-start": 1} {
		evs := got[kind]
		if len(evs) != maxEventsPerKind+1 {
			t.Fatalf("%s: %d events kept, want %d", kind, len(evs), maxEventsPerKind+1)
		}
		last := evs[len(evs)-1]
		wantLine := 2*n - 1 + step
		if last.Line != wantLine || last.Stamp.Raw == "" || last.Stamp.KernelSeconds == nil || last.Text == "" {
			t.Errorf("%s: last kept event %+v, want line %d with its stamp and text", kind, last, wantLine)
		}
		if evs[maxEventsPerKind-1].Line >= last.Line-2 {
			t.Errorf("%s: the first events are not the first: %d", kind, evs[maxEventsPerKind-1].Line)
		}
	}
	if last := got["hung-task"][maxEventsPerKind]; *last.Stamp.KernelSeconds != float64(100+2*(n-1)) || !strings.Contains(last.Text, fmt.Sprint(1000+n-1)) {
		t.Errorf("last hung task = %+v", last)
	}
	want := []DroppedEvents{{Kind: "hung-task", Count: 249}, {Kind: "kubelet-start", Count: 249}}
	if fmt.Sprint(kl.Dropped) != fmt.Sprint(want) {
		t.Errorf("Dropped = %v, want %v", kl.Dropped, want)
	}
	warned := 0
	for _, w := range kl.Warnings {
		if strings.Contains(w.Message, fmt.Sprintf("more than %d", maxEventsPerKind)) && strings.Contains(w.Message, "the last are kept") {
			warned++
		}
	}
	if warned != 2 {
		t.Errorf("%d cap warnings, want one per kind: %+v", warned, kl.Warnings)
	}
}
