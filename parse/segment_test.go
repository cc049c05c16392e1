package parse

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/oomlens/oomlens/parse/kube"
)

// checkCover fails unless segs cover lines 1..n of text once each, in
// order, and each segment's parse text has as many lines as the text up
// to its end, empty before its start.
func checkCover(t testing.TB, text []byte, segs []Segment) {
	t.Helper()
	n := len(splitPaste(text))
	next := 1
	for i, s := range segs {
		if s.Start != next || s.End < s.Start {
			t.Fatalf("segment %d spans %d-%d, want it to start at %d (segments %+v)", i, s.Start, s.End, next, brief(segs))
		}
		next = s.End + 1
		d := s.Data()
		if got := bytes.Count(d, []byte("\n")) + 1; len(d) > 0 && got > s.End {
			t.Fatalf("segment %d (%d-%d): parse text has %d lines", i, s.Start, s.End, got)
		}
		for j, ln := range bytes.Split(d, []byte("\n")) {
			if j+1 < s.Start && len(ln) > 0 {
				t.Fatalf("segment %d (%d-%d): line %d before its start is %q", i, s.Start, s.End, j+1, ln)
			}
		}
	}
	if n > 0 && next != n+1 {
		t.Fatalf("segments end at %d, text has %d lines (%+v)", next-1, n, brief(segs))
	}
}

func brief(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		fmt.Fprintf(&b, "[%d-%d %s %q] ", s.Start, s.End, s.Kind, s.Command)
	}
	return b.String()
}

func TestSegmentsTranscript(t *testing.T) {
	text := strings.Join([]string{
		"Hi team, the node rebooted pods again. Output below:", // 1
		"",                      // 2
		"root@node2:~# free -h", // 3
		"               total        used        free      shared  buff/cache   available", // 4
		"Mem:           7.7Gi       7.4Gi       121Mi       1.0Mi       210Mi        88Mi", // 5
		"Swap:             0B          0B          0B",                                     // 6
		"root@node2:~# cat /proc/swaps",                                                    // 7
		"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority",                                 // 8
		"root@node2:~# dmesg | grep -i kill",                                               // 9
		"[ 8123.456789] Out of memory: Killed process 4242 (java) total-vm:9000000kB, anon-rss:7000000kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:14000kB oom_score_adj:0", // 10
		"...", // 11
		"[ 8123.512345] oom_reaper: reaped process 4242 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB", // 12
		"root@node2:~# ", // 13
	}, "\n")
	segs := Segments("ticket.txt", []byte(text))
	checkCover(t, []byte(text), segs)
	want := []struct {
		start, end int
		kind, cmd  string
	}{
		{1, 2, "prose", ""},
		{3, 6, "free", "free -h"},
		{7, 8, "proc-swaps", "cat /proc/swaps"},
		{9, 13, "kernel-log", "dmesg | grep -i kill"},
	}
	if len(segs) != len(want) {
		t.Fatalf("got %s", brief(segs))
	}
	for i, w := range want {
		s := segs[i]
		if s.Start != w.start || s.End != w.end || s.Kind != w.kind || s.Command != w.cmd {
			t.Errorf("segment %d = %d-%d %s %q, want %d-%d %s %q", i, s.Start, s.End, s.Kind, s.Command, w.start, w.end, w.kind, w.cmd)
		}
	}
	if k := segs[3]; len(k.Elided) != 1 || k.Elided[0] != 11 {
		t.Errorf("elided lines = %v, want [11]", k.Elided)
	}
	// the parse text keeps line numbers: line 10 is the kill line
	lines := strings.Split(string(segs[3].Data()), "\n")
	if !strings.Contains(lines[9], "Killed process 4242") || lines[8] != "" || lines[10] != "" {
		t.Errorf("parse text lines 9-11 = %q", lines[8:11])
	}
}

