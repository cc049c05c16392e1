package parse

// Clock and host facts:
//
//	$ date                 Sun Oct 20 15:13:03 CST 2019
//	                       Sun 20 Oct 2019 03:13:03 PM CST   (en_US.UTF-8)
//	                       2019年 10月 20日 星期日 15:13:03 CST  (zh_CN.UTF-8)
//	$ date --utc           Sun Oct 20 07:13:03 UTC 2019
//	$ timedatectl
//	      Local time: Sun 2019-10-20 15:13:03 CST
//	  Universal time: Sun 2019-10-20 07:13:03 UTC
//	        RTC time: Sun 2019-10-20 07:13:02
//	       Time zone: Asia/Shanghai (CST, +0800)
//	$ uptime                15:13:03 up 15 days, 22:12,  1 user,  load average: 0.00, 0.01, 0.05
//	proc/uptime            1375957.19 2741.29
//	proc/stat              btime 1570165211
//	$ hostname             izwz9h8m2chowowqckbcy0z
//	$ hostnamectl status    Static hostname: izwz9h8m2chowowqckbcy0z
//	                     Transient hostname: izwz9h8m2chowowqckbcy0z   (when it differs, or static is n/a)
//	                              Icon name: computer-vm   …
//	$ uname -a             Linux izwz9h8m2chowowqckbcy0z 3.10.0-957.el7.x86_64 #1 SMP Thu Nov 8 23:39:32 UTC 2018 x86_64 x86_64 x86_64 GNU/Linux
//	proc/sys/kernel/random/boot_id   1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f
//	$ journalctl --list-boots
//	-1 8f2d2a3e0a7e4d4b9b0e0a1c1e7f3b2a Sat 2019-10-19 09:12:01 CST—Sun 2019-10-20 08:00:12 CST
//	 0 1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f Sun 2019-10-20 08:01:10 CST—Sun 2019-10-20 15:13:03 CST
//	(systemd ≥ 252 prints an "IDX BOOT ID FIRST ENTRY LAST ENTRY" header and no dash)
//
// Zone abbreviations are ambiguous (CST is China, US Central or Cuba), so a
// local time is placed in a zone only when the bundle names the zone
// (timedatectl, etc/localtime) or the abbreviation is UTC/GMT.

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones by name, the same on every machine

	"github.com/oomlens/oomlens/parse/facts"
)

// wallClock is a printed local time before its zone is known.
type wallClock struct {
	Ref
	Y, Mo, D, H, Mi, S int
	Abbr               string // zone abbreviation as printed ("CST", "UTC"), "" if none
	Offset             *int   // numeric offset in seconds when printed (+0800, +08:00)
	Raw                string
	extra              int // tokens that are not part of a date
}

var weekdays = map[string]bool{"sun": true, "mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true,
	"sunday": true, "monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true}

// at returns the wall clock as a time in loc.
func (w wallClock) at(loc *time.Location) time.Time {
	return time.Date(w.Y, time.Month(w.Mo), w.D, w.H, w.Mi, w.S, 0, loc)
}

var dateMonths = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// "15:13:03", "2019-10-20", "+0800", "+08:00", "2019-10-20T15:13:03+08:00"
var (
	clockRE   = regexp.MustCompile(`^([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:[.,][0-9]+)?$`)
	isoDateRE = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})$`)
	offsetRE  = regexp.MustCompile(`^([+-])([0-9]{2}):?([0-9]{2})?$`)
	abbrRE    = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,5}$`)
)

