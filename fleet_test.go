package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/oomlens/oomlens/input/archive"
	"github.com/oomlens/oomlens/report"

	"github.com/oomlens/oomlens/correlate"
)

func strp(s string) *string { return &s }

// fakeReport builds a report with one kill per (wall time, severity) pair.
func fakeReport(host string, kills ...[2]string) *report.Report {
	rep := &report.Report{SchemaVersion: 1, Tool: report.Tool{Name: "oomlens", Version: "0.1.0"}, Kills: []report.Kill{}}
	if host != "" {
		rep.Host.Hostname = strp(host)
	}
	for i, k := range kills {
		kill := report.Kill{ID: fmt.Sprintf("k%d", i+1), Killer: "kernel", Kind: "memcg"}
		if k[0] != "" {
			at, err := time.Parse(time.RFC3339, k[0])
			if err != nil {
				panic(err)
			}
			kill.Time.Wall, kill.Time.At = strp(k[0]), &at
		}
		if k[1] != "" {
			kill.Findings = []report.Finding{{Rule: "memcg-limit", Severity: k[1]}}
		}
		rep.Kills = append(rep.Kills, kill)
	}
	return rep
}

// fleetFixture is four bundles of three hosts and one failure; bundle 0
// finishes last whatever the scheduling, to prove results keep input order.
func fleetFixture() ([]string, func(string) (*report.Report, error), func()) {
	paths := []string{
		"cases/sosreport-node2-01234-2026-11-26.tar.xz",
		"cases/sosreport-node1-01234-2026-11-25.tar.gz",
		"cases/sosreport-node1-01234-2026-11-26.tar.xz",
		"cases/broken.tar.xz",
		"cases/saved-outputs/",
	}
	reports := map[string]*report.Report{
		paths[0]: fakeReport("node2", [2]string{"2026-11-26T08:00:00+08:00", "warning"}),
		paths[1]: fakeReport("node1", [2]string{"2026-11-25T10:00:00Z", "info"}, [2]string{"2026-11-25T09:30:00Z", ""}),
		paths[2]: fakeReport("node1", [2]string{"2026-11-26T19:23:14Z", "critical"}, [2]string{"", "warning"}),
		paths[4]: fakeReport(""),
	}
	var mu sync.Mutex
	finished := 0
	release := make(chan struct{})
	analyze := func(p string) (*report.Report, error) {
		if p == paths[0] {
			<-release
		}
		defer func() {
			mu.Lock()
			finished++
			if finished == len(paths)-1 {
				close(release)
			}
			mu.Unlock()
		}()
		if p == paths[3] {
			return nil, errors.New("cases/broken.tar.xz: member sosreport-x/sos_commands/kernel/dmesg: the stream ends early: truncated or corrupt")
		}
		return reports[p], nil
	}
	return paths, analyze, func() {}
}

func TestAnalyzeManyGolden(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/fleet.txtar")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, f := range ar.Files {
		want[f.Name] = string(f.Data)
	}
	for _, jobs := range []int{1, 2, 5} {
		t.Run(fmt.Sprint("jobs=", jobs), func(t *testing.T) {
			paths, analyze, _ := fleetFixture()
			if jobs == 1 {
				// bundle 0 waits for the others: with one job it must not block
				a := analyze
				analyze = func(p string) (*report.Report, error) {
					if p == paths[0] {
						return fakeReport("node2", [2]string{"2026-11-26T08:00:00+08:00", "warning"}), nil
					}
					return a(p)
				}
			}
			results, err := analyzeMany(paths, fleetOptions{Jobs: jobs}, analyze)
			var fe fleetError
			if !errors.As(err, &fe) || fe.Failed != 1 || fe.Total != 5 {
				t.Fatalf("err = %v, want 1 of 5 failed", err)
			}
			var got []string
			for _, r := range results {
				got = append(got, r.Path)
			}
			if !slices.Equal(got, paths) {
				t.Fatalf("results out of input order: %q", got)
			}
			var sum, jl bytes.Buffer
			if err := writeFleetSummary(&sum, results); err != nil {
				t.Fatal(err)
			}
			if err := writeJSONL(&jl, results); err != nil {
				t.Fatal(err)
			}
			if sum.String() != want["summary"] {
				t.Errorf("summary:\n%s\nwant:\n%s", sum.String(), want["summary"])
			}
			if *update && jobs == 1 {
				for i := range ar.Files {
					if ar.Files[i].Name == "jsonl" {
						ar.Files[i].Data = jl.Bytes()
					}
				}
				if err := os.WriteFile("testdata/fleet.txtar", txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				want["jsonl"] = jl.String()
			}
			if jl.String() != want["jsonl"] {
				t.Errorf("jsonl:\n%s\nwant:\n%s", jl.String(), want["jsonl"])
			}
			for i, line := range strings.Split(strings.TrimSuffix(jl.String(), "\n"), "\n") {
				var v map[string]any
				if err := json.Unmarshal([]byte(line), &v); err != nil || v["schema_version"] != 1.0 {
					t.Errorf("jsonl line %d is not a JSON document with schema_version: %v", i+1, err)
				}
			}
		})
	}
}

