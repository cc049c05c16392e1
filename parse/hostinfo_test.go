package parse

import (
	"strconv"
	"testing"
	"time"
)

func TestParseWallClock(t *testing.T) {
	tests := []struct {
		in   string
		want string // Y-M-D h:m:s abbr offset
		ok   bool
	}{
		{"Sun Oct 20 15:13:03 CST 2019", "2019-10-20 15:13:03 CST", true},
		{"Sun Oct 20 07:13:03 UTC 2019", "2019-10-20 07:13:03 UTC", true},
		{"Sun 20 Oct 2019 03:13:03 PM CST", "2019-10-20 15:13:03 CST", true},
		{"Sun Oct 20 12:05:00 AM UTC 2019", "2019-10-20 00:05:00 UTC", true},
		{"Sun 20 Oct 15:13:03 CST 2019", "2019-10-20 15:13:03 CST", true},
		{"Sun, 20 Oct 2019 15:13:03 +0800", "2019-10-20 15:13:03 +28800", true},
		{"2019-10-20 15:13:03+08:00", "2019-10-20 15:13:03 +28800", true},
		{"2019-10-20T07:13:03Z", "2019-10-20 07:13:03 UTC", true},
		{"Sun 2019-10-20 15:13:03 CST", "2019-10-20 15:13:03 CST", true},
		{"2019年 10月 20日 星期日 15:13:03 CST", "2019-10-20 15:13:03 CST", true},
		{"Thu 2024-03-14 09:00:00 -05", "2024-03-14 09:00:00 -18000", true},
		{"Sun Oct 20 15:13:03 CST", "", false}, // no year
		{"hello", "", false},
	}
	for _, tc := range tests {
		w, ok := parseWallClock(tc.in)
		if ok != tc.ok {
			t.Errorf("parseWallClock(%q) ok = %v", tc.in, ok)
			continue
		}
		if !ok {
			continue
		}
		got := w.at(time.UTC).Format("2006-01-02 15:04:05") + " "
		if w.Offset != nil {
			got += formatOffset(*w.Offset)
		} else {
			got += w.Abbr
		}
		if got != tc.want {
			t.Errorf("parseWallClock(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func formatOffset(s int) string {
	if s >= 0 {
		return "+" + strconv.Itoa(s)
	}
	return strconv.Itoa(s)
}

func TestSniffDate(t *testing.T) {
	for in, want := range map[string]string{
		"Sun Oct 20 15:13:03 CST 2019\n":                                    "date",
		"2019年 10月 20日 星期日 15:13:03 CST\n":                                  "date",
		"Sun, 20 Oct 2019 15:13:03 +0800\n":                                 "date",
		"2019-10-20T15:07:17+08:00 node1 kernel: Out of memory: Killed\n":   "",
		"Oct 20 15:07:17 node1 kernel: Out of memory: Kill process 23143\n": "",
	} {
		if got, _ := sniffOwn("x", []byte(in)); got != want {
			t.Errorf("sniffOwn(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolveWall(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	w, _ := parseWallClock("Sun Oct 20 15:13:03 CST 2019")
	if got := resolveWall(w, sh, "CST", ptr(8*3600)); got == nil || got.UTC().Format(time.RFC3339) != "2019-10-20T07:13:03Z" {
		t.Errorf("CST in Asia/Shanghai = %v", got)
	}
	if got := resolveWall(w, nil, "", nil); got != nil {
		t.Errorf("CST with no zone known = %v, want nil (ambiguous)", got)
	}
	if got := resolveWall(w, nil, "CST", ptr(-6*3600)); got == nil || got.UTC().Format(time.RFC3339) != "2019-10-20T21:13:03Z" {
		t.Errorf("CST with offset -0600 = %v", got)
	}
	u, _ := parseWallClock("Sun Oct 20 07:13:03 UTC 2019")
	if got := resolveWall(u, nil, "", nil); got == nil || got.Format(time.RFC3339) != "2019-10-20T07:13:03Z" {
		t.Errorf("UTC = %v", got)
	}
}

func TestParseTimedatectl(t *testing.T) {
	in := `      Local time: Sun 2019-10-20 15:13:03 CST
  Universal time: Sun 2019-10-20 07:13:03 UTC
        RTC time: Sun 2019-10-20 07:13:02
       Time zone: Asia/Shanghai (CST, +0800)
     NTP enabled: yes
NTP synchronized: yes
 RTC in local TZ: no
      DST active: n/a
`
	td, w := parseTimedatectl([]byte(in), "sos_commands/systemd/timedatectl")
	if td == nil || len(w) != 0 {
		t.Fatalf("parseTimedatectl = %+v, %v", td, w)
	}
	if td.ZoneName != "Asia/Shanghai" || td.Abbr != "CST" || td.Offset == nil || *td.Offset != 8*3600 || td.ZoneRef.Line != 4 {
		t.Errorf("zone = %q %q %v %+v", td.ZoneName, td.Abbr, td.Offset, td.ZoneRef)
	}
	if td.UTC == nil || td.UTC.H != 7 || td.UTC.Abbr != "UTC" || td.Local == nil || td.Local.H != 15 {
		t.Errorf("times = %+v / %+v", td.UTC, td.Local)
	}
	if td, _ := parseTimedatectl([]byte("Sun Oct 20 15:13:03 CST 2019\n"), "date"); td != nil {
		t.Errorf("date output read as timedatectl: %+v", td)
	}
}

func TestParseUptime(t *testing.T) {
	tests := []struct {
		in     string
		sec    float64
		errSec float64
	}{
		{" 15:13:03 up 15 days, 22:12,  1 user,  load average: 0.00, 0.01, 0.05", 15*86400 + 22*3600 + 12*60, 60},
		{" 10:01:02 up 3 min,  0 users,  load average: 0.52, 0.22, 0.08", 180, 60},
		{" 10:01:02 up 1 day, 2 min,  2 users,  load average: 0.52, 0.22, 0.08", 86400 + 120, 60},
		{" 10:01:02 up  2:03,  1 user,  load average: 1.00, 1.00, 1.00", 2*3600 + 3*60, 60},
		{"1375957.19 2741.29", 1375957.19, 0.01},
		{" 15:13:03 up 15 days, 22:12,  load average: 0.00, 0.01, 0.05", 15*86400 + 22*3600 + 12*60, 60},
	}
	for _, tc := range tests {
		u, w := parseUptime([]byte(tc.in+"\n"), "uptime")
		if u == nil || len(w) != 0 {
			t.Errorf("parseUptime(%q) = %+v, %v", tc.in, u, w)
			continue
		}
		if u.Sec != tc.sec || u.ErrSec != tc.errSec {
			t.Errorf("parseUptime(%q) = %v ±%v, want %v ±%v", tc.in, u.Sec, u.ErrSec, tc.sec, tc.errSec)
		}
	}
	if u, w := parseUptime([]byte("not an uptime\n"), "uptime"); u != nil || len(w) != 1 {
		t.Errorf("bad uptime = %+v, %v", u, w)
	}
}

func TestHostFacts(t *testing.T) {
	bt, ref := parseBtime([]byte("cpu  2255 34 2290 22625563 6290 127 456 0 0 0\nintr 114930548 113199788 3\nctxt 1990473\nbtime 1570165211\nprocesses 2915\n"), "proc/stat")
	if bt == nil || bt.Unix() != 1570165211 || ref.Line != 4 {
		t.Errorf("btime = %v %+v", bt, ref)
	}
	host, rel, _, uref := parseUname([]byte("Linux izwz9h8m2chowowqckbcy0z 3.10.0-957.el7.x86_64 #1 SMP Thu Nov 8 23:39:32 UTC 2018 x86_64 x86_64 x86_64 GNU/Linux\n"), "uname")
	if host != "izwz9h8m2chowowqckbcy0z" || rel != "3.10.0-957.el7.x86_64" || uref == nil {
		t.Errorf("uname = %q %q", host, rel)
	}
	if n, r := parseHostname([]byte("node1.example.com\n"), "hostname"); n != "node1.example.com" || r == nil {
		t.Errorf("hostname = %q", n)
	}
	if n, _ := parseHostname([]byte("two\nlines\n"), "hostname"); n != "" {
		t.Errorf("two-line hostname accepted: %q", n)
	}
	// hostnamectl status: right-aligned labels; the static name, else the
	// transient one (static "n/a" on a cloud image without /etc/hostname)
	for _, c := range []struct {
		in, want string
		line     int
	}{
		{" Static hostname: worker-1\n       Icon name: computer-vm\n  Operating System: Ubuntu 22.04.5 LTS\n", "worker-1", 1},
		{"   Static hostname: n/a\nTransient hostname: ip-10-0-3-17\n         Icon name: computer-vm\n", "ip-10-0-3-17", 2},
		{"   Static hostname: web-3\nTransient hostname: localhost\n", "web-3", 1},
		{"   Static hostname: n/a\n         Icon name: computer-vm\n", "", 0},
	} {
		n, r := parseHostname([]byte(c.in), "hostnamectl")
		if n != c.want || (r == nil) != (c.line == 0) || (r != nil && r.Line != c.line) {
			t.Errorf("hostnamectl %q = %q %+v, want %q at line %d", c.in, n, r, c.want, c.line)
		}
	}
	if id, r := parseBootID([]byte("1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f\n"), "proc/sys/kernel/random/boot_id"); id != "1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f" || r == nil {
		t.Errorf("boot id = %q", id)
	}
}

func TestParseListBoots(t *testing.T) {
	old := `-1 8f2d2a3e0a7e4d4b9b0e0a1c1e7f3b2a Sat 2019-10-19 09:12:01 CST—Sun 2019-10-20 08:00:12 CST
 0 1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f Sun 2019-10-20 08:01:10 CST—Sun 2019-10-20 15:13:03 CST
`
	modern := `IDX BOOT ID                          FIRST ENTRY                 LAST ENTRY
 -1 8f2d2a3e0a7e4d4b9b0e0a1c1e7f3b2a Sat 2019-10-19 09:12:01 CST Sun 2019-10-20 08:00:12 CST
  0 1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f Sun 2019-10-20 08:01:10 CST Sun 2019-10-20 15:13:03 CST
`
	for name, in := range map[string]string{"old": old, "modern": modern} {
		lb, w := parseListBoots([]byte(in), "sos_commands/systemd/journalctl_--list-boots")
		if len(w) != 0 || len(lb) != 2 {
			t.Errorf("%s: boots = %+v, warnings %v", name, lb, w)
			continue
		}
		if lb[0].Index != -1 || lb[0].ID != "8f2d2a3e0a7e4d4b9b0e0a1c1e7f3b2a" || lb[0].First == nil || lb[0].First.H != 9 || lb[1].Last == nil || lb[1].Last.H != 15 {
			t.Errorf("%s: boots = %+v", name, lb)
		}
	}
}

func TestZoneFromLocaltimeLink(t *testing.T) {
	for target, want := range map[string]string{
		"../usr/share/zoneinfo/Asia/Shanghai":    "Asia/Shanghai",
		"/usr/share/zoneinfo/posix/Europe/Paris": "Europe/Paris",
		"/etc/alternatives/localtime":            "",
		"/usr/share/zoneinfo/Not/AZone":          "",
	} {
		if got := zoneFromLocaltimeLink(target); got != want {
			t.Errorf("zoneFromLocaltimeLink(%q) = %q, want %q", target, got, want)
		}
	}
}

func TestOffsetFromPair(t *testing.T) {
	tests := []struct {
		local, utc string
		off        int
		ok         bool
	}{
		{"Sun Oct 20 15:13:03 CST 2019", "Sun Oct 20 07:13:03 UTC 2019", 8 * 3600, true},
		{"Wed Jun 14 16:20:11 EDT 2023", "Wed Jun 14 20:20:11 UTC 2023", -4 * 3600, true},
		{"Wed Jun 14 16:20:12 EDT 2023", "Wed Jun 14 20:20:11 UTC 2023", -4 * 3600, true}, // a second apart
		{"Thu Jan 01 05:45:00 +0545 2024", "Wed Dec 31 23:59:59 UTC 2023", 5*3600 + 45*60, true},
		{"Sun Oct 20 15:20:03 CST 2019", "Sun Oct 20 07:13:03 UTC 2019", 0, false}, // 8h07m: not one moment
		{"Sun Oct 22 15:13:03 CST 2019", "Sun Oct 20 07:13:03 UTC 2019", 0, false}, // two days apart
	}
	for _, tc := range tests {
		l, _ := parseWallClock(tc.local)
		u, _ := parseWallClock(tc.utc)
		off, ok := offsetFromPair(l, u)
		if ok != tc.ok || off != tc.off {
			t.Errorf("offsetFromPair(%q, %q) = %d, %v; want %d, %v", tc.local, tc.utc, off, ok, tc.off, tc.ok)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct{ name, in, kind, format string }{
		{"swapon", "NAME      TYPE SIZE USED PRIO\n/swapfile file   2G   0B   -2\n", "swapon", "swapon-show"},
		{"swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n", "proc-swaps", "proc-swaps"},
		{"s.txt", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n", "swapon", "swapon-summary"},
		{"x", "              total        used        free      shared  buff/cache   available\n", "free", "free"},
		{"x", "MemTotal:        1881872 kB\n", "meminfo", "meminfo"},
		{"x", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", "pressure", "psi"},
		{"x", "nr_free_pages 23085\nnr_zone_inactive_anon 1\n", "vmstat", "vmstat"},
		{"x", "abi.vsyscall32 = 1\nvm.swappiness = 60\n", "sysctl", "sysctl-a"},
		{"x", "# local\nvm.swappiness=10\n", "sysctl", "sysctl-conf"},
		{"x", "      Local time: Sun 2019-10-20 15:13:03 CST\n", "timedatectl", "timedatectl"},
		{"x", " 15:13:03 up 3 min,  1 user,  load average: 0.00, 0.01, 0.05\n", "uptime", "uptime"},
		{"x", "1375957.19 2741.29\n", "uptime", "proc-uptime"},
		{"x", "cpu  2255 34 2290 22625563 6290 127 456 0 0 0\nbtime 1570165211\n", "proc-stat", "proc-stat"},
		{"x", "Linux node1 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n", "uname", "uname-a"},
		{"x", "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f\n", "boot-id", "boot-id"},
		{"x", "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n", "kubelet-config", "yaml"},
		{"x", "I1020 15:07:17.1 1 kubelet.go:1] config: kind: KubeletConfiguration seen\n", "", ""},
		{"x", "--fail-swap-on=false\n", "kubelet-flags", "flags"},
		{"x", "sos report: 4.8.0\n", "sos-version", "version.txt"},
		{"x", "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime 0 0\n", "cgroup", "mounts"},
		{"x", "node1\n", "hostname", "hostname"},
		{"x", "60\n", "", ""},
		{"x", "", "", ""},
	}
	for _, tc := range tests {
		k, f := Sniff(tc.name, []byte(tc.in))
		if k != tc.kind || f != tc.format {
			t.Errorf("Sniff(%q, %q) = %q, %q; want %q, %q", tc.name, tc.in, k, f, tc.kind, tc.format)
		}
	}
}
