package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/render"
	"github.com/oomlens/oomlens/report"
)

// fleetOptions tunes analyzeMany.
type fleetOptions struct {
	// Jobs bounds how many bundles are analysed at once (0: GOMAXPROCS).
	// Each job holds at most one bundle's kept files in memory, so memory
	// is bounded by Jobs × the archive in-memory cap.
	Jobs int
	// Progress, when non-nil, is told when each bundle finishes.
	Progress *progress
}

// fleetResult is the outcome for one bundle, in input order.
type fleetResult struct {
	Path   string
	Report *report.Report // nil when Err is set
	Err    error
	// Skipped: the loose files beside a folder's bundles (its notes, a
	// README) hold nothing oomlens reads; Err says so. Listed, not failed.
	Skipped bool
}

// fleetError says how many bundles failed; the others were analysed.
type fleetError struct{ Failed, Total int }

func (e fleetError) Error() string {
	return fmt.Sprintf("%d of %d bundles could not be analysed", e.Failed, e.Total)
}

// analyzeMany runs analyzeOne on every path, Jobs at a time, and returns
// the results in input order whatever order they finish in. A failing or
// panicking bundle is recorded in its result and does not stop the others;
// the error is a fleetError when any failed.
func analyzeMany(paths []string, opts fleetOptions, analyzeOne func(path string) (*report.Report, error)) ([]fleetResult, error) {
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	jobs = max(1, min(jobs, len(paths)))
	results := make([]fleetResult, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = runOne(paths[i], analyzeOne)
				opts.Progress.bundleDone(paths[i])
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	if failed > 0 {
		return results, fleetError{Failed: failed, Total: len(paths)}
	}
	return results, nil
}

func runOne(path string, analyzeOne func(string) (*report.Report, error)) (res fleetResult) {
	res.Path = path
	defer func() {
		if r := recover(); r != nil {
			res.Report, res.Err = nil, fmt.Errorf("internal error: %v (this is a bug; please report it)", r)
		}
	}()
	res.Report, res.Err = analyzeOne(path)
	if res.Err == nil && res.Report == nil {
		res.Err = errors.New("no report")
	}
	return res
}

// hostSummary is one row of the fleet summary.
type hostSummary struct {
	Host    string
	Unknown bool // Host is "(unknown host: BUNDLE)": the bundle names none
	Bundles []string
	Kills   int
	Worst   string
	First   *time.Time
	FirstS  string
	Last    *time.Time
	LastS   string
}

var severityRank = map[string]int{"info": 1, "warning": 2, "critical": 3}

// summarize groups successful results by host name (bundles without one
// are their own group), in host order.
func summarize(results []fleetResult) []*hostSummary {
	byHost := map[string]*hostSummary{}
	var order []string
	for _, r := range results {
		if r.Err != nil {
			continue
		}
		host, unknown := "(unknown host: "+filepath.Base(r.Path)+")", true
		if h := r.Report.Host.Hostname; h != nil && *h != "" {
			host, unknown = *h, false
		}
		s := byHost[host]
		if s == nil {
			s = &hostSummary{Host: host, Unknown: unknown}
			byHost[host] = s
			order = append(order, host)
		}
		s.Bundles = append(s.Bundles, r.Path)
		s.Kills += len(r.Report.Kills)
		for _, k := range r.Report.Kills {
			for _, f := range k.Findings {
				if severityRank[f.Severity] > severityRank[s.Worst] {
					s.Worst = f.Severity
				}
			}
			if k.Time.Wall == nil || k.Time.At == nil {
				continue
			}
			t := *k.Time.At
			if s.First == nil || t.Before(*s.First) {
				s.First, s.FirstS = &t, *k.Time.Wall
			}
			if s.Last == nil || t.After(*s.Last) {
				s.Last, s.LastS = &t, *k.Time.Wall
			}
		}
	}
	sort.Strings(order)
	out := make([]*hostSummary, len(order))
	for i, h := range order {
		out[i] = byHost[h]
	}
	return out
}

// writeFleetSummary prints one row per host (kills, worst finding
// severity, first and last kill time, bundles) and one per failed bundle.
func writeFleetSummary(w io.Writer, results []fleetResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tKILLS\tWORST\tFIRST KILL\tLAST KILL\tBUNDLES")
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	kills, failed := 0, 0
	sums := summarize(results)
	for _, s := range sums {
		kills += s.Kills
		names := make([]string, len(s.Bundles))
		for i, b := range s.Bundles {
			names[i] = filepath.Base(b)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", s.Host, s.Kills, dash(s.Worst), dash(s.FirstS), dash(s.LastS), strings.Join(names, ", "))
	}
	for _, r := range results {
		switch {
		case r.Skipped:
			fmt.Fprintf(tw, "(not read)\t-\t-\t-\t-\t%s: %v\n", filepath.Base(r.Path), firstLine(r.Err))
		case r.Err != nil:
			failed++
			fmt.Fprintf(tw, "(failed)\t-\t-\t-\t-\t%s: %v\n", filepath.Base(r.Path), firstLine(r.Err))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d bundles, %d hosts, %d kills, %d failed\n", len(results), len(sums), kills, failed)
	return err
}

// fleetJSON is the one document `--format json` prints for several
// bundles: the fleet summary, then every bundle's report (the JSON
// contract) or its error, in input order.
type fleetJSON struct {
	SchemaVersion int               `json:"schema_version"`
	Bundles       int               `json:"bundles"`
	Failed        int               `json:"failed"`
	Kills         int               `json:"kills"`
	Hosts         []fleetHostJSON   `json:"hosts"`
	Reports       []json.RawMessage `json:"reports"`
}

// fleetHostJSON is one host of the fleet summary; host is null for a
// bundle that names none, times are null where no kill has a wall time.
type fleetHostJSON struct {
	Host      *string  `json:"host"`
	Kills     int      `json:"kills"`
	Worst     *string  `json:"worst_severity"`
	FirstKill *string  `json:"first_kill"`
	LastKill  *string  `json:"last_kill"`
	Bundles   []string `json:"bundles"`
}

// writeFleetJSON writes the fleet document (fleetJSON), indented.
func writeFleetJSON(w io.Writer, results []fleetResult) error {
	doc := fleetJSON{SchemaVersion: 1, Bundles: len(results), Hosts: []fleetHostJSON{}, Reports: []json.RawMessage{}}
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	for _, s := range summarize(results) {
		h := fleetHostJSON{Kills: s.Kills, Worst: str(s.Worst), FirstKill: str(s.FirstS), LastKill: str(s.LastS), Bundles: s.Bundles}
		if !s.Unknown {
			h.Host = &s.Host
		}
		doc.Kills += s.Kills
		doc.Hosts = append(doc.Hosts, h)
	}
	for _, r := range results {
		var buf bytes.Buffer
		var err error
		if r.Err != nil {
			if !r.Skipped {
				doc.Failed++
			}
			err = json.NewEncoder(&buf).Encode(jsonlError{SchemaVersion: 1, Bundle: r.Path, Error: r.Err.Error(), Skipped: r.Skipped})
		} else {
			err = render.JSONLine(&buf, r.Report)
		}
		if err != nil {
			return err
		}
		doc.Reports = append(doc.Reports, json.RawMessage(bytes.TrimSpace(buf.Bytes())))
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// jsonlError is the JSONL record of a bundle that could not be analysed.
type jsonlError struct {
	SchemaVersion int    `json:"schema_version"`
	Bundle        string `json:"bundle"`
	Error         string `json:"error"`
	Skipped       bool   `json:"skipped,omitempty"` // loose files beside bundles, nothing recognised: not a failure
}

// writeJSONL writes one compact JSON document per line and bundle, in
// input order: the report (the JSON contract), or {"schema_version",
// "bundle", "error"} for a bundle that failed.
func writeJSONL(w io.Writer, results []fleetResult) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range results {
		var err error
		if r.Err != nil {
			err = enc.Encode(jsonlError{SchemaVersion: 1, Bundle: r.Path, Error: r.Err.Error(), Skipped: r.Skipped})
		} else {
			err = render.JSONLine(w, r.Report)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// parseSize reads a size flag: bytes, or a number with K, M, G or T
// (binary units; an optional trailing "B" or "iB").
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || v*float64(mult) > math.MaxInt64/2 {
		return 0, fmt.Errorf("size %q: want a positive number with an optional K, M, G or T suffix", s)
	}
	return int64(v * float64(mult)), nil
}

// firstLine is err's first line (the not-recognised error goes on to say
// what oomlens reads, which a summary row does not repeat).
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// skipUnread marks as skipped the results of loose bundles (the files a
// folder holds beside its bundles) in which nothing was recognised, and
// returns the fleetError of the rest (nil when none failed).
func skipUnread(results []fleetResult, loose map[string]bool) error {
	failed := 0
	for i := range results {
		r := &results[i]
		if r.Err != nil && loose[r.Path] && errors.Is(r.Err, parse.ErrNotUnderstood) {
			r.Skipped = true
		}
		if r.Err != nil && !r.Skipped {
			failed++
		}
	}
	if failed > 0 {
		return fleetError{Failed: failed, Total: len(results)}
	}
	return nil
}
