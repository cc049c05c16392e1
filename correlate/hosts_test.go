package correlate

import (
	"strings"
	"testing"

	"github.com/oomlens/oomlens/parse"
)

// TestMixedHosts: logs naming different machines get a coverage gap; the
// same host with and without its domain, or with early-boot "localhost"
// lines, does not; one log naming two hosts says so.
func TestMixedHosts(t *testing.T) {
	logOf := func(path string, hosts ...string) *parse.KernelLog {
		return &parse.KernelLog{Path: path, Format: "syslog", Lines: 1, Hosts: hosts}
	}
	cases := []struct {
		name string
		logs []*parse.KernelLog
		want []string // substrings of the gaps' messages, in order
	}{
		{"one host, two logs", []*parse.KernelLog{logOf("var/log/messages", "node-a"), logOf("journal", "node-a.example.com")}, nil},
		{"early boot localhost", []*parse.KernelLog{logOf("journal", "localhost", "node-a"), logOf("var/log/messages", "NODE-A")}, nil},
		{"dmesg names no host", []*parse.KernelLog{logOf("dmesg"), logOf("var/log/messages", "node-a")}, nil},
		{"two machines", []*parse.KernelLog{logOf("a/messages", "node-a"), logOf("b/messages", "node-b")},
			[]string{"a/messages is from node-a but b/messages is from node-b"}},
		{"one log, two names", []*parse.KernelLog{logOf("messages", "ip-10-0-3-47", "node-a")},
			[]string{"messages has lines from 2 host names (ip-10-0-3-47, node-a)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Build(&parse.Bundle{KernelLogs: c.logs}, Options{})
			var got []string
			for _, g := range r.Coverage {
				if g.Source == "hosts" || strings.Contains(g.Message, "host names") {
					got = append(got, g.Message)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("host gaps %q, want %d", got, len(c.want))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("gap %q does not say %q", got[i], w)
				}
			}
		})
	}
}