func TestAnalyzeManyPanicAndEmpty(t *testing.T) {
	results, err := analyzeMany([]string{"a", "b"}, fleetOptions{}, func(p string) (*report.Report, error) {
		if p == "a" {
			panic("index out of range")
		}
		return fakeReport("b"), nil
	})
	if err == nil || results[0].Err == nil || !strings.Contains(results[0].Err.Error(), "internal error: index out of range") || results[1].Err != nil {
		t.Fatalf("results %+v, err %v", results, err)
	}
	results, err = analyzeMany(nil, fleetOptions{}, nil)
	if err != nil || len(results) != 0 {
		t.Fatalf("no paths: %v, %v", results, err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1024": 1024, "2G": 2 << 30, "1.5GiB": 3 << 29, "512m": 512 << 20, "8T": 8 << 40, "10KB": 10 << 10} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "G", "-1G", "0", "12abc", "1e30T"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

func TestProgress(t *testing.T) {
	if p := newProgress(&bytes.Buffer{}, false, false, 3, 0, nil); p != nil {
		t.Error("progress on a non-terminal")
	}
	if p := newProgress(&bytes.Buffer{}, true, true, 3, 0, nil); p != nil {
		t.Error("progress with --quiet")
	}
	var nilp *progress
	nilp.bundleDone("x") // a nil progress is silent
	nilp.finish()
	if nilp.archiveHook() != nil {
		t.Error("nil progress returns a hook")
	}
	var buf bytes.Buffer
	clock := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	p := newProgress(&buf, true, false, 3, 120, func() time.Time { return clock })
	hook := p.archiveHook()
	hook(archivePr("cases/node1.tar.gz", 512<<20, 1<<30, 10234))
	clock = clock.Add(10 * time.Millisecond)
	hook(archivePr("cases/node1.tar.gz", 600<<20, 1<<30, 11000)) // throttled
	clock = clock.Add(time.Second)
	hook(archivePr("cases/node1.tar.gz", 1<<30, 1<<30, 12000))
	p.bundleDone("cases/node1.tar.gz")
	p.finish()
	want := "\r\x1b[Koomlens: 0/3 bundles · node1.tar.gz [#####-----] 50% 512.0 MiB/1.0 GiB, 10234 members" +
		"\r\x1b[Koomlens: 0/3 bundles · node1.tar.gz [##########] 100% 1.0 GiB/1.0 GiB, 12000 members" +
		"\r\x1b[Koomlens: 1/3 bundles" +
		"\r\x1b[K"
	if buf.String() != want {
		t.Errorf("progress wrote\n%q\nwant\n%q", buf.String(), want)
	}
	// A narrow terminal cuts the line (by characters, not bytes).
	buf.Reset()
	p = newProgress(&buf, true, false, 1, 24, func() time.Time { return clock })
	p.archiveHook()(archivePr("cases/node1·tar.gz", 1, 2, 3))
	if got := buf.String(); got != "\r\x1b[Koomlens: · node1·tar.gz" {
		t.Errorf("narrow: %q", got)
	}
}

func archivePr(path string, read, size int64, members int) archive.Progress {
	return archive.Progress{Path: path, ReadBytes: read, FileBytes: size, Members: members}
}

// TestAnalyzeFleetCLI drives the many-bundle path as main will: two
// archives and a directory of bundles expand to three bundles; a truncated
// archive fails alone, in place, and makes the run an input error.
func TestAnalyzeFleetCLI(t *testing.T) {
	dir := t.TempDir()
	bundle := packDir(t, "input/archive/testdata/bundle", "sosreport-node1-01234-2026-11-27")
	good := filepath.Join(dir, "many", "sosreport-node1.tar.gz")
	cut := filepath.Join(dir, "many", "sosreport-node2.tar.gz")
	os.MkdirAll(filepath.Join(dir, "many"), 0o755)
	gzd := gzipBytes(t, bundle)
	os.WriteFile(good, gzd, 0o644)
	os.WriteFile(cut, gzd[:len(gzd)/2], 0o644)
	xzp := filepath.Join(dir, "sosreport-node3.tar.xz")
	os.WriteFile(xzp, xzBytes(t, bundle), 0o644)

	bundles, many, err := fleetPaths([]string{filepath.Join(dir, "many"), xzp})
	if err != nil || !many || len(bundles) != 3 {
		t.Fatalf("fleetPaths = %v, %v, %v", bundles, many, err)
	}
	if _, many, _ := fleetPaths([]string{"input/archive/testdata/bundle/proc/meminfo", "input/archive/testdata/bundle/proc/swaps"}); many {
		t.Error("loose files are one bundle, not a fleet")
	}
	var out, errw bytes.Buffer
	e := &env{stdout: &out, stderr: &errw, getenv: func(string) string { return "" }, isTTY: func(io.Writer) bool { return false }}
	err = e.analyzeFleet(bundles, archiveFlags{Jobs: 2}, "jsonl", correlate.Options{ToolVersion: "test"}, "", "", nil)
	var ie inputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an input error (one bundle failed)", err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d JSONL lines, want 3:\n%s", len(lines), out.String())
	}
	if !strings.Contains(lines[1], `"bundle":"`+cut+`"`) || !strings.Contains(lines[1], "truncated or corrupt") {
		t.Errorf("the cut archive's line: %s", lines[1])
	}
	if errw.Len() != 0 {
		t.Errorf("stderr is not a terminal, yet: %q", errw.String())
	}
	if _, err := (archiveFlags{MaxBytes: "lots"}).archiveOptions(); err == nil {
		t.Error("--max-bytes lots accepted")
	}
	if o, _ := (archiveFlags{MaxBytes: "4G"}).archiveOptions(); o.MaxMemberBytes != 4<<30 || o.MaxKeptBytes != 4<<30 || o.MaxTotalBytes != 32<<30 {
		t.Errorf("--max-bytes 4G: %+v", o)
	}
}

// TestFleetReportsPerBundle: several bundles with -o DIR write one report
// per bundle (the same JSON as analysing each alone, rule findings
// included: the sos-4.x fixture's JVM heap rule fires), and --redact
// applies to every one of them.
func TestFleetReportsPerBundle(t *testing.T) {
	out := t.TempDir()
	a, b, c := "fixtures/seed-microk8s", "fixtures/sos-3.x-rhel7", "fixtures/sos-4.x-k8s-memcg-v2"
	code, stdout, stderr := runCLI(t, "", nil, "analyze", "--format", "json", "-o", out, a, b, c)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "izwz9h8m2chowowqckbcy0z") || !strings.Contains(stdout, "dbprod01") {
		t.Errorf("fleet summary lacks a host:\n%s", stdout)
	}
	for _, p := range []string{a, b, c} {
		_, alone, _ := runCLI(t, "", nil, "analyze", "--format", "json", p)
		got, err := os.ReadFile(filepath.Join(out, filepath.Base(p)+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != alone {
			t.Errorf("%s: the per-bundle report differs from analysing it alone", p)
		}
	}
	red := t.TempDir()
	if code, _, stderr := runCLI(t, "", nil, "analyze", "--redact", "--format", "md", "-o", red, a, b); code != exitOK {
		t.Fatalf("redacted: exit %d: %s", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(red, "seed-microk8s.md"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(md), "izwz9h8m2chowowqckbcy0z") {
		t.Error("--redact with several bundles left the host name in")
	}
	if code, _, stderr := runCLI(t, "", nil, "analyze", "-o", filepath.Join(out, "nope.html"), a, b); code != exitUsage {
		t.Errorf("-o FILE with several bundles: exit %d (%s), want 2", code, stderr)
	}
}
