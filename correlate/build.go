package correlate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kernel"
	"github.com/oomlens/oomlens/report"
)

// Options tunes Build.
type Options struct {
	ToolVersion string
	Redact      bool
}

// builder carries the state of one Build call.
type builder struct {
	b    *parse.Bundle
	opts Options
	logs []*parse.KernelLog // sorted by path
	clk  *clock.Clock
	// loc, zoneKnown and localTimes are the clock's zone (clock.Clock's Loc,
	// ZoneKnown, LocalTimes), which every writer of times reads.
	loc        *time.Location
	zoneKnown  bool
	localTimes bool

	nodes  []*bootNode // one per boot of each log, in the clock's order
	nodeOf map[clock.Key]*bootNode

	kills      []*killCtx
	reportOnly []*reportCtx
	swapCap    *report.Swap
	k8sSeen    *bool
	byVictim   map[string][]*killCtx // killer + victim name → kills, in order
	quotes     map[string]map[int]string
	// nodeOutEvents[i][j] is the kill ID matched to event j of node i.
	nodeOutEvents [][]*string
}

// Build turns parsed facts into a Report. It is pure: no I/O, no clock.
// Every list in the result is non-nil and sorted; the same bundle gives the
// same report.
func Build(b *parse.Bundle, opts Options) *report.Report {
	if b == nil {
		b = &parse.Bundle{}
	}
	bd := &builder{b: b, opts: opts}
	for _, lg := range b.KernelLogs {
		if lg != nil {
			bd.logs = append(bd.logs, lg)
		}
	}
	sort.SliceStable(bd.logs, func(i, j int) bool { return bd.logs[i].Path < bd.logs[j].Path })

	bd.clk = clock.New(b, bd.logs)
	bd.loc, bd.zoneKnown, bd.localTimes = bd.clk.Loc, bd.clk.ZoneKnown, bd.clk.LocalTimes
	bd.bootNodes()
	bd.dedup()
	bd.clk.Group(bd.sightings())
	bd.userspaceKills()
	for _, kc := range bd.kills {
		if kc.ev == nil {
			kc.merge()
		}
		bd.timeKill(kc)
		bd.checkForeign(kc)
	}
	bd.orderKills()
	for _, kc := range bd.kills {
		bd.assemble(kc)
	}

	r := &report.Report{
		SchemaVersion: 1,
		Tool:          report.Tool{Name: "oomlens", Version: opts.ToolVersion},
		Sysctl:        report.Sysctls{},
	}
	r.Host = bd.host()
	r.Inputs = bd.inputs()
	r.Swap = bd.swapAtCapture()
	bd.swapCap = r.Swap
	r.Memory = bd.memory()
	for _, s := range b.Sysctls {
		if !s.Configured {
			r.Sysctl[s.Key] = s.Value
		}
	}
	r.Kubelet = bd.kubeletSection()
	r.Nodes = bd.nodeSection()
	for _, kc := range bd.kills {
		kc.out.Missing = bd.missingFrom(kc)
	}
	for _, kc := range bd.kills {
		kc.out.Findings = bd.findings(kc)
		who, why := headlineParts(kc)
		kc.out.Headline, kc.out.Reason = who+why, why
		kc.out.Verdict, kc.out.Sentences = bd.verdict(kc)
	}
	r.Kills = make([]report.Kill, 0, len(bd.kills))
	for _, kc := range bd.kills {
		r.Kills = append(r.Kills, *kc.out)
	}
	r.Reports = bd.reportsWithoutKill()
	r.Coverage = bd.coverage()
	r.Timeline = bd.timeline()
	r.Unexplained = bd.unexplained(r)
	r.Excerpts = bd.excerpts(r)
	bd.unfitWarnings(r)
	return r
}

// unfitWarnings lists the kills' page-count warnings (pagesKB: kB that do
// not fit in an int64) with the inputs they cite, once each, after the
// warnings the parsers gave.
func (bd *builder) unfitWarnings(r *report.Report) {
	at := map[string]int{}
	for i, in := range r.Inputs {
		at[in.Path] = i
	}
	type key struct {
		path string
		w    report.Warning
	}
	seen := map[key]bool{}
	for _, kc := range bd.kills {
		for _, w := range kc.unfit {
			i, ok := at[w.Path]
			k := key{w.Path, report.Warning{Line: w.Line, Message: w.Message}}
			if !ok || seen[k] {
				continue
			}
			seen[k] = true
			r.Inputs[i].Warnings = append(r.Inputs[i].Warnings, k.w)
		}
	}
}

