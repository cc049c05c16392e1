package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/oomlens/oomlens/report"
)

// analyzeFileJSON runs the real CLI on one file and decodes its JSON report.
func analyzeFileJSON(t *testing.T, path string) *report.Report {
	t.Helper()
	code, out, stderr := runCLI(t, "", nil, "analyze", "--format", "json", path)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	return &rep
}

// TestNothingLost is the "nothing lost" property over generated logs (many
// seeds, three kernel generations, three prefix forms, noise and truncated
// reports): the kills equal the generated truth (pid, name and kill line),
// and every line naming an OOM kill is in exactly one place — one kill's
// evidence, one report without kill, or unexplained.
func TestNothingLost(t *testing.T) {
	dir := t.TempDir()
	seeds := 60
	if testing.Short() {
		seeds = 12
	}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		form := []string{"raw", "ctime", "syslog"}[seed%3]
		g := genKernelLogCut(seed, 1+int(seed%7), form, seed%4 == 0)
		if seed%5 == 0 { // a second boot (raw, ctime) or a later day (syslog)
			g = concatLogs(g, genKernelLog(seed+1000, 1+int(seed%3), form))
		}
		name := fmt.Sprintf("kern-%d.log", seed)
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, g.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			rep := analyzeFileJSON(t, path)
			checkNothingLost(t, rep, g, name)
			t.Logf("%d kills, %d mentions, %d reports without kill, %d unexplained, %d lines", len(rep.Kills), len(g.Mentions), len(rep.Reports), len(rep.Unexplained), len(bytes.Split(g.Data, []byte("\n"))))
			if t.Failed() {
				t.Logf("input:\n%s", g.Data)
			}
		})
	}
}

func checkNothingLost(t *testing.T, rep *report.Report, g genLog, name string) {
	t.Helper()
	type kv = genKill
	var got, want []kv
	want = append(want, g.Kills...)
	for _, k := range rep.Kills {
		pid := -1
		if k.Victim.Pid != nil {
			pid = *k.Victim.Pid
		}
		line := 0
		for _, e := range k.Evidence {
			if e.Path == name && strings.Contains(lineOf(g.Data, e.Line), "Killed process") {
				line = e.Line
			}
		}
		got = append(got, kv{pid, k.Victim.Name, line})
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Line < got[j].Line })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("kills (pid name line):\n got %v\nwant %v", got, want)
	}
	checkAccounted(t, rep, g, name)
}

// checkAccounted fails unless every line of g.Mentions is in exactly one
// kill's evidence, one report without kill, or unexplained.
func checkAccounted(t *testing.T, rep *report.Report, g genLog, name string) {
	t.Helper()
	seen := map[int][]string{}
	add := func(where string, path string, line int, set map[int]bool) {
		if path != name || set[line] {
			return
		}
		set[line] = true
		seen[line] = append(seen[line], where)
	}
	// The kills of one memory.oom.group report share its lines (header,
	// Mem-Info, task table): such a line in several of them counts once —
	// but a kill line is each kill's own.
	groupKill := map[string]bool{}
	for _, k := range rep.Kills {
		for _, f := range k.Findings {
			if f.Rule == "oom-group-kill" {
				groupKill["kill "+k.ID] = true
			}
		}
		set := map[int]bool{}
		for _, e := range k.Evidence {
			add("kill "+k.ID, e.Path, e.Line, set)
		}
	}
	for i, r := range rep.Reports {
		set := map[int]bool{}
		add(fmt.Sprintf("report %d", i), r.Path, r.Line, set)
		for _, e := range r.Evidence {
			add(fmt.Sprintf("report %d", i), e.Path, e.Line, set)
		}
	}
	set := map[int]bool{}
	for _, u := range rep.Unexplained {
		add("unexplained", u.Path, u.Line, set)
	}
	// A line read as some other dated event (a mangled "Adding …k swap on"
	// line that also says "invoked oom-killer") is on the timeline: that
	// counts when it is nowhere else (found by FuzzNothingLost).
	onTimeline := map[int]bool{}
	for _, r := range rep.Timeline {
		if r.Source.Path == name && r.KillID == nil {
			onTimeline[r.Source.Line] = true
		}
	}
	// A line re-wrapped by a mail client is joined back onto the line it
	// was cut from (a segment's joined_lines): it is accounted for where
	// that line is.
	joined := map[int]bool{}
	for _, in := range rep.Inputs {
		if in.Path != name {
			continue
		}
		for _, s := range in.Segments {
			for _, l := range s.JoinedLines {
				joined[l] = true
			}
		}
	}
	host := func(m int) int {
		for m > 1 && joined[m] {
			m--
		}
		return m
	}
	for _, m := range g.Mentions {
		if len(seen[m]) == 0 && joined[m] {
			m = host(m)
		}
		if len(seen[m]) == 0 && onTimeline[m] {
			continue
		}
		if n := len(seen[m]); n > 1 {
			shared := !strings.Contains(lineOf(g.Data, m), "Killed process")
			for _, w := range seen[m] {
				shared = shared && groupKill[w]
			}
			if shared {
				continue
			}
		}
		if n := len(seen[m]); n != 1 {
			t.Errorf("line %d %q is in %d places %v, want exactly 1", m, lineOf(g.Data, m), n, seen[m])
		}
	}
}

// lineOf returns line n (1-based) of data.
func lineOf(data []byte, n int) string {
	ls := strings.Split(string(data), "\n")
	if n < 1 || n > len(ls) {
		return ""
	}
	return ls[n-1]
}

// TestCutKillLineIsShown: a log cut in the middle of its kill line (found
// by FuzzNothingLost) has no kill, but the cut line is listed as
// unexplained instead of being kept silently as report context.
func TestCutKillLineIsShown(t *testing.T) {
	for gen := 0; gen < 3; gen++ {
		w := &genWriter{form: "ctime", boot: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), clock: time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC)}
		w.genReport(rand.New(rand.NewSource(1)), gen, 0, 4242, "mysqld")
		data := w.buf.Bytes()
		i := bytes.LastIndex(data, []byte("Killed process"))
		data = data[:i+len("Killed process")] // cut after the phrase, no newline
		name := fmt.Sprintf("cut-%d.log", gen)
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rep := analyzeFileJSON(t, path)
		g := genLog{Data: data}
		for i, l := range strings.Split(string(data), "\n") {
			if mentionsOOM(l) {
				g.Mentions = append(g.Mentions, i+1)
			}
		}
		if len(rep.Kills) != 0 {
			t.Errorf("gen %d: %d kills from a cut kill line", gen, len(rep.Kills))
		}
		checkAccounted(t, rep, g, name)
	}
}
