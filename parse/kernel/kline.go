package kernel

// This file decodes the prefix of one kernel/system log line: every form in
// which a saved log carries a kernel record (kernel-oom-formats §3).
//
//	[1375956.718910] Out of memory: Kill process 23143 (pip3) score 613 or sacrifice child   dmesg-raw
//	<4>[ 1319.378881] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, …       dmesg-level
//	kern  :warn  : [ 1319.378881] python3 invoked oom-killer: …                                 dmesg-x
//	[Thu Nov 26 19:23:14 2026] python3 invoked oom-killer: …  ([Di Aug 12 03:54:03 2025])       dmesg-ctime
//	2026-11-26T19:23:14,378881+00:00 python3 invoked oom-killer: …                              dmesg-iso
//	[Nov26 19:23] python3 invoked oom-killer: …   /   [  +0.000060] CPU: 0 UID: 0 PID: 25010 …  dmesg-reltime
//	4,339,1319378881,-;python3 invoked oom-killer: …                                            kmsg
//	Oct 20 15:07:17 host kernel: Out of memory: Killed process …                               journal-short / syslog
//	Oct 20 15:07:17.123456 host kernel: …                                                      journal-short-precise
//	2019-10-20T15:07:17+0800 host kernel: …                                                    journal-short-iso
//	[ 1234.567890] host kernel: …                                                              journal-short-monotonic
//	Jan  5 15:19:27 kernel: [ 5864.708440] memorymonster invoked oom-killer: …                 syslog (no host)
//	2019-10-20T15:07:17.123456+08:00 host kernel: …                                            syslog-rfc3339
//	python3 invoked oom-killer: …                                                              none (dmesg -t, journalctl -o cat)

//
// Stamp.Raw is the timestamp text as printed; when a line carries two (a
// syslog date and the kernel's "[seconds]"), Raw is both joined by one space:
// "Oct 20 15:07:17 [1375956.718916]". Wall times without a printed zone are
// UTC placeholders (WallHasZone false); syslog, journal short and dmesg
// reltime print no year (WallHasYear false, year 0 as placeholder, see
// syslogYear). Reltime lines get the minute header plus the summed deltas.

import (
	"bytes"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oomlens/oomlens/units"
)

// Line prefix form names (LogLine.Format, KernelLog.Format).
const (
	fmtDmesgRaw     = "dmesg-raw"
	fmtDmesgLevel   = "dmesg-level"
	fmtDmesgX       = "dmesg-x"
	fmtDmesgCtime   = "dmesg-ctime"
	fmtDmesgISO     = "dmesg-iso"
	fmtDmesgRel     = "dmesg-reltime"
	fmtKmsg         = "kmsg"
	fmtJournal      = "journal-short"
	fmtJournalISO   = "journal-short-iso"
	fmtJournalPrec  = "journal-short-precise"
	fmtJournalMono  = "journal-short-monotonic"
	fmtJournalCat   = "journal-cat"
	fmtSyslog       = "syslog"
	fmtSyslogRFC    = "syslog-rfc3339"
	FormatNone      = "none"
	fmtJournalFull  = "journal-short-full"
	fmtJournalUnix  = "journal-short-unix"
	hintJournal     = "journal"
	hintSyslog      = "syslog"
	maxPrefixLength = 256
)

// syslogYear is the placeholder year of RFC 3164 syslog and journal short
// stamps, which print no year (Stamp.WallHasYear is false; correlate fixes
// the year). Year 0 is a leap year, so "Feb 29" stays a valid date.
const syslogYear = 0

// kline is one decoded physical line: its prefix fields and the message.
type kline struct {
	format string
	stamp  kstamp
	level  int
	host   string
	ident  string
	text   []byte // message with every prefix removed (kmsg/#012 escapes not yet split)
	// cont is set for a line with no prefix that starts with blanks: the
	// continuation of the previous record (dmesg/journal indent them).
	cont bool
	// dict is a /dev/kmsg " KEY=value" dictionary line (not text).
	dict bool
	// marker is a journal "-- Boot … --" / "-- Reboot --" / "-- Logs begin …" line.
	marker bool
	// bootID is the journal boot ID of a "-- Boot <id> --" marker.
	bootID string
	// relDelta is the "[  +0.000060]" delta of a dmesg reltime line (if hasRel).
	relDelta float64
	hasRel   bool
	// cache, when set, lets the decoder reuse the strings and times of the
	// previous line (see decodeCache).
	cache *decodeCache
}

