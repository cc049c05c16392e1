package kernel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/oomlens/oomlens/internal/nonneg"
)

// TestKernelLogCases runs every parse/testdata/kernel/*.txtar case: the
// "input" section is a log as saved from a real system, "want" the dump of
// the parsed model (regenerate with go test ./parse -run KernelLog -update).
func TestKernelLogCases(t *testing.T) {
	files, err := filepath.Glob("testdata/kernel/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no test cases")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var input []byte
			wantIdx := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "input":
					input = f.Data
				case "want":
					wantIdx = i
				}
			}
			if input == nil {
				t.Fatal("no input section")
			}
			input = unescapeInput(input)
			kl, err := Parse(bytes.NewReader(input), "log")
			if err != nil {
				t.Fatal(err)
			}
			got := dumpKernelLog(kl)
			checkInvariants(t, kl, input)
			if *update {
				if wantIdx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "want"})
					wantIdx = len(ar.Files) - 1
				}
				ar.Files[wantIdx].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if wantIdx < 0 {
				t.Fatal("no want section (run with -update)")
			}
			if d := cmp.Diff(string(ar.Files[wantIdx].Data), got); d != "" {
				t.Errorf("parsed model differs (-want +got):\n%s", d)
			}
		})
	}
}

// unescapeInput undoes the one escape the cases need: a journal marker line
// ("-- Boot … --") would end a txtar section, so cases write it as ">-- … --".
func unescapeInput(b []byte) []byte {
	if bytes.HasPrefix(b, []byte(">-- ")) {
		b = b[1:]
	}
	return bytes.ReplaceAll(b, []byte("\n>-- "), []byte("\n-- "))
}

// checkInvariants holds for every input: parsing twice gives equal
// results, every warning has a line, every fact's Ref line exists.
func checkInvariants(t testing.TB, kl *KernelLog, input []byte) {
	t.Helper()
	again, err := Parse(bytes.NewReader(input), kl.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kl, again) {
		t.Errorf("parsing twice gave different results")
	}
	nlines := bytes.Count(input, []byte{'\n'})
	if len(input) > 0 && input[len(input)-1] != '\n' {
		nlines++
	}
	if kl.Lines != nlines {
		t.Errorf("Lines = %d, input has %d", kl.Lines, nlines)
	}
	for _, w := range kl.Warnings {
		if w.Line < 1 {
			t.Errorf("warning without a line: %+v", w)
		}
	}
	// Mem-Info counters, kB fields and memcg stats are unsigned as the
	// kernel prints them: a negative one is a wrapped value.
	nonneg.Check(t, "kernel log", kl, true)
	lineText := func(n int) []byte {
		ls := bytes.Split(input, []byte{'\n'})
		if n < 1 || n > len(ls) {
			return nil
		}
		return ls[n-1]
	}
	for _, r := range kl.Reports {
		for _, k := range r.Kills {
			l := lineText(k.Line)
			if k.Line < 1 || k.Line > nlines || !bytes.Contains(l, []byte("Killed process")) {
				t.Errorf("kill ref %d is not a kill line: %q", k.Line, l)
			}
		}
		if r.Start.Line < 1 || r.End.Line < r.Start.Line || r.End.Line > nlines {
			t.Errorf("report range %d..%d outside 1..%d", r.Start.Line, r.End.Line, nlines)
		}
	}
	for _, e := range kl.Events {
		if e.Line < 1 || e.Line > nlines {
			t.Errorf("event ref %d outside input", e.Line)
		}
	}
}

// dumpKernelLog renders the parsed model as readable text: one "Field:
// value" per line, nested structs indented, nil pointers and zero values
// left out (so a value the input does not print never shows).
func dumpKernelLog(kl *KernelLog) string {
	var b strings.Builder
	dumpValue(&b, "", reflect.ValueOf(*kl), map[string]bool{"Path": true})
	return b.String()
}

var (
	refType   = reflect.TypeOf(Ref{})
	stampType = reflect.TypeOf(Stamp{})
	timeType  = reflect.TypeOf(time.Time{})
	quoteType = reflect.TypeOf(Quote{})
)

