package correlate

import (
	"fmt"
	"strings"

	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// The headline and the verdict: what a support engineer pastes into a
// ticket. Each statement cites its lines; the verdict says how sure it is,
// why swap did or did not help, and what to do next.

func headline(kc *killCtx) string {
	who, why := headlineParts(kc)
	return who + why
}

// headlineParts splits the headline into its victim part ("pip3 (pid 23143)
// killed: ") and its reason ("the whole node ran out of memory").
func headlineParts(kc *killCtx) (string, string) {
	if kc.ev != nil {
		switch kc.killer {
		case "systemd-oomd":
			return kc.victimName() + " killed by systemd-oomd: ", "memory pressure or swap use over its limit"
		case "earlyoom":
			return who(kc) + " killed by earlyoom: ", "available memory and swap below its thresholds"
		default:
			return "pod " + kc.victimName() + " evicted by the kubelet: ", "node memory below the eviction threshold"
		}
	}
	if kc.fromPodStatus() {
		return podStatusHeadline(kc)
	}
	var why string
	switch kc.kind {
	case "global":
		why = "the whole node ran out of memory"
	case "memcg":
		why = "its memory cgroup hit its limit"
		if p := kc.out.Pod; p != nil {
			if p.Name != nil {
				why = fmt.Sprintf("pod %s/%s hit its memory limit", deref(p.Namespace), *p.Name)
			} else {
				why = "its container hit its memory limit"
			}
		}
		if m := kc.memcg; m != nil && m.Memory != nil && !m.Memory.Unlimited {
			why += fmt.Sprintf(" (%s)", units.KB(m.Memory.LimitKB))
		}
	case "cpuset":
		why = "its cpuset's memory nodes ran out"
	case "mempolicy":
		why = "its memory policy's nodes ran out"
	default:
		why = "out of memory (the report header is missing, so which limit is unknown)"
	}
	if kc.out.Manual {
		why = "OOM kill asked for through SysRq f, not a memory shortage"
	}
	if kc.out.InferredFrom != nil {
		why += " (kill inferred from the oom_reaper line)"
	}
	if len(kc.foreign) > 0 {
		if kc.foreignRule() == "not-from-this-host" {
			why += " — in a report not from this host"
		} else {
			why += " — in a report not from this boot"
		}
	}
	return who(kc) + " killed: ", why
}

// podStatusHeadline is the headline of a kill known only from a
// container's OOMKilled status: "container api of pod payments/api-…
// killed: OOMKilled, as the kubelet reports (limit 512 MiB)".
func podStatusHeadline(kc *killCtx) (string, string) {
	who := "a container"
	if p := kc.out.Pod; p != nil && p.Container != nil {
		who = "container " + *p.Container
		if p.Name != nil {
			who += fmt.Sprintf(" of pod %s/%s", deref(p.Namespace), *p.Name)
		}
	}
	why := "OOMKilled, as the kubelet reports"
	if lim := kc.statusLimitKB; lim != nil {
		why += " (limit " + units.KB(*lim) + ")"
	}
	return who + " killed: ", why
}

// verdictPiece is one statement of the verdict as verdict writes it: its
// text (with citations) and what it is for the reports.
type verdictPiece struct {
	text  string
	role  string   // "held", "sure", "next" or ""
	steps []string // role "next": the steps
}

// verdictWriter collects a verdict's statements.
type verdictWriter struct{ pieces []verdictPiece }

func (v *verdictWriter) say(s string) { v.sayAs(s, "") }

func (v *verdictWriter) sayAs(s, role string) {
	if s = strings.TrimSpace(s); s != "" {
		v.pieces = append(v.pieces, verdictPiece{text: s, role: role})
	}
}

// verdict writes the kill's verdict: when and why it was killed, what the
// victim held, the largest consumer, what swap did, the findings that
// explain more, how sure, and what to do. It returns the paragraph (the
// JSON's "verdict") and its sentences for the reports (Kill.Sentences).
func (bd *builder) verdict(kc *killCtx) (string, []report.Sentence) {
	f := map[string]*report.Finding{}
	for i := range kc.out.Findings {
		x := &kc.out.Findings[i]
		f[x.Rule] = x
	}
	v := &verdictWriter{}
	bd.verdictOpening(v, kc)
	if x := f["kill-from-reaper"]; x != nil {
		v.say(x.Summary)
	}
	verdictHeld(v, kc, f)
	verdictTop(v, kc)
	verdictSwap(v, kc, f)
	said := map[string]bool{}
	if f["oom-with-free-swap"] != nil && f["swap-exhausted"] == nil && f["no-swap-configured"] == nil {
		for _, id := range swapReasonRules {
			said[id] = true
		}
	}
	for _, id := range []string{"not-from-this-host", "not-from-this-boot", "allocating-task-killed", "oom-group-kill", "min-free-kbytes-high", "swap-changed-since-kill", "pod-attribution", "kubelet-replayed-events",
		"container-limit-no-node-event", "repeated-kills", "dmesg-time-drift", "panic-on-oom", "eviction-before-oom", "eviction-too-late", "coverage-gap"} {
		if x := f[id]; x != nil && !said[id] {
			v.say(x.Summary)
		}
	}
	v.sayAs(bd.sureness(kc), "sure")
	if steps := bd.nextSteps(kc, f); len(steps) > 0 {
		v.pieces = append(v.pieces, verdictPiece{text: "Next: " + strings.Join(steps, "; ") + ".", role: "next", steps: steps})
	}
	if len(v.pieces) > 0 && strings.HasPrefix(v.pieces[0].text, "the ") { // a process name keeps its case
		v.pieces[0].text = strings.ToUpper(v.pieces[0].text[:1]) + v.pieces[0].text[1:] // no time to open with
	}
	return v.paragraph(kc.out.Findings)
}

// verdictWhen opens the verdict with the kill's time: "At 2019-10-20
// 14:41:01 CST (btime …, medium confidence), ", or "" when none is known.
func (bd *builder) verdictWhen(kc *killCtx) string {
	when := ""
	if kc.wall != nil {
		if bd.zoneKnown {
			when = "At " + kc.wall.Format("2006-01-02 15:04:05 MST")
		} else {
			when = "At " + kc.wall.Format("2006-01-02 15:04:05") + " node-local time (time zone unknown)"
		}
		if kc.basis != "printed" {
			when += fmt.Sprintf(" (%s, %s confidence)", basisWords(kc.basis), kc.conf)
		}
		when += ", "
	} else if kc.noYear != nil {
		when = "On " + kc.noYear.Format("Jan 2 at 15:04:05") + " of a year the bundle does not say"
		switch {
		case bd.zoneKnown && !bd.localTimes:
			when += " (" + kc.noYear.Format("-07:00") + ")"
		default:
			when += " (node-local time, time zone unknown)"
		}
		when += ", "
	} else if kc.ks != nil {
		when = fmt.Sprintf("At %.1f s after boot (no wall-clock time can be established), ", *kc.ks)
	}
	return when
}

// verdictOpening says when and why the kill happened.
func (bd *builder) verdictOpening(v *verdictWriter, kc *killCtx) {
	when := bd.verdictWhen(kc)
	ref := cite(kc.killRefs()...)
	switch {
	case kc.ev != nil:
		v.say(when + headline(kc) + " " + ref + ".") // the headline starts with the victim, whose name keeps its case
		if p := strings.TrimSpace(kc.ev.Pressure); p != "" {
			if r := kc.ev.PressureRef; r != nil {
				v.say(fmt.Sprintf("Just before, it logged %q %s.", p, cite(toRef(*r))))
			} else {
				v.say(fmt.Sprintf("It reported %s %s.", p, cite(toRef(kc.ev.Ref))))
			}
		}
	case isManual(kc):
		v.say(fmt.Sprintf("%sthe kernel killed %s because someone or something asked it to (SysRq f: Alt+SysRq+f or echo f > /proc/sysrq-trigger, order=-1), not because an allocation failed %s.", when, who(kc), cite(append(kc.killRefs(), manualRefs(kc)...)...)))
		v.say(manualMemory(kc).text)
	case kc.kind == "global":
		v.say(fmt.Sprintf("%sthe kernel killed %s because the whole node ran out of memory %s.", when, who(kc), ref))
	case kc.kind == "memcg":
		s := fmt.Sprintf("%sthe kernel killed %s because its memory cgroup reached its limit", when, who(kc))
		refs := kc.killRefs()
		if m := kc.memcg; m != nil && m.Memory != nil && !m.Memory.Unlimited {
			s += fmt.Sprintf(", usage %s of %s", units.KB(m.Memory.UsageKB), units.KB(m.Memory.LimitKB))
			refs = append(refs, toRef(m.Memory.Ref))
		}
		v.say(s + "; the node itself was not out of memory " + cite(refs...) + ".")
	case kc.kind == "cpuset", kc.kind == "mempolicy":
		v.say(fmt.Sprintf("%sthe kernel killed %s because the memory nodes its %s allows ran out %s.", when, who(kc), kc.kind, ref))
	default:
		v.say(fmt.Sprintf("%sthe kernel killed %s; the report header is missing, so which limit was hit is unknown %s.", when, who(kc), ref))
	}
}

// verdictHeld says what the victim held: anon, swap, and the RAM + swap
// its score implies.
func verdictHeld(v *verdictWriter, kc *killCtx, f map[string]*report.Finding) {
	if kc.ev != nil || kc.kill == nil || kc.kill.AnonRSSKB == nil {
		return
	}
	s := fmt.Sprintf("%s held %s of anonymous memory", kc.kill.Comm, units.KB(*kc.kill.AnonRSSKB))
	refs := []report.Ref{kc.primRef()}
	if kc.row != nil && kc.row.Swapents != nil && *kc.row.Swapents > 0 {
		if kb := kc.pagesKB(*kc.row.Swapents, "swapents", kc.row.Ref); kb != nil {
			s += fmt.Sprintf(" plus %s in swap", units.KB(*kb))
			refs = append(refs, toRef(kc.row.Ref))
		}
	}
	if x := f["badness-implies-total"]; x != nil && x.Phrase != "" { // a memcg kill's score implies its limit: no phrase
		s += ", and its score implies " + x.Phrase + " of RAM + swap at the kill"
		refs = append(refs, x.Evidence...)
	}
	v.sayAs(s+" "+cite(refs...)+".", "held")
}

// verdictTop names the largest consumer of a global kill.
func verdictTop(v *verdictWriter, kc *killCtx) {
	if len(kc.out.Top) == 0 || kc.kind != "global" || isManual(kc) {
		return
	}
	c := kc.out.Top[0]
	sw := ""
	if c.SwapKB != nil && *c.SwapKB > 0 {
		sw = fmt.Sprintf(" + %s swapped", units.KB(*c.SwapKB))
	}
	switch {
	case !c.IsVictim:
		v.say(fmt.Sprintf("The largest consumer was %s (%s resident%s in %d tasks) %s.", c.Name, units.KB(c.RSSKB), sw, c.Tasks, cite(topRefs(kc, 1)...)))
	case c.Tasks > 1:
		v.say(fmt.Sprintf("Its %d %s tasks together held %s resident%s, the largest group %s.", c.Tasks, c.Name, units.KB(c.RSSKB), sw, cite(topRefs(kc, 1)...)))
	}
}

// verdictSwap says what swap did at the kill.
func verdictSwap(v *verdictWriter, kc *killCtx, f map[string]*report.Finding) {
	switch {
	case isManual(kc):
		// the kill was asked for: swap did not cause it (Mem-Info above says whether memory was short)
	case f["swap-exhausted"] != nil:
		v.say(strings.TrimSuffix(f["swap-exhausted"].Summary, ".") + ", so swap was in use and ran out: more of it would only have postponed the kill.")
	case f["no-swap-configured"] != nil:
		v.say(f["no-swap-configured"].Summary)
	case f["oom-with-free-swap"] != nil:
		v.say(f["oom-with-free-swap"].Summary)
		found := false
		for _, id := range swapReasonRules {
			if r := f[id]; r != nil {
				v.say(r.Summary)
				found = true
			}
		}
		if !found {
			v.say("The bundle does not show why swap was not used.")
		}
	}
}

// paragraph joins the statements into the verdict and cuts it into its
// sentences (at ". "), each without its citation and with the lines it
// cites; a sentence that repeats a finding's summary names the rule, and
// keeps what it adds to it (Extends).
func (v *verdictWriter) paragraph(findings []report.Finding) (string, []report.Sentence) {
	var b strings.Builder
	n := len(v.pieces)
	for _, p := range v.pieces {
		n += len(p.text)
	}
	b.Grow(n)
	ends := make([]int, len(v.pieces)) // where each piece ends in the paragraph
	for i, p := range v.pieces {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.text)
		ends[i] = b.Len()
	}
	text := b.String()
	spans := sentenceSpans(text)
	out := make([]report.Sentence, 0, len(spans))
	piece, prev := 0, -1
	for _, sp := range spans {
		for piece < len(ends)-1 && sp[0] >= ends[piece] {
			piece++ // the piece the sentence starts in
		}
		raw := strings.TrimSpace(text[sp[0]:sp[1]])
		t, refs := Uncite(raw)
		s := report.Sentence{Text: t, Refs: refs}
		if piece != prev { // the piece's first sentence carries its role
			s.Role, s.Steps = v.pieces[piece].role, v.pieces[piece].steps
		}
		prev = piece
		for _, f := range findings {
			// a sentence that is a finding's summary, or one that goes
			// on from it ("…exhausted (dmesg:67-68), so swap was …")
			stem := strings.TrimSuffix(f.Summary, ".")
			if stem == "" {
				continue
			}
			if raw == f.Summary || raw == stem {
				s.Rule = f.Rule
				break
			}
			if rest, ok := strings.CutPrefix(raw, stem); ok && strings.HasPrefix(rest, ", ") {
				s.Rule = f.Rule
				if rest, _ := Uncite(rest[2:]); rest != "" && rest != "." {
					s.Extends = strings.ToUpper(rest[:1]) + rest[1:]
				}
				break
			}
		}
		out = append(out, s)
	}
	return text, out
}

