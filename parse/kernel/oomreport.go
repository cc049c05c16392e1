package kernel

// This file is the OOM report state machine (idle → header → mem-info /
// memcg → task table → kill → reaper) and the parsers of each report line.
// The lines of one report, in the 4.15 and 6.18 forms:
//
//	pip3 invoked oom-killer: gfp_mask=0x14280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), nodemask=(null),  order=0, oom_score_adj=0
//	pip3 cpuset=/ mems_allowed=0
//	CPU: 1 PID: 23143 Comm: pip3 Not tainted 4.15.0-65-generic #74-Ubuntu
//	Mem-Info:
//	active_anon:435929 inactive_anon:38964 isolated_anon:0
//	 active_file:… free:13176 free_pcp:62 free_cma:0
//	Node 0 active_anon:1743716kB inactive_anon:155856kB … all_unreclaimable? no
//	Node 0 DMA32 free:44696kB min:44892kB low:56112kB high:67332kB …
//	Free swap  = 0kB
//	Total swap = 969964kB
//	524157 pages RAM
//	[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
//	[23143]     0 23143   528095   435853  3997696    39263             0 pip3
//	Out of memory: Kill process 23143 (pip3) score 613 or sacrifice child
//	Killed process 23143 (pip3) total-vm:2112380kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB
//	oom_reaper: reaped process 23143 (pip3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB
//
//	memory: usage 49152kB, limit 49152kB, failcnt 86
//	memory+swap: usage 49152kB, limit 9007199254740988kB, failcnt 0
//	Memory cgroup stats for /process_api/d6dbc6f412cc7d3401e5ee1284f5853b/oomdemo:
//	rss 50130944
//	Tasks state (memory values in pages):
//	[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name
//	[  25010]     0 25010    15788    13565    12224     1341         0   163840        0             0 python3
//	oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/…/oomdemo,task_memcg=/…/oomdemo,task=python3,pid=25010,uid=0
//	Memory cgroup out of memory: Killed process 25010 (python3) total-vm:63152kB, anon-rss:48896kB, file-rss:5364kB, shmem-rss:0kB, UID:0 pgtables:160kB oom_score_adj:0

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oomlens/oomlens/units"
)

// report sections the builder is in (which continuation lines it expects)
const (
	secNone = iota
	secMemInfo
	secStats
	secTasks
	secSlab
)

type reportBuilder struct {
	r        *OOMReport
	sec      int
	lines    int
	killed   bool
	statsN   int // number of "Memory cgroup stats for" headers seen
	cpusetAt int // line of a "comm cpuset=" fragment waiting for its name
	// consText is the oom-kill: line's text so far, while it lacks its
	// ",task=…,pid=…,uid=…" end (pr_cont fragments split across records).
	consText []byte
	endSecs  float64
	haveEnd  bool
	// rowsCapped is set once the task table reached maxTaskRows.
	rowsCapped bool
	// rowVals holds the optional columns of the row being added.
	rowVals taskVals
	// rowsHint is the task-table encoding capacity to start with (sizeHint).
	rowsHint int
}

func (rb *reportBuilder) finish() *OOMReport {
	rb.trim()
	return rb.r
}

func stampSecs(st *kstamp) (float64, bool) {
	if st.hasSecs {
		return st.secs, true
	}
	if st.hasWall {
		return float64(st.wall.UnixNano()) / 1e9, true
	}
	return 0, false
}

func secondsDuration(s float64) time.Duration { return time.Duration(s * 1e9) }

func (p *kParser) addLine(rb *reportBuilder, ll *logical) {
	r := rb.r
	if len(r.Lines) > 0 && r.Lines[len(r.Lines)-1].Line == ll.ref.Line {
		// a logical line of the same physical line (#012, \x0a)
	} else if len(r.Lines) < maxReportLine {
		r.Lines = append(r.Lines, p.quote(ll))
	}
	if ll.ref.Line > r.End.Line {
		r.End = ll.ref
	}
	if r.Start.Line == 0 || ll.ref.Line < r.Start.Line {
		r.Start = ll.ref
	}
	if s, ok := stampSecs(&ll.k.stamp); ok {
		rb.endSecs, rb.haveEnd = s, true
	}
	if ll.ref.Line > p.consumed {
		p.consumed = ll.ref.Line
	}
}

func (p *kParser) newReport(ll *logical, cutWhy string) *reportBuilder {
	p.closeReport("next report began before a kill line")
	rb := &reportBuilder{r: &OOMReport{Path: p.path, Boot: p.bootIndex(), Start: ll.ref, End: ll.ref}}
	if n := len(p.all); n > 0 {
		prev := p.all[n-1].r
		if c := sizeHint(len(prev.Lines)); c > 0 {
			rb.r.Lines = make([]Quote, 0, min(c, maxReportLine))
		}
		if prev.Tasks != nil {
			rb.rowsHint = sizeHint(prev.Tasks.rows.size())
		}
	}
	if cutWhy != "" {
		rb.r.Cut, rb.r.CutWhy = true, cutWhy
	}
	p.all = append(p.all, rb)
	p.recent = append(p.recent, rb)
	if len(p.recent) > 16 {
		p.recent = p.recent[1:]
	}
	if p.manual != nil {
		if s, ok := stampSecs(&ll.k.stamp); !ok || p.manualSecs == nil || s-*p.manualSecs < 30 {
			rb.r.Manual = p.manual
			for _, q := range []Quote{*p.manual} {
				if len(rb.r.Lines) < maxReportLine {
					rb.r.Lines = append(rb.r.Lines, q)
				}
			}
			rb.r.Start = p.manual.Ref
		}
		p.manual = nil
	}
	return rb
}

// closeReport leaves report mode.
func (p *kParser) closeReport(why string) {
	rb := p.cur
	if rb == nil {
		return
	}
	p.cur = nil
	r := rb.r
	rb.trim()
	if len(r.Kills) == 0 && r.NoKillable == nil && r.Panic == nil {
		if !r.Cut {
			r.Cut, r.CutWhy = true, why
		} else if !strings.Contains(r.CutWhy, why) {
			r.CutWhy += "; " + why
		}
		if rb.sec == secTasks && r.Tasks != nil {
			r.Tasks.Cut = true
		}
	}
}