func fmtStamp(s Stamp) string {
	var parts []string
	if s.Raw != "" {
		parts = append(parts, strconv.Quote(s.Raw))
	}
	if s.KernelSeconds != nil {
		parts = append(parts, "ks="+strconv.FormatFloat(*s.KernelSeconds, 'f', 6, 64))
	}
	if s.Wall != nil {
		parts = append(parts, "wall="+s.Wall.Format(time.RFC3339Nano))
		if !s.WallHasYear {
			parts = append(parts, "noyear")
		}
		if !s.WallHasZone {
			parts = append(parts, "nozone")
		}
	}
	return strings.Join(parts, " ")
}

func dumpScalar(v reflect.Value) (string, bool) {
	switch v.Type() {
	case refType:
		r := v.Interface().(Ref)
		return fmt.Sprintf("line %d", r.Line), true
	case stampType:
		return fmtStamp(v.Interface().(Stamp)), true
	case timeType:
		return v.Interface().(time.Time).Format(time.RFC3339Nano), true
	case quoteType:
		q := v.Interface().(Quote)
		return fmt.Sprintf("line %d %q", q.Line, q.Text), true
	}
	switch v.Kind() {
	case reflect.String:
		return strconv.Quote(v.String()), true
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', 6, 64), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	}
	return "", false
}

func dumpValue(b *strings.Builder, indent string, v reflect.Value, skip map[string]bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		fv := v.Field(i)
		if skip[f.Name] || f.Name == "Lines" && t == reflect.TypeOf(OOMReport{}) || f.Name == "Raw" && t == reflect.TypeOf(LogLine{}) {
			if f.Name == "Lines" && t == reflect.TypeOf(OOMReport{}) {
				fmt.Fprintf(b, "%sLines: %d quoted\n", indent, fv.Len())
			}
			continue
		}
		if !f.IsExported() {
			// A task table's rows are kept encoded: dump them decoded.
			if t == reflect.TypeOf(TaskTable{}) && f.Name == "rows" {
				tt := v.Interface().(TaskTable)
				dumpField(b, indent, "Rows", reflect.ValueOf(tt.Rows()))
			}
			continue
		}
		if f.Anonymous && f.Type == refType {
			fmt.Fprintf(b, "%sLine: %d\n", indent, fv.Interface().(Ref).Line)
			continue
		}
		dumpField(b, indent, f.Name, fv)
	}
}

func dumpField(b *strings.Builder, indent, name string, fv reflect.Value) {
	switch fv.Kind() {
	case reflect.Pointer:
		if fv.IsNil() {
			return
		}
		fv = fv.Elem()
		if s, ok := dumpScalar(fv); ok {
			fmt.Fprintf(b, "%s%s: %s\n", indent, name, s)
			return
		}
		fmt.Fprintf(b, "%s%s:\n", indent, name)
		dumpValue(b, indent+"  ", fv, nil)
		return
	case reflect.Slice:
		if fv.Len() == 0 {
			return
		}
		if fv.Type().Elem().Kind() == reflect.String {
			var parts []string
			for j := 0; j < fv.Len(); j++ {
				parts = append(parts, fv.Index(j).String())
			}
			fmt.Fprintf(b, "%s%s: %s\n", indent, name, strings.Join(parts, " "))
			return
		}
		if fv.Type().Elem() == reflect.TypeOf(KV{}) {
			var parts []string
			for j := 0; j < fv.Len(); j++ {
				kv := fv.Index(j).Interface().(KV)
				parts = append(parts, fmt.Sprintf("%s=%d", kv.Key, kv.Value))
			}
			fmt.Fprintf(b, "%s%s: %s\n", indent, name, strings.Join(parts, " "))
			return
		}
		if fv.Type().Elem() == refType {
			var parts []string
			for j := 0; j < fv.Len(); j++ {
				parts = append(parts, strconv.Itoa(fv.Index(j).Interface().(Ref).Line))
			}
			fmt.Fprintf(b, "%s%s: lines %s\n", indent, name, strings.Join(parts, ","))
			return
		}
		for j := 0; j < fv.Len(); j++ {
			el := fv.Index(j)
			if el.Kind() == reflect.Pointer {
				el = el.Elem()
			}
			if s, ok := dumpScalar(el); ok {
				fmt.Fprintf(b, "%s%s[%d]: %s\n", indent, name, j, s)
				continue
			}
			fmt.Fprintf(b, "%s%s[%d]:\n", indent, name, j)
			dumpValue(b, indent+"  ", el, nil)
		}
		return
	case reflect.Struct:
		if s, ok := dumpScalar(fv); ok {
			if fv.IsZero() {
				return
			}
			fmt.Fprintf(b, "%s%s: %s\n", indent, name, s)
			return
		}
		fmt.Fprintf(b, "%s%s:\n", indent, name)
		dumpValue(b, indent+"  ", fv, nil)
		return
	}
	if fv.IsZero() {
		return
	}
	if s, ok := dumpScalar(fv); ok {
		fmt.Fprintf(b, "%s%s: %s\n", indent, name, s)
	}
}

