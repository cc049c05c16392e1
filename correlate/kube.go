package correlate

import (
	"fmt"
	"strings"
	"time"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kube"
)

// Kubernetes: which pod a kill hit, what the kubelet does with swap, and the
// node's events matched to kills.

// attributePod reads the victim's memcg path for a pod UID, QoS and
// container ID, and looks the pod up in the bundle's pod listings.
func (bd *builder) attributePod(kc *killCtx) *Pod {
	for _, p := range []string{kc.taskMemcg(), kc.oomMemcg()} {
		if p == "" {
			continue
		}
		if pod := bd.podFromPath(p, kc); pod != nil {
			return pod
		}
	}
	return nil
}

func (bd *builder) podFromPath(path string, kc *killCtx) *Pod {
	cp := podFromCgroup(path)
	if cp == nil {
		return nil
	}
	pod := &Pod{UID: strPtr(cp.UID), ContainerID: strPtr(cp.ContainerID), QoS: strPtr(cp.QoS), Evidence: []Ref{}}
	if kc.cons != nil {
		pod.Evidence = append(pod.Evidence, toRef(kc.cons.Ref))
	} else if kc.memcg != nil && kc.memcg.TaskIn != nil {
		pod.Evidence = append(pod.Evidence, toRef(kc.memcg.TaskIn.Ref))
	} else if kc.memcg != nil && len(kc.memcg.StatsFor) > 0 {
		pod.Evidence = append(pod.Evidence, toRef(kc.memcg.StatsFor[0].Ref))
	} else if kc.ev != nil {
		pod.Evidence = append(pod.Evidence, toRef(kc.ev.Ref))
	}
	kc.podQoS = cp.QoS
	uid := strings.ToLower(strings.ReplaceAll(cp.UID, "_", "-"))
	for _, p := range bd.b.Pods {
		if p == nil || strings.ToLower(p.UID) != uid {
			continue
		}
		pod.Namespace, pod.Name = strPtr(p.Namespace), strPtr(p.Name)
		if p.QoS != "" {
			pod.QoS = strPtr(strings.ToLower(p.QoS))
			kc.podQoS = strings.ToLower(p.QoS)
		}
		pod.Evidence = append(pod.Evidence, toRef(p.Ref))
		if cp.ContainerID != "" {
			for _, c := range p.Containers {
				if idMatch(c.ID, cp.ContainerID) {
					pod.Container = strPtr(c.Name)
					pod.Evidence = append(pod.Evidence, toRef(c.Ref))
				}
			}
		}
	}
	// kubelet PLEG lines name the pod of a UID (and of its containers).
	if pod.Name == nil {
		for _, lg := range bd.logs {
			for i := range lg.Events {
				ev := &lg.Events[i]
				if ev.Kind != "kubelet-pleg" || strings.ToLower(ev.PodUID) != uid {
					continue
				}
				if ns, name, ok := strings.Cut(ev.Pod, "/"); ok {
					pod.Namespace, pod.Name = strPtr(ns), strPtr(name)
					pod.Evidence = append(pod.Evidence, toRef(ev.Ref))
				}
				break
			}
			if pod.Name != nil {
				break
			}
		}
		if pod.Name != nil {
			for _, p := range bd.b.Pods {
				if p == nil || p.Name != *pod.Name || p.Namespace != *pod.Namespace {
					continue
				}
				if p.QoS != "" {
					pod.QoS = strPtr(strings.ToLower(p.QoS))
					kc.podQoS = strings.ToLower(p.QoS)
					pod.Evidence = append(pod.Evidence, toRef(p.Ref))
				}
				// the one container whose last state is OOMKilled
				var oomed []parse.PodContainer
				for _, c := range p.Containers {
					if c.LastReason == "OOMKilled" {
						oomed = append(oomed, c)
					}
				}
				if len(oomed) == 1 && pod.Container == nil {
					pod.Container = strPtr(oomed[0].Name)
					pod.Evidence = append(pod.Evidence, toRef(oomed[0].Ref))
				}
			}
		}
	}
	if cp.ContainerID != "" && pod.Container == nil {
		for _, c := range bd.b.Containers {
			if c == nil || !idMatch(c.ID, cp.ContainerID) {
				continue
			}
			pod.Container = strPtr(c.Name)
			if pod.Name == nil {
				pod.Name, pod.Namespace = strPtr(c.PodName), strPtr(c.PodNamespace)
			}
			pod.Evidence = append(pod.Evidence, toRef(c.Ref))
			break
		}
	}
	pod.Evidence = sortRefs(pod.Evidence)
	return pod
}

