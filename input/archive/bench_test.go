package archive

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/oomlens/oomlens/internal/genlog"
)

// benchTar is a sosreport-shaped tar: the fixture bundle, two 16 MiB
// kernel logs and 3000 small proc files (sosreports hold many small files).
var benchTar = sync.OnceValue(func() []byte {
	var tb testing.B
	es := dirEntries(&tb, bundleDir, "sosreport-bench")
	for i, style := range []string{"raw", "syslog"} {
		var buf bytes.Buffer
		genlog.Generate(&buf, genlog.Options{Size: 16 << 20, Style: style, Seed: uint64(i + 1)})
		name := []string{"sosreport-bench/sos_commands/kernel/dmesg", "sosreport-bench/var/log/messages-big"}[i]
		es = append(es, entry{name: name, typ: tar.TypeReg, data: buf.Bytes()})
	}
	for i := 0; i < 3000; i++ {
		es = append(es, entry{name: fmt.Sprintf("sosreport-bench/proc/%d/status", 1000+i), typ: tar.TypeReg,
			data: fmt.Appendf(nil, "Name:\tworker-%d\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\nVmRSS:\t   %d kB\n", i, 1000+i, 1000+7*i)})
	}
	return makeTar(&tb, es)
})

// benchFile writes the bench tar in the given form once per benchmark,
// compressing with the system tool when Go has no encoder (or a slow one).
func benchFile(b *testing.B, form string) string {
	b.Helper()
	data := benchTar()
	dir := b.TempDir()
	p := filepath.Join(dir, "bench."+form)
	compress := func(tool string, args ...string) {
		cmd := exec.Command(tool, args...)
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("%s: %v", tool, err)
		}
		data = out
	}
	switch form {
	case "tar":
	case "tar.gz":
		data = gz(b, data)
	case "tar.xz":
		compress("xz", "-6", "-c")
	case "tar.bz2":
		compress("bzip2", "-9", "-c")
	case "tar.zst":
		data = zstdc(b, data)
	case "zip":
		data = makeZip(b, func() []entry {
			var es []entry
			tr := tar.NewReader(bytes.NewReader(benchTar()))
			for {
				h, err := tr.Next()
				if err != nil {
					break
				}
				e := entry{name: h.Name, typ: h.Typeflag, linkname: h.Linkname}
				if h.Typeflag == tar.TypeReg {
					e.data = make([]byte, h.Size)
					if _, err := io.ReadFull(tr, e.data); err != nil {
						b.Fatal(err)
					}
				}
				es = append(es, e)
			}
			return es
		}())
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

func benchOpen(b *testing.B, form string, opts Options) {
	p := benchFile(b, form)
	b.SetBytes(int64(len(benchTar())))
	b.ResetTimer()
	for b.Loop() {
		_, info, err := Open(p, opts)
		if err != nil {
			b.Fatal(err)
		}
		if info.Kept < 3000 {
			b.Fatalf("kept %d", info.Kept)
		}
	}
}

func BenchmarkArchiveOpenTar(b *testing.B)   { benchOpen(b, "tar", Options{}) }
func BenchmarkArchiveOpenTarGz(b *testing.B) { benchOpen(b, "tar.gz", Options{}) }
func BenchmarkArchiveOpenTarXzGo(b *testing.B) {
	benchOpen(b, "tar.xz", Options{XZ: "go"})
}
func BenchmarkArchiveOpenTarXzExec(b *testing.B) { benchOpen(b, "tar.xz", Options{XZ: "exec"}) }
func BenchmarkArchiveOpenTarBz2(b *testing.B)    { benchOpen(b, "tar.bz2", Options{}) }
func BenchmarkArchiveOpenTarZst(b *testing.B)    { benchOpen(b, "tar.zst", Options{}) }
func BenchmarkArchiveOpenZip(b *testing.B)       { benchOpen(b, "zip", Options{}) }
