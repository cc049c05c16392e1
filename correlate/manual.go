package correlate

import (
	"fmt"
	"strings"

	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// Manual kills. SysRq f (Alt+SysRq+f, or "echo f > /proc/sysrq-trigger")
// makes the kernel run its OOM killer from the moom_callback work item with
// order=-1 ("sysrq: Manual OOM execution" is printed first): the kernel
// kills the task with the highest badness whether memory is short or not.
// Such a kill is explained by who asked, and the report's Mem-Info only says
// whether the node was short anyway.

// manualMem is the node's memory at a manual kill, read from Mem-Info.
type manualMem struct {
	known bool   // Mem-Info with a free count was printed
	short bool   // free memory was at or below a zone's min watermark, or nearly gone
	text  string // one sentence, with citations
	refs  []report.Ref
}

// manualMemory says what Mem-Info shows about memory when a manual kill was
// asked for: free and page-cache memory against RAM, and whether a zone was
// below its min watermark (the state a real OOM is reached in).
func manualMemory(kc *killCtx) manualMem {
	mi := kc.mi
	if mi == nil || len(mi.Counters) == 0 {
		return manualMem{text: "The report prints no Mem-Info, so whether the node was short of memory at that moment is unknown."}
	}
	freeP, freeRef, ok := kvGet(mi.Counters, "free")
	if !ok {
		return manualMem{text: "Mem-Info was printed without its free count, so whether the node was short of memory at that moment is unknown."}
	}
	ps := kc.pageKB
	free := freeP * ps
	refs := []report.Ref{toRef(mi.Header), toRef(*freeRef)}
	var file int64
	fileKnown := false
	for _, k := range []string{"active_file", "inactive_file"} {
		if v, r, ok := kvGet(mi.Counters, k); ok {
			file += v * ps
			fileKnown = true
			refs = append(refs, toRef(*r))
		}
	}
	var ram int64
	if mi.PagesRAM != nil {
		ram = *mi.PagesRAM * ps
		refs = append(refs, pref(mi.PagesRAMRef)...)
	}
	var below []string
	for _, z := range mi.Zones {
		f, _, ok1 := kvGet(z.Fields, "free")
		m, _, ok2 := kvGet(z.Fields, "min")
		if ok1 && ok2 && f < m {
			below = append(below, fmt.Sprintf("Node %d %s", z.Node, z.Zone))
			refs = append(refs, toRef(z.Ref))
		}
	}
	s := "When it was asked for, Mem-Info shows " + units.KB(free) + " free"
	if ram > 0 {
		s += " (" + pct(free, ram) + " of " + units.KB(ram) + " RAM)"
	}
	if fileKnown {
		s += " and " + units.KB(file) + " of page cache"
	}
	mm := manualMem{known: true, refs: refs}
	switch {
	case len(below) > 0:
		mm.short = true
		s += fmt.Sprintf(", and %s had fallen below its min watermark: the node was short of memory anyway, and a real OOM kill was near", strings.Join(below, ", "))
	case ram > 0 && free*100 < ram*3 && (!fileKnown || (free+file)*100 < ram*5):
		mm.short = true
		s += ": almost nothing was free or reclaimable, so the node was short of memory anyway"
	case ram > 0 && (free*10 >= ram || (free+file)*5 >= ram):
		s += ": the node was not short of memory, so nothing about memory made this kill necessary"
	default:
		s += ": memory was tight but no zone was below its min watermark"
	}
	mm.text = s + " " + cite(refs...) + "."
	return mm
}

// manualRefs are the lines that mark a kill as asked for: the sysrq line
// and the order=-1 trigger.
func manualRefs(kc *killCtx) []report.Ref {
	var refs []report.Ref
	if kc.rep != nil && kc.rep.Manual != nil {
		refs = append(refs, toRef(kc.rep.Manual.Ref))
	}
	if kc.trig != nil {
		refs = append(refs, toRef(kc.trig.Ref))
	}
	return refs
}

// manualAdvice is what to do about a kill someone asked for.
const manualAdvice = "find who or what wrote f to /proc/sysrq-trigger: a hang or health watchdog, an `echo f > /proc/sysrq-trigger` in a script or cron job, earlyoom or nohang run with -K/--kernel-oom, or Alt+SysRq+f on a console (check shell history, the audit log and kernel.sysrq)"

func isManual(kc *killCtx) bool { return kc.out != nil && kc.out.Manual }
