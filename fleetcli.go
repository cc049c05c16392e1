package main

import (
	"bufio"
	"bytes"
	"path/filepath"
	"strings"
	"sync"

	"github.com/oomlens/oomlens/render"
	"github.com/oomlens/oomlens/report"

	"errors"
	"fmt"
	"os"
	"time"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/input"
	"github.com/oomlens/oomlens/input/archive"
)

// archiveFlags are the analyze flags for archives and many bundles. Embed
// it in analyzeCmd:
//
//	archiveFlags `embed:""`
type archiveFlags struct {
	MaxBytes string `name:"max-bytes" placeholder:"SIZE" help:"Archive caps: bytes per member and in memory (default 2G and 1G; the total is 8×SIZE, default 16G). Raise it for huge logs."`
	Quiet    bool   `short:"q" help:"No progress line on stderr (it is only drawn on a terminal)."`
	Jobs     int    `default:"0" placeholder:"N" help:"Bundles analysed at once (default: the number of CPUs)."`
}

// archiveOptions turns the flags into archive.Options.
func (f archiveFlags) archiveOptions() (archive.Options, error) {
	var o archive.Options
	if f.MaxBytes != "" {
		n, err := parseSize(f.MaxBytes)
		if err != nil {
			return o, usageError{"--max-bytes: " + err.Error()}
		}
		o = o.WithMaxBytes(n)
	}
	return o, nil
}

// fleetPaths expands the command line for a many-bundle run: it returns
// the bundles and true when there are several and every path named is a
// directory or an archive (loose files given together stay one bundle, as
// before).
func fleetPaths(paths []string) ([]input.Bundle, bool, error) {
	for _, p := range paths {
		if p == "-" {
			return nil, false, nil
		}
	}
	bundles, err := input.Bundles(paths)
	if err != nil {
		return nil, false, inputError{err}
	}
	if len(bundles) < 2 {
		return nil, false, nil
	}
	for _, p := range paths {
		ok, err := input.IsBundle(p)
		if err != nil {
			return nil, false, inputError{err}
		}
		if !ok {
			return nil, false, nil
		}
	}
	return bundles, true, nil
}

// analyzeFleet analyses bundles in parallel and writes, to e.stdout, one
// JSON document per line (format "jsonl"), one JSON document with the
// fleet summary and every report ("json"), each bundle's brief lines
// ("brief") or the fleet summary (any other format). A failed bundle is reported in place and makes the run exit 1.
//
// With outDir set, one report per bundle is also written there in
// fileFormat (html, json, md or text), named after the bundle.
func (e *env) analyzeFleet(bundles []input.Bundle, f archiveFlags, format string, copts correlate.Options, outDir, fileFormat string, ruleFiles []string) error {
	aopts, err := f.archiveOptions()
	if err != nil {
		return err
	}
	set, err := e.ruleSet(ruleFiles)
	if err != nil {
		return err
	}
	var warnMu sync.Mutex
	applyRules := func(rep *report.Report) {
		warns := set.Apply(rep)
		warnMu.Lock()
		defer warnMu.Unlock()
		e.printRuleWarnings(warns)
	}
	prog := newProgress(e.stderr, e.isTTY(e.stderr), f.Quiet, len(bundles), stderrWidth(e), time.Now)
	aopts.Progress = prog.archiveHook()
	names := make([]string, len(bundles))
	byName := make(map[string][]string, len(bundles))
	loose := map[string]bool{}
	for i, b := range bundles {
		names[i], byName[b.Name] = b.Name, b.Paths
		if b.Loose {
			loose[b.Name] = true
		}
	}
	results, ferr := analyzeMany(names, fleetOptions{Jobs: f.Jobs, Progress: prog}, func(name string) (*report.Report, error) {
		return analyzeBundle(byName[name], aopts, copts, applyRules)
	})
	prog.finish()
	if _, ok := ferr.(fleetError); ok {
		ferr = skipUnread(results, loose)
	}
	if outDir != "" {
		if err := writeFleetReports(outDir, fileFormat, results); err != nil {
			return err
		}
	}
	switch format {
	case "jsonl":
		err = writeJSONL(e.stdout, results)
	case "json":
		err = writeFleetJSON(e.stdout, results)
	case "brief":
		err = e.writeFleetBrief(results)
	default:
		err = writeFleetSummary(e.stdout, results)
	}
	if err != nil {
		return err
	}
	var fe fleetError
	if errors.As(ferr, &fe) {
		return inputError{fe}
	}
	return ferr
}

// writeFleetBrief writes the brief lines of every bundle, in input order;
// a bundle that failed is said on stderr.
func (e *env) writeFleetBrief(results []fleetResult) error {
	w := bufio.NewWriter(e.stdout)
	for _, r := range results {
		if r.Skipped {
			fmt.Fprintf(e.stderr, "oomlens: %s: not read: %s\n", r.Path, firstLine(r.Err))
			continue
		}
		if r.Err != nil {
			fmt.Fprintf(e.stderr, "oomlens: %s: %v\n", r.Path, r.Err)
			continue
		}
		if err := render.Brief(w, r.Report); err != nil {
			return err
		}
	}
	return w.Flush()
}

func stderrWidth(e *env) int {
	if f, ok := e.stderr.(*os.File); ok {
		return terminalWidth(f)
	}
	return 0
}

// writeFleetReports writes one report per analysed bundle into dir, named
// after the bundle (archive extensions stripped; "-2", "-3" … on a clash).
func writeFleetReports(dir, format string, results []fleetResult) error {
	ext := map[string]string{"html": ".html", "json": ".json", "md": ".md", "text": ".txt"}[format]
	if ext == "" {
		format, ext = "html", ".html"
	}
	used := map[string]bool{}
	for _, r := range results {
		if r.Report == nil {
			continue
		}
		base := filepath.Base(filepath.Clean(r.Path))
		for _, x := range []string{".gz", ".xz", ".bz2", ".zst", ".tgz", ".tar", ".zip"} {
			base = strings.TrimSuffix(base, x)
		}
		name := base
		for i := 2; used[name]; i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		used[name] = true
		var buf bytes.Buffer
		var err error
		switch format {
		case "json":
			err = render.JSON(&buf, r.Report)
		case "md":
			err = render.Markdown(&buf, r.Report)
		case "text":
			err = render.Text(&buf, r.Report, render.TextOptions{Width: 80})
		default:
			err = render.HTML(&buf, r.Report)
		}
		if err != nil {
			return err
		}
		if err := writeFileAtomic(filepath.Join(dir, name+ext), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}
