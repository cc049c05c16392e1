package input

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestBundles: a folder of bundles stands for its bundles, in name order,
// then the loose files beside them; a bundle, a folder of loose files, a
// host tree, one sosreport with notes and a file stand for themselves.
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
	// a case folder: a sosreport, a folder of saved output beside it, notes
	mk("case/sosreport-web-3/sos_commands/kernel/dmesg", []byte("[    0.000000] Linux version 6.8.0-59-generic\n"))
	mk("case/worker-1/dmesg.txt", []byte("[    0.000000] Linux version 5.15.0-139-generic\n"))
	mk("case/notes.txt", []byte("both nodes restarted services\n"))
	mk("case/sosreport-web-3.tar.xz.sha256", []byte("9a4c  sosreport-web-3.tar.xz\n"))
	os.MkdirAll(filepath.Join(dir, "case/empty"), 0o755)
	mk("case/want/report.txt", []byte("oomlens's own goldens: not a bundle\n"))
	// one sosreport with a note beside it stays one bundle (read together)
	mk("one/sosreport-x/sos_commands/kernel/dmesg", []byte("[    0.000000] Linux version 6.8.0-59-generic\n"))
	mk("one/notes.txt", []byte("x\n"))
	// a copy of a host's / is one bundle, whatever else it holds
	mk("root/var/log/kern.log", []byte("x\n"))
	mk("root/old.tar.gz", gzMagic)
	mk("root/other.tar.gz", gzMagic)
	// loose-file folders only: one bundle (nothing says they are hosts)
	mk("nodes/a/dmesg", []byte("x\n"))
	mk("nodes/b/dmesg", []byte("x\n"))
	// a folder of case folders: each case's bundles
	mk("cases/a/sosreport-x/sos_commands/kernel/dmesg", []byte("x\n"))
	mk("cases/a/node-2/dmesg", []byte("x\n"))
	mk("cases/b.tar.gz", gzMagic)
	paths := []string{"many", "loose", "sos", "loose/dmesg.txt", "case", "one", "root", "nodes", "cases"}
	for i := range paths {
		paths[i] = filepath.Join(dir, paths[i])
	}
	bs, err := Bundles(paths)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range bs {
		name, _ := filepath.Rel(dir, b.Name)
		for _, p := range b.Paths {
			rel, _ := filepath.Rel(dir, p)
			if rel != name {
				name += " <" + rel + ">"
			}
		}
		if b.Loose {
			name += " (loose)"
		}
		got = append(got, name)
	}
	want := []string{"many/node3", "many/sosreport-a.tar.xz", "many/sosreport-b.tar.gz", "loose", "sos", "loose/dmesg.txt",
		"case/sosreport-web-3", "case/worker-1 (loose)", "case/(1 loose file) <case/notes.txt> (loose)",
		"one", "root", "nodes", "cases/a/node-2 (loose)", "cases/a/sosreport-x", "cases/b.tar.gz"}
	if !slices.Equal(got, want) {
		t.Errorf("Bundles =\n%q\nwant\n%q", got, want)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := Bundles([]string{missing}); err == nil || err.Error() != missing+": no such file or directory" {
		t.Errorf("a missing path: %v", err)
	}
}
