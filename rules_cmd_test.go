package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/kong"

	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/rules"
)

// testEnv is an env with captured output and the given environment.
func testEnv(vars map[string]string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] },
		isTTY: func(io.Writer) bool { return false }}, &out, &errb
}

const userRule = `id: cc1plus-on-builders
title: cc1plus killed on a build node
severity: warning
when:
  victim: '^cc1plus$'
  kind: global
say: '{{.Victim.Name}} used {{kb .Victim.AnonRSSKB}}'
`

func writeFile(t *testing.T, path, data string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRulesList(t *testing.T) {
	dir := t.TempDir()
	user := writeFile(t, filepath.Join(dir, "cfg", "oomlens", "rules.d", "build.yaml"), userRule)
	writeFile(t, filepath.Join(dir, "cfg", "oomlens", "rules.d", "notes.txt"), "not a rule file")
	extra := writeFile(t, filepath.Join(dir, "extra.yaml"), strings.ReplaceAll(userRule, "cc1plus-on-builders", "extra-rule"))
	e, out, errb := testEnv(map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "cfg")})
	if err := (&rulesListCmd{RuleFiles: []string{extra}, Format: "json"}).Run(e); err != nil {
		t.Fatalf("list: %v\n%s", err, errb)
	}
	var got []ruleListEntry
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	builtin, _ := rules.Builtin()
	nb := len(builtin.Rules())
	if len(got) != nb+2 {
		t.Fatalf("%d rules listed, want %d built-in + 2", len(got), nb)
	}
	if got[0].Origin != "builtin:"+strings.TrimPrefix(builtin.Rules()[0].Origin, "builtin:") ||
		got[nb].ID != "cc1plus-on-builders" || got[nb].Origin != user ||
		got[nb+1].ID != "extra-rule" || got[nb+1].Origin != extra {
		t.Errorf("order/origins wrong: first %+v, user %+v, extra %+v", got[0], got[nb], got[nb+1])
	}

	out.Reset()
	if err := (&rulesListCmd{Format: "text"}).Run(e); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "ORIGIN") || len(lines) != nb+2 {
		t.Errorf("text list:\n%s", out)
	}
}

func TestRulesCheck(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, filepath.Join(dir, "good.yaml"), userRule)
	bad := writeFile(t, filepath.Join(dir, "bad.yaml"), strings.Replace(userRule, "kind: global", "knd: global", 1))
	dup := writeFile(t, filepath.Join(dir, "dup.yaml"), strings.ReplaceAll(userRule, "cc1plus-on-builders", "jvm-heap-over-limit"))

	e, out, errb := testEnv(nil)
	if err := (&rulesCheckCmd{Files: []string{good}}).Run(e); err != nil {
		t.Fatalf("check good: %v\n%s", err, errb)
	}
	if want := good + ": 1 rule OK\n"; out.String() != want {
		t.Errorf("check good printed %q, want %q", out, want)
	}

	e, _, errb = testEnv(nil)
	err := (&rulesCheckCmd{Files: []string{good, bad}}).Run(e)
	if _, ok := err.(inputError); !ok {
		t.Fatalf("check bad: err = %v, want an inputError", err)
	}
	if want := bad + `:6:3: unknown key "knd" in when (did you mean "kind"?)` + "\n"; errb.String() != want {
		t.Errorf("check bad stderr %q, want %q", errb, want)
	}

	e, _, errb = testEnv(nil)
	if err := (&rulesCheckCmd{Files: []string{dup}}).Run(e); err == nil {
		t.Fatal("check accepted an id that a built-in rule has")
	}
	if !strings.Contains(errb.String(), `duplicate rule id "jvm-heap-over-limit": already defined at builtin:jvm-heap.yaml:`) {
		t.Errorf("check dup stderr: %s", errb)
	}

	e, _, _ = testEnv(nil)
	if err := (&rulesCheckCmd{Files: []string{filepath.Join(dir, "missing.yaml")}}).Run(e); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("check missing file: %v", err)
	}

	// The built-in files themselves check clean.
	e, out, errb = testEnv(nil)
	if err := (&rulesCheckCmd{Files: []string{"rules/builtin"}}).Run(e); err != nil {
		t.Fatalf("check rules/builtin: %v\n%s", err, errb)
	}
	if n := strings.Count(out.String(), ": 1 rule OK\n"); n < 10 {
		t.Errorf("check rules/builtin: %d files OK:\n%s", n, out)
	}

	// A directory stands for its *.yaml files, sorted by name.
	sub := filepath.Join(dir, "team")
	writeFile(t, filepath.Join(sub, "b.yaml"), strings.ReplaceAll(userRule, "cc1plus-on-builders", "team-b"))
	writeFile(t, filepath.Join(sub, "a.yaml"), strings.ReplaceAll(userRule, "cc1plus-on-builders", "team-a"))
	e, out, errb = testEnv(nil)
	if err := (&rulesCheckCmd{Files: []string{sub}}).Run(e); err != nil {
		t.Fatalf("check dir: %v\n%s", err, errb)
	}
	if want := filepath.Join(sub, "a.yaml") + ": 1 rule OK\n" + filepath.Join(sub, "b.yaml") + ": 1 rule OK\n"; out.String() != want {
		t.Errorf("check dir printed %q, want %q", out, want)
	}
}

