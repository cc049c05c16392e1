package kube

// The Events table that `kubectl describe` prints under every object
// (kubectl ≥ 1.8 layout; From is "kubelet, <node>" before kubectl 1.20):
//
//	Events:
//	  Type     Reason     Age                From                         Message
//	  ----     ------     ----               ----                         -------
//	  Normal   Starting   5m46s              kubelet, izwz9h8m2chowowqckbcy0z  Starting kubelet.
//	  Warning  SystemOOM  12m (x4 over 25m)  kubelet                      System OOM encountered, victim process: pip3, pid: 23143
//
// or "Events:  <none>". The pre-1.8 layout (FirstSeen LastSeen Count From
// SubObjectPath Type Reason Message) is read through its column names.

import (
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/parse/facts"
	"github.com/oomlens/oomlens/parse/kernel"
)

// eventTable reads the rows of one Events table. Feed it every line after
// the "Events:" line until the section ends.
type eventTable struct {
	path   string
	cols   []tableCol
	events []NodeEvent
	warns  []Warning
	// column indexes
	iType, iReason, iAge, iFrom, iMsg, iFirst, iLast, iCount, iSub int
}

// line feeds one line (1-based number n). It returns false when the line
// does not belong to the table (the caller ends the section).
func (t *eventTable) line(n int, raw string) bool {
	if strings.TrimSpace(raw) == "" {
		return false
	}
	if t.cols == nil {
		if !strings.HasPrefix(raw, " ") && !strings.HasPrefix(raw, "\t") {
			return false
		}
		cols := tableHeader(raw)
		t.iType = colIndex(cols, "Type")
		t.iReason = colIndex(cols, "Reason")
		t.iAge = colIndex(cols, "Age")
		t.iFrom = colIndex(cols, "From")
		t.iMsg = colIndex(cols, "Message")
		t.iFirst = colIndex(cols, "FirstSeen")
		t.iLast = colIndex(cols, "LastSeen")
		t.iCount = colIndex(cols, "Count")
		t.iSub = colIndex(cols, "SubObjectPath")
		if t.iType < 0 || t.iReason < 0 || t.iMsg < 0 || (t.iAge < 0 && t.iLast < 0) {
			t.warns = append(t.warns, Warning{Ref: Ref{Path: t.path, Line: n}, Message: "events table header not understood: " + kubeClip(raw)})
			t.cols = []tableCol{} // swallow the section
			return true
		}
		t.cols = cols
		return true
	}
	if len(t.cols) == 0 {
		return strings.HasPrefix(raw, " ")
	}
	if kubeDashRow(raw) {
		return true
	}
	if !strings.HasPrefix(raw, " ") && !strings.HasPrefix(raw, "\t") {
		// A multi-line message continues at column 0.
		if len(t.events) > 0 {
			e := &t.events[len(t.events)-1]
			e.Message += "\n" + raw
			return true
		}
		return false
	}
	c := splitRow(raw, t.cols)
	if f := strings.Fields(raw); t.iAge >= 0 && len(f) > 0 && (f[0] == "Normal" || f[0] == "Warning") {
		if _, ageOK := parseEventAge(c[t.iAge]); c[t.iType] != f[0] || !ageOK || strings.Contains(c[t.iReason], " ") {
			if typ, reason, age, from, msg, ok := looseEventRow(raw); ok {
				c = append([]string(nil), c...)
				c[t.iType], c[t.iReason], c[t.iAge], c[t.iMsg] = typ, reason, age, msg
				if t.iFrom >= 0 {
					c[t.iFrom] = from
				}
			}
		}
	}
	if typ := c[t.iType]; typ != "Normal" && typ != "Warning" && len(t.events) > 0 {
		// The API only admits Normal and Warning: an indented line with
		// any other first word continues the previous message.
		e := &t.events[len(t.events)-1]
		e.Message += "\n" + strings.TrimSpace(raw)
		return true
	}
	e := NodeEvent{Ref: Ref{Path: t.path, Line: n}, Type: c[t.iType], Reason: c[t.iReason], Message: c[t.iMsg]}
	if t.iFrom >= 0 {
		e.From = c[t.iFrom]
		if comp, host, ok := strings.Cut(e.From, ", "); ok {
			_ = comp
			e.Host = host
		}
	}
	if e.Type == "" || e.Reason == "" {
		t.warns = append(t.warns, Warning{Ref: Ref{Path: t.path, Line: n}, Message: "event row without type or reason: " + kubeClip(raw)})
		return true
	}
	var a eventAge
	ok := true
	if t.iAge >= 0 {
		e.Age = c[t.iAge]
		a, ok = parseEventAge(e.Age)
	} else {
		// pre-1.8: LastSeen, FirstSeen, Count columns
		e.Age = c[t.iLast]
		a, ok = parseEventAge(e.Age)
		if t.iFirst >= 0 {
			if sec, _, fine := parseKubeDuration(c[t.iFirst]); fine {
				v := float64(sec)
				a.Oldest = &v
			}
		}
		if t.iCount >= 0 {
			if n, err := strconv.Atoi(c[t.iCount]); err == nil {
				a.Count = n
			}
		}
		if t.iSub >= 0 && c[t.iSub] != "" {
			e.Message = c[t.iSub] + ": " + e.Message
		}
	}
	if !ok {
		t.warns = append(t.warns, Warning{Ref: Ref{Path: t.path, Line: n}, Message: "event age not understood: " + strconv.Quote(e.Age)})
	}
	e.AgeSec, e.OldestSec, e.Count, e.AgeResSec = a.Newest, a.Oldest, a.Count, a.Res
	if !ok {
		e.Count = 0
	}
	e.Combined = strings.HasPrefix(e.Message, combinedPrefix)
	e.VictimName, e.VictimPid = EventVictim(e.Reason, e.Message)
	t.events = append(t.events, e)
	return true
}

