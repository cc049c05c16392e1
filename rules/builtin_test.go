package rules

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oomlens/oomlens/report"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestBuiltinFixtures applies the whole built-in set to each starter rule's
// fixtures: testdata/builtin/<rule-id>.txtar holds a report on which the rule
// must fire (fires.json), one on which it must not (quiet.json), and the
// golden findings of both (want).
func TestBuiltinFixtures(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	files, err := filepath.Glob("testdata/builtin/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, file := range files {
		id := strings.TrimSuffix(filepath.Base(file), ".txtar")
		have[id] = true
		t.Run(id, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			for _, part := range []string{"fires.json", "quiet.json"} {
				rep := reportFrom(t, ar, part)
				warns := set.Apply(rep)
				for _, w := range warns {
					t.Errorf("%s: warning: %s", part, w)
				}
				fired := firedIDs(rep)
				if want := part == "fires.json"; fired[id] != want {
					t.Errorf("%s: rule %s fired = %v, want %v", part, id, fired[id], want)
				}
				fmt.Fprintf(&got, "# %s\n", part)
				writeFindings(&got, rep)
			}
			checkGolden(t, file, ar, "want", got.String())
		})
	}
	for _, r := range set.Rules() {
		if !have[r.ID] {
			t.Errorf("built-in rule %s (%s) has no testdata/builtin/%s.txtar", r.ID, r.Origin, r.ID)
		}
	}
	if n := len(set.Rules()); n < 10 {
		t.Errorf("built-in set has %d rules, want at least 10", n)
	}
}

func reportFrom(t *testing.T, ar *txtar.Archive, name string) *report.Report {
	t.Helper()
	for _, f := range ar.Files {
		if f.Name == name {
			var rep report.Report
			dec := json.NewDecoder(bytes.NewReader(f.Data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rep); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return &rep
		}
	}
	t.Fatalf("no %s section", name)
	return nil
}

func firedIDs(rep *report.Report) map[string]bool {
	m := map[string]bool{}
	for _, k := range rep.Kills {
		for _, f := range k.Findings {
			m[f.Rule] = true
		}
	}
	return m
}

// writeFindings prints every finding of every kill, one block each.
func writeFindings(w *bytes.Buffer, rep *report.Report) {
	for _, k := range rep.Kills {
		if len(k.Findings) == 0 {
			fmt.Fprintf(w, "%s: no findings\n", k.ID)
		}
		for _, f := range k.Findings {
			var refs []string
			for _, r := range f.Evidence {
				refs = append(refs, fmt.Sprintf("%s:%d", r.Path, r.Line))
			}
			fmt.Fprintf(w, "%s: %s (%s) from %s\n  summary: %s\n", k.ID, f.Rule, f.Severity, f.Origin, f.Summary)
			if f.Detail != "" {
				fmt.Fprintf(w, "  detail: %s\n", strings.ReplaceAll(strings.ReplaceAll(f.Detail, "\n\n", "\n"), "\n", "\n    "))
			}
			fmt.Fprintf(w, "  evidence: %s\n", strings.Join(refs, " "))
		}
	}
	var cited []string
	for _, ex := range rep.Excerpts {
		for _, l := range ex.Lines {
			if l.Cited {
				cited = append(cited, fmt.Sprintf("%s:%d", ex.Path, l.Line))
			}
		}
	}
	if len(cited) > 0 {
		sort.Strings(cited)
		fmt.Fprintf(w, "cited excerpt lines: %s\n", strings.Join(cited, " "))
	}
}

// checkGolden compares got with the archive's section; with -update it
// rewrites the section in place.
func checkGolden(t *testing.T, file string, ar *txtar.Archive, section, got string) {
	t.Helper()
	for i := range ar.Files {
		if ar.Files[i].Name != section {
			continue
		}
		if *update {
			ar.Files[i].Data = []byte(got)
			if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		if want := string(ar.Files[i].Data); want != got {
			t.Errorf("%s: %s mismatch (-want +got), run go test -update:\n%s", file, section, cmp.Diff(want, got))
		}
		return
	}
	t.Fatalf("%s: no -- %s -- section", file, section)
}
