package input

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestLooseFS: loose files are served under their base names (duplicates
// prefixed with "_"), stream from disk, and the FS passes fstest.TestFS.
func TestLooseFS(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a", "dmesg.txt")
	b := filepath.Join(dir, "b", "dmesg.txt")
	for _, p := range []string{a, b} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("[    0.000000] Linux version 6.8.0 ("+p+")\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys, names, err := looseFiles([]string{a, b, "-"}, strings.NewReader("[    1.000000] from stdin\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, ","); got != "dmesg.txt,_dmesg.txt,stdin" {
		t.Fatalf("names %q", got)
	}
	if err := fstest.TestFS(fsys, "dmesg.txt", "_dmesg.txt", "stdin"); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"dmesg.txt": a, "_dmesg.txt": b, "stdin": "from stdin"} {
		data, err := fs.ReadFile(fsys, name)
		if err != nil || !strings.Contains(string(data), want) {
			t.Errorf("%s: %q, %v; want it to contain %q", name, data, err, want)
		}
		fi, err := fs.Lstat(fsys, name)
		if err != nil || !fi.Mode().IsRegular() || fi.Name() != name || fi.Size() != int64(len(data)) {
			t.Errorf("%s: Lstat %v %v", name, fi, err)
		}
	}
	if _, _, err := looseFiles([]string{filepath.Join(dir, "missing")}, io.MultiReader()); err == nil {
		t.Error("missing file: no error")
	}
	if _, _, err := looseFiles([]string{dir}, io.MultiReader()); err == nil {
		t.Error("directory among loose files: no error")
	}
}
