package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/internal/schemacheck"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/redact"
	"github.com/oomlens/oomlens/render"
	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/rules"
)

// FuzzAnalyze runs the whole pipeline — Load over an in-memory bundle (a
// txtar archive, so names and several files mutate together), Build, the
// built-in rules, Redact and every renderer — on any input. Invariants: no
// panic; the JSON report is valid against the schema and identical when
// built twice; every kill's and every unexplained line's evidence cites a
// line of a file of the bundle; no size is negative; and in every file read
// as a kernel log nothing is lost (checkBundleAccounted).
func FuzzAnalyze(f *testing.F) {
	seeds, _ := filepath.Glob("parse/testdata/load/*.txtar")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, dir := range []string{"fixtures/hostile", "fixtures/seed-microk8s"} {
		ar := &txtar.Archive{}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Type().IsRegular() {
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					f.Fatal(err)
				}
				ar.Files = append(ar.Files, txtar.File{Name: e.Name(), Data: data})
			}
		}
		f.Add(txtar.Format(ar))
	}
	for _, in := range kernelCaseInputs(f) {
		f.Add(txtar.Format(&txtar.Archive{Files: []txtar.File{{Name: "dmesg", Data: in}}}))
	}
	set, err := rules.Builtin()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, arch []byte) {
		m := archiveFS(arch)
		if m == nil {
			return
		}
		j1, rep, ok := analyzeJSON(t, m, set)
		if !ok {
			return
		}
		j2, _, _ := analyzeJSON(t, m, set)
		if !bytes.Equal(j1, j2) {
			t.Fatal("two runs gave different JSON reports")
		}
		if err := schemacheck.Validate(render.Schema, j1); err != nil {
			t.Fatalf("JSON report fails its schema: %v", err)
		}
		checkNoNegativeKB(t, j1)
		checkEvidence(t, rep, m)
		checkBundleAccounted(t, rep, m)
		var buf bytes.Buffer
		for _, r := range []func() error{
			func() error { return render.Markdown(&buf, rep) },
			func() error { return render.HTML(&buf, rep) },
			func() error { return render.Text(&buf, rep, render.TextOptions{Width: 80, Verbose: true}) },
			func() error { return render.Text(&buf, rep, render.TextOptions{Width: 20, Color: true}) },
			func() error { return render.Sources(&buf, rep) },
			func() error { return render.SourcesJSON(&buf, rep) },
		} {
			buf.Reset()
			if err := r(); err != nil {
				t.Fatalf("render: %v", err)
			}
		}
		redact.Report(rep)
		buf.Reset()
		if err := render.JSON(&buf, rep); err != nil {
			t.Fatalf("redacted JSON: %v", err)
		}
	})
}

// checkNoNegativeKB fails when a size of the JSON report (a key ending in
// "_kb") is negative: a size no int64 of kB holds is null with a warning
// (units.ToKB), so a negative one is a wrapped value.
func checkNoNegativeKB(t *testing.T, j []byte) {
	t.Helper()
	if p := negativeKBJSON(j); p != "" {
		t.Fatalf("negative size in the report: %s", p)
	}
}

// negativeKBJSON is the path of the first negative "_kb" value of the JSON
// document j, "" when there is none.
func negativeKBJSON(j []byte) string {
	d := json.NewDecoder(bytes.NewReader(j))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return "not JSON: " + err.Error()
	}
	var walk func(v any, path string) string
	walk = func(v any, path string) string {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if n, ok := x[k].(json.Number); ok && strings.HasSuffix(k, "_kb") && strings.HasPrefix(n.String(), "-") {
					return path + "." + k + " = " + n.String()
				}
				if p := walk(x[k], path+"."+k); p != "" {
					return p
				}
			}
		case []any:
			for i, e := range x {
				if p := walk(e, fmt.Sprintf("%s[%d]", path, i)); p != "" {
					return p
				}
			}
		}
		return ""
	}
	return walk(v, "")
}

// archiveFS turns a txtar archive into a MapFS, or nil when it names no
// file or names one no file system can hold.
func archiveFS(arch []byte) fstest.MapFS {
	ar := txtar.Parse(arch)
	if len(ar.Files) == 0 || len(ar.Files) > 40 {
		return nil
	}
	m := fstest.MapFS{}
	for _, file := range ar.Files {
		name := strings.Trim(file.Name, "/")
		for _, el := range strings.Split(name, "/") {
			if el == "" || el == "." || el == ".." {
				return nil
			}
		}
		m[name] = &fstest.MapFile{Data: file.Data, Mode: 0o444}
	}
	for n := range m {
		for d := n; strings.Contains(d, "/"); {
			d = d[:strings.LastIndexByte(d, '/')]
			if m[d] != nil {
				return nil // both a file and a directory
			}
		}
	}
	return m
}

// analyzeJSON runs Load → Build → rules and renders JSON. ok is false when
// Load refused the bundle (nothing understood), which is a valid outcome.
func analyzeJSON(t *testing.T, m fstest.MapFS, set *rules.Set) ([]byte, *report.Report, bool) {
	t.Helper()
	b, err := parse.Load(m, parse.LoadOptions{Name: "fuzz"})
	if err != nil {
		return nil, nil, false
	}
	rep := correlate.Build(b, correlate.Options{ToolVersion: "fuzz"})
	set.Apply(rep)
	var buf bytes.Buffer
	if err := render.JSON(&buf, rep); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	return buf.Bytes(), rep, true
}

