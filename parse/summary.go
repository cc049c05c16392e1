package parse

import "github.com/oomlens/oomlens/parse/kube"

// Helpers that pick the best capture-time facts from a Bundle, for the
// report's swap, memory and kubelet sections.

// swapFormatRank orders swap sources: exact byte or kB listings first,
// human sizes last.
var swapFormatRank = map[string]int{"swapon-bytes": 0, "proc-swaps": 1, "swapon-summary": 2, "swapon-show": 3}

// BestSwap returns the swap listing that states sizes most exactly
// (swapon --bytes, then /proc/swaps, then swapon -s, then swapon's human
// sizes), the first in path order among equals; nil when the bundle has
// none.
func (b *Bundle) BestSwap() *SwapTable {
	var best *SwapTable
	for _, t := range b.Swaps {
		if t == nil {
			continue
		}
		if best == nil || rankOf(t.Format) < rankOf(best.Format) {
			best = t
		}
	}
	return best
}

func rankOf(format string) int {
	if r, ok := swapFormatRank[format]; ok {
		return r
	}
	return len(swapFormatRank)
}

// Totals sums the devices of a swap listing; the sums are exact only when
// every part is, and nil when a part is unknown (not printed, or too large
// to hold) or the sum does not fit in an int64 of kB.
func (t *SwapTable) Totals() (size, used *Size) {
	sum := func(get func(SwapDevice) *Size) *Size {
		tot := &Size{Exact: true}
		for i, d := range t.Devices {
			p := get(d)
			if p == nil {
				return nil
			}
			if i == 0 {
				c := *p
				tot = &c
				continue
			}
			s, ok := addSizes(*tot, *p)
			if !ok {
				return nil
			}
			tot = &s
		}
		return tot
	}
	return sum(func(d SwapDevice) *Size { return d.Size }), sum(func(d SwapDevice) *Size { return d.Used })
}

// VMStatValue returns a /proc/vmstat counter (oom_kill, pswpout, …), nil
// when the bundle does not show it.
func (b *Bundle) VMStatValue(key string) *KV {
	for i := range b.VMStat {
		if b.VMStat[i].Key == key {
			return &b.VMStat[i]
		}
	}
	return nil
}

// KubeletSwap is EffectiveSwap for the bundle's kubelet, its version and
// the node's cgroup version.
func (b *Bundle) KubeletSwap() KubeletSwap {
	if b.Kubelet == nil {
		return kube.EffectiveSwap(nil, "", b.CgroupV2)
	}
	return kube.EffectiveSwap(b.Kubelet, b.Kubelet.Version, b.CgroupV2)
}