// idMatch compares a runtime-prefixed or truncated container ID with a full one.
func idMatch(listed, full string) bool {
	if i := strings.Index(listed, "://"); i >= 0 {
		listed = listed[i+3:]
	}
	listed, full = strings.ToLower(listed), strings.ToLower(full)
	if len(listed) < 12 || len(full) < 12 {
		return false
	}
	return strings.HasPrefix(full, listed) || strings.HasPrefix(listed, full)
}

// kubeVer is a parsed kubelet version.
type kubeVer struct {
	major, minor int
	text         string
	ref          *parse.Ref
}

// kubeletVersion is the kubelet's version from its config or the node.
func (bd *builder) kubeletVersion() *kubeVer {
	if k := bd.b.Kubelet; k != nil && k.Version != "" {
		if ma, mi, ok := kernelVersion(k.Version); ok {
			var r *parse.Ref
			if len(k.Sources) > 0 {
				rr := k.Sources[0]
				r = &rr
			}
			return &kubeVer{ma, mi, k.Version, r}
		}
	}
	for _, n := range bd.b.Nodes {
		if n == nil || n.KubeletVersion == "" {
			continue
		}
		if ma, mi, ok := kernelVersion(n.KubeletVersion); ok {
			r := n.Ref
			for _, q := range n.Lines {
				if strings.Contains(q.Text, "Kubelet Version:") {
					r = q.Ref
				}
			}
			return &kubeVer{ma, mi, n.KubeletVersion, &r}
		}
	}
	return nil
}

// swapPolicy is what the kubelet does with swap for pods.
type swapPolicy struct {
	effective string // unrestricted, NoSwap, LimitedSwap, UnlimitedSwap, kubelet-refuses-swap, unknown
	why       string
	refs      []Ref
}

