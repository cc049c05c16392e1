package correlate

import (
	"strings"
	"testing"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/parse"
)

func TestFixYears(t *testing.T) {
	cases := []struct {
		name    string
		capture time.Time
		stamps  []string // in file order
		want    []int
	}{
		{"same year", time.Date(2024, 6, 10, 9, 0, 0, 0, time.UTC), []string{"May  2 10:00:00", "Jun  9 23:00:00"}, []int{2024, 2024}},
		{"across new year", time.Date(2025, 1, 2, 8, 0, 0, 0, time.UTC), []string{"Dec 30 09:00:00", "Dec 31 23:59:59", "Jan  1 00:00:01"}, []int{2024, 2024, 2025}},
		{"newest line after capture date", time.Date(2024, 6, 10, 9, 0, 0, 0, time.UTC), []string{"Jul  1 10:00:00"}, []int{2023}},
		{"two year boundaries", time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC), []string{"Nov  1 00:00:00", "Feb  1 00:00:00", "Jan  3 00:00:00"}, []int{2023, 2024, 2025}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLog(messagesPath, "syslog")
			l.boot(1, syslogStamp(c.stamps[0]), "first", "")
			for i, s := range c.stamps {
				l.event(10+i, 0, syslogStamp(s), "hung-task", "task blocked")
			}
			capt := c.capture
			clk := clock.New(&parse.Bundle{Host: parse.Host{CapturedAt: &capt, Location: time.UTC}}, []*parse.KernelLog{l.KernelLog})
			for i := range c.stamps {
				e := &l.Events[i]
				w, inferred := clk.Wall(l.Path, e.Line, &e.Stamp)
				if w == nil || w.Year() != c.want[i] || !inferred {
					t.Errorf("%s: got %v (inferred %v), want year %d", c.stamps[i], w, inferred, c.want[i])
				}
			}
		})
	}
}

// oneKill is a dmesg-like log with one kill at kernel second ks.
func oneKill(path, format string, st parse.Stamp) *parse.KernelLog {
	l := newLog(path, format)
	l.boot(1, ksStamp(0.0), "banner", "5.15.0-91-generic")
	l.report(0).kill(900, st, "Out of memory", 3100, "python3", 8123400, 7900100)
	l.end(1000, st)
	return l.KernelLog
}