// parseWallClock reads a date/time in the layouts `date`, `date -R`,
// `date --rfc-3339`, ISO 8601 and timedatectl print, in any locale order
// that uses English month names. ok is false when no full date and time is
// found.
func parseWallClock(s string) (w wallClock, ok bool) {
	w.Raw = s
	t := strings.ReplaceAll(s, ",", " ")
	// split "2019-10-20T15:13:03+08:00" into date, time and offset
	var raw []string
	for _, f := range strings.Fields(t) {
		if len(f) > 11 && f[10] == 'T' && isoDateRE.MatchString(f[:10]) {
			raw = append(raw, f[:10], f[11:])
			continue
		}
		raw = append(raw, f)
	}
	var toks []string
	for _, f := range raw {
		if i := strings.IndexAny(f, "+"); i > 0 && strings.Contains(f[:i], ":") {
			toks = append(toks, f[:i], f[i:])
			continue
		}
		if strings.HasSuffix(f, "Z") && strings.Count(f, ":") == 2 {
			toks = append(toks, strings.TrimSuffix(f, "Z"), "UTC")
			continue
		}
		if i := strings.LastIndexByte(f, '-'); i > 0 && strings.Count(f, ":") >= 2 && i > strings.LastIndexByte(f, ':') {
			toks = append(toks, f[:i], f[i:])
			continue
		}
		toks = append(toks, f)
	}
	var haveDate, haveTime, haveYear bool
	pm, am := false, false
	var nums []int
	for _, f := range toks {
		lf := strings.ToLower(f)
		switch {
		case clockRE.MatchString(f) && !haveTime:
			m := clockRE.FindStringSubmatch(f)
			w.H, _ = strconv.Atoi(m[1])
			w.Mi, _ = strconv.Atoi(m[2])
			w.S, _ = strconv.Atoi(m[3])
			haveTime = true
		case isoDateRE.MatchString(f):
			m := isoDateRE.FindStringSubmatch(f)
			w.Y, _ = strconv.Atoi(m[1])
			w.Mo, _ = strconv.Atoi(m[2])
			w.D, _ = strconv.Atoi(m[3])
			haveDate, haveYear = true, true
		case len(lf) >= 3 && dateMonths[lf[:3]] != 0 && (len(lf) == 3 || strings.HasPrefix(monthFull(lf[:3]), lf)):
			w.Mo = dateMonths[lf[:3]]
		case strings.HasSuffix(f, "年") && isDigits(strings.TrimSuffix(f, "年")):
			w.Y, _ = strconv.Atoi(strings.TrimSuffix(f, "年"))
			haveYear = true
		case strings.HasSuffix(f, "月") && isDigits(strings.TrimSuffix(f, "月")):
			w.Mo, _ = strconv.Atoi(strings.TrimSuffix(f, "月"))
		case strings.HasSuffix(f, "日") && isDigits(strings.TrimSuffix(f, "日")):
			n, _ := strconv.Atoi(strings.TrimSuffix(f, "日"))
			nums = append([]int{n}, nums...)
		case lf == "pm" || f == "下午":
			pm = true
		case lf == "am" || f == "上午":
			am = true
		case offsetRE.MatchString(f) && haveTime:
			m := offsetRE.FindStringSubmatch(f)
			h, _ := strconv.Atoi(m[2])
			mi := 0
			if m[3] != "" {
				mi, _ = strconv.Atoi(m[3])
			}
			off := h*3600 + mi*60
			if m[1] == "-" {
				off = -off
			}
			w.Offset = &off
		case isDigits(f) && len(f) == 4:
			w.Y, _ = strconv.Atoi(f)
			haveYear = true
		case isDigits(f) && len(f) <= 2:
			n, _ := strconv.Atoi(f)
			nums = append(nums, n)
		case abbrRE.MatchString(f) && haveTime && w.Abbr == "":
			w.Abbr = f
		case weekdays[lf] || strings.HasPrefix(f, "星期"):
		default:
			w.extra++
		}
	}
	if !haveDate && w.Mo != 0 && len(nums) >= 1 {
		w.D = nums[0]
		haveDate = true
	}
	if !haveDate || !haveTime || !haveYear {
		return w, false
	}
	if pm && w.H < 12 {
		w.H += 12
	}
	if am && w.H == 12 {
		w.H = 0
	}
	if w.Mo < 1 || w.Mo > 12 || w.D < 1 || w.D > 31 || w.H > 23 || w.Mi > 59 || w.S > 60 {
		return w, false
	}
	return w, true
}

func monthFull(abbr string) string {
	return map[string]string{"jan": "january", "feb": "february", "mar": "march", "apr": "april", "may": "may", "jun": "june",
		"jul": "july", "aug": "august", "sep": "september", "oct": "october", "nov": "november", "dec": "december"}[abbr]
}