// kstamp is a decoded line's timestamp before anything keeps it. Its text
// may point into the line being decoded (or into decodeCache.buf), so a
// kstamp is only valid while that line is: whatever keeps a stamp past
// the line calls stamp(), which copies. Decoding the lines no record keeps
// (most needle lines of a large log) therefore allocates nothing, and the
// garbage, the collector's work and the heap do not grow with the log.
type kstamp struct {
	raw                      []byte // the stamp as printed, or
	rawS                     string // the stamp as printed when it already is a string (decodeCache)
	secs                     float64
	wall                     time.Time
	hasSecs                  bool // secs is the printed seconds since boot
	hasWall                  bool // wall is the printed wall-clock time
	wallHasYear, wallHasZone bool
}

// printed reports whether the line carried a timestamp.
func (s *kstamp) printed() bool { return len(s.raw) > 0 || s.rawS != "" }

func (s *kstamp) setRaw(b []byte)  { s.raw, s.rawS = b, "" }
func (s *kstamp) setRawS(t string) { s.raw, s.rawS = nil, t }

// stamp is the Stamp to keep (it shares nothing with the line).
func (s *kstamp) stamp() Stamp {
	st := Stamp{Raw: s.rawS, WallHasYear: s.wallHasYear, WallHasZone: s.wallHasZone}
	if s.rawS == "" {
		st.Raw = string(s.raw)
	}
	if s.hasSecs {
		st.KernelSeconds = ptr(s.secs)
	}
	if s.hasWall {
		st.Wall = ptr(s.wall)
	}
	return st
}

// own copies the stamp's text into *buf, so that s outlives its line.
func (s *kstamp) own(buf *[]byte) {
	if len(s.raw) > 0 {
		*buf = append((*buf)[:0], s.raw...)
		s.raw = *buf
	}
}

// decodeCache remembers what the last lines decoded to, so that a log
// whose lines repeat a timestamp (one-second ctime and syslog stamps) does
// not parse it again and one whose lines repeat a host and program name
// does not allocate them again for every line. The strings handed out are
// shared and never modified.
type decodeCache struct {
	ctimeRaw  []byte
	ctimeWall time.Time
	sysRaw    []byte
	sysWall   time.Time
	// zone is the fixed zone of the last ISO stamp with an offset (zoneOff
	// seconds east of UTC).
	zone    *time.Location
	zoneOff int
	// buf holds a stamp joined from two (syslog time and kernel seconds).
	buf       []byte
	host      string
	idents    [8]string // program names of recent lines ("kernel", "audit", "systemd", …)
	nextIdent int
}

// ident returns b as a string, reusing one of the recent program names.
func (c *decodeCache) ident(b []byte) string {
	for _, s := range c.idents {
		if s == string(b) && s != "" {
			return s
		}
	}
	s := string(b)
	c.idents[c.nextIdent] = s
	c.nextIdent = (c.nextIdent + 1) % len(c.idents)
	return s
}

// str returns b as a string, reusing *slot when it holds the same text.
func (c *decodeCache) str(slot *string, b []byte) string {
	if c == nil {
		return string(b)
	}
	if *slot != string(b) {
		*slot = string(b)
	}
	return *slot
}

// decodeLine decodes the prefix of raw (no trailing newline). hint is the
// file-level guess (hintJournal, hintSyslog or "") used where a prefix is
// ambiguous between journal and syslog.
func decodeLine(raw []byte, hint string) kline {
	return decodeLineCached(raw, hint, nil)
}

// decodeLineCached is decodeLine reusing c's strings (c may be nil).
func decodeLineCached(raw []byte, hint string, cache *decodeCache) kline {
	d := kline{level: -1, format: FormatNone, text: raw, cache: cache}
	if len(raw) == 0 {
		return d
	}
	c := raw[0]
	switch {
	case c >= '0' && c <= '9':
		if decodeKmsg(raw, &d) || decodeISO(raw, &d, hint) || decodeUnix(raw, &d) {
			return d
		}
	case c == '<':
		if decodeLevel(raw, &d, hint) {
			return d
		}
	case c == '[':
		if decodeBracket(raw, &d, hint) {
			return d
		}
	case c == '-':
		if decodeMarker(raw, &d) {
			return d
		}
	case c == ' ' || c == '\t':
		d.cont = true
		return d
	case c >= 'A' && c <= 'Z':
		if decodeSyslogDate(raw, &d, hint) || decodeShortFull(raw, &d) {
			return d
		}
	}
	if c >= 'a' && c <= 'z' && decodeDmesgX(raw, &d, hint) {
		return d
	}
	return d
}

// --- small byte helpers (no allocation) ---

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// atoiPrefix parses the leading unsigned decimal digits of b. It stops
// before a digit that would take v past an int64 (n is then short of the
// digits b holds), so v is never wrapped.
func atoiPrefix(b []byte) (v int64, n int) {
	for n < len(b) && isDigit(b[n]) {
		d := int64(b[n] - '0')
		if v > (math.MaxInt64-d)/10 {
			break
		}
		v = v*10 + d
		n++
	}
	return v, n
}

