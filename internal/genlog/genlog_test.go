package genlog

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestExpected checks the returned kills against the text itself: every
// kill sits on its line, and no other line is a kill line.
func TestExpected(t *testing.T) {
	for _, style := range []string{"raw", "T", "syslog"} {
		for seed := uint64(1); seed <= 5; seed++ {
			t.Run(fmt.Sprintf("%s/%d", style, seed), func(t *testing.T) {
				var buf bytes.Buffer
				exp, err := Generate(&buf, Options{Size: 256 << 10, Style: style, Seed: seed, OOMs: 3, CutTail: seed%2 == 0})
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
				if len(lines) != exp.Lines || int64(buf.Len()) != exp.Bytes || exp.Bytes < 256<<10 {
					t.Fatalf("lines %d bytes %d; expected says %d, %d", len(lines), buf.Len(), exp.Lines, exp.Bytes)
				}
				if len(exp.Kills) != 3 {
					t.Fatalf("%d kills, want 3", len(exp.Kills))
				}
				byLine := map[int]Kill{}
				for _, k := range exp.Kills {
					byLine[k.Line] = k
				}
				kills, invoked := 0, 0
				for i, l := range lines {
					if strings.Contains(l, "invoked oom-killer") {
						invoked++
					}
					if !strings.Contains(l, "Killed process") {
						continue
					}
					kills++
					k, ok := byLine[i+1]
					if !ok {
						t.Errorf("line %d is a kill line the expectation lacks: %s", i+1, l)
						continue
					}
					want := fmt.Sprintf("Killed process %d (%s) total-vm:%dkB, anon-rss:%dkB,", k.Pid, k.Comm, k.TotalVMKB, k.AnonRSSKB)
					if !strings.Contains(l, want) || !strings.Contains(l, k.Uptime) && style != "T" {
						t.Errorf("line %d = %q, want %q at %s", i+1, l, want, k.Uptime)
					}
				}
				wantInvoked := 3
				if exp.CutReport > 0 {
					wantInvoked = 4
					if !strings.Contains(lines[exp.CutReport-1], "invoked oom-killer") {
						t.Errorf("cut report line %d = %q", exp.CutReport, lines[exp.CutReport-1])
					}
				}
				if kills != 3 || invoked != wantInvoked {
					t.Errorf("%d kill lines, %d invoked lines; want 3, %d", kills, invoked, wantInvoked)
				}
			})
		}
	}
}

func TestDeterministic(t *testing.T) {
	gen := func(seed uint64) []byte {
		var b bytes.Buffer
		if _, err := Generate(&b, Options{Size: 64 << 10, Style: "syslog", Seed: seed, OOMs: 2, MemcgFrac: 0.01}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b, c := gen(7), gen(7), gen(8)
	if !bytes.Equal(a, b) {
		t.Error("same seed, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds, same bytes")
	}
	if !strings.Contains(string(a), "#012") {
		t.Error("syslog style joins multi-line messages with #012")
	}
}

func TestShapes(t *testing.T) {
	var raw, ts bytes.Buffer
	Generate(&raw, Options{Size: 512 << 10, Style: "raw", Seed: 3, OOMs: 4, MemcgFrac: 0.01})
	Generate(&ts, Options{Size: 64 << 10, Style: "T", Seed: 3})
	first, _, _ := strings.Cut(raw.String(), "\n")
	if !strings.HasPrefix(first, "[") || !strings.Contains(first[:16], ".") {
		t.Errorf("raw line %q", first)
	}
	if !strings.Contains(raw.String(), "\n                 active_file:") && !strings.Contains(raw.String(), "  active_file:") {
		t.Error("dmesg style indents the continuation lines of Mem-Info")
	}
	tl, _, _ := strings.Cut(ts.String(), "\n")
	if len(tl) < 27 || tl[0] != '[' || tl[25] != ']' {
		t.Errorf("T line %q", tl)
	}
	if utf8.Valid(raw.Bytes()) {
		t.Error("no invalid UTF-8 (a USB string descriptor) in 512 KiB")
	}
	if _, err := Generate(&raw, Options{Style: "json"}); err == nil {
		t.Error("unknown style accepted")
	}
}
