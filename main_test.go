package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// runCLI drives the real CLI in-process.
func runCLI(t *testing.T, stdin string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = run(args, strings.NewReader(stdin), &out, &errb, getenv)
	return code, out.String(), errb.String()
}

func TestHelpAndVersion(t *testing.T) {
	code, out, _ := runCLI(t, "", nil, "--help")
	if code != exitOK {
		t.Fatalf("--help exit %d, want 0", code)
	}
	for _, want := range []string{"Examples:", "oomlens analyze", "Exit codes:", "analyze", "sources", "version"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "", nil, "analyze", "--help")
	if code != exitOK || !strings.Contains(out, "--format") || !strings.Contains(out, "--color") {
		t.Errorf("analyze --help: exit %d, output:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", nil, "version")
	if code != exitOK || !strings.HasPrefix(out, "oomlens ") {
		t.Errorf("version: exit %d, output %q", code, out)
	}
}

func TestExitCodesAndErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		code     int
		stderrRe string
	}{
		{"no command", nil, exitUsage, "oomlens: "},
		{"unknown command", []string{"frobnicate"}, exitUsage, "oomlens: "},
		{"analyze without path", []string{"analyze"}, exitUsage, "oomlens: "},
		{"bad format", []string{"analyze", "--format", "pdf", dir}, exitUsage, "--format"},
		{"bad color", []string{"analyze", "--color", "sometimes", dir}, exitUsage, "--color"},
		{"unknown output extension", []string{"analyze", "-o", filepath.Join(dir, "r.pdf"), dir}, exitUsage, "cannot tell the format"},
		{"missing path", []string{"analyze", filepath.Join(dir, "nope")}, exitBadInput, "oomlens: " + filepath.Join(dir, "nope") + ": no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", nil, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderrRe) {
				t.Errorf("stderr %q lacks %q", stderr, tt.stderrRe)
			}
		})
	}
}

func TestPickFormat(t *testing.T) {
	tests := []struct{ format, output, want string }{
		{"", "", "text"},
		{"", "r.html", "html"},
		{"", "R.HTM", "html"},
		{"", "r.json", "json"},
		{"", "r.md", "md"},
		{"markdown", "", "md"},
		{"json", "r.html", "json"},
	}
	for _, tt := range tests {
		got, err := pickFormat(tt.format, tt.output)
		if err != nil || got != tt.want {
			t.Errorf("pickFormat(%q, %q) = %q, %v; want %q", tt.format, tt.output, got, err, tt.want)
		}
	}
}

func TestColorDecision(t *testing.T) {
	tty := func(io.Writer) bool { return true }
	pipe := func(io.Writer) bool { return false }
	tests := []struct {
		name  string
		flag  string
		env   map[string]string
		isTTY func(io.Writer) bool
		want  bool
	}{
		{"auto on tty", "auto", nil, tty, true},
		{"auto on pipe", "auto", nil, pipe, false},
		{"NO_COLOR any value", "auto", map[string]string{"NO_COLOR": "0"}, tty, false},
		{"NO_COLOR empty is unset", "auto", map[string]string{"NO_COLOR": ""}, tty, true},
		{"CLICOLOR_FORCE on pipe", "auto", map[string]string{"CLICOLOR_FORCE": "1"}, pipe, true},
		{"always beats NO_COLOR", "always", map[string]string{"NO_COLOR": "1"}, pipe, true},
		{"never on tty", "never", nil, tty, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{getenv: func(k string) string { return tt.env[k] }, isTTY: tt.isTTY}
			if got := e.colorOn(tt.flag, io.Discard); got != tt.want {
				t.Errorf("colorOn = %v, want %v", got, tt.want)
			}
		})
	}
}

// fixtureDirs lists the bundles under fixtures/ (every directory with no
// want/ of its own being a parent of cases).
func fixtureDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("fixtures")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "scripts" && e.Name() != "testdata" {
			dirs = append(dirs, filepath.Join("fixtures", e.Name()))
		}
	}
	return dirs
}

// bundleArgs is how a fixture is given on the command line: the directory
// itself, without its want/ goldens.
func bundleArgs(t *testing.T, dir string) string {
	t.Helper()
	return dir
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, d)
	}
}

// TestFixtureGoldens runs the real CLI over every fixture bundle in every
// format and compares with fixtures/<case>/want/. Regenerate with
// `go test -run TestFixtureGoldens -update` and review every diff.
func TestFixtureGoldens(t *testing.T) {
	formats := []struct {
		file string
		args []string
	}{
		{"report.json", []string{"analyze", "--format", "json"}},
		{"report.txt", []string{"analyze", "--format", "text", "--color", "never"}},
		{"report.md", []string{"analyze", "--format", "md"}},
		{"report.html", []string{"analyze", "--format", "html"}},
		{"sources.txt", []string{"sources"}},
	}
	for _, dir := range fixtureDirs(t) {
		for _, f := range formats {
			t.Run(filepath.Base(dir)+"/"+f.file, func(t *testing.T) {
				args := append(append([]string{}, f.args...), bundleArgs(t, dir))
				code, out, stderr := runCLI(t, "", nil, args...)
				if code != exitOK {
					t.Fatalf("exit %d; stderr:\n%s", code, stderr)
				}
				checkGolden(t, filepath.Join(dir, "want", f.file), []byte(out))
			})
		}
	}
}
