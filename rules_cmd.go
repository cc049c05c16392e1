package main

// The `oomlens rules` commands and the loading of rule files for analyze.
// Wiring (done by the integrator in main.go):
//
//	type cli struct { …; Rules rulesCmd `cmd:"" help:"List, check and try known-issue rules."` }
//	analyzeCmd: RuleFiles []string `name:"rules" placeholder:"FILE" help:"Also load this rule file, or a directory's *.yaml files (repeatable)."`
//	analyzeCmd.Run, after correlate.Build:  if err := e.applyRules(rep, a.RuleFiles); err != nil { return err }

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/rules"
)

// rulesCmd groups the rule commands.
type rulesCmd struct {
	List  rulesListCmd  `cmd:"" help:"List the rules in force: built-in, ~/.config/oomlens/rules.d and --rules files."`
	Check rulesCheckCmd `cmd:"" help:"Validate rule files; every problem is printed as file:line:column."`
	Test  rulesTestCmd  `cmd:"" help:"Show which kills of a bundle each rule of FILE fires on."`
}

type rulesListCmd struct {
	RuleFiles []string `name:"rules" placeholder:"FILE" help:"Also load this rule file, or a directory's *.yaml files (repeatable)."`
	Format    string   `short:"f" enum:"text,json" default:"text" help:"text or json."`
}

// ruleListEntry is one row of `oomlens rules list --format json`.
type ruleListEntry struct {
	ID       string   `json:"id"`
	Severity string   `json:"severity"`
	Title    string   `json:"title"`
	Origin   string   `json:"origin"`
	Links    []string `json:"links"`
}

func (c *rulesListCmd) Run(e *env) error {
	set, err := e.ruleSet(c.RuleFiles)
	if err != nil {
		return err
	}
	if c.Format == "json" {
		out := []ruleListEntry{}
		for _, r := range set.Rules() {
			links := append([]string{}, r.Links...)
			out = append(out, ruleListEntry{ID: r.ID, Severity: r.Severity, Title: r.Title, Origin: r.Origin, Links: links})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE\tORIGIN")
	for _, r := range set.Rules() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Title, r.Origin)
	}
	return tw.Flush()
}

type rulesCheckCmd struct {
	Files []string `arg:"" name:"file" help:"Rule files (or directories of *.yaml files) to validate." type:"string"`
}

func (c *rulesCheckCmd) Run(e *env) error {
	srcs, err := readRuleFiles(c.Files)
	if err != nil {
		return err
	}
	var errs rules.ErrorList
	counts := make([]int, len(srcs))
	for i, src := range srcs {
		rs, err := rules.LoadFile(src.Path, src.Data, src.Origin)
		counts[i] = len(rs)
		if err != nil {
			errs = append(errs, asErrorList(err, src.Path)...)
		}
	}
	if len(errs) == 0 {
		// Ids must also be unique against the built-in rules and each
		// other. A file identical to a built-in one (checking
		// rules/builtin itself) stands in for it.
		var all []rules.Source
		for _, b := range rules.BuiltinSources() {
			same := false
			for _, src := range srcs {
				same = same || bytes.Equal(src.Data, b.Data)
			}
			if !same {
				all = append(all, b)
			}
		}
		if _, err := rules.Load(append(all, srcs...)...); err != nil {
			errs = append(errs, asErrorList(err, "")...)
		}
	}
	if len(errs) > 0 {
		for _, x := range errs {
			fmt.Fprintln(e.stderr, x)
		}
		return inputError{fmt.Errorf("%d %s in %s", len(errs), plural(len(errs), "problem", "problems"), strings.Join(c.Files, " "))}
	}
	for i, src := range srcs {
		fmt.Fprintf(e.stdout, "%s: %d %s OK\n", src.Path, counts[i], plural(counts[i], "rule", "rules"))
	}
	return nil
}

type rulesTestCmd struct {
	File   string `arg:"" name:"file" help:"Rule file to try." type:"string"`
	Bundle string `arg:"" name:"bundle" help:"Bundle directory or saved file to analyse." type:"string"`
	Format string `short:"f" enum:"text,json" default:"text" help:"text or json."`
}

