package rules

import (
	"testing"

	"github.com/oomlens/oomlens/report"
)

func TestHumanSizes(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		fn   func(any) string
		in   any
		want string
	}{
		{kbFunc, n(1743412), "1.7 GiB"},
		{kbFunc, n(1048576), "1 GiB"},
		{kbFunc, n(524288), "512 MiB"},
		{kbFunc, n(812), "0.8 MiB"}, // units.KB: MiB from 100 kB, as the tables print it
		{kbFunc, n(96), "96 kB"},
		{kbFunc, n(0), "0 kB"},
		{kbFunc, int64(3 << 30), "3 TiB"},
		{kbFunc, f(1536), "1.5 MiB"},
		{kbFunc, (*int64)(nil), "unknown"},
		{kbFunc, nil, "unknown"},
		{kbFunc, "12", "unknown"},
		{numFunc, n(-999), "-999"},
		{numFunc, (*int)(nil), "unknown"},
		{pctFunc, f(87.4), "87%"},
		{pctFunc, f(3.46), "3.5%"},
		{pctFunc, f(5), "5%"},
		{pctFunc, (*float64)(nil), "unknown"},
		{strFunc, (*string)(nil), "unknown"},
		{strFunc, "", "unknown"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%T(%v) = %q, want %q", tt.in, tt.in, got, tt.want)
		}
	}
}

// TestTemplateOnEmptyKill runs a template touching every block on a kill
// that printed nothing: it must render "unknown", not fail or panic.
func TestTemplateOnEmptyKill(t *testing.T) {
	const rule = `id: all-fields
title: All fields
severity: info
when: {victim: '.'}
say: |
  {{.Victim.Name}} pid {{num .Victim.Pid}} anon {{kb .Victim.AnonRSSKB}} limit {{kb .Memcg.LimitKB}}
  pod {{str .Pod.Namespace}}/{{str .Pod.Name}} qos {{str .Pod.QoS}} order {{num .Invoker.Order}}
  swap {{kb .Swap.FreeKB}}/{{kb .Swap.TotalKB}} ({{.Swapstate}}) shmem {{kb .Mem.ShmemKB}}
  pct {{pct (.Fact "victim_rss_pct")}} kernel {{or .Kernel "unknown"}} top {{len .Top}} rule {{.Rule.ID}}
`
	rs, err := LoadFile("all.yaml", []byte(rule), "")
	if err != nil {
		t.Fatal(err)
	}
	rep := &report.Report{Kills: []report.Kill{{ID: "k1", Victim: report.Victim{Name: "a"}}}}
	f, ok, warns := rs[0].Match(rep, &rep.Kills[0])
	if !ok || len(warns) > 0 {
		t.Fatalf("Match = %v, warnings %v", ok, warns)
	}
	want := "a pid unknown anon unknown limit unknown pod unknown/unknown qos unknown order unknown swap unknown/unknown () shmem unknown pct unknown kernel unknown top 0 rule all-fields"
	if f.Summary != want {
		t.Errorf("summary:\n%s\nwant:\n%s", f.Summary, want)
	}
	if f.Evidence == nil {
		t.Error("Evidence is nil, want an empty list")
	}
}
