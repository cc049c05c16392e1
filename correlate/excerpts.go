package correlate

import (
	"sort"

	"github.com/oomlens/oomlens/report"
)

// Excerpts: the cited lines with a little context, from the verbatim lines
// the parsers keep (report lines, swap listings, describe node, free).

const excerptContext = 2

// quoteIndex maps path → line → text for every line kept verbatim.
func (bd *builder) quoteIndex() map[string]map[int]string {
	if bd.quotes != nil {
		return bd.quotes
	}
	idx := map[string]map[int]string{}
	put := func(path string, line int, text string) {
		if path == "" || line <= 0 {
			return
		}
		m := idx[path]
		if m == nil {
			m = map[int]string{}
			idx[path] = m
		}
		if _, ok := m[line]; !ok {
			m[line] = text
		}
	}
	for _, lg := range bd.logs {
		for _, r := range lg.Reports {
			if r == nil {
				continue
			}
			for _, q := range r.Lines {
				put(q.Path, q.Line, q.Text)
			}
		}
		for _, q := range lg.Unknown {
			put(q.Path, q.Line, q.Text)
		}
	}
	for _, t := range bd.b.Swaps {
		if t != nil {
			for _, q := range t.Lines {
				put(q.Path, q.Line, q.Text)
			}
		}
	}
	for _, n := range bd.b.Nodes {
		if n != nil {
			for _, q := range n.Lines {
				put(q.Path, q.Line, q.Text)
			}
		}
	}
	for _, f := range bd.b.Free {
		if f != nil {
			for _, q := range f.Lines {
				put(q.Path, q.Line, q.Text)
			}
		}
	}
	// Events keep only their message; use it when no verbatim line exists.
	for _, lg := range bd.logs {
		for _, e := range lg.Events {
			put(e.Path, e.Line, e.Text)
		}
	}
	bd.quotes = idx
	return idx
}

func (bd *builder) quoteText(r report.Ref) string {
	if m := bd.quoteIndex()[r.Path]; m != nil {
		return m[r.Line]
	}
	return ""
}

// excerpts collects every cited ref of the report and quotes it with context.
func (bd *builder) excerpts(r *report.Report) []report.Excerpt {
	cited := map[report.Ref]bool{}
	mark := func(rs []report.Ref) {
		for _, x := range rs {
			cited[x] = true
		}
	}
	for _, k := range r.Kills {
		mark(k.Evidence)
		for _, f := range k.Findings {
			mark(f.Evidence)
		}
		if k.Pod != nil {
			mark(k.Pod.Evidence)
		}
	}
	for _, ro := range r.Reports {
		mark(ro.Evidence)
	}
	if r.Swap != nil {
		mark(r.Swap.Evidence)
	}
	for _, n := range r.Nodes {
		for _, e := range n.Events {
			if e.KillID != nil {
				cited[e.Evidence] = true
			}
		}
	}
	idx := bd.quoteIndex()
	byPath := map[string][]int{}
	var paths []string
	for ref := range cited {
		m := idx[ref.Path]
		if m == nil {
			continue
		}
		if _, ok := m[ref.Line]; !ok {
			continue
		}
		if _, ok := byPath[ref.Path]; !ok {
			paths = append(paths, ref.Path)
		}
		for l := ref.Line - excerptContext; l <= ref.Line+excerptContext; l++ {
			if _, ok := m[l]; ok {
				byPath[ref.Path] = append(byPath[ref.Path], l)
			}
		}
	}
	sort.Strings(paths)
	out := []report.Excerpt{}
	for _, p := range paths {
		lines := byPath[p]
		sort.Ints(lines)
		var cur *report.Excerpt
		last := -10
		for _, l := range lines {
			if l == last {
				continue
			}
			if cur == nil || l > last+1 {
				if cur != nil {
					out = append(out, *cur)
				}
				cur = &report.Excerpt{Path: p}
			}
			cur.Lines = append(cur.Lines, report.ExcerptLine{Line: l, Text: idx[p][l], Cited: cited[report.Ref{Path: p, Line: l}]})
			last = l
		}
		if cur != nil {
			out = append(out, *cur)
		}
	}
	return out
}
