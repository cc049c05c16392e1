package rules

import (
	"os"
	"strings"
	"testing"
)

// TestREADMECoversEverything keeps README.md in step with the code: every
// condition key and every built-in rule id must be documented.
func TestREADMECoversEverything(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, f := range facts {
		if !strings.Contains(doc, "`"+f.name+"`") {
			t.Errorf("README.md does not document the condition %q", f.name)
		}
	}
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules() {
		if !strings.Contains(doc, "`"+r.ID+"`") {
			t.Errorf("README.md does not list the built-in rule %q", r.ID)
		}
	}
	for name := range funcs {
		if !strings.Contains(doc, "`"+name+" X`") {
			t.Errorf("README.md does not document the helper %q", name)
		}
	}
}
