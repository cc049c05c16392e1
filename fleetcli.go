package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/oomlens/oomlens/archive"
	"github.com/oomlens/oomlens/correlate"
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
// the bundles and true when there are several and every one is a
// directory or an archive (loose files given together stay one bundle, as
// before).
func fleetPaths(paths []string) ([]string, bool, error) {
	for _, p := range paths {
		if p == "-" {
			return nil, false, nil
		}
	}
	bundles, err := fleetInputs(paths)
	if err != nil {
		return nil, false, inputError{err}
	}
	if len(bundles) < 2 {
		return nil, false, nil
	}
	for _, b := range bundles {
		st, err := os.Stat(b)
		if err != nil {
			return nil, false, inputError{fmt.Errorf("%s: %w", b, unwrapPathErr(err))}
		}
		if !st.IsDir() && !isArchive(b) {
			return nil, false, nil
		}
	}
	return bundles, true, nil
}

// analyzeFleet analyses bundles in parallel and writes, to e.stdout, one
// JSON document per line (format "jsonl") or the fleet summary (any other
// format). A failed bundle is reported in place and makes the run exit 1.
func (e *env) analyzeFleet(bundles []string, f archiveFlags, format string, copts correlate.Options) error {
	aopts, err := f.archiveOptions()
	if err != nil {
		return err
	}
	prog := newProgress(e.stderr, e.isTTY(e.stderr), f.Quiet, len(bundles), stderrWidth(e), time.Now)
	aopts.Progress = prog.archiveHook()
	results, ferr := analyzeMany(bundles, fleetOptions{Jobs: f.Jobs, Progress: prog}, func(p string) (*correlate.Report, error) {
		return analyzeBundle(p, aopts, copts)
	})
	prog.finish()
	if format == "jsonl" {
		err = writeJSONL(e.stdout, results)
	} else {
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

func stderrWidth(e *env) int {
	if f, ok := e.stderr.(*os.File); ok {
		return terminalWidth(f)
	}
	return 0
}