// kernelOrigin is false for lines another program logged (a kill line
// quoted by node-problem-detector or containerd is not a kill).
func kernelOrigin(ll *logical) bool {
	return ll.k.ident == "" || ll.k.ident == "kernel"
}

// logical handles one logical line.
func (p *kParser) logical(ll *logical, data []byte, at int) {
	t := bytes.TrimRight(ll.text, " \t")
	if len(t) == 0 {
		return
	}
	// leave report mode on a gap or budget
	if rb := p.cur; rb != nil {
		rb.lines++
		if s, ok := stampSecs(&ll.k.stamp); ok && rb.haveEnd && s-rb.endSecs > reportGap {
			p.closeReport("no kill line within 60 s")
		} else if rb.lines > reportBudget {
			p.closeReport("no kill line within the line budget")
		}
	}
	ko := kernelOrigin(ll)
	if ko {
		if p.kernelVocab(ll, t, data, at) {
			return
		}
		if rb := p.cur; rb != nil {
			if p.consFragment(rb, ll, t) {
				return
			}
			if p.body(rb, ll, t) {
				p.addLine(rb, ll)
				if gluedKill(t) {
					p.addUnknown(ll) // a kill or header line lost its own line
				}
				return
			}
			if n := len(rb.r.Lines); n < maxReportLine && (n == 0 || rb.r.Lines[n-1].Line != ll.ref.Line) {
				// interleaved or unparsed line, kept as context: it does not
				// extend the report (End) nor reset the 60 s gap
				rb.r.Lines = append(rb.r.Lines, p.quote(ll))
			}
		}
		if p.kernelEvent(ll, t) {
			return
		}
	}
	if p.userspace(ll, t) {
		return
	}
	if (p.cur == nil || !ko) && mentionsOOM(t) && !benignOOM(t) && !(ko && isBodyLine(t) && !gluedKill(t)) {
		p.addUnknown(ll)
	}
}

// consFragments are the ",key=" pieces the oom-kill: line is printed in
// (oom_kill.c, mm/memcontrol.c and cpuset.c each pr_cont one).
var consFragments = [][]byte{[]byte(",nodemask="), []byte(",cpuset="), []byte(",mems_allowed="), []byte(",oom_memcg="),
	[]byte(",global_oom"), []byte(",task_memcg="), []byte(",task="), []byte(",pid="), []byte(",uid=")}

// consFragment joins t to the report's oom-kill: line when that line was
// cut before its ",task=…,pid=…,uid=…" end and t is a record holding the
// rest (pr_cont fragments land in records of their own when CPUs print at
// once, kernel-oom-formats §1.10); true when consumed.
func (p *kParser) consFragment(rb *reportBuilder, ll *logical, t []byte) bool {
	if rb.consText == nil || rb.r.Constraint == nil || len(t) < 2 || t[0] != ',' {
		return false
	}
	known := false
	for _, f := range consFragments {
		if bytes.HasPrefix(t, f) {
			known = true
			break
		}
	}
	if !known {
		return false
	}
	joined := append(rb.consText, t...)
	c, ok := parseConstraint(joined)
	if !ok {
		return false
	}
	c.Ref = rb.r.Constraint.Ref
	c.Continued = append(rb.r.Constraint.Continued, ll.ref)
	*rb.r.Constraint = c
	rb.consText = joined
	if c.Pid != nil {
		rb.consText = nil
	}
	p.addLine(rb, ll)
	return true
}

// kernelVocab handles the report-defining kernel lines; true when consumed.
func (p *kParser) kernelVocab(ll *logical, t []byte, data []byte, at int) bool {
	switch {
	case bytes.Contains(t, []byte(" invoked oom-killer: ")):
		return p.onTrigger(ll, t)
	case bytes.Contains(t, []byte("Killed process ")):
		k, ok, unfit := ParseKillLine(t)
		if !ok {
			return false
		}
		p.warnAll(ll.ref.Line, unfit)
		k.Ref, k.Stamp = ll.ref, ll.k.stamp.stamp()
		p.onKill(ll, k, data, at)
		return true
	case bytes.Contains(t, []byte(" sharing same memory")) && bytes.HasPrefix(t, []byte("Kill process ")),
		bytes.HasPrefix(t, []byte("oom killer ")) && bytes.Contains(t, []byte(" has mm pinned by ")),
		bytes.Contains(t, []byte(" is already exiting. Skip killing the task")),
		bytes.HasPrefix(t, []byte("Would have killed process ")):
		if rb := p.attachTarget(ll, 10); rb != nil {
			p.addLine(rb, ll)
		}
		return true
	case (bytes.Contains(t, []byte("Kill process ")) || bytes.Contains(t, []byte("kill process "))) && bytes.Contains(t, []byte(" score ")):
		s, ok := parseSelect(t)
		if !ok {
			return false
		}
		s.Ref, s.Stamp = ll.ref, ll.k.stamp.stamp()
		rb := p.cur
		if rb == nil || rb.r.Select != nil || len(rb.r.Kills) > 0 {
			rb = p.openHeaderless(ll, data, at)
		}
		rb.r.Select = &s
		p.addLine(rb, ll)
		p.clockPoint(ll)
		return true
	case bytes.HasPrefix(t, []byte("oom-kill:")):
		c, ok := parseConstraint(t)
		if !ok {
			return false
		}
		c.Ref = ll.ref
		rb := p.cur
		if rb == nil || rb.r.Constraint != nil || len(rb.r.Kills) > 0 {
			rb = p.openHeaderless(ll, data, at)
		}
		rb.r.Constraint = &c
		rb.consText = nil
		if c.Pid == nil {
			rb.consText = append([]byte(nil), t...)
		}
		p.addLine(rb, ll)
		return true
	case bytes.HasPrefix(t, []byte("oom_reaper: ")):
		return p.onReap(ll, t)
	case bytes.HasPrefix(t, []byte("Tasks in ")) && bytes.HasSuffix(t, []byte(" are going to be killed due to memory.oom.group set")):
		q := p.quote(ll)
		rb := p.attachTarget(ll, 10)
		if rb == nil {
			rb = p.newReport(ll, "memory.oom.group line without its report")
		}
		rb.r.OOMGroup = &q
		p.addLine(rb, ll)
		return true
	case bytes.HasPrefix(t, []byte("Out of memory and no killable processes")):
		q := p.quote(ll)
		rb := p.cur
		if rb == nil {
			rb = p.newReport(ll, noTrigger)
		}
		rb.r.NoKillable = &q
		p.addLine(rb, ll)
		p.cur = nil
		return true
	case bytes.Contains(t, []byte("Manual OOM execution")):
		q := p.quote(ll)
		p.manual = &q
		if s, ok := stampSecs(&ll.k.stamp); ok {
			p.manualSecs = &s
		} else {
			p.manualSecs = nil
		}
		return true
	case bytes.HasPrefix(t, []byte("Kernel panic - not syncing: ")):
		p.onPanic(ll, t)
		return true
	case bytes.HasPrefix(t, []byte("---[ end Kernel panic - not syncing: ")):
		if rb := p.attachTarget(ll, 10); rb != nil && rb.r.Panic != nil {
			p.addLine(rb, ll)
		} else if mentionsOOM(t) {
			// the end of an OOM panic whose panic line was not read
			p.addUnknown(ll)
		}
		return true
	case p.cur == nil && isTaskHeader(t):
		p.openHeaderless(ll, data, at)
		return false // the body parser reads the header
	}
	return false
}

