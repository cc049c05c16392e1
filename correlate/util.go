package correlate

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// This file holds small helpers shared by the correlate files: pointers,
// refs, sizes in words, and durations in words.

func ptr[T any](v T) *T { return &v }

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toRef(r parse.Ref) report.Ref { return report.Ref{Path: r.Path, Line: r.Line} }

// sortRefs sorts and de-duplicates refs by path then line.
func sortRefs(rs []report.Ref) []report.Ref {
	if rs == nil {
		return []report.Ref{}
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Path != rs[j].Path {
			return rs[i].Path < rs[j].Path
		}
		return rs[i].Line < rs[j].Line
	})
	out := rs[:0]
	for i, r := range rs {
		if i > 0 && r == rs[i-1] {
			continue
		}
		out = append(out, r)
	}
	return out
}

// cite renders refs as "(dmesg:1838,1841; swapon:2)" for prose: the base name
// of each path and its lines, ranges collapsed.
func cite(rs ...report.Ref) string {
	rs = sortRefs(append([]report.Ref(nil), rs...))
	if len(rs) == 0 {
		return ""
	}
	var parts []string
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j].Path == rs[i].Path {
			j++
		}
		var lines []string
		for k := i; k < j; {
			m := k
			for m+1 < j && rs[m+1].Line == rs[m].Line+1 {
				m++
			}
			if m > k {
				lines = append(lines, fmt.Sprintf("%d-%d", rs[k].Line, rs[m].Line))
			} else {
				lines = append(lines, strconv.Itoa(rs[k].Line))
			}
			k = m + 1
		}
		parts = append(parts, shortPath(rs[i].Path)+":"+strings.Join(lines, ","))
		i = j
	}
	return "(" + strings.Join(parts, "; ") + ")"
}

// shortPath is the last element of a bundle path, used in prose citations.
func shortPath(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 && i < len(p)-1 {
		return p[i+1:]
	}
	return p
}

// maxUnfit caps the page-count warnings of one kill (a task table of
// 500,000 bad rows must not make 500,000 warnings).
const maxUnfit = 100

// pagesKB is n pages of the kill's page size in kB, through units.ToKB:
// nil when n is negative or its kB do not fit in an int64, with a warning
// on line r (listed with that input at the end of Build) — never a wrapped
// or negative size.
func (kc *killCtx) pagesKB(n int64, what string, r parse.Ref) *int64 {
	if kb := kc.pagesToKB(n); kb != nil {
		return kb
	}
	msg := fmt.Sprintf("%s: %d pages of %d kB do not fit in kB: left unknown", what, n, kc.pageKB)
	if n < 0 {
		msg = fmt.Sprintf("%s: %d is not a page count: left unknown", what, n)
	}
	switch {
	case len(kc.unfit) < maxUnfit:
		kc.unfit = append(kc.unfit, parse.Warning{Ref: r, Message: msg})
	case len(kc.unfit) == maxUnfit:
		kc.unfit = append(kc.unfit, parse.Warning{Ref: r, Message: fmt.Sprintf("more than %d page counts that do not fit in kB: the rest are not listed", maxUnfit)})
	}
	return nil
}

// pagesToKB is pagesKB for a derived page count (no line printed it): nil,
// without a warning, when it does not fit.
func (kc *killCtx) pagesToKB(n int64) *int64 {
	kb, ok := units.ToKB(n, kc.pageKB, 1, units.Nearest)
	if !ok {
		return nil
	}
	return &kb
}

// sumKB adds sizes in kB; nil when one is unknown or the sum does not fit
// in an int64.
func sumKB(vs ...*int64) *int64 {
	var sum int64
	for _, v := range vs {
		if v == nil {
			return nil
		}
		s, ok := units.AddKB(sum, *v)
		if !ok {
			return nil
		}
		sum = s
	}
	return &sum
}

// sizeKB is a parsed size in kB, nil when unknown.
func sizeKB(s *parse.Size) *int64 {
	if s == nil {
		return nil
	}
	return ptr(s.KB)
}

// errKB is the half-width of a parsed size's rounding interval, 0 when the
// size is exact or unknown.
func errKB(s *parse.Size) int64 {
	if s == nil {
		return 0
	}
	return s.ErrKB
}