// kernelSize reads a size or page count the kernel prints ("1743412kB",
// "1743412", "0KB"): an unsigned decimal, with a kB suffix or none.
// The kernel prints these with %lu, so a value past an int64 is
// units.TooLarge (a warning, the value unknown) and a sign or anything else
// units.Syntax.
func kernelSize(b []byte) (int64, units.Result) {
	b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("kB")), []byte("KB"))
	v, n := atoiPrefix(b)
	switch {
	case n == 0 || (n < len(b) && !isDigit(b[n])):
		return 0, units.Syntax
	case n < len(b):
		return 0, units.TooLarge // digits left: more than an int64 holds
	}
	return v, units.OK
}

// parseKernelStamp parses "[ 1375956.718910]" (also "[1375956.718910]",
// "[  +0.000060]" when rel, and "[1375956.719911 <    0.001001>]") at the
// start of b. It returns the seconds and the length of the bracket.
func parseKernelStamp(b []byte, rel bool) (secs float64, n int, ok bool) {
	if len(b) < 3 || b[0] != '[' {
		return 0, 0, false
	}
	i := 1
	for i < len(b) && b[i] == ' ' {
		i++
	}
	if rel {
		if i >= len(b) || b[i] != '+' {
			return 0, 0, false
		}
		i++
	}
	ip, k := atoiPrefix(b[i:])
	if k == 0 {
		return 0, 0, false
	}
	i += k
	if i >= len(b) || b[i] != '.' {
		return 0, 0, false
	}
	i++
	frac, k := atoiPrefix(b[i:])
	if k == 0 {
		return 0, 0, false
	}
	i += k
	if i < len(b) && b[i] == ' ' && i+1 < len(b) && b[i+1] == '<' { // delta form
		end := bytes.IndexByte(b[i:], ']')
		if end < 0 || end > 40 {
			return 0, 0, false
		}
		i += end
	}
	if i >= len(b) || b[i] != ']' {
		return 0, 0, false
	}
	div := 1.0
	for j := 0; j < k; j++ {
		div *= 10
	}
	return float64(ip) + float64(frac)/div, i + 1, true
}

// skipCaller skips a CONFIG_PRINTK_CALLER "[ T1234]" / "[C3]" field.
func skipCaller(b []byte) int {
	if len(b) < 3 || b[0] != '[' {
		return 0
	}
	i := 1
	for i < len(b) && b[i] == ' ' {
		i++
	}
	if i >= len(b) || (b[i] != 'T' && b[i] != 'C') {
		return 0
	}
	i++
	_, k := atoiPrefix(b[i:])
	if k == 0 || i+k >= len(b) || b[i+k] != ']' {
		return 0
	}
	return i + k + 1
}

// afterKernelStamp decodes an optional "[secs]" (+caller) at the start of
// rest and fills d.stamp.KernelSeconds; it returns the remaining text.
func afterKernelStamp(rest []byte, d *kline) []byte {
	// "kernel: <4>[ 123.456] msg" (syslog of a /proc/kmsg reader that kept the level)
	if len(rest) > 3 && rest[0] == '<' && isDigit(rest[1]) && rest[2] == '>' {
		d.level = int(rest[1]-'0') & 7
		rest = rest[3:]
	}
	secs, n, ok := parseKernelStamp(rest, false)
	if !ok {
		return rest
	}
	switch {
	case !d.stamp.printed():
		d.stamp.setRaw(rest[:n])
	case d.cache != nil:
		c := d.cache
		c.buf = append(c.buf[:0], d.stamp.rawS...)
		c.buf = append(c.buf, d.stamp.raw...)
		c.buf = append(append(c.buf, ' '), rest[:n]...)
		d.stamp.setRaw(c.buf)
	default:
		d.stamp.setRawS(d.stamp.rawS + string(d.stamp.raw) + " " + string(rest[:n]))
	}
	d.stamp.secs, d.stamp.hasSecs = secs, true
	rest = rest[n:]
	rest = rest[skipCaller(rest):]
	if len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	return rest
}

// decodeKmsg: "6,339,1319378881,-;text" or "4,5,6,-,caller=T1;text".
func decodeKmsg(raw []byte, d *kline) bool {
	semi := bytes.IndexByte(raw[:min(len(raw), 96)], ';')
	if semi < 0 {
		return false
	}
	h := raw[:semi]
	pri, n := atoiPrefix(h)
	if n == 0 || n >= len(h) || h[n] != ',' {
		return false
	}
	h = h[n+1:]
	_, n = atoiPrefix(h)
	if n == 0 || n >= len(h) || h[n] != ',' {
		return false
	}
	h = h[n+1:]
	usec, n := atoiPrefix(h)
	if n == 0 || n >= len(h) || h[n] != ',' {
		return false
	}
	h = h[n+1:]
	if len(h) == 0 || (h[0] != '-' && h[0] != 'c' && h[0] != '+') {
		return false
	}
	d.format = fmtKmsg
	d.level = int(pri & 7)
	secs := float64(usec/1000000) + float64(usec%1000000)/1e6
	d.stamp.secs, d.stamp.hasSecs = secs, true
	d.stamp.setRaw(raw[:semi])
	d.text = raw[semi+1:]
	if pri >= 8 { // userspace write to /dev/kmsg ("14,418,…;systemd[1]: …")
		d.ident = ""
	}
	return true
}

