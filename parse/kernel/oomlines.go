package kernel

// This file parses the single lines of an OOM report, one function per line
// form, each beside an example of what it reads:
//
//	python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0     parseTrigger
//	CPU: 0 UID: 0 PID: 25010 Comm: python3 Not tainted 6.18.44-fc-v669 #1 PREEMPT(none)  parseCPULine
//	memory: usage 49152kB, limit 49152kB, failcnt 86                                     parseCounter
//	[  25010]     0 25010    15788    13565    12224     1341         0   163840 …      parseTaskRow
//	oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,…     parseConstraint
//	Out of memory: Kill process 23143 (pip3) score 613 or sacrifice child              parseSelect
//	Killed process 23143 (pip3) total-vm:2112380kB, anon-rss:1743412kB, …              ParseKillLine
//	oom_reaper: reaped process 23143 (pip3), now anon-rss:0kB, file-rss:0kB, …        parseReap

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/units"
)

func i64(v int64) *int64 { return &v }
func iptr(v int) *int    { return &v }
func ptr[T any](v T) *T  { return &v }

func addPtr(p *int64, v int64) *int64 {
	if p == nil {
		return i64(v)
	}
	return i64(*p + v)
}

func orBool(p *bool, v bool) *bool {
	b := v
	if p != nil && *p {
		b = true
	}
	return &b
}

func unreclaimable(f [][]byte) *bool {
	for i, x := range f {
		if bytes.Equal(x, []byte("all_unreclaimable?")) && i+1 < len(f) {
			b := bytes.Equal(f[i+1], []byte("yes"))
			return &b
		}
	}
	return nil
}

// kbFields parses "key:123kB" tokens (also "shmem_thp: 0kB", "KB", bare
// numbers); unfit holds a warning for each value too large to hold.
func kbFields(f [][]byte, ref Ref) (out []KV, unfit []string) {
	for i := 0; i < len(f); i++ {
		x := f[i]
		c := bytes.IndexByte(x, ':')
		if c <= 0 {
			continue
		}
		key, val := x[:c], x[c+1:]
		if len(val) == 0 && i+1 < len(f) { // "shmem_thp: 0kB"
			val = f[i+1]
			i++
		}
		switch n, res := kernelSize(val); res {
		case units.OK:
			out = append(out, KV{Key: string(key), Value: n, Ref: ref})
		case units.TooLarge:
			unfit = append(unfit, units.TooLargeText("Mem-Info: "+string(key), string(val)))
		}
	}
	return out, unfit
}

// summaryKV parses a Mem-Info summary line: only "key:number" tokens (page
// counts); unfit holds a warning for each count too large to hold.
func summaryKV(t []byte, ref Ref) (out []KV, ok bool, unfit []string) {
	f := bytes.Fields(t)
	if len(f) == 0 {
		return nil, false, nil
	}
	out = make([]KV, 0, len(f))
	for _, x := range f {
		c := bytes.IndexByte(x, ':')
		if c <= 0 {
			return nil, false, nil
		}
		for _, ch := range x[:c] {
			if !(ch >= 'a' && ch <= 'z' || ch == '_' || isDigit(ch)) {
				return nil, false, nil
			}
		}
		n, res := kernelSize(x[c+1:])
		switch {
		case res == units.TooLarge:
			unfit = append(unfit, units.TooLargeText("Mem-Info: "+string(x[:c]), string(x[c+1:])))
			continue
		case res != units.OK || bytes.HasSuffix(x, []byte("B")):
			return nil, false, nil // page counts print no unit
		}
		out = append(out, KV{Key: string(x[:c]), Value: n, Ref: ref})
	}
	return out, true, unfit
}

// kbAfter parses "Free swap  = 123kB" / "Free swap:  123kB"; printed is
// the value as printed.
func kbAfter(t []byte, sep byte) (kb int64, printed string, res units.Result) {
	i := bytes.IndexByte(t, sep)
	if i < 0 {
		return 0, "", units.Syntax
	}
	v := bytes.TrimSpace(t[i+1:])
	kb, res = kernelSize(v)
	return kb, string(v), res
}