func TestSegmentsMailQuotingAndWrap(t *testing.T) {
	text := strings.Join([]string{
		"On Tue, 3 Mar 2026 at 09:12, Jane <jane@example.com> wrote:",   // 1
		"> The database died again last night. From /var/log/messages:", // 2
		">", // 3
		"> Mar  3 02:14:07 db1 kernel: [812345.123456] Out of memory: Killed process 9876 (postgres)",                                             // 4
		"> total-vm:8123456kB, anon-rss:6543210kB, file-rss:1234kB, shmem-rss:0kB",                                                                // 5
		"> Mar  3 02:14:07 db1 kernel: [812345.198765] oom_reaper: reaped process 9876 (postgres), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB", // 6
		">> swapon was empty too", // 7
		"",                        // 8
		"Thanks, looking.",        // 9
	}, "\n")
	segs := Segments("mail.txt", []byte(text))
	checkCover(t, []byte(text), segs)
	var kern *Segment
	for i := range segs {
		if segs[i].Kind == "kernel-log" {
			kern = &segs[i]
		}
	}
	if kern == nil {
		t.Fatalf("no kernel segment: %s", brief(segs))
	}
	if kern.Quote != 1 || len(kern.Joined) != 1 || kern.Joined[0] != 5 {
		t.Errorf("kernel segment quote %d joined %v, want 1 [5]", kern.Quote, kern.Joined)
	}
	lines := strings.Split(string(kern.Data()), "\n")
	if !strings.HasSuffix(lines[3], "Killed process 9876 (postgres) total-vm:8123456kB, anon-rss:6543210kB, file-rss:1234kB, shmem-rss:0kB") || lines[4] != "" {
		t.Errorf("joined line = %q / %q", lines[3], lines[4])
	}
}

func TestSegmentsMarkdownSeedLike(t *testing.T) {
	text := strings.Join([]string{
		"# Problem",                    // 1
		"```bash",                      // 2
		"kubectl describe node node-a", // 3
		"```",                          // 4
		"Events show SystemOOM:",       // 5
		"```",                          // 6
		"Events:",                      // 7
		"  Type     Reason     Age    From              Message",                                                // 8
		"  ----     ------     ----   ----              -------",                                                // 9
		"  Warning  SystemOOM  5m46s  kubelet, node-a   System OOM encountered, victim process: pip3, pid: 111", // 10
		"```",             // 11
		">--fail-swap-on", // 12
		">Makes the Kubelet fail to start if swap is enabled on the node. (default true)", // 13
	}, "\n")
	segs := Segments("post.md", []byte(text))
	checkCover(t, []byte(text), segs)
	found := false
	for _, s := range segs {
		if s.Kind == "describe-events" {
			found = true
			if s.Command != "kubectl describe node node-a" {
				t.Errorf("events command = %q, want the fenced command above", s.Command)
			}
		}
		if s.Kind == "kubelet-flags" {
			t.Errorf("documentation quoting a flag read as kubelet flags: %s", brief(segs))
		}
	}
	if !found {
		t.Fatalf("no events segment: %s", brief(segs))
	}
}

func TestSegmentsElidedTableAndStrippedEvents(t *testing.T) {
	text := strings.Join([]string{
		"alice 10:42 AM",
		"Type Reason Age From Message",
		"Warning SystemOOM 12m (x4 over 36m) kubelet, worker-3 System OOM encountered, victim process: java, pid: 4242",
		"[...]",
		"Normal Starting 40m kubelet, worker-3 Starting kubelet.",
	}, "\n")
	segs := Segments("chat.txt", []byte(text))
	checkCover(t, []byte(text), segs)
	b := &Bundle{}
	var ev *Segment
	for i := range segs {
		if segs[i].Kind == "describe-events" {
			ev = &segs[i]
		}
	}
	if ev == nil {
		t.Fatalf("no events segment: %s", brief(segs))
	}
	if _, w := kube.ReadKube("describe-events", ev.Data(), "chat.txt", &b.Facts); len(b.Nodes) != 1 {
		t.Fatalf("events not read: %v", w)
	}
	evs := b.Nodes[0].Events
	if len(evs) != 2 || evs[0].Reason != "SystemOOM" || evs[0].Count != 4 || evs[0].VictimPid == nil || *evs[0].VictimPid != 4242 || evs[0].Line != 3 || evs[1].Line != 5 {
		t.Fatalf("events = %+v", evs)
	}
	if b.Nodes[0].Name != "worker-3" {
		t.Errorf("node name = %q", b.Nodes[0].Name)
	}
}