// decodeLevel: "<4>[ 1319.378881] msg" or "<4>msg".
func decodeLevel(raw []byte, d *kline, hint string) bool {
	end := bytes.IndexByte(raw[:min(len(raw), 6)], '>')
	if end < 2 {
		return false
	}
	v, n := atoiPrefix(raw[1:end])
	if n != end-1 {
		return false
	}
	d.format = fmtDmesgLevel
	d.level = int(v & 7)
	rest := raw[end+1:]
	d.text = afterKernelStamp(rest, d)
	return true
}

var dmesgFacilities = []string{"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "res0", "res1", "res2", "res3", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"}
var dmesgLevels = []string{"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"}

// decodeDmesgX: "kern  :warn  : [ 1319.378881] msg".
func decodeDmesgX(raw []byte, d *kline, hint string) bool {
	c1 := bytes.IndexByte(raw[:min(len(raw), 12)], ':')
	if c1 < 3 {
		return false
	}
	fac := string(bytes.TrimRight(raw[:c1], " "))
	okFac := false
	for _, f := range dmesgFacilities {
		if f == fac {
			okFac = true
			break
		}
	}
	if !okFac {
		return false
	}
	rest := raw[c1+1:]
	c2 := bytes.IndexByte(rest[:min(len(rest), 10)], ':')
	if c2 < 3 {
		return false
	}
	lvl := string(bytes.TrimRight(rest[:c2], " "))
	level := -1
	for i, l := range dmesgLevels {
		if l == lvl {
			level = i
		}
	}
	if level < 0 {
		return false
	}
	rest = rest[c2+1:]
	if len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	d.format = fmtDmesgX
	d.level = level
	if len(rest) > 0 && rest[0] == '[' {
		sub := kline{cache: d.cache}
		if decodeBracket(rest, &sub, hint) && sub.format != fmtJournalMono {
			d.stamp = sub.stamp
			d.text = sub.text
			d.relDelta, d.hasRel = sub.relDelta, sub.hasRel
			return true
		}
	}
	d.text = rest
	return true
}

// decodeBracket handles every line that starts with '['.
func decodeBracket(raw []byte, d *kline, hint string) bool {
	if secs, n, ok := parseKernelStamp(raw, false); ok {
		rest := raw[n:]
		// CONFIG_PRINTK_CALLER
		rest = rest[skipCaller(rest):]
		if len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
		d.stamp.setRaw(raw[:n])
		d.stamp.secs, d.stamp.hasSecs = secs, true
		d.format = fmtDmesgRaw
		d.text = rest
		// journalctl -o short-monotonic: "[ 1234.567890] host ident: msg".
		if host, ident, msg, ok := splitHostIdent(rest, d.cache); ok && (ident == "kernel" || hint == hintJournal) {
			d.format = fmtJournalMono
			d.host, d.ident, d.text = host, ident, msg
		}
		return true
	}
	if secs, n, ok := parseKernelStamp(raw, true); ok {
		d.format = fmtDmesgRel
		d.stamp.setRaw(raw[:n])
		d.relDelta, d.hasRel = secs, true
		d.text = trimOneSpace(raw[n:])
		return true
	}
	end := bytes.IndexByte(raw[:min(len(raw), 64)], ']')
	if end < 0 {
		return false
	}
	inner := raw[1:end]
	if c := d.cache; c != nil && len(c.ctimeRaw) > 0 && bytes.Equal(c.ctimeRaw, raw[:end+1]) {
		d.format = fmtDmesgCtime
		d.stamp.setRaw(raw[:end+1])
		d.stamp.wall, d.stamp.hasWall = c.ctimeWall, true
		d.stamp.wallHasYear = true
		d.text = trimOneSpace(raw[end+1:])
		return true
	}
	if w, ok := parseCtime(inner); ok {
		d.format = fmtDmesgCtime
		d.stamp.setRaw(raw[:end+1])
		d.stamp.wall, d.stamp.hasWall = w, true
		if c := d.cache; c != nil {
			c.ctimeRaw, c.ctimeWall = append(c.ctimeRaw[:0], raw[:end+1]...), w
		}
		d.stamp.wallHasYear = true
		d.text = trimOneSpace(raw[end+1:])
		return true
	}
	if w, ok := parseRelHeader(inner); ok {
		d.format = fmtDmesgRel
		d.stamp.setRaw(raw[:end+1])
		d.stamp.wall, d.stamp.hasWall = w, true
		d.text = trimOneSpace(raw[end+1:])
		return true
	}
	return false
}

