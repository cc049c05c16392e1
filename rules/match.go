package rules

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"github.com/oomlens/oomlens/report"
)

// Warning is a problem met while applying rules: a pattern that timed out
// (counted as no match) or a template that failed on a kill.
type Warning struct {
	Origin  string // the rule file
	Rule    string // rule id
	Kill    string // kill id
	Message string
}

// String formats the warning as "origin: rule ID, kill ID: message".
func (w Warning) String() string {
	return fmt.Sprintf("%s: rule %s, kill %s: %s", w.Origin, w.Rule, w.Kill, w.Message)
}

// evalCtx is one kill being matched, with the report around it.
type evalCtx struct {
	rep    *report.Report
	k      *report.Kill
	lines  map[report.Ref]string // excerpt text by path and line
	warns  []Warning
	gaveUp map[*pattern]bool // patterns that timed out on this kill: not tried again
}

// excerptIndex maps every quoted line of the report to its text.
func excerptIndex(rep *report.Report) map[report.Ref]string {
	m := map[report.Ref]string{}
	for _, ex := range rep.Excerpts {
		for _, l := range ex.Lines {
			m[report.Ref{Path: ex.Path, Line: l.Line}] = l.Text
		}
	}
	return m
}

// Apply evaluates every rule against every kill of rep and appends a
// Finding (Origin = the rule file) to each kill a rule matches, after the
// findings already there. Excerpt lines a finding cites are marked Cited.
// It returns the warnings met, in kill then rule order. Apply never fails:
// an unknown fact means the condition does not hold. Applying the same set
// twice adds nothing the second time.
func (s *Set) Apply(rep *report.Report) []Warning {
	if s == nil || rep == nil {
		return nil
	}
	idx := excerptIndex(rep)
	var warns []Warning
	cited := map[report.Ref]bool{}
	for i := range rep.Kills {
		k := &rep.Kills[i]
		for _, r := range s.rules {
			if hasFinding(k, r) {
				continue // applied before: Apply is idempotent
			}
			f, ok, w := r.match(rep, k, idx)
			warns = append(warns, w...)
			if !ok {
				continue
			}
			k.Findings = append(k.Findings, f)
			for _, ref := range f.Evidence {
				cited[ref] = true
			}
		}
	}
	for i := range rep.Excerpts {
		ex := &rep.Excerpts[i]
		for j := range ex.Lines {
			if cited[report.Ref{Path: ex.Path, Line: ex.Lines[j].Line}] {
				ex.Lines[j].Cited = true
			}
		}
	}
	return warns
}

func hasFinding(k *report.Kill, r *Rule) bool {
	for _, f := range k.Findings {
		if f.Rule == r.ID && f.Origin == r.Origin {
			return true
		}
	}
	return false
}

// Match evaluates one rule against one kill of rep without changing
// either; ok reports whether every condition holds.
func (r *Rule) Match(rep *report.Report, k *report.Kill) (f report.Finding, ok bool, warns []Warning) {
	if rep == nil || k == nil {
		return f, false, nil
	}
	return r.match(rep, k, excerptIndex(rep))
}

func (r *Rule) match(rep *report.Report, k *report.Kill, idx map[report.Ref]string) (f report.Finding, ok bool, warns []Warning) {
	c := &evalCtx{rep: rep, k: k, lines: idx}
	var refs []report.Ref
	usesLines, usesPod := false, false
	for i := range r.conds {
		cd := &r.conds[i]
		hold, hits := r.eval(c, cd)
		if !hold {
			return f, false, c.warns
		}
		if cd.f.name == "evidence_line" {
			usesLines = true
			refs = append(refs, hits...)
		}
		usesPod = usesPod || cd.f.pod
	}
	if !usesLines {
		refs = append(refs, k.Evidence...)
	}
	if usesPod && k.Pod != nil {
		refs = append(refs, k.Pod.Evidence...)
	}
	d := newData(c, r)
	f = report.Finding{
		Rule:     r.ID,
		Severity: r.Severity,
		Summary:  strings.Join(strings.Fields(r.run(c, r.say, d, r.Title)), " "),
		Origin:   r.Origin,
		Evidence: sortRefs(refs),
	}
	var detail []string
	if r.advice != nil {
		detail = append(detail, r.run(c, r.advice, d, ""))
	}
	if len(r.Links) > 0 {
		detail = append(detail, "See: "+strings.Join(r.Links, " "))
	}
	f.Detail = strings.Join(detail, "\n\n")
	return f, true, c.warns
}

// run executes a template; on failure it warns and returns fallback.
func (r *Rule) run(c *evalCtx, t *template.Template, d *Data, fallback string) (out string) {
	var buf bytes.Buffer
	defer func() {
		if p := recover(); p != nil {
			c.warn(r, fmt.Sprintf("template panicked: %v", p))
			out = fallback
		}
	}()
	if err := t.Execute(&buf, d); err != nil {
		c.warn(r, "template: "+err.Error())
		return fallback
	}
	return strings.TrimSpace(buf.String())
}

func (c *evalCtx) warn(r *Rule, msg string) {
	c.warns = append(c.warns, Warning{Origin: r.Origin, Rule: r.ID, Kill: c.k.ID, Message: msg})
}

// eval reports whether one condition holds; for patterns on evidence lines
// it also returns the lines that matched.
func (r *Rule) eval(c *evalCtx, cd *cond) (bool, []report.Ref) {
	f := cd.f
	switch f.typ {
	case typePattern:
		var hits []report.Ref
		matched := false
		for _, v := range f.texts(c) {
			for _, p := range cd.patterns {
				if c.gaveUp[p] {
					continue
				}
				ok, err := p.re.MatchString(v.text)
				if err != nil {
					if c.gaveUp == nil {
						c.gaveUp = map[*pattern]bool{}
					}
					c.gaveUp[p] = true
					c.warn(r, fmt.Sprintf("%s pattern %q (%s) gave up after %v; counted as no match", f.name, p.src, p.pos, p.re.MatchTimeout))
					continue
				}
				if ok {
					matched = true
					if v.ref != nil {
						hits = append(hits, *v.ref)
					}
					break
				}
			}
			if matched && v.ref == nil {
				break
			}
		}
		return matched, hits
	case typeEnum:
		w := f.word(c)
		return w != "" && contains(cd.words, w), nil
	case typeNumber:
		x := f.num(c)
		if x == nil {
			return false, nil
		}
		return (cd.min == nil || *x >= *cd.min) && (cd.max == nil || *x <= *cd.max), nil
	case typeBool:
		b := f.flag(c)
		return b != nil && *b == cd.flag, nil
	case typeKernel:
		if c.k.Kernel == nil {
			return false, nil
		}
		v, ok := parseKernelRelease(*c.k.Kernel)
		if !ok {
			return false, nil
		}
		for _, b := range cd.kernel {
			if !b.holds(v) {
				return false, nil
			}
		}
		return true, nil
	}
	return false, nil
}

// sortRefs sorts by path then line and drops repeats; never nil.
func sortRefs(refs []report.Ref) []report.Ref {
	out := append([]report.Ref{}, refs...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Line < out[j].Line
	})
	n := 0
	for i, r := range out {
		if i > 0 && r == out[n-1] {
			continue
		}
		out[n] = r
		n++
	}
	return out[:n]
}
