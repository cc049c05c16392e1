package main

// Hostile and odd inputs, built in t.TempDir() at test time (the large ones
// would bloat the repository) and run through the real CLI. Each has one
// clear outcome — a report (exit 0) whose warnings name file and line, or
// an error (exit 1) naming the input — and never a panic, a hang (every run
// is bounded by a timer) or a partial output file. The small committed
// cases live in fixtures/hostile/ and are covered by TestFixtureGoldens.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/oomlens/oomlens/internal/schemacheck"
	"github.com/oomlens/oomlens/render"
	"github.com/oomlens/oomlens/report"
)

// runBounded runs the CLI like runCLI but fails the test (with every
// goroutine's stack) when it takes longer than limit.
func runBounded(t *testing.T, limit time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if raceEnabled {
		limit *= 8 // the race detector slows the parser about tenfold
	}
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		c := run(args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
		done <- result{c, out.String(), errb.String()}
	}()
	select {
	case r := <-done:
		if strings.Contains(r.err, "internal error") {
			t.Fatalf("oomlens %s panicked:\n%s", strings.Join(args, " "), r.err)
		}
		return r.code, r.out, r.err
	case <-time.After(limit):
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("oomlens %s took longer than %v:\n%s", strings.Join(args, " "), limit, buf)
	}
	return 0, "", ""
}