// noTrigger is why a report that begins without its trigger line is cut.
const noTrigger = "no trigger line (header rate-limited or not in the log)"

// openHeaderless opens a report that begins at ll without its trigger line
// and reads back the report body just above it (lookback).
func (p *kParser) openHeaderless(ll *logical, data []byte, at int) *reportBuilder {
	rb := p.newReport(ll, noTrigger)
	p.cur = rb
	p.lookback(rb, ll, data, at)
	return rb
}

// onTrigger opens a report at its "… invoked oom-killer: …" line; false
// when t does not parse as one.
func (p *kParser) onTrigger(ll *logical, t []byte) bool {
	tr, ok := parseTrigger(t)
	if !ok {
		return false
	}
	tr.Ref, tr.Stamp = ll.ref, ll.k.stamp.stamp()
	rb := p.newReport(ll, "")
	rb.r.Trigger = &tr
	if tr.Order != nil && *tr.Order == -1 && rb.r.Manual == nil {
		q := p.quote(ll)
		rb.r.Manual = &q
	}
	p.cur = rb
	p.addLine(rb, ll)
	p.clockPoint(ll)
	return true
}

// onReap places an oom_reaper line: in the recent report whose kill line
// names its pid, else in the report reaperTarget picks, else in a report
// of its own; false when t does not parse as one.
func (p *kParser) onReap(ll *logical, t []byte) bool {
	rl, ok, unfit := parseReap(t)
	if !ok {
		return false
	}
	p.warnAll(ll.ref.Line, unfit)
	rl.Ref, rl.Stamp = ll.ref, ll.k.stamp.stamp()
	for i := len(p.recent) - 1; i >= 0; i-- {
		rb := p.recent[i]
		for _, k := range rb.r.Kills {
			if k.Pid == rl.Pid && !reaped(rb.r, rl.Pid) {
				rb.r.Reaped = append(rb.r.Reaped, rl)
				p.addLine(rb, ll)
				return true
			}
		}
	}
	// No kill line named the pid: the kill line was lost (records cut
	// from /dev/kmsg, a grep that missed it). The reaper only reaps OOM
	// victims, so the line belongs to the open report, or to a recent
	// report that lists the pid and has no kill line.
	if rb := p.reaperTarget(ll, rl.Pid); rb != nil {
		rb.r.Reaped = append(rb.r.Reaped, rl)
		p.addLine(rb, ll)
		if p.cur == rb {
			rb.sec = secNone // the table ended: the reaper line comes after the kill
			p.closeReport("no kill line (the oom_reaper line names the victim)")
		}
		return true
	}
	rb := p.newReport(ll, "oom_reaper line without its kill line")
	rb.r.Reaped = append(rb.r.Reaped, rl)
	p.addLine(rb, ll)
	p.cur = nil
	return true
}

// onPanic keeps a "Kernel panic - not syncing: …" line as an event and,
// when the panic is an OOM one, ends the report it belongs to with it.
func (p *kParser) onPanic(ll *logical, t []byte) {
	q := p.quote(ll)
	p.addEvent(Event{Ref: ll.ref, Boot: p.bootIndex(), Stamp: ll.k.stamp.stamp(), Kind: "kernel-panic", Text: q.Text})
	low := lowerASCII(t)
	if !bytes.Contains(low, []byte("out of memory")) && !bytes.Contains(low, []byte("deadlocked on memory")) && !bytes.Contains(low, []byte("panic_on_oom")) {
		return
	}
	rb := p.cur
	if rb == nil {
		rb = p.attachTarget(ll, 120)
	}
	if rb == nil {
		rb = p.newReport(ll, "kernel panic without its report")
	}
	rb.r.Panic = &q
	p.addLine(rb, ll)
	p.cur = nil
}

// reaperTarget is the report an oom_reaper line belongs to when no kill
// line named its pid: the open report without a kill (unless it lists other
// tasks but not this one), else the newest report of the last 60 s without
// a kill that lists the pid.
func (p *kParser) reaperTarget(ll *logical, pid int) *reportBuilder {
	if rb := p.cur; rb != nil && len(rb.r.Kills) == 0 && !reaped(rb.r, pid) && rb.r.NoKillable == nil {
		if victimListed(rb.r, pid) || rb.r.Tasks.Len() == 0 && (rb.r.Constraint == nil || rb.r.Constraint.Pid == nil) {
			return rb
		}
	}
	s, hasSecs := stampSecs(&ll.k.stamp)
	for i := len(p.recent) - 1; i >= 0; i-- {
		rb := p.recent[i]
		if len(rb.r.Kills) > 0 || reaped(rb.r, pid) || rb.r.NoKillable != nil || !victimListed(rb.r, pid) {
			continue
		}
		if hasSecs && rb.haveEnd && (s-rb.endSecs > reportGap || s < rb.endSecs-1) {
			continue
		}
		return rb
	}
	return nil
}

