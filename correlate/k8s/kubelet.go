package k8s

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/parse"
)

// Version is a kubelet's version, major.minor, as printed and where.
type Version struct {
	Major, Minor int
	Text         string     // as printed: "v1.28.3"
	Ref          *parse.Ref // nil when the config names no source
}

// Before says whether v is older than major.minor.
func (v Version) Before(major, minor int) bool {
	return v.Major < major || (v.Major == major && v.Minor < minor)
}

// KubeletVersion is the kubelet's version from its config or the node, nil
// when neither prints one.
func KubeletVersion(b *parse.Bundle) *Version {
	if k := b.Kubelet; k != nil && k.Version != "" {
		if ma, mi, ok := ParseVersion(k.Version); ok {
			var r *parse.Ref
			if len(k.Sources) > 0 {
				rr := k.Sources[0]
				r = &rr
			}
			return &Version{ma, mi, k.Version, r}
		}
	}
	for _, n := range b.Nodes {
		if n == nil || n.KubeletVersion == "" {
			continue
		}
		if ma, mi, ok := ParseVersion(n.KubeletVersion); ok {
			r := n.Ref
			for _, q := range n.Lines {
				if strings.Contains(q.Text, "Kubelet Version:") {
					r = q.Ref
				}
			}
			return &Version{ma, mi, n.KubeletVersion, &r}
		}
	}
	return nil
}

// ParseVersion parses "v1.28.3" or "4.15.0-65-generic" into (1, 28) or
// (4, 15); ok false if it has no major.minor.
func ParseVersion(s string) (major, minor int, ok bool) {
	s = strings.TrimSpace(strings.TrimPrefix(s, "v"))
	parts := strings.SplitN(s, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	ma, err1 := strconv.Atoi(parts[0])
	digits := parts[1]
	for i, c := range digits {
		if c < '0' || c > '9' {
			digits = digits[:i]
			break
		}
	}
	mi, err2 := strconv.Atoi(digits)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return ma, mi, true
}

// SwapPolicy is what the kubelet does with swap for pods.
type SwapPolicy struct {
	// Effective is unrestricted, NoSwap, LimitedSwap, UnlimitedSwap,
	// kubelet-refuses-swap or unknown.
	Effective string
	Why       string
	Refs      []parse.Ref // the version and config lines it rests on
}

// KubeletSwap derives the effective pod swap behaviour from the kubelet
// version, failSwapOn, the NodeSwap gate and swapBehavior
// (kubernetes-swap-memory §1.7).
func KubeletSwap(b *parse.Bundle) SwapPolicy {
	k := b.Kubelet
	v := KubeletVersion(b)
	sp := SwapPolicy{Effective: "unknown"}
	if v != nil && v.Ref != nil {
		sp.Refs = append(sp.Refs, *v.Ref)
	}
	var failSwapOn *bool
	behavior := ""
	var gate *bool
	if k != nil {
		failSwapOn, behavior, gate = k.FailSwapOn, k.SwapBehavior, k.NodeSwapGate
		for _, r := range []*parse.Ref{k.FailSwapOnRef, k.SwapBehavRef, k.NodeSwapRef} {
			if r != nil {
				sp.Refs = append(sp.Refs, *r)
			}
		}
	}
	if failSwapOn != nil && *failSwapOn {
		sp.Effective, sp.Why = "kubelet-refuses-swap", "failSwapOn is true: the kubelet does not start while swap is on"
		return sp
	}
	if v == nil {
		if failSwapOn != nil && !*failSwapOn {
			sp.Why = "failSwapOn is false but the kubelet version is unknown"
		}
		return sp
	}
	sp.Effective, sp.Why = swapByRelease(*v, gate, behavior)
	cg2 := b.CgroupV2
	if cg2 != nil && *cg2 && sp.Effective == "LimitedSwap" && v.Before(1, 28) {
		sp.Why += "; this node runs cgroup v2, so pods get no swap"
	}
	if cg2 != nil && !*cg2 && !v.Before(1, 28) && (sp.Effective == "LimitedSwap" || sp.Effective == "UnlimitedSwap") {
		sp.Effective = "NoSwap"
		sp.Why += "; but this node runs cgroup v1, where swap for pods is not supported since 1.28, so pods get no swap"
	}
	return sp
}

// swapByRelease is the pod swap behaviour of a kubelet release with
// failSwapOn false, the NodeSwap gate (nil: unset) and swapBehavior.
func swapByRelease(v Version, gate *bool, behavior string) (effective, why string) {
	vs := fmt.Sprintf("kubelet %s", v.Text)
	switch {
	case v.Before(1, 22):
		return "unrestricted", vs + " predates swap support: with failSwapOn=false it sets no swap limit, so pods may swap without limit until swap is full"
	case v.Before(1, 28):
		if gate == nil || !*gate {
			return "unrestricted", vs + " with the NodeSwap gate off (the default) sets no swap limit, so pods may swap without limit"
		} else if behavior == "UnlimitedSwap" {
			return "UnlimitedSwap", vs + " with NodeSwap on and UnlimitedSwap lets pods swap up to the node's swap"
		}
		return "LimitedSwap", vs + " with NodeSwap on defaults to LimitedSwap: memory+swap capped at the memory limit on cgroup v1, no swap at all on cgroup v2"
	case v.Before(1, 30):
		if gate != nil && *gate {
			if behavior == "LimitedSwap" {
				return "LimitedSwap", vs + " with NodeSwap on and LimitedSwap: only Burstable pods swap, in proportion to their requests (cgroup v2 only)"
			}
			return "UnlimitedSwap", vs + " with NodeSwap on defaults to UnlimitedSwap (cgroup v2 only)"
		}
		return "unknown", vs + " with the NodeSwap gate off: swap behaviour of this release is not verified"
	}
	if gate != nil && !*gate && v.Before(1, 34) {
		return "NoSwap", vs + " with the NodeSwap gate turned off: pods get no swap"
	} else if behavior == "LimitedSwap" {
		return "LimitedSwap", vs + " with LimitedSwap: only non-critical Burstable pods with request ≠ limit on cgroup v2 may swap, limited to request ÷ node RAM × node swap"
	}
	return "NoSwap", vs + " defaults to NoSwap: pods get memory.swap.max=0 on cgroup v2 (memsw = memory limit on cgroup v1)"
}
