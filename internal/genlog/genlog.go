// Package genlog writes realistic kernel logs with embedded OOM-killer
// reports and returns the kills they contain, for property tests ("the
// kills found are the kills written") and benchmarks. It is a Go port of
// the essential parts of the project's bench/genlog.py: the same three
// line styles, noise families (network, audit, systemd, filesystems, USB,
// decoys that say "out of memory" without being OOM kills), modern (5.x/6.x)
// and legacy (3.10/4.x) reports, global and memory-cgroup OOMs, interleaved
// lines from other CPUs, rare invalid UTF-8, and truncation. Output is
// deterministic for a seed, but not byte-identical to genlog.py.
//
//	raw     dmesg:             "[1375956.718910] msg"
//	T       dmesg -T:          "[Sun Oct 20 15:07:17 2019] msg"
//	syslog  /var/log/messages: "Oct 20 15:07:17 host kernel: [1375956.718910] msg"
package genlog

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// Options tunes Generate.
type Options struct {
	Size       int64   // at least this many bytes are written
	Style      string  // raw, T or syslog
	Seed       uint64  // same seed, same bytes
	OOMs       int     // OOM reports with a kill line (0: one per 50 MiB, at least 1)
	MemcgFrac  float64 // fraction of memory-cgroup OOMs (default 0.5 when 0)
	LegacyFrac float64 // fraction of pre-5.0 reports (default 0.2 when 0)
	Host       string  // syslog host name (default worker-07)
	// CutTail ends the log inside one more OOM report, before its kill
	// line (a rotated or size-capped log): the report has no kill.
	CutTail bool
}

// Kill is one kill line written.
type Kill struct {
	Line        int    `json:"line"` // 1-based line of the "Killed process" line
	Pid         int    `json:"pid"`
	Comm        string `json:"comm"`
	Kind        string `json:"kind"`   // global or memcg
	Format      string `json:"format"` // modern or legacy
	UID         int    `json:"uid"`
	TotalVMKB   int64  `json:"total_vm_kb"`
	AnonRSSKB   int64  `json:"anon_rss_kb"`
	Uptime      string `json:"uptime"` // kernel seconds as printed, "1375956.718910"
	EpochUTC    int64  `json:"epoch_utc"`
	Memcg       string `json:"memcg"`
	OOMMemcg    string `json:"oom_memcg,omitempty"`
	TriggerComm string `json:"trigger_comm"`
	TriggerPid  int    `json:"trigger_pid"`
}

// Expected is what a log holds.
type Expected struct {
	Bytes     int64  `json:"bytes"`
	Lines     int    `json:"lines"`
	BootEpoch int64  `json:"boot_epoch_utc"`
	Kills     []Kill `json:"kills"`
	// CutReport is the line where the report cut by CutTail starts, 0 if none.
	CutReport int `json:"cut_report"`
}

