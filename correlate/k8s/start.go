package k8s

import (
	"strings"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/parse"
)

// Start is when the kubelet last started.
type Start struct {
	Ref    parse.Ref
	AgeSec float64    // seconds before capture (event ages are relative to it)
	At     *time.Time // nil without a capture date
	// Log is the kernel or system log whose kubelet start line it is; ""
	// when it is the node's "Starting kubelet." event.
	Log string
}

// KubeletStart is the newest kubelet start the bundle shows: this node's
// "Starting kubelet." event, else the newest kubelet start line of the logs
// before capture, placed by the clock; nil if none.
func KubeletStart(b *parse.Bundle, logs []*parse.KernelLog, clk *clock.Clock) *Start {
	var best *parse.NodeEvent
	for _, n := range b.Nodes {
		if n == nil || !IsThisNode(b, n) {
			continue
		}
		for i := range n.Events {
			e := &n.Events[i]
			if e.Reason == "Starting" && strings.Contains(e.Message, "kubelet") && e.AgeSec != nil {
				if best == nil || *e.AgeSec < *best.AgeSec {
					best = e
				}
			}
		}
	}
	c := b.Host.CapturedAt
	if best != nil {
		ks := &Start{Ref: best.Ref, AgeSec: *best.AgeSec}
		if c != nil {
			t := c.Add(-clock.Seconds(*best.AgeSec))
			ks.At = &t
		}
		return ks
	}
	if c == nil {
		return nil
	}
	var out *Start
	for _, lg := range logs {
		for i := range lg.Events {
			e := &lg.Events[i]
			if e.Kind != "kubelet-start" {
				continue
			}
			lb := clk.LogBoot(lg.Path, e.Boot)
			if lb == nil {
				continue
			}
			w, _, _ := clk.When(lb, e.Line, &e.Stamp)
			if w == nil || w.After(c.Add(time.Minute)) {
				continue
			}
			if out == nil || w.After(*out.At) {
				out = &Start{Ref: e.Ref, AgeSec: c.Sub(*w).Seconds(), At: w, Log: lg.Path}
			}
		}
	}
	return out
}