func trimOneSpace(b []byte) []byte {
	if len(b) > 0 && b[0] == ' ' {
		return b[1:]
	}
	return b
}

// monthNames maps lower-cased month abbreviations (C, de, fr, es, it, pt,
// nl, pl, ru, sv/da/no, cs-ish) to months.
var monthNames = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	"mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12, // de
	"janv": 1, "févr": 2, "fév": 2, "mars": 3, "avr": 4, "juin": 6, "juil": 7, "août": 8, "sept": 9, "déc": 12, // fr
	"ene": 1, "abr": 4, "ago": 8, "dic": 12, "set": 9, // es/pt/it
	"gen": 1, "mag": 5, "giu": 6, "lug": 7, "ott": 10, // it
	"fev": 2, "out": 10, "dez.": 12, // pt
	"mrt": 3, "mei": 5, // nl
	"sty": 1, "lut": 2, "kwi": 4, "maj": 5, "cze": 6, "lip": 7, "sie": 8, "wrz": 9, "paź": 10, "lis": 11, "gru": 12, // pl
	"янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12, // ru
}

// lookupMonth resolves a (possibly localised) month token: "Nov", "Dez",
// "janv.", "1月" (ja/zh), "11월" (ko).
func lookupMonth(tok []byte) (time.Month, bool) {
	if len(tok) == 3 { // "Nov": no allocation on the common path
		var l [3]byte
		for i, c := range tok {
			l[i] = c | 0x20
		}
		if m, ok := monthNames[string(l[:])]; ok {
			return m, true
		}
	}
	t := strings.ToLower(strings.TrimSuffix(string(tok), "."))
	if m, ok := monthNames[t]; ok {
		return m, true
	}
	if v, n := atoiPrefix(tok); n > 0 && v >= 1 && v <= 12 {
		rest := string(tok[n:])
		if rest == "月" || rest == "월" || rest == "" {
			return time.Month(v), true
		}
	}
	// Full month names ("November", "Dezember", "janvier"): first 3 runes.
	r := []rune(t)
	if len(r) > 3 {
		if m, ok := monthNames[string(r[:3])]; ok {
			return m, true
		}
		if len(r) > 4 {
			if m, ok := monthNames[string(r[:4])]; ok {
				return m, true
			}
		}
	}
	return 0, false
}

// parseHMS parses "HH:MM:SS" (or "HH:MM" when short).
func parseHMS(b []byte, short bool) (h, m, s int, ok bool) {
	if short {
		if len(b) != 5 || b[2] != ':' {
			return 0, 0, 0, false
		}
	} else if len(b) != 8 || b[2] != ':' || b[5] != ':' {
		return 0, 0, 0, false
	}
	v1, n1 := atoiPrefix(b[0:2])
	v2, n2 := atoiPrefix(b[3:5])
	if n1 != 2 || n2 != 2 || v1 > 23 || v2 > 59 {
		return 0, 0, 0, false
	}
	if !short {
		v3, n3 := atoiPrefix(b[6:8])
		if n3 != 2 || v3 > 60 {
			return 0, 0, 0, false
		}
		s = int(v3)
	}
	return int(v1), int(v2), s, true
}

// parseCtime parses "Thu Nov 26 19:23:14 2026", "Di Aug 12 03:54:03 2025",
// "月  1月 26 01:49:41 2026" (dmesg -T, any locale).
func parseCtime(inner []byte) (time.Time, bool) {
	var arr [6][]byte
	f := fields(inner, arr[:])
	if len(f) != 5 {
		return time.Time{}, false
	}
	mon, ok := lookupMonth(f[1])
	if !ok {
		return time.Time{}, false
	}
	day, n := atoiPrefix(f[2])
	if n == 0 || n != len(f[2]) && string(f[2][n:]) != "日" || day < 1 || day > 31 {
		return time.Time{}, false
	}
	h, m, s, ok := parseHMS(f[3], false)
	if !ok {
		return time.Time{}, false
	}
	y, n := atoiPrefix(f[4])
	if n != 4 && !(n == 4 && string(f[4][n:]) == "年") {
		return time.Time{}, false
	}
	return time.Date(int(y), mon, int(day), h, m, s, 0, time.UTC), true
}

