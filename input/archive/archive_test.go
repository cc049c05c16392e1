package archive

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestFormats builds every supported archive form from testdata/bundle at
// test time (with and without one extra top directory) and checks that
// Open serves exactly the directory's wanted files.
func TestFormats(t *testing.T) {
	type tc struct {
		name, file, format string
		build              func(t testing.TB, prefix string) []byte
		xz                 string
	}
	tarOf := func(t testing.TB, prefix string) []byte { return makeTar(t, dirEntries(t, bundleDir, prefix)) }
	cases := []tc{
		{name: "tar", file: "b.tar", format: "tar", build: tarOf},
		{name: "tar.gz", file: "b.tar.gz", format: "tar.gz", build: func(t testing.TB, p string) []byte { return gz(t, tarOf(t, p)) }},
		{name: "tgz", file: "b.tgz", format: "tar.gz", build: func(t testing.TB, p string) []byte { return gz(t, tarOf(t, p)) }},
		{name: "tar.xz go", file: "b.tar.xz", format: "tar.xz", xz: "go", build: func(t testing.TB, p string) []byte { return xzc(t, tarOf(t, p)) }},
		{name: "tar.zst", file: "b.tar.zst", format: "tar.zst", build: func(t testing.TB, p string) []byte { return zstdc(t, tarOf(t, p)) }},
		{name: "zip", file: "b.zip", format: "zip", build: func(t testing.TB, p string) []byte { return makeZip(t, dirEntries(t, bundleDir, p)) }},
		{name: "wrong extension", file: "b.zip", format: "tar.gz", build: func(t testing.TB, p string) []byte { return gz(t, tarOf(t, p)) }},
	}
	if _, err := exec.LookPath("xz"); err == nil {
		cases = append(cases, tc{name: "tar.xz exec", file: "b.tar.xz", format: "tar.xz", xz: "exec", build: func(t testing.TB, p string) []byte { return xzc(t, tarOf(t, p)) }})
	}
	for _, c := range cases {
		for _, prefix := range []string{"", "sosreport-node1-01234-2026-11-26-abcdef"} {
			t.Run(c.name+"/"+map[bool]string{true: "flat", false: "topdir"}[prefix == ""], func(t *testing.T) {
				dir := t.TempDir()
				p := writeTemp(t, dir, c.file, c.build(t, prefix))
				before := snapshot(t, dir)
				m, info, err := OpenMem(p, Options{XZ: c.xz})
				if err != nil {
					t.Fatal(err)
				}
				if info.Format != c.format {
					t.Errorf("Format = %q, want %q", info.Format, c.format)
				}
				if info.Root != prefix {
					t.Errorf("Root = %q, want %q", info.Root, prefix)
				}
				if len(info.Warnings) != 0 {
					t.Errorf("warnings: %v", info.Warnings)
				}
				if info.Kept != 9 || info.KeptBytes != 5518 || info.Members < 30 || info.UnpackedBytes < info.KeptBytes {
					t.Errorf("Kept %d (%d bytes) of %d members, %d bytes unpacked", info.Kept, info.KeptBytes, info.Members, info.UnpackedBytes)
				}
				compareTree(t, m, bundleDir)
				if after := snapshot(t, dir); after != before {
					t.Errorf("Open changed its directory:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
	}
}

// TestSystemTarBzip2 reads testdata/bundle.tar.bz2, written by GNU tar and
// bzip2 (Go has no bzip2 writer):
//
//	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=2026-11-26T19:30:00Z \
//	  -cjf bundle.tar.bz2 --transform 's,^bundle,sosreport-node1-01234-2026-11-26-abcdef,' bundle
func TestSystemTarBzip2(t *testing.T) {
	m, info, err := OpenMem("testdata/bundle.tar.bz2", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != "tar.bz2" || info.Root != "sosreport-node1-01234-2026-11-26-abcdef" {
		t.Errorf("Format, Root = %q, %q", info.Format, info.Root)
	}
	compareTree(t, m, bundleDir)
}

// TestMemFS runs the standard fs.FS conformance checks on an opened archive.
func TestMemFS(t *testing.T) {
	p := writeTemp(t, t.TempDir(), "b.tar", makeTar(t, dirEntries(t, bundleDir, "top")))
	m, _, err := OpenMem(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(m, "version.txt", "sos_commands/kernel/dmesg", "proc/meminfo", "free", "var/log/messages"); err != nil {
		t.Fatal(err)
	}
	ents, err := fs.ReadDir(m, ".")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name()+" "+e.Type().String())
	}
	want := []string{"etc d---------", "free L---------", "hostname L---------", "proc d---------", "sos_commands d---------", "sos_strings d---------", "sys d---------", "usr d---------", "var d---------", "version.txt ----------"}
	if !slices.Equal(got, want) {
		t.Errorf("ReadDir(.) =\n%q\nwant\n%q", got, want)
	}
	fi, err := m.Stat("free")
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != 207 {
		t.Errorf("Stat(free) follows the link: got %v, %v", fi, err)
	}
}

// TestNested opens archives inside archives.
func TestNested(t *testing.T) {
	inner := xzc(t, makeTar(t, dirEntries(t, bundleDir, "sosreport-node1")))
	cases := []struct {
		name     string
		data     []byte
		root     string
		nested   []string
		warnings int
	}{
		{
			name:   "zip holding one tar.xz",
			data:   makeZip(t, []entry{{name: "sosreport-node1.tar.xz", typ: tar.TypeReg, data: inner}}),
			root:   "sosreport-node1",
			nested: []string{"sosreport-node1.tar.xz"},
		},
		{
			name: "zip holding notes and a tar.xz",
			data: makeZip(t, []entry{
				{name: "NOTES.txt", typ: tar.TypeReg, data: []byte("customer says node1 restarted at 15:07\n")},
				{name: "sosreport-node1.tar.xz", typ: tar.TypeReg, data: inner},
			}),
			root:     "sosreport-node1",
			nested:   []string{"sosreport-node1.tar.xz"},
			warnings: 1,
		},
		{
			name: "tar.gz with a case directory holding a tar",
			data: gz(t, makeTar(t, []entry{
				{name: "case-01234/", typ: tar.TypeDir},
				{name: "case-01234/sosreport-node1.tar", typ: tar.TypeReg, data: makeTar(t, dirEntries(t, bundleDir, "sosreport-node1"))},
			})),
			root:   "case-01234/sosreport-node1",
			nested: []string{"case-01234/sosreport-node1.tar"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, t.TempDir(), "upload.bin", c.data)
			m, info, err := OpenMem(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Root != c.root || !slices.Equal(info.Nested, c.nested) || len(info.Warnings) != c.warnings {
				t.Errorf("Root %q Nested %q Warnings %v; want %q %q %d warnings", info.Root, info.Nested, info.Warnings, c.root, c.nested, c.warnings)
			}
			compareTree(t, m, bundleDir)
		})
	}
}

// TestTooDeep nests tar in tar beyond MaxDepth.
func TestTooDeep(t *testing.T) {
	data := makeTar(t, []entry{{name: "version.txt", typ: tar.TypeReg, data: []byte("sosreport: 4.5.6\n")}})
	for i := 0; i < 4; i++ {
		data = makeTar(t, []entry{{name: "level.tar", typ: tar.TypeReg, data: data}})
	}
	p := writeTemp(t, t.TempDir(), "deep.tar", data)
	_, _, err := Open(p, Options{MaxDepth: 2})
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("err = %v, want ErrTooDeep", err)
	}
	if _, _, err := Open(p, Options{MaxDepth: 4}); err != nil {
		t.Fatalf("depth 4: %v", err)
	}
}

// TestSingleCompressedFile serves dmesg.gz as one file named dmesg.
func TestSingleCompressedFile(t *testing.T) {
	log := []byte("[ 1319.386512] Memory cgroup out of memory: Killed process 25010 (python3) total-vm:63152kB, anon-rss:48896kB, file-rss:5364kB, shmem-rss:0kB, UID:0 pgtables:160kB oom_score_adj:0\n")
	p := writeTemp(t, t.TempDir(), "dmesg.gz", gz(t, log))
	m, info, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := fs.ReadFile(m, "dmesg")
	if err != nil || string(got) != string(log) || info.Format != "gzip" {
		t.Errorf("dmesg = %q, %v; format %q", got, err, info.Format)
	}
}

func TestDetect(t *testing.T) {
	tarHead := makeTar(t, []entry{{name: "a", typ: tar.TypeReg, data: []byte("x")}})
	cases := []struct {
		head []byte
		want string
	}{
		{gz(t, []byte("x")), "gzip"},
		{xzc(t, []byte("x")), "xz"},
		{[]byte("BZh91AY&SY"), "bzip2"},
		{zstdc(t, []byte("x")), "zstd"},
		{makeZip(t, nil), "zip"},
		{tarHead, "tar"},
		{[]byte("-----BEGIN PGP MESSAGE-----\n"), "gpg"},
		{[]byte{0x85, 0x02, 0x0c, 0x03}, "gpg"},
		{[]byte("7z\xbc\xaf\x27\x1c\x00\x04"), "7z"},
		{[]byte("[ 1319.378881] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"), ""},
		{nil, ""},
	}
	for _, c := range cases {
		if got := Detect(c.head); got != c.want {
			t.Errorf("Detect(%q) = %q, want %q", c.head[:min(len(c.head), 12)], got, c.want)
		}
	}
}

func TestDefaultWant(t *testing.T) {
	cases := map[string]bool{
		"version.txt":                                true,
		"free":                                       true,
		"sos_commands/kernel/dmesg":                  true,
		"sos_strings/logs/x.tailed":                  true,
		"var/log/messages":                           true,
		"var/log/journal/abc/system.jrnl":            false,
		"var/log/pods/ns_pod/c/0.log":                false,
		"proc/meminfo":                               true,
		"etc/sysctl.d/99.conf":                       true,
		"var/lib/kubelet/config.yaml":                true,
		"var/lib/kubelet/pods/x/vol":                 false,
		"usr/share/doc/bash/README":                  false,
		"sys/fs/cgroup/memory/x":                     false,
		"sys/kernel/mm/transparent_hugepage/enabled": false, // the loader never reads it
		"kubectl/describe-node.txt":                  false,
		"sos_logs/sos.log":                           true, // plugin timeouts, read from a directory too
		"sys/fs/cgroup/cgroup.controllers":           true,
		"usr/lib/sysctl.d/50-default.conf":           true,
	}
	for p, want := range cases {
		if got := DefaultWant(p, 1); got != want {
			t.Errorf("DefaultWant(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestLooseFolder: an archive of saved outputs (no sos_commands/) is kept
// whole, like the loader reads such a folder; in a sosreport, files Want
// refuses are dropped even when they stream before sos_commands/.
func TestLooseFolder(t *testing.T) {
	dmesg := []byte("[ 1319.386512] Memory cgroup out of memory: Killed process 25010 (python3) total-vm:63152kB, anon-rss:48896kB, file-rss:5364kB, shmem-rss:0kB, UID:0 pgtables:160kB oom_score_adj:0\n")
	node := []byte("Name:               node1\nRoles:              <none>\n")
	loose := makeTar(t, []entry{
		{name: "case-01234/", typ: tar.TypeDir},
		{name: "case-01234/dmesg.txt", typ: tar.TypeReg, data: dmesg},
		{name: "case-01234/kubectl/describe-node.txt", typ: tar.TypeReg, data: node},
		{name: "case-01234/usr/notes.txt", typ: tar.TypeReg, data: []byte("collected by hand\n")},
	})
	m, info, err := OpenMem(writeTemp(t, t.TempDir(), "case.tar", loose), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"dmesg.txt", "kubectl/describe-node.txt", "usr/notes.txt"} {
		if _, err := m.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if info.Root != "case-01234" || info.Kept != 3 {
		t.Errorf("Root %q Kept %d", info.Root, info.Kept)
	}
	sos := makeTar(t, []entry{
		{name: "sosreport-node1/aaa-extra/notes.txt", typ: tar.TypeReg, data: []byte("x\n")},
		{name: "sosreport-node1/kubectl/describe-node.txt", typ: tar.TypeReg, data: node},
		{name: "sosreport-node1/sos_commands/kernel/dmesg", typ: tar.TypeReg, data: dmesg},
		{name: "sosreport-node1/usr/share/doc/README", typ: tar.TypeReg, data: []byte("x\n")},
	})
	m, info, err = OpenMem(writeTemp(t, t.TempDir(), "sos.tar", sos), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"aaa-extra/notes.txt", "kubectl/describe-node.txt", "usr/share/doc/README"} {
		if _, err := m.Stat(p); err == nil {
			t.Errorf("%s kept in a sosreport", p)
		}
	}
	if got, err := fs.ReadFile(m, "sos_commands/kernel/dmesg"); err != nil || string(got) != string(dmesg) {
		t.Errorf("dmesg: %q, %v", got, err)
	}
	if info.Kept != 1 || info.KeptBytes != int64(len(dmesg)) {
		t.Errorf("Kept %d (%d bytes), want 1 (%d)", info.Kept, info.KeptBytes, len(dmesg))
	}
}

// TestOpenReader reads archives from a stream (standard input).
func TestOpenReader(t *testing.T) {
	top := makeTar(t, dirEntries(t, bundleDir, "sosreport-node1"))
	for name, data := range map[string][]byte{
		"tar.xz": xzc(t, top),
		"zip":    makeZip(t, dirEntries(t, bundleDir, "sosreport-node1")),
		"tar":    top,
	} {
		t.Run(name, func(t *testing.T) {
			m, info, err := OpenReader(bytes.NewReader(data), "stdin", Options{XZ: "exec"})
			if err != nil {
				t.Fatal(err)
			}
			if info.Root != "sosreport-node1" || info.Path != "stdin" {
				t.Errorf("Root %q Path %q", info.Root, info.Path)
			}
			if name == "tar.xz" && info.Decoder != "github.com/ulikunitz/xz" {
				t.Errorf("a stream cannot go to the system xz; decoder %q", info.Decoder)
			}
			compareTree(t, m, bundleDir)
		})
	}
}

// TestLinksAndNames: a symlinked directory is listed through the link (as
// os.DirFS does), zip names written with backslashes are paths, and the
// progress callback sees growing counts and a final Done.
func TestLinksAndNames(t *testing.T) {
	free := []byte("              total        used        free      shared  buff/cache   available\nMem:        3861356     1420216      301772        2932     2139368     2163912\n")
	data := makeZip(t, []entry{
		{name: `sosreport-w\sos_commands\memory\free`, typ: tar.TypeReg, data: free},
		{name: "sosreport-w/sos_commands/mem", typ: tar.TypeSymlink, linkname: "memory"},
		{name: "sosreport-w/free", typ: tar.TypeSymlink, linkname: "/sos_commands/mem/free"},
	})
	var seen []Progress
	m, info, err := OpenMem(writeTemp(t, t.TempDir(), "w.zip", data), Options{Progress: func(p Progress) { seen = append(seen, p) }})
	if err != nil {
		t.Fatal(err)
	}
	ents, err := fs.ReadDir(m, "sos_commands/mem")
	if err != nil || len(ents) != 1 || ents[0].Name() != "free" {
		t.Errorf("ReadDir through a directory link: %v, %v", ents, err)
	}
	got, err := fs.ReadFile(m, "free")
	if err != nil || string(got) != string(free) {
		t.Errorf("free through two links: %q, %v", got, err)
	}
	fi, err := m.Lstat("sos_commands/mem")
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat(sos_commands/mem) = %v, %v", fi, err)
	}
	if info.Root != "sosreport-w" {
		t.Errorf("Root = %q", info.Root)
	}
	if len(seen) == 0 || !seen[len(seen)-1].Done || seen[len(seen)-1].Members != 3 || seen[len(seen)-1].FileBytes != int64(len(data)) {
		t.Errorf("progress: %+v", seen)
	}
}

// TestStream hands a big log to a consumer instead of the tree.
func TestStream(t *testing.T) {
	line := "[ 1319.386512] Memory cgroup out of memory: Killed process 25010 (python3) total-vm:63152kB, anon-rss:48896kB, file-rss:5364kB, shmem-rss:0kB, UID:0 pgtables:160kB oom_score_adj:0\n"
	big := bytes.Repeat([]byte(line), 8000) // 1.4 MB
	data := gz(t, makeTar(t, []entry{
		{name: "sosreport-s/sos_commands/kernel/dmesg", typ: tar.TypeReg, data: big},
		{name: "sosreport-s/version.txt", typ: tar.TypeReg, data: []byte("sosreport: 4.5.6\n")},
	}))
	var gotPath string
	var lines int
	opts := Options{StreamMin: 1 << 20, Stream: func(p string, size int64, r io.Reader) error {
		gotPath = p
		b, err := io.ReadAll(r)
		lines = bytes.Count(b, []byte("\n"))
		if int64(len(b)) != size {
			t.Errorf("Stream read %d bytes of %d", len(b), size)
		}
		return err
	}}
	m, info, err := OpenMem(writeTemp(t, t.TempDir(), "s.tar.gz", data), opts)
	if err != nil {
		t.Fatal(err)
	}
	if gotPath != "sos_commands/kernel/dmesg" || lines != 8000 || info.Streamed != 1 || info.Kept != 1 {
		t.Errorf("path %q, %d lines; Streamed %d Kept %d", gotPath, lines, info.Streamed, info.Kept)
	}
	if fi, err := m.Stat("sos_commands/kernel/dmesg"); err != nil || fi.Size() != int64(len(big)) {
		t.Errorf("Stat = %v, %v", fi, err)
	}
	if _, err := m.Open("sos_commands/kernel/dmesg"); !errors.Is(err, ErrStreamed) {
		t.Errorf("Open err = %v, want ErrStreamed", err)
	}
	// A consumer that stops early: the rest is skipped; an error aborts.
	opts.Stream = func(string, int64, io.Reader) error { return nil }
	if _, _, err := Open(writeTemp(t, t.TempDir(), "s.tar.gz", data), opts); err != nil {
		t.Errorf("unread stream: %v", err)
	}
	opts.Stream = func(string, int64, io.Reader) error { return errors.New("parser gave up") }
	if _, _, err := Open(writeTemp(t, t.TempDir(), "s.tar.gz", data), opts); err == nil || !strings.Contains(err.Error(), "parser gave up") || errors.Is(err, ErrTruncated) {
		t.Errorf("consumer error lost: %v", err)
	}
	// An archive cut inside the streamed member: the consumer fails on the
	// read, and the error says the archive is truncated, naming the member.
	opts.Stream = func(_ string, _ int64, r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	}
	cut := data[:len(data)/2]
	if _, _, err := Open(writeTemp(t, t.TempDir(), "s.tar.gz", cut), opts); !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "sos_commands/kernel/dmesg") {
		t.Errorf("cut inside a streamed member: %v, want ErrTruncated naming the member", err)
	}
}