// kubeletSwap derives the effective pod swap behaviour from the kubelet
// version, failSwapOn, the NodeSwap gate and swapBehavior
// (kubernetes-swap-memory §1.7).
func (bd *builder) kubeletSwap() swapPolicy {
	k := bd.b.Kubelet
	v := bd.kubeletVersion()
	sp := swapPolicy{effective: "unknown"}
	if v != nil && v.ref != nil {
		sp.refs = append(sp.refs, toRef(*v.ref))
	}
	var failSwapOn *bool
	behavior := ""
	var gate *bool
	if k != nil {
		failSwapOn, behavior, gate = k.FailSwapOn, k.SwapBehavior, k.NodeSwapGate
		for _, r := range []*parse.Ref{k.FailSwapOnRef, k.SwapBehavRef, k.NodeSwapRef} {
			if r != nil {
				sp.refs = append(sp.refs, toRef(*r))
			}
		}
	}
	cg2 := bd.b.CgroupV2
	if failSwapOn != nil && *failSwapOn {
		sp.effective, sp.why = "kubelet-refuses-swap", "failSwapOn is true: the kubelet does not start while swap is on"
		return sp
	}
	if v == nil {
		if failSwapOn != nil && !*failSwapOn {
			sp.why = "failSwapOn is false but the kubelet version is unknown"
		}
		return sp
	}
	vs := fmt.Sprintf("kubelet %s", v.text)
	switch {
	case verLess(v.major, v.minor, 1, 22):
		sp.effective = "unrestricted"
		sp.why = vs + " predates swap support: with failSwapOn=false it sets no swap limit, so pods may swap without limit until swap is full"
	case verLess(v.major, v.minor, 1, 28):
		if gate == nil || !*gate {
			sp.effective = "unrestricted"
			sp.why = vs + " with the NodeSwap gate off (the default) sets no swap limit, so pods may swap without limit"
		} else if behavior == "UnlimitedSwap" {
			sp.effective = "UnlimitedSwap"
			sp.why = vs + " with NodeSwap on and UnlimitedSwap lets pods swap up to the node's swap"
		} else {
			sp.effective = "LimitedSwap"
			sp.why = vs + " with NodeSwap on defaults to LimitedSwap: memory+swap capped at the memory limit on cgroup v1, no swap at all on cgroup v2"
		}
	case verLess(v.major, v.minor, 1, 30):
		if gate != nil && *gate {
			if behavior == "LimitedSwap" {
				sp.effective = "LimitedSwap"
				sp.why = vs + " with NodeSwap on and LimitedSwap: only Burstable pods swap, in proportion to their requests (cgroup v2 only)"
			} else {
				sp.effective = "UnlimitedSwap"
				sp.why = vs + " with NodeSwap on defaults to UnlimitedSwap (cgroup v2 only)"
			}
		} else {
			sp.why = vs + " with the NodeSwap gate off: swap behaviour of this release is not verified"
		}
	default:
		if gate != nil && !*gate && verLess(v.major, v.minor, 1, 34) {
			sp.effective = "NoSwap"
			sp.why = vs + " with the NodeSwap gate turned off: pods get no swap"
		} else if behavior == "LimitedSwap" {
			sp.effective = "LimitedSwap"
			sp.why = vs + " with LimitedSwap: only non-critical Burstable pods with request ≠ limit on cgroup v2 may swap, limited to request ÷ node RAM × node swap"
		} else {
			sp.effective = "NoSwap"
			sp.why = vs + " defaults to NoSwap: pods get memory.swap.max=0 on cgroup v2 (memsw = memory limit on cgroup v1)"
		}
	}
	if cg2 != nil && *cg2 && sp.effective == "LimitedSwap" && verLess(v.major, v.minor, 1, 28) {
		sp.why += "; this node runs cgroup v2, so pods get no swap"
	}
	if cg2 != nil && !*cg2 && !verLess(v.major, v.minor, 1, 28) && (sp.effective == "LimitedSwap" || sp.effective == "UnlimitedSwap") {
		sp.effective = "NoSwap"
		sp.why += "; but this node runs cgroup v1, where swap for pods is not supported since 1.28, so pods get no swap"
	}
	sp.refs = sortRefs(sp.refs)
	return sp
}

func (bd *builder) kubeletSection() *Kubelet {
	k := bd.b.Kubelet
	v := bd.kubeletVersion()
	if k == nil && v == nil {
		return nil
	}
	sp := bd.kubeletSwap()
	out := &Kubelet{EffectiveSwap: sp.effective, EvictionHard: map[string]string{}, Evidence: sp.refs}
	if v != nil {
		out.Version = strPtr(v.text)
	}
	if k != nil {
		out.FailSwapOn, out.SwapBehavior, out.NodeSwapGate = k.FailSwapOn, strPtr(k.SwapBehavior), k.NodeSwapGate
		out.CgroupDriver = strPtr(k.CgroupDriver)
		for _, e := range k.EvictionHard {
			out.EvictionHard[e.Key] = e.Value
			out.Evidence = append(out.Evidence, toRef(e.Ref))
		}
		for _, r := range k.Sources {
			out.Evidence = append(out.Evidence, toRef(r))
		}
	}
	out.Evidence = sortRefs(out.Evidence)
	return out
}

