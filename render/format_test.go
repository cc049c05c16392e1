package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oomlens/oomlens/report"
)

func TestShortRefs(t *testing.T) {
	refs := []report.Ref{
		{Path: "sos_commands/kernel/dmesg", Line: 1841}, {Path: "sos_commands/kernel/dmesg", Line: 1790},
		{Path: "sos_commands/kernel/dmesg", Line: 1791}, {Path: "swapon", Line: 3}, {Path: "sos_commands/kernel/dmesg", Line: 1790},
		{Path: "swapon", Line: 2},
	}
	if got, want := shortRefs(refs), "dmesg:1790-1791,1841 swapon:2-3"; got != want {
		t.Errorf("shortRefs = %q, want %q", got, want)
	}
}

func TestVisible(t *testing.T) {
	for in, want := range map[string]string{
		"plain":           "plain",
		"\x1b[31mred":     `\x1b[31mred`,
		"a\tb":            "a b",
		"bell\x07\r":      `bell\x07\x0d`,
		"bad\xffutf8":     `bad\xffutf8`,
		"rtl\u202eevil":   `rtl\u202eevil`,
		"c1\u009bcsi":     `c1\u009bcsi`,
		"中文 ok":           "中文 ok",
		"caf\u00e9 naïve": "café naïve",
	} {
		if got := visible(in); got != want {
			t.Errorf("visible(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestZeroReport renders a nil and a zero Report in every format: bad
// input never panics.
func TestZeroReport(t *testing.T) {
	for _, rep := range []*report.Report{nil, {}} {
		for _, f := range formats {
			var b bytes.Buffer
			if err := f.render(&b, rep); err != nil {
				t.Errorf("%s: %v", f.name, err)
			}
			if b.Len() == 0 {
				t.Errorf("%s: no output", f.name)
			}
		}
	}
}

func TestSpan(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		first, last *string
		want        string
	}{
		{nil, nil, "—"},
		{s("2019-10-20T15:13:03+08:00"), s("2019-10-20T15:13:03+08:00"), "2019-10-20 15:13:03"},
		{s("2019-10-04T12:08:03+08:00"), s("2019-10-20T15:07:52+08:00"), "2019-10-04 12:08 → 10-20 15:07"},
		{s("2019-12-31T23:59:00Z"), s("2020-01-01T00:01:00Z"), "2019-12-31 23:59 → 2020-01-01 00:01"},
		{s("2026-11-24T22:10:03"), nil, "2026-11-24 22:10 → —"},
		{nil, s("2026-11-26T09:31:50Z"), "— → 2026-11-26 09:31"},
	} {
		if got := span(c.first, c.last); got != c.want {
			t.Errorf("span(%v, %v) = %q, want %q", strOr(c.first, "nil"), strOr(c.last, "nil"), got, c.want)
		}
	}
}

// TestWrapNeverBreaksAWord: a word longer than the line (a cgroup path, a
// sos file name) is shortened with …, not cut across two lines.
func TestWrapNeverBreaksAWord(t *testing.T) {
	long := "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8f1c2e7a_4b3d.slice/cri-containerd-c3a1f09d2b7e4c56a8d1e0f3b6a9c2d4.scope"
	text := "its memory cgroup " + long + " reached its limit"
	lines := wrap(text, 60)
	words := map[string]bool{}
	for _, w := range strings.Fields(text) {
		words[w] = true
	}
	for _, l := range lines {
		if width(l) > 60 {
			t.Errorf("line wider than 60: %q", l)
		}
		for _, w := range strings.Fields(l) {
			if !words[w] && !strings.Contains(w, "…") {
				t.Errorf("%q is a piece of a word: %q", w, lines)
			}
		}
	}
	got := shortenPath(long, 60)
	if !strings.HasSuffix(got, "/cri-containerd-c3a1f09d2b7e4c56a8d1e0f3b6a9c2d4.scope") || !strings.HasPrefix(got, "/…/") && !strings.HasPrefix(got, "…/") {
		t.Errorf("shortenPath kept %q; want the leading directories to give way to …/ and the last name whole", got)
	}
	if got := shortenPath("kubectl_--kubeconfig_.etc.kubernetes.admin.conf_--namespace_payments_describe_pods", 30); width(got) > 30 || !strings.Contains(got, "…") || !strings.HasPrefix(got, "kubectl_") || !strings.HasSuffix(got, "pods") {
		t.Errorf("shortenPath of a long name = %q; want its start and end around … in 30 cells", got)
	}
}

func TestFitRefs(t *testing.T) {
	refs := []report.Ref{{Path: "dmesg", Line: 3922}, {Path: "dmesg", Line: 3923}, {Path: "dmesg_-T", Line: 3924},
		{Path: "var/log/kern.log", Line: 1637}, {Path: "var/log/syslog", Line: 249}}
	for _, tt := range []struct {
		w    int
		want string
	}{
		{80, "dmesg:3922-3923 dmesg_-T:3924 kern.log:1637 syslog:249"},
		{42, "dmesg:3922-3923 dmesg_-T:3924 2 more files"},
		{40, "dmesg:3922-3923 3 more files"},
		{24, "dmesg:3922-3923 …"},
	} {
		if got := fitRefs(refs, tt.w); got != tt.want || width(got) > tt.w {
			t.Errorf("fitRefs(w=%d) = %q, want %q", tt.w, got, tt.want)
		}
	}
}
