package render

import (
	"bytes"
	"testing"

	"github.com/oomlens/oomlens/correlate"
)

func TestHumanKB(t *testing.T) {
	for _, c := range []struct {
		kb   int64
		want string
	}{
		{0, "0 kB"}, {96, "96 kB"}, {188, "0.2 MiB"}, {1024, "1 MiB"}, {156652, "153 MiB"},
		{969932, "947 MiB"}, {1743412, "1.7 GiB"}, {2097152, "2 GiB"}, {3066072, "2.9 GiB"},
		{1 << 30, "1 TiB"}, {-2048, "-2 MiB"},
	} {
		if got := humanKB(c.kb); got != c.want {
			t.Errorf("humanKB(%d) = %q, want %q", c.kb, got, c.want)
		}
	}
}

func TestShortRefs(t *testing.T) {
	refs := []correlate.Ref{
		{Path: "sos_commands/kernel/dmesg", Line: 1841}, {Path: "sos_commands/kernel/dmesg", Line: 1790},
		{Path: "sos_commands/kernel/dmesg", Line: 1791}, {Path: "swapon", Line: 3}, {Path: "sos_commands/kernel/dmesg", Line: 1790},
		{Path: "swapon", Line: 2},
	}
	if got, want := shortRefs(refs), "dmesg:1790-1791,1841 swapon:2-3"; got != want {
		t.Errorf("shortRefs = %q, want %q", got, want)
	}
}

func TestVisible(t *testing.T) {
	for in, want := range map[string]string{
		"plain":           "plain",
		"\x1b[31mred":     `\x1b[31mred`,
		"a\tb":            "a b",
		"bell\x07\r":      `bell\x07\x0d`,
		"bad\xffutf8":     `bad\xffutf8`,
		"rtl\u202eevil":   `rtl\u202eevil`,
		"c1\u009bcsi":     `c1\u009bcsi`,
		"中文 ok":           "中文 ok",
		"caf\u00e9 naïve": "café naïve",
	} {
		if got := visible(in); got != want {
			t.Errorf("visible(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestZeroReport renders a nil and a zero Report in every format: bad
// input never panics.
func TestZeroReport(t *testing.T) {
	for _, rep := range []*correlate.Report{nil, {}} {
		for _, f := range formats {
			var b bytes.Buffer
			if err := f.render(&b, rep); err != nil {
				t.Errorf("%s: %v", f.name, err)
			}
			if b.Len() == 0 {
				t.Errorf("%s: no output", f.name)
			}
		}
	}
}
