package correlate

import (
	"strings"
	"testing"
	"time"

	"github.com/oomlens/oomlens/parse"
)

func TestDedup(t *testing.T) {
	capt := time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC)
	host := parse.Host{CapturedAt: &capt, UptimeSec: f64(10000), Location: time.UTC}
	cases := []struct {
		name        string
		logs        func() []*parse.KernelLog
		wantKills   int
		wantSources []string // of k1
		wantReports int
	}{
		{"one kill in dmesg, journal and messages", func() []*parse.KernelLog {
			d := newLog(dmesgPath, "dmesg-raw")
			d.boot(1, ksStamp(0), "banner", "6.8.0-31-generic")
			d.report(0).kill(700, ksStamp(5000.1), "Out of memory", 812, "mysqld", 9000000, 8000000)
			d.end(800, ksStamp(9990))
			j := newLog(journalPath, "journal-short-iso")
			j.boot(1, isoStamp("2024-04-01T09:13:20+0000"), "journal-marker", "")
			j.report(0).kill(70, isoStamp("2024-04-01T10:36:40+0000"), "Out of memory", 812, "mysqld", 9000000, 8000000)
			j.end(90, isoStamp("2024-04-01T11:59:00+0000"))
			m := newLog(messagesPath, "syslog")
			m.boot(1, syslogStamp("Apr  1 09:13:20"), "first", "")
			m.report(0).kill(40, both(ksStamp(5000.1), syslogStamp("Apr  1 10:36:40")), "Out of memory", 812, "mysqld", 9000000, 8000000)
			m.end(50, syslogStamp("Apr  1 11:59:00"))
			return []*parse.KernelLog{d.KernelLog, j.KernelLog, m.KernelLog}
		}, 1, []string{dmesgPath, journalPath, messagesPath}, 0},
		{"pid reused with different memory is two kills", func() []*parse.KernelLog {
			d := newLog(dmesgPath, "dmesg-raw")
			d.boot(1, ksStamp(0), "banner", "6.8.0-31-generic")
			d.report(0).kill(700, ksStamp(5000.1), "Out of memory", 812, "mysqld", 9000000, 8000000)
			d.end(800, ksStamp(9990))
			j := newLog(journalPath, "journal-short-iso")
			j.boot(1, isoStamp("2024-03-20T09:00:00+0000"), "journal-marker", "")
			j.report(0).kill(70, isoStamp("2024-03-20T10:00:00+0000"), "Out of memory", 812, "mysqld", 9100000, 8100000)
			j.end(90, isoStamp("2024-03-20T11:00:00+0000"))
			return []*parse.KernelLog{d.KernelLog, j.KernelLog}
		}, 2, []string{journalPath}, 0},
		{"same pid and memory but kernel seconds apart is two kills", func() []*parse.KernelLog {
			d := newLog(dmesgPath, "dmesg-raw")
			d.boot(1, ksStamp(0), "banner", "6.8.0-31-generic")
			d.report(0).kill(700, ksStamp(5000.1), "Out of memory", 812, "mysqld", 9000000, 8000000)
			d.end(800, ksStamp(9990))
			k := newLog("var/log/kern.log", "syslog")
			k.boot(1, syslogStamp("Apr  1 09:13:20"), "first", "")
			k.report(0).kill(40, ksStamp(6000.4), "Out of memory", 812, "mysqld", 9000000, 8000000)
			k.end(50, syslogStamp("Apr  1 11:59:00"))
			return []*parse.KernelLog{d.KernelLog, k.KernelLog}
		}, 2, []string{dmesgPath}, 0},
		{"memory.oom.group: one report, three kills", func() []*parse.KernelLog {
			d := newLog(dmesgPath, "dmesg-raw")
			d.boot(1, ksStamp(0), "banner", "6.8.0-31-generic")
			r := d.report(0)
			st := ksStamp(4200.5)
			r.trigger(600, st, "gunicorn", "0xcc0(GFP_KERNEL)", 0).memcgV2(630, 1048576, 1048576, 0, 0)
			r.r.OOMGroup = &parse.Quote{Ref: r.q(650, "Tasks in /kubepods/burstable/podx/abc are going to be killed due to memory.oom.group set"), Text: "Tasks in … memory.oom.group set"}
			r.kill(651, st, "Memory cgroup out of memory", 2001, "gunicorn", 300000, 280000).
				kill(652, st, "Memory cgroup out of memory", 2002, "gunicorn", 310000, 290000).
				kill(653, st, "Memory cgroup out of memory", 2003, "gunicorn", 305000, 285000)
			d.end(800, ksStamp(9990))
			return []*parse.KernelLog{d.KernelLog}
		}, 3, []string{dmesgPath}, 0},
		{"old kill lines without memory figures match by kernel seconds", func() []*parse.KernelLog {
			mk := func(path, format string, st parse.Stamp) *parse.KernelLog {
				l := newLog(path, format)
				l.boot(1, ksStamp(0), "banner", "2.6.32-431.el6.x86_64")
				r := l.report(0)
				ref := r.q(300, "Killed process 4321 (java)")
				r.r.Kills = append(r.r.Kills, parse.KillLine{Ref: ref, Stamp: st, Pid: 4321, Comm: "java", Form: "K2"})
				l.end(400, st)
				return l.KernelLog
			}
			return []*parse.KernelLog{mk(dmesgPath, "dmesg-raw", ksStamp(812.25)), mk(messagesPath, "syslog", both(ksStamp(812.25), syslogStamp("Apr  1 09:30:00")))}
		}, 1, []string{dmesgPath, messagesPath}, 0},
		{"reports without a kill merge too", func() []*parse.KernelLog {
			mk := func(path, format string, st parse.Stamp) *parse.KernelLog {
				l := newLog(path, format)
				l.boot(1, ksStamp(0), "banner", "5.4.0-150-generic")
				l.report(0).trigger(100, st, "kworker/u8:2", "0x0()", 0)
				l.Reports[0].Cut, l.Reports[0].CutWhy = true, "no kill line before the next report"
				l.end(400, st)
				return l.KernelLog
			}
			return []*parse.KernelLog{mk(dmesgPath, "dmesg-raw", ksStamp(77.5)), mk(messagesPath, "syslog", both(ksStamp(77.5), syslogStamp("Apr  1 09:30:00")))}
		}, 0, nil, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Build(&parse.Bundle{KernelLogs: c.logs(), Host: host}, Options{})
			if len(r.Kills) != c.wantKills {
				t.Fatalf("kills %d, want %d", len(r.Kills), c.wantKills)
			}
			if len(r.Reports) != c.wantReports {
				t.Errorf("reports without kill %d, want %d", len(r.Reports), c.wantReports)
			}
			if c.wantKills > 0 && strings.Join(r.Kills[0].Sources, ",") != strings.Join(c.wantSources, ",") {
				t.Errorf("k1 sources %v, want %v", r.Kills[0].Sources, c.wantSources)
			}
			if c.wantReports > 0 && len(r.Reports[0].Evidence) != 2 {
				t.Errorf("merged report evidence %v", r.Reports[0].Evidence)
			}
			checkInvariants(t, r)
		})
	}
}

