package main

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/input"
	"github.com/oomlens/oomlens/input/archive"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/redact"
	"github.com/oomlens/oomlens/report"
)

// loadBundle reads one command-line path (a directory, an archive or a
// loose file) into a bundle.
func loadBundle(path string, aopts archive.Options) (*parse.Bundle, error) {
	return loadPaths([]string{path}, nil, aopts)
}

// loadPaths runs the first two stages: input.Open resolves the paths
// (stdin read from stdin) into a file tree, parse.Load reads it. Archive
// members of 64 MiB and more are parsed as kernel logs while the archive
// streams (streamKernelLogs); archive warnings (skipped members, escaping
// links, duplicates) become bundle warnings.
func loadPaths(paths []string, stdin io.Reader, aopts archive.Options) (*parse.Bundle, error) {
	aopts, streamed := streamKernelLogs(aopts)
	src, err := input.Open(paths, stdin, aopts)
	if err != nil {
		var ue input.UsageError
		if errors.As(err, &ue) {
			return nil, usageError{ue.Msg}
		}
		return nil, inputError{err}
	}
	b, err := parse.Load(src.FS, parse.LoadOptions{Name: src.Name, Only: src.Only, Streamed: streamed})
	if err != nil {
		return nil, inputError{fmt.Errorf("%s: %w", src.Name, err)}
	}
	addArchiveWarnings(b, src.Archive)
	return b, nil
}

// streamKernelLogs sets aopts.Stream so that archive members of
// parse.StreamMin (64 MiB) and more (a big /var/log/messages or journal)
// are parsed as kernel logs while the archive streams, instead of being
// held in memory (or refused past --max-bytes). The map, filled by Open,
// goes to parse.LoadOptions.Streamed; a streamed member that is not a
// kernel log is not kept (the loader reads no other input past 64 MiB).
func streamKernelLogs(aopts archive.Options) (archive.Options, map[string]parse.StreamedLog) {
	streamed := map[string]parse.StreamedLog{}
	var mu sync.Mutex
	if aopts.StreamMin == 0 {
		aopts.StreamMin = parse.StreamMin
	}
	aopts.Stream = func(p string, size int64, r io.Reader) error {
		// A member that cannot be parsed (a corrupt gzip rotation) is that
		// input's problem, listed by the loader; a cut archive is reported
		// by archive.Open itself.
		kl, _, err := parse.KernelLogFromMember(p, r)
		mu.Lock()
		streamed[p] = parse.StreamedLog{Log: kl, Err: err}
		mu.Unlock()
		return nil
	}
	return aopts, streamed
}

// addArchiveWarnings copies an archive's member warnings into the bundle's
// path-level warnings (path = the member as named in the archive).
func addArchiveWarnings(b *parse.Bundle, info *archive.Info) {
	if b == nil || info == nil {
		return
	}
	for _, w := range info.Warnings {
		b.Warnings = append(b.Warnings, parse.Warning{Ref: parse.Ref{Path: w.Member}, Message: "archive member skipped or changed: " + w.Message})
	}
}

// analyzeBundle is the per-bundle function of a many-bundle run; rules
// (nil for none) adds the rule findings, as for a single bundle.
func analyzeBundle(paths []string, aopts archive.Options, copts correlate.Options, rules func(*report.Report)) (*report.Report, error) {
	b, err := loadPaths(paths, nil, aopts)
	if err != nil {
		return nil, err
	}
	rep := correlate.Build(b, copts)
	if rules != nil {
		rules(rep) // before redaction: patterns see the real names
	}
	if copts.Redact {
		redact.Report(rep)
	}
	return rep, nil
}
