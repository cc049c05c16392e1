package kernel

// This file recognises the timeline events around OOM reports: kernel lines
// that are not part of a report, and userspace killers and notices.
//
//	kworker/1:1H: page allocation failure: order:0, mode:0x2280020(GFP_ATOMIC|__GFP_NOTRACK)
//	oom_kill_process: 1520 callbacks suppressed
//	INFO: task kswapd0:91 blocked for more than 120 seconds.
//	Adding 2097148k swap on /swapfile.  Priority:-2 extents:6 across:2260988k FS
//	OOM killer disabled.
//	systemd-oomd[581]: Killed /user.slice/…/app.scope due to memory pressure for /user.slice/… being 86.80% > 50.00% for > 20s with reclaim activity
//	earlyoom[1234]: sending SIGTERM to process 5678 uid 1000 "firefox": oom_score 867, oom_score_adj 0, VmRSS 3530 MiB, cmdline "/usr/lib/firefox/firefox"
//	earlyoom[1234]: sending SIGKILL to process 5678 uid 1000 "firefox": badness 867, VmRSS 3530 MiB
//	systemd[1]: erigon.service: A process of this unit has been killed by the OOM killer.
//	kubelet[1234]: I0617 16:18:42.080925 1234 eviction_manager.go:381] "Eviction manager: attempting to reclaim" resourceName="memory"
//	kubelet[1234]: I0617 16:18:42.080925 1234 eviction_manager.go:592] "Eviction manager: pod is evicted successfully" pod="default/web-1"

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/units"
)

// kernelEvent recognises kernel lines kept as events; true when consumed.
func (p *kParser) kernelEvent(ll *logical, t []byte) bool {
	ev := Event{Ref: ll.ref, Boot: p.bootIndex()}
	switch {
	case bytes.Contains(t, []byte("page allocation failure")) || bytes.Contains(t, []byte("page allocation stalls for ")):
		ev.Kind = "alloc-failure"
		if i := bytes.Index(t, []byte(": page allocation")); i > 0 {
			ev.Name = string(t[:i])
		}
		if _, o, ok := bytes.Cut(t, []byte("order:")); ok {
			neg := len(o) > 0 && o[0] == '-'
			if neg {
				o = o[1:]
			}
			if v, n := atoiPrefix(o); n > 0 {
				if neg {
					v = -v
				}
				ev.Order = iptr(int(v))
			}
		}
		if _, m, ok := bytes.Cut(t, []byte("mode:")); ok {
			if c := bytes.IndexByte(m, ','); c >= 0 {
				m = m[:c]
			}
			ev.GFP = string(bytes.TrimSpace(m))
		}
	case bytes.HasSuffix(t, []byte(" callbacks suppressed")):
		name, _, _ := bytes.Cut(t, []byte(": "))
		var buf [128]byte
		low := appendLower(buf[:0], name)
		if !(bytes.Contains(low, []byte("oom")) || bytes.Contains(low, []byte("alloc")) || bytes.Contains(low, []byte("memory")) ||
			bytes.Contains(low, []byte("dump_header")) || bytes.Contains(low, []byte("mem_cgroup")) || bytes.Contains(low, []byte("kswapd"))) {
			return true // unrelated rate limiting (net_ratelimit …): known, not kept
		}
		ev.Kind = "callbacks-suppressed"
		ev.Name = string(name)
	case bytes.HasPrefix(t, []byte("INFO: task ")) && bytes.Contains(t, []byte(" blocked for more than ")):
		ev.Kind = "hung-task"
		task := t[len("INFO: task "):max(len("INFO: task "), bytes.Index(t, []byte(" blocked for more than ")))]
		if c := bytes.LastIndexByte(task, ':'); c > 0 && !p.kindFull(ev.Kind) {
			ev.Name = string(task[:c])
			if v, n := atoiPrefix(task[c+1:]); n > 0 {
				ev.Pid = iptr(int(v))
			}
		}
	case bytes.HasPrefix(t, []byte("Adding ")) && bytes.Contains(t, []byte("k swap on ")):
		ev.Kind = "swap-on"
		if v, n := atoiPrefix(t[len("Adding "):]); n > 0 {
			ev.TotalKB = i64(v)
		}
		_, dev, _ := bytes.Cut(t, []byte("k swap on "))
		if e := bytes.Index(dev, []byte(".  ")); e >= 0 {
			dev = dev[:e]
		}
		ev.Name = string(bytes.TrimSuffix(dev, []byte(".")))
	case bytes.Equal(t, []byte("OOM killer disabled.")):
		ev.Kind = "oom-killer-disabled"
	case bytes.Equal(t, []byte("OOM killer enabled.")):
		ev.Kind = "oom-killer-enabled"
	case bytes.Contains(t, []byte("kswapd")) && !isBodyLine(t):
		ev.Kind = "kswapd"
	case bytes.HasPrefix(t, []byte("Linux version ")), bytes.HasPrefix(t, []byte("Command line: ")),
		bytes.HasPrefix(t, []byte("Kernel command line: ")):
		if gluedKill(t) {
			// a boot line glued to an OOM line (a lost newline): the
			// banner is kept, the line is also unexplained
			p.addUnknown(ll)
		}
		return true
	default:
		return false
	}
	p.keepEvent(&ev, ll, t)
	return true
}

