package render

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/oomlens/oomlens/report"
)

// TestHostileText checks that no format lets a process name or log line
// inject markup or drive the terminal.
func TestHostileText(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := f.render(&b, hostile()); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, c := range []byte{0x1b, 0x07, '\r'} {
				if f.name != "json" && f.name != "sources.json" && strings.IndexByte(out, c) >= 0 {
					t.Errorf("raw control byte %#x in %s output", c, f.name)
				}
			}
			switch f.name {
			case "html":
				checkHTMLInert(t, out)
			case "md":
				checkMarkdownInert(t, out)
			case "txt", "wide.txt", "verbose.txt", "sources.txt":
				if !strings.Contains(out, `\x1b`) {
					t.Errorf("text output should show the ESC byte as \\x1b")
				}
			case "json", "sources.json":
				var v any
				if err := json.Unmarshal(b.Bytes(), &v); err != nil {
					t.Fatalf("invalid JSON: %v", err)
				}
			}
		})
	}
}

var (
	scriptOpen = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	// A start tag: the name and its attributes.
	startTag = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>`)
	onAttr   = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	// The elements report.html.tmpl writes; anything else was injected.
	allowedTags = map[string]bool{}
	codeSpan    = regexp.MustCompile("`[^`]*`")
)

func init() {
	for _, t := range strings.Fields(`html head meta title style body header div h1 h2 h3 span dl dt dd p strong
		main section b small ol li a figure svg g line text title circle figcaption i details summary table thead
		tbody tr th td article rect ul code footer script button`) {
		allowedTags[t] = true
	}
}

// checkTags fails on any element the template does not write, on any event
// handler attribute, and on any attribute that could fetch.
func checkTags(t *testing.T, out string) {
	t.Helper()
	for _, m := range startTag.FindAllStringSubmatch(out, -1) {
		if !allowedTags[strings.ToLower(m[1])] {
			t.Errorf("element <%s> is not one the template writes: %q", m[1], m[0])
		}
		if onAttr.MatchString(m[2]) {
			t.Errorf("event handler attribute: %q", m[0])
		}
		for _, bad := range []string{"src=", "http:", "https:", "url(", "javascript:"} {
			if strings.Contains(strings.ToLower(m[2]), bad) {
				t.Errorf("attribute that could fetch or run: %q", m[0])
			}
		}
	}
}

func checkHTMLInert(t *testing.T, out string) {
	t.Helper()
	opens := scriptOpen.FindAllString(out, -1)
	want := []string{`<script type="application/json" id="oomlens-report">`, `<script>`}
	if strings.Join(opens, "|") != strings.Join(want, "|") {
		t.Errorf("script elements = %q, want exactly %q", opens, want)
	}
	if n := strings.Count(strings.ToLower(out), "</script"); n != 2 {
		t.Errorf("%d </script occurrences, want 2 (the island's and the script's)", n)
	}
	checkTags(t, out)
	if n := strings.Count(out, "<style>"); n != 1 {
		t.Errorf("%d <style> elements, want 1", n)
	}
	// The data island: < escaped, and it parses back to the report.
	start := strings.Index(out, want[0]) + len(want[0])
	end := strings.Index(out[start:], "</script>")
	island := out[start : start+end]
	if strings.ContainsAny(island, "<>") {
		t.Errorf("data island contains a raw < or >")
	}
	if !strings.Contains(island, `\u003cscript\u003ealert(1)\u003c/script\u003e`) {
		t.Errorf("data island does not hold the escaped victim name")
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(island), &rep); err != nil {
		t.Fatalf("data island is not JSON: %v", err)
	}
	if rep.Kills[0].Victim.Name != "<script>alert(1)</script>" {
		t.Errorf("data island victim = %q", rep.Kills[0].Victim.Name)
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("victim name not shown escaped")
	}
	if !strings.Contains(out, `\x1b[31m`) {
		t.Errorf("ESC in log text not shown as \\x1b")
	}
}

func checkMarkdownInert(t *testing.T, out string) {
	t.Helper()
	// Outside code blocks, no raw < may open a tag other than the report's own
	// <details>, <summary> and <sub>.
	inFence := ""
	for _, line := range strings.Split(out, "\n") {
		trim := strings.TrimSpace(line)
		if inFence != "" {
			if trim == inFence {
				inFence = ""
			}
			continue
		}
		if strings.HasPrefix(trim, "```") {
			inFence = strings.TrimRight(trim, "abcdefghijklmnopqrstuvwxyz")
			continue
		}
		rest := codeSpan.ReplaceAllString(line, "")
		for _, ok := range []string{"<details>", "</details>", "<summary>", "</summary>", "<sub>", "</sub>"} {
			rest = strings.ReplaceAll(rest, ok, "")
		}
		if strings.ContainsAny(rest, "<>") {
			t.Errorf("raw < or > outside a code block: %q", line)
		}
		// A table row must have exactly as many unescaped pipes as its header.
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "alert") {
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 4 && n != 9 && n != 3 {
				t.Errorf("table row with %d cell separators: %q", n, line)
			}
		}
	}
	if inFence != "" {
		t.Errorf("unclosed code fence %q: a log line closed or opened one", inFence)
	}
}

