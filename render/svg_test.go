package render

import (
	"strings"
	"testing"

	"github.com/oomlens/oomlens/report"
)

// TestTimelineZoomedOnKills: the axis spans the kills (not boot to
// capture, which the overview strip shows), kill labels close together
// go to different rows, boots are labelled by their number, and two
// sources with the same base name get different lanes and labels.
func TestTimelineZoomedOnKills(t *testing.T) {
	kill := func(id, wall string) report.Kill {
		return report.Kill{ID: id, Kind: "global", Victim: report.Victim{Name: "pip3", Pid: p(1)}, Time: report.KillTime{Wall: p(wall)}}
	}
	long := "sos_commands/kubernetes/kubectl_--kubeconfig_.etc.kubernetes.admin.conf_"
	rep := &report.Report{
		Kills: []report.Kill{kill("k1", "2019-10-20T10:20:39+08:00"), kill("k2", "2019-10-20T10:20:41+08:00"), kill("k3", "2019-10-20T11:49:41+08:00")},
		Timeline: []report.TimelineRow{
			{Time: p("2019-10-04T12:08:03+08:00"), Boot: p(0), Source: ref("sos_commands/kernel/dmesg", 1), Kind: "boot", Text: "Linux version"},
			{Time: p("2019-10-20T10:20:39+08:00"), Source: ref("sos_commands/kernel/dmesg", 599), Kind: "oom-kill", KillID: p("k1"), Text: "Killed process"},
			{Time: p("2019-10-20T10:20:41+08:00"), Source: ref("var/log/dmesg", 9), Kind: "oom-kill", KillID: p("k2"), Text: "Killed process"},
			{Time: p("2019-10-20T11:49:41+08:00"), Source: ref(long+"describe_node_n1", 3), Kind: "k8s-event", KillID: p("k3"), Text: "SystemOOM"},
			{Time: p("2019-10-20T15:07:17+08:00"), Source: ref(long+"get_events", 4), Kind: "k8s-event", Text: "Starting kubelet."},
		},
	}
	ch := timeline(withTimes(rep))
	if ch == nil || ch.Overview == nil {
		t.Fatal("want a chart with an overview strip (the whole span is wider than the kills)")
	}
	if ch.Outside != 2 {
		t.Errorf("%d facts outside the kill window, want the boot and the 15:07 event (2)", ch.Outside)
	}
	if len(ch.Kills) != 3 || ch.Kills[0].LabelY == ch.Kills[1].LabelY || ch.Kills[0].Label == "" || ch.Kills[1].Label == "" {
		t.Errorf("kills 2 s apart want labels in different rows: %+v", ch.Kills)
	}
	if x0, x2 := ch.Kills[0].X, ch.Kills[2].X; x2-x0 < ch.PlotW*0.7 {
		t.Errorf("the kills span %.0f of %.0f units: the axis is not zoomed on them", x2-x0, ch.PlotW)
	}
	if len(ch.Before) != 1 || !strings.HasPrefix(ch.Before[0], "boot 0 at 2019-10-04") {
		t.Errorf("boots before the axis %q, want boot 0 (the timeline row's number)", ch.Before)
	}
	seen := map[string]bool{}
	for _, l := range ch.Lanes {
		if seen[l.Label] {
			t.Errorf("two lanes read %q", l.Label)
		}
		seen[l.Label] = true
		if width(l.Label) > 24 {
			t.Errorf("lane label %q wider than 24 cells", l.Label)
		}
	}
	if len(ch.Lanes) != 4 {
		t.Errorf("%d lanes, want one per source (4)", len(ch.Lanes))
	}
	for _, tk := range ch.Ticks {
		if tk.X > ch.PlotX+ch.PlotW-30 && tk.Anchor != "end" {
			t.Errorf("tick %q at the right edge is anchored %q: it would be clipped", tk.Label, tk.Anchor)
		}
	}
}