// resolveWall places w in a zone: a printed offset wins; UTC/GMT are UTC;
// an abbreviation matching loc at that time (or the abbreviation the bundle
// printed for its zone) uses loc. nil when the zone is not known.
func resolveWall(w wallClock, loc *time.Location, hostAbbr string, hostOffset *int) *time.Time {
	if w.Offset != nil {
		t := w.at(time.FixedZone(w.Abbr, *w.Offset))
		if loc != nil {
			t = t.In(loc)
		}
		return &t
	}
	switch w.Abbr {
	case "UTC", "GMT", "Z", "UCT":
		t := w.at(time.UTC)
		return &t
	case "":
		return nil
	}
	if loc != nil {
		t := w.at(loc)
		if name, _ := t.Zone(); name == w.Abbr {
			return &t
		}
	}
	if hostOffset != nil && w.Abbr == hostAbbr {
		t := w.at(time.FixedZone(w.Abbr, *hostOffset))
		if loc != nil {
			t = t.In(loc)
		}
		return &t
	}
	return nil
}

// dateOut is the output of `date` or `date --utc`.
type dateOut struct {
	wallClock
}

// plainDatePath reports whether path holds `date` run without --utc: sos's
// sos_commands/date/date, or a loose file named date (date.txt, date.out).
func plainDatePath(path string) bool {
	base := strings.ToLower(path[strings.LastIndexByte(path, '/')+1:])
	switch base {
	case "date", "date.txt", "date.out", "date.log":
		return true
	}
	return false
}

// parseDate reads `date` output (one line).
func parseDate(data []byte, path string) (*dateOut, []Warning) {
	var d *dateOut
	var warns []Warning
	facts.ForLines(data, func(n int, line string) {
		if d != nil || strings.TrimSpace(line) == "" {
			return
		}
		w, ok := parseWallClock(strings.TrimSpace(line))
		if !ok {
			warns = append(warns, Warning{Ref: Ref{Path: path, Line: n}, Message: "date: no date and time in line"})
			return
		}
		w.Ref = Ref{Path: path, Line: n}
		d = &dateOut{w}
	})
	return d, warns
}

// timedatectlOut is what timedatectl prints that oomlens uses.
type timedatectlOut struct {
	Local    *wallClock
	UTC      *wallClock
	ZoneText string // "Asia/Shanghai (CST, +0800)"
	ZoneName string // "Asia/Shanghai"
	Abbr     string // "CST"
	Offset   *int   // +0800 in seconds
	ZoneRef  *Ref
}

// "Asia/Shanghai (CST, +0800)", "UTC (UTC, +0000)", "n/a (UTC, +0000)"
var tzLineRE = regexp.MustCompile(`^(?P<name>[A-Za-z0-9_+/-]+|n/a) \((?P<abbr>[A-Za-z0-9+-]+), (?P<off>[+-][0-9]{4})\)$`)

// parseTimedatectl reads timedatectl (status) output.
func parseTimedatectl(data []byte, path string) (*timedatectlOut, []Warning) {
	out := &timedatectlOut{}
	var warns []Warning
	seen := false
	facts.ForLines(data, func(n int, line string) {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		ref := Ref{Path: path, Line: n}
		switch k {
		case "Local time", "Universal time":
			seen = true
			w, ok := parseWallClock(v)
			if !ok {
				warns = append(warns, Warning{Ref: ref, Message: "timedatectl: unreadable " + k})
				return
			}
			w.Ref = ref
			if k == "Local time" {
				out.Local = &w
			} else {
				out.UTC = &w
			}
		case "Time zone":
			seen = true
			out.ZoneText = v
			out.ZoneRef = &ref
			m := tzLineRE.FindStringSubmatch(v)
			if m == nil {
				warns = append(warns, Warning{Ref: ref, Message: "timedatectl: unreadable Time zone"})
				return
			}
			if m[1] != "n/a" {
				out.ZoneName = m[1]
			}
			out.Abbr = m[2]
			if om := offsetRE.FindStringSubmatch(m[3]); om != nil {
				h, _ := strconv.Atoi(om[2])
				mi, _ := strconv.Atoi(om[3])
				off := h*3600 + mi*60
				if om[1] == "-" {
					off = -off
				}
				out.Offset = &off
			}
		case "RTC time", "NTP enabled", "NTP synchronized", "System clock synchronized", "NTP service", "RTC in local TZ", "DST active", "Time zone information", "Network time on":
			seen = true
		}
	})
	if !seen {
		return nil, nil
	}
	return out, warns
}