// logHost is the one host name the kernel logs print (parse.LogHost) and
// the first kill line of a log that prints it.
func (bd *builder) logHost() (string, *report.Ref) {
	name, from := parse.LogHost(bd.logs)
	if name == "" {
		return "", nil
	}
	for _, kc := range bd.kills {
		for _, o := range kc.occs {
			if o.node.log == from {
				r := toRef(o.kill.Ref)
				return name, &r
			}
		}
	}
	return name, nil
}

func (bd *builder) host() report.Host {
	h := bd.b.Host
	out := report.Host{Hostname: strPtr(h.Hostname), Bundle: bd.b.Name, BootTimes: []string{}, BootTimesLocal: []string{}, Evidence: []report.Ref{}}
	add := func(r *parse.Ref) {
		if r != nil {
			out.Evidence = append(out.Evidence, toRef(*r))
		}
	}
	add(h.HostnameRef)
	// No hostname file: a bundle describing exactly one Kubernetes node
	// whose kernel is the one the logs show names this host (kubelets
	// register under the host name by default).
	if out.Hostname == nil && len(bd.b.Nodes) == 1 && bd.b.Nodes[0] != nil && bd.b.Nodes[0].Name != "" {
		n := bd.b.Nodes[0]
		if k := bd.logKernel(); k != "" && k == n.KernelVersion {
			out.Hostname = strPtr(n.Name)
			out.Evidence = append(out.Evidence, toRef(n.Ref))
		}
	}
	// No hostname file and no node: the host every syslog or journal line
	// prints, when they all print the same one.
	if out.Hostname == nil {
		if name, ref := bd.logHost(); name != "" {
			out.Hostname = strPtr(name)
			if ref != nil {
				out.Evidence = append(out.Evidence, *ref)
			}
		}
	}
	switch {
	case h.Kernel != "":
		out.KernelVersion = strPtr(h.Kernel)
		add(h.KernelRef)
	case len(strings.Fields(h.Uname)) >= 3:
		// uname -a: "Linux host 4.15.0-65-generic #74-Ubuntu SMP …"
		out.KernelVersion = strPtr(strings.Fields(h.Uname)[2])
		add(h.KernelRef)
	default:
		// The newest boot's kernel: its banner, or the CPU line of its newest kill.
		bestG := -1
		var ver string
		var ref *parse.Ref
		for gi, g := range bd.clk.Boots {
			for _, nd := range g.Members {
				if nd.Boot != nil && nd.Boot.Kernel != "" && gi > bestG {
					bestG, ver, ref = gi, nd.Boot.Kernel, &nd.Boot.Start
				}
			}
		}
		for _, kc := range bd.kills {
			if kc.cpu != nil && kc.cpu.Kernel != "" && kc.group >= bestG {
				bestG, ver, ref = kc.group, kc.cpu.Kernel, &kc.cpu.Ref
			}
		}
		if ver != "" {
			out.KernelVersion = strPtr(ver)
			add(ref)
		}
	}
	if h.CapturedAt != nil {
		t := h.CapturedAt.In(bd.loc)
		out.CapturedAt = rfc3339(&t)
		add(h.CapturedRef)
	}
	if h.TimeZone != "" {
		out.TimeZone = strPtr(h.TimeZone)
		add(h.ZoneRef)
	} else if bd.zoneKnown && bd.b.Host.Location != nil {
		out.TimeZone = strPtr(bd.b.Host.Location.String())
	}
	// One per boot, oldest first: the measured boot time, else the time of
	// the boot's first logged line; boots with neither are left out.
	for _, g := range bd.clk.Boots {
		if bd.foreignGroup(g) {
			continue // another host's boot, or one that was not running
		}
		switch wall, local := bd.wallText(g.Order); {
		case wall != nil:
			out.BootTimes = append(out.BootTimes, *wall)
		case local != nil:
			out.BootTimesLocal = append(out.BootTimesLocal, *local)
		}
	}
	add(h.BtimeRef)
	add(h.UptimeRef)
	out.Evidence = sortRefs(out.Evidence)
	out.InputDigest = bd.digest()
	return out
}