// TestSniffKernelLog checks the format guess on the heads of the cases.
func TestSniffKernelLog(t *testing.T) {
	cases := []struct {
		head string
		want string
		ok   bool
	}{
		{"[    0.000000] Linux version 4.15.0-65-generic (buildd@lgw01-amd64-006)\n[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz\n", fmtDmesgRaw, true},
		{"<4>[ 1319.378881] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n", fmtDmesgLevel, true},
		{"kern  :warn  : [ 1319.378881] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n", fmtDmesgX, true},
		{"[Thu Nov 26 19:23:14 2026] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n", fmtDmesgCtime, true},
		{"2026-11-26T19:23:14,378881+00:00 python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n", fmtDmesgISO, true},
		{"[Nov26 19:23] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n[  +0.000060] CPU: 0 UID: 0 PID: 25010 Comm: python3\n", fmtDmesgRel, true},
		{"4,339,1319378881,-;python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n", fmtKmsg, true},
		{"Oct 20 15:07:17 izwz9h8m2chowowqckbcy0z kernel: [1375956.718916] Out of memory: Kill process 23143 (pip3) score 613 or sacrifice child\n", fmtSyslog, true},
		{"-- Logs begin at Mon 2019-10-14 09:12:01 CST, end at Sun 2019-10-20 15:13:03 CST. --\nOct 20 15:07:17 izwz9h8m2chowowqckbcy0z kernel: Out of memory: Kill process 23143 (pip3) score 613 or sacrifice child\n", fmtJournal, true},
		{"2019-10-20T15:07:17.719841+08:00 node1 kernel: Killed process 23143 (pip3) total-vm:2112380kB\n", fmtSyslogRFC, true},
		{"Out of memory: Killed process 955 (gnome-shell) total-vm:3289540kB, anon-rss:77868kB\n", FormatNone, true},
		{"package main\n\nfunc main() {}\n", "", false},
		{"apiVersion: v1\nkind: Pod\n", "", false},
		{"status:\n  containerStatuses:\n  - lastState:\n      terminated:\n        reason: OOMKilled\n", "", false},
	}
	for _, c := range cases {
		got, ok := Sniff([]byte(c.head))
		if got != c.want || ok != c.ok {
			t.Errorf("Sniff(%.40q) = %q, %v; want %q, %v", c.head, got, ok, c.want, c.ok)
		}
	}
}