// fields is bytes.Fields(b) without allocating for ASCII text: the fields
// go into dst, and at most len(dst) of them are returned (len(dst) means
// "that many or more").
func fields(b []byte, dst [][]byte) [][]byte {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			f := bytes.Fields(b)
			return f[:min(len(f), len(dst))]
		}
	}
	n := 0
	for i := 0; i < len(b) && n < len(dst); {
		for i < len(b) && asciiSpace(b[i]) {
			i++
		}
		if i == len(b) {
			break
		}
		j := i
		for j < len(b) && !asciiSpace(b[j]) {
			j++
		}
		dst[n] = b[i:j]
		n++
		i = j
	}
	return dst[:n]
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// parseRelHeader parses the "Nov26 19:23" minute header of dmesg reltime.
func parseRelHeader(inner []byte) (time.Time, bool) {
	sp := bytes.IndexByte(inner, ' ')
	if sp < 4 {
		return time.Time{}, false
	}
	md := inner[:sp]
	i := len(md)
	for i > 0 && isDigit(md[i-1]) {
		i--
	}
	if i == len(md) || i == 0 {
		return time.Time{}, false
	}
	mon, ok := lookupMonth(md[:i])
	if !ok {
		return time.Time{}, false
	}
	day, _ := atoiPrefix(md[i:])
	h, m, _, ok := parseHMS(bytes.TrimSpace(inner[sp+1:]), true)
	if !ok || day < 1 || day > 31 {
		return time.Time{}, false
	}
	return time.Date(syslogYear, mon, int(day), h, m, 0, 0, time.UTC), true
}

// decodeISO: "2026-11-26T19:23:14,378881+00:00 msg" (dmesg-iso),
// "2019-10-20T15:07:17+0800 host kernel: msg" (journal-short-iso),
// "2019-10-20T15:07:17.123456+08:00 host kernel: msg" (syslog-rfc3339).
func decodeISO(raw []byte, d *kline, hint string) bool {
	if len(raw) < 20 || raw[4] != '-' || raw[7] != '-' || raw[10] != 'T' {
		return false
	}
	y, n1 := atoiPrefix(raw[0:4])
	mo, n2 := atoiPrefix(raw[5:7])
	dd, n3 := atoiPrefix(raw[8:10])
	h, mi, s, ok := parseHMS(raw[11:19], false)
	if n1 != 4 || n2 != 2 || n3 != 2 || !ok || mo < 1 || mo > 12 || dd < 1 || dd > 31 {
		return false
	}
	i := 19
	ns := 0
	comma := false
	frac := false
	if i < len(raw) && (raw[i] == ',' || raw[i] == '.') {
		comma = raw[i] == ','
		frac = true
		i++
		v, k := atoiPrefix(raw[i:])
		if k == 0 {
			return false
		}
		ns = int(v)
		for j := k; j < 9; j++ {
			ns *= 10
		}
		for j := k; j > 9; j-- {
			ns /= 10
		}
		i += k
	}
	// zone
	loc := time.UTC
	hasZone := false
	colon := false
	if i < len(raw) && raw[i] == 'Z' {
		hasZone = true
		i++
	} else if i < len(raw) && (raw[i] == '+' || raw[i] == '-') {
		sign := 1
		if raw[i] == '-' {
			sign = -1
		}
		i++
		zh, k := atoiPrefix(raw[i:min(len(raw), i+2)])
		if k != 2 {
			return false
		}
		i += 2
		if i < len(raw) && raw[i] == ':' {
			colon = true
			i++
		}
		zm, k := atoiPrefix(raw[i:min(len(raw), i+2)])
		if k != 2 {
			return false
		}
		i += 2
		hasZone = true
		off := sign * int(zh*3600+zm*60)
		if c := d.cache; c != nil && c.zone != nil && c.zoneOff == off {
			loc = c.zone
		} else {
			loc = time.FixedZone("", off)
			if c != nil {
				c.zone, c.zoneOff = loc, off
			}
		}
	}
	if i < len(raw) && raw[i] != ' ' {
		return false
	}
	w := time.Date(int(y), time.Month(mo), int(dd), h, mi, s, ns, loc)
	d.stamp.setRaw(raw[:i])
	d.stamp.wall, d.stamp.hasWall = w, true
	d.stamp.wallHasYear = true
	d.stamp.wallHasZone = hasZone
	rest := trimOneSpace(raw[i:])
	if comma {
		d.format = fmtDmesgISO
		d.text = rest
		return true
	}
	host, ident, msg, ok := splitHostIdent(rest, d.cache)
	if !ok {
		d.format = fmtSyslogRFC
		d.text = rest
		return true
	}
	d.host, d.ident = host, ident
	switch {
	case frac && colon && hint != hintJournal:
		d.format = fmtSyslogRFC
	default:
		d.format = fmtJournalISO
	}
	if ident == "kernel" {
		msg = afterKernelStamp(msg, d)
	}
	d.text = msg
	return true
}