func reaped(r *OOMReport, pid int) bool {
	for _, x := range r.Reaped {
		if x.Pid == pid {
			return true
		}
	}
	return false
}

// attachTarget is the open report, or the last report of this boot if it
// ended at most window seconds before ll.
func (p *kParser) attachTarget(ll *logical, window float64) *reportBuilder {
	if p.cur != nil {
		return p.cur
	}
	if len(p.recent) == 0 {
		return nil
	}
	rb := p.recent[len(p.recent)-1]
	if s, ok := stampSecs(&ll.k.stamp); ok && rb.haveEnd {
		if s-rb.endSecs > window || s < rb.endSecs-1 {
			return nil
		}
	}
	return rb
}

// onKill places a kill line: in the open report, as a memory.oom.group
// member of the last report, or as a new headerless report.
func (p *kParser) onKill(ll *logical, k KillLine, data []byte, at int) {
	rb := p.cur
	if rb != nil && len(rb.r.Kills) > 0 && rb.r.OOMGroup == nil {
		rb = nil
	}
	// SMP interleave: the open report does not name the victim (not yet, or
	// not at all), but an earlier report cut by this one's header does.
	if rb != nil && !victimListed(rb.r, k.Pid) {
		for i := len(p.recent) - 1; i >= 0; i-- {
			o := p.recent[i]
			if o == rb || len(o.r.Kills) > 0 || !o.r.Cut || !victimListed(o.r, k.Pid) {
				continue
			}
			if s, ok := stampSecs(&ll.k.stamp); ok && o.haveEnd && s-o.endSecs > 10 {
				continue
			}
			o.r.Kills = append(o.r.Kills, k)
			o.r.Cut, o.r.CutWhy = false, ""
			if o.r.Tasks != nil {
				o.r.Tasks.Cut = false
			}
			p.addLine(o, ll)
			p.clockPoint(ll)
			return
		}
	}
	if rb == nil {
		if last := p.attachTarget(ll, 10); last != nil && last.r.OOMGroup != nil && len(last.r.Kills) > 0 {
			rb = last
		}
	}
	if rb == nil {
		rb = p.openHeaderless(ll, data, at)
	}
	rb.r.Kills = append(rb.r.Kills, k)
	rb.killed = true
	p.addLine(rb, ll)
	p.clockPoint(ll)
	if rb.sec == secTasks && rb.r.Tasks != nil {
		rb.sec = secNone
	}
	if p.cur == rb {
		p.cur = nil
		rb.trim()
	}
}

// trim gives back what append over-allocated in the report's long lists
// (up to half of each): a log of many reports keeps them all to the end.
// Lines added later (an oom_reaper line) append to the trimmed lists. A
// list sized from the previous report (sizeHint) is kept when its slack
// is small.
func (rb *reportBuilder) trim() {
	r := rb.r
	if slack(len(r.Lines), cap(r.Lines)) {
		r.Lines = slices.Clone(r.Lines)
	}
	if r.Tasks != nil {
		r.Tasks.trim()
	}
}

func slack(n, c int) bool { return c > n+n/4+8 }

// sizeHint is the capacity to start a report's list with, from the length
// of the same list in the previous report of the log (a machine's reports
// look alike): one allocation instead of a doubling slice and its copy.
func sizeHint(prev int) int {
	if prev == 0 {
		return 0
	}
	return prev + prev/8 + 4
}

// victimListed: pid is the oom-kill: victim or a task-table row of r.
func victimListed(r *OOMReport, pid int) bool {
	if r.Constraint != nil && r.Constraint.Pid != nil && *r.Constraint.Pid == pid {
		return true
	}
	return r.Tasks.hasPid(pid)
}

// lookback reads the lines just above a headerless report (same block) that
// look like report body: a cut report keeps its task rows, and a report
// whose header was cut or that a script or grep condensed (it starts at
// Mem-Info or in the middle of it, or holds only the "Total swap"/"Free
// swap" lines) keeps its Mem-Info and swap totals. Lines another program
// logged in between (syslog, journal) are stepped over. It stops at the
// first other line, at a line a report already took (an earlier kill's
// lines are never borrowed), at a line more than reportGap seconds before
// ll or after it (another boot), and it leaves a Mem-Info dump to the page
// allocation failure or SysRq show-memory that printed it.
func (p *kParser) lookback(rb *reportBuilder, ll *logical, data []byte, at int) {
	if data == nil || at <= 0 || at > len(data) {
		return
	}
	type prevLine struct {
		raw []byte
		no  int
		mem bool
	}
	var stack []prevLine
	end := at
	no := ll.ref.Line
	ks, hasKs := stampSecs(&ll.k.stamp)
	memTop := -1 // index in stack of the topmost Mem-Info line
	for n := 0; n < lookbackLines && end > 0; n++ {
		s := bytes.LastIndexByte(data[:end-1], '\n') + 1
		raw := bytes.TrimSuffix(data[s:end-1], []byte("\r"))
		no--
		if no <= p.consumed || no < 1 {
			break
		}
		d := decodeLine(raw, p.hint)
		t := bytes.TrimSpace(d.text)
		if len(t) > 0 && d.ident != "" && d.ident != "kernel" {
			end = s // another program's line between the kernel's
			continue
		}
		if hasKs {
			if s, ok := stampSecs(&d.stamp); ok && (ks-s > reportGap || s > ks+1) {
				break
			}
		}
		mem := false
		if !isBodyLine(t) {
			if !isMemInfoLine(t) {
				break
			}
			mem = true
			memTop = len(stack)
		}
		stack = append(stack, prevLine{raw, no, mem})
		end = s
	}
	if memTop >= 0 && p.showMemAbove(data, end, no) {
		// the Mem-Info lines (and the body lines above them) are another
		// dump's: keep only the lines below the lowest of them
		low := len(stack)
		for i := range stack {
			if stack[i].mem {
				low = i
				break
			}
		}
		stack = stack[:low]
	}
	for i := len(stack) - 1; i >= 0; i-- {
		d := decodeLine(stack[i].raw, p.hint)
		if d.ident != "" && d.ident != "kernel" {
			continue
		}
		l := logical{k: d, ref: Ref{Path: p.path, Line: stack[i].no}, raw: stack[i].raw, text: bytes.TrimSpace(d.text)}
		if stack[i].mem && rb.sec != secMemInfo && isSummaryLine(l.text) {
			// a Mem-Info summary whose "Mem-Info:" header was cut
			meminfo(rb.r, &l)
			rb.sec = secMemInfo
		}
		if p.body(rb, &l, l.text) {
			p.addLine(rb, &l)
		}
	}
}