// uptimeOut is `uptime` or /proc/uptime.
type uptimeOut struct {
	Ref
	Sec    float64
	ErrSec float64
	Clock  string // "15:13:03" printed by uptime, "" for /proc/uptime
	Format string // uptime, proc-uptime
}

// " 15:13:03 up 15 days, 22:12,  1 user,  load average: 0.00, 0.01, 0.05"
// " 10:01:02 up 3 min,  0 users,  load average: 0.52, 0.22, 0.08"
// " 10:01:02 up 1 day, 2 min,  1 user, …"
// " 15:13:03 up 15 days, 22:12,  load average: 0.00, 0.01, 0.05" (busybox, no users)
var uptimeRE = regexp.MustCompile(`^ *(?P<clock>[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?) +up +(?:(?P<days>[0-9]+) +days?, *)?(?:(?P<hm>[0-9]{1,2}:[0-9]{2})|(?P<min>[0-9]+) +min)?,? +(?:[0-9]+ +users?, +)?load average`)

// "1375957.19 2741.29"
var procUptimeRE = regexp.MustCompile(`^(?P<up>[0-9]+\.[0-9]+) (?P<idle>[0-9]+\.[0-9]+)$`)

// parseUptime reads `uptime` or /proc/uptime.
func parseUptime(data []byte, path string) (*uptimeOut, []Warning) {
	var u *uptimeOut
	var warns []Warning
	facts.ForLines(data, func(n int, line string) {
		if u != nil || strings.TrimSpace(line) == "" {
			return
		}
		ref := Ref{Path: path, Line: n}
		if m := procUptimeRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			v, _ := strconv.ParseFloat(m[1], 64)
			u = &uptimeOut{Ref: ref, Sec: v, ErrSec: 0.01, Format: "proc-uptime"}
			return
		}
		m := uptimeRE.FindStringSubmatch(line)
		if m == nil {
			warns = append(warns, Warning{Ref: ref, Message: "uptime: unreadable line"})
			return
		}
		sec := 0.0
		if m[2] != "" {
			d, _ := strconv.Atoi(m[2])
			sec += float64(d) * 86400
		}
		if m[3] != "" {
			h, mi, _ := strings.Cut(m[3], ":")
			hh, _ := strconv.Atoi(h)
			mm, _ := strconv.Atoi(mi)
			sec += float64(hh*3600 + mm*60)
		}
		if m[4] != "" {
			mm, _ := strconv.Atoi(m[4])
			sec += float64(mm * 60)
		}
		u = &uptimeOut{Ref: ref, Sec: sec, ErrSec: 60, Clock: m[1], Format: "uptime"}
	})
	return u, warns
}

// parseBtime finds the "btime N" line of proc/stat.
func parseBtime(data []byte, path string) (*time.Time, *Ref) {
	var t *time.Time
	var ref *Ref
	facts.ForLines(data, func(n int, line string) {
		if t != nil || !strings.HasPrefix(line, "btime ") {
			return
		}
		v, ok := parseInt64(strings.TrimPrefix(line, "btime "))
		if !ok {
			return
		}
		u := time.Unix(v, 0).UTC()
		t, ref = &u, &Ref{Path: path, Line: n}
	})
	return t, ref
}

// "Linux izwz9h8m2chowowqckbcy0z 3.10.0-957.el7.x86_64 #1 SMP Thu Nov 8 23:39:32 UTC 2018 x86_64 x86_64 x86_64 GNU/Linux"
var unameRE = regexp.MustCompile(`^Linux (?P<host>[^ ]+) (?P<rel>[0-9][^ ]*) #`)

// parseUname reads `uname -a`: host name and kernel release.
func parseUname(data []byte, path string) (host, release, text string, ref *Ref) {
	facts.ForLines(data, func(n int, line string) {
		if ref != nil {
			return
		}
		if m := unameRE.FindStringSubmatch(line); m != nil {
			host, release, text, ref = m[1], m[2], line, &Ref{Path: path, Line: n}
		}
	})
	return
}

