package rules

// This file reads rule files strictly, walking yaml.v3 nodes so that every
// problem carries its line and column. A rule file looks like:
//
//	# java killed at its container limit
//	id: jvm-heap-over-limit
//	title: JVM heap sized past the container limit
//	severity: warning
//	when:
//	  victim: '^java$'
//	  kind: memcg
//	  victim_rss_pct: {min: 75}
//	say: '{{.Victim.Name}} used {{kb .Victim.AnonRSSKB}} of {{kb .Memcg.LimitKB}}.'
//	advice: Size the heap below the limit.
//	links: [https://example.org/jvm]

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	"github.com/dlclark/regexp2"
	"gopkg.in/yaml.v3"
)

// ruleKeys are the keys of a rule, in documentation order.
var ruleKeys = []string{"id", "title", "severity", "when", "say", "advice", "links"}

// severities are the allowed severity words, mildest first.
var severities = []string{"info", "warning", "critical"}

// idRE is what a rule id may look like, e.g. "jvm-heap-over-limit".
var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// yamlErrRE reads yaml.v3's syntax errors, e.g.
// "yaml: line 3: mapping values are not allowed in this context".
var yamlErrRE = regexp.MustCompile(`^yaml: line ([0-9]+): ([^\n]+)$`)

// sizeRE reads a size bound, e.g. "1.5GiB", "512 MiB", "800kB", "2G".
var sizeRE = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?) ?([kKMGTP]?)(?:i?[bB])?$`)

// fileParser collects the rules and errors of one file.
type fileParser struct {
	path   string
	origin string
	rules  []*Rule
	errs   ErrorList
}

func (p *fileParser) errorf(n *yaml.Node, format string, args ...any) {
	pos := Pos{File: p.path}
	if n != nil {
		pos.Line, pos.Column = n.Line, n.Column
	}
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// LoadFile reads one rule file. path names the file in errors; origin is
// recorded on each rule (and on its findings) and defaults to path. Every
// problem in the file is returned as an ErrorList.
func LoadFile(path string, data []byte, origin string) ([]*Rule, error) {
	if origin == "" {
		origin = path
	}
	p := &fileParser{path: path, origin: origin}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.yamlError(err)
			break
		}
		p.document(&doc)
	}
	if len(p.errs) == 0 && len(p.rules) == 0 {
		p.errs = append(p.errs, &Error{Pos: Pos{File: path}, Msg: "no rules in file"})
	}
	seen := map[string]*Rule{}
	for _, r := range p.rules {
		if prev, dup := seen[r.ID]; dup {
			p.errs = append(p.errs, &Error{Pos: r.Pos, Msg: fmt.Sprintf("duplicate rule id %q: already defined at %s", r.ID, prev.Pos)})
		}
		seen[r.ID] = r
	}
	if len(p.errs) > 0 {
		p.errs.sort()
		return nil, p.errs
	}
	return p.rules, nil
}

func (p *fileParser) yamlError(err error) {
	msg := err.Error()
	if m := yamlErrRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.errs = append(p.errs, &Error{Pos: Pos{File: p.path, Line: line}, Msg: "invalid YAML: " + m[2]})
		return
	}
	p.errs = append(p.errs, &Error{Pos: Pos{File: p.path}, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")})
}

// document reads one YAML document: a rule, or a sequence of rules.
func (p *fileParser) document(doc *yaml.Node) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return
	}
	n := deref(doc.Content[0])
	switch n.Kind {
	case yaml.MappingNode:
		p.rule(n)
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c = deref(c); c.Kind != yaml.MappingNode {
				p.errorf(c, "a rule must be a mapping (id, title, …), got %s", describe(c))
				continue
			}
			p.rule(c)
		}
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return // an empty document between ---
		}
		fallthrough
	default:
		p.errorf(n, "a rule file holds rules (mappings with id, title, …), got %s", describe(n))
	}
}

// pairs returns a mapping's key/value pairs, reporting non-string and
// duplicate keys.
func (p *fileParser) pairs(n *yaml.Node, where string) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s: keys must be plain words, got %s", where, describe(k))
			continue
		}
		if prev, dup := seen[k.Value]; dup {
			p.errorf(k, "duplicate key %q in %s (first at line %d)", k.Value, where, prev.Line)
			continue
		}
		seen[k.Value] = k
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out
}

func (p *fileParser) rule(n *yaml.Node) {
	r := &Rule{Origin: p.origin, Pos: Pos{File: p.path, Line: n.Line, Column: n.Column}}
	nerr := len(p.errs)
	var sayN, adviceN, whenN *yaml.Node
	var sayText, adviceText string
	have := map[string]bool{}
	for _, kv := range p.pairs(n, "rule") {
		k, v := kv[0], kv[1]
		have[k.Value] = true
		switch k.Value {
		case "id":
			if s, ok := p.str(v, "id"); ok {
				if !idRE.MatchString(s) {
					p.errorf(v, "id %q: use lower-case letters, digits, '.', '_' and '-' (at most 64)", s)
				}
				r.ID = s
				r.Pos = Pos{File: p.path, Line: v.Line, Column: v.Column}
			}
		case "title":
			if s, ok := p.str(v, "title"); ok {
				switch {
				case strings.TrimSpace(s) == "":
					p.errorf(v, "title must not be empty")
				case strings.ContainsAny(s, "\n"):
					p.errorf(v, "title must be one line")
				}
				r.Title = s
			}
		case "severity":
			if s, ok := p.str(v, "severity"); ok {
				if !contains(severities, s) {
					p.errorf(v, "severity %q: want one of %s", s, strings.Join(severities, ", "))
				}
				r.Severity = s
			}
		case "when":
			whenN = v
		case "say":
			if text, ok := p.str(v, "say"); ok {
				if strings.TrimSpace(text) == "" {
					p.errorf(v, "say must not be empty")
				} else {
					sayText, sayN = text, v
				}
			}
		case "advice":
			adviceText, _ = p.str(v, "advice")
			adviceN = v
		case "links":
			r.Links = p.links(v)
		default:
			p.errorf(k, "unknown key %q in rule%s (want one of: %s)", k.Value, suggest(k.Value, ruleKeys), strings.Join(ruleKeys, ", "))
		}
	}
	var missing []string
	for _, req := range []string{"id", "title", "severity", "when", "say"} {
		if !have[req] {
			missing = append(missing, req)
		}
	}
	if len(missing) > 0 {
		p.errorf(n, "rule%s is missing %s", idSuffix(r.ID), strings.Join(missing, ", "))
	}
	if whenN != nil {
		r.conds = p.when(whenN)
	}
	if sayN != nil {
		r.say = p.template(sayN, "say", sayText)
	}
	if adviceN != nil && adviceText != "" {
		r.advice = p.template(adviceN, "advice", adviceText)
	}
	if len(p.errs) == nerr {
		p.rules = append(p.rules, r)
	}
}

func idSuffix(id string) string {
	if id == "" {
		return ""
	}
	return " " + strconv.Quote(id)
}

// str reads a string scalar; other scalars must be quoted to be strings.
func (p *fileParser) str(v *yaml.Node, key string) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
		hint := ""
		if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
			hint = " (quote it)"
		}
		p.errorf(v, "%s: want a string, got %s%s", key, describe(v), hint)
		return "", false
	}
	return v.Value, true
}

func (p *fileParser) links(v *yaml.Node) []string {
	var nodes []*yaml.Node
	switch v.Kind {
	case yaml.SequenceNode:
		nodes = v.Content
	case yaml.ScalarNode:
		nodes = []*yaml.Node{v}
	default:
		p.errorf(v, "links: want a URL or a list of URLs, got %s", describe(v))
		return nil
	}
	var out []string
	for _, n := range nodes {
		n = deref(n)
		s, ok := p.str(n, "links")
		if !ok {
			continue
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.errorf(n, "links: %q is not an absolute http(s) URL", s)
			continue
		}
		out = append(out, s)
	}
	return out
}

// when reads the conditions mapping.
func (p *fileParser) when(n *yaml.Node) []cond {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "when: want a mapping of conditions, got %s", describe(n))
		return nil
	}
	var out []cond
	for _, kv := range p.pairs(n, "when") {
		k, v := kv[0], kv[1]
		f := factIndex[k.Value]
		if f == nil {
			p.errorf(k, "unknown key %q in when%s", k.Value, suggest(k.Value, factNames))
			continue
		}
		c := cond{f: f, pos: Pos{File: p.path, Line: v.Line, Column: v.Column}}
		ok := false
		switch f.typ {
		case typePattern:
			c.patterns, ok = p.patterns(v, f.name)
		case typeEnum:
			c.words, ok = p.words(v, f)
		case typeNumber:
			c.min, c.max, ok = p.bounds(v, f)
		case typeBool:
			if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
				c.flag, ok = v.Value == "true" || v.Value == "True" || v.Value == "TRUE", true
			} else {
				p.errorf(v, "%s: want true or false, got %s", f.name, describe(v))
			}
		case typeKernel:
			if s, sok := p.str(v, f.name); sok {
				var err error
				if c.kernel, err = parseKernelRange(s); err != nil {
					p.errorf(v, "kernel: %v", err)
				} else {
					ok = true
				}
			}
		}
		if ok {
			out = append(out, c)
		}
	}
	if len(out) == 0 && len(n.Content) == 0 {
		p.errorf(n, "when: needs at least one condition")
	}
	return out
}

// scalars returns the node itself or a sequence's items: "x" or [x, y].
func (p *fileParser) scalars(v *yaml.Node, key string) ([]*yaml.Node, bool) {
	switch v.Kind {
	case yaml.ScalarNode:
		return []*yaml.Node{v}, true
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			p.errorf(v, "%s: empty list", key)
			return nil, false
		}
		out := make([]*yaml.Node, len(v.Content))
		for i, c := range v.Content {
			out[i] = deref(c)
		}
		return out, true
	}
	p.errorf(v, "%s: want a string or a list of strings, got %s", key, describe(v))
	return nil, false
}

func (p *fileParser) patterns(v *yaml.Node, key string) ([]*pattern, bool) {
	nodes, ok := p.scalars(v, key)
	if !ok {
		return nil, false
	}
	var out []*pattern
	for _, n := range nodes {
		s, sok := p.str(n, key)
		if !sok {
			ok = false
			continue
		}
		if s == "" {
			p.errorf(n, "%s: empty pattern", key)
			ok = false
			continue
		}
		re, err := regexp2.Compile(s, regexp2.None)
		if err != nil {
			p.errorf(n, "%s: bad pattern: %s", key, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			ok = false
			continue
		}
		re.MatchTimeout = MatchTimeout
		out = append(out, &pattern{src: s, re: re, pos: Pos{File: p.path, Line: n.Line, Column: n.Column}})
	}
	return out, ok
}

func (p *fileParser) words(v *yaml.Node, f *fact) ([]string, bool) {
	nodes, ok := p.scalars(v, f.name)
	if !ok {
		return nil, false
	}
	var out []string
	for _, n := range nodes {
		s, sok := p.str(n, f.name)
		if !sok {
			ok = false
			continue
		}
		w := s
		if f.name == "qos" {
			w = strings.ToLower(s)
		}
		if !contains(f.enum, w) {
			p.errorf(n, "%s: %q is not one of %s", f.name, s, strings.Join(f.enum, ", "))
			ok = false
			continue
		}
		out = append(out, w)
	}
	return out, ok
}

// bounds reads {min: N, max: N}; sizes like "1.5GiB" are allowed for kB facts.
func (p *fileParser) bounds(v *yaml.Node, f *fact) (lo, hi *float64, ok bool) {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, "%s: want bounds like {min: N, max: N}, got %s", f.name, describe(v))
		return nil, nil, false
	}
	ok = true
	for _, kv := range p.pairs(v, f.name) {
		k, n := kv[0], kv[1]
		if k.Value != "min" && k.Value != "max" {
			p.errorf(k, "unknown key %q in %s (want min or max)", k.Value, f.name)
			ok = false
			continue
		}
		x, err := number(n, f.size)
		if err != nil {
			p.errorf(n, "%s.%s: %v", f.name, k.Value, err)
			ok = false
			continue
		}
		if k.Value == "min" {
			lo = &x
		} else {
			hi = &x
		}
	}
	if ok && lo == nil && hi == nil {
		p.errorf(v, "%s: give min, max or both", f.name)
		ok = false
	}
	if ok && lo != nil && hi != nil && *lo > *hi {
		p.errorf(v, "%s: min %s is above max %s", f.name, fmtNum(*lo), fmtNum(*hi))
		ok = false
	}
	return lo, hi, ok
}

// number reads a bound: an integer or decimal, or for kB facts a size.
func number(n *yaml.Node, size bool) (float64, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, fmt.Errorf("want a number, got %s", describe(n))
	}
	switch n.Tag {
	case "!!int", "!!float":
		x, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			if i, ierr := strconv.ParseInt(n.Value, 0, 64); ierr == nil {
				return float64(i), nil
			}
			return 0, fmt.Errorf("%q is not a number", n.Value)
		}
		return x, nil
	case "!!str":
		if !size {
			return 0, fmt.Errorf("want a number, got %q", n.Value)
		}
		m := sizeRE.FindStringSubmatch(strings.TrimSpace(n.Value))
		if m == nil {
			return 0, fmt.Errorf("%q is not a size (write kB as a number, or e.g. 512MiB, 1.5GiB)", n.Value)
		}
		x, _ := strconv.ParseFloat(m[1], 64)
		mult := map[string]float64{"": 1, "k": 1, "K": 1, "M": 1 << 10, "G": 1 << 20, "T": 1 << 30, "P": 1 << 40}[m[2]]
		return x * mult, nil
	}
	return 0, fmt.Errorf("want a number, got %s", describe(n))
}

// template parses a say/advice template and runs it on empty and on fully
// populated data, so that a misspelt field fails here rather than on a kill.
func (p *fileParser) template(n *yaml.Node, key, text string) *template.Template {
	t, err := template.New(key).Funcs(funcs).Option("missingkey=error").Parse(text)
	if err == nil {
		for _, d := range []*Data{{}, sampleData()} {
			if err = t.Execute(io.Discard, d); err != nil {
				break
			}
		}
	}
	if err != nil {
		p.errorf(n, "%s: %s", key, strings.TrimPrefix(err.Error(), "template: "))
		return nil
	}
	return t
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// describe names a node's shape for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		case "!!str":
			return strconv.Quote(n.Value)
		}
		return n.Tag + " " + strconv.Quote(n.Value)
	}
	return "an unexpected node"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// suggest returns ` (did you mean "x"?)` for the closest known key: one
// that starts with s (or that s starts with), else one within two edits;
// "" when none is close.
func suggest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		d := editDistance(s, k)
		if strings.HasPrefix(k, s) || strings.HasPrefix(s, k) {
			d -= 10 // a prefix beats any spelling slip
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