// decodeSyslogDate: "Oct 20 15:07:17 host kernel: msg", "Jan  5 15:19:27
// kernel: [ 5864.708440] msg", "Oct 20 15:07:17.123456 host kernel: msg",
// "Apr 01 14:13:32 mysrv <kern.warning> kernel: msg".
func decodeSyslogDate(raw []byte, d *kline, hint string) bool {
	if len(raw) < 16 || raw[3] != ' ' {
		return false
	}
	mon, ok := lookupMonth(raw[:3])
	if !ok {
		return false
	}
	padded := raw[4] == ' '
	day, n := atoiPrefix(raw[4:6])
	if padded {
		day, n = atoiPrefix(raw[5:6])
		n++
	}
	if n != 2 || day < 1 || day > 31 || raw[6] != ' ' {
		return false
	}
	h, m, s, ok := parseHMS(raw[7:15], false)
	if !ok {
		return false
	}
	i := 15
	ns := 0
	precise := false
	if i < len(raw) && raw[i] == '.' {
		v, k := atoiPrefix(raw[i+1:])
		if k == 0 {
			return false
		}
		ns = int(v)
		for j := k; j < 9; j++ {
			ns *= 10
		}
		for j := k; j > 9; j-- {
			ns /= 10
		}
		i += 1 + k
		precise = true
	}
	if i >= len(raw) || raw[i] != ' ' {
		return false
	}
	if c := d.cache; c != nil && len(c.sysRaw) > 0 && bytes.Equal(c.sysRaw, raw[:i]) {
		d.stamp.setRaw(raw[:i])
		d.stamp.wall, d.stamp.hasWall = c.sysWall, true
	} else {
		w := time.Date(syslogYear, mon, int(day), h, m, s, ns, time.UTC)
		d.stamp.setRaw(raw[:i])
		d.stamp.wall, d.stamp.hasWall = w, true
		if c != nil {
			c.sysRaw, c.sysWall = append(c.sysRaw[:0], raw[:i]...), w
		}
	}
	rest := raw[i+1:]
	host, ident, msg, ok := splitHostIdent(rest, d.cache)
	if !ok {
		d.format = fmtSyslog
		d.text = rest
		return true
	}
	d.host, d.ident = host, ident
	// "<kern.warning>" between host and ident (rsyslog templates)
	switch {
	case precise:
		d.format = fmtJournalPrec
	case padded:
		d.format = fmtSyslog
	case raw[4] == '0':
		d.format = fmtJournal
	case hint == hintJournal:
		d.format = fmtJournal
	default:
		d.format = fmtSyslog
	}
	if ident == "kernel" {
		before := d.stamp.hasSecs
		msg = afterKernelStamp(msg, d)
		if !before && d.stamp.hasSecs && d.format != fmtSyslog && !precise {
			d.format = fmtSyslog // journal never prints the [secs] stamp
		}
	}
	d.text = msg
	return true
}

// splitHostIdent splits "host ident[pid]: msg", "ident: msg" (no host) and
// "host <fac.sev> ident: msg". The ident must end in ':' and look like a
// program name.
func splitHostIdent(b []byte, c *decodeCache) (host, ident string, msg []byte, ok bool) {
	sp := bytes.IndexByte(b[:min(len(b), 128)], ' ')
	if sp <= 0 {
		return "", "", nil, false
	}
	first := b[:sp]
	if id, ok := identToken(first, c); ok && !bytes.ContainsAny(first[:len(first)-1], ":") {
		// No host: "kernel: msg".
		if id == "kernel" || bytes.IndexByte(first, '[') > 0 {
			return "", id, b[sp+1:], true
		}
	}
	rest := b[sp+1:]
	if len(rest) > 0 && rest[0] == '<' { // <kern.warning>
		e := bytes.IndexByte(rest[:min(len(rest), 24)], '>')
		if e > 0 && e+1 < len(rest) && rest[e+1] == ' ' {
			rest = rest[e+2:]
		}
	}
	sp2 := bytes.IndexByte(rest[:min(len(rest), 128)], ' ')
	var tok []byte
	if sp2 < 0 {
		tok = rest
	} else {
		tok = rest[:sp2]
	}
	id, ok := identToken(tok, c)
	if !ok || !validHost(first) {
		return "", "", nil, false
	}
	if sp2 < 0 {
		return hostStr(c, first), id, nil, true
	}
	return hostStr(c, first), id, rest[sp2+1:], true
}

func validHost(b []byte) bool {
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '.' || c == '_' || c == ':') {
			return false
		}
	}
	return len(b) > 0
}

// identToken accepts "kernel:", "systemd[1]:", "k3s[3814777]:" and
// returns the name without the pid.
func identToken(tok []byte, c *decodeCache) (string, bool) {
	if len(tok) < 2 || tok[len(tok)-1] != ':' {
		return "", false
	}
	tok = tok[:len(tok)-1]
	if lb := bytes.IndexByte(tok, '['); lb > 0 {
		if tok[len(tok)-1] != ']' {
			return "", false
		}
		if _, n := atoiPrefix(tok[lb+1:]); n != len(tok)-lb-2 || n == 0 {
			return "", false
		}
		tok = tok[:lb]
	}
	for _, c := range tok {
		if c <= ' ' || c == ':' || c == '=' || c == '"' || c == '[' || c == ']' {
			return "", false
		}
	}
	if len(tok) == 0 {
		return "", false
	}
	if c == nil {
		return string(tok), true
	}
	return c.ident(tok), true
}