// jsonReport runs analyze --format json and decodes the report, failing
// unless the exit code is want.
func jsonReport(t *testing.T, limit time.Duration, args ...string) *report.Report {
	t.Helper()
	code, out, stderr := runBounded(t, limit, append([]string{"analyze", "--format", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	if len(out) < 4<<20 { // the schema check of a huge report is slow
		if err := schemacheck.Validate(render.Schema, []byte(out)); err != nil {
			t.Fatalf("report fails its schema: %v", err)
		}
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

func write(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// inputOf returns the report's Input for path.
func inputOf(t *testing.T, rep *report.Report, path string) report.Input {
	t.Helper()
	for _, in := range rep.Inputs {
		if in.Path == path {
			return in
		}
	}
	t.Fatalf("no input %q among %d inputs", path, len(rep.Inputs))
	return report.Input{}
}

// killPids lists the victims' pids of rep in order.
func killPids(rep *report.Report) []int {
	var out []int
	for _, k := range rep.Kills {
		if k.Victim.Pid != nil {
			out = append(out, *k.Victim.Pid)
		}
	}
	return out
}

func truthPids(ks ...[]genKill) []int {
	var out []int
	for _, k := range ks {
		for _, x := range k {
			out = append(out, x.Pid)
		}
	}
	return out
}

// sameSet reports whether a and b hold the same numbers (in any order).
func sameSet(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[int]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

func TestHostileRandomBinary(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 1<<20)
	rand.New(rand.NewSource(1)).Read(data)
	p := write(t, filepath.Join(dir, "core.bin"), data)
	code, out, stderr := runBounded(t, 20*time.Second, "analyze", p)
	if code != exitBadInput || out != "" {
		t.Fatalf("exit %d (want 1), stdout %d bytes", code, len(out))
	}
	if !strings.Contains(stderr, p) || !strings.Contains(stderr, "not recognised") {
		t.Errorf("stderr does not name the file and why: %q", stderr)
	}
	// in a bundle beside a real log it is listed as not recognised
	g := genKernelLog(1, 2, "raw")
	write(t, filepath.Join(dir, "b", "dmesg"), g.Data)
	write(t, filepath.Join(dir, "b", "core.bin"), data)
	rep := jsonReport(t, 20*time.Second, filepath.Join(dir, "b"))
	if in := inputOf(t, rep, "core.bin"); in.Used || in.WhyNot == nil {
		t.Errorf("core.bin: %+v", in)
	}
	if !sameSet(killPids(rep), truthPids(g.Kills)) {
		t.Errorf("kills %v, want %v", killPids(rep), truthPids(g.Kills))
	}
}

// TestHostileLongLines: a 50 MB single line inside a log is read whole
// (the kill after it is found); a line over the 64 MiB cap is cut with a
// warning naming its line.
func TestHostileLongLines(t *testing.T) {
	dir := t.TempDir()
	g := genKernelLog(2, 1, "raw")
	for _, tc := range []struct {
		name string
		size int
		warn bool
	}{{"50MB", 50 << 20, false}, {"70MB", 70 << 20, true}} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			b.WriteString("[    0.000000] Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc 11.4.0) #101-Ubuntu SMP\n[    1.000000] ")
			b.Write(bytes.Repeat([]byte("x"), tc.size))
			b.WriteByte('\n')
			b.Write(g.Data)
			p := write(t, filepath.Join(dir, tc.name+".log"), b.Bytes())
			rep := jsonReport(t, 60*time.Second, p)
			if !sameSet(killPids(rep), truthPids(g.Kills)) {
				t.Errorf("kills %v, want %v", killPids(rep), truthPids(g.Kills))
			}
			in := inputOf(t, rep, tc.name+".log")
			found := false
			for _, w := range in.Warnings {
				if w.Line == 2 && strings.Contains(w.Message, "longer than") {
					found = true
				}
			}
			if found != tc.warn {
				t.Errorf("warning on line 2 about the long line: %v, want %v (%+v)", found, tc.warn, in.Warnings)
			}
		})
	}
}

// TestHostileEncodings: CRLF line ends, NUL bytes and invalid UTF-8 in
// noise lines change nothing about the kills; the JSON stays valid UTF-8.
func TestHostileEncodings(t *testing.T) {
	dir := t.TempDir()
	g := genKernelLog(3, 4, "syslog")
	mangle := map[string]func([]byte) []byte{
		"crlf": func(d []byte) []byte { return bytes.ReplaceAll(d, []byte("\n"), []byte("\r\n")) },
		"nul": func(d []byte) []byte {
			return bytes.ReplaceAll(d, []byte("EXT4-fs"), []byte("EXT4\x00\x00fs"))
		},
		"latin1": func(d []byte) []byte {
			return bytes.ReplaceAll(d, []byte("kernel: usb"), []byte("kernel: \xfc\xe9\xff\xfe usb"))
		},
		"nul-prefix": func(d []byte) []byte { return append(bytes.Repeat([]byte{0}, 4096), d...) },
	}
	for _, name := range []string{"crlf", "nul", "latin1", "nul-prefix"} {
		t.Run(name, func(t *testing.T) {
			p := write(t, filepath.Join(dir, name+".log"), mangle[name](append([]byte(nil), g.Data...)))
			code, out, stderr := runBounded(t, 20*time.Second, "analyze", "--format", "json", p)
			if code != exitOK {
				t.Fatalf("exit %d; %s", code, stderr)
			}
			if !json.Valid([]byte(out)) || !bytes.Equal([]byte(strings.ToValidUTF8(out, "?")), []byte(out)) {
				t.Fatal("the report is not valid UTF-8 JSON")
			}
			var rep report.Report
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			if !sameSet(killPids(&rep), truthPids(g.Kills)) {
				t.Errorf("kills %v, want %v", killPids(&rep), truthPids(g.Kills))
			}
		})
	}
}

// TestHostileBootsAndClock: two boots in one dmesg file (uptime restarts)
// and a log whose wall clock jumps backwards keep every kill.
func TestHostileBootsAndClock(t *testing.T) {
	dir := t.TempDir()
	a, b := genKernelLog(4, 3, "raw"), genKernelLog(5, 3, "raw")
	p := write(t, filepath.Join(dir, "boots.log"), append(append([]byte(nil), a.Data...), b.Data...))
	rep := jsonReport(t, 20*time.Second, p)
	if !sameSet(killPids(rep), truthPids(a.Kills, b.Kills)) {
		t.Errorf("two boots: kills %v, want %v", killPids(rep), truthPids(a.Kills, b.Kills))
	}
	if len(rep.Kills) > 0 && len(b.Kills) > 0 && rep.Kills[len(rep.Kills)-1].Boot == rep.Kills[0].Boot && len(a.Kills) > 0 {
		t.Errorf("kills of two boots share boot %d", rep.Kills[0].Boot)
	}
	// syslog whose clock goes back an hour half way (NTP step, or two
	// hosts' logs concatenated)
	c := genKernelLog(6, 3, "syslog")
	d := genKernelLog(7, 3, "syslog")
	back := bytes.ReplaceAll(d.Data, []byte("Mar  4 "), []byte("Mar  3 "))
	p = write(t, filepath.Join(dir, "back.log"), append(append([]byte(nil), c.Data...), back...))
	rep = jsonReport(t, 20*time.Second, p)
	if !sameSet(killPids(rep), truthPids(c.Kills, d.Kills)) {
		t.Errorf("clock going back: kills %v, want %v", killPids(rep), truthPids(c.Kills, d.Kills))
	}
}

// TestHostileCutReport: a log that ends in the middle of a task table gives
// a report without kill, citing the header line.
func TestHostileCutReport(t *testing.T) {
	dir := t.TempDir()
	w := &genWriter{form: "raw", boot: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), clock: time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC)}
	w.genReport(rand.New(rand.NewSource(1)), 0, 28, 4242, "mysqld") // stops inside the task table
	p := write(t, filepath.Join(dir, "cut.log"), w.buf.Bytes())
	rep := jsonReport(t, 20*time.Second, p)
	if len(rep.Kills) != 0 || len(rep.Reports) != 1 || rep.Reports[0].Line != 1 || rep.Reports[0].Path != "cut.log" {
		t.Fatalf("kills %d, reports without kill %+v; want one at cut.log:1", len(rep.Kills), rep.Reports)
	}
}

// TestHostileManyReports: 10,000 reports in one file are all found, in
// bounded time.
func TestHostileManyReports(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	g := genKernelLog(8, n, "raw")
	p := write(t, filepath.Join(t.TempDir(), "many.log"), g.Data)
	start := time.Now()
	rep := jsonReport(t, 90*time.Second, p)
	t.Logf("%d reports, %d kills, %.1f MB in %v", n, len(g.Kills), float64(len(g.Data))/1e6, time.Since(start))
	if !sameSet(killPids(rep), truthPids(g.Kills)) {
		t.Errorf("found %d kills, want %d", len(rep.Kills), len(g.Kills))
	}
}

// TestHostileEmpty: an empty file and an empty folder are errors (exit 1)
// naming the path; an empty file inside a bundle is listed as empty.
func TestHostileEmpty(t *testing.T) {
	dir := t.TempDir()
	empty := write(t, filepath.Join(dir, "empty.txt"), nil)
	code, _, stderr := runBounded(t, 10*time.Second, "analyze", empty)
	if code != exitBadInput || !strings.Contains(stderr, empty) || !strings.Contains(stderr, "empty") {
		t.Errorf("empty file: exit %d, stderr %q", code, stderr)
	}
	if err := os.Mkdir(filepath.Join(dir, "nothing"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runBounded(t, 10*time.Second, "analyze", filepath.Join(dir, "nothing"))
	if code != exitBadInput || !strings.Contains(stderr, "no files found") {
		t.Errorf("empty folder: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runBounded(t, 10*time.Second, "analyze", "-")
	if code != exitBadInput || !strings.Contains(stderr, "empty") {
		t.Errorf("empty stdin: exit %d, stderr %q", code, stderr)
	}
}

// TestHostileSpecialFiles: a bundle with symlink loops, dangling and
// escaping links, a FIFO, a device node, an empty subfolder and an
// unreadable file. Only regular files are opened (opening the FIFO would
// block the run until the timer fails the test); each odd entry is listed
// with the reason it was not read, and the real log is analysed.
func TestHostileSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	g := genKernelLog(9, 2, "raw")
	write(t, filepath.Join(dir, "dmesg"), g.Data)
	for _, l := range [][2]string{{"loop-a", "loop-b"}, {"loop-b", "loop-a"}, {"self", "self"}, {"dangling", "nope"}, {"escape", "../../etc/passwd"}, {"abs", "/etc/passwd"}, {"dirloop/x", ".."}} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, l[0])), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(l[1], filepath.Join(dir, l[0])); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	// a character device (as /dev/zero: reading it never ends) needs root
	dev := syscall.Mknod(filepath.Join(dir, "zero"), syscall.S_IFCHR|0o644, 1<<8|5) == nil
	if err := os.Mkdir(filepath.Join(dir, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	// chmod 000 stops only non-root users; as root the file is read.
	sg := genKernelLog(10, 1, "raw")
	secret := write(t, filepath.Join(dir, "secret.log"), sg.Data)
	if err := os.Chmod(secret, 0); err != nil {
		t.Fatal(err)
	}
	rep := jsonReport(t, 20*time.Second, dir)
	wantPids := truthPids(g.Kills)
	if os.Geteuid() == 0 {
		wantPids = truthPids(g.Kills, sg.Kills)
	}
	if !sameSet(killPids(rep), wantPids) {
		t.Errorf("kills %v, want %v", killPids(rep), wantPids)
	}
	want := map[string]string{
		"loop-a": "symlink", "loop-b": "symlink", "self": "symlink", "dangling": "symlink",
		"escape": "symlink", "abs": "symlink", "fifo": "named pipe",
	}
	if dev {
		want["zero"] = "device"
	}
	for p, why := range want {
		in := inputOf(t, rep, p)
		if in.Used || in.WhyNot == nil || !strings.Contains(*in.WhyNot, why) {
			t.Errorf("%s: used %v, why_not %v; want a reason naming %q", p, in.Used, strOrNil(in.WhyNot), why)
		}
	}
	in := inputOf(t, rep, "secret.log")
	if os.Geteuid() == 0 {
		if !in.Used {
			t.Errorf("as root, secret.log (mode 000) should be read: %+v", in)
		}
	} else if in.Used || in.WhyNot == nil || !strings.Contains(*in.WhyNot, "cannot be read") {
		t.Errorf("secret.log (mode 000): used %v, why_not %v", in.Used, strOrNil(in.WhyNot))
	}
	// the FIFO named alone is not a bundle: it is read like stdin (so that
	// `oomlens analyze <(dmesg)` works), here with a writer.
	go func() {
		f, err := os.OpenFile(filepath.Join(dir, "fifo"), os.O_WRONLY, 0)
		if err == nil {
			f.Write(g.Data)
			f.Close()
		}
	}()
	rep = jsonReport(t, 20*time.Second, filepath.Join(dir, "fifo"))
	if !sameSet(killPids(rep), truthPids(g.Kills)) {
		t.Errorf("from a FIFO: kills %v, want %v", killPids(rep), truthPids(g.Kills))
	}
}

func strOrNil(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestHostileGrowingFile: a log appended to while it is analysed (a live
// /var/log/messages). The run ends, with at least the kills present when it
// started and at most the ones written before it ended.
func TestHostileGrowingFile(t *testing.T) {
	dir := t.TempDir()
	g := genKernelLog(11, 20, "syslog")
	p := write(t, filepath.Join(dir, "messages"), g.Data)
	more := genKernelLog(12, 200, "syslog")
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		data := more.Data
		for len(data) > 0 && !stop.Load() {
			n := min(len(data), 4096)
			if _, err := f.Write(data[:n]); err != nil {
				t.Error(err)
				return
			}
			data = data[n:]
			time.Sleep(200 * time.Microsecond)
		}
	}()
	rep := jsonReport(t, 30*time.Second, dir)
	stop.Store(true)
	wg.Wait()
	got := killPids(rep)
	if len(got) < len(g.Kills) || len(got) > len(g.Kills)+len(more.Kills) {
		t.Errorf("%d kills, want between %d and %d", len(got), len(g.Kills), len(g.Kills)+len(more.Kills))
	}
	if !sameSet(got[:len(g.Kills)], truthPids(g.Kills)) {
		t.Errorf("the first kills %v, want %v", got[:len(g.Kills)], truthPids(g.Kills))
	}
}

// TestHostileOutputAtomic: when the report cannot be put in place, the run
// fails with exit 1 and leaves neither a partial report nor a temporary
// file; an earlier report at that path is kept whole.
func TestHostileOutputAtomic(t *testing.T) {
	dir := t.TempDir()
	g := genKernelLog(13, 2, "raw")
	in := write(t, filepath.Join(dir, "in", "dmesg"), g.Data)
	out := filepath.Join(dir, "out")
	// a non-empty directory where the report should go: rename(2) fails
	// even for root
	write(t, filepath.Join(out, "report.html", "keep"), []byte("x"))
	code, _, stderr := runBounded(t, 20*time.Second, "analyze", "-o", filepath.Join(out, "report.html"), in)
	if code != exitBadInput || !strings.Contains(stderr, "report.html") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	// into a folder that does not exist
	code, _, stderr = runBounded(t, 20*time.Second, "analyze", "-o", filepath.Join(dir, "nodir", "r.json"), in)
	if code != exitBadInput || !strings.Contains(stderr, "r.json") {
		t.Errorf("missing folder: exit %d, stderr %q", code, stderr)
	}
	// a good run replaces an old report whole
	old := write(t, filepath.Join(out, "r.md"), []byte("old report\n"))
	code, _, stderr = runBounded(t, 20*time.Second, "analyze", "-o", old, in)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(old)
	if err != nil || !bytes.HasPrefix(data, []byte("#")) || bytes.Contains(data, []byte("old report")) {
		t.Errorf("r.md was not replaced by a Markdown report: %q", data[:min(len(data), 80)])
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if fmt.Sprint(names) != "[r.md report.html]" {
		t.Errorf("out/ holds %v, want [r.md report.html] (no temporary files)", names)
	}
}

// TestPanicBecomesBugReport: a panic anywhere under run is recovered into
// a message asking for a bug report that names the input, and exit 1. The
// panic is injected through the terminal check, which run consults for
// text reports to standard output.
func TestPanicBecomesBugReport(t *testing.T) {
	p := write(t, filepath.Join(t.TempDir(), "dmesg"), genKernelLog(14, 1, "raw").Data)
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" },
		isTTY: func(io.Writer) bool { panic("injected") }}
	code := e.run([]string{"analyze", p})
	if code != exitBadInput {
		t.Errorf("exit %d, want 1", code)
	}
	s := errb.String()
	for _, want := range []string{"internal error: injected", "this is a bug; please report it", p, "goroutine"} {
		if !strings.Contains(s, want) {
			t.Errorf("stderr lacks %q:\n%s", want, s)
		}
	}
	if out.Len() != 0 {
		t.Errorf("stdout got %d bytes after a panic", out.Len())
	}
}

// TestHostileTooManyFiles: a loose folder of more than 5000 files is read
// up to the cap, and the cap is reported (not silently applied).
func TestHostileTooManyFiles(t *testing.T) {
	dir := t.TempDir()
	g := genKernelLog(15, 1, "raw")
	write(t, filepath.Join(dir, "0-dmesg"), g.Data)
	for i := 0; i < 5010; i++ {
		write(t, filepath.Join(dir, fmt.Sprintf("note-%04d.txt", i)), []byte("nothing to see\n"))
	}
	rep := jsonReport(t, 60*time.Second, dir)
	if !sameSet(killPids(rep), truthPids(g.Kills)) {
		t.Errorf("kills %v, want %v", killPids(rep), truthPids(g.Kills))
	}
	found := false
	for _, gp := range rep.Coverage {
		if strings.Contains(gp.Message, "more than 5000 files") {
			found = true
		}
	}
	if !found {
		t.Errorf("the 5000-file cap is not reported; coverage: %+v", rep.Coverage)
	}
}

// TestHostileGzipBomb: a small dmesg.gz that inflates to 256 MiB of NUL
// bytes after a real log head. A single compressed file is served through the
// archive reader, whose ratio cap stops it: a clear error naming the file and
// member, exit 1, in bounded time — never an unbounded inflate.
func TestHostileGzipBomb(t *testing.T) {
	dir := t.TempDir()
	g := genKernelLog(16, 1, "raw")
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(g.Data)
	zeros := make([]byte, 1<<20)
	for i := 0; i < 256; i++ {
		zw.Write(zeros)
	}
	zw.Close()
	p := write(t, filepath.Join(dir, "dmesg.gz"), z.Bytes())
	code, _, stderr := runBounded(t, 60*time.Second, "analyze", "--format", "json", p)
	if code != exitBadInput || !strings.Contains(stderr, p) || !strings.Contains(stderr, "member dmesg") || !strings.Contains(stderr, "ratio cap") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming the file, the member and the ratio cap", code, stderr)
	}
}