// userspace recognises userspace killers and notices; true when consumed.
func (p *kParser) userspace(ll *logical, t []byte) bool {
	ev := Event{Ref: ll.ref, Boot: p.bootIndex()}
	id := ll.k.ident
	switch {
	case id == "systemd-oomd":
		if !oomdKill(&ev, t) {
			return true // candidate dumps, start-up lines: known, not kills
		}
	case id == "earlyoom" || id == "" && p.earlyoomForm(ll, t):
		return p.earlyoomLine(ll, t, &ev)
	case bytes.HasSuffix(t, []byte(": A process of this unit has been killed by the OOM killer.")),
		bytes.HasSuffix(t, []byte(": Failed with result 'oom-kill'.")),
		bytes.Contains(t, []byte(": systemd-oomd killed ")) && bytes.Contains(t, []byte(" in this unit")):
		ev.Kind = "unit-oom-notice"
		if !p.kindFull(ev.Kind) { // a dropped event needs no name
			ev.Name = string(t[:bytes.IndexByte(t, ':')])
		}
	case bytes.Contains(t, []byte("viction manager")):
		ev.Kind = "kubelet-eviction"
		if _, v, ok := bytes.Cut(t, []byte(`pod="`)); ok {
			if e := bytes.IndexByte(v, '"'); e >= 0 {
				ev.Pod = string(v[:e])
			}
		}
		if _, v, ok := bytes.Cut(t, []byte(`resourceName="`)); ok {
			if e := bytes.IndexByte(v, '"'); e >= 0 {
				ev.Name = string(v[:e])
			}
		} else if _, v, ok := bytes.Cut(t, []byte("attempting to reclaim ")); ok {
			ev.Name = string(bytes.TrimSpace(v))
		}
	case bytes.Contains(t, []byte("(PLEG): event for pod")):
		// kubelet[1187]: I0312 10:17:46.714471 1187 kubelet.go:2415] "SyncLoop (PLEG): event for pod" pod="payments/ledger-api-6d9f7c8b54-tk2xq" event={"ID":"8f1c2e7a-…","Type":"ContainerDied","Data":"c3a1f09d…"}
		ev.Kind = "kubelet-pleg"
		ev.Pod = quotedAfter(t, `pod="`)
		ev.PodUID = quotedAfter(t, `"ID":"`)
		ev.Name = quotedAfter(t, `"Type":"`)
		ev.ContainerID = quotedAfter(t, `"Data":"`)
		if ev.Pod == "" || ev.PodUID == "" {
			return false
		}
	case bytes.Contains(t, []byte("TaskOOM event")) && (bytes.Contains(t, []byte("ContainerID:")) || bytes.Contains(t, []byte(`container_id:\"`))):
		// containerd[1034]: time="…" level=info msg="TaskOOM event &TaskOOM{ContainerID:c3a1f09d…,XXX_unrecognized:[],}"
		// containerd 1.7+: msg="TaskOOM event container_id:\"c3a1f09d…\""
		ev.Kind = "runtime-oom"
		v, ok := []byte(nil), false
		if _, v, ok = bytes.Cut(t, []byte("ContainerID:")); !ok {
			_, v, _ = bytes.Cut(t, []byte(`container_id:\"`))
		}
		if e := bytes.IndexAny(v, ",}\"\\ "); e >= 0 {
			v = v[:e]
		}
		ev.ContainerID = string(v)
	case (bytes.Contains(t, []byte("Started kubelet")) || bytes.Contains(t, []byte("Starting kubelet"))) && id != "kernel":
		ev.Kind = "kubelet-start"
	case bytes.HasPrefix(t, []byte("Activated swap ")):
		ev.Kind = "swap-on"
		ev.Name = strings.TrimSuffix(string(t[len("Activated swap "):]), ".")
	case bytes.HasPrefix(t, []byte("Deactivated swap ")):
		ev.Kind = "swap-off"
		ev.Name = strings.TrimSuffix(string(t[len("Deactivated swap "):]), ".")
	default:
		return false
	}
	p.keepEvent(&ev, ll, t)
	return true
}