// showMemAbove reports whether, in the few lines above data[:end] (whose
// last line is line no), a page allocation failure or a SysRq show-memory
// request printed the Mem-Info dump that follows, before any OOM trigger
// line or a line a report took.
func (p *kParser) showMemAbove(data []byte, end, no int) bool {
	for n := 0; n < 400 && end > 0; n++ {
		s := bytes.LastIndexByte(data[:end-1], '\n') + 1
		raw := data[s : end-1]
		if no <= p.consumed || no < 1 {
			return false
		}
		switch {
		case bytes.Contains(raw, []byte(" invoked oom-killer")), bytes.Contains(raw, []byte("Killed process ")):
			return false
		case bytes.Contains(raw, []byte("page allocation failure")), bytes.Contains(raw, []byte("page allocation stalls")),
			bytes.Contains(raw, []byte("Show Memory")), bytes.Contains(raw, []byte("show_mem")):
			return true
		}
		end = s
		no--
	}
	return false
}

// summaryKeys are the first keys of the Mem-Info summary lines
// (show_free_areas: "active_anon:…", " active_file:…", " unevictable:…",
// " slab_reclaimable:…", " mapped:…", " free:…", and the 2.6 forms).
var summaryKeys = [][]byte{[]byte("active_anon:"), []byte("inactive_anon:"), []byte("active_file:"), []byte("inactive_file:"),
	[]byte("isolated_anon:"), []byte("isolated_file:"), []byte("unevictable:"), []byte("dirty:"), []byte("writeback:"),
	[]byte("unstable:"), []byte("slab_reclaimable:"), []byte("slab_unreclaimable:"), []byte("mapped:"), []byte("shmem:"),
	[]byte("pagetables:"), []byte("sec_pagetables:"), []byte("bounce:"), []byte("kernel_misc_reclaimable:"),
	[]byte("free:"), []byte("free_pcp:"), []byte("free_cma:"), []byte("active:"), []byte("inactive:")}

// isSummaryLine: a Mem-Info summary line (every field key:pages, the first
// a known key).
func isSummaryLine(t []byte) bool {
	known := false
	for _, k := range summaryKeys {
		if bytes.HasPrefix(t, k) {
			known = true
			break
		}
	}
	if !known {
		return false
	}
	_, ok, _ := summaryKV(t, Ref{})
	return ok
}

// isMemInfoLine: a line of show_mem()'s dump as an OOM report prints it
// (lookback reads them above a headerless report).
func isMemInfoLine(t []byte) bool {
	switch {
	case bytes.Equal(t, []byte("Mem-Info:")), bytes.Equal(t, []byte("Mem-info:")),
		bytes.HasPrefix(t, []byte("Total swap = ")), bytes.HasPrefix(t, []byte("Free swap  = ")), bytes.HasPrefix(t, []byte("Free swap = ")),
		bytes.HasPrefix(t, []byte("lowmem_reserve[]:")), bytes.HasPrefix(t, []byte("Swap cache stats:")),
		bytes.Equal(t, []byte("Unreclaimable slab info:")):
		return true
	case bytes.HasPrefix(t, []byte("Node ")):
		f := bytes.Fields(t)
		if len(f) < 3 {
			return false
		}
		if _, err := strconv.Atoi(string(f[1])); err != nil {
			return false
		}
		return bytes.IndexByte(f[2], ':') > 0 || bytes.IndexByte(f[2], '=') > 0 || len(f) > 3 && (bytes.HasPrefix(f[3], []byte("free:")) || bytes.Equal(f[3], []byte("per-cpu:")))
	case bytes.HasPrefix(t, []byte("CPU ")) && bytes.Contains(t, []byte(" hi:")) && bytes.Contains(t, []byte("btch:")):
		return true
	case len(t) > 0 && isDigit(t[0]):
		sp := bytes.IndexByte(t, ' ')
		if sp <= 0 {
			return false
		}
		for _, c := range t[:sp] {
			if !isDigit(c) {
				return false
			}
		}
		switch string(t[sp+1:]) {
		case "pages RAM", "pages of RAM", "pages reserved", "reserved pages", "pages HighMem/MovableOnly", "pages HighMem",
			"pages in swap cache", "pages swap cached", "total pagecache pages", "pages cma reserved", "pages hwpoisoned",
			"pages shared", "pages non-shared", "pages in pagetable cache":
			return true
		}
		return false
	}
	return isSummaryLine(t)
}

// gluedKill reports whether a report body line also holds a kill, select
// or header phrase: two printk lines glued together when a newline was
// lost. The body fact is kept; the line is also unexplained. The phrases
// are those a line must never be lost with (README, "Nothing is lost"):
// "Killed process" with nothing after it is one too — a line cut right
// after the phrase (found by FuzzNothingLost).
func gluedKill(t []byte) bool {
	return bytes.Contains(t, []byte("Killed process")) || bytes.Contains(t, []byte("invoked oom-killer")) || bytes.Contains(t, []byte("Out of memory"))
}

