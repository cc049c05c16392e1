package archive

import (
	"archive/tar"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var version = entry{name: "sosreport-evil/version.txt", typ: tar.TypeReg, data: []byte("sosreport: 4.5.6\n")}

// openHostile writes data into a fresh temp dir (inside a parent that the
// test also watches), opens it and proves that nothing was written.
func openHostile(t *testing.T, name string, data []byte, opts Options) (*MemFS, *Info, error) {
	t.Helper()
	parent := t.TempDir()
	dir := filepath.Join(parent, "in")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := writeTemp(t, dir, name, data)
	before := snapshot(t, parent)
	wd, _ := os.Getwd()
	wdBefore := snapshot(t, wd)
	m, info, err := OpenMem(p, opts)
	if after := snapshot(t, parent); after != before {
		t.Errorf("Open wrote to disk:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if after := snapshot(t, wd); after != wdBefore {
		t.Errorf("Open wrote into the working directory")
	}
	return m, info, err
}

func warned(info *Info, member, phrase string) bool {
	for _, w := range info.Warnings {
		if w.Member == member && strings.Contains(w.Message, phrase) {
			return true
		}
	}
	return false
}

func TestHostileNames(t *testing.T) {
	data := makeTar(t, []entry{
		{name: "sosreport-evil/", typ: tar.TypeDir},
		version,
		{name: "../evil", typ: tar.TypeReg, data: []byte("owned\n")},
		{name: "sosreport-evil/../../evil2", typ: tar.TypeReg, data: []byte("owned\n")},
		{name: "/etc/cron.d/evil", typ: tar.TypeReg, data: []byte("* * * * * root sh\n")},
		{name: "sosreport-evil/escape", typ: tar.TypeSymlink, linkname: "../../../../etc/shadow"},
		{name: "sosreport-evil/loop-a", typ: tar.TypeSymlink, linkname: "loop-b"},
		{name: "sosreport-evil/loop-b", typ: tar.TypeSymlink, linkname: "loop-a"},
		{name: "sosreport-evil/var/log/messages", typ: tar.TypeSymlink, linkname: "/version.txt"},
		{name: "sosreport-evil/hard", typ: tar.TypeLink, linkname: "../../etc/passwd"},
		{name: "sosreport-evil/hard-ok", typ: tar.TypeLink, linkname: "sosreport-evil/version.txt"},
		{name: "sosreport-evil/dev/sda", typ: tar.TypeBlock},
		{name: "sosreport-evil/dev/tty", typ: tar.TypeChar},
		{name: "sosreport-evil/fifo", typ: tar.TypeFifo},
		{name: "sosreport-evil/proc/meminfo", typ: tar.TypeReg, data: []byte("MemTotal:        1000 kB\n")},
		{name: "sosreport-evil/proc/meminfo", typ: tar.TypeReg, data: []byte("MemTotal:        3861356 kB\n")},
	})
	m, info, err := openHostile(t, "evil.tar", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ member, phrase string }{
		{"../evil", `".."`},
		{"sosreport-evil/../../evil2", `".."`},
		{"/etc/cron.d/evil", "absolute"},
		{"sosreport-evil/escape", "outside the archive"},
		{"sosreport-evil/hard", `".."`},
		{"sosreport-evil/dev/sda", "device"},
		{"sosreport-evil/dev/tty", "device"},
		{"sosreport-evil/fifo", "FIFO"},
		{"sosreport-evil/proc/meminfo", "duplicate"},
	}
	for _, c := range checks {
		if !warned(info, c.member, c.phrase) {
			t.Errorf("no warning %q for %s; warnings: %v", c.phrase, c.member, info.Warnings)
		}
	}
	if len(info.Warnings) != len(checks) {
		t.Errorf("%d warnings, want %d: %v", len(info.Warnings), len(checks), info.Warnings)
	}
	for _, name := range []string{"evil", "evil2", "etc/cron.d/evil", "hard", "dev/sda", "fifo"} {
		if _, err := m.Lstat(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: Lstat err = %v, want not exist", name, err)
		}
	}
	if _, err := m.Open("escape"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("escape: Open err = %v, want not exist", err)
	}
	if _, err := m.Open("loop-a"); err == nil {
		t.Errorf("loop-a: Open succeeded")
	}
	for name, want := range map[string]string{
		"proc/meminfo":     "MemTotal:        3861356 kB\n", // the last one wins
		"hard-ok":          "sosreport: 4.5.6\n",
		"var/log/messages": "sosreport: 4.5.6\n", // absolute links resolve inside the bundle
	} {
		if got, err := fs.ReadFile(m, name); err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestCaps(t *testing.T) {
	big := bytes.Repeat([]byte("Nov 26 19:23:14 node1 kernel: [ 1319.378881] eth0: link up\n"), 200)
	tarData := makeTar(t, []entry{version, {name: "sosreport-evil/var/log/messages", typ: tar.TypeReg, data: big}})
	cases := []struct {
		name   string
		opts   Options
		member string
	}{
		{"per member", Options{MaxMemberBytes: 4096}, "sosreport-evil/var/log/messages"},
		{"total", Options{MaxTotalBytes: 8192}, "sosreport-evil/var/log/messages"},
		{"kept", Options{MaxKeptBytes: 4096}, "sosreport-evil/var/log/messages"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := openHostile(t, "big.tar.gz", gz(t, tarData), c.opts)
			var ae *Error
			if !errors.Is(err, ErrTooLarge) || !errors.As(err, &ae) || ae.Member != c.member {
				t.Fatalf("err = %v, want ErrTooLarge naming %s", err, c.member)
			}
			if !strings.Contains(err.Error(), "--max-bytes") {
				t.Errorf("error does not say how to raise the cap: %v", err)
			}
		})
	}
	// WithMaxBytes raises the caps again.
	if _, _, err := openHostile(t, "big.tar.gz", gz(t, tarData), Options{}.WithMaxBytes(1<<20)); err != nil {
		t.Fatal(err)
	}
}

// TestBomb: a few kB of gzip that inflate to 8 MiB of zeros trip the ratio
// cap (its floor lowered from 64 MiB to 1 MiB to keep the test fast), well
// before the size caps.
func TestBomb(t *testing.T) {
	zeros := make([]byte, 8<<20)
	tarData := makeTar(t, []entry{version, {name: "sosreport-evil/sos_commands/kernel/dmesg", typ: tar.TypeReg, data: zeros}})
	bomb := gz(t, tarData)
	if len(bomb) > 16<<10 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	opts := Options{RatioFloor: 1 << 20}
	_, _, err := openHostile(t, "bomb.tar.gz", bomb, opts)
	var ae *Error
	if !errors.Is(err, ErrBomb) || !errors.As(err, &ae) || ae.Member != "sosreport-evil/sos_commands/kernel/dmesg" {
		t.Fatalf("err = %v, want ErrBomb naming the member", err)
	}
	// A nested bomb (an inner tar.gz in a plain tar) is caught too.
	outer := makeTar(t, []entry{{name: "inner.tar.gz", typ: tar.TypeReg, data: bomb}})
	if _, _, err := openHostile(t, "outer.tar", outer, opts); !errors.Is(err, ErrBomb) {
		t.Fatalf("nested: err = %v, want ErrBomb", err)
	}
	// xz reaches far higher ratios; the system xz is checked against the
	// file size.
	xzBomb := xzc(t, tarData)
	decoders := []string{"go"}
	if _, err := exec.LookPath("xz"); err == nil {
		decoders = append(decoders, "exec")
	}
	for _, dec := range decoders {
		if _, _, err := openHostile(t, "bomb.tar.xz", xzBomb, Options{RatioFloor: 1 << 20, XZ: dec}); !errors.Is(err, ErrBomb) {
			t.Fatalf("xz %s: err = %v, want ErrBomb", dec, err)
		}
	}
	// The same bytes pass with the ratio floor above their size.
	if _, _, err := openHostile(t, "bomb.tar.gz", bomb, Options{}); err != nil {
		t.Fatalf("8 MiB of zeros under the default 64 MiB floor: %v", err)
	}
}

func TestTruncated(t *testing.T) {
	tarData := makeTar(t, dirEntries(t, bundleDir, "sosreport-node1"))
	cut := func(b []byte) []byte { return b[:len(b)*2/3] }
	cases := []struct {
		name, file string
		data       []byte
		opts       Options
	}{
		{"tar", "b.tar", cut(tarData), Options{}},
		{"tar.gz", "b.tar.gz", cut(gz(t, tarData)), Options{}},
		{"tar.xz go", "b.tar.xz", cut(xzc(t, tarData)), Options{XZ: "go"}},
		{"tar.zst", "b.tar.zst", cut(zstdc(t, tarData)), Options{}},
		{"zip", "b.zip", cut(makeZip(t, dirEntries(t, bundleDir, "sosreport-node1"))), Options{}},
		// only the gzip trailer (CRC and size) is missing
		{"tar.gz trailer", "b.tar.gz", func() []byte { b := gz(t, tarData); return b[:len(b)-4] }(), Options{}},
	}
	if _, err := exec.LookPath("xz"); err == nil {
		cases = append(cases, struct {
			name, file string
			data       []byte
			opts       Options
		}{"tar.xz exec", "b.tar.xz", cut(xzc(t, tarData)), Options{XZ: "exec"}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := openHostile(t, c.file, c.data, c.opts)
			if !errors.Is(err, ErrTruncated) {
				t.Fatalf("err = %v, want ErrTruncated", err)
			}
		})
	}
}

func TestNotArchives(t *testing.T) {
	cases := []struct {
		name, file string
		data       []byte
		want       error
	}{
		{"log named tar.gz", "sosreport.tar.gz", []byte("[ 1319.378881] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"), ErrNotArchive},
		{"empty", "empty.tar.xz", nil, ErrNotArchive},
		{"gpg binary", "sosreport.tar.xz.gpg", []byte{0x85, 0x02, 0x0c, 0x03, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18, 0x01, 0x0f, 0xfe}, ErrEncrypted},
		{"gpg armour", "sosreport.tar.xz.asc", []byte("-----BEGIN PGP MESSAGE-----\n\nhQIMA6Gyw9Tl9gcYAQ/+\n-----END PGP MESSAGE-----\n"), ErrEncrypted},
		{"7z", "sosreport.7z", []byte("7z\xbc\xaf\x27\x1c\x00\x04\x8d\x9b\xd5\x0f"), ErrNotArchive},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := openHostile(t, c.file, c.data, Options{})
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

// TestLyingHeader: a tar header that declares 900 MiB (under the caps)
// followed by 176 kB is a truncated stream, found without allocating the
// declared size.
func TestLyingHeader(t *testing.T) {
	var hdr bytes.Buffer
	tw := tar.NewWriter(&hdr)
	tw.WriteHeader(&tar.Header{Name: "sosreport-evil/sos_commands/kernel/dmesg", Mode: 0o644, Size: 900 << 20, Typeflag: tar.TypeReg})
	tw.Flush()
	data := append(hdr.Bytes(), bytes.Repeat([]byte("[    0.000000] Linux version 6.1.0-13-amd64\n"), 4000)...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := openHostile(t, "lying.tar", data, Options{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 100<<20 {
		t.Errorf("allocated %d MiB for a 900 MiB claim", grew>>20)
	}
}
