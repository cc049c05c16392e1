package correlate

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/oomlens/oomlens/report"
)

// citeRe is the citation as a regular expression: the reference Uncite is
// checked against.
var citeRe = regexp.MustCompile(` ?\(((?:[^\s();:]+:[0-9][0-9,\-]*)(?:; [^\s();:]+:[0-9][0-9,\-]*)*)\)`)

func unciteRE(text string) (string, []report.Ref) {
	var refs []report.Ref
	for _, m := range citeRe.FindAllStringSubmatch(text, -1) {
		refs = appendCited(refs, m[1])
	}
	text = citeRe.ReplaceAllString(text, "")
	text = strings.Replace(text, " .", ".", -1)
	return strings.TrimSpace(text), refs
}

var unciteCases = []string{
	"pip3 held 1.7 GiB (dmesg:1838,1841).",
	"a (dmesg:1-3; swapon:2) b (x:1) c.",
	"swap (dmesg:1790-1791), so swap ran out (free:2) .",
	"no citation here (pid 23143) (see below).",
	"((dmesg:1)", "(dmesg:)", "(dmesg:1;swapon:2)", "(dmesg:1; )", "(:1)", "( dmesg:1)",
	"x (a b:1) y", "tail (dmesg:12", "(dmesg:1)(swapon:2)", "  (dmesg:1)  .", "caf\xe9 (k\xe9rn:7) .",
	"(a:1-2-3,,4)", "(a:9-1)", "(a:1-20000)", "<script>alert(1 (dmesg:5)", "",
}

// TestUnciteMatchesRegexp: Uncite removes exactly what the regular
// expression of a citation matches, and returns the same lines.
func TestUnciteMatchesRegexp(t *testing.T) {
	for _, c := range unciteCases {
		gt, gr := Uncite(c)
		wt, wr := unciteRE(c)
		if gt != wt || strconv.Itoa(len(gr)) != strconv.Itoa(len(wr)) {
			t.Errorf("Uncite(%q) = %q %v, want %q %v", c, gt, gr, wt, wr)
			continue
		}
		for i := range gr {
			if gr[i] != wr[i] {
				t.Errorf("Uncite(%q) refs %v, want %v", c, gr, wr)
				break
			}
		}
	}
}

func FuzzUncite(f *testing.F) {
	for _, c := range unciteCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		gt, gr := Uncite(s)
		wt, wr := unciteRE(s)
		if gt != wt || len(gr) != len(wr) {
			t.Fatalf("Uncite(%q) = %q %d refs, want %q %d refs", s, gt, len(gr), wt, len(wr))
		}
	})
}
