package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/oomlens/oomlens/report"
)

func mustLoad(t *testing.T, data string) []*Rule {
	t.Helper()
	rs, err := LoadFile("t.yaml", []byte(data), "")
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestPatternTimeout runs a catastrophically backtracking pattern on a long
// line: the match gives up, counts as no match, and is reported once.
func TestPatternTimeout(t *testing.T) {
	rs := mustLoad(t, `id: slow
title: Slow
severity: info
when:
  evidence_line: '(a+)+$'
say: slow
`)
	for i := range rs[0].conds {
		for _, p := range rs[0].conds[i].patterns {
			if p.re.MatchTimeout != MatchTimeout {
				t.Fatalf("pattern timeout = %v, want %v", p.re.MatchTimeout, MatchTimeout)
			}
			p.re.MatchTimeout = 5 * time.Millisecond
		}
	}
	line := strings.Repeat("a", 64) + "b"
	rep := &report.Report{
		Kills: []report.Kill{{ID: "k1", Evidence: []report.Ref{{Path: "dmesg", Line: 1}, {Path: "dmesg", Line: 2}}}},
		Excerpts: []report.Excerpt{{Path: "dmesg", Lines: []report.ExcerptLine{
			{Line: 1, Text: line}, {Line: 2, Text: line}}}},
	}
	start := time.Now()
	warns := (&Set{rules: rs}).Apply(rep)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Apply took %v", d)
	}
	if len(rep.Kills[0].Findings) != 0 {
		t.Errorf("a timed-out pattern fired: %+v", rep.Kills[0].Findings)
	}
	if len(warns) != 1 {
		t.Fatalf("warnings = %v, want one", warns)
	}
	want := `t.yaml: rule slow, kill k1: evidence_line pattern "(a+)+$" (t.yaml:5:18) gave up after 5ms; counted as no match`
	if got := warns[0].String(); got != want {
		t.Errorf("warning = %q\nwant      %q", got, want)
	}
}