// isBodyLine: lines read back above a headerless report.
func isBodyLine(t []byte) bool {
	t = bytes.TrimSpace(t)
	return isTaskRow(t) || isTaskHeader(t) || bytes.HasPrefix(t, []byte("Tasks state ")) || bytes.HasPrefix(t, []byte("oom-kill:constraint=")) ||
		bytes.HasPrefix(t, []byte("memory: usage ")) || bytes.HasPrefix(t, []byte("memory+swap: usage ")) ||
		bytes.HasPrefix(t, []byte("kmem: usage ")) || bytes.HasPrefix(t, []byte("swap: usage ")) ||
		bytes.HasPrefix(t, []byte("Memory cgroup stats for ")) || bytes.HasPrefix(t, []byte("Task in ")) ||
		isStackFrame(t)
}

// isStackFrame: " oom_kill_process+0x..." / " [<ffffffff8…>] dump_stack+0x45/0x56".
func isStackFrame(t []byte) bool {
	t = bytes.TrimSpace(t)
	t = bytes.TrimPrefix(t, []byte("? "))
	if bytes.HasPrefix(t, []byte("[<")) {
		return true
	}
	plus := bytes.Index(t, []byte("+0x"))
	if plus <= 0 || bytes.IndexByte(t[:plus], ' ') >= 0 {
		return false
	}
	return bytes.Contains(t[plus:], []byte("/0x"))
}

// body parses the lines between the trigger and the kill.
func (p *kParser) body(rb *reportBuilder, ll *logical, t []byte) bool {
	r := rb.r
	t = bytes.TrimSpace(t)
	switch {
	case bytes.HasPrefix(t, []byte("CPU: ")) && bytes.Contains(t, []byte(" PID: ")) && bytes.Contains(t, []byte(" Comm: ")),
		bytes.HasPrefix(t, []byte("Pid: ")) && bytes.Contains(t, []byte(", comm: ")):
		if r.CPULine != nil {
			return false
		}
		c, ok := parseCPULine(t)
		if !ok {
			return false
		}
		c.Ref = ll.ref
		r.CPULine = &c
		return true
	case bytes.Contains(t, []byte(" cpuset=")) && bytes.Contains(t, []byte(" mems_allowed=")):
		i := bytes.Index(t, []byte(" cpuset="))
		j := bytes.Index(t, []byte(" mems_allowed="))
		if j < i || r.Cpuset != nil {
			return false
		}
		r.Cpuset = &Cpuset{Ref: ll.ref, Cpuset: string(t[i+8 : j]), MemsAllowed: string(t[j+14:])}
		return true
	case bytes.HasSuffix(t, []byte(" cpuset=")) && r.Cpuset == nil:
		r.Cpuset = &Cpuset{Ref: ll.ref}
		rb.cpusetAt = ll.ref.Line
		return true
	case rb.cpusetAt > 0 && r.Cpuset != nil && bytes.HasPrefix(t, []byte("mems_allowed=")):
		r.Cpuset.MemsAllowed = string(t[len("mems_allowed="):])
		rb.cpusetAt = 0
		return true
	case rb.cpusetAt > 0 && r.Cpuset != nil && r.Cpuset.Cpuset == "" && bytes.IndexByte(t, ' ') < 0 && bytes.IndexByte(t, '=') < 0:
		r.Cpuset.Cpuset = string(t)
		return true
	case bytes.Equal(t, []byte("Mem-Info:")) || bytes.Equal(t, []byte("Mem-info:")):
		if r.MemInfo == nil {
			r.MemInfo = &MemInfo{Header: ll.ref}
		}
		rb.sec = secMemInfo
		return true
	case bytes.HasPrefix(t, []byte("Task in ")) && bytes.Contains(t, []byte(" killed as a result of limit of ")):
		m := memcg(r)
		q := p.quote(ll)
		m.TaskIn = &q
		i := bytes.Index(t, []byte(" killed as a result of limit of "))
		m.TaskMemcg = string(t[min(len("Task in "), i):i])
		m.LimitMemcg = string(t[i+len(" killed as a result of limit of "):])
		return true
	case bytes.HasPrefix(t, []byte("Memory limit reached of cgroup ")):
		m := memcg(r)
		q := p.quote(ll)
		m.TaskIn = &q
		m.LimitMemcg = string(t[len("Memory limit reached of cgroup "):])
		return true
	case bytes.HasPrefix(t, []byte("memory: usage ")), bytes.HasPrefix(t, []byte("memory+swap: usage ")),
		bytes.HasPrefix(t, []byte("kmem: usage ")), bytes.HasPrefix(t, []byte("swap: usage ")):
		return p.memcgCounter(r, ll, t)
	case bytes.HasPrefix(t, []byte("Memory cgroup stats for ")):
		p.memcgStatsFor(rb, ll, t)
		return true
	case bytes.HasPrefix(t, []byte("Tasks state (memory values in pages)")):
		rb.sec = secTasks
		return true
	case isTaskHeader(t):
		cols, layout := taskColumns(t, rb.sec == secTasks)
		if r.Tasks == nil {
			r.Tasks = &TaskTable{Header: ll.ref, Layout: layout, Columns: cols}
		}
		rb.sec = secTasks
		return true
	case isTaskRow(t):
		return p.taskRow(rb, ll, t)
	case bytes.Equal(t, []byte("Unreclaimable slab info:")):
		mi := meminfo(r, ll)
		q := p.quote(ll)
		mi.Unreclaimable = &q
		rb.sec = secSlab
		return true
	}
	if rb.sec == secStats || rb.sec == secSlab {
		if p.sectionLine(rb, ll, t) {
			return true
		}
	}
	return p.memInfoLine(rb, ll, t)
}

// memcgCounter parses a memcg counter line ("memory: usage 49152kB, limit
// 49152kB, failcnt 86", and the memory+swap, kmem and swap ones).
func (p *kParser) memcgCounter(r *OOMReport, ll *logical, t []byte) bool {
	c, ok, unfit := parseCounter(t)
	if len(unfit) > 0 {
		p.warnAll(ll.ref.Line, unfit)
		return true // a counter line, its sizes unknown
	}
	if !ok {
		return false
	}
	c.Ref = ll.ref
	m := memcg(r)
	switch {
	case t[0] == 'm' && t[6] == '+':
		m.MemSwap = &c
	case t[0] == 'm':
		m.Memory = &c
	case t[0] == 'k':
		m.Kmem = &c
	default:
		m.Swap = &c
	}
	return true
}