// keepEvent adds ev, the event of line ll (text t), with its stamp and
// text; once its kind has all the events kept of it, only the line is
// noted (a dropped event needs no stamp or text).
func (p *kParser) keepEvent(ev *Event, ll *logical, t []byte) {
	if !p.kindFull(ev.Kind) {
		ev.Stamp = ll.k.stamp.stamp()
		ev.Text = p.rawString(t, ll.ref.Line)
	} else {
		p.noteDropped(ev.Kind, ll, t)
	}
	p.addEvent(*ev)
}

// oomdKill fills ev from a systemd-oomd kill line ("Killed /…/app.scope
// due to memory pressure for …", "Marked … for killing due to …", and the
// v247 forms); false for its other lines.
func oomdKill(ev *Event, t []byte) bool {
	switch {
	case bytes.HasPrefix(t, []byte("Killed ")) && bytes.Contains(t, []byte(" due to ")):
		i := max(len("Killed "), bytes.Index(t, []byte(" due to ")))
		ev.Cgroup = string(t[len("Killed "):i])
		ev.Pressure = string(t[min(len(t), i+len(" due to ")):])
	case bytes.HasPrefix(t, []byte("Marked ")) && bytes.Contains(t, []byte(" for killing due to ")):
		i := max(len("Marked "), bytes.Index(t, []byte(" for killing due to ")))
		ev.Cgroup = string(t[len("Marked "):i])
		ev.Pressure = string(t[min(len(t), i+len(" for killing due to ")):])
	case bytes.HasPrefix(t, []byte("Memory pressure for ")) && bytes.Contains(t, []byte(" is greater than ")): // v247
		i := max(len("Memory pressure for "), bytes.Index(t, []byte(" is greater than ")))
		ev.Cgroup = string(t[len("Memory pressure for "):i])
		ev.Pressure = string(t[len("Memory pressure for "):])
	case bytes.HasPrefix(t, []byte("Swap used (")) || bytes.HasPrefix(t, []byte("Memory used (")):
		// v247 swap rule: "Swap used (X) / total (Y) is more than 90.00%"
		ev.Pressure = string(t)
	default:
		return false
	}
	ev.Kind = "oomd-kill"
	return true
}

// earlyoomLine handles a line of earlyoom: a kill is kept as an event
// (with the low-memory text noted before it), a low-memory line is noted;
// true when consumed.
func (p *kParser) earlyoomLine(ll *logical, t []byte, ev *Event) bool {
	s := string(t)
	switch {
	case strings.HasPrefix(s, "Killing process "):
		// earlyoom before 1.0: "Killing process 20118 (VirtualBox)",
		// the name as /proc/PID/stat prints it (or the command line)
		ev.Kind = "earlyoom-kill"
		rest := s[len("Killing process "):]
		v, n := atoiPrefix([]byte(rest))
		if n == 0 {
			return false
		}
		ev.Pid = iptr(int(v))
		name := strings.TrimSpace(rest[n:])
		if len(name) >= 2 && name[0] == '(' && name[len(name)-1] == ')' {
			name = name[1 : len(name)-1]
		}
		ev.Name = name
	case strings.HasPrefix(s, "Out of memory! avail: "):
		// earlyoom before 1.0: "Out of memory! avail: 3157 MiB < min: 3160 MiB"
		p.noteEarlyoom(ll, s)
		return true
	case strings.HasPrefix(s, "sending SIG") && strings.Contains(s, " to process "):
		ev.Kind = "earlyoom-kill"
		p.earlyoomSignal(ll, s[strings.Index(s, " to process ")+len(" to process "):], ev)
	case strings.HasPrefix(strings.ToLower(s), "low memory!") || strings.HasPrefix(s, "mem avail:"):
		// "low memory! at or below SIGTERM limits: mem 10.00%, …" (1.3+),
		// "Low Memory! At or below SIGTERM limits (mem: 10 %, …)" (1.1, 1.2)
		p.noteEarlyoom(ll, s)
		return true
	default:
		return true
	}
	ev.Pressure, ev.PressureRef = p.earlyoomLast(ll)
	p.keepEvent(ev, ll, t)
	return true
}

