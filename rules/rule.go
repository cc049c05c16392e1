package rules

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/dlclark/regexp2"
)

// MatchTimeout bounds every pattern match; a match that runs longer counts
// as no match and is reported as a Warning.
const MatchTimeout = 100 * time.Millisecond

// Rule is one known-issue signature loaded from a rule file.
type Rule struct {
	ID       string   // unique across all loaded sources
	Title    string   // one line, for `oomlens rules list`
	Severity string   // info | warning | critical
	Links    []string // absolute http(s) URLs
	Origin   string   // "builtin:jvm-heap.yaml" or the user's path; becomes Finding.Origin
	Pos      Pos      // where the rule's id is written

	conds  []cond
	say    *template.Template
	advice *template.Template // nil when the rule has no advice
}

// Pos is a place in a rule file (line and column count from 1; 0 = unknown).
type Pos struct {
	File   string
	Line   int
	Column int
}

// String formats the position as "file:line:column", leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Column == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Error is one problem in a rule file, printed as "file:line:column: msg".
type Error struct {
	Pos Pos
	Msg string
}

// Error formats the problem as "file:line:column: msg".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every problem found while loading rules, in file order; it
// prints one problem per line.
type ErrorList []*Error

// Error prints one problem per line.
func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// Source is one rule file to load.
type Source struct {
	Path   string // used in error messages: "rules.d/java.yaml"
	Origin string // recorded on each rule and its findings; Path when empty
	Data   []byte
}

// Set is an ordered collection of rules with unique ids.
type Set struct {
	rules []*Rule
}

// Rules returns the rules in load order: sources in the order given, rules
// in file order.
func (s *Set) Rules() []*Rule {
	if s == nil {
		return nil
	}
	return append([]*Rule(nil), s.rules...)
}

// Load reads every source and returns one Set. All problems in all sources
// are returned together as an ErrorList, including an id defined twice
// (the error names both places).
func Load(sources ...Source) (*Set, error) {
	var errs ErrorList
	set := &Set{}
	seen := map[string]*Rule{}
	for _, src := range sources {
		rs, err := LoadFile(src.Path, src.Data, src.Origin)
		if err != nil {
			if l, ok := err.(ErrorList); ok {
				errs = append(errs, l...)
			} else {
				errs = append(errs, &Error{Pos: Pos{File: src.Path}, Msg: err.Error()})
			}
			continue
		}
		for _, r := range rs {
			if prev, dup := seen[r.ID]; dup {
				errs = append(errs, &Error{Pos: r.Pos, Msg: fmt.Sprintf("duplicate rule id %q: already defined at %s", r.ID, prev.Pos)})
				continue
			}
			seen[r.ID] = r
			set.rules = append(set.rules, r)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return set, nil
}

//go:embed builtin/*.yaml
var builtinFS embed.FS

// BuiltinSources returns the starter knowledge base embedded in the binary,
// one Source per file, sorted by name; each is named "builtin:<file>".
func BuiltinSources() []Source {
	ents, err := fs.ReadDir(builtinFS, "builtin")
	if err != nil {
		panic("rules: embedded builtin directory missing: " + err.Error())
	}
	var out []Source
	for _, e := range ents {
		data, err := builtinFS.ReadFile(path.Join("builtin", e.Name()))
		if err != nil {
			panic("rules: embedded file unreadable: " + err.Error())
		}
		name := "builtin:" + e.Name()
		out = append(out, Source{Path: name, Origin: name, Data: data})
	}
	return out
}

var builtinOnce = sync.OnceValues(func() (*Set, error) { return Load(BuiltinSources()...) })

// Builtin returns the embedded starter rules. The set is loaded once and
// shared: do not modify it.
func Builtin() (*Set, error) { return builtinOnce() }

// cond is one compiled `when` condition.
type cond struct {
	f        *fact
	pos      Pos
	patterns []*pattern // typePattern: any may match
	words    []string   // typeEnum: any may equal
	min, max *float64   // typeNumber: inclusive bounds
	flag     bool       // typeBool
	kernel   []kernelBound
}

// pattern is one compiled regexp2 pattern and where it is written.
type pattern struct {
	src string
	re  *regexp2.Regexp
	pos Pos
}
