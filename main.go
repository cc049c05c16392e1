// Command oomlens explains the OOM kills in a node bundle (a sosreport, a
// folder of saved command output, or one saved log) with evidence.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/mattn/go-isatty"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/input"
	"github.com/oomlens/oomlens/input/archive"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/redact"
	"github.com/oomlens/oomlens/render"
)

// Exit codes.
const (
	exitOK       = 0 // analysed (kills or not)
	exitBadInput = 1 // an input could not be read or understood at all
	exitUsage    = 2 // usage error
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// env is what run needs from the process: streams and the environment.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	isTTY  func(io.Writer) bool
}

// inputError is an error about an input (exit 1).
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

type cli struct {
	VersionFlag kong.VersionFlag `name:"version" help:"Print the version and exit."`

	Analyze analyzeCmd `cmd:"" help:"Explain every OOM kill in a bundle."`
	Rules   rulesCmd   `cmd:"" help:"List, check and try known-issue rules."`
	Sources sourcesCmd `cmd:"" help:"List the files of a bundle oomlens reads, and what each covers."`
	Version versionCmd `cmd:"" help:"Print the version."`
}

const helpText = `Explain the OOM kills in a node bundle, with evidence.

oomlens reads a sosreport (directory), a folder of saved command output, or one
saved file (dmesg, journal, /var/log/messages, swapon, kubectl describe node, …),
and explains for every OOM kill who was killed, which limit was hit, what memory
and swap looked like, and what to do next — citing file and line.

Examples:
  oomlens analyze sosreport-node1-2019-10-20/
  oomlens analyze dmesg.txt swapon.txt describe-node.txt
  oomlens analyze -o report.html sosreport-node1/
  dmesg | oomlens analyze --format json -
  oomlens sources sosreport-node1/

Exit codes: 0 analysed (kills or not), 1 an input could not be read or
understood at all, 2 usage error.`

// shortUsage is what bare `oomlens` prints.
const shortUsage = `oomlens explains the OOM kills in a node bundle, with evidence.

Usage:
  oomlens analyze BUNDLE...         explain every OOM kill (--format text|brief|json|html|md)
  oomlens analyze -o report.html B  one self-contained HTML report
  oomlens sources BUNDLE...         what was read, and what each file covers
  oomlens rules list                known-issue rules in force
  oomlens version                   print the version

BUNDLE is a sosreport (directory or archive), a folder of saved command
output, saved files (dmesg, swapon, kubectl describe node, …) or - for
standard input. Run "oomlens --help" or "oomlens analyze --help" for more.
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (code int) {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, isTTY: isTerminal}
	return e.run(args)
}

func (e *env) run(args []string) (code int) {
	if len(args) == 0 {
		// Bare oomlens: the commands people want first, not kong's
		// "expected one of …" (like go, a usage error on stderr).
		fmt.Fprint(e.stderr, shortUsage)
		return exitUsage
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "oomlens: internal error: %v\n", r)
			fmt.Fprintf(e.stderr, "oomlens: this is a bug; please report it with the input's path (%s) and this trace:\n%s", strings.Join(args, " "), debug.Stack())
			code = exitBadInput
		}
	}()
	var c cli
	exited := -1
	parser, err := kong.New(&c,
		kong.Name("oomlens"),
		kong.Description(helpText),
		kong.Writers(e.stdout, e.stderr),
		kong.Exit(func(status int) { exited = status; panic(kongExit{}) }),
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"version": "oomlens " + version()},
	)
	if err != nil {
		fmt.Fprintf(e.stderr, "oomlens: %v\n", err)
		return exitUsage
	}
	ctx, err := e.parseArgs(parser, args)
	if exited >= 0 {
		if exited != 0 {
			return exitUsage
		}
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "oomlens: %v\n", err)
		return exitUsage
	}
	if err = ctx.Run(e); err == nil {
		return exitOK
	}
	fmt.Fprintf(e.stderr, "oomlens: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitBadInput // inputError, and any other failure to read or write
}

type kongExit struct{}

// parseArgs runs kong's parser, turning its Exit calls (help, usage errors)
// into a returned status instead of a process exit.
func (e *env) parseArgs(p *kong.Kong, args []string) (ctx *kong.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(kongExit); ok {
				return
			}
			panic(r)
		}
	}()
	return p.Parse(args)
}

// usageError is a command-line mistake found after parsing (exit 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// toolVersion is oomlens's release; reports carry it, so it must not change
// with the build (a VCS pseudo-version would differ per commit).
const toolVersion = "0.1.0"

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && isRelease(bi.Main.Version) {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return toolVersion
}

// isRelease tells a tagged module version (v1.2.3) from a pseudo-version
// (v0.0.0-20261127033420-af32dc46364e) or "(devel)".
func isRelease(v string) bool {
	return strings.HasPrefix(v, "v") && !strings.Contains(v, "-") && !strings.Contains(v, "+")
}

type versionCmd struct{}

func (versionCmd) Run(e *env) error {
	fmt.Fprintf(e.stdout, "oomlens %s\n", version())
	return nil
}

type analyzeCmd struct {
	Paths        []string `arg:"" name:"path" help:"Bundle directory, saved file, or - for standard input." type:"string"`
	Format       string   `short:"f" enum:",text,brief,json,jsonl,html,md,markdown" default:"" help:"Output format: text, brief (one line per kill), json, jsonl (one report per line), html or md (default: from -o's extension, else text)."`
	Output       string   `short:"o" help:"Write the report to this file (format from the extension: .html, .json, .md)." placeholder:"FILE"`
	Color        string   `enum:"auto,always,never" default:"auto" help:"Colour the text report: auto, always or never (NO_COLOR and CLICOLOR_FORCE are honoured)."`
	Verbose      bool     `short:"v" help:"Text report with every finding of every kill and its log lines, the timeline, what to collect for each coverage gap and the unexplained lines."`
	Redact       bool     `help:"Replace host names, addresses, user, pod and namespace names with stable pseudonyms."`
	Width        int      `help:"Text width (default: the terminal's, at least 80)." default:"0"`
	archiveFlags `embed:""`
	RuleFiles    []string `name:"rules" placeholder:"FILE" help:"Also load this rule file, or a directory's *.yaml files (repeatable)."`
	CPUProfile   string   `name:"cpuprofile" hidden:"" placeholder:"FILE" help:"Write a CPU profile (go tool pprof) of the run."`
	MemProfile   string   `name:"memprofile" hidden:"" placeholder:"FILE" help:"Write an allocation profile (go tool pprof) at the end of the run."`
}

// Help is analyze's detailed help: examples and the exit codes (kong
// prints it under the one-line help).
func (analyzeCmd) Help() string {
	return `Examples:

    oomlens analyze sosreport-node1-2019-10-20/            # a sosreport directory
    oomlens analyze sosreport-node1.tar.xz                 # an archive, read in place
    oomlens analyze dmesg.txt swapon.txt describe-node.txt # loose files, one bundle
    dmesg | oomlens analyze -                              # standard input
    oomlens analyze -v BUNDLE                              # every finding, timeline, evidence
    oomlens analyze --format brief A.tar.xz B.tar.xz       # one line per kill, for tickets, chat, fleets
    oomlens analyze --format md BUNDLE                     # for a ticket comment
    oomlens analyze -o report.html BUNDLE                  # format from the extension

