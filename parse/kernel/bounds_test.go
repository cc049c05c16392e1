package kernel

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

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
	kl, err := Parse(&b, "k")
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