func TestDedupKeepsAllEvidenceAndNamesMissingSources(t *testing.T) {
	d := newLog(dmesgPath, "dmesg-raw")
	d.boot(1, ksStamp(0), "banner", "6.8.0-31-generic")
	d.report(0).kill(700, ksStamp(5000.1), "Out of memory", 812, "mysqld", 9000000, 8000000)
	d.report(0).kill(720, ksStamp(5100.7), "Out of memory", 990, "php-fpm", 800000, 700000)
	d.end(800, ksStamp(9990))
	m := newLog(messagesPath, "syslog")
	m.boot(1, both(ksStamp(0), syslogStamp("Apr  1 09:13:20")), "banner", "6.8.0-31-generic")
	m.clock(1, 0, both(ksStamp(0), syslogStamp("Apr  1 09:13:20")))
	m.report(0).kill(40, both(ksStamp(5000.1), syslogStamp("Apr  1 10:36:40")), "Out of memory", 812, "mysqld", 9000000, 8000000)
	m.end(50, both(ksStamp(9990), syslogStamp("Apr  1 11:59:50")))
	capt := time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC)
	r := Build(&parse.Bundle{KernelLogs: []*parse.KernelLog{d.KernelLog, m.KernelLog}, Host: parse.Host{CapturedAt: &capt, UptimeSec: f64(10000), Location: time.UTC}}, Options{})
	if len(r.Kills) != 2 {
		t.Fatalf("kills %d", len(r.Kills))
	}
	k1, k2 := r.Kills[0], r.Kills[1]
	if !hasRef(k1.Evidence, dmesgPath, 700) || !hasRef(k1.Evidence, messagesPath, 40) || len(k1.Missing) != 0 {
		t.Errorf("k1 evidence %v missing %v", k1.Evidence, k1.Missing)
	}
	if strings.Join(k2.Missing, ",") != messagesPath {
		t.Errorf("k2 is in dmesg only; messages covers its time: missing %v", k2.Missing)
	}
	if k2.Time.WallBasis != "calibrated" {
		t.Errorf("k2 should be dated by messages' clock points: %+v", k2.Time)
	}
}

func TestUnitJournalIsNotMissingKernelKills(t *testing.T) {
	d := newLog(dmesgPath, "dmesg-raw")
	d.boot(1, ksStamp(0), "banner", "6.8.0-31-generic")
	d.report(0).kill(700, ksStamp(5000.1), "Out of memory", 812, "mysqld", 9000000, 8000000)
	d.end(800, ksStamp(9990))
	u := newLog("sos_commands/kubernetes/journalctl_--no-pager_--unit_kubelet", "journal-short-iso")
	u.boot(1, isoStamp("2024-04-01T09:13:30+0000"), "journal-marker", "")
	u.event(2, 0, isoStamp("2024-04-01T09:13:40+0000"), "kubelet-start", "Started kubelet.service - kubelet: The Kubernetes Node Agent.")
	u.end(900, isoStamp("2024-04-01T11:59:00+0000"))
	capt := time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC)
	r := Build(&parse.Bundle{KernelLogs: []*parse.KernelLog{d.KernelLog, u.KernelLog}, Host: parse.Host{CapturedAt: &capt, UptimeSec: f64(10000), Location: time.UTC}}, Options{})
	if len(r.Kills) != 1 || len(r.Kills[0].Missing) != 0 {
		t.Fatalf("kills %d, missing %v", len(r.Kills), r.Kills[0].Missing)
	}
}
