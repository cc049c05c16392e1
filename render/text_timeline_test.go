package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/oomlens/oomlens/report"
)

// TestTextTimeline: --verbose lists the timeline, one line a row within the
// width; past textTimelineRows rows the kills, boots and summaries are kept
// before the noise, in time order, and the header says how many are shown.
func TestTextTimeline(t *testing.T) {
	rep := founding()
	var rows []report.TimelineRow
	for i := range 100 {
		rows = append(rows, report.TimelineRow{Time: p(fmt.Sprintf("2019-10-20T10:%02d:%02d+08:00", i/60, i%60)), Kind: "hung-task",
			Source: ref("dmesg", 10+i), Text: fmt.Sprintf("INFO: task java:%d blocked for more than 120 seconds.", 100+i)})
	}
	id := rep.Kills[0].ID
	rows = append(rows,
		report.TimelineRow{Time: p("2019-10-20T11:00:00+08:00"), Kind: "oom-kill", KillID: &id, Source: ref("dmesg", 599), Text: "Killed process 23143 (pip3)"},
		report.TimelineRow{KernelSeconds: p(1381298.09657), Kind: "boot", Source: ref("dmesg", 700), Text: "Linux version 4.15.0-65-generic " + strings.Repeat("x", 200)})
	rep.Timeline = rows
	for _, w := range []int{80, 150} {
		var b bytes.Buffer
		if err := Text(&b, rep, TextOptions{Verbose: true, Width: w}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		i := strings.Index(out, "\nTimeline (60 of 102 rows; the JSON and HTML reports list all)\n")
		if i < 0 {
			t.Fatalf("width %d: no timeline header:\n%s", w, out)
		}
		lines := strings.Split(out[i+1:], "\n")[1:]
		var got []string
		for _, l := range lines {
			if l == "" {
				break
			}
			if width(l) > w {
				t.Errorf("width %d: line wider than the text: %q", w, l)
			}
			got = append(got, l)
		}
		if len(got) != 60 {
			t.Fatalf("width %d: %d timeline lines, want 60", w, len(got))
		}
		if !strings.Contains(got[58], "oom-kill #1") || !strings.Contains(got[58], "dmesg:599") || !strings.Contains(got[59], "[1381298.096570]") ||
			!strings.Contains(got[59], "boot") || !strings.HasSuffix(got[59], "…") || !strings.Contains(got[0], "2019-10-20 10:00:00") {
			t.Errorf("width %d: rows out of place:\n%s", w, strings.Join(got, "\n"))
		}
	}
	var b bytes.Buffer
	if err := Text(&b, rep, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "Timeline") {
		t.Error("the timeline is listed without --verbose")
	}
}
