package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTimelineCountsDroppedEvents: a log with more hung tasks than the
// parser keeps says in its timeline how many there were in all, and its
// summary row is the log's real last hung task.
func TestTimelineCountsDroppedEvents(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	const n = 1300
	for i := range n {
		fmt.Fprintf(&b, "[%5d.000000] INFO: task java:%d blocked for more than 120 seconds.\n", 100+i, 2000+i)
	}
	if err := os.WriteFile(filepath.Join(dir, "dmesg"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", nil, "analyze", "--format", "json", filepath.Join(dir, "dmesg"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Timeline []struct {
			Kind   string `json:"kind"`
			Text   string `json:"text"`
			Source struct {
				Line int `json:"line"`
			} `json:"source"`
		} `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	hung, found := 0, false
	for _, r := range rep.Timeline {
		switch r.Kind {
		case "hung-task":
			hung++
		case "summary":
			found = true
			if !strings.HasPrefix(r.Text, fmt.Sprintf("%d more hung-task rows", n-200)) || r.Source.Line != n {
				t.Errorf("summary row %+v, want %d more, line %d", r, n-200, n)
			}
		}
	}
	if hung != 200 || !found {
		t.Errorf("%d hung-task rows, summary %v", hung, found)
	}
}
