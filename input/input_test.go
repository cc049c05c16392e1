package input

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestBundles: a folder of bundles stands for its bundles, in name order;
// a bundle, a folder of loose files and a file stand for themselves.
func TestBundles(t *testing.T) {
	dir := t.TempDir()
	mk := func(p string, data []byte) {
		p = filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gzMagic := []byte{0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03}
	mk("many/sosreport-b.tar.gz", gzMagic)
	mk("many/sosreport-a.tar.xz", []byte("\xfd7zXZ\x00\x00\x04"))
	mk("many/node3/sos_commands/kernel/dmesg", []byte("[    0.000000] Linux version 6.1.0-13-amd64\n"))
	mk("many/.DS_Store", []byte("x"))
	mk("loose/dmesg.txt", []byte("[    0.000000] Linux version 6.1.0-13-amd64\n"))
	mk("loose/swapon.txt", []byte("NAME TYPE SIZE USED PRIO\n"))
	mk("sos/sos_commands/kernel/dmesg", []byte("[    0.000000] Linux version 6.1.0-13-amd64\n"))
	mk("sos/old.tar.gz", gzMagic)
	got, err := Bundles([]string{filepath.Join(dir, "many"), filepath.Join(dir, "loose"), filepath.Join(dir, "sos"), filepath.Join(dir, "loose/dmesg.txt")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i], _ = filepath.Rel(dir, got[i])
	}
	want := []string{"many/node3", "many/sosreport-a.tar.xz", "many/sosreport-b.tar.gz", "loose", "sos", "loose/dmesg.txt"}
	if !slices.Equal(got, want) {
		t.Errorf("Bundles = %q, want %q", got, want)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := Bundles([]string{missing}); err == nil || err.Error() != missing+": no such file or directory" {
		t.Errorf("a missing path: %v", err)
	}
}