// ruleTestResult is one rule of `oomlens rules test --format json`.
type ruleTestResult struct {
	Rule     string        `json:"rule"`
	Severity string        `json:"severity"`
	Origin   string        `json:"origin"`
	Fires    []ruleTestHit `json:"fires"`
}

// ruleTestHit is one kill a rule fires on.
type ruleTestHit struct {
	Kill     string       `json:"kill"`
	Summary  string       `json:"summary"`
	Evidence []report.Ref `json:"evidence"`
}

func (c *rulesTestCmd) Run(e *env) error {
	srcs, err := readRuleFiles([]string{c.File})
	if err != nil {
		return err
	}
	set, err := rules.Load(srcs...)
	if err != nil {
		return ruleLoadError(e, err)
	}
	b, err := e.load([]string{c.Bundle})
	if err != nil {
		return err
	}
	rep := correlate.Build(b, correlate.Options{ToolVersion: version()})
	if c.Format == "json" {
		res, warns := ruleTestResults(set, rep)
		e.printRuleWarnings(warns)
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	warns := writeRuleTest(e.stdout, set, rep, c.File, c.Bundle)
	e.printRuleWarnings(warns)
	return nil
}

// ruleTestResults lists, for each rule of set, the kills of rep it fires on.
func ruleTestResults(set *rules.Set, rep *report.Report) ([]ruleTestResult, []rules.Warning) {
	out := []ruleTestResult{}
	var warns []rules.Warning
	for _, r := range set.Rules() {
		res := ruleTestResult{Rule: r.ID, Severity: r.Severity, Origin: r.Origin, Fires: []ruleTestHit{}}
		for i := range rep.Kills {
			f, ok, ws := r.Match(rep, &rep.Kills[i])
			warns = append(warns, ws...)
			if ok {
				res.Fires = append(res.Fires, ruleTestHit{Kill: rep.Kills[i].ID, Summary: f.Summary, Evidence: f.Evidence})
			}
		}
		out = append(out, res)
	}
	return out, warns
}

// writeRuleTest prints, for each rule of set, the kills of rep it fires on
// with the summary it would add; it returns the warnings met.
func writeRuleTest(w io.Writer, set *rules.Set, rep *report.Report, file, bundle string) []rules.Warning {
	var warns []rules.Warning
	fmt.Fprintf(w, "%s against %s: %d %s\n", file, bundle, len(rep.Kills), plural(len(rep.Kills), "kill", "kills"))
	for _, r := range set.Rules() {
		var lines []string
		n := 0
		for i := range rep.Kills {
			k := &rep.Kills[i]
			f, ok, ws := r.Match(rep, k)
			warns = append(warns, ws...)
			if !ok {
				continue
			}
			var refs []string
			for _, ref := range f.Evidence {
				refs = append(refs, fmt.Sprintf("%s:%d", ref.Path, ref.Line))
			}
			n++
			lines = append(lines, fmt.Sprintf("  %s %s: %s", k.ID, killLabel(k), f.Summary))
			if len(refs) > 0 {
				lines = append(lines, "     evidence: "+strings.Join(refs, " "))
			}
		}
		switch {
		case len(rep.Kills) == 0:
			fmt.Fprintf(w, "%s (%s): no kills to test\n", r.ID, r.Severity)
		case n == 0:
			fmt.Fprintf(w, "%s (%s): fires on none of %d %s\n", r.ID, r.Severity, len(rep.Kills), plural(len(rep.Kills), "kill", "kills"))
		default:
			fmt.Fprintf(w, "%s (%s): fires on %d of %d %s\n", r.ID, r.Severity, n, len(rep.Kills), plural(len(rep.Kills), "kill", "kills"))
		}
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
	}
	return warns
}

// killLabel names a kill for people: "java (pid 4242) at 2019-10-20T15:07:17+08:00".
func killLabel(k *report.Kill) string {
	name := k.Victim.Name
	if name == "" && k.Victim.Cgroup != nil {
		name = *k.Victim.Cgroup
	}
	if name == "" {
		name = "?"
	}
	s := name
	if k.Victim.Pid != nil {
		s += fmt.Sprintf(" (pid %d)", *k.Victim.Pid)
	}
	switch {
	case k.Time.Wall != nil:
		s += " at " + *k.Time.Wall
	case k.Time.Raw != nil:
		s += " at " + *k.Time.Raw
	}
	return s
}

// applyRules loads the rules in force (built-in, the user's rules.d, then
// files) and adds their findings to rep's kills; warnings go to stderr.
func (e *env) applyRules(rep *report.Report, files []string) error {
	set, err := e.ruleSet(files)
	if err != nil {
		return err
	}
	e.printRuleWarnings(set.Apply(rep))
	return nil
}

func (e *env) printRuleWarnings(warns []rules.Warning) {
	for _, w := range warns {
		fmt.Fprintf(e.stderr, "oomlens: warning: %s\n", w)
	}
}

// ruleSet loads the built-in rules, then $XDG_CONFIG_HOME/oomlens/rules.d/*.yaml
// (sorted by name), then files in the order given.
func (e *env) ruleSet(files []string) (*rules.Set, error) {
	srcs := rules.BuiltinSources()
	user, err := readRuleDir(userRulesDir(e.getenv))
	if err != nil {
		return nil, err
	}
	srcs = append(srcs, user...)
	given, err := readRuleFiles(files)
	if err != nil {
		return nil, err
	}
	set, err := rules.Load(append(srcs, given...)...)
	if err != nil {
		return nil, ruleLoadError(e, err)
	}
	return set, nil
}

// ruleLoadError prints every problem to stderr and returns a one-line error.
func ruleLoadError(e *env, err error) error {
	l := asErrorList(err, "")
	for _, x := range l {
		fmt.Fprintln(e.stderr, x)
	}
	return inputError{fmt.Errorf("rule files have %d %s (run oomlens rules check FILE)", len(l), plural(len(l), "problem", "problems"))}
}

func asErrorList(err error, path string) rules.ErrorList {
	var l rules.ErrorList
	if errors.As(err, &l) {
		return l
	}
	return rules.ErrorList{{Pos: rules.Pos{File: path}, Msg: err.Error()}}
}

// userRulesDir is $XDG_CONFIG_HOME/oomlens/rules.d, with XDG_CONFIG_HOME
// defaulting to $HOME/.config as the XDG base directory spec says (a
// relative XDG_CONFIG_HOME is ignored); "" when neither is set.
func userRulesDir(getenv func(string) string) string {
	base := getenv("XDG_CONFIG_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "oomlens", "rules.d")
}

// readRuleDir reads dir/*.yaml sorted by name; a missing dir is no rules.
func readRuleDir(dir string) ([]rules.Source, error) {
	if dir == "" {
		return nil, nil
	}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, inputError{fmt.Errorf("%s: %w", dir, unwrapPathErr(err))}
	}
	var files []string
	for _, ent := range ents {
		if ent.IsDir() || !strings.HasSuffix(ent.Name(), ".yaml") || strings.HasPrefix(ent.Name(), ".") {
			continue
		}
		files = append(files, filepath.Join(dir, ent.Name()))
	}
	return readRuleFiles(files)
}

// readRuleFiles reads each file (a directory stands for its *.yaml files);
// a file's path is both the name in errors and the origin recorded on its
// findings.
func readRuleFiles(paths []string) ([]rules.Source, error) {
	var out []rules.Source
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			srcs, err := readRuleDir(p)
			if err != nil {
				return nil, err
			}
			if len(srcs) == 0 {
				return nil, inputError{fmt.Errorf("%s: no *.yaml rule files in this directory", p)}
			}
			out = append(out, srcs...)
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, inputError{fmt.Errorf("%s: %w", p, unwrapPathErr(err))}
		}
		out = append(out, rules.Source{Path: p, Origin: p, Data: data})
	}
	return out, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