// statLine: "rss 50130944" (memcg stat dump line, bytes or pages).
func statLine(t []byte) (string, int64, units.Result) {
	sp := bytes.IndexByte(t, ' ')
	if sp <= 0 {
		return "", 0, units.Syntax
	}
	for _, c := range t[:sp] {
		if !(c >= 'a' && c <= 'z' || c == '_' || isDigit(c)) {
			return "", 0, units.Syntax
		}
	}
	v := bytes.TrimSpace(t[sp+1:])
	if bytes.HasSuffix(v, []byte("B")) {
		return "", 0, units.Syntax // counts print no unit
	}
	n, res := kernelSize(v)
	return string(t[:sp]), n, res
}

// parseSlabRow: "kmalloc-2048          123456KB     123520KB".
func parseSlabRow(t []byte) (SlabRow, units.Result) {
	f := bytes.Fields(t)
	if len(f) < 3 {
		return SlabRow{}, units.Syntax
	}
	u, r1 := kernelSize(f[len(f)-2])
	tot, r2 := kernelSize(f[len(f)-1])
	if r1 != units.OK || r2 != units.OK {
		return SlabRow{}, max(r1, r2)
	}
	name := bytes.TrimSpace(t[:bytes.Index(t, f[len(f)-2])])
	return SlabRow{Name: string(name), UsedKB: u, TotalKB: tot}, units.OK
}

// parseCounter: "memory: usage 980kB, limit 980kB, failcnt 4152239".
// unfit holds a warning for each size too large to hold; the counter is
// then not ok.
func parseCounter(t []byte) (c Counter, ok bool, unfit []string) {
	_, rest, _ := bytes.Cut(t, []byte(": "))
	got := 0
	for _, part := range bytes.Split(rest, []byte(", ")) {
		k, v, ok := bytes.Cut(bytes.TrimSpace(part), []byte(" "))
		if !ok {
			continue
		}
		n, res := kernelSize(v)
		if res == units.TooLarge && (string(k) == "usage" || string(k) == "limit") {
			unfit = append(unfit, units.TooLargeText("memcg "+string(k), string(v)))
		}
		if res != units.OK {
			continue
		}
		switch string(k) {
		case "usage":
			c.UsageKB = n
			got++
		case "limit":
			c.LimitKB = n
			c.Unlimited = n >= 1<<50
			got++
		case "failcnt":
			c.Failcnt = n
		}
	}
	return c, got == 2, unfit
}

// parseTrigger: "<comm> invoked oom-killer: gfp_mask=…, nodemask=…, order=…, oom_score_adj=…".
func parseTrigger(t []byte) (Trigger, bool) {
	i := bytes.Index(t, []byte(" invoked oom-killer: "))
	var tr Trigger
	tr.Comm = string(t[:i])
	for _, part := range bytes.Split(t[i+len(" invoked oom-killer: "):], []byte(",")) {
		k, v, ok := bytes.Cut(bytes.TrimSpace(part), []byte("="))
		if !ok {
			continue
		}
		vs := string(v)
		switch string(k) {
		case "gfp_mask":
			tr.GFPMask = vs
			if o := strings.IndexByte(vs, '('); o >= 0 && strings.HasSuffix(vs, ")") {
				if inner := vs[o+1 : len(vs)-1]; inner != "" {
					tr.GFPFlags = strings.Split(inner, "|")
				}
			}
		case "nodemask":
			tr.Nodemask = &vs
		case "order":
			if n, err := strconv.Atoi(vs); err == nil {
				tr.Order = iptr(n)
			}
		case "oom_score_adj":
			if n, err := strconv.Atoi(vs); err == nil {
				tr.OOMScoreAdj = iptr(n)
			}
		case "oom_adj", "oomkilladj":
			if n, err := strconv.Atoi(vs); err == nil {
				tr.OOMAdj = iptr(n)
			}
		}
	}
	return tr, tr.GFPMask != "" || tr.Order != nil
}

