// The differential test of the kernel-log parser: over many seeds and the
// three line styles, the kills kernel.Parse finds must be exactly the
// kills genlog wrote.
package genlog_test

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/oomlens/oomlens/internal/genlog"
	"github.com/oomlens/oomlens/parse/kernel"
)

type kill struct {
	Line int
	Pid  int
	Comm string
}

func TestKernelLogFromFindsEveryKill(t *testing.T) {
	for _, style := range []string{"raw", "T", "syslog"} {
		for seed := uint64(1); seed <= 40; seed++ {
			t.Run(fmt.Sprintf("%s/%d", style, seed), func(t *testing.T) {
				var buf bytes.Buffer
				exp, err := genlog.Generate(&buf, genlog.Options{Size: 96 << 10, Style: style, Seed: seed, OOMs: 1 + int(seed%4), CutTail: seed%3 == 0})
				if err != nil {
					t.Fatal(err)
				}
				kl, err := kernel.Parse(bytes.NewReader(buf.Bytes()), "var/log/kern.log")
				if err != nil {
					t.Fatal(err)
				}
				var want, got []kill
				for _, k := range exp.Kills {
					want = append(want, kill{k.Line, k.Pid, k.Comm})
				}
				var noKill []int
				for _, r := range kl.Reports {
					if len(r.Kills) == 0 {
						noKill = append(noKill, r.Start.Line)
					}
					for _, k := range r.Kills {
						got = append(got, kill{k.Line, k.Pid, k.Comm})
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("kills found:\n%v\nwritten:\n%v", got, want)
				}
				var wantNoKill []int
				if exp.CutReport > 0 {
					wantNoKill = []int{exp.CutReport}
				}
				if !slices.Equal(noKill, wantNoKill) {
					t.Errorf("reports without a kill start at lines %v, want %v", noKill, wantNoKill)
				}
				if kl.Lines != exp.Lines {
					t.Errorf("Lines = %d, want %d", kl.Lines, exp.Lines)
				}
			})
		}
	}
}