// hostStr is string(b), reusing the cache's last host name.
func hostStr(c *decodeCache, b []byte) string {
	if c == nil {
		return string(b)
	}
	return c.str(&c.host, b)
}

// decodeMarker: journal "-- Boot 5a0f… --", "-- Reboot --", "-- Logs begin
// at … --", "-- No entries --".
func decodeMarker(raw []byte, d *kline) bool {
	t := bytes.TrimRight(raw, " \r")
	if len(t) < 6 || !bytes.HasPrefix(t, []byte("-- ")) || !bytes.HasSuffix(t, []byte(" --")) {
		return false
	}
	d.format = fmtJournal
	d.marker = true
	d.text = t
	if bytes.HasPrefix(t, []byte("-- Boot ")) && len(t) > len("-- Boot ")+3 {
		d.bootID = string(bytes.TrimSpace(t[len("-- Boot ") : len(t)-3]))
	}
	return true
}

// identFromText splits a userspace "name[pid]: msg" written into the
// kernel ring (raw dmesg carries userspace /dev/kmsg writes that way); c
// (may be nil) supplies recent names.
func identFromText(t []byte, c *decodeCache) (string, []byte, bool) {
	sp := bytes.IndexByte(t[:min(len(t), 80)], ' ')
	if sp <= 0 {
		return "", t, false
	}
	tok := t[:sp]
	if bytes.IndexByte(tok, '[') <= 0 {
		return "", t, false
	}
	id, ok := identToken(tok, c)
	if !ok {
		return "", t, false
	}
	return id, t[sp+1:], true
}

// decodeShortFull: journalctl -o short-full, "Sun 2019-10-20 15:07:17 CST host kernel: msg".
// Only UTC/GMT count as a zone; other abbreviations are ambiguous.
func decodeShortFull(raw []byte, d *kline) bool {
	if len(raw) < 25 || raw[3] != ' ' || raw[8] != '-' || raw[11] != '-' || raw[14] != ' ' {
		return false
	}
	y, n1 := atoiPrefix(raw[4:8])
	mo, n2 := atoiPrefix(raw[9:11])
	dd, n3 := atoiPrefix(raw[12:14])
	h, mi, sec, ok := parseHMS(raw[15:23], false)
	if n1 != 4 || n2 != 2 || n3 != 2 || !ok || mo < 1 || mo > 12 || dd < 1 || dd > 31 || raw[23] != ' ' {
		return false
	}
	rest := raw[24:]
	end := 23
	zone := ""
	// zone abbreviation ("CST", "CEST", "UTC"): an upper-case word of 2–5 letters
	if sp := bytes.IndexByte(rest, ' '); sp >= 2 && sp <= 5 && isUpperWord(rest[:sp]) {
		zone = string(rest[:sp])
		rest = rest[sp+1:]
		end = 24 + sp
	}
	host, ident, msg, ok := splitHostIdent(rest, d.cache)
	if !ok {
		return false
	}
	w := time.Date(int(y), time.Month(mo), int(dd), h, mi, sec, 0, time.UTC)
	d.format = fmtJournalFull
	d.stamp.setRaw(raw[:end])
	d.stamp.wall, d.stamp.hasWall = w, true
	d.stamp.wallHasYear = true
	d.stamp.wallHasZone = zone == "UTC" || zone == "GMT"
	d.host, d.ident = host, ident
	if ident == "kernel" {
		msg = afterKernelStamp(msg, d)
	}
	d.text = msg
	return true
}

func isUpperWord(b []byte) bool {
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return len(b) > 0
}

// decodeUnix: journalctl -o short-unix, "1571555237.123456 host kernel: msg".
func decodeUnix(raw []byte, d *kline) bool {
	sec, n := atoiPrefix(raw)
	if n < 9 || n > 11 || n >= len(raw) || raw[n] != '.' {
		return false
	}
	us, k := atoiPrefix(raw[n+1:])
	if k != 6 || n+1+k >= len(raw) || raw[n+1+k] != ' ' {
		return false
	}
	host, ident, msg, ok := splitHostIdent(raw[n+k+2:], d.cache)
	if !ok {
		return false
	}
	w := time.Unix(sec, us*1000).UTC()
	d.format = fmtJournalUnix
	d.stamp.setRaw(raw[:n+1+k])
	d.stamp.wall, d.stamp.hasWall = w, true
	d.stamp.wallHasYear = true
	d.stamp.wallHasZone = true
	d.host, d.ident = host, ident
	d.text = msg
	return true
}