func TestSwapState(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	tests := []struct {
		s    *report.SwapAtOOM
		want string
	}{
		{nil, ""},
		{&report.SwapAtOOM{}, ""},
		{&report.SwapAtOOM{TotalKB: n(0)}, "none"},
		{&report.SwapAtOOM{TotalKB: n(0), FreeKB: n(0)}, "none"},
		{&report.SwapAtOOM{TotalKB: n(969932)}, ""},
		{&report.SwapAtOOM{TotalKB: n(969932), FreeKB: n(950884)}, "free"},
		{&report.SwapAtOOM{TotalKB: n(260092), FreeKB: n(0)}, "exhausted"},
		{&report.SwapAtOOM{TotalKB: n(969964), FreeKB: n(204)}, "exhausted"}, // the founding case
		// correlate.SwapExhausted: free ≤ 2% of total and ≤ 64 MiB
		{&report.SwapAtOOM{TotalKB: n(2097152), FreeKB: n(41943)}, "exhausted"}, // 2% of 2 GiB
		{&report.SwapAtOOM{TotalKB: n(2097152), FreeKB: n(41944)}, "free"},
		{&report.SwapAtOOM{TotalKB: n(16777216), FreeKB: n(65536)}, "exhausted"}, // 64 MiB of 16 GiB
		{&report.SwapAtOOM{TotalKB: n(16777216), FreeKB: n(65537)}, "free"},
		{&report.SwapAtOOM{TotalKB: n(16777216), FreeKB: n(167772)}, "free"}, // 1%, but 164 MiB left
		{&report.SwapAtOOM{TotalKB: n(1536), FreeKB: n(1023)}, "free"},       // < 1 MiB, but 67% free
	}
	for _, tt := range tests {
		if got := swapState(tt.s); got != tt.want {
			t.Errorf("swapState(%+v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

// TestApply checks what a finding carries: origin, evidence (matched lines
// for evidence_line, the pod's lines for pod conditions), cited excerpts,
// inclusive bounds, and that unknown facts never fire.
func TestApply(t *testing.T) {
	rs := mustLoad(t, `id: evidence
title: Evidence line
severity: critical
when:
  evidence_line: '(?<=kernel: )Memory cgroup out of memory'
  kind: [memcg, global]
say: matched {{.Victim.Name}}
advice: 'Limit was {{kb .Memcg.LimitKB}}.'
links: [https://example.org/a, https://example.org/b]
---
id: pod-rule
title: Pod rule
severity: info
when:
  pod_namespace: '^shop$'
  qos: burstable
  usage_pct: {min: 100}
say: pod {{str .Pod.Name}}
---
id: bounded
title: Bounded
severity: warning
when:
  anon_rss_kb: {min: 1GiB, max: 1GiB}
say: exactly one GiB
---
id: needs-swap
title: Needs swap
severity: info
when: {swap: [free, exhausted]}
say: swap
---
id: kernel-range
title: Kernel
severity: info
when: {kernel: '>=5.0 <6'}
say: kernel {{.Kernel}}
`)
	s := func(v string) *string { return &v }
	n := func(v int64) *int64 { return &v }
	rep := &report.Report{
		Kills: []report.Kill{
			{ID: "k1", Kind: "memcg", Kernel: s("5.15.0-91-generic"),
				Victim: report.Victim{Name: "java", AnonRSSKB: n(1 << 20)},
				Memcg:  &report.Memcg{UsageKB: n(2097152), LimitKB: n(2097152)},
				Pod: &report.Pod{Namespace: s("shop"), Name: s("checkout-0"), QoS: s("Burstable"),
					Evidence: []report.Ref{{Path: "describe-node.txt", Line: 40}}},
				Evidence: []report.Ref{{Path: "messages", Line: 12}, {Path: "messages", Line: 10}, {Path: "messages", Line: 11}}},
			{ID: "k2", Kind: "global", Victim: report.Victim{Name: "python3", AnonRSSKB: n(1<<20 + 1)},
				Evidence: []report.Ref{{Path: "messages", Line: 30}}},
		},
		Excerpts: []report.Excerpt{{Path: "messages", Lines: []report.ExcerptLine{
			{Line: 9, Text: "Oct 20 15:07:17 node1 kernel: java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=968"},
			{Line: 10, Text: "Oct 20 15:07:17 node1 kernel: memory: usage 2097152kB, limit 2097152kB, failcnt 1824"},
			{Line: 11, Text: "Oct 20 15:07:17 node1 kernel: Memory cgroup out of memory: Killed process 4242 (java) total-vm:5412216kB, anon-rss:1048576kB, file-rss:0kB, shmem-rss:0kB"},
			{Line: 12, Text: "Oct 20 15:07:17 node1 kernel: oom_reaper: reaped process 4242 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"},
		}}},
	}
	warns := (&Set{rules: rs}).Apply(rep)
	if len(warns) != 0 {
		t.Fatalf("warnings: %v", warns)
	}
	got := map[string]report.Finding{}
	for _, k := range rep.Kills {
		for _, f := range k.Findings {
			got[k.ID+" "+f.Rule] = f
		}
	}
	var keys []string
	for _, k := range rep.Kills {
		for _, f := range k.Findings {
			keys = append(keys, k.ID+" "+f.Rule)
		}
	}
	if want := "k1 evidence,k1 pod-rule,k1 bounded,k1 kernel-range"; strings.Join(keys, ",") != want {
		t.Fatalf("findings %v, want %s", keys, want)
	}
	ev := got["k1 evidence"]
	if ev.Origin != "t.yaml" || ev.Severity != "critical" || ev.Summary != "matched java" ||
		ev.Detail != "Limit was 2 GiB.\n\nSee: https://example.org/a https://example.org/b" {
		t.Errorf("evidence finding = %+v", ev)
	}
	if len(ev.Evidence) != 1 || ev.Evidence[0] != (report.Ref{Path: "messages", Line: 11}) {
		t.Errorf("evidence refs = %v, want messages:11 only", ev.Evidence)
	}
	pod := got["k1 pod-rule"].Evidence
	if len(pod) != 4 || pod[0].Path != "describe-node.txt" || pod[1].Line != 10 || pod[3].Line != 12 {
		t.Errorf("pod rule refs = %v, want describe-node.txt:40 and messages:10..12 sorted", pod)
	}
	for _, l := range rep.Excerpts[0].Lines {
		if want := l.Line >= 10; l.Cited != want {
			t.Errorf("excerpt line %d cited = %v, want %v", l.Line, l.Cited, want)
		}
	}
	// Applying again adds nothing.
	before := len(rep.Kills[0].Findings)
	(&Set{rules: rs}).Apply(rep)
	if after := len(rep.Kills[0].Findings); after != before {
		t.Errorf("second Apply: %d findings, want %d", after, before)
	}
	// Apply on nothing is a no-op.
	if w := (*Set)(nil).Apply(rep); w != nil {
		t.Errorf("nil set: %v", w)
	}
	if w := (&Set{rules: rs}).Apply(nil); w != nil {
		t.Errorf("nil report: %v", w)
	}
}

func TestBuiltinOrigins(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules() {
		if !strings.HasPrefix(r.Origin, "builtin:") || !strings.HasSuffix(r.Origin, ".yaml") || r.Title == "" || len(r.Links) == 0 {
			t.Errorf("rule %s: origin %q, title %q, %d links", r.ID, r.Origin, r.Title, len(r.Links))
		}
	}
}