// checkEvidence fails when a kill, a report without kill or an unexplained
// line cites a line that is not in the bundle.
func checkEvidence(t *testing.T, rep *report.Report, m fstest.MapFS) {
	t.Helper()
	check := func(what string, r report.Ref) {
		f, ok := m[r.Path]
		if !ok {
			t.Fatalf("%s cites %s:%d, not a file of the bundle", what, r.Path, r.Line)
		}
		if len(f.Data) >= 2 && f.Data[0] == 0x1f && f.Data[1] == 0x8b {
			return // gzip: lines are of the decompressed text
		}
		n := bytes.Count(f.Data, []byte{'\n'})
		if len(f.Data) > 0 && f.Data[len(f.Data)-1] != '\n' {
			n++
		}
		if r.Line < 0 || r.Line > n {
			t.Fatalf("%s cites %s:%d, the file has %d lines", what, r.Path, r.Line, n)
		}
	}
	for _, k := range rep.Kills {
		for _, r := range k.Evidence {
			check("kill "+k.ID, r)
		}
	}
	for _, r := range rep.Reports {
		for _, e := range r.Evidence {
			check("report without kill", e)
		}
	}
	for _, u := range rep.Unexplained {
		check("unexplained", report.Ref{Path: u.Path, Line: u.Line})
	}
	for _, in := range rep.Inputs {
		for _, w := range in.Warnings {
			if _, ok := m[in.Path]; ok {
				check("warning "+w.Message, report.Ref{Path: in.Path, Line: w.Line})
			}
		}
	}
}

// kernelCaseInputs are the inputs of the kernel-log parser's cases
// (parse/kernel/testdata/kernel/*.txtar): every kernel generation, kill-line form
// and line prefix in small logs, where a mutation is likely to touch a line
// that matters. The seed logs alone are long and few, and a planted bug in
// the kill-line parser went unfound for 5 minutes (fuzz/LOG.md, Notes).
func kernelCaseInputs(f *testing.F) [][]byte {
	files, _ := filepath.Glob("parse/kernel/testdata/kernel/*.txtar")
	var out [][]byte
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range ar.Files {
			if s.Name == "input" {
				// a journal's "-- Boot … --" line is written ">-- Boot … --"
				// (it would end a txtar section): the test removes the ">"
				in := bytes.ReplaceAll(s.Data, []byte("\n>-- "), []byte("\n-- "))
				if bytes.HasPrefix(in, []byte(">-- ")) {
					in = in[1:]
				}
				out = append(out, in)
			}
		}
	}
	if len(out) == 0 {
		f.Fatal("no kernel cases")
	}
	return out
}

// checkBundleAccounted is FuzzNothingLost's check for every file of the
// bundle read as a kernel log: each line that names an OOM kill is in
// exactly one kill's evidence, one report without kill, or unexplained.
// Compressed files are skipped (their lines are of the inflated text).
func checkBundleAccounted(t *testing.T, rep *report.Report, m fstest.MapFS) {
	t.Helper()
	for _, in := range rep.Inputs {
		f, ok := m[in.Path]
		if in.Kind != "kernel-log" || !in.Used || !ok || in.Truncated || bytes.HasPrefix(f.Data, []byte{0x1f, 0x8b}) {
			continue
		}
		g := genLog{Data: f.Data}
		for i, l := range strings.Split(string(f.Data), "\n") {
			if mentionsOOM(l) {
				g.Mentions = append(g.Mentions, i+1)
			}
		}
		checkAccounted(t, rep, g, in.Path)
	}
}

// FuzzNothingLost feeds one kernel log (seeded with generated logs: three
// kernel generations, three prefix forms, noise and cut reports) through
// Load and Build: every line that names an OOM kill ("Killed process",
// "invoked oom-killer", "Out of memory") must be in exactly one kill's
// evidence, one report without kill, or unexplained.
func FuzzNothingLost(f *testing.F) {
	for seed := int64(1); seed <= 6; seed++ {
		f.Add(genKernelLogCut(seed, 1+int(seed%3), []string{"raw", "ctime", "syslog"}[seed%3], seed%2 == 0).Data)
	}
	// pasted texts: their kernel lines are segments, each a log of its own
	pastes, _ := filepath.Glob("fixtures/paste-*/*")
	pastes = append(pastes, "fixtures/seed-ticket/000_20712740cc4595c7.txt")
	for _, p := range pastes {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, in := range kernelCaseInputs(f) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := fstest.MapFS{"kern.log": {Data: data, Mode: 0o444}}
		b, err := parse.Load(m, parse.LoadOptions{Only: []string{"kern.log"}})
		if err != nil || len(b.KernelLogs) == 0 {
			return
		}
		rep := correlate.Build(b, correlate.Options{ToolVersion: "fuzz"})
		j, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		checkNoNegativeKB(t, j)
		g := genLog{Data: data}
		for i, l := range strings.Split(string(data), "\n") {
			if mentionsOOM(l) {
				g.Mentions = append(g.Mentions, i+1)
			}
		}
		checkAccounted(t, rep, g, "kern.log")
	})
}