func TestKillClockBasis(t *testing.T) {
	capt := time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC)
	btime := time.Date(2024, 3, 31, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		bundle    func() *parse.Bundle
		wantWall  string // "" = null
		wantBasis string
		wantConf  string
	}{
		{"btime", func() *parse.Bundle {
			return &parse.Bundle{KernelLogs: []*parse.KernelLog{oneKill(dmesgPath, "dmesg-raw", ksStamp(3600.25))},
				Host: parse.Host{CapturedAt: &capt, Btime: &btime, UptimeSec: f64(86000), Location: time.UTC}}
		}, "2024-03-31T13:00:00Z", "btime", "medium"},
		{"uptime and date", func() *parse.Bundle {
			return &parse.Bundle{KernelLogs: []*parse.KernelLog{oneKill(dmesgPath, "dmesg-raw", ksStamp(3600))},
				Host: parse.Host{CapturedAt: &capt, UptimeSec: f64(7200), Location: time.UTC}}
		}, "2024-04-01T11:00:00Z", "uptime+date", "medium"},
		{"no basis", func() *parse.Bundle {
			return &parse.Bundle{KernelLogs: []*parse.KernelLog{oneKill(dmesgPath, "dmesg-raw", ksStamp(3600))}}
		}, "", "none", "none"},
		{"dmesg from a crash kernel is not the running boot", func() *parse.Bundle {
			return &parse.Bundle{KernelLogs: []*parse.KernelLog{oneKill("var/crash/127.0.0.1-2024-03-30/vmcore-dmesg.txt", "dmesg-raw", ksStamp(3600))},
				Host: parse.Host{CapturedAt: &capt, Btime: &btime, Location: time.UTC}}
		}, "", "none", "none"},
		{"printed by syslog", func() *parse.Bundle {
			return &parse.Bundle{KernelLogs: []*parse.KernelLog{oneKill(messagesPath, "syslog", both(ksStamp(3600), syslogStamp("Mar 31 13:00:05")))},
				Host: parse.Host{CapturedAt: &capt, Location: time.UTC}}
		}, "2024-03-31T13:00:05Z", "printed", "medium"},
		{"calibrated from lines that print both clocks", func() *parse.Bundle {
			l := newLog(messagesPath, "syslog")
			l.boot(1, ksStamp(0), "banner", "5.15.0-91-generic")
			l.clock(10, 0, both(ksStamp(100), syslogStamp("Mar 31 12:01:40")))
			l.clock(11, 0, both(ksStamp(200), syslogStamp("Mar 31 12:03:20")))
			l.report(0).kill(900, ksStamp(3600), "Out of memory", 3100, "python3", 8123400, 7900100) // the kill line lost its syslog prefix
			l.end(1000, both(ksStamp(4000), syslogStamp("Mar 31 13:06:40")))
			return &parse.Bundle{KernelLogs: []*parse.KernelLog{l.KernelLog}, Host: parse.Host{CapturedAt: &capt, Location: time.UTC}}
		}, "2024-03-31T13:00:00Z", "calibrated", "medium"},
		{"calibrated by the same kill in the journal", func() *parse.Bundle {
			d := newLog(dmesgPath, "dmesg-raw")
			d.boot(1, ksStamp(0.5), "banner", "5.15.0-91-generic")
			d.report(0).kill(900, ksStamp(3600), "Out of memory", 3100, "python3", 8123400, 7900100)
			d.report(0).kill(950, ksStamp(3700), "Out of memory", 3200, "python3", 8123400, 7900200)
			d.end(1000, ksStamp(4000))
			j := newLog(journalPath, "journal-short-iso")
			j.boot(1, isoStamp("2024-03-31T12:00:00+0000"), "journal-marker", "")
			j.report(0).kill(50, isoStamp("2024-03-31T13:00:07+0000"), "Out of memory", 3100, "python3", 8123400, 7900100)
			j.end(60, isoStamp("2024-03-31T14:00:00+0000"))
			// Only the first kill is in the journal; the second is dated by calibration.
			return &parse.Bundle{KernelLogs: []*parse.KernelLog{d.KernelLog, j.KernelLog}, Host: parse.Host{Location: time.UTC}}
		}, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Build(c.bundle(), Options{})
			if c.name == "calibrated by the same kill in the journal" {
				if len(r.Kills) != 2 {
					t.Fatalf("kills %d", len(r.Kills))
				}
				k1, k2 := r.Kills[0], r.Kills[1]
				if *k1.Time.Wall != "2024-03-31T13:00:07Z" || k1.Time.WallBasis != "printed" {
					t.Errorf("k1 %+v", k1.Time)
				}
				if k2.Time.Wall == nil || *k2.Time.Wall != "2024-03-31T13:01:47Z" || k2.Time.WallBasis != "calibrated" || k2.Time.Confidence != "high" {
					t.Errorf("k2 %+v %v", k2.Time, deref(k2.Time.Wall))
				}
				return
			}
			if len(r.Kills) != 1 {
				t.Fatalf("kills %d", len(r.Kills))
			}
			k := r.Kills[0].Time
			if deref(k.Wall) != c.wantWall || k.WallBasis != c.wantBasis || k.Confidence != c.wantConf {
				t.Errorf("got %q %s %s, want %q %s %s", deref(k.Wall), k.WallBasis, k.Confidence, c.wantWall, c.wantBasis, c.wantConf)
			}
		})
	}
}

func TestHostBootTimesOnePerBoot(t *testing.T) {
	m := newLog(messagesPath, "syslog")
	m.boot(1, both(ksStamp(0), syslogStamp("Mar 30 08:00:00")), "banner", "5.15.0-91-generic")
	m.clock(1, 0, both(ksStamp(0), syslogStamp("Mar 30 08:00:00")))
	m.boot(400, both(ksStamp(0), syslogStamp("Mar 31 09:30:00")), "banner", "5.15.0-94-generic")
	m.clock(400, 1, both(ksStamp(0), syslogStamp("Mar 31 09:30:00")))
	m.end(900, syslogStamp("Apr  1 11:59:00"))
	d := newLog(dmesgPath, "dmesg-raw")
	d.boot(1, ksStamp(0), "banner", "5.15.0-94-generic")
	d.end(500, ksStamp(95000))
	capt := time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC)
	r := Build(&parse.Bundle{KernelLogs: []*parse.KernelLog{d.KernelLog, m.KernelLog}, Host: parse.Host{CapturedAt: &capt, UptimeSec: f64(95401), Location: time.UTC}}, Options{})
	want := []string{"2024-03-30T08:00:00Z", "2024-03-31T09:30:00Z"}
	if len(r.Host.BootTimes) != 2 || r.Host.BootTimes[0] != want[0] || r.Host.BootTimes[1] != want[1] {
		t.Errorf("boot times %v, want %v (the dmesg boot is the second messages boot)", r.Host.BootTimes, want)
	}
}

