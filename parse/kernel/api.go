package kernel

// The few line-level questions other parts of oomlens ask the engine (the
// paste segmenter of package parse): asked here, so that a kernel line has
// one reader.

// LineShape decodes one line's prefix: the prefix form it prints
// (FormatNone when it prints none) and whether the line continues the one
// before it (a journal or kmsg continuation, an indented stack line).
func LineShape(raw []byte) (format string, cont bool) {
	d := decodeLine(raw, "")
	return d.format, d.cont
}

// HasStamp reports whether b starts with a kernel seconds stamp,
// "[ 1234.567890]".
func HasStamp(b []byte) bool {
	_, _, ok := parseKernelStamp(b, false)
	return ok
}

// NamesOOMKill reports whether a line names an OOM kill: the phrases a
// line must never be lost with ("Killed process", "invoked oom-killer",
// "Out of memory"; README, "Nothing is lost"). The one definition, for
// the engine and for correlate's check of lines no kill cites.
func NamesOOMKill(t []byte) bool { return gluedKill(t) }

// LineHost is the host name a log line's syslog or journal prefix prints
// ("Jun 13 02:41:17 dbprod01 kernel: …" → "dbprod01"), "" when the line
// prints none (dmesg, kmsg, an unprefixed line). For correlate's check
// that a kill was logged by this host.
func LineHost(raw []byte) string {
	return decodeLine(raw, "").host
}
