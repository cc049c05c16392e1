package rules

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestApplyCases loads testdata/apply/*.txtar: a user rule file
// (rules.yaml) applied to a report (report.json), with the findings as a
// golden (want).
func TestApplyCases(t *testing.T) {
	files, err := filepath.Glob("testdata/apply/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var ruleData []byte
			for _, f := range ar.Files {
				if f.Name == "rules.yaml" {
					ruleData = f.Data
				}
			}
			set, err := Load(Source{Path: "rules.yaml", Origin: "/etc/oomlens/rules.yaml", Data: ruleData})
			if err != nil {
				t.Fatal(err)
			}
			rep := reportFrom(t, ar, "report.json")
			var got bytes.Buffer
			for _, w := range set.Apply(rep) {
				fmt.Fprintf(&got, "warning: %s\n", w)
			}
			writeFindings(&got, rep)
			checkGolden(t, file, ar, "want", got.String())
		})
	}
}