// memcgStatsFor parses a "Memory cgroup stats for /path:" header: the stats
// follow on lines of their own (secStats), or, in the old one-line form,
// after it ("…for /mem2: cache:0KB rss:980KB …"). Only the first header's
// stats are kept (the others are of the cgroup's children).
func (p *kParser) memcgStatsFor(rb *reportBuilder, ll *logical, t []byte) {
	m := memcg(rb.r)
	q := p.quote(ll)
	m.StatsFor = append(m.StatsFor, q)
	rest := t[len("Memory cgroup stats for "):]
	colon := bytes.LastIndex(rest, []byte(":"))
	first := rb.statsN == 0
	rb.statsN++
	if colon < 0 {
		if first {
			m.StatsPath = string(rest)
		}
		rb.sec = secStats
		return
	}
	// form f: "…for /mem2: cache:0KB rss:980KB …" (path may contain ':' — find ": " before a key)
	if sp := bytes.Index(rest, []byte(": ")); sp >= 0 && bytes.Contains(rest[sp:], []byte("KB")) {
		if first {
			m.StatsPath = string(rest[:sp])
			m.StatsInKB = true
			for _, f := range bytes.Fields(rest[sp+2:]) {
				c := bytes.IndexByte(f, ':')
				if c <= 0 {
					continue
				}
				switch n, res := kernelSize(f[c+1:]); res {
				case units.OK:
					m.Stats = append(m.Stats, KV{Key: string(f[:c]), Value: n, Ref: ll.ref})
				case units.TooLarge:
					p.warn(ll.ref.Line, "%s", units.TooLargeText("memcg stat "+string(f[:c]), string(f[c+1:])))
				}
			}
			m.StatsSource = append(m.StatsSource, ll.ref)
		}
		rb.sec = secNone
		return
	}
	if first {
		m.StatsPath = string(bytes.TrimSuffix(rest, []byte(":")))
	}
	rb.sec = secStats
}

// taskRow adds a task-table row (up to maxTaskRows; false when t does not
// parse as a row of the table).
func (p *kParser) taskRow(rb *reportBuilder, ll *logical, t []byte) bool {
	r := rb.r
	if r.Tasks == nil {
		r.Tasks = &TaskTable{}
	}
	row, ok := parseTaskRow(t, r.Tasks, &rb.rowVals)
	if !ok {
		return false
	}
	row.Ref = ll.ref
	if r.Tasks.rows.size() == 0 && rb.rowsHint > 0 {
		r.Tasks.rows.enc = make([]byte, 0, rb.rowsHint)
	}
	if r.Tasks.Len() >= maxTaskRows {
		if !rb.rowsCapped {
			rb.rowsCapped = true
			p.warn(ll.ref.Line, "task table longer than %d rows: the rest are not kept", maxTaskRows)
		}
		return true
	}
	r.Tasks.Append(row)
	rb.sec = secTasks
	return true
}

// sectionLine parses a line of the section the report is in: a memcg stat
// ("rss 50130944", first stats header only) or an unreclaimable slab row;
// false when t is neither (the Mem-Info parsers try it next).
func (p *kParser) sectionLine(rb *reportBuilder, ll *logical, t []byte) bool {
	if rb.sec == secStats {
		k, v, res := statLine(t)
		if res == units.Syntax {
			return false
		}
		m := memcg(rb.r)
		if res == units.TooLarge {
			if rb.statsN == 1 {
				p.warn(ll.ref.Line, "%s", units.TooLargeText("memcg stat "+k, string(bytes.TrimSpace(t[len(k):]))))
			}
			return true
		}
		if rb.statsN == 1 {
			m.Stats = append(m.Stats, KV{Key: k, Value: v, Ref: ll.ref})
			if n := len(m.StatsSource); n == 0 || m.StatsSource[n-1] != ll.ref {
				m.StatsSource = append(m.StatsSource, ll.ref)
			}
		}
		return true
	}
	row, res := parseSlabRow(t)
	switch {
	case res == units.TooLarge:
		p.warn(ll.ref.Line, "%s", units.TooLargeText("slab row", string(t)))
		return true
	case res == units.OK:
		row.Ref = ll.ref
		rb.r.SlabTop = append(rb.r.SlabTop, row)
		return true
	}
	return bytes.HasPrefix(t, []byte("Name "))
}

func memcg(r *OOMReport) *MemcgBlock {
	if r.Memcg == nil {
		r.Memcg = &MemcgBlock{}
	}
	return r.Memcg
}

func meminfo(r *OOMReport, ll *logical) *MemInfo {
	if r.MemInfo == nil {
		r.MemInfo = &MemInfo{Header: ll.ref}
	}
	return r.MemInfo
}

