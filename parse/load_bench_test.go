package parse

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// openCounter records every file the loader opens.
type openCounter struct {
	fsys   fstest.MapFS
	opened []string
}

func (c *openCounter) Open(name string) (fs.File, error) {
	f, err := c.fsys.Open(name)
	if err == nil {
		if fi, err := f.Stat(); err == nil && !fi.IsDir() {
			c.opened = append(c.opened, name)
		}
	}
	return f, err
}
func (c *openCounter) ReadDir(name string) ([]fs.DirEntry, error) { return c.fsys.ReadDir(name) }
func (c *openCounter) ReadLink(name string) (string, error)       { return c.fsys.ReadLink(name) }
func (c *openCounter) Lstat(name string) (fs.FileInfo, error)     { return c.fsys.Lstat(name) }
func (c *openCounter) Stat(name string) (fs.FileInfo, error)      { return c.fsys.Stat(name) }

// TestLoadOpensOnlyInventoried: in a sosreport the loader opens the files
// of its inventory (or their link targets) once each, and nothing else.
func TestLoadOpensOnlyInventoried(t *testing.T) {
	m := bundleFS(t, "sos4.txtar")
	for pid := 1; pid <= 300; pid++ {
		for _, f := range []string{"status", "cmdline", "oom_score_adj", "cgroup"} {
			m[fmt.Sprintf("proc/%d/%s", pid, f)] = &fstest.MapFile{Data: []byte("x\n")}
		}
	}
	c := &openCounter{fsys: m}
	b, err := Load(c, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inv := map[string]bool{}
	for _, in := range b.Inputs {
		inv[in.Path] = true
	}
	seen := map[string]bool{}
	for _, p := range c.opened {
		if seen[p] {
			t.Errorf("%s opened twice", p)
		}
		seen[p] = true
		if !inv[p] {
			t.Errorf("%s opened but not in the inventory", p)
		}
	}
	if len(c.opened) < 25 {
		t.Errorf("only %d files opened: %v", len(c.opened), c.opened)
	}
}

// BenchmarkLoadSosDirFS loads a synthetic sosreport from disk with the
// bulk of a real one around the files oomlens reads: 3000 /proc/<pid>
// files, 4000 cgroup files and 1500 other plugin outputs.
func BenchmarkLoadSosDirFS(b *testing.B) {
	dir := b.TempDir()
	buildBenchSos(b, dir)
	fsys := os.DirFS(dir)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bd, err := Load(fsys, LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(bd.Inputs) < 30 {
			b.Fatalf("inputs = %d", len(bd.Inputs))
		}
	}
}

func buildBenchSos(b *testing.B, dir string) {
	write := func(name string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	t := &testing.T{}
	var names []string
	m := bundleFS(t, "sos4.txtar")
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f := m[name]
		if f.Mode&fs.ModeSymlink != 0 {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.Symlink(string(f.Data), p); err != nil {
				b.Fatal(err)
			}
			continue
		}
		write(name, f.Data)
	}
	for pid := 1; pid <= 500; pid++ {
		for _, f := range []string{"status", "cmdline", "oom_score_adj", "oom_score", "cgroup", "limits"} {
			write(fmt.Sprintf("proc/%d/%s", pid, f), []byte("x\n"))
		}
	}
	for i := 0; i < 400; i++ {
		for _, f := range []string{"memory.max", "memory.current", "memory.stat", "memory.events", "cgroup.procs", "memory.swap.max", "memory.pressure", "cpu.max", "io.max", "pids.max"} {
			write(fmt.Sprintf("sys/fs/cgroup/kubepods.slice/pod%d/%s", i, f), []byte("max\n"))
		}
	}
	for i := 0; i < 1500; i++ {
		write(fmt.Sprintf("sos_commands/plugin%02d/command_%d", i%40, i), []byte(strings.Repeat("output line\n", 20)))
	}
}
