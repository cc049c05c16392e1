package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// bundleDir is the sosreport-shaped fixture every archive test is built from.
const bundleDir = "testdata/bundle"

var fixedTime = time.Date(2026, 11, 26, 19, 30, 0, 0, time.UTC)

// entry is one member of a test archive.
type entry struct {
	name     string
	typ      byte // tar type flag
	data     []byte
	linkname string
	mode     int64
}

// dirEntries lists dir as archive members under prefix, in path order.
func dirEntries(t testing.TB, dir, prefix string) []entry {
	t.Helper()
	var out []entry
	if prefix != "" {
		out = append(out, entry{name: prefix + "/", typ: tar.TypeDir, mode: 0o755})
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		name := path.Join(prefix, filepath.ToSlash(rel))
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out = append(out, entry{name: name, typ: tar.TypeSymlink, linkname: target, mode: 0o777})
		case d.IsDir():
			out = append(out, entry{name: name + "/", typ: tar.TypeDir, mode: 0o755})
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, entry{name: name, typ: tar.TypeReg, data: data, mode: 0o644})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func makeTar(t testing.TB, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.linkname, ModTime: fixedTime, Format: tar.FormatPAX}
		if e.typ == tar.TypeReg {
			h.Size = int64(len(e.data))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if _, err := tw.Write(e.data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func makeZip(t testing.TB, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: fixedTime}
		switch e.typ {
		case tar.TypeDir:
			h.SetMode(fs.ModeDir | 0o755)
		case tar.TypeSymlink:
			h.SetMode(fs.ModeSymlink | 0o777)
		default:
			h.SetMode(0o644)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		switch e.typ {
		case tar.TypeSymlink:
			io.WriteString(w, e.linkname)
		case tar.TypeReg:
			w.Write(e.data)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xzc(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdc(t testing.TB, data []byte) []byte {
	t.Helper()
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(data, nil)
}

// writeTemp writes data to a file in dir.
func writeTemp(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// snapshot lists every path under dir with its size, to prove Open wrote
// nothing.
func snapshot(t testing.TB, dir string) string {
	t.Helper()
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			lines = append(lines, p+" error "+err.Error())
			return nil
		}
		fi, _ := d.Info()
		if fi != nil {
			lines = append(lines, p+" "+fi.Mode().String()+" "+strconv.FormatInt(fi.Size(), 10))
		}
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// compareTree checks that mem holds exactly dir's wanted files and its
// symlinks, byte for byte, as os.DirFS shows them.
func compareTree(t *testing.T, mem *MemFS, dir string) {
	t.Helper()
	want := map[string]bool{}
	dfs := os.DirFS(dir)
	err := fs.WalkDir(dfs, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			want[p] = true
			lt, _ := os.Readlink(filepath.Join(dir, p))
			got, err := mem.ReadLink(p)
			if err != nil || got != lt {
				t.Errorf("%s: ReadLink = %q, %v; want %q", p, got, err, lt)
			}
			fi, err := mem.Lstat(p)
			if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("%s: Lstat = %v, %v; want a symlink", p, fi, err)
			}
			wantData, derr := fs.ReadFile(dfs, p)
			gotData, merr := fs.ReadFile(mem, p)
			if derr == nil && (merr != nil || !bytes.Equal(gotData, wantData)) {
				t.Errorf("%s: reading through the link = %q, %v; want %q", p, gotData, merr, wantData)
			}
			return nil
		}
		if !DefaultWant(p, 0) {
			if _, err := mem.Stat(p); err == nil {
				t.Errorf("%s: kept although DefaultWant refuses it", p)
			}
			return nil
		}
		want[p] = true
		wantData, err := fs.ReadFile(dfs, p)
		if err != nil {
			return err
		}
		gotData, err := fs.ReadFile(mem, p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if !bytes.Equal(gotData, wantData) {
			t.Errorf("%s: content differs (%d bytes, want %d)", p, len(gotData), len(wantData))
		}
		fi, err := mem.Stat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(wantData)) {
			t.Errorf("%s: Stat = %v, %v", p, fi, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fs.WalkDir(mem, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Errorf("walk %s: %v", p, err)
			return nil
		}
		if !d.IsDir() && !want[p] {
			t.Errorf("%s: in the archive tree but not a wanted file of %s", p, dir)
		}
		return nil
	})
}