// TestTemplateSelfContained checks the template and stylesheet for anything
// that could fetch: URLs, @import, url(.
func TestTemplateSelfContained(t *testing.T) {
	for _, name := range []string{"report.html.tmpl", "report.css"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"http:", "https:", "//", "@import", "url(", "<link", "src="} {
			s := string(data)
			if bad == "//" {
				s = strings.ReplaceAll(s, "://", "") // only URLs matter, and those are caught above
			}
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := HTML(&b, c.rep()); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		checkTags(t, out)
		if !strings.Contains(out, `<meta http-equiv="Content-Security-Policy" content="default-src 'none';`) {
			t.Errorf("%s: no CSP", c.name)
		}
	}
}

// TestTextColor checks that colour is on only when asked and never changes
// the layout.
func TestTextColor(t *testing.T) {
	for _, c := range cases {
		var plain, color bytes.Buffer
		if err := Text(&plain, c.rep(), TextOptions{Verbose: true}); err != nil {
			t.Fatal(err)
		}
		if err := Text(&color, c.rep(), TextOptions{Color: true, Verbose: true}); err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(plain.Bytes(), 0x1b) >= 0 {
			t.Errorf("%s: escape codes without Color", c.name)
		}
		if c.name != "hostile" && bytes.IndexByte(color.Bytes(), 0x1b) < 0 {
			t.Errorf("%s: no escape codes with Color", c.name)
		}
		stripped := ansiSeq.ReplaceAllString(color.String(), "")
		if stripped != plain.String() {
			t.Errorf("%s: colour changed the layout", c.name)
		}
	}
}

var ansiSeq = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestTextWidth checks that no line is wider than asked (80 by default).
func TestTextWidth(t *testing.T) {
	for _, c := range cases {
		for _, w := range []int{0, 80, 100, 160} {
			var b bytes.Buffer
			if err := Text(&b, c.rep(), TextOptions{Width: w, Verbose: true}); err != nil {
				t.Fatal(err)
			}
			limit := max(w, 80)
			for i, line := range strings.Split(b.String(), "\n") {
				if width(line) > limit {
					t.Errorf("%s width %d: line %d is %d cells: %q", c.name, w, i+1, width(line), line)
				}
			}
		}
	}
}

// TestLongVictimNameNarrow: a long victim name gets a card of its own that
// stays within 80 cells (the name shortened with …, never broken), and is
// whole at 160.
func TestLongVictimNameNarrow(t *testing.T) {
	rep := founding()
	long := "python3.11-/opt/venv/bin/celery-worker-with-a-very-long-name-that-does-not-fit-one-line"
	rep.Kills[1].Victim.Name = long
	rep.Kills[1].Headline = ""
	var narrow, wide bytes.Buffer
	if err := Text(&narrow, rep, TextOptions{Width: 80}); err != nil {
		t.Fatal(err)
	}
	if err := Text(&wide, rep, TextOptions{Width: 160}); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(narrow.String(), "\n") {
		if width(l) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
	if out := narrow.String(); !strings.Contains(out, "#2") || !strings.Contains(out, "…") || !strings.Contains(out, "24161") {
		t.Errorf("narrow: want a card #2 with the pid and the name shortened with …:\n%s", out)
	}
	if !strings.Contains(wide.String(), long) {
		t.Errorf("wide: want the full name:\n%s", wide.String())
	}
}
