package rules

import (
	"fmt"
	"testing"

	"github.com/oomlens/oomlens/report"
)

// BenchmarkApply runs the built-in set over 1000 kills, each with four
// quoted evidence lines (one compaction-disabled rule reads them).
func BenchmarkApply(b *testing.B) {
	set, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	n := func(v int64) *int64 { return &v }
	o := func(v int) *int { return &v }
	var kills []report.Kill
	var lines []report.ExcerptLine
	for i := 0; i < 1000; i++ {
		var ev []report.Ref
		for j := 0; j < 4; j++ {
			l := i*10 + j
			ev = append(ev, report.Ref{Path: "messages", Line: l})
			lines = append(lines, report.ExcerptLine{Line: l, Text: fmt.Sprintf("Oct 20 15:07:17 node1 kernel: Killed process %d (java) total-vm:5412216kB, anon-rss:1992704kB, file-rss:21344kB, shmem-rss:0kB", 4000+i)})
		}
		kills = append(kills, report.Kill{ID: fmt.Sprintf("k%d", i+1), Kind: "memcg", Killer: "kernel",
			Victim:   report.Victim{Name: "java", AnonRSSKB: n(1992704), FileRSSKB: n(21344), ShmemRSSKB: n(0)},
			Invoker:  &report.Invoker{Name: "java", Order: o(0)},
			Memcg:    &report.Memcg{UsageKB: n(2097152), LimitKB: n(2097152)},
			Evidence: ev})
	}
	excerpts := []report.Excerpt{{Path: "messages", Lines: lines}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep := &report.Report{Kills: append([]report.Kill(nil), kills...), Excerpts: excerpts}
		set.Apply(rep)
	}
}

// BenchmarkLoadBuiltin parses and checks the embedded rule files.
func BenchmarkLoadBuiltin(b *testing.B) {
	srcs := BuiltinSources()
	for i := 0; i < b.N; i++ {
		if _, err := Load(srcs...); err != nil {
			b.Fatal(err)
		}
	}
}
