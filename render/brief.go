package render

import (
	"bufio"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/report"
	"github.com/oomlens/oomlens/units"
)

// Brief writes one line per kill, for ticket titles, chat and fleets:
//
//	2019-10-20 10:20:39 +08:00 · node1 · pip3 pid 23143 · limit: node RAM+swap · swap at kill: 947 MiB, 0.2 MiB free · cause: the whole node ran out of memory, swap exhausted
//
// The fields are always there, in this order, separated by " · ": time,
// host, victim and pid, the limit hit, swap at the kill, the cause. A value
// the input does not print is "unknown". A report without a kill is one
// line saying so.
func Brief(w io.Writer, rep *report.Report) error {
	rep = orEmpty(rep)
	bw := bufio.NewWriter(w)
	host := visible(briefHost(rep))
	if len(rep.Kills) == 0 {
		s := host + " · no OOM kill in " + plural(usedInputs(rep), "input", "inputs")
		if n := len(rep.Reports); n > 0 {
			s += " · " + plural(n, "OOM report", "OOM reports") + " without a kill line"
		}
		bw.WriteString(s + "\n")
		return bw.Flush()
	}
	for i := range rep.Kills {
		k := &rep.Kills[i]
		bw.WriteString(visible(strings.Join([]string{
			briefTime(k.Time),
			briefHost(rep),
			briefVictim(k),
			"limit: " + limitHit(k),
			"swap at kill: " + briefSwap(k.SwapAtOOM),
			"cause: " + killReason(k),
		}, " · ")) + "\n")
	}
	return bw.Flush()
}

func briefHost(rep *report.Report) string {
	if h := rep.Host.Hostname; h != nil && *h != "" {
		return *h
	}
	if b := strings.TrimRight(rep.Host.Bundle, "/"); b != "" && !strings.Contains(b, " ") {
		return path.Base(b)
	}
	return "host unknown"
}

// briefTime is "2019-10-20 10:20:39 +08:00", "2024-03-05 21:14:07
// node-local", "4093127.6 s after boot" or "time unknown".
func briefTime(t report.KillTime) string {
	switch {
	case t.Wall != nil && len(*t.Wall) >= 19:
		s := shortTime(*t.Wall)
		off := (*t.Wall)[19:]
		if i := strings.IndexAny(off, "Z+-"); i >= 0 {
			off = off[i:]
		}
		if off == "Z" {
			off = "+00:00"
		}
		return s + " " + off
	case t.WallLocal != nil:
		return shortTime(*t.WallLocal) + " node-local"
	case t.WallNoYear != nil:
		return noYearTime(*t.WallNoYear)
	case t.KernelSeconds != nil:
		return strconv.FormatFloat(*t.KernelSeconds, 'f', 1, 64) + " s after boot"
	}
	return "time unknown"
}

func briefVictim(k *report.Kill) string {
	name := victimWord(k)
	if name == "" {
		name = "victim unknown"
	}
	return name + " pid " + intOr(k.Victim.Pid, "unknown")
}

func briefSwap(s *report.SwapAtOOM) string {
	switch {
	case s == nil || s.TotalKB == nil:
		return "unknown"
	case *s.TotalKB == 0:
		return "none"
	}
	return units.KB(*s.TotalKB) + ", " + sizeOr(s.FreeKB, "unknown") + " free"
}

// killReason is why the kill happened, in a few words: the headline's
// reason ("the whole node ran out of memory") and what swap did.
func killReason(k *report.Kill) string {
	r := headlineReason(k)
	if s := swapCause(k); s != "" {
		r += ", " + s
	}
	return r
}

// headlineReason is the part of the headline after the victim: "the whole
// node ran out of memory".
func headlineReason(k *report.Kill) string {
	if k.Reason != "" {
		return k.Reason
	}
	return headline(k) // a report built elsewhere (tests, rules) may not say
}

// swapCause says in a few words what swap did at the kill, from the
// findings: "swap exhausted", "no swap", "swap free but not usable (zram
// swap lives in RAM)".
func swapCause(k *report.Kill) string {
	switch {
	case hasRule(k, "swap-exhausted"):
		return "swap exhausted"
	case hasRule(k, "memcg-swap-limit"):
		return "the cgroup may not swap"
	case hasRule(k, "no-swap-configured"):
		return "no swap"
	case hasRule(k, "oom-with-free-swap"):
		var why []string
		for _, f := range k.Findings {
			if w, ok := swapReasonWords[f.Rule]; ok {
				why = append(why, w)
			}
		}
		if len(why) == 0 {
			return "swap free but not used"
		}
		return "swap free but not usable (" + strings.Join(why, ", ") + ")"
	}
	return ""
}

// swapReasonWords name the oom-with-free-swap reasons in a few words.
var swapReasonWords = map[string]string{
	"memcg-swap-limit":     "cgroup may not swap",
	"kubelet-swap-policy":  "kubelet gives pods no swap",
	"swappiness-zero":      "vm.swappiness 0",
	"gfp-no-io":            "allocation could not do I/O",
	"high-order-alloc":     "high-order allocation",
	"unevictable-memory":   "unevictable memory",
	"shmem-pinned":         "pinned shmem",
	"hugepages-reserved":   "huge pages reserved",
	"min-free-kbytes-high": "min_free_kbytes high",
	"zram-swap":            "zram swap lives in RAM",
}

func hasRule(k *report.Kill, rule string) bool { return findRule(k, rule) != nil }

func findRule(k *report.Kill, rule string) *report.Finding {
	for i := range k.Findings {
		if k.Findings[i].Rule == rule {
			return &k.Findings[i]
		}
	}
	return nil
}

// limitHit names the limit the kill hit: "node RAM+swap", "cgroup 256
// MiB", "cpuset", "mempolicy", or the userspace killer's threshold.
func limitHit(k *report.Kill) string {
	if k.Manual {
		return "none (manual, SysRq f)"
	}
	switch k.Killer {
	case "", "kernel":
	case "kubelet-eviction":
		return "kubelet eviction threshold"
	default:
		return k.Killer + " threshold"
	}
	switch k.Kind {
	case "global":
		return "node RAM+swap"
	case "memcg":
		if k.Memcg != nil && k.Memcg.LimitKB != nil && *k.Memcg.LimitKB < 1<<50 {
			return "cgroup " + units.KB(*k.Memcg.LimitKB)
		}
		return "cgroup"
	case "cpuset", "mempolicy":
		return k.Kind
	}
	return "unknown"
}