// TestDecodeLine checks the prefix decoder on one line of every form.
func TestDecodeLine(t *testing.T) {
	cases := []struct {
		line, hint, format, text, stamp string
		level                           int
		ident, host                     string
	}{
		{"[1375956.718910] [23143]     0 23143   528095", "", fmtDmesgRaw, "[23143]     0 23143   528095", `"[1375956.718910]" ks=1375956.718910`, -1, "", ""},
		{"[ 1319.378881] python3 invoked oom-killer: x", "", fmtDmesgRaw, "python3 invoked oom-killer: x", `"[ 1319.378881]" ks=1319.378881`, -1, "", ""},
		{"[   25.817589][ T1234] msg", "", fmtDmesgRaw, "msg", `"[   25.817589]" ks=25.817589`, -1, "", ""},
		{"<3>[ 1319.386512] Memory cgroup out of memory: Killed", "", fmtDmesgLevel, "Memory cgroup out of memory: Killed", `"[ 1319.386512]" ks=1319.386512`, 3, "", ""},
		{"kern  :err   : [ 1319.386512] Memory cgroup", "", fmtDmesgX, "Memory cgroup", `"[ 1319.386512]" ks=1319.386512`, 3, "", ""},
		{"[Di Aug 12 03:54:03 2025] memory: usage 31211520kB", "", fmtDmesgCtime, "memory: usage 31211520kB", `"[Di Aug 12 03:54:03 2025]" wall=2025-08-12T03:54:03Z nozone`, -1, "", ""},
		{"[月  1月 26 01:49:41 2026] Mem-Info:", "", fmtDmesgCtime, "Mem-Info:", `"[月  1月 26 01:49:41 2026]" wall=2026-01-26T01:49:41Z nozone`, -1, "", ""},
		{"2026-11-26T19:23:14,378881+00:00 python3 x", "", fmtDmesgISO, "python3 x", `"2026-11-26T19:23:14,378881+00:00" wall=2026-11-26T19:23:14.378881Z`, -1, "", ""},
		{"[  +0.000060] CPU: 0", "", fmtDmesgRel, "CPU: 0", `"[  +0.000060]"`, -1, "", ""},
		{"6,367,1319386251,-;memory: usage 49152kB", "", fmtKmsg, "memory: usage 49152kB", `"6,367,1319386251,-" ks=1319.386251`, 6, "", ""},
		{"Oct 20 15:07:17 node1 kernel: [1375956.718916] Out of memory", "", fmtSyslog, "Out of memory", `"Oct 20 15:07:17 [1375956.718916]" ks=1375956.718916 wall=0000-10-20T15:07:17Z noyear nozone`, -1, "kernel", "node1"},
		{"Jan  5 15:19:27 kernel: [ 5864.708440] memorymonster invoked", "", fmtSyslog, "memorymonster invoked", `"Jan  5 15:19:27 [ 5864.708440]" ks=5864.708440 wall=0000-01-05T15:19:27Z noyear nozone`, -1, "kernel", ""},
		{"Oct 05 15:07:17 node1 kernel: Out of memory", "", fmtJournal, "Out of memory", `"Oct 05 15:07:17" wall=0000-10-05T15:07:17Z noyear nozone`, -1, "kernel", "node1"},
		{"Oct 20 15:07:17.123456 node1 kernel: Out of memory", "", fmtJournalPrec, "Out of memory", `"Oct 20 15:07:17.123456" wall=0000-10-20T15:07:17.123456Z noyear nozone`, -1, "kernel", "node1"},
		{"2019-10-20T15:07:17+0800 node1 kernel: Out of memory", "", fmtJournalISO, "Out of memory", `"2019-10-20T15:07:17+0800" wall=2019-10-20T15:07:17+08:00`, -1, "kernel", "node1"},
		{"2019-10-20T15:07:17+08:00 node1 kernel: Out of memory", "", fmtJournalISO, "Out of memory", `"2019-10-20T15:07:17+08:00" wall=2019-10-20T15:07:17+08:00`, -1, "kernel", "node1"},
		{"2019-10-20T15:07:17.123456+08:00 node1 kernel: Out of memory", "", fmtSyslogRFC, "Out of memory", `"2019-10-20T15:07:17.123456+08:00" wall=2019-10-20T15:07:17.123456+08:00`, -1, "kernel", "node1"},
		{"[ 1234.567890] node1 kernel: Out of memory", "", fmtJournalMono, "Out of memory", `"[ 1234.567890]" ks=1234.567890`, -1, "kernel", "node1"},
		{"Apr 01 14:13:32 mysrv <kern.warning> kernel: Out of memory", "", fmtJournal, "Out of memory", `"Apr 01 14:13:32" wall=0000-04-01T14:13:32Z noyear nozone`, -1, "kernel", "mysrv"},
		{"Out of memory: Killed process 1", "", FormatNone, "Out of memory: Killed process 1", "", -1, "", ""},
		{"Sun 2019-10-20 15:07:17 CST node1 kernel: Out of memory", "", fmtJournalFull, "Out of memory", `"Sun 2019-10-20 15:07:17 CST" wall=2019-10-20T15:07:17Z nozone`, -1, "kernel", "node1"},
		{"Sun 2019-10-20 07:07:17 UTC node1 kernel: Out of memory", "", fmtJournalFull, "Out of memory", `"Sun 2019-10-20 07:07:17 UTC" wall=2019-10-20T07:07:17Z`, -1, "kernel", "node1"},
		{"1571555237.123456 node1 kernel: Out of memory", "", fmtJournalUnix, "Out of memory", `"1571555237.123456" wall=2019-10-20T07:07:17.123456Z`, -1, "kernel", "node1"},
		{"Oct 20 15:07:17 node1 kernel: <4>[ 5.000001] Out of memory", "", fmtSyslog, "Out of memory", `"Oct 20 15:07:17 [ 5.000001]" ks=5.000001 wall=0000-10-20T15:07:17Z noyear nozone`, 4, "kernel", "node1"},
	}
	for _, c := range cases {
		d := decodeLine([]byte(c.line), c.hint)
		if d.format != c.format || string(d.text) != c.text || fmtStamp(d.stamp.stamp()) != c.stamp || d.level != c.level || d.ident != c.ident || d.host != c.host {
			t.Errorf("decodeLine(%q):\n got %s %q [%s] level %d ident %q host %q\nwant %s %q [%s] level %d ident %q host %q",
				c.line, d.format, d.text, fmtStamp(d.stamp.stamp()), d.level, d.ident, d.host, c.format, c.text, c.stamp, c.level, c.ident, c.host)
		}
	}
}