Exit codes:

    0  analysed (kills or not)
    1  an input could not be read or not understood at all
    2  usage error`
}

func (a *analyzeCmd) Run(e *env) error {
	stop, err := startProfiles(a.CPUProfile, a.MemProfile)
	if err != nil {
		return err
	}
	err = a.run(e)
	if perr := stop(); err == nil {
		err = perr
	}
	return err
}

func (a *analyzeCmd) run(e *env) error {
	format, err := pickFormat(a.Format, a.Output)
	if err != nil {
		return err
	}
	bundles, many, err := fleetPaths(a.Paths)
	if err != nil {
		return err
	}
	if many || (format == "jsonl" && len(a.Paths) == 1 && a.Paths[0] != "-") {
		if !many {
			bundles = []input.Bundle{{Name: a.Paths[0], Paths: a.Paths}}
		}
		outDir, fileFormat := "", a.Format
		if a.Output != "" {
			st, err := os.Stat(a.Output)
			if err != nil || !st.IsDir() {
				return usageError{fmt.Sprintf("-o %s: with several bundles, -o names an existing directory for one report per bundle", a.Output)}
			}
			outDir = a.Output
			format = "text"
		}
		return e.analyzeFleet(bundles, a.archiveFlags, format, correlate.Options{ToolVersion: version(), Redact: a.Redact}, outDir, fileFormat, a.RuleFiles)
	}
	if format == "jsonl" {
		format = "json"
	}
	aopts, err := a.archiveOptions()
	if err != nil {
		return err
	}
	b, err := e.loadWith(a.Paths, aopts)
	if err != nil {
		return err
	}
	rep := correlate.Build(b, correlate.Options{ToolVersion: version(), Redact: a.Redact})
	// Rules see the real names; redaction then covers their findings too.
	if err := e.applyRules(rep, a.RuleFiles); err != nil {
		return err
	}
	if a.Redact {
		redact.Report(rep)
	}
	toStdout := a.Output == "" || a.Output == "-"
	write := func(w io.Writer) error {
		switch format {
		case "json":
			return render.JSON(w, rep)
		case "md":
			return render.Markdown(w, rep)
		case "html":
			return render.HTML(w, rep)
		case "brief":
			return render.Brief(w, rep)
		}
		color := toStdout && e.colorOn(a.Color, e.stdout)
		if !toStdout {
			color = a.Color == "always"
		}
		return render.Text(w, rep, render.TextOptions{Color: color, Width: e.width(a.Width), Verbose: a.Verbose})
	}
	if toStdout {
		// Straight to standard output (no second copy of a large report).
		w := bufio.NewWriterSize(e.stdout, 64<<10)
		if err := write(w); err != nil {
			return err
		}
		return w.Flush()
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	return writeFileAtomic(a.Output, buf.Bytes())
}

func pickFormat(format, output string) (string, error) {
	switch format {
	case "markdown":
		return "md", nil
	case "":
	default:
		return format, nil
	}
	switch strings.ToLower(filepath.Ext(output)) {
	case ".html", ".htm":
		return "html", nil
	case ".json":
		return "json", nil
	case ".md", ".markdown":
		return "md", nil
	case "", ".txt", ".text":
		return "text", nil
	}
	return "", usageError{fmt.Sprintf("cannot tell the format of %q from its extension; pass --format", output)}
}

// colorOn decides colour for the text report written to w: --color
// always/never as asked; else NO_COLOR (any value) turns it off,
// CLICOLOR_FORCE (not 0) on, TERM=dumb and CLICOLOR=0 off, and otherwise
// colour only on a terminal.
func (e *env) colorOn(flag string, w io.Writer) bool {
	switch flag {
	case "always":
		return true
	case "never":
		return false
	}
	if e.getenv("NO_COLOR") != "" {
		return false
	}
	if v := e.getenv("CLICOLOR_FORCE"); v != "" && v != "0" {
		return true
	}
	if e.getenv("TERM") == "dumb" || e.getenv("CLICOLOR") == "0" {
		return false
	}
	return e.isTTY(w)
}

func (e *env) width(flag int) int {
	if flag > 0 {
		return flag
	}
	if f, ok := e.stdout.(*os.File); ok && e.isTTY(f) {
		if w := terminalWidth(f); w > 80 {
			return w
		}
	}
	return 80
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// load reads the inputs named on the command line into one bundle. A single
// directory is a bundle; loose files (and stdin) are classified by content.
func (e *env) load(paths []string) (*parse.Bundle, error) {
	return e.loadWith(paths, archive.Options{})
}

// loadWith is load with archive options (caps).
func (e *env) loadWith(paths []string, aopts archive.Options) (*parse.Bundle, error) {
	return loadPaths(paths, e.stdin, aopts)
}

// unwrapPathErr is input.Cause: an error without its path, which the
// message names already.
func unwrapPathErr(err error) error { return input.Cause(err) }

// writeFileAtomic writes data to a temporary file beside path and renames it,
// so that a failure never leaves a partial report.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".oomlens-*")
	if err != nil {
		return inputError{fmt.Errorf("%s: %w", path, unwrapPathErr(err))}
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return inputError{fmt.Errorf("%s: %w", path, werr)}
	}
	return nil
}

type sourcesCmd struct {
	Paths  []string `arg:"" name:"path" help:"Bundle directory, archive, saved files (one bundle), or - for standard input." type:"string"`
	Format string   `short:"f" enum:"text,json" default:"text" help:"text or json."`
}

// Run lists the inputs of one bundle, or, given several bundles the way
// analyze takes them (directories, archives), of each in turn: under a
// "== PATH" heading in text, one JSON document per line with --format json.
func (s *sourcesCmd) Run(e *env) error {
	bundles, many, err := fleetPaths(s.Paths)
	if err != nil {
		return err
	}
	if !many {
		return s.one(e, s.Paths, "")
	}
	for i, b := range bundles {
		if i > 0 && s.Format != "json" {
			fmt.Fprintln(e.stdout)
		}
		err := s.one(e, b.Paths, b.Name)
		if b.Loose && errors.Is(err, parse.ErrNotUnderstood) {
			// notes beside the bundles: said, not a failure
			if s.Format == "json" {
				err = json.NewEncoder(e.stdout).Encode(jsonlError{SchemaVersion: 1, Bundle: b.Name, Error: err.Error(), Skipped: true})
			} else {
				_, err = fmt.Fprintf(e.stdout, "== %s\nnot read: %s\n", b.Name, firstLine(err))
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *sourcesCmd) one(e *env, paths []string, heading string) error {
	b, err := e.load(paths)
	if err != nil {
		return err
	}
	rep := correlate.Build(b, correlate.Options{ToolVersion: version()})
	if s.Format == "json" {
		if heading == "" {
			return render.SourcesJSON(e.stdout, rep)
		}
		return render.SourcesJSONLine(e.stdout, heading, rep)
	}
	if heading != "" {
		fmt.Fprintf(e.stdout, "== %s\n", heading)
	}
	return render.Sources(e.stdout, rep)
}