// A file that is one kind only is not a paste: the loader reads it as
// before.
func TestSegmentsOneKindIsNotPaste(t *testing.T) {
	for name, text := range map[string]string{
		"dmesg": "[    0.000000] Linux version 5.15.0\n[    1.000000] x\n               continued\n",
		// `dmesg | tail` that starts inside the Mem-Info summary record
		"dmesg-tail": "                unevictable:0 dirty:3 writeback:0\n                free:15673 free_pcp:154 free_cma:0\n[525492.208120] Node 0 active_anon:7329656kB inactive_anon:326928kB\n[525492.208193] Free swap  = 2112kB\n",
		"swapon":     "NAME      TYPE SIZE USED PRIO\n/swapfile file   2G   0B   -2\n",
		"uptime":     " 15:13:03 up 16 days,  3:05,  1 user,  load average: 0.38, 0.52, 0.61\n",
		"free":       "              total        used        free      shared  buff/cache   available\nMem:        2041480     1873808       69136        1004       98536       40512\nSwap:        969932      969124         808\n",
	} {
		segs := Segments(name, []byte(text))
		checkCover(t, []byte(text), segs)
		if isPaste(segs, name, []byte(text)) {
			t.Errorf("%s: read as a paste: %s", name, brief(segs))
		}
	}
}

// TestSegmentsIndentedProseBeforeLog: only key:value continuation lines
// join the log lines after them; an indented sentence stays prose.
func TestSegmentsIndentedProseBeforeLog(t *testing.T) {
	text := "    Hi, see the log below\n[ 9120.551301] Total swap = 1048572kB\n[ 9120.551500] Out of memory: Killed process 23143 (pip3) total-vm:2617284kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB\n"
	segs := Segments("t.txt", []byte(text))
	checkCover(t, []byte(text), segs)
	if len(segs) != 2 || segs[0].Kind != "prose" || segs[1].Kind != "kernel-log" || segs[1].Start != 2 {
		t.Errorf("got %s", brief(segs))
	}
}

func TestLoadPasteCitesOriginalLines(t *testing.T) {
	text := "Here is what we saw:\r\n\r\n" +
		"```console\r\n" +
		"$ dmesg | tail -2\r\n" +
		"[ 8123.456789] Out of memory: Killed process 4242 (java) total-vm:9000000kB, anon-rss:7000000kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:14000kB oom_score_adj:0\r\n" +
		"[ 8123.512345] oom_reaper: reaped process 4242 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\r\n" +
		"$ swapon --show\r\n" +
		"```\r\n" +
		"and nothing else.\r\n"
	b, err := Load(fstest.MapFS{"ticket.txt": {Data: []byte(text)}}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Inputs) != 1 || b.Inputs[0].Kind != "paste" || !b.Inputs[0].Used {
		t.Fatalf("inputs = %+v", b.Inputs)
	}
	if len(b.KernelLogs) != 1 || len(b.KernelLogs[0].Reports) != 1 {
		t.Fatalf("kernel logs = %+v", b.KernelLogs)
	}
	k := b.KernelLogs[0].Reports[0].Kills[0]
	if k.Path != "ticket.txt" || k.Line != 5 || k.Pid != 4242 {
		t.Errorf("kill at %s:%d pid %d, want ticket.txt:5 pid 4242", k.Path, k.Line, k.Pid)
	}
	// an empty `swapon --show` (no swap) is output too
	var kinds []string
	for _, s := range b.Inputs[0].Segments {
		kinds = append(kinds, s.Kind)
	}
	if got := strings.Join(kinds, ","); got != "prose,kernel-log,swapon,prose" {
		t.Errorf("segment kinds = %s", got)
	}
}

// Prose that is nothing but prose is "not understood", with a message
// naming what oomlens reads.
func TestLoadProseOnly(t *testing.T) {
	_, err := Load(fstest.MapFS{"notes.txt": {Data: []byte("The pod keeps dying.\nNo idea why.\n")}}, LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), "no input could be understood") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzSegments(f *testing.F) {
	f.Add([]byte("$ free -h\n              total        used        free\nMem:  1 2 3\n> [ 1.0] x\n>> y\n```\n# dmesg\n[ 2.0] Out of memory: Killed process 1 (a)\n...\n```\n"))
	f.Add([]byte("Events:\n  Type  Reason  Age  From  Message\nWarning SystemOOM 1m kubelet System OOM encountered, victim process: a, pid: 1\n\r\n\xff\xfe"))
	f.Add([]byte("> Mar  3 02:14:07 db1 kernel: [812345.123456] Out of memory: Killed process 9876 (postgres)\n> total-vm:1kB, anon-rss:1kB\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		segs := Segments("fuzz.txt", data)
		checkCover(t, data, segs)
		for _, s := range segs {
			if s.Kind == "" {
				t.Fatalf("segment %d-%d has no kind", s.Start, s.End)
			}
		}
	})
}