// TestLongLineAndReadError: lines longer than a block are read whole (no
// 64 KiB scanner limit); only an I/O error is an error.
func TestLongLineAndReadError(t *testing.T) {
	long := "[  100.000001] " + strings.Repeat("x", 5<<20) + "\n"
	kill := "[  100.000002] Out of memory: Killed process 42 (a b) total-vm:10kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n"
	in := []byte(long + kill + long[:100])
	kl, err := Parse(bytes.NewReader(in), "long.log")
	if err != nil {
		t.Fatal(err)
	}
	if kl.Lines != 3 || len(kl.Reports) != 1 || kl.Reports[0].Kills[0].Line != 2 || kl.Reports[0].Kills[0].Comm != "a b" {
		t.Fatalf("lines %d reports %d", kl.Lines, len(kl.Reports))
	}
	checkInvariants(t, kl, in)
	_, err = Parse(io.MultiReader(bytes.NewReader([]byte(kill)), iotest.ErrReader(errors.New("disk gone"))), "bad.log")
	if err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Errorf("read error not reported: %v", err)
	}
}

// TestOddLines: lines that once broke a slice bound, and edge forms.
func TestOddLines(t *testing.T) {
	for _, in := range []string{
		"INFO: task blocked for more than 120 seconds.\n",
		"-- Boot --\n",
		"Killed process \n",
		"oom-kill:\n",
		"oom_reaper: reaped process 1 (\n",
		"Memory cgroup stats for \n",
		"x invoked oom-killer: \n[ pid ]   uid  tgid total_vm      rss name\n[1] 0 1 2 3 x\n",
		"Node 0 \n",
		"systemd-oomd[1]: Killed due to x\nsystemd-oomd[1]: Marked for killing due to x\nsystemd-oomd[1]: Memory pressure for is greater than 1\n",
		"Oct 20 15:07:17 h systemd-oomd[1]: Killed due to \n",
		"[\n<\n4,\n-- \n",
	} {
		kl, err := Parse(strings.NewReader(in), "odd")
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, kl, []byte(in))
	}
}