// memInfoLine parses the Mem-Info summary, node, zone, buddy, hugepage,
// swap and RAM lines.
func (p *kParser) memInfoLine(rb *reportBuilder, ll *logical, t []byte) bool {
	r := rb.r
	ref := ll.ref
	switch {
	case bytes.HasPrefix(t, []byte("Node ")):
		return p.nodeLine(r, ll, t)
	case bytes.HasPrefix(t, []byte("lowmem_reserve[]:")), bytes.HasPrefix(t, []byte("Swap cache stats:")),
		bytes.HasPrefix(t, []byte("CPU ")) && bytes.Contains(t, []byte(" hi:")) && bytes.Contains(t, []byte("btch:")):
		return rb.sec == secMemInfo || r.MemInfo != nil
	case bytes.HasPrefix(t, []byte("Free swap")):
		return p.swapLine(r, ll, t, true)
	case bytes.HasPrefix(t, []byte("Total swap = ")):
		return p.swapLine(r, ll, t, false)
	}
	// "<n> pages RAM", "<n> total pagecache pages", …
	if len(t) > 0 && isDigit(t[0]) {
		sp := bytes.IndexByte(t, ' ')
		if sp > 0 {
			n, res := kernelSize(t[:sp])
			if res == units.TooLarge && bytes.Contains(t[sp+1:], []byte("pages")) {
				p.warn(ref.Line, "%s", units.TooLargeText("Mem-Info", string(t[:sp])+" pages"))
				return r.MemInfo != nil || rb.sec == secMemInfo
			}
			if res == units.OK {
				rest := string(t[sp+1:])
				var dst **int64
				switch rest {
				case "pages RAM", "pages of RAM":
					mi := meminfo(r, ll)
					dst = &mi.PagesRAM
					rr := ref
					mi.PagesRAMRef = &rr
				case "pages reserved", "reserved pages":
					dst = &meminfo(r, ll).PagesReserved
				case "pages HighMem/MovableOnly", "pages HighMem":
					dst = &meminfo(r, ll).PagesHighMem
				case "pages in swap cache", "pages swap cached":
					dst = &meminfo(r, ll).PagesSwapCache
				case "total pagecache pages":
					dst = &meminfo(r, ll).PagecachePages
				case "pages cma reserved", "pages hwpoisoned", "pages shared", "pages non-shared", "pages in pagetable cache":
					if r.MemInfo == nil {
						return false
					}
					return true
				}
				if dst != nil {
					*dst = i64(n)
					return true
				}
			}
		}
	}
	if rb.sec == secMemInfo {
		if kvs, ok, unfit := summaryKV(t, ref); ok {
			p.warnAll(ref.Line, unfit)
			r.MemInfo.Counters = append(r.MemInfo.Counters, kvs...)
			return true
		}
	}
	return false
}

// nodeLine parses the Mem-Info lines that start with "Node <n> ": the
// node's counters, a zone's, a buddy list (for the page size), a per-cpu
// header, and the hugepage counts.
func (p *kParser) nodeLine(r *OOMReport, ll *logical, t []byte) bool {
	ref := ll.ref
	f := bytes.Fields(t)
	if len(f) < 3 {
		return false
	}
	node, err := strconv.Atoi(string(f[1]))
	if err != nil {
		return false
	}
	switch {
	case bytes.HasPrefix(f[2], []byte("hugepages_total=")):
		p.hugepagesLine(meminfo(r, ll), ref, f[2:])
		return true
	case bytes.HasSuffix(f[2], []byte(":")) && !bytes.Contains(f[2][:len(f[2])-1], []byte(":")) && len(f) > 3 && bytes.IndexByte(f[3], '*') > 0:
		// buddy line "Node 0 DMA: 5*4kB (UM) … = 7124kB"
		mi := meminfo(r, ll)
		if mi.PageSizeKB == nil {
			star := bytes.IndexByte(f[3], '*')
			// a page size: the kernel's are 4 kB to 256 kB
			if n, res := kernelSize(f[3][star+1:]); res == units.OK && n > 0 && n <= 1<<20 {
				mi.PageSizeKB = i64(n)
			}
		}
		return true
	case bytes.HasSuffix(f[2], []byte("per-cpu:")) || len(f) > 3 && bytes.Equal(f[3], []byte("per-cpu:")):
		return true
	case len(f) > 3 && bytes.IndexByte(f[2], ':') < 0 && bytes.HasPrefix(f[3], []byte("free:")):
		mi := meminfo(r, ll)
		fields, unfit := kbFields(f[3:], ref)
		p.warnAll(ref.Line, unfit)
		zl := ZoneLine{Ref: ref, Node: node, Zone: string(f[2]), Fields: fields}
		mi.Zones = append(mi.Zones, zl)
		if u := unreclaimable(f); u != nil {
			mi.AllUnreclaimNode = orBool(mi.AllUnreclaimNode, *u)
		}
		return true
	case bytes.IndexByte(f[2], ':') > 0:
		mi := meminfo(r, ll)
		fields, unfit := kbFields(f[2:], ref)
		p.warnAll(ref.Line, unfit)
		nl := NodeLine{Ref: ref, Node: node, Fields: fields}
		mi.Nodes = append(mi.Nodes, nl)
		if u := unreclaimable(f); u != nil {
			mi.AllUnreclaimNode = orBool(mi.AllUnreclaimNode, *u)
		}
		return true
	}
	return false
}

// hugepagesLine adds a node's "hugepages_total=0 hugepages_free=0
// hugepages_surp=0 hugepages_size=2048kB" fields f to mi (the counts
// summed over nodes and sizes, the first size kept).
func (p *kParser) hugepagesLine(mi *MemInfo, ref Ref, f [][]byte) {
	for _, x := range f {
		k, v, ok := bytes.Cut(x, []byte("="))
		if !ok {
			continue
		}
		n, res := kernelSize(v)
		if res == units.TooLarge {
			p.warn(ref.Line, "%s", units.TooLargeText("Mem-Info: "+string(k), string(v)))
		}
		if res != units.OK {
			continue
		}
		switch string(k) {
		case "hugepages_total":
			mi.HugepagesTotal = addPtr(mi.HugepagesTotal, n)
		case "hugepages_free":
			mi.HugepagesFree = addPtr(mi.HugepagesFree, n)
		case "hugepages_size":
			if mi.HugepageSizeKB == nil {
				mi.HugepageSizeKB = i64(n)
			}
		}
	}
	if mi.HugepagesRef == nil {
		rr := ref
		mi.HugepagesRef = &rr
	}
}

// swapLine parses "Free swap  = 0kB" (free; also "Free swap: 0kB") or
// "Total swap = 969964kB".
func (p *kParser) swapLine(r *OOMReport, ll *logical, t []byte, free bool) bool {
	v, pr, res := kbAfter(t, '=')
	if res == units.Syntax && free {
		v, pr, res = kbAfter(t, ':')
	}
	if res == units.Syntax {
		return false
	}
	mi := meminfo(r, ll)
	name, kb, at := "Total swap", &mi.TotalSwapKB, &mi.TotalSwapRef
	if free {
		name, kb, at = "Free swap", &mi.FreeSwapKB, &mi.FreeSwapRef
	}
	if res == units.TooLarge {
		p.warn(ll.ref.Line, "%s", units.TooLargeText(name, pr))
		return true
	}
	*kb = i64(v)
	rr := ll.ref
	*at = &rr
	return true
}
