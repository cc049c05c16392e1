package rules

import (
	"testing"

	"github.com/oomlens/oomlens/report"
	"golang.org/x/tools/txtar"
)

// FuzzLoadFile feeds arbitrary bytes to the rule-file reader: it must never
// panic, and whatever it accepts must apply to a kill without panicking.
func FuzzLoadFile(f *testing.F) {
	for _, src := range BuiltinSources() {
		f.Add(src.Data)
	}
	if ar, err := txtar.ParseFile("testdata/errors.txtar"); err == nil {
		for _, file := range ar.Files {
			f.Add(file.Data)
		}
	}
	n := func(v int64) *int64 { return &v }
	f.Fuzz(func(t *testing.T, data []byte) {
		rep := &report.Report{Kills: []report.Kill{
			{ID: "k1", Kind: "memcg", Victim: report.Victim{Name: "java", AnonRSSKB: n(1 << 20)},
				Memcg: &report.Memcg{LimitKB: n(1 << 20)}},
			{ID: "k2"},
		}}
		rs, err := LoadFile("fuzz.yaml", data, "")
		if err != nil {
			if _, ok := err.(ErrorList); !ok {
				t.Fatalf("error %T, want ErrorList", err)
			}
			return
		}
		(&Set{rules: rs}).Apply(rep)
	})
}