// BenchmarkSegmentsPlainLog is the segmenter's cost on a kernel log of
// one kind (what every loose file up to maxPaste pays before it is read
// as before).
func BenchmarkSegmentsPlainLog(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; buf.Len() < maxPaste-200; i++ {
		fmt.Fprintf(&buf, "[%6d.%06d] eth0: link is up, %d Mbps full duplex, flow control rx/tx\n", i/100, i%100*1000, 1000+i%3)
		if i%50 == 0 {
			buf.WriteString("                  active_file:96 inactive_file:153 isolated_file:0\n")
		}
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		segs := Segments("dmesg", data)
		if isPaste(segs, "dmesg", data) {
			b.Fatal("a plain log read as a paste")
		}
	}
}

func TestKernelPart(t *testing.T) {
	for in, want := range map[string]string{
		"dmesg says `[ 8123.456789] Out of memory: Killed process 4242 (java) total-vm:9000000kB` and then": "[ 8123.456789] Out of memory: Killed process 4242 (java) total-vm:9000000kB",
		`Also saw "java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0" before.`:      "java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0",
		"Memory cgroup out of memory: Killed process 1 (a)":                                                 "Memory cgroup out of memory: Killed process 1 (a)",
	} {
		if got := kernelPart(in); got != want {
			t.Errorf("kernelPart(%q) = %q, want %q", in, got, want)
		}
	}
}

// A kill line quoted in a sentence is a kill; a log of unprefixed kernel
// lines (dmesg -t) is still read as one log.
func TestLoadProseQuotingKernelLine(t *testing.T) {
	text := "Hi, the pod died. dmesg says `[ 8123.456789] Out of memory: Killed process 4242 (java) total-vm:9000000kB, anon-rss:7000000kB, file-rss:0kB, shmem-rss:0kB` and nothing else.\n"
	b, err := Load(fstest.MapFS{"ticket.txt": {Data: []byte(text)}}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Inputs[0].Kind != "paste" || len(b.KernelLogs) != 1 || len(b.KernelLogs[0].Reports) != 1 || b.KernelLogs[0].Reports[0].Kills[0].Pid != 4242 {
		t.Fatalf("inputs %+v, logs %+v", b.Inputs, b.KernelLogs)
	}
	plain := "Out of memory: Killed process 4242 (java) total-vm:9000000kB, anon-rss:7000000kB, file-rss:0kB, shmem-rss:0kB\noom_reaper: reaped process 4242 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n"
	b, err = Load(fstest.MapFS{"dmesg-t": {Data: []byte(plain)}}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Inputs[0].Kind != "kernel-log" {
		t.Errorf("dmesg -t read as %s", b.Inputs[0].Kind)
	}
}

// A saved web page is read as its text, each line where it was.
func TestLoadHTMLPage(t *testing.T) {
	page := "<!DOCTYPE html>\n<html><head><style>\np { color: red }\n</style></head><body>\n<p>Our node:</p>\n<pre><code>$ dmesg\n" +
		"[ 8123.456789] Out of memory: Killed process 4242 (java) total-vm:9000000kB, anon-rss:7000000kB, file-rss:0kB, shmem-rss:0kB\n" +
		"$ swapon --show\n</code></pre>\n<script>var s = \"Killed process 1 (x)\";\n</script>\n</body></html>\n"
	b, err := Load(fstest.MapFS{"post.html": {Data: []byte(page)}}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := b.Inputs[0]
	if in.Kind != "paste" || in.Format != "html" || len(b.KernelLogs) != 1 {
		t.Fatalf("input %+v, %d kernel logs", in, len(b.KernelLogs))
	}
	k := b.KernelLogs[0].Reports[0].Kills[0]
	if k.Pid != 4242 || k.Line != 7 {
		t.Errorf("kill pid %d at line %d, want 4242 at line 7", k.Pid, k.Line)
	}
	if len(b.Swaps) != 1 || len(b.Swaps[0].Devices) != 0 {
		t.Errorf("empty swapon --show: %+v", b.Swaps)
	}
}
