package main

import (
	"go/build"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestNoNetworkNoShell checks the program's whole dependency graph: no
// package that can open a network connection is linked in, and os/exec is
// imported only by the colour-profile library lipgloss uses (it runs
// `tmux info`, fixed arguments, when TERM names tmux). oomlens itself never
// runs a command and never touches the network, whatever its input.
func TestNoNetworkNoShell(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(build.Default.GOROOT, "bin", "go")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	forbidden := map[string]bool{"net": true, "net/http": true, "crypto/tls": true, "net/rpc": true, "net/smtp": true, "plugin": true}
	var execBy []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ": ")
		if forbidden[pkg] {
			t.Errorf("%s is linked into oomlens", pkg)
		}
		for _, imp := range strings.Fields(imports) {
			if imp == "os/exec" {
				execBy = append(execBy, pkg)
			}
		}
	}
	sort.Strings(execBy)
	// colorprofile (lipgloss) asks tput for the terminal; archive runs the
	// system `xz -dc -T0 -- PATH` with a fixed argument list.
	if strings.Join(execBy, " ") != "github.com/charmbracelet/colorprofile github.com/oomlens/oomlens/input/archive" {
		t.Errorf("os/exec imported by %v, want only colorprofile and archive", execBy)
	}
}

// TestStageImports pins the import graph inside correlate and around it:
// correlate's rooms (clock, dedup, k8s) read parsed facts and never import
// correlate, so imports run one way; report is the Report type (the JSON
// contract) and needs only parse's names; redact is a pass over the
// finished Report and imports nothing of oomlens but report.
func TestStageImports(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(build.Default.GOROOT, "bin", "go")
	}
	const mod = "github.com/oomlens/oomlens/"
	allowed := map[string][]string{ // package → the oomlens packages it may import (a trailing / allows the subtree)
		"correlate/clock": {"parse", "parse/"},
		"correlate/dedup": {"parse", "parse/", "correlate/clock"},
		"correlate/k8s":   {"parse", "parse/", "correlate/clock"},
		"redact":          {"report"},
		"report":          {"parse"},
	}
	out, err := exec.Command(gobin, "list", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ": ")
		pkg = strings.TrimPrefix(pkg, mod)
		may, pinned := allowed[pkg]
		seen[pkg] = pinned
		for _, imp := range strings.Fields(imports) {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			imp = strings.TrimPrefix(imp, mod)
			if strings.HasPrefix(pkg, "correlate/") && imp == "correlate" {
				t.Errorf("%s imports correlate: correlate's rooms must not import it back", pkg)
			}
			if !pinned {
				continue
			}
			ok := false
			for _, a := range may {
				ok = ok || imp == a || strings.HasSuffix(a, "/") && strings.HasPrefix(imp, a)
			}
			if !ok {
				t.Errorf("%s imports %s; it may import only %v", pkg, imp, may)
			}
		}
	}
	for pkg := range allowed {
		if !seen[pkg] {
			t.Errorf("package %s not found: update the pinned graph", pkg)
		}
	}
}