// nodeSection converts the nodes and matches their events to kills: this
// host's nodes first, then the other nodes described, whose events are
// listed but never matched to this host's kills.
func (bd *builder) nodeSection() []Node {
	out := []Node{}
	bd.nodeOutEvents = make([][]*string, len(bd.b.Nodes))
	for ni, n := range bd.b.Nodes {
		if n == nil {
			continue
		}
		nn, ids := bd.nodeOut(n, true)
		bd.nodeOutEvents[ni] = ids
		out = append(out, nn)
	}
	for _, n := range bd.b.OtherNodes {
		if n == nil {
			continue
		}
		nn, _ := bd.nodeOut(n, false)
		out = append(out, nn)
	}
	return out
}

func (bd *builder) nodeOut(n *parse.Node, own bool) (Node, []*string) {
	cap := bd.b.Host.CapturedAt
	match := n.Match
	if match == "" {
		match = "only-node"
	}
	nn := Node{Name: n.Name, KubeletVersion: strPtr(n.KubeletVersion), KernelVersion: strPtr(n.KernelVersion),
		ContainerRuntime: strPtr(n.ContainerRuntime), MemoryCapacityKB: n.MemCapacityKB, MemoryAllocatableKB: n.MemAllocatableKB,
		Conditions: []Condition{}, Pods: []NodePod{}, Events: []Event{}, Evidence: toRef(n.Ref),
		ThisHost: own, HostMatch: match, AlsoIn: []Ref{}}
	for _, r := range n.AlsoIn {
		nn.AlsoIn = append(nn.AlsoIn, toRef(r))
	}
	nn.AlsoIn = sortRefs(nn.AlsoIn)
	for _, c := range n.Conditions {
		nn.Conditions = append(nn.Conditions, Condition{Type: c.Type, Status: c.Status, Reason: c.Reason, Message: c.Message})
	}
	for _, p := range n.Pods {
		nn.Pods = append(nn.Pods, NodePod{Namespace: p.Namespace, Name: p.Name, MemoryRequest: p.MemoryRequest, MemoryLimit: p.MemoryLimit})
	}
	nn.PodMemRequestsKB, nn.PodMemLimitsKB, _ = podMemSums(n)
	var ids []*string
	for i := range n.Events {
		e := &n.Events[i]
		ev := Event{Type: e.Type, Reason: e.Reason, Age: e.Age, Count: e.Count, From: e.From, Message: e.Message, Evidence: toRef(e.Ref)}
		if cap != nil && e.AgeSec != nil {
			t := cap.Add(-clock.Seconds(*e.AgeSec)).In(bd.loc)
			ev.Time = rfc3339(&t)
		}
		if own && bd.isThisNode(n) {
			if kc := bd.matchEvent(e); kc != nil {
				ev.KillID = ptr(kc.id)
			}
		}
		ids = append(ids, ev.KillID)
		nn.Events = append(nn.Events, ev)
	}
	return nn, ids
}

// matchEvent finds the kill a SystemOOM or OOMKilling event reports, by pid.
func (bd *builder) matchEvent(e *parse.NodeEvent) *killCtx {
	pid := e.VictimPid
	if pid == nil {
		return nil
	}
	var found *killCtx
	for _, kc := range bd.kills {
		if kc.killer != "kernel" || kc.kill == nil || kc.kill.Pid != *pid {
			continue
		}
		if len(kc.foreign) > 0 && kc.foreignRule() == "not-from-this-host" {
			continue // this node's kubelet did not see another host's kill
		}
		if e.VictimName != "" && !strings.HasPrefix(e.VictimName, kc.kill.Comm) && !strings.HasPrefix(kc.kill.Comm, e.VictimName) {
			continue
		}
		found = kc // the latest kill with that pid
	}
	if found != nil {
		found.nodeEvents = append(found.nodeEvents, e)
	}
	return found
}

// kubeletStartInfo is when the kubelet last started, from the node's
// "Starting kubelet." event or, failing that, the journal's kubelet start.
type kubeletStartInfo struct {
	ref    parse.Ref
	ageSec float64    // seconds before capture (event ages are relative to it)
	at     *time.Time // nil without a capture date
	text   string
}