func (bd *builder) digest() string {
	ins := append([]parse.Input(nil), bd.b.Inputs...)
	sort.SliceStable(ins, func(i, j int) bool { return ins[i].Path < ins[j].Path })
	h := sha256.New()
	for _, in := range ins {
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", in.Path, in.Bytes, in.Lines)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func (bd *builder) inputs() []report.Input {
	out := []report.Input{}
	logs := map[string]*parse.KernelLog{}
	for _, lg := range bd.logs {
		logs[lg.Path] = lg
	}
	for _, in := range bd.b.Inputs {
		x := report.Input{Path: in.Path, Kind: in.Kind, Format: in.Format, Lines: in.Lines, Truncated: in.Truncated, Used: in.Used, Warnings: []report.Warning{}, Segments: []report.Segment{}}
		for _, s := range in.Segments {
			seg := report.Segment{StartLine: s.Start, EndLine: s.End, Kind: s.Kind, Format: s.Format, Used: s.Used,
				QuoteDepth: s.Quote, Indent: s.Indent, ElidedLines: append([]int{}, s.Elided...), JoinedLines: append([]int{}, s.Joined...)}
			if s.Command != "" {
				seg.Command = ptr(s.Command)
			}
			if s.WhyNot != "" {
				seg.WhyNot = ptr(s.WhyNot)
			}
			x.Segments = append(x.Segments, seg)
		}
		first, last := in.First, in.Last
		// A kernel log whose lines print no full date (kernel seconds,
		// year-less syslog) spans what its boots' clocks place its first
		// and last lines at, as for its kills.
		if lg := logs[in.Path]; lg != nil && (first == nil || last == nil) {
			f, l := bd.clk.LogSpan(lg)
			if first == nil {
				first = f
			}
			if last == nil {
				last = l
			}
		}
		// null when only a node-local time with no known offset is known
		if first != nil {
			t := first.In(bd.loc)
			x.FirstTime, _ = bd.wallText(&t)
		}
		if last != nil {
			t := last.In(bd.loc)
			x.LastTime, _ = bd.wallText(&t)
		}
		if !in.Used {
			why := in.WhyNot
			if why == "" {
				why = "not used"
			}
			x.WhyNot = &why
		}
		for _, w := range in.Warnings {
			x.Warnings = append(x.Warnings, report.Warning{Line: w.Line, Message: w.Message})
		}
		for _, w := range bd.b.Warnings {
			if w.Path == in.Path {
				x.Warnings = append(x.Warnings, report.Warning{Line: w.Line, Message: w.Message})
			}
		}
		out = append(out, x)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// swapAtCapture picks the best swap listing: exact sizes first
// (swapon --bytes, /proc/swaps), then human-size swapon, then free.
func (bd *builder) swapAtCapture() *report.Swap {
	rank := func(f string) int {
		switch f {
		case "swapon-bytes":
			return 0
		case "proc-swaps":
			return 1
		case "swapon-summary":
			return 2
		}
		return 3
	}
	var best *parse.SwapTable
	for _, t := range bd.b.Swaps {
		if t == nil {
			continue
		}
		if best == nil || rank(t.Format) < rank(best.Format) {
			best = t
		}
	}
	if best != nil {
		s := &report.Swap{Source: best.Ref.Path, Devices: []report.SwapDevice{}, Exact: true, Evidence: []report.Ref{toRef(best.Ref)}}
		tot, used := ptr(int64(0)), ptr(int64(0))
		printed := func(s *parse.Size) string {
			if s == nil {
				return ""
			}
			return s.Printed
		}
		for _, d := range best.Devices {
			s.Devices = append(s.Devices, report.SwapDevice{Name: d.Name, Type: d.Type, SizeKB: sizeKB(d.Size), UsedKB: sizeKB(d.Used),
				Size: printed(d.Size), Used: printed(d.Used), Priority: d.Priority, Line: d.Line,
				ErrKB: errKB(d.Size), Zram: d.Zram || strings.HasPrefix(path.Base(d.Name), "zram")})
			// a device of unknown size (not printed, or too large to
			// hold) makes the total unknown
			tot, used = sumKB(tot, sizeKB(d.Size)), sumKB(used, sizeKB(d.Used))
			s.Exact = s.Exact && d.Size != nil && d.Size.Exact
			s.Evidence = append(s.Evidence, toRef(d.Ref))
		}
		s.TotalKB, s.UsedKB = tot, used
		s.Evidence = sortRefs(s.Evidence)
		return s
	}
	if mi := bd.b.MemInfo; mi != nil {
		if tot, r, ok := kvGet(mi.Fields, "SwapTotal"); ok {
			s := &report.Swap{Source: mi.Path, Devices: []report.SwapDevice{}, Exact: true, TotalKB: ptr(tot), Evidence: []report.Ref{toRef(*r)}}
			if free, r2, ok := kvGet(mi.Fields, "SwapFree"); ok {
				if free <= tot { // more free than total: used unknown, not negative
					s.UsedKB = ptr(tot - free)
				}
				s.Evidence = sortRefs(append(s.Evidence, toRef(*r2)))
			}
			return s
		}
	}
	for _, f := range bd.captureFrees() {
		if f.SwapTotal == nil {
			continue
		}
		s := &report.Swap{Source: f.Path, Devices: []report.SwapDevice{}, Exact: f.SwapTotal.Exact, TotalKB: ptr(f.SwapTotal.KB), Evidence: []report.Ref{toRef(f.Ref)}}
		if f.SwapUsed != nil {
			s.UsedKB = ptr(f.SwapUsed.KB)
		}
		if f.SwapRef != nil {
			s.Evidence = sortRefs(append(s.Evidence, toRef(*f.SwapRef)))
		}
		return s
	}
	return nil
}

func (bd *builder) memory() *report.Memory {
	var m *report.Memory
	if mi := bd.b.MemInfo; mi != nil && len(mi.Fields) > 0 {
		m = &report.Memory{Source: mi.Path}
		get := func(k string) *int64 {
			if v, _, ok := kvGet(mi.Fields, k); ok {
				return ptr(v)
			}
			return nil
		}
		m.MemTotalKB, m.MemAvailableKB, m.MemFreeKB = get("MemTotal"), get("MemAvailable"), get("MemFree")
		m.SwapTotalKB, m.SwapFreeKB = get("SwapTotal"), get("SwapFree")
		m.CommittedASKB, m.CommitLimitKB, m.ShmemKB = get("Committed_AS"), get("CommitLimit"), get("Shmem")
	} else {
		for _, f := range bd.captureFrees() {
			m = &report.Memory{Source: f.Path}
			sz := func(s *parse.Size) *int64 {
				if s == nil {
					return nil
				}
				return ptr(s.KB)
			}
			m.MemTotalKB, m.MemAvailableKB, m.MemFreeKB = sz(f.MemTotal), sz(f.Available), sz(f.MemFree)
			m.SwapTotalKB, m.SwapFreeKB, m.ShmemKB = sz(f.SwapTotal), sz(f.SwapFree), sz(f.Shared)
			break
		}
	}
	if v, _, ok := kvGet(bd.b.VMStat, "oom_kill"); ok {
		if m == nil {
			m = &report.Memory{Source: "proc/vmstat"}
		}
		m.OOMKillCount = ptr(v)
	}
	return m
}

func (bd *builder) reportsWithoutKill() []report.ReportOnly {
	out := []report.ReportOnly{}
	for _, rc := range bd.reportOnly {
		p := rc.occs[0]
		why := "no kill line"
		switch {
		case p.rep.NoKillable != nil:
			why = "no killable process"
		case p.rep.Panic != nil:
			why = "kernel panic"
		case p.rep.Cut && p.rep.CutWhy != "":
			why = p.rep.CutWhy
		}
		var ev []report.Ref
		for _, o := range rc.occs {
			ev = append(ev, toRef(o.rep.Start))
			for _, q := range []*parse.Quote{o.rep.NoKillable, o.rep.Panic, o.rep.Manual} {
				if q != nil {
					ev = append(ev, toRef(q.Ref))
				}
			}
			if o.rep.Select != nil { // "Out of memory: Kill process …" with its kill line lost
				ev = append(ev, toRef(o.rep.Select.Ref))
			}
			// the header: not the report's start when a sysrq "Manual OOM
			// execution" line came first (found by FuzzAnalyze)
			if o.rep.Trigger != nil {
				ev = append(ev, toRef(o.rep.Trigger.Ref))
			}
		}
		kc := &killCtx{occs: rc.occs}
		kc.merge()
		out = append(out, report.ReportOnly{Path: p.path(), Line: p.rep.Start.Line, Why: why, Kind: kc.kind, Invoker: invokerOf(kc),
			SwapAtOOM: swapAtOOM(kc), MemInfo: killMem(kc), Evidence: sortRefs(ev)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Line < out[j].Line
	})
	return out
}

func (bd *builder) unexplained(r *report.Report) []report.Unexplained {
	// A line the parser could not read whole but that a kill or a report
	// without kill cites (a task row of a process named "Out of memory", or
	// the victim's row with a kill phrase glued to it by a lost newline) is
	// shown there, with its text; listing it here too would put one line in
	// two places.
	cited := citedByKills(r, false)
	out := []report.Unexplained{}
	for _, lg := range bd.logs {
		for _, q := range lg.Unknown {
			if cited[toRef(q.Ref)] {
				continue
			}
			out = append(out, report.Unexplained{Path: q.Path, Line: q.Line, Text: q.Text})
		}
	}
	out = append(out, bd.unparsedInReports(r)...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Line < out[j].Line
	})
	return out
}

// citedByKills is the set of lines r's kills (and, with findings, their
// findings) and reports without kill cite.
func citedByKills(r *report.Report, findings bool) map[report.Ref]bool {
	cited := map[report.Ref]bool{}
	for _, k := range r.Kills {
		for _, e := range k.Evidence {
			cited[e] = true
		}
		if findings {
			for _, f := range k.Findings {
				for _, e := range f.Evidence {
					cited[e] = true
				}
			}
		}
	}
	for _, ro := range r.Reports {
		cited[report.Ref{Path: ro.Path, Line: ro.Line}] = true
		for _, e := range ro.Evidence {
			cited[e] = true
		}
	}
	return cited
}

// unparsedInReports finds the lines inside OOM reports that name an OOM
// kill ("Killed process", "invoked oom-killer", "Out of memory") but that
// the parser could not read — a kill line cut in the middle, a mangled
// header — and that nothing in r cites: they would otherwise be kept only
// as report context and never shown. They are unexplained lines.
func (bd *builder) unparsedInReports(r *report.Report) []report.Unexplained {
	cited := citedByKills(r, true)
	for _, t := range r.Timeline {
		cited[t.Source] = true
	}
	for _, lg := range bd.logs {
		for _, q := range lg.Unknown {
			cited[toRef(q.Ref)] = true
		}
	}
	var out []report.Unexplained
	for _, lg := range bd.logs {
		for _, rep := range lg.Reports {
			if rep == nil {
				continue
			}
			parsed := map[int]bool{}
			if rep.Trigger != nil {
				parsed[rep.Trigger.Line] = true
			}
			if rep.Select != nil {
				parsed[rep.Select.Line] = true
			}
			for _, k := range rep.Kills {
				parsed[k.Line] = true
			}
			for _, q := range rep.Lines {
				if parsed[q.Line] || cited[toRef(q.Ref)] || !kernel.NamesOOMKill([]byte(q.Text)) {
					continue
				}
				cited[toRef(q.Ref)] = true
				out = append(out, report.Unexplained{Path: q.Path, Line: q.Line, Text: q.Text})
			}
		}
	}
	return out
}

// logKernel is the kernel release the logs print (banner or CPU line), "" if none.
func (bd *builder) logKernel() string {
	for _, lg := range bd.logs {
		for _, b := range lg.Boots {
			if b.Kernel != "" {
				return b.Kernel
			}
		}
		for _, r := range lg.Reports {
			if r != nil && r.CPULine != nil && r.CPULine.Kernel != "" {
				return r.CPULine.Kernel
			}
		}
	}
	return ""
}

// captureFrees lists the free listings, the one that best shows the state
// at capture first: of several snapshots (pasted one after the other),
// the latest dated one, else the last one of its file.
func (bd *builder) captureFrees() []*parse.Free {
	var out []*parse.Free
	for _, f := range bd.b.Free {
		if f != nil {
			out = append(out, f)
		}
	}
	if len(out) < 2 {
		return out
	}
	best := 0
	for i, f := range out {
		b := out[best]
		switch {
		case f.At != nil && (b.At == nil || f.At.After(*b.At)):
			best = i
		case f.At == nil && b.At == nil && f.Path == b.Path && f.Line > b.Line:
			best = i
		}
	}
	out[0], out[best] = out[best], out[0]
	return out
}