// parseCPULine: "CPU: 1 PID: 23143 Comm: pip3 Not tainted 4.15.0-65-generic #74-Ubuntu",
// "CPU: 0 UID: 0 PID: 25010 Comm: python3 Not tainted 6.18.44-fc-v669 #1 PREEMPT(none) ",
// "Pid: 1234, comm: java Not tainted 2.6.32-431.el6.x86_64 #1".
func parseCPULine(t []byte) (CPULine, bool) {
	var c CPULine
	var rest []byte
	if bytes.HasPrefix(t, []byte("Pid: ")) {
		pid, n := atoiPrefix(t[5:])
		if n == 0 {
			return c, false
		}
		c.PID = iptr(int(pid))
		_, rest, _ = bytes.Cut(t, []byte(", comm: "))
	} else {
		cpu, n := atoiPrefix(t[5:])
		if n == 0 {
			return c, false
		}
		c.CPU = iptr(int(cpu))
		if _, u, ok := bytes.Cut(t, []byte(" UID: ")); ok {
			if v, n := atoiPrefix(u); n > 0 {
				c.UID = iptr(int(v))
			}
		}
		_, pr, _ := bytes.Cut(t, []byte(" PID: "))
		pid, n := atoiPrefix(pr)
		if n == 0 {
			return c, false
		}
		c.PID = iptr(int(pid))
		_, rest, _ = bytes.Cut(t, []byte(" Comm: "))
	}
	ti := bytes.Index(rest, []byte(" Not tainted "))
	tl := len(" Not tainted ")
	if ti < 0 {
		ti = bytes.Index(rest, []byte(" Tainted: "))
		tl = len(" Tainted: ")
	}
	if ti < 0 {
		c.Comm = string(rest)
		return c, true
	}
	tail := rest[ti+tl:]
	if k := bytes.Index(rest[:ti], []byte(" Kdump: loaded")); k >= 0 {
		c.Comm = string(rest[:k])
	} else {
		c.Comm = string(rest[:ti])
	}
	f := bytes.Fields(tail)
	var flags []string
	for _, x := range f {
		if isDigit(x[0]) {
			c.Kernel = string(x)
			break
		}
		flags = append(flags, string(x))
	}
	if tl == len(" Not tainted ") {
		c.Tainted = "Not tainted"
	} else {
		c.Tainted = strings.Join(flags, " ")
	}
	return c, true
}

// parseSelect: "Out of memory: Kill process 23143 (pip3) score 613 or sacrifice child",
// "Out of memory: kill process 1234 (java) score 500 or a child",
// "Out of Memory: Kill process 1234 (java) score 500 and children.".
func parseSelect(t []byte) (SelectLine, bool) {
	var s SelectLine
	i := bytes.Index(t, []byte("ill process "))
	if i < 1 {
		return s, false
	}
	msg := bytes.TrimSuffix(bytes.TrimSpace(t[:i-1]), []byte(":"))
	if !plainMessage(msg) {
		return s, false
	}
	s.Message = string(msg)
	rest := t[i+len("ill process "):]
	pid, n := atoiPrefix(rest)
	if n == 0 || n+2 > len(rest) || rest[n] != ' ' || rest[n+1] != '(' {
		return s, false
	}
	s.Pid = int(pid)
	rest = rest[n+2:]
	sc := bytes.LastIndex(rest, []byte(") score "))
	if sc < 0 {
		return s, false
	}
	s.Comm = string(rest[:sc])
	if v, n := atoiPrefix(rest[sc+len(") score "):]); n > 0 {
		s.Score = i64(v)
	}
	return s, true
}