// earlyoomSignal fills ev from the rest of an earlyoom "sending SIGTERM to
// process " line: `5678 uid 1000 "firefox": oom_score 867, …, VmRSS 3530 MiB`.
func (p *kParser) earlyoomSignal(ll *logical, rest string, ev *Event) {
	if v, n := atoiPrefix([]byte(rest)); n > 0 {
		ev.Pid = iptr(int(v))
		rest = rest[n:]
	}
	if u, ok := strings.CutPrefix(rest, " uid "); ok {
		if v, n := atoiPrefix([]byte(u)); n > 0 {
			ev.UID = iptr(int(v))
		}
	}
	if q := strings.IndexByte(rest, '"'); q >= 0 {
		if e := strings.Index(rest[q+1:], `": `); e >= 0 {
			ev.Name = rest[q+1 : q+1+e]
		}
	}
	if _, v, ok := strings.Cut(rest, "VmRSS "); ok {
		// MiB as printed: "VmRSS 1735 MiB"
		if n, k := atoiPrefix([]byte(v)); k > 0 {
			if kb, ok := units.ToKB(n, 1<<10, 1, units.Nearest); ok && (k == len(v) || !isDigit(v[k])) {
				ev.RSSKB = i64(kb)
			} else {
				p.warn(ll.ref.Line, "%s", units.TooLargeText("earlyoom VmRSS MiB", strings.Fields(v)[0]))
			}
		}
	}
}

// earlyoomForm: a line without an identifier (earlyoom's own stderr,
// pasted or saved) in a form only earlyoom prints. "Killing process N
// (name)" is earlyoom's only within a few lines of its "Out of memory!
// avail:" / "low memory!" line (systemd prints "Killing process N (name)
// with signal SIGKILL." for its units).
func (p *kParser) earlyoomForm(ll *logical, t []byte) bool {
	switch {
	case bytes.HasPrefix(t, []byte("Out of memory! avail: ")) && bytes.Contains(t, []byte(" MiB < min: ")),
		bytes.HasPrefix(lowerASCII(t), []byte("low memory! at or below sig")):
		return true
	case bytes.HasPrefix(t, []byte("sending SIGTERM to process ")) || bytes.HasPrefix(t, []byte("sending SIGKILL to process ")):
		return bytes.Contains(t, []byte(`": badness `)) || bytes.Contains(t, []byte(`": oom_score `))
	case bytes.HasPrefix(t, []byte("Killing process ")):
		return p.earlyoomAt > 0 && ll.ref.Line-p.earlyoomAt <= 5 && !bytes.Contains(t, []byte(" with signal "))
	}
	return false
}

// earlyoomNote is earlyoom's last low-memory line of one host.
type earlyoomNote struct {
	text    string
	ref     Ref
	secs    float64
	hasSecs bool
	q       Quote // the whole line
	cited   bool  // a kill cites it (earlyoomLast)
	oom     bool  // it says "Out of memory!" (pre-1.0), not only "low memory"
}