// pct is a/b as a whole percentage string.
func pct(a, b int64) string {
	if b <= 0 {
		return "?"
	}
	p := float64(a) * 100 / float64(b)
	if p > 0 && p < 1 {
		return fmt.Sprintf("%.1f%%", p)
	}
	return fmt.Sprintf("%.0f%%", math.Floor(p+0.5))
}

// words renders a duration roughly like kubectl: "5m46s", "47m", "2h27m", "2d3h".
func words(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	s := int64(d / time.Second)
	switch {
	case s < 120:
		return fmt.Sprintf("%ds", s)
	case s < 600:
		if s%60 == 0 {
			return fmt.Sprintf("%dm", s/60)
		}
		return fmt.Sprintf("%dm%ds", s/60, s%60)
	case s < 3600:
		return fmt.Sprintf("%dm", s/60)
	case s < 48*3600:
		h, m := s/3600, (s%3600)/60
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	default:
		d, h := s/86400, (s%86400)/3600
		if h == 0 {
			return fmt.Sprintf("%dd", d)
		}
		return fmt.Sprintf("%dd%dh", d, h)
	}
}

func rfc3339(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.RFC3339)
	return &s
}

func kvGet(kvs []parse.KV, key string) (int64, *parse.Ref, bool) {
	for i := range kvs {
		if kvs[i].Key == key {
			r := kvs[i].Ref
			return kvs[i].Value, &r, true
		}
	}
	return 0, nil, false
}

// Uncite removes the citations cite writes from text — " (dmesg:539-540,813;
// swapon:1-3)" — and returns the lines they cite (by the file's base name,
// as cite writes them).
func Uncite(text string) (string, []report.Ref) {
	var refs []report.Ref
	var b strings.Builder
	last := 0
	for i := strings.IndexByte(text, '('); i >= 0 && i < len(text); {
		end := citationEnd(text, i)
		if end < 0 {
			next := strings.IndexByte(text[i+1:], '(')
			if next < 0 {
				break
			}
			i += 1 + next
			continue
		}
		refs = appendCited(refs, text[i+1:end-1])
		if last == 0 {
			b.Grow(len(text))
		}
		start := i
		if i > last && text[i-1] == ' ' {
			start = i - 1
		}
		b.WriteString(text[last:start])
		last = end
		next := strings.IndexByte(text[end:], '(')
		if next < 0 {
			break
		}
		i = end + next
	}
	if last > 0 {
		b.WriteString(text[last:])
		text = b.String()
	}
	text = strings.Replace(text, " .", ".", -1)
	return strings.TrimSpace(text), refs
}

// citationEnd is the index after the ")" of the citation list that opens
// at s[i] == '(' — "name:1-3,7; other:2" in parentheses, a name holding no
// space, parenthesis, ';' or ':' — or -1 when none does.
func citationEnd(s string, i int) int {
	j := i + 1
	for {
		k := j
		for k < len(s) && !citeNameStop(s[k]) {
			k++
		}
		if k == j || k+1 >= len(s) || s[k] != ':' || s[k+1] < '0' || s[k+1] > '9' {
			return -1
		}
		k += 2
		for k < len(s) && (s[k] >= '0' && s[k] <= '9' || s[k] == ',' || s[k] == '-') {
			k++
		}
		switch {
		case k < len(s) && s[k] == ')':
			return k + 1
		case k+1 < len(s) && s[k] == ';' && s[k+1] == ' ':
			j = k + 2
		default:
			return -1
		}
	}
}

func citeNameStop(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\f', '\r', '(', ')', ';', ':':
		return true
	}
	return false
}

// appendCited appends the lines of one citation list ("dmesg:539-540,813;
// swapon:1-3") to refs; a range over 10000 lines or backwards is skipped.
func appendCited(refs []report.Ref, list string) []report.Ref {
	for _, part := range strings.Split(list, "; ") {
		i := strings.LastIndexByte(part, ':')
		name := part[:i]
		for _, r := range strings.Split(part[i+1:], ",") {
			a, b, _ := strings.Cut(r, "-")
			lo, err1 := strconv.Atoi(a)
			hi, err2 := strconv.Atoi(b)
			if err2 != nil {
				hi, err2 = lo, nil
			}
			if err1 != nil || hi < lo || hi-lo > 10000 {
				continue
			}
			for l := lo; l <= hi; l++ {
				refs = append(refs, report.Ref{Path: name, Line: l})
			}
		}
	}
	return refs
}
