package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/input/archive"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/render"
	"github.com/oomlens/oomlens/report"
)

// packDir writes dir as a tar (members under prefix, if any).
func packDir(t *testing.T, dir, prefix string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." && prefix == "" {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		h, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		h.Name = path.Join(prefix, filepath.ToSlash(rel))
		if fi.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			_, err = tw.Write(data)
			return err
		}
		return nil
	})
	if err == nil {
		err = tw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xzBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw, err := xz.NewWriter(&buf)
	if err == nil {
		zw.Write(b)
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipOf repacks a tar as a zip (symlinks included).
func zipOf(t *testing.T, tarData []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	tr := tar.NewReader(bytes.NewReader(tarData))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		zh, err := zip.FileInfoHeader(h.FileInfo())
		if err != nil {
			t.Fatal(err)
		}
		zh.Name, zh.Method = h.Name, zip.Deflate
		w, err := zw.CreateHeader(zh)
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeSymlink {
			io.WriteString(w, h.Linkname)
		} else {
			io.Copy(w, tr)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func reportJSON(t *testing.T, rep *report.Report) string {
	t.Helper()
	rep.Host.Bundle = "BUNDLE" // the one field that names the input path
	var buf bytes.Buffer
	if err := render.JSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestArchiveMatchesDirectory packs every fixture bundle at test time as
// tar.gz, tar.xz and zip (flat, under one extra top directory, and nested
// in a zip) and checks that the analysis of each archive is the analysis of
// the directory, byte for byte.
func TestArchiveMatchesDirectory(t *testing.T) {
	dirs, _ := filepath.Glob("fixtures/*")
	dirs = append([]string{"input/archive/testdata/bundle"}, dirs...)
	analysed, streamedLogs := 0, 0
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		analysed++
		copts := correlate.Options{ToolVersion: "test"}
		dirRep, dirErr := analyzeBundle([]string{dir}, archive.Options{}, copts, nil)
		want, wantInputs := "", ""
		if dirErr == nil {
			want = reportJSON(t, dirRep)
			b, _ := loadBundle(dir, archive.Options{})
			wantInputs = inputsJSON(t, b)
		}
		flat, top := packDir(t, dir, ""), packDir(t, dir, "sosreport-"+filepath.Base(dir)+"-01234-2026-11-27")
		topXZ := xzBytes(t, top)
		forms := map[string][]byte{
			"flat.tar":     flat,
			"flat.tar.gz":  gzipBytes(t, flat),
			"top.tgz":      gzipBytes(t, top),
			"top.tar.xz":   topXZ,
			"top.zip":      zipOf(t, top),
			"nested.zip":   zipOf(t, packDirOf(t, "sosreport.tar.xz", topXZ)),
			"misnamed.zip": topXZ, // content wins over the name
			// Members of 24 KiB and more are parsed as the archive streams
			// (as those of 256 MiB and more are by default): every such file
			// of the fixtures is a kernel log.
			"streamed.tar.xz": topXZ,
			"streamed.tgz":    gzipBytes(t, top),
		}
		for _, name := range slices.Sorted(maps.Keys(forms)) {
			t.Run(filepath.Base(dir)+"/"+name, func(t *testing.T) {
				p := filepath.Join(t.TempDir(), name)
				if err := os.WriteFile(p, forms[name], 0o644); err != nil {
					t.Fatal(err)
				}
				var aopts archive.Options
				if strings.HasPrefix(name, "streamed") {
					aopts.StreamMin = 24 << 10
					ao, logs := streamKernelLogs(aopts)
					_, info, err := archive.Open(p, ao)
					n := 0
					for _, st := range logs {
						if st.Log != nil {
							n++
						}
					}
					if err == nil && (info.Streamed != len(logs) || n != len(logs)) {
						t.Errorf("%d members streamed, %d parsed as kernel logs: every member of 24 KiB and more is a log", info.Streamed, n)
					}
					streamedLogs += n
				}
				rep, err := analyzeBundle([]string{p}, aopts, copts, nil)
				if (err == nil) != (dirErr == nil) {
					t.Fatalf("archive: %v; directory: %v", err, dirErr)
				}
				if err != nil {
					// Both fail alike (the loader cannot read this bundle); the
					// archive must not fail for an archive reason.
					var ae *archive.Error
					if errors.As(err, &ae) {
						t.Fatalf("archive error: %v", err)
					}
					return
				}
				if got := reportJSON(t, rep); got != want {
					t.Errorf("archive report differs from the directory's:\n%s\nwant:\n%s", got, want)
				}
				b, err := loadBundle(p, aopts)
				if err != nil {
					t.Fatal(err)
				}
				if got := inputsJSON(t, b); got != wantInputs {
					t.Errorf("the loader saw other inputs in the archive:\n%s\nwant:\n%s", got, wantInputs)
				}
			})
		}
	}
	if analysed == 0 {
		t.Fatal("no fixture bundle found")
	}
	if streamedLogs == 0 {
		t.Error("no kernel log was parsed while its archive streamed")
	}
}

// packDirOf is a tar holding one file.
func packDirOf(t *testing.T, name string, data []byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
	tw.Write(data)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// inputsJSON is what the loader looked at: every input with its kind,
// line count and verdict.
func inputsJSON(t *testing.T, b *parse.Bundle) string {
	t.Helper()
	data, err := json.MarshalIndent(b.Inputs, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestStreamedMembers: a compressed log rotation past the stream size is
// parsed as it streams (its kill is found); a streamed member that is not a
// kernel log is listed as not kept, and a corrupt .gz one as unreadable,
// rather than dropped silently or failing the whole archive.
func TestStreamedMembers(t *testing.T) {
	dmesg, err := os.ReadFile("fixtures/seed-microk8s/dmesg")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "sosreport-node-2026-11-27")
	for name, data := range map[string][]byte{
		"version.txt":                   []byte("sos report: 4.8.0\n"),
		"var/log/messages-20261120.gz":  gzipBytes(t, dmesg),
		"var/log/messages-20261113.gz":  append([]byte{0x1f, 0x8b}, bytes.Repeat([]byte("corrupt "), 4000)...),
		"sos_commands/memory/free":      bytes.Repeat([]byte("not a free table at all\n"), 2000),
		"sos_commands/memory/swapon_-s": []byte("Filename\tType\tSize\tUsed\tPriority\n/swapfile\tfile\t969932\t19046\t-2\n"),
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	arch := filepath.Join(dir, "bundle.tar.gz")
	if err := os.WriteFile(arch, gzipBytes(t, packDir(t, dir, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	aopts := archive.Options{StreamMin: 8 << 10}
	ao, logs := streamKernelLogs(aopts)
	if _, _, err := archive.Open(arch, ao); err != nil {
		t.Fatal(err)
	}
	if st, ok := logs["var/log/messages-20261120.gz"]; !ok || st.Log == nil {
		t.Fatalf("the .gz rotation was not parsed while streaming: %v", logs)
	}
	b, err := loadBundle(arch, aopts)
	if err != nil {
		t.Fatal(err)
	}
	kills := 0
	for _, kl := range b.KernelLogs {
		for _, r := range kl.Reports {
			kills += len(r.Kills)
		}
	}
	if kills == 0 {
		t.Error("the streamed .gz rotation gave no kill")
	}
	found, corrupt := false, false
	for _, in := range b.Inputs {
		if strings.HasSuffix(in.Path, "messages-20261113.gz") {
			corrupt = true
			if in.Used || !strings.Contains(in.WhyNot, "cannot be read") || !strings.Contains(in.WhyNot, "gzip") {
				t.Errorf("corrupt streamed .gz: used %v, why not %q", in.Used, in.WhyNot)
			}
		}
		if strings.HasSuffix(in.Path, "sos_commands/memory/free") {
			found = true
			if in.Used || !strings.Contains(in.WhyNot, "not a kernel log") {
				t.Errorf("streamed non-log: used %v, why not %q", in.Used, in.WhyNot)
			}
		}
	}
	if !found || !corrupt {
		t.Errorf("streamed members missing from the inputs: non-log %v, corrupt gzip %v", found, corrupt)
	}
}
