package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oomlens/oomlens/redact"
	"github.com/oomlens/oomlens/report"
)

var update = flag.Bool("update", false, "rewrite golden files")

// cases are the hand-built reports every format is checked on.
var cases = []struct {
	name string
	rep  func() *report.Report
}{
	{"founding", founding},
	{"k8s-memcg", k8sMemcg},
	{"empty", empty},
	{"hostile", hostile},
	{"k8s-memcg-redacted", func() *report.Report { r := k8sMemcg(); redact.Report(r); return r }},
}

// formats are every renderer, named by its golden file's suffix.
var formats = []struct {
	name   string
	render func(*bytes.Buffer, *report.Report) error
}{
	{"json", func(b *bytes.Buffer, r *report.Report) error { return JSON(b, r) }},
	{"txt", func(b *bytes.Buffer, r *report.Report) error { return Text(b, r, TextOptions{}) }},
	{"wide.txt", func(b *bytes.Buffer, r *report.Report) error { return Text(b, r, TextOptions{Width: 120}) }},
	{"verbose.txt", func(b *bytes.Buffer, r *report.Report) error { return Text(b, r, TextOptions{Verbose: true}) }},
	{"brief.txt", func(b *bytes.Buffer, r *report.Report) error { return Brief(b, r) }},
	{"md", func(b *bytes.Buffer, r *report.Report) error { return Markdown(b, r) }},
	{"html", func(b *bytes.Buffer, r *report.Report) error { return HTML(b, r) }},
	{"sources.txt", func(b *bytes.Buffer, r *report.Report) error { return Sources(b, r) }},
	{"sources.json", func(b *bytes.Buffer, r *report.Report) error { return SourcesJSON(b, r) }},
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs from the golden (-want +got):\n%s", path, d)
	}
}

func TestGolden(t *testing.T) {
	for _, c := range cases {
		for _, f := range formats {
			t.Run(c.name+"."+f.name, func(t *testing.T) {
				var a, b bytes.Buffer
				if err := f.render(&a, c.rep()); err != nil {
					t.Fatal(err)
				}
				if err := f.render(&b, c.rep()); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Fatal("two renderings of the same report differ")
				}
				golden(t, c.name+"."+f.name, a.Bytes())
			})
		}
	}
}