// plainMessage accepts the kernel's message prefixes ("Out of memory",
// "Memory cgroup out of memory", "Out of memory (oom_kill_allocating_task)",
// "No available memory (MPOL_BIND)") and rejects quotes/log syntax.
func plainMessage(m []byte) bool {
	if len(m) > 80 {
		return false
	}
	for _, c := range m {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == ' ' || c == '(' || c == ')' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// ParseKillLine parses every "Killed process" form (K1…K6 and the RHEL ones).
// unfit holds a warning for each size too large to hold (left nil).
func ParseKillLine(t []byte) (k KillLine, ok bool, unfit []string) {
	fields, ok := killHead(t, &k)
	if !ok {
		return k, false, nil
	}
	seen := map[string]bool{} // the size keys printed, for the form
	unfit = killFields(&k, fields, seen)
	if k.Form == "" {
		k.Form = killForm(&k, seen)
	}
	return k, true, unfit
}

// killHead reads the message, pid, comm (and the RHEL 6 uid) of kill line
// t into k and returns the text after the comm, which holds the sizes.
func killHead(t []byte, k *KillLine) (fields []byte, ok bool) {
	i := bytes.Index(t, []byte("Killed process "))
	if i > 0 {
		pre := t[:i]
		if !bytes.HasSuffix(pre, []byte(": ")) {
			return nil, false
		}
		msg := pre[:len(pre)-2]
		if !plainMessage(msg) {
			return nil, false
		}
		k.Message = string(msg)
	}
	rest := t[i+len("Killed process "):]
	pid, n := atoiPrefix(rest)
	if n == 0 {
		return nil, false
	}
	k.Pid = int(pid)
	rest = rest[n:]
	switch {
	case bytes.HasPrefix(rest, []byte(", UID ")): // RHEL 6: "Killed process 28656, UID 602, (java) total-vm:…"
		u, n := atoiPrefix(rest[6:])
		if n == 0 {
			return nil, false
		}
		k.UID = iptr(int(u))
		rest = rest[6+n:]
		if !bytes.HasPrefix(rest, []byte(", (")) {
			return nil, false
		}
		rest = rest[3:]
		e := bytes.LastIndex(rest, []byte(") total-vm:"))
		if e < 0 {
			e = bytes.LastIndexByte(rest, ')')
			if e < 0 {
				return nil, false
			}
		}
		k.Comm = string(rest[:e])
		k.Form = "K3-RHEL6"
		return rest[e+1:], true
	case bytes.HasPrefix(rest, []byte(" (")):
		rest = rest[2:]
		e := bytes.LastIndex(rest, []byte(") total-vm:"))
		if e < 0 {
			e = bytes.LastIndex(rest, []byte("), UID "))
		}
		if e < 0 {
			if e = commEnd(rest); e < 0 {
				return nil, false
			}
		}
		k.Comm = string(rest[:e])
		return rest[e+1:], true
	}
	return nil, false
}

// commEnd is where the comm of "Killed process N (comm)…" ends in rest
// (just after the "("), when no field follows that anchors it: the last
// ")" that leaves a comm the kernel can print (at most 15 bytes, a dmesg
// \xHH escape counting as one) and is followed by the end, a space or
// punctuation — so that a kill line quoted in prose ("Killed process 4242
// (java), which (as far as I know) …") keeps its comm — else the last ")"
// (a comm "(sd-pam)" holds parentheses of its own); -1 when there is none.
func commEnd(rest []byte) int {
	best := -1
	for e := 0; e < len(rest); e++ {
		if rest[e] != ')' {
			continue
		}
		if commBytes(rest[:e]) > 15 {
			break
		}
		if e+1 == len(rest) || bytes.IndexByte([]byte(" ,.;:\"'`"), rest[e+1]) >= 0 {
			best = e
		}
	}
	if best >= 0 {
		return best
	}
	return bytes.LastIndexByte(rest, ')')
}

// commBytes is the length of a comm as the kernel holds it: dmesg's \xHH
// escapes are one byte each.
func commBytes(b []byte) int {
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+3 < len(b) && b[i+1] == 'x' {
			i += 3
		}
		n++
	}
	return n
}

// killFields reads the "key:value" fields of a kill line (sizes in kB,
// UID, oom_score_adj, and RHEL 7's ", UID 0,") into k, marks in seen each
// size key printed, and returns a warning for each size it cannot hold.
func killFields(k *KillLine, fields []byte, seen map[string]bool) (unfit []string) {
	f := bytes.Fields(bytes.ReplaceAll(fields, []byte(","), []byte(" ")))
	for j := 0; j < len(f); j++ {
		x := f[j]
		key, val, ok := bytes.Cut(x, []byte(":"))
		if !ok {
			if bytes.Equal(x, []byte("UID")) && j+1 < len(f) { // RHEL 7 ", UID 0,"
				if v, n := atoiPrefix(f[j+1]); n > 0 {
					k.UID = iptr(int(v))
					if k.Form == "" {
						k.Form = "K3-RHEL7"
					}
				}
				j++
			}
			continue
		}
		var dst **int64
		switch string(key) {
		case "total-vm":
			dst = &k.TotalVMKB
		case "anon-rss":
			dst = &k.AnonRSSKB
		case "file-rss":
			dst = &k.FileRSSKB
		case "shmem-rss":
			dst = &k.ShmemRSSKB
		case "pgtables":
			dst = &k.PgtablesKB
		case "UID", "oom_score_adj":
			v := val
			neg := len(v) > 0 && v[0] == '-'
			if neg {
				v = v[1:]
			}
			num, n := atoiPrefix(v)
			if n == 0 || n != len(v) {
				continue
			}
			if neg {
				num = -num
			}
			if string(key) == "UID" {
				k.UID = iptr(int(num))
			} else {
				k.OOMScoreAdj = iptr(int(num))
			}
			continue
		default:
			continue
		}
		seen[string(key)] = true
		switch num, res := kernelSize(val); res {
		case units.OK:
			*dst = i64(num)
		case units.TooLarge:
			unfit = append(unfit, units.TooLargeText("kill line: "+string(key), string(val)))
		default: // the kernel prints %lu: a sign or other text is no size
			unfit = append(unfit, "kill line: "+string(key)+" "+strconv.Quote(string(val))+" is not a size: left unknown")
		}
	}
	return unfit
}

// killForm names the form of kill line k (kernel-oom-formats) from the
// fields it printed: seen holds its size keys.
func killForm(k *KillLine, seen map[string]bool) string {
	switch {
	case seen["pgtables"] || k.OOMScoreAdj != nil:
		return "K6"
	case k.UID != nil && k.Message != "":
		return "K5-RHEL8"
	case seen["shmem-rss"] && k.Message != "":
		return "K5"
	case seen["shmem-rss"]:
		return "K4"
	case seen["total-vm"]:
		return "K3"
	case k.Message != "":
		return "K1"
	}
	return "K2"
}

// parseReap: "oom_reaper: reaped process 6439 (tracker-miner-f), now anon-rss:0kB, file-rss:0kB, shmem-rss:4kB",
// "oom_reaper: unable to reap pid:1234 (java)".
func parseReap(t []byte) (rl ReapLine, ok bool, unfit []string) {
	rest := t[len("oom_reaper: "):]
	switch {
	case bytes.HasPrefix(rest, []byte("reaped process ")):
		rest = rest[len("reaped process "):]
		rl.Reaped = true
	case bytes.HasPrefix(rest, []byte("unable to reap pid:")):
		rest = rest[len("unable to reap pid:"):]
	default:
		return rl, false, nil
	}
	pid, n := atoiPrefix(rest)
	if n == 0 || n+2 > len(rest) || rest[n] != ' ' || rest[n+1] != '(' {
		return rl, false, nil
	}
	rl.Pid = int(pid)
	rest = rest[n+2:]
	e := bytes.LastIndex(rest, []byte("), now "))
	if e < 0 {
		e = bytes.LastIndexByte(rest, ')')
		if e < 0 {
			return rl, false, nil
		}
		rl.Comm = string(rest[:e])
		return rl, true, nil
	}
	rl.Comm = string(rest[:e])
	for _, x := range bytes.Fields(bytes.ReplaceAll(rest[e+len("), now "):], []byte(","), []byte(" "))) {
		key, val, ok := bytes.Cut(x, []byte(":"))
		if !ok {
			continue
		}
		var dst **int64
		switch string(key) {
		case "anon-rss":
			dst = &rl.AnonRSSKB
		case "file-rss":
			dst = &rl.FileRSSKB
		case "shmem-rss":
			dst = &rl.ShmemRSSKB
		default:
			continue
		}
		switch num, res := kernelSize(val); res {
		case units.OK:
			*dst = i64(num)
		case units.TooLarge:
			unfit = append(unfit, units.TooLargeText("oom_reaper: "+string(key), string(val)))
		}
	}
	return rl, true, unfit
}

// parseConstraint splits "oom-kill:constraint=…,nodemask=…,cpuset=…,mems_allowed=…,
// oom_memcg=…|global_oom,task_memcg=…,task=…,pid=…,uid=…" on the known keys
// (node lists contain commas; task= is read from the right).
func parseConstraint(t []byte) (ConstraintLine, bool) {
	var c ConstraintLine
	s := string(t[len("oom-kill:"):])
	if !strings.HasPrefix(s, "constraint=") {
		return c, false
	}
	// from the right: ,uid= ,pid= ,task=
	if i := strings.LastIndex(s, ",uid="); i >= 0 {
		if v, err := strconv.Atoi(s[i+5:]); err == nil {
			c.UID = iptr(v)
		}
		s = s[:i]
	}
	if i := strings.LastIndex(s, ",pid="); i >= 0 {
		if v, err := strconv.Atoi(s[i+5:]); err == nil {
			c.Pid = iptr(v)
		}
		s = s[:i]
	}
	if i := strings.LastIndex(s, ",task="); i >= 0 {
		c.Task = s[i+6:]
		s = s[:i]
	}
	if i := strings.LastIndex(s, ",task_memcg="); i >= 0 {
		v := s[i+12:]
		c.TaskMemcg = &v
		s = s[:i]
	}
	if i := strings.LastIndex(s, ",global_oom"); i >= 0 && i+len(",global_oom") == len(s) {
		c.GlobalOOM = true
		s = s[:i]
	} else if i := strings.Index(s, ",oom_memcg="); i >= 0 {
		v := s[i+11:]
		c.OOMMemcg = &v
		s = s[:i]
	}
	if i := strings.Index(s, ",mems_allowed="); i >= 0 {
		v := s[i+14:]
		c.MemsAllowed = &v
		s = s[:i]
	}
	if i := strings.Index(s, ",cpuset="); i >= 0 {
		v := s[i+8:]
		c.Cpuset = &v
		s = s[:i]
	}
	if i := strings.Index(s, ",nodemask="); i >= 0 {
		c.Nodemask = s[i+10:]
		s = s[:i]
	}
	c.Constraint = strings.TrimPrefix(s, "constraint=")
	return c, true
}

// isTaskHeader: "[ pid ]   uid  tgid total_vm      rss …" / "[  pid  ] …".
func isTaskHeader(t []byte) bool {
	t = bytes.TrimSpace(t)
	if len(t) < 10 || t[0] != '[' {
		return false
	}
	e := bytes.IndexByte(t, ']')
	if e < 0 || !bytes.Equal(bytes.TrimSpace(t[1:e]), []byte("pid")) {
		return false
	}
	return bytes.Contains(t[e:], []byte("uid")) && bytes.Contains(t[e:], []byte("total_vm"))
}

// isTaskRow: "[23143]     0 23143   528095 …" (pids overflow their columns).
func isTaskRow(t []byte) bool {
	if len(t) < 4 || t[0] != '[' {
		return false
	}
	i := 1
	for i < len(t) && t[i] == ' ' {
		i++
	}
	_, n := atoiPrefix(t[i:])
	if n == 0 || i+n >= len(t) || t[i+n] != ']' {
		return false
	}
	rest := t[i+n+1:]
	var buf [6][]byte
	f := fields(rest, buf[:])
	if len(f) < 6 {
		return false
	}
	for _, x := range f[:5] {
		if _, ok := parseDec(x); !ok {
			return false
		}
	}
	return true
}

// parseDec is strconv.ParseInt(string(b), 10, 64) without allocating:
// an optional sign and decimal digits, false when out of range.
func parseDec(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if u > (1<<63)/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
		if u > 1<<63 {
			return 0, false
		}
	}
	if neg {
		return -int64(u), true // -(1<<63) wraps to itself: MinInt64
	}
	if u == 1<<63 {
		return 0, false
	}
	return int64(u), true
}

