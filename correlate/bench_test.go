package correlate

import (
	"fmt"
	"testing"
	"time"

	"github.com/oomlens/oomlens/parse"
)

// bigBundle has n kills, each printed in dmesg and in the journal.
func bigBundle(n int) *parse.Bundle {
	d := newLog(dmesgPath, "dmesg-raw")
	d.boot(1, ksStamp(0), "banner", "6.8.0-31-generic")
	j := newLog(journalPath, "journal-short-iso")
	j.boot(1, isoStamp("2024-04-01T00:00:00+0000"), "journal-marker", "")
	base := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		ks := 100 + float64(i)*30
		w := base.Add(time.Duration(ks * float64(time.Second)))
		pid := 1000 + i
		comm := fmt.Sprintf("worker-%d", i%7)
		dr := d.report(0)
		dr.trigger(10*i+1, ksStamp(ks), comm, "0xcc0(GFP_KERNEL)", 0).memcgV2(10*i+2, 524288, 524288, 0, 0).
			constraint(10*i+5, "CONSTRAINT_MEMCG", "/system.slice/w.service", "/system.slice/w.service", pid, comm).
			kill(10*i+6, ksStamp(ks), "Memory cgroup out of memory", pid, comm, 900000, 500000+int64(i))
		js := isoStamp(w.Format("2006-01-02T15:04:05-0700"))
		j.report(0).trigger(10*i+1, js, comm, "0xcc0(GFP_KERNEL)", 0).
			kill(10*i+6, js, "Memory cgroup out of memory", pid, comm, 900000, 500000+int64(i))
	}
	d.end(10*n+10, ksStamp(100+float64(n)*30))
	j.end(10*n+10, isoStamp(base.Add(time.Duration(100+n*30)*time.Second).Format("2006-01-02T15:04:05-0700")))
	capt := base.Add(time.Duration(200+n*30) * time.Second)
	return &parse.Bundle{KernelLogs: []*parse.KernelLog{d.KernelLog, j.KernelLog}, Host: parse.Host{CapturedAt: &capt, Location: time.UTC, UptimeSec: f64(float64(200 + n*30))}}
}

func TestBigBundleDedup(t *testing.T) {
	r := Build(bigBundle(300), Options{})
	if len(r.Kills) != 300 {
		t.Fatalf("kills %d", len(r.Kills))
	}
	for _, k := range r.Kills {
		if len(k.Sources) != 2 || k.Time.WallBasis != "printed" {
			t.Fatalf("%s sources %v basis %s", k.ID, k.Sources, k.Time.WallBasis)
		}
	}
}

func BenchmarkBuild1000Kills(b *testing.B) {
	bundle := bigBundle(1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Build(bundle, Options{})
	}
}