// combinedPrefix starts messages of events the recorder aggregated.
const combinedPrefix = "(combined from similar events): "

// EventVictim is the process a SystemOOM or OOMKilling event names:
// the kubelet's "victim process: NAME, pid: N" (SystemOOMVictim) or the
// kernel's "Killed process N (NAME) …" line node-problem-detector copies
// (EventKillLine). pid is nil for any other event.
func EventVictim(reason, msg string) (name string, pid *int) {
	switch reason {
	case "SystemOOM":
		return SystemOOMVictim(msg)
	case "OOMKilling":
		if k, ok := EventKillLine(msg); ok && k.PidKnown() {
			return k.Comm, ptr(k.Pid)
		}
	}
	return "", nil
}

// EventKillLine is the kernel kill line an OOMKilling event's message
// quotes (node-problem-detector's kernel monitor copies it), with the
// prefix message the kernel printed before it on the same line:
//
//	Memory cgroup out of memory: Killed process 7001 (java) total-vm:4020112kB, anon-rss:3901220kB, …
func EventKillLine(msg string) (kernel.KillLine, bool) {
	i := strings.Index(msg, "Killed process ")
	if i < 0 {
		return kernel.KillLine{}, false
	}
	j := strings.LastIndex(msg[:i], ": ")
	start := i
	if j >= 0 && j+2 == i {
		if k := strings.LastIndexAny(msg[:j], ".\n"); k >= 0 {
			start = k + 1
		} else {
			start = 0
		}
	}
	k, ok, _ := kernel.ParseKillLine([]byte(strings.TrimSpace(msg[start:])))
	if !ok {
		return kernel.KillLine{}, false
	}
	k.Form = kernel.FormOOMKilling
	return k, true
}