// taskColumns reads the header columns and names the layout (§1.9).
func taskColumns(t []byte, afterTasksState bool) ([]string, string) {
	t = bytes.TrimSpace(t)
	e := bytes.IndexByte(t, ']')
	var cols []string
	for _, f := range bytes.Fields(t[e+1:]) {
		cols = append(cols, string(f))
	}
	wide := bytes.HasPrefix(t, []byte("[  pid  ]"))
	has := func(s string) bool {
		for _, c := range cols {
			if c == s {
				return true
			}
		}
		return false
	}
	switch {
	case has("rss_anon"):
		return cols, "T7"
	case has("pgtables_bytes") && (wide || afterTasksState):
		return cols, "T6"
	case has("pgtables_bytes"):
		return cols, "T5"
	case has("nr_pmds"):
		return cols, "T4"
	case has("nr_ptes"):
		return cols, "T3"
	case has("oom_score_adj") && has("cpu"):
		return cols, "T2"
	case has("oom_adj"):
		return cols, "T1"
	}
	return cols, ""
}

// guessColumns infers the layout of a row seen without its header.
func guessColumns(t []byte, nums []int64) ([]string, string) {
	wide := false
	if e := bytes.IndexByte(t, ']'); e > 6 { // "[%7d]"
		wide = true
	}
	switch len(nums) {
	case 10:
		return []string{"uid", "tgid", "total_vm", "rss", "rss_anon", "rss_file", "rss_shmem", "pgtables_bytes", "swapents", "oom_score_adj", "name"}, "T7"
	case 8:
		return []string{"uid", "tgid", "total_vm", "rss", "nr_ptes", "nr_pmds", "swapents", "oom_score_adj", "name"}, "T4"
	case 7:
		if nums[4] >= 4096 && nums[4]%1024 == 0 {
			if wide {
				return []string{"uid", "tgid", "total_vm", "rss", "pgtables_bytes", "swapents", "oom_score_adj", "name"}, "T6"
			}
			return []string{"uid", "tgid", "total_vm", "rss", "pgtables_bytes", "swapents", "oom_score_adj", "name"}, "T5"
		}
		return []string{"uid", "tgid", "total_vm", "rss", "nr_ptes", "swapents", "oom_score_adj", "name"}, "T3"
	case 6:
		return []string{"uid", "tgid", "total_vm", "rss", "cpu", "oom_adj", "name"}, "T1"
	}
	return nil, ""
}