func TestBadnessDisagreementNamesImpliedSwap(t *testing.T) {
	b := foundingBundle()
	b.KernelLogs[0].Reports[0].MemInfo.TotalSwapKB = i64(3067900)
	r := Build(b, Options{})
	f := mustFinding(t, r.Kills[0], "badness-implies-total")
	mustContain(t, "badness", f.Detail, "does not agree", "the score implies about 947 MiB of swap, not 2.9 GiB", "Confidence: medium")
}

// A laptop suspended for hours in the middle of a boot: kernel seconds stop
// while suspended, so each stamp is mapped with the nearest measurement before it.
func TestClockAcrossSuspend(t *testing.T) {
	m := newLog(messagesPath, "syslog")
	m.boot(1, both(ksStamp(0.5), syslogStamp("Apr  1 08:00:00")), "banner", "6.5.0-21-generic")
	m.clock(1, 0, both(ksStamp(0.5), syslogStamp("Apr  1 08:00:00")))
	m.clock(50, 0, both(ksStamp(100), syslogStamp("Apr  1 08:01:40")))
	m.clock(90, 0, both(ksStamp(5000), syslogStamp("Apr  1 12:00:00"))) // resumed after 2h36m40s
	m.end(100, both(ksStamp(7000), syslogStamp("Apr  1 12:33:20")))
	d := newLog(dmesgPath, "dmesg-raw")
	d.boot(1, ksStamp(0.5), "banner", "6.5.0-21-generic")
	d.report(0).kill(10, ksStamp(200), "Out of memory", 501, "tracker-miner-f", 900000, 800000)
	d.report(0).kill(20, ksStamp(6000), "Out of memory", 777, "chrome", 5000000, 3000000)
	d.end(30, ksStamp(7000))
	capt := time.Date(2024, 4, 1, 12, 34, 0, 0, time.UTC)
	r := Build(&parse.Bundle{KernelLogs: []*parse.KernelLog{d.KernelLog, m.KernelLog}, Host: parse.Host{CapturedAt: &capt, Location: time.UTC,
		Btime: func() *time.Time { t := time.Date(2024, 4, 1, 8, 0, 0, 0, time.UTC); return &t }()}}, Options{})
	if len(r.Kills) != 2 {
		t.Fatalf("kills %d", len(r.Kills))
	}
	if w := deref(r.Kills[0].Time.Wall); w != "2024-04-01T08:03:20Z" {
		t.Errorf("before the suspend: %s", w)
	}
	if w := deref(r.Kills[1].Time.Wall); w != "2024-04-01T12:16:40Z" || r.Kills[1].Time.WallBasis != "calibrated" {
		t.Errorf("after the suspend: %s %s (btime would say 09:40:00)", w, r.Kills[1].Time.WallBasis)
	}
}

// TestWallWithoutZone: when the bundle names no time zone and the logs
// print node-local clocks, the offset is unknown: wall is null (a "Z"
// would be a guess) and wall_local carries the local time; the timeline
// and boot times follow. A known zone keeps RFC 3339 times.
func TestWallWithoutZone(t *testing.T) {
	capt := time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC) // `date --utc`: an instant, no zone
	bundle := func(loc *time.Location) *parse.Bundle {
		return &parse.Bundle{KernelLogs: []*parse.KernelLog{oneKill(messagesPath, "syslog", both(ksStamp(3600), syslogStamp("Mar 31 13:00:05")))},
			Host: parse.Host{CapturedAt: &capt, Location: loc}}
	}
	r := Build(bundle(nil), Options{})
	if len(r.Kills) != 1 {
		t.Fatalf("kills %d", len(r.Kills))
	}
	k := r.Kills[0].Time
	if k.Wall != nil || deref(k.WallLocal) != "2024-03-31T13:00:05" {
		t.Errorf("no zone: wall %q, wall_local %q; want null and the local time", deref(k.Wall), deref(k.WallLocal))
	}
	for _, row := range r.Timeline {
		if row.Time != nil {
			t.Errorf("no zone: timeline row %s has an RFC 3339 time %s", row.Kind, *row.Time)
		}
	}
	if len(r.Host.BootTimes) != 0 {
		t.Errorf("no zone: boot_times %v", r.Host.BootTimes)
	}

	cst := time.FixedZone("CST", 8*3600)
	r = Build(bundle(cst), Options{})
	k = r.Kills[0].Time
	if k.WallLocal != nil || !strings.HasSuffix(deref(k.Wall), "-03-31T13:00:05+08:00") {
		t.Errorf("zone known: wall %q, wall_local %q; want an RFC 3339 time and null", deref(k.Wall), deref(k.WallLocal))
	}
}