// sentenceSpans cuts prose at ". " into [start, end) spans, the end after
// the period. Parentheses are not tracked: a process name may hold an
// unbalanced one ("<script>alert(1").
func sentenceSpans(s string) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] == ' ' {
			out = append(out, [2]int{start, i + 1})
			start = i + 2
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

func basisWords(b string) string {
	switch b {
	case "btime":
		return "boot time from /proc/stat btime plus kernel seconds"
	case "uptime+date":
		return "capture date minus uptime plus kernel seconds"
	case "calibrated":
		return "kernel seconds calibrated against lines that print both clocks"
	case "dmesg-ctime":
		return "dmesg -T time, which drifts after suspend"
	}
	return b
}

// sureness says how complete the evidence is.
func (bd *builder) sureness(kc *killCtx) string {
	if kc.ev != nil {
		return "How sure: high that the kill happened (the killer logged it); the bundle has no kernel report to explain memory use."
	}
	if kc.fromPodStatus() {
		return "How sure: high that the container was killed for memory (its status says OOMKilled), low for why: the input holds no kernel report of it, so the process, its memory and whether the container's limit or the whole node ran out are unknown."
	}
	if kc.fromEvent() {
		return "How sure: medium that the kill happened (the event reports the kernel's line), low for why: the input holds no kernel report of it, so memory, swap and time at the kill are unknown."
	}
	if len(kc.foreign) > 0 {
		what := "this boot"
		if kc.foreignRule() == "not-from-this-host" {
			what = "this host"
		}
		return fmt.Sprintf("How sure: low — the report in %s is not from %s (%s), so neither its time nor the machine state of this bundle can be taken as the state at this kill.", shortPath(kc.occs[0].path()), what, kc.foreign[0].text)
	}
	have := []string{}
	missing := []string{}
	check := func(ok bool, name string) {
		if ok {
			have = append(have, name)
		} else {
			missing = append(missing, name)
		}
	}
	check(kc.trig != nil, "the trigger line")
	if kc.kind == "memcg" {
		check(kc.memcg != nil && kc.memcg.Memory != nil, "the cgroup usage/limit lines")
	} else {
		check(kc.mi != nil, "Mem-Info")
	}
	check(kc.tasks != nil, "the task table")
	level := "high"
	switch {
	case len(missing) >= 2:
		level = "medium"
	case len(missing) == 1:
		level = "high for what happened, medium for why"
	}
	s := fmt.Sprintf("How sure: %s — the report in %s", level, shortPath(kc.occs[0].path()))
	var elided []int
	for _, o := range kc.occs {
		for _, n := range o.node.log.Elided {
			if n >= o.rep.Start.Line && n <= o.rep.End.Line {
				elided = append(elided, n)
			}
		}
	}
	switch {
	case len(missing) == 0 && kc.out.InferredFrom == nil && len(elided) > 0:
		s += fmt.Sprintf(" has what is needed, though lines were elided where it was pasted (%s)", lineList(elided))
	case len(missing) == 0 && kc.out.InferredFrom == nil:
		s += " is complete"
	case len(missing) > 0:
		s += " lacks " + strings.Join(missing, " and ") + " (rate-limited or cut)"
	}
	if kc.out.InferredFrom != nil {
		if level == "high" {
			level = "medium"
			s = fmt.Sprintf("How sure: %s — the report in %s", level, shortPath(kc.occs[0].path()))
		}
		if len(missing) > 0 {
			s += ", and"
		}
		s += " has no kill line: the kill is inferred from the oom_reaper line, which only reaps OOM victims"
	}
	if len(kc.occs) > 1 {
		s += fmt.Sprintf(", and %d sources agree on the kill", len(kc.occs))
	}
	if kc.noYear != nil && kc.wall == nil {
		s += "; its year is unknown (the log prints month, day and time, and nothing in the bundle dates it)"
	} else if kc.conf == "none" {
		s += "; its wall-clock time is unknown"
	}
	return s + "."
}

// nextSteps is concrete advice by kind and by what the findings show.
func (bd *builder) nextSteps(kc *killCtx, f map[string]*report.Finding) []string {
	var do []string
	if kc.ev != nil {
		switch kc.killer {
		case "kubelet-eviction":
			do = append(do, "set memory requests close to real usage so the kubelet evicts the right pods, and size the node for the sum of requests")
		case "systemd-oomd":
			do = append(do, "find what filled memory in that cgroup (systemd-cgtop, the unit's MemoryCurrent)",
				"systemd-oomd kills whole cgroups under sustained memory pressure or when swap is nearly full, often while the machine thrashes",
				"tune ManagedOOMMemoryPressureLimit= or ManagedOOMSwap= if its limits are too tight")
		case "earlyoom":
			do = append(do, "find why available memory and free swap both fell below earlyoom's thresholds (-m/-s, 10% by default)", "add RAM or swap, or limit the largest process")
		}
		return do
	}
	switch {
	case kc.fromPodStatus():
		do = append(do, "raise the container's memory limit (and request) above its real peak, or reduce the workload's memory",
			"collect the node's kernel log (journalctl -k --no-pager, or dmesg -T) to see which process was killed and whether the container's limit or the whole node ran out")
	case isManual(kc):
		do = append(do, manualAdvice)
		if mm := manualMemory(kc); mm.short {
			do = append(do, "memory was short as well: find what used it (the task table's largest consumers) before the next real OOM")
		}
	case kc.kind == "memcg":
		if kc.out.Pod != nil {
			do = append(do, "raise the container's memory limit (and request) above its real peak, or reduce the workload's memory")
		} else {
			do = append(do, "raise the cgroup's memory limit (MemoryMax= for a systemd unit, --memory for a container) or reduce the workload's memory")
		}
		if f["memcg-swap-limit"] != nil || f["kubelet-swap-policy"] != nil {
			do = append(do, swapAdvice(bd))
		}
	case kc.kind == "cpuset" || kc.kind == "mempolicy":
		if kc.kind == "cpuset" {
			do = append(do, "check the cpuset's memory nodes (cpuset.mems / cpuset.mems.effective of the task's cgroup, a container runtime's --cpuset-mems, the kubelet's static CPU or memory manager) against the memory the bound tasks need, and widen the node list or move work off those nodes")
		} else {
			do = append(do, "check the task's NUMA memory policy (numactl --membind, a VM's <numatune> or a database's NUMA setting; numastat -p PID shows where its memory is) and use a preferred or interleaved policy, or bind to more nodes, instead of a strict MPOL_BIND")
		}
		do = append(do, "compare free memory per node (numactl --hardware, the Mem-Info zone lines): RAM on other nodes does not help a bound task")
	default:
		do = append(do, "add RAM or reduce the workload")
		if top := kc.out.Top; len(top) > 0 {
			do = append(do, fmt.Sprintf("cap the largest consumer (%s) with a memory limit so that it, not the whole node, hits the limit", top[0].Name))
		}
		if f["swap-exhausted"] != nil {
			do = append(do, "more swap only delays the kill if usage keeps growing")
		}
		if f["no-swap-configured"] != nil {
			do = append(do, "consider a swap file for cold pages")
		}
		if len(bd.b.Nodes) > 0 || bd.b.Kubelet != nil {
			do = append(do, "set pod memory limits and reserve memory for the system (systemReserved, evictionHard memory.available) so the kubelet evicts before the kernel kills")
		}
	}
	if f["swappiness-zero"] != nil {
		do = append(do, "set vm.swappiness to 1 or more if cgroups should swap")
	}
	switch {
	case f["repeated-kills"] != nil && kc.burst:
		do = append(do, "find what kept allocating while the kernel killed one task after another (the invoker of each report)")
	case f["repeated-kills"] != nil:
		do = append(do, "stop retrying as is: every restart or re-run will be killed again until the limit or the memory growth changes")
	}
	if f["gfp-no-io"] != nil || f["high-order-alloc"] != nil {
		do = append(do, "look at the allocating call path in the stack trace and at fragmentation (/proc/buddyinfo); raising vm.min_free_kbytes can help atomic and high-order allocations")
	}
	if len(kc.out.Missing) > 0 {
		do = append(do, "collect the persistent kernel log (journalctl -k --no-pager, /var/log/messages) so no kill is missed")
	}
	if kc.kind == "memcg" && kc.out.Pod != nil && kc.out.Pod.Name == nil {
		do = append(do, "collect `kubectl get pods -A -o wide` to name the pod")
	}
	if (len(bd.b.Nodes) == 0) && bd.kubernetesSeen() {
		do = append(do, "run sos with `-k kubernetes.describe=on` to get node events and pod limits")
	}
	if kc.conf == "none" || kc.noYear != nil && kc.wall == nil {
		do = append(do, bd.clockAdvice())
	}
	return do
}

// swapAdvice is how to let pods swap on this kubelet version.
func swapAdvice(bd *builder) string {
	v := bd.kubeletVersion()
	if v == nil {
		return "if the workload should swap, allow swap for its cgroup (memory.swap.max on cgroup v2)"
	}
	switch {
	case verLess(v.major, v.minor, 1, 22):
		return "kubelet " + v.text + " has no swap control: pods cannot be given swap by the kubelet"
	case verLess(v.major, v.minor, 1, 28):
		return "to let pods swap on kubelet " + v.text + ", enable the NodeSwap feature gate with failSwapOn: false and memorySwap.swapBehavior: UnlimitedSwap (LimitedSwap gives no swap on cgroup v2)"
	case verLess(v.major, v.minor, 1, 30):
		return "to let pods swap on kubelet " + v.text + ", enable NodeSwap on cgroup v2 with failSwapOn: false (UnlimitedSwap by default, or LimitedSwap for Burstable pods)"
	}
	return "to let pods swap on kubelet " + v.text + ", set failSwapOn: false and memorySwap.swapBehavior: LimitedSwap on cgroup v2; only Burstable pods with request < limit get swap, in proportion to their request"
}

// clockAdvice says what would let kernel seconds be dated.
func (bd *builder) clockAdvice() string {
	h := bd.b.Host
	switch {
	case h.CapturedAt == nil && bd.hasInput("date"):
		return "the capture date could not be read (a zone such as CST is ambiguous): collect `date --utc` or `timedatectl` with the bundle so kernel seconds can be dated"
	case h.CapturedAt == nil:
		return "collect `date --utc` so kernel seconds and event ages can be dated"
	case h.UptimeSec == nil && h.Btime == nil:
		return "collect `uptime` or /proc/stat (btime) so kernel seconds can be dated"
	}
	return "collect the journal (journalctl -k --no-pager), whose lines carry wall-clock times, so kernel seconds can be dated"
}

func (bd *builder) hasInput(kind string) bool {
	for _, in := range bd.b.Inputs {
		if in.Kind == kind {
			return true
		}
		for _, s := range in.Segments {
			if s.Kind == kind {
				return true
			}
		}
	}
	return false
}

// lineList prints line numbers as ranges: "3-5,9".
func lineList(ns []int) string {
	var b strings.Builder
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d", ns[i])
		if j > i {
			fmt.Fprintf(&b, "-%d", ns[j])
		}
		i = j + 1
	}
	return b.String()
}