// taskVals holds the optional columns of the row parseTaskRow returned.
type taskVals struct {
	i64  [7]int64
	ints [3]int
}

// parseTaskRow splits a row on whitespace against the table's columns.
// The row's optional columns point into vals (no allocation per row): the
// row is only good until the next call with the same vals.
func parseTaskRow(t []byte, tt *TaskTable, vals *taskVals) (TaskRow, bool) {
	var row TaskRow
	i := 1
	for i < len(t) && t[i] == ' ' {
		i++
	}
	pid, n := atoiPrefix(t[i:])
	row.Pid = int(pid)
	rest := t[i+n+1:]
	// leading integer fields and where the name starts
	var numsBuf [16]int64
	nums := numsBuf[:0]
	pos := 0
	nameAt := -1
	for {
		for pos < len(rest) && rest[pos] == ' ' {
			pos++
		}
		if pos >= len(rest) {
			break
		}
		end := pos
		for end < len(rest) && rest[end] != ' ' {
			end++
		}
		want := len(tt.Columns) - 1
		if len(tt.Columns) == 0 {
			want = -1
		}
		if want >= 0 && len(nums) == want {
			nameAt = pos
			break
		}
		v, ok := parseDec(rest[pos:end])
		if !ok {
			nameAt = pos
			break
		}
		nums = append(nums, v)
		pos = end
	}
	cols := tt.Columns
	if len(cols) == 0 {
		// no header: the last numeric field may be the name ("1234")? keep all
		c, layout := guessColumns(t, nums)
		if c == nil {
			return row, false
		}
		tt.Columns, tt.Layout = c, layout
		cols = c
	}
	if len(nums) != len(cols)-1 {
		return row, false
	}
	if nameAt >= 0 {
		row.Name = string(bytes.TrimSpace(rest[nameAt:]))
	}
	for j, c := range cols[:len(cols)-1] {
		v := nums[j]
		switch c {
		case "uid":
			row.UID = int(v)
		case "tgid":
			row.Tgid = int(v)
		case "total_vm":
			row.TotalVM = v
		case "rss":
			row.RSS = v
		case "rss_anon":
			vals.i64[0] = v
			row.RSSAnon = &vals.i64[0]
		case "rss_file":
			vals.i64[1] = v
			row.RSSFile = &vals.i64[1]
		case "rss_shmem":
			vals.i64[2] = v
			row.RSSShmem = &vals.i64[2]
		case "nr_ptes":
			vals.i64[3] = v
			row.NrPtes = &vals.i64[3]
		case "nr_pmds":
			vals.i64[4] = v
			row.NrPmds = &vals.i64[4]
		case "pgtables_bytes":
			vals.i64[5] = v
			row.PgtablesBytes = &vals.i64[5]
		case "swapents":
			vals.i64[6] = v
			row.Swapents = &vals.i64[6]
		case "cpu":
			vals.ints[0] = int(v)
			row.CPU = &vals.ints[0]
		case "oom_adj":
			vals.ints[1] = int(v)
			row.OOMAdj = &vals.ints[1]
		case "oom_score_adj":
			vals.ints[2] = int(v)
			row.OOMScoreAdj = &vals.ints[2]
		}
	}
	return row, true
}