// Generate writes a log to w and returns what it holds.
func Generate(w io.Writer, o Options) (*Expected, error) {
	if o.Style == "" {
		o.Style = "raw"
	}
	if o.Style != "raw" && o.Style != "T" && o.Style != "syslog" {
		return nil, fmt.Errorf("genlog: unknown style %q", o.Style)
	}
	if o.MemcgFrac == 0 {
		o.MemcgFrac = 0.5
	}
	if o.LegacyFrac == 0 {
		o.LegacyFrac = 0.2
	}
	if o.Host == "" {
		o.Host = "worker-07"
	}
	n := o.OOMs
	if n <= 0 {
		n = int(max(1, o.Size/(50<<20)))
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	rk := rand.New(rand.NewPCG(o.Seed, 0x6a09e667f3bcc908)) // OOM content, independent of style
	bw := bufio.NewWriterSize(w, 1<<20)
	g := &gen{r: r, w: bw, style: o.Style, host: o.Host}
	g.boot = 1571000000 + r.Int64N(10_000_000)
	g.tus = (200000+r.Int64N(1800000))*1_000_000 + r.Int64N(1_000_000)
	g.aser = 100000 + r.IntN(900000)
	exp := &Expected{BootEpoch: g.boot}
	slot := float64(o.Size) / float64(n)
	targets := make([]int64, n)
	for i := range targets {
		targets[i] = int64(slot * (float64(i) + 0.15 + 0.7*rk.Float64()))
	}
	ti := 0
	for g.bytes < o.Size || ti < n {
		if ti < n && g.bytes >= targets[ti] {
			msgs, kidx, k := oomReport(rk, rk.Float64() < o.MemcgFrac, rk.Float64() < o.LegacyFrac)
			inter := -1
			if rk.Float64() < 0.15 {
				inter = 5 + rk.IntN(len(msgs)-7)
			}
			for i, m := range msgs {
				if i == inter {
					g.emit(g.noise())
				}
				g.tus += 1 + rk.Int64N(40)
				ln := g.emit("k", m)
				if i == kidx {
					k.Line = ln
					k.Uptime = fmt.Sprintf("%d.%06d", g.tus/1e6, g.tus%1e6)
					k.EpochUTC = g.boot + g.tus/1e6
				}
			}
			exp.Kills = append(exp.Kills, k)
			ti++
			continue
		}
		g.advance()
		g.emit(g.noise())
	}
	if o.CutTail {
		msgs, kidx, _ := oomReport(rk, rk.Float64() < o.MemcgFrac, rk.Float64() < o.LegacyFrac)
		for i, m := range msgs[:kidx-1] {
			g.tus += 1 + rk.Int64N(40)
			ln := g.emit("k", m)
			if i == 0 {
				exp.CutReport = ln
			}
		}
	}
	exp.Bytes, exp.Lines = g.bytes, g.lines
	return exp, bw.Flush()
}

type gen struct {
	r     *rand.Rand
	w     *bufio.Writer
	style string
	host  string
	boot  int64
	tus   int64 // uptime in microseconds
	aser  int
	bytes int64
	lines int
	sec   int64
	wall  string
}

func (g *gen) advance() {
	if g.r.Float64() < 0.02 {
		g.tus += int64(g.r.ExpFloat64() * 50000 * 40)
	} else {
		g.tus += int64(g.r.ExpFloat64()*50000*0.2) + 1
	}
}

func (g *gen) wallclock(sec int64) string {
	if sec != g.sec || g.wall == "" {
		g.sec = sec
		t := time.Unix(g.boot+sec, 0).UTC()
		if g.style == "T" {
			g.wall = t.Format("Mon Jan _2 15:04:05 2006")
		} else {
			g.wall = t.Format("Jan _2 15:04:05")
		}
	}
	return g.wall
}

// emit writes one message (src "k" for the kernel, else "prog[pid]") and
// returns the line number of its first physical line.
func (g *gen) emit(src, text string) int {
	sec, us := g.tus/1e6, g.tus%1e6
	kern := src == "k"
	var pre, body string
	switch g.style {
	case "raw":
		pre = fmt.Sprintf("[%5d.%06d] ", sec, us)
	case "T":
		pre = "[" + g.wallclock(sec) + "] "
	default:
		if kern {
			pre = fmt.Sprintf("%s %s kernel: [%5d.%06d] ", g.wallclock(sec), g.host, sec, us)
		} else {
			pre = fmt.Sprintf("%s %s %s: ", g.wallclock(sec), g.host, src)
		}
	}
	body = text
	if !kern && g.style != "syslog" {
		body = src + ": " + text
	}
	nl := 1
	if strings.Contains(body, "\n") {
		if g.style == "syslog" {
			body = strings.ReplaceAll(body, "\n", "#012")
		} else {
			nl = strings.Count(body, "\n") + 1
			body = strings.ReplaceAll(body, "\n", "\n"+strings.Repeat(" ", len(pre)))
		}
	}
	first := g.lines + 1
	g.lines += nl
	n1, _ := g.w.WriteString(pre)
	n2, _ := g.w.WriteString(body)
	g.w.WriteByte('\n')
	g.bytes += int64(n1 + n2 + 1)
	return first
}