// "izwz9h8m2chowowqckbcy0z", "node1.example.com"
var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$`)

// parseHostname reads a one-line host name.
func parseHostname(data []byte, path string) (string, *Ref) {
	if name, ref := parseHostnamectl(data, path); ref != nil {
		return name, ref
	}
	var name string
	var ref *Ref
	lines := 0
	facts.ForLines(data, func(n int, line string) {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			return
		}
		lines++
		if ref == nil && hostnameRE.MatchString(t) {
			name, ref = t, &Ref{Path: path, Line: n}
		}
	})
	if lines != 1 {
		return "", nil
	}
	return name, ref
}

// "   Static hostname: node1", "Transient hostname: node1" (hostnamectl's
// right-aligned labels)
var hostnamectlRE = regexp.MustCompile(`^ *(Static|Transient) hostname: (.*?)\s*$`)

// parseHostnamectl reads `hostnamectl status`: the static host name, or
// the transient one when the static name is "n/a" or empty. ref is nil
// when data is not hostnamectl output.
func parseHostnamectl(data []byte, path string) (string, *Ref) {
	var static, transient string
	var sref, tref *Ref
	facts.ForLines(data, func(n int, line string) {
		m := hostnamectlRE.FindStringSubmatch(line)
		if m == nil || !hostnameRE.MatchString(m[2]) {
			return
		}
		if m[1] == "Static" && sref == nil {
			static, sref = m[2], &Ref{Path: path, Line: n}
		} else if m[1] == "Transient" && tref == nil {
			transient, tref = m[2], &Ref{Path: path, Line: n}
		}
	})
	if sref != nil {
		return static, sref
	}
	return transient, tref
}

// "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
var bootIDRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// parseBootID reads proc/sys/kernel/random/boot_id; the ID is returned
// without dashes, as journalctl prints it.
func parseBootID(data []byte, path string) (string, *Ref) {
	var id string
	var ref *Ref
	facts.ForLines(data, func(n int, line string) {
		if ref == nil && bootIDRE.MatchString(strings.TrimSpace(line)) {
			id, ref = strings.ReplaceAll(strings.TrimSpace(line), "-", ""), &Ref{Path: path, Line: n}
		}
	})
	return id, ref
}

// listBoot is one row of journalctl --list-boots before zones are known.
type listBoot struct {
	Ref
	Index       int
	ID          string
	First, Last *wallClock
}

// "-1 8f2d2a3e0a7e4d4b9b0e0a1c1e7f3b2a Sat 2019-10-19 09:12:01 CST—Sun 2019-10-20 08:00:12 CST"
// "  0 1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f Sun 2019-10-20 08:01:10 CST Sun 2019-10-20 15:13:03 CST"
var listBootRE = regexp.MustCompile(`^ *(?P<idx>-?[0-9]+) +(?P<id>[0-9a-f]{32}) +(?P<first>[A-Z][a-z]{2} [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Za-z0-9+-]+) *(?:—|-|–)? *(?P<last>[A-Z][a-z]{2} [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Za-z0-9+-]+) *$`)

// parseListBoots reads journalctl --list-boots.
func parseListBoots(data []byte, path string) ([]listBoot, []Warning) {
	var out []listBoot
	var warns []Warning
	facts.ForLines(data, func(n int, line string) {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "IDX ") || strings.HasPrefix(t, "-- ") {
			return
		}
		ref := Ref{Path: path, Line: n}
		m := listBootRE.FindStringSubmatch(line)
		if m == nil {
			warns = append(warns, Warning{Ref: ref, Message: "list-boots: unreadable row"})
			return
		}
		idx, _ := strconv.Atoi(m[1])
		b := listBoot{Ref: ref, Index: idx, ID: m[2]}
		if w, ok := parseWallClock(m[3]); ok {
			w.Ref = ref
			b.First = &w
		}
		if w, ok := parseWallClock(m[4]); ok {
			w.Ref = ref
			b.Last = &w
		}
		out = append(out, b)
	})
	return out, warns
}

// zoneFromLocaltimeLink takes an IANA zone name from the target of an
// etc/localtime link ("../usr/share/zoneinfo/Asia/Shanghai").
func zoneFromLocaltimeLink(target string) string {
	i := strings.Index(target, "zoneinfo/")
	if i < 0 {
		return ""
	}
	name := target[i+len("zoneinfo/"):]
	name = strings.TrimPrefix(name, "posix/")
	name = strings.TrimPrefix(name, "right/")
	if name == "" || strings.Contains(name, "..") {
		return ""
	}
	if _, err := time.LoadLocation(name); err != nil {
		return ""
	}
	return name
}
