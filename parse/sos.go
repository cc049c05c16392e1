package parse

// sosreport metadata and layout:
//
//	version.txt                 sosreport: 3.9          (sos ≤ 4.7)
//	                            sos report: 4.8.0       (sos ≥ 4.8)
//	sos_reports/manifest.json   {"version": "4.5.6", "components": {"report": {"plugins":
//	                              {"kernel": {"commands": [{"exec": "dmesg", "filepath":
//	                              "sos_commands/kernel/dmesg", "truncated": false,
//	                              "return_code": 0, …}]}}}}}
//
// Which file of a sosreport is which input kind is the layout table of
// input/sostree (sostree.Kind).

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"github.com/oomlens/oomlens/parse/facts"
)

// "sosreport: 3.9", "sos report: 4.8.0"
var sosVersionRE = regexp.MustCompile(`^(?:sosreport|sos report): *(?P<v>[0-9][0-9A-Za-z.+~-]*) *$`)

// parseSosVersion reads version.txt.
func parseSosVersion(data []byte, path string) (string, *Ref) {
	var v string
	var ref *Ref
	facts.ForLines(data, func(n int, line string) {
		if ref != nil {
			return
		}
		if m := sosVersionRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			v, ref = m[1], &Ref{Path: path, Line: n}
		}
	})
	return v, ref
}

// sosTimeout is a plugin or command sos gave up on.
type sosTimeout struct {
	Ref
	Plugin  string
	Command string // "" when the whole plugin timed out
}

// " Plugin kubernetes timed out"
// "[plugin:kubernetes] command 'kubectl get nodes' timed out after 300s"
var (
	sosPluginTimeoutRE = regexp.MustCompile(`Plugin (?P<plugin>[A-Za-z0-9_]+) timed out`)
	sosCmdTimeoutRE    = regexp.MustCompile(`\[plugin:(?P<plugin>[A-Za-z0-9_]+)\] command '(?P<cmd>[^']+)' timed out`)
)

// parseSosLog finds plugin and command timeouts in sos_logs/ui.log or
// sos.log.
func parseSosLog(data []byte, path string) []sosTimeout {
	var out []sosTimeout
	seen := map[string]bool{}
	facts.ForLines(data, func(n int, line string) {
		if !strings.Contains(line, "timed out") {
			return
		}
		var t sosTimeout
		if m := sosCmdTimeoutRE.FindStringSubmatch(line); m != nil {
			t = sosTimeout{Ref: Ref{Path: path, Line: n}, Plugin: m[1], Command: m[2]}
		} else if m := sosPluginTimeoutRE.FindStringSubmatch(line); m != nil {
			t = sosTimeout{Ref: Ref{Path: path, Line: n}, Plugin: m[1]}
		} else {
			return
		}
		if k := t.Plugin + "\x00" + t.Command; !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	})
	return out
}

// manifestCmd is one command of sos_reports/manifest.json.
type manifestCmd struct {
	Exec       string
	Truncated  bool
	ReturnCode *int
}

// parseSosManifest reads sos_reports/manifest.json: the sos version and,
// per collected file path, the command's truncated flag and return code.
func parseSosManifest(data []byte) (version string, cmds map[string]manifestCmd, err error) {
	var root any
	if err := json.Unmarshal(data, &root); err != nil {
		return "", nil, err
	}
	cmds = map[string]manifestCmd{}
	if m, ok := root.(map[string]any); ok {
		if v, ok := m["version"].(string); ok {
			version = v
		}
	}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 12 {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			if fp, ok := x["filepath"].(string); ok && fp != "" {
				c := manifestCmd{}
				c.Exec, _ = x["exec"].(string)
				c.Truncated, _ = x["truncated"].(bool)
				if rc, ok := x["return_code"].(float64); ok {
					r := int(rc)
					c.ReturnCode = &r
				}
				cmds[strings.TrimPrefix(fp, "/")] = c
			}
			for _, k := range manifestKeys(x) {
				walk(x[k], depth+1)
			}
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	walk(root, 0)
	return version, cmds, nil
}

func manifestKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
