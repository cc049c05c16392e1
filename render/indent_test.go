package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/oomlens/oomlens/report"
)

// indentCases are compact JSON texts with every shape writeIndented must
// get right: empty containers, nesting, punctuation and escapes in strings.
var indentCases = []string{
	`{}`, `[]`, `null`, `"x"`, `0`, `[[]]`, `{"a":{}}`, `{"a":[]}`,
	`{"a":1,"b":[1,2,{"c":null}],"d":{"e":[[],{}]}}`,
	`{"s":"braces {} [] , : inside","t":"quote \" and backslash \\ and \\\" end"}`,
	`["\\\\","\"",":",",","\u003c\u0026\u003e","日本語"]`,
	`{"k\"ey":{"nested":[{"deep":[1,[2,[3]]]}]}}`,
}

func TestWriteIndentedEqualsEncoder(t *testing.T) {
	long := `{"big":"` + strings.Repeat(`a\"b{`, 30000) + `","list":[` + strings.Repeat(`{"x":[]},`, 5000) + `1]}`
	for _, c := range append(indentCases, long) {
		checkIndent(t, []byte(c))
	}
}

func checkIndent(t *testing.T, src []byte) {
	t.Helper()
	var compact bytes.Buffer
	if err := json.Compact(&compact, src); err != nil {
		return // not JSON: nothing to compare
	}
	compact.WriteByte('\n')
	var want bytes.Buffer
	if err := json.Indent(&want, compact.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := writeIndented(&got, compact.Bytes()); err != nil {
		t.Fatalf("writeIndented(%.80q): %v", compact.Bytes(), err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("writeIndented(%.80q):\n got %.200q\nwant %.200q", compact.Bytes(), got.Bytes(), want.Bytes())
	}
	// The same text written in pieces (a string, an escape or a container
	// cut between two Write calls) indents the same.
	for _, step := range []int{1, 2, 3, 7} {
		var pieces bytes.Buffer
		x := newIndenter(&pieces)
		for b := compact.Bytes(); len(b) > 0; b = b[min(step, len(b)):] {
			if _, err := x.Write(b[:min(step, len(b))]); err != nil {
				t.Fatal(err)
			}
		}
		if err := x.Close(); err != nil {
			t.Fatalf("pieces of %d: %v", step, err)
		}
		if !bytes.Equal(pieces.Bytes(), want.Bytes()) {
			t.Fatalf("pieces of %d of %.80q:\n got %.200q\nwant %.200q", step, compact.Bytes(), pieces.Bytes(), want.Bytes())
		}
	}
}

func TestWriteIndentedRejectsBrokenInput(t *testing.T) {
	for _, c := range []string{`{"a":"open`, `[1,2`, `{"a":[}`} {
		if err := writeIndented(&bytes.Buffer{}, []byte(c)); err == nil {
			t.Errorf("writeIndented(%q) = nil error", c)
		}
	}
}

func FuzzWriteIndented(f *testing.F) {
	for _, c := range indentCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkIndent(t, src)
	})
}

// TestWriteReportMatchesEncoder: the piecewise report encoding is byte for
// byte json.Encoder's, with and without HTML escaping, for every test
// report (the hostile one has <, > and & in its strings), an empty one and
// one whose lists are nil.
func TestWriteReportMatchesEncoder(t *testing.T) {
	reps := []*report.Report{{}, empty()}
	for _, c := range cases {
		reps = append(reps, c.rep())
	}
	for i, rep := range reps {
		for _, esc := range []bool{false, true} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(esc)
			if err := enc.Encode(filled(reflect.ValueOf(rep)).Interface()); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := writeReport(&got, rep, esc); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("report %d (escape %v):\n got %.300q\nwant %.300q", i, esc, got.Bytes(), want.Bytes())
			}
		}
	}
}

// TestWriteReportError: a failing writer's error comes back.
func TestWriteReportError(t *testing.T) {
	if err := writeReport(failWriter{}, founding(), false); err == nil {
		t.Error("no error from a failing writer")
	}
	if err := JSON(failWriter{}, founding()); err == nil {
		t.Error("JSON: no error from a failing writer")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestRenderLeavesReport: no format changes the report it is given (a
// report with nil lists stays nil where it was), and JSON still prints []
// for them.
func TestRenderLeavesReport(t *testing.T) {
	rep := founding()
	rep.Coverage, rep.Kills[0].Findings = nil, nil
	before, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for name, f := range map[string]func() error{
		"json":  func() error { return JSON(&out, rep) },
		"html":  func() error { return HTML(&out, rep) },
		"md":    func() error { return Markdown(&out, rep) },
		"brief": func() error { return Brief(&out, rep) },
		"text":  func() error { return Text(&out, rep, TextOptions{Width: 80}) },
	} {
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		after, _ := json.Marshal(rep)
		if !bytes.Equal(before, after) || rep.Coverage != nil || rep.Kills[0].Findings != nil {
			t.Errorf("%s changed the report it was given", name)
		}
	}
	out.Reset()
	if err := JSON(&out, rep); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte(`"coverage": []`)) || !bytes.Contains(out.Bytes(), []byte(`"findings": []`)) {
		t.Error("nil lists are not [] in the JSON")
	}
}