// kubeletStart is the newest kubelet start the bundle shows, nil if none.
func (bd *builder) kubeletStart() *kubeletStartInfo {
	var best *parse.NodeEvent
	for _, n := range bd.b.Nodes {
		if n == nil || !bd.isThisNode(n) {
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
	c := bd.b.Host.CapturedAt
	if best != nil {
		ks := &kubeletStartInfo{ref: best.Ref, ageSec: *best.AgeSec, text: "the age of \"Starting kubelet.\""}
		if c != nil {
			t := c.Add(-clock.Seconds(*best.AgeSec))
			ks.at = &t
		}
		return ks
	}
	if c == nil {
		return nil
	}
	var out *kubeletStartInfo
	for _, lg := range bd.logs {
		for i := range lg.Events {
			e := &lg.Events[i]
			if e.Kind != "kubelet-start" {
				continue
			}
			nd := bd.nodeAt(lg.Path, e.Boot)
			if nd == nil {
				continue
			}
			w, _, _ := bd.clk.When(nd.LogBoot, e.Line, &e.Stamp)
			if w == nil || w.After(c.Add(time.Minute)) {
				continue
			}
			if out == nil || w.After(*out.at) {
				out = &kubeletStartInfo{ref: e.Ref, ageSec: c.Sub(*w).Seconds(), at: w, text: "the kubelet's start in " + shortPath(lg.Path)}
			}
		}
	}
	return out
}

// podFromCgroup is kube.PodFromCgroup; tests may replace it while the
// parser is a stub.
var podFromCgroup = kube.PodFromCgroup

// matchK8sEvent finds the kernel kill a `kubectl get events` row reports
// (SystemOOM or OOMKilling), by pid.
func (bd *builder) matchK8sEvent(e *parse.K8sEvent) *killCtx {
	if e.Reason != "SystemOOM" && e.Reason != "OOMKilling" {
		return nil
	}
	if e.VictimPid == nil {
		return nil
	}
	pid, name := *e.VictimPid, e.VictimName
	if e.Reason == "OOMKilling" {
		name = "" // the kernel's comm: the pid says it all
	}
	var found *killCtx
	for _, kc := range bd.kills {
		if kc.kill != nil && kc.kill.Pid == pid && (name == "" || strings.HasPrefix(name, kc.kill.Comm) || strings.HasPrefix(kc.kill.Comm, name)) {
			found = kc
		}
	}
	return found
}

// isThisNode says whether a described node is the host the logs came from:
// with one node in the bundle, assume so (sos clean renames hosts); with
// several, the node name must match the hostname.
func (bd *builder) isThisNode(n *parse.Node) bool {
	count := 0
	for _, x := range bd.b.Nodes {
		if x != nil {
			count++
		}
	}
	h := strings.ToLower(bd.b.Host.Hostname)
	if count <= 1 || h == "" {
		return true
	}
	name := strings.ToLower(n.Name)
	return name == h || strings.HasPrefix(h, name+".") || strings.HasPrefix(name, h+".")
}

// podMemSums adds up the memory requests and limits of a node's pods that
// print one: nil when no pod prints one, and nil with fits false when the
// sum does not fit in an int64 of kB.
func podMemSums(n *parse.Node) (req, lim *int64, fits bool) {
	var reqs, lims []*int64
	for _, p := range n.Pods {
		if p.MemRequestKB != nil {
			reqs = append(reqs, p.MemRequestKB)
		}
		if p.MemLimitKB != nil {
			lims = append(lims, p.MemLimitKB)
		}
	}
	fits = true
	if len(reqs) > 0 {
		req = sumKB(reqs...)
		fits = req != nil
	}
	if len(lims) > 0 {
		lim = sumKB(lims...)
		fits = fits && lim != nil
	}
	return req, lim, fits
}
