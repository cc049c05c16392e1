package correlate

import (
	"strings"
	"testing"

	"github.com/oomlens/oomlens/report"
)

func TestCapTimeline(t *testing.T) {
	var rows []tlRow
	kill := "k1"
	for i := 1; i <= timelineCapPerKind+50; i++ {
		rows = append(rows, tlRow{row: report.TimelineRow{Kind: "hung-task", Source: report.Ref{Path: "dmesg", Line: i}}})
		if i == 120 {
			rows = append(rows, tlRow{row: report.TimelineRow{Kind: "oom-kill", KillID: &kill, Source: report.Ref{Path: "dmesg", Line: 1000}}})
		}
	}
	rows = append(rows, tlRow{row: report.TimelineRow{Kind: "boot", Source: report.Ref{Path: "dmesg", Line: 2000}}})
	out := capTimeline(rows, map[tlKey]int{{"hung-task", "dmesg"}: 7000, {"kswapd", "dmesg"}: 3})
	if len(out) != timelineCapPerKind+1+1+1 {
		t.Fatalf("%d rows, want the %d first hung tasks, the kill, one summary and the boot", len(out), timelineCapPerKind)
	}
	if out[120].Kind != "oom-kill" {
		t.Errorf("the kill moved: row 120 is %+v", out[120])
	}
	sum := out[len(out)-2]
	if sum.Kind != "summary" || sum.Source.Line != timelineCapPerKind+50 || !strings.Contains(sum.Text, "7050 more hung-task rows from dmesg") {
		t.Errorf("summary row = %+v", sum)
	}
	if out[len(out)-1].Kind != "boot" {
		t.Errorf("order broken: last row %+v", out[len(out)-1])
	}
}