// noteEarlyoom keeps ll, earlyoom's "Out of memory! avail: …" line, for
// the kill it announces. The line it replaces, if no kill cited it, is
// listed as unexplained: it says "Out of memory" and nothing came of it
// that oomlens could read (a kill line cut from the log, say).
func (p *kParser) noteEarlyoom(ll *logical, s string) {
	if p.earlyoom == nil {
		p.earlyoom = map[string]earlyoomNote{}
	}
	if n, ok := p.earlyoom[ll.k.host]; ok && n.oom && !n.cited {
		p.addUnknownQuote(n.q)
	}
	secs, ok := stampSecs(&ll.k.stamp)
	p.earlyoom[ll.k.host] = earlyoomNote{text: s, ref: ll.ref, secs: secs, hasSecs: ok, q: p.quote(ll), oom: mentionsOOM([]byte(s))}
	p.earlyoomAt = ll.ref.Line
}

// flushEarlyoom lists the low-memory lines no kill cited (noteEarlyoom),
// in line order.
func (p *kParser) flushEarlyoom() {
	var qs []Quote
	for _, n := range p.earlyoom {
		if n.oom && !n.cited {
			qs = append(qs, n.q)
		}
	}
	sort.Slice(qs, func(i, j int) bool { return qs[i].Line < qs[j].Line })
	for _, q := range qs {
		p.addUnknownQuote(q)
	}
	p.earlyoom = nil
}

// earlyoomLast is the low-memory line earlyoom printed just before the
// kill on ll (it prints one before every kill): at most 20 lines and 5 s
// earlier, else none.
func (p *kParser) earlyoomLast(ll *logical) (string, *Ref) {
	n, ok := p.earlyoom[ll.k.host]
	if !ok || ll.ref.Line-n.ref.Line > 20 {
		return "", nil
	}
	if s, ok := stampSecs(&ll.k.stamp); ok && n.hasSecs && (s-n.secs > 5 || s < n.secs) {
		return "", nil
	}
	n.cited = true
	p.earlyoom[ll.k.host] = n
	r := n.ref
	return n.text, &r
}

// mentionsOOM: the line speaks of an OOM kill (case-insensitive "oom" as a
// word, "out of memory", "killed process", "kill process").
func mentionsOOM(t []byte) bool {
	var buf [256]byte
	low := appendLower(buf[:0], t)
	if bytes.Contains(low, []byte("out of memory")) || bytes.Contains(low, []byte("killed process")) ||
		bytes.Contains(low, []byte("kill process")) || bytes.Contains(low, []byte("oom-killer")) {
		return true
	}
	for i := 0; ; {
		j := bytes.Index(low[i:], []byte("oom"))
		if j < 0 {
			return false
		}
		j += i
		upper := t[j] == 'O' && t[j+1] == 'O' && t[j+2] == 'M'
		before := j == 0 || !isLetter(low[j-1])
		after := j+3 >= len(low) || !isLetter(low[j+3])
		if upper || before && after {
			return true
		}
		i = j + 3
	}
}

// lowerASCII lower-cases ASCII letters only, keeping byte offsets (unlike
// bytes.ToLower, which rewrites invalid UTF-8).
func lowerASCII(t []byte) []byte { return appendLower(nil, t) }

// appendLower appends t with ASCII letters lowered to dst (callers pass
// a stack array, so short lines are lowered without allocating).
func appendLower(dst, t []byte) []byte {
	for _, c := range t {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// benignOOMForms are known lines that mention OOM but are no OOM event.
var benignOOMForms = [][]byte{
	[]byte("TCP: out of memory -- consider tuning tcp_mem"),
	[]byte("Huh VM_FAULT_OOM leaked out to the #PF handler"),
	[]byte("Out-Of-Memory (OOM) Killer"),
	[]byte("is deprecated, please use oom_score_adj instead"),
	[]byte("COMPACTION is disabled"),
}

func benignOOM(t []byte) bool {
	for _, b := range benignOOMForms {
		if bytes.Contains(t, b) {
			return true
		}
	}
	return false
}

var _ = strconv.Itoa

// quotedAfter returns the text between key (which ends in a quote) and the
// next double quote, "" when key is absent.
func quotedAfter(t []byte, key string) string {
	_, v, ok := bytes.Cut(t, []byte(key))
	if !ok {
		return ""
	}
	if e := bytes.IndexByte(v, '"'); e >= 0 {
		return string(v[:e])
	}
	return ""
}
