package correlate

import (
	"strings"

	"github.com/oomlens/oomlens/correlate/clock"
	"github.com/oomlens/oomlens/correlate/k8s"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kube"
	"github.com/oomlens/oomlens/report"
)

// Kubernetes in the report: the pod a kill hit, the kubelet and node
// sections, and node and cluster events matched to kills. What the facts
// themselves say (which pod, which node, the kubelet's swap) is package k8s.

// attributePod reads the victim's memcg path for a pod UID, QoS and
// container ID, and looks the pod up in the bundle (k8s.PodOf).
func (bd *builder) attributePod(kc *killCtx) *report.Pod {
	if kc.fromPodStatus() {
		if p, c := bd.statusContainer(kc); p != nil {
			kc.podQoS = strings.ToLower(p.QoS)
			kc.statusLimitKB = c.MemLimitKB
			// no container ID: the one listed is the container started
			// after the kill, not the one killed
			return &report.Pod{UID: strPtr(p.UID), Namespace: strPtr(p.Namespace), Name: strPtr(p.Name), Container: strPtr(c.Name),
				QoS: strPtr(kc.podQoS), Evidence: []report.Ref{toRef(p.Ref), toRef(c.Ref)}}
		}
	}
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

// statusContainer is the pod and container whose OOMKilled status is the
// kill kc (parse made the kill from that status line).
func (bd *builder) statusContainer(kc *killCtx) (*parse.Pod, *parse.PodContainer) {
	for _, p := range bd.b.Pods {
		if p == nil {
			continue
		}
		for i := range p.Containers {
			c := &p.Containers[i]
			if c.LastReason == "OOMKilled" && (c.LastReasonRef != nil && *c.LastReasonRef == kc.kill.Ref || c.LastReasonRef == nil && c.Ref == kc.kill.Ref) {
				return p, c
			}
		}
	}
	return nil, nil
}

func (bd *builder) podFromPath(path string, kc *killCtx) *report.Pod {
	cp := podFromCgroup(path)
	if cp == nil {
		return nil
	}
	kp := k8s.PodOf(bd.b, bd.logs, cp)
	pod := &report.Pod{UID: strPtr(kp.UID), ContainerID: strPtr(kp.ContainerID), QoS: strPtr(kp.QoS),
		Namespace: strPtr(kp.Namespace), Name: strPtr(kp.Name), Container: strPtr(kp.Container), Evidence: []report.Ref{}}
	if kc.cons != nil {
		pod.Evidence = append(pod.Evidence, toRef(kc.cons.Ref))
	} else if kc.memcg != nil && kc.memcg.TaskIn != nil {
		pod.Evidence = append(pod.Evidence, toRef(kc.memcg.TaskIn.Ref))
	} else if kc.memcg != nil && len(kc.memcg.StatsFor) > 0 {
		pod.Evidence = append(pod.Evidence, toRef(kc.memcg.StatsFor[0].Ref))
	} else if kc.ev != nil {
		pod.Evidence = append(pod.Evidence, toRef(kc.ev.Ref))
	}
	kc.podQoS = kp.QoS
	for _, r := range kp.Refs {
		pod.Evidence = append(pod.Evidence, toRef(r))
	}
	pod.Evidence = sortRefs(pod.Evidence)
	return pod
}

// kubeVer is a parsed kubelet version.
type kubeVer struct {
	major, minor int
	text         string
	ref          *parse.Ref
}

// kubeletVersion is k8s.KubeletVersion: the kubelet's version from its
// config or the node.
func (bd *builder) kubeletVersion() *kubeVer {
	v := k8s.KubeletVersion(bd.b)
	if v == nil {
		return nil
	}
	return &kubeVer{v.Major, v.Minor, v.Text, v.Ref}
}

// verLess says whether version ma.mi is older than wantMa.wantMi.
func verLess(ma, mi, wantMa, wantMi int) bool {
	return k8s.Version{Major: ma, Minor: mi}.Before(wantMa, wantMi)
}

// kubeletSwap is k8s.KubeletSwap, the effective pod swap behaviour, with
// its refs sorted as the report cites them.
func (bd *builder) kubeletSwap() (sp k8s.SwapPolicy, refs []report.Ref) {
	sp = k8s.KubeletSwap(bd.b)
	for _, r := range sp.Refs {
		refs = append(refs, toRef(r))
	}
	return sp, sortRefs(refs)
}

func (bd *builder) kubeletSection() *report.Kubelet {
	k := bd.b.Kubelet
	v := bd.kubeletVersion()
	if k == nil && v == nil {
		return nil
	}
	sp, refs := bd.kubeletSwap()
	out := &report.Kubelet{EffectiveSwap: sp.Effective, EvictionHard: map[string]string{}, Evidence: refs}
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
func (bd *builder) nodeSection() []report.Node {
	out := []report.Node{}
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

func (bd *builder) nodeOut(n *parse.Node, own bool) (report.Node, []*string) {
	cap := bd.b.Host.CapturedAt
	match := n.Match
	if match == "" {
		match = "only-node"
	}
	nn := report.Node{Name: n.Name, KubeletVersion: strPtr(n.KubeletVersion), KernelVersion: strPtr(n.KernelVersion),
		ContainerRuntime: strPtr(n.ContainerRuntime), MemoryCapacityKB: n.MemCapacityKB, MemoryAllocatableKB: n.MemAllocatableKB,
		Conditions: []report.Condition{}, Pods: []report.NodePod{}, Events: []report.Event{}, Evidence: toRef(n.Ref),
		ThisHost: own, HostMatch: match, AlsoIn: []report.Ref{}}
	for _, r := range n.AlsoIn {
		nn.AlsoIn = append(nn.AlsoIn, toRef(r))
	}
	nn.AlsoIn = sortRefs(nn.AlsoIn)
	for _, c := range n.Conditions {
		nn.Conditions = append(nn.Conditions, report.Condition{Type: c.Type, Status: c.Status, Reason: c.Reason, Message: c.Message})
	}
	for _, p := range n.Pods {
		nn.Pods = append(nn.Pods, report.NodePod{Namespace: p.Namespace, Name: p.Name, MemoryRequest: p.MemoryRequest, MemoryLimit: p.MemoryLimit})
	}
	nn.PodMemRequestsKB, nn.PodMemLimitsKB, _ = podMemSums(n)
	var ids []*string
	for i := range n.Events {
		e := &n.Events[i]
		ev := report.Event{Type: e.Type, Reason: e.Reason, Age: e.Age, Count: e.Count, From: e.From, Message: e.Message, Evidence: toRef(e.Ref)}
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

// kubeletStartInfo is k8s.KubeletStart with how the finding names it.
type kubeletStartInfo struct {
	*k8s.Start
	text string
}

// kubeletStart is the newest kubelet start the bundle shows, nil if none.
func (bd *builder) kubeletStart() *kubeletStartInfo {
	st := k8s.KubeletStart(bd.b, bd.logs, bd.clk)
	if st == nil {
		return nil
	}
	if st.Log == "" {
		return &kubeletStartInfo{st, "the age of \"Starting kubelet.\""}
	}
	return &kubeletStartInfo{st, "the kubelet's start in " + shortPath(st.Log)}
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

// isThisNode is k8s.IsThisNode: whether a described node is the host the
// logs came from.
func (bd *builder) isThisNode(n *parse.Node) bool { return k8s.IsThisNode(bd.b, n) }

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
