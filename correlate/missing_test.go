package correlate

import (
	"testing"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/report"
)

// Two dmesg files with no clock basis and no kill in common: nothing shows
// they are one boot, so neither is said to lack the other's kill. Once a
// kill is printed in both, the same boot is shown and a second kill missing
// from one of them is reported.
func TestMissingFromNeedsTheSameBootShown(t *testing.T) {
	build := func(shared bool) *report.Report {
		a := newLog("a/dmesg", "dmesg-raw")
		a.boot(1, ksStamp(0), "banner", "5.15.0-91-generic")
		a.report(0).trigger(100, ksStamp(611.2), "make", "0x100cca(GFP_HIGHUSER_MOVABLE)", 0).
			kill(140, ksStamp(611.3), "Out of memory", 1877, "cc1plus", 1800000, 1700000)
		b := newLog("b/dmesg", "dmesg-raw")
		b.boot(1, ksStamp(0), "banner", "5.15.0-91-generic")
		if shared {
			a.report(1).trigger(200, ksStamp(700.1), "make", "0x100cca(GFP_HIGHUSER_MOVABLE)", 0).
				kill(240, ksStamp(700.2), "Out of memory", 1999, "ld", 900000, 800000)
			b.report(0).trigger(50, ksStamp(700.1), "make", "0x100cca(GFP_HIGHUSER_MOVABLE)", 0).
				kill(90, ksStamp(700.2), "Out of memory", 1999, "ld", 900000, 800000)
		}
		a.end(300, ksStamp(900))
		b.end(400, ksStamp(5212))
		return Build(&parse.Bundle{KernelLogs: []*parse.KernelLog{a.KernelLog, b.KernelLog}}, Options{})
	}
	r := build(false)
	if k := findKill(t, r, "k1"); len(k.Missing) != 0 {
		t.Errorf("unrelated logs: missing_from %v, want none", k.Missing)
	}
	r = build(true)
	k := findKill(t, r, "k1")
	if k.Victim.Name != "cc1plus" || len(k.Missing) != 1 || k.Missing[0] != "b/dmesg" {
		t.Errorf("logs sharing a kill: %s missing_from %v, want [b/dmesg]", k.Victim.Name, k.Missing)
	}
}
