package rules

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestLoadErrors loads each broken file of testdata/errors.txtar and
// compares the error text with its golden NAME.err section.
func TestLoadErrors(t *testing.T) {
	const file = "testdata/errors.txtar"
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range ar.Files {
		name, ok := strings.CutSuffix(f.Name, ".yaml")
		if !ok {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			rs, err := LoadFile(f.Name, f.Data, "")
			if err == nil {
				t.Fatalf("LoadFile accepted a broken file (%d rules)", len(rs))
			}
			if _, ok := err.(ErrorList); !ok {
				t.Fatalf("error is %T, want ErrorList", err)
			}
			checkGolden(t, file, ar, name+".err", err.Error()+"\n")
		})
	}
	if n < 10 {
		t.Fatalf("only %d cases in %s", n, file)
	}
}

const goodRule = `# a user's rule
id: jvm-heap-over-limit
title: Mine
severity: info
when: {victim: '^java$'}
say: mine
`

func TestLoadDuplicateAcrossSources(t *testing.T) {
	srcs := append(BuiltinSources(), Source{Path: "/home/ann/.config/oomlens/rules.d/java.yaml", Data: []byte(goodRule)})
	_, err := Load(srcs...)
	if err == nil {
		t.Fatal("Load accepted an id defined twice")
	}
	want := `/home/ann/.config/oomlens/rules.d/java.yaml:2:5: duplicate rule id "jvm-heap-over-limit": already defined at builtin:jvm-heap.yaml:`
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q\nwant prefix %q", err, want)
	}
}

func TestLoadGood(t *testing.T) {
	data := `
- id: a-rule
  title: A
  severity: critical
  when:
    kernel: '>= 4.15, <5'
    anon_rss_kb: {min: 1.5GiB, max: 3000000}
    victim_rss_pct: {min: 75.5}
    qos: [Burstable, besteffort]
    manual: false
  say: '{{.Victim.Name}} {{kb .Victim.AnonRSSKB}}'
  links: https://example.org/a
- id: b-rule
  title: B
  severity: info
  when: {evidence_line: '(?<=kernel: )Killed process'}
  say: b
`
	rs, err := LoadFile("mine.yaml", []byte(data), "origin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].ID != "a-rule" || rs[1].ID != "b-rule" {
		t.Fatalf("rules = %v", rs)
	}
	a := rs[0]
	if a.Origin != "origin.yaml" || a.Pos.String() != "mine.yaml:2:7" || a.Severity != "critical" || len(a.Links) != 1 {
		t.Errorf("rule a = %+v", a)
	}
	for _, c := range a.conds {
		if c.f.name == "anon_rss_kb" && (*c.min != 1.5*1024*1024 || *c.max != 3000000) {
			t.Errorf("anon_rss_kb bounds = %v..%v", *c.min, *c.max)
		}
		if c.f.name == "qos" && strings.Join(c.words, ",") != "burstable,besteffort" {
			t.Errorf("qos words = %v", c.words)
		}
	}
	if len(a.conds) != 5 {
		t.Errorf("%d conditions, want 5", len(a.conds))
	}
}