func TestWriteRuleTest(t *testing.T) {
	set, err := rules.Load(rules.Source{Path: "build.yaml", Data: []byte(userRule)})
	if err != nil {
		t.Fatal(err)
	}
	pid, anon, wall := 81234, int64(1884160), "2024-03-02T11:04:51Z"
	rep := &report.Report{Kills: []report.Kill{
		{ID: "k1", Kind: "global", Victim: report.Victim{Name: "cc1plus", Pid: &pid, AnonRSSKB: &anon},
			Time: report.KillTime{Wall: &wall}, Evidence: []report.Ref{{Path: "var/log/kern.log", Line: 912}}},
		{ID: "k2", Kind: "memcg", Victim: report.Victim{Name: "cc1plus"}},
	}}
	var out bytes.Buffer
	warns := writeRuleTest(&out, set, rep, "build.yaml", "builder-7/")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	want := `build.yaml against builder-7/: 2 kills
cc1plus-on-builders (warning): fires on 1 of 2 kills
  k1 cc1plus (pid 81234) at 2024-03-02T11:04:51Z: cc1plus used 1.8 GiB
     evidence: var/log/kern.log:912
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	res, _ := ruleTestResults(set, rep)
	js, _ := json.Marshal(res)
	if want := `[{"rule":"cc1plus-on-builders","severity":"warning","origin":"build.yaml","fires":[{"kill":"k1","summary":"cc1plus used 1.8 GiB","evidence":[{"path":"var/log/kern.log","line":912}]}]}]`; string(js) != want {
		t.Errorf("json:\n%s\nwant:\n%s", js, want)
	}
	out.Reset()
	writeRuleTest(&out, set, &report.Report{}, "build.yaml", "empty/")
	if want := "build.yaml against empty/: 0 kills\ncc1plus-on-builders (warning): no kills to test\n"; out.String() != want {
		t.Errorf("no kills: %q", out.String())
	}
}

func TestRuleSetBrokenUserFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "oomlens", "rules.d", "a.yaml"), "id: [x]\n")
	e, _, errb := testEnv(map[string]string{"XDG_CONFIG_HOME": dir})
	_, err := e.ruleSet(nil)
	if _, ok := err.(inputError); !ok {
		t.Fatalf("err = %v, want inputError", err)
	}
	if !strings.Contains(errb.String(), "a.yaml:1:5: id: want a string, got a list") {
		t.Errorf("stderr: %s", errb)
	}
}

func TestUserRulesDir(t *testing.T) {
	tests := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/cfg", "HOME": "/home/ann"}, "/cfg/oomlens/rules.d"},
		{map[string]string{"XDG_CONFIG_HOME": "rel", "HOME": "/home/ann"}, "/home/ann/.config/oomlens/rules.d"},
		{map[string]string{"HOME": "/home/ann"}, "/home/ann/.config/oomlens/rules.d"},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		if got := userRulesDir(func(k string) string { return tt.vars[k] }); got != tt.want {
			t.Errorf("userRulesDir(%v) = %q, want %q", tt.vars, got, tt.want)
		}
	}
}

// TestRulesKongWiring parses real command lines through kong with rulesCmd
// mounted as main.go will mount it, so the struct tags are checked too.
func TestRulesKongWiring(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, filepath.Join(dir, "mine.yaml"), userRule)
	for _, args := range [][]string{
		{"rules", "list"},
		{"rules", "list", "--rules", file, "-f", "json"},
		{"rules", "check", file},
	} {
		var c struct {
			Rules rulesCmd `cmd:""`
		}
		e, out, errb := testEnv(map[string]string{"HOME": dir})
		p, err := kong.New(&c, kong.Name("oomlens"), kong.Writers(e.stdout, e.stderr), kong.Exit(func(int) { t.Fatalf("%v: kong exited", args) }))
		if err != nil {
			t.Fatal(err)
		}
		ctx, err := p.Parse(args)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if err := ctx.Run(e); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb)
		}
		if out.Len() == 0 {
			t.Errorf("%v printed nothing", args)
		}
	}
}