// SystemOOMVictim parses a kubelet SystemOOM message:
//
//	System OOM encountered, victim process: pip3, pid: 23143
//	System OOM encountered                                   (before kubelet 1.16, no victim)
//	(combined from similar events): System OOM encountered, victim process: pip3, pid: 25349
//
// The name is cut at the last ", pid: " (a comm may hold ", ").
func SystemOOMVictim(msg string) (name string, pid *int) {
	msg = strings.TrimPrefix(strings.TrimSpace(msg), combinedPrefix)
	rest, ok := strings.CutPrefix(msg, "System OOM encountered, victim process: ")
	if !ok {
		return "", nil
	}
	i := strings.LastIndex(rest, ", pid: ")
	if i < 0 {
		return "", nil
	}
	p, err := strconv.Atoi(strings.TrimSpace(rest[i+len(", pid: "):]))
	if err != nil || p < 0 {
		return "", nil
	}
	return rest[:i], &p
}

// kubeClip shortens a line for a warning message.
func kubeClip(s string) string {
	const max = 120
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strconv.Quote(s)
}

// parseDescribeEvents reads an Events table pasted on its own (the "Events:"
// section of `kubectl describe node`, or its rows under a "Type Reason
// Age From Message" header): a node whose name is the host the From
// column names when every row names the same one ("" otherwise).
func parseDescribeEvents(data []byte, path string) (*Node, int, []Warning) {
	t := &eventTable{path: path}
	node := &Node{Source: "describe-events"}
	lines := 0
	started := false
	facts.ForLines(data, func(n int, raw string) {
		raw = strings.TrimRight(raw, "\r")
		s := strings.TrimSpace(raw)
		if s == "" {
			return
		}
		lines++
		if len(node.Lines) < maxNodeQuotes {
			node.Lines = append(node.Lines, Quote{Ref: Ref{Path: path, Line: n}, Text: raw})
		}
		if !started {
			if strings.HasPrefix(s, "Events:") {
				started = true
				node.Ref = Ref{Path: path, Line: n}
				node.EventsNone = strings.TrimSpace(s[len("Events:"):]) == "<none>"
				return
			}
			started = true
			node.Ref = Ref{Path: path, Line: n}
		}
		if !strings.HasPrefix(raw, " ") && !strings.HasPrefix(raw, "\t") {
			raw = "  " + raw
		}
		if f := strings.Fields(raw); t.cols == nil && len(f) >= 4 && f[0] == "Type" && f[1] == "Reason" && !strings.Contains(strings.TrimSpace(raw), "  ") {
			// a header whose padding a chat or a form collapsed: the
			// rows are then split by their words (looseEventRow)
			raw = "  " + strings.Join(f, "  ")
		}
		t.line(n, raw)
	})
	if len(t.events) == 0 && !node.EventsNone {
		return nil, lines, t.warns
	}
	node.Events = t.events
	host := ""
	for i, e := range t.events {
		if i == 0 {
			host = e.Host
		} else if e.Host != host {
			host = ""
			break
		}
	}
	node.Name = host
	return node, lines, t.warns
}

// looseEventRow splits an event row whose columns lost their alignment
// (re-flowed by a chat or a web form): Type, Reason, Age (with its
// "(xN over D)"), From ("kubelet, host" or one word), then Message.
func looseEventRow(raw string) (typ, reason, age, from, msg string, ok bool) {
	rest := strings.TrimSpace(raw)
	next := func() string {
		rest = strings.TrimLeft(rest, " \t")
		i := strings.IndexAny(rest, " \t")
		if i < 0 {
			w := rest
			rest = ""
			return w
		}
		w := rest[:i]
		rest = rest[i:]
		return w
	}
	typ, reason, age = next(), next(), next()
	if typ != "Normal" && typ != "Warning" || reason == "" || age == "" {
		return "", "", "", "", "", false
	}
	if r := strings.TrimLeft(rest, " \t"); strings.HasPrefix(r, "(x") {
		if j := strings.IndexByte(r, ')'); j > 0 {
			age += " " + r[:j+1]
			rest = r[j+1:]
		}
	}
	from = next()
	if strings.HasSuffix(from, ",") {
		from += " " + next()
	}
	msg = strings.TrimSpace(rest)
	return typ, reason, age, from, msg, msg != ""
}
