package kube

// `kubectl describe node` output, one or many nodes per file (kubectl
// pkg/describe describeNode; trimmed sample):
//
//	Name:               kube-worker-1
//	Roles:              <none>
//	Labels:             beta.kubernetes.io/arch=amd64
//	                    kubernetes.io/hostname=kube-worker-1
//	Annotations:        node.alpha.kubernetes.io/ttl: 0
//	CreationTimestamp:  Thu, 17 Feb 2022 16:46:30 -0500
//	Taints:             <none>
//	Unschedulable:      false
//	Conditions:
//	  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
//	  ----             ------  -----------------                 ------------------                ------                       -------
//	  MemoryPressure   False   Thu, 17 Feb 2022 17:09:13 -0500   Thu, 17 Feb 2022 16:46:30 -0500   KubeletHasSufficientMemory   kubelet has sufficient memory available
//	Addresses:
//	  InternalIP:  192.168.0.113
//	Capacity:
//	  memory:             2025188Ki
//	Allocatable:
//	  memory:             1922788Ki
//	System Info:
//	  Kernel Version:             5.13.0-28-generic
//	  Kubelet Version:            v1.23.3
//	Non-terminated Pods:          (1 in total)
//	  Namespace                   Name                                 CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
//	  ---------                   ----                                 ------------  ----------  ---------------  -------------  ---
//	  default                     nginx-deployment-67d4bdd6f5-cx2nz    500m (25%)    500m (25%)  128Mi (6%)       128Mi (6%)     23m
//	Allocated resources:
//	  (Total limits may be over 100 percent, i.e., overcommitted.)
//	  Resource           Requests     Limits
//	  --------           --------     ------
//	  memory             456Mi (24%)  256Mi (13%)
//	Events:
//	  Type     Reason     Age    From                              Message
//	  ----     ------     ----   ----                              -------
//	  Warning  SystemOOM  5m46s  kubelet, izwz9h8m2chowowqckbcy0z  System OOM encountered, victim process: pip3, pid: 23143

import (
	"strconv"
	"strings"
	"time"

	"github.com/oomlens/oomlens/units"
)

// maxNodeQuotes bounds Node.Lines.
const maxNodeQuotes = 4000

// nodeSections are the top-level keys of describe node, in any kubectl
// version; a column-0 line with one of them starts a section.
var nodeSections = map[string]bool{
	"Name": true, "Roles": true, "Labels": true, "Annotations": true,
	"CreationTimestamp": true, "Taints": true, "Unschedulable": true,
	"Lease": true, "Conditions": true, "Addresses": true, "Capacity": true,
	"Allocatable": true, "System Info": true, "PodCIDR": true, "PodCIDRs": true,
	"ProviderID": true, "Non-terminated Pods": true, "Allocated resources": true,
	"Events": true, "Phase": true, "ExternalID": true, "Pods": true,
	"Node-Local ResourceSlices": true,
}

// describeKey splits a column-0 "Key:  value" line. ok is false for indented
// lines and lines without a colon.
func describeKey(line string) (key, value string, ok bool) {
	if line == "" || line[0] == ' ' || line[0] == '\t' {
		return "", "", false
	}
	k, v, found := strings.Cut(line, ":")
	if !found {
		return "", "", false
	}
	return k, strings.TrimSpace(v), true
}

// parseDescribeNode parses `kubectl describe node` output (one or many nodes)
// from data, naming lines by path.
func parseDescribeNode(data []byte, path string) (nodes []*Node, lines int, warnings []Warning) {
	p := nodeParser{path: path}
	all := kubeLines(data)
	for i, l := range all {
		p.line(i+1, l)
	}
	p.flush()
	return p.nodes, len(all), p.warns
}

type nodeParser struct {
	path    string
	nodes   []*Node
	warns   []Warning
	cur     *Node
	section string
	// table state of the current section
	cols   []tableCol
	events *eventTable
	lastKV *KVString // last Annotations entry (multi-line values)
}

func (p *nodeParser) quote(n int, l string) {
	if p.cur != nil && len(p.cur.Lines) < maxNodeQuotes {
		p.cur.Lines = append(p.cur.Lines, Quote{Ref: Ref{Path: p.path, Line: n}, Text: l})
	}
}

func (p *nodeParser) flushEvents() {
	if p.events != nil && p.cur != nil {
		p.cur.Events = append(p.cur.Events, p.events.events...)
		p.warns = append(p.warns, p.events.warns...)
	}
	p.events = nil
}

func (p *nodeParser) flush() {
	p.flushEvents()
	p.cur = nil
	p.section = ""
}

func (p *nodeParser) line(n int, l string) {
	if key, val, ok := describeKey(l); ok && nodeSections[key] {
		p.startSection(n, l, key, val)
		return
	}
	if p.cur == nil {
		return
	}
	if strings.TrimSpace(l) == "" {
		if p.section == "Events" {
			p.flushEvents()
		}
		p.section = ""
		return
	}
	switch p.section {
	case "Labels":
		p.label(n, strings.TrimSpace(l))
	case "Annotations":
		p.annotation(n, l)
	case "Taints":
		p.taint(strings.TrimSpace(l))
	case "Conditions":
		p.quote(n, l)
		p.condition(n, l)
	case "Addresses", "Capacity", "Allocatable", "System Info":
		p.item(n, l)
	case "Non-terminated Pods":
		p.pod(n, l)
	case "Allocated resources":
		p.allocated(n, l)
	case "Events":
		p.quote(n, l)
		if p.events != nil && !p.events.line(n, l) {
			p.flushEvents()
			p.section = ""
		}
	}
}

func (p *nodeParser) startSection(n int, l, key, val string) {
	if p.section == "Events" {
		p.flushEvents()
	}
	p.section, p.cols, p.lastKV = key, nil, nil
	if key == "Name" {
		p.flush()
		p.cur = &Node{Ref: Ref{Path: p.path, Line: n}, Name: val, Source: "describe-node"}
		p.nodes = append(p.nodes, p.cur)
		p.section = "Name"
		p.quote(n, l)
		return
	}
	if p.cur == nil {
		p.warns = append(p.warns, Warning{Ref: Ref{Path: p.path, Line: n}, Message: key + " before any Name: line"})
		p.section = ""
		return
	}
	nd := p.cur
	switch key {
	case "Roles":
		nd.Roles = kubeNone(val)
	case "Labels":
		p.label(n, val)
	case "Annotations":
		p.annotation(n, val)
	case "CreationTimestamp":
		nd.CreationTimestamp = val
		nd.Created = parseKubeTime(val)
	case "Taints":
		p.taint(val)
	case "Unschedulable":
		if b, err := strconv.ParseBool(val); err == nil {
			nd.Unschedulable = &b
		}
	case "Conditions":
		p.quote(n, l)
	case "Addresses":
		if val != "" { // pre-1.5 one-line form "10.0.0.1,10.0.0.1"
			nd.Addresses = append(nd.Addresses, KVString{"", val, Ref{Path: p.path, Line: n}})
		}
	case "Non-terminated Pods", "Pods":
		p.section = "Non-terminated Pods"
		if t, ok := strings.CutPrefix(val, "("); ok {
			if num, _, ok := strings.Cut(t, " in total"); ok {
				if v, err := strconv.Atoi(num); err == nil {
					nd.PodsTotal = &v
				}
			}
		}
	case "Events":
		p.quote(n, l)
		if val == "<none>" {
			nd.EventsNone = true
			p.section = ""
			return
		}
		p.events = &eventTable{path: p.path}
	case "PodCIDR", "PodCIDRs", "ProviderID", "ExternalID", "Phase":
		nd.SystemInfo = append(nd.SystemInfo, KVString{key, val, Ref{Path: p.path, Line: n}})
	}
}

func (p *nodeParser) label(n int, s string) {
	if s == "" || s == "<none>" {
		return
	}
	k, v, _ := strings.Cut(s, "=")
	p.cur.Labels = append(p.cur.Labels, KVString{k, v, Ref{Path: p.path, Line: n}})
}

func (p *nodeParser) annotation(n int, l string) {
	s := strings.TrimSpace(l)
	if s == "" || s == "<none>" {
		return
	}
	k, v, found := strings.Cut(s, ": ")
	if !found {
		if k2, ok := strings.CutSuffix(s, ":"); ok && !strings.ContainsAny(k2, " ") {
			k, v, found = k2, "", true
		}
	}
	if !found || strings.ContainsAny(k, " ") {
		// continuation of a multi-line value
		if p.lastKV != nil {
			p.lastKV.Value += "\n" + s
		}
		return
	}
	p.cur.Annotations = append(p.cur.Annotations, KVString{k, v, Ref{Path: p.path, Line: n}})
	p.lastKV = &p.cur.Annotations[len(p.cur.Annotations)-1]
}

func (p *nodeParser) taint(s string) {
	if s == "" || s == "<none>" {
		return
	}
	p.cur.Taints = append(p.cur.Taints, s)
}

// item reads an indented "Key:  value" line of Addresses, Capacity,
// Allocatable or System Info.
func (p *nodeParser) item(n int, l string) {
	s := strings.TrimSpace(l)
	k, v, found := strings.Cut(s, ":")
	if !found {
		p.warns = append(p.warns, Warning{Ref: Ref{Path: p.path, Line: n}, Message: p.section + " line without a colon: " + kubeClip(l)})
		return
	}
	kv := KVString{strings.TrimSpace(k), strings.TrimSpace(v), Ref{Path: p.path, Line: n}}
	nd := p.cur
	switch p.section {
	case "Addresses":
		nd.Addresses = append(nd.Addresses, kv)
	case "Capacity", "Allocatable":
		var kb *int64
		if kv.Key == "memory" {
			p.quote(n, l)
			var res units.Result
			if kb, res = quantityKB(kv.Value); res != units.OK {
				p.warns = append(p.warns, Warning{Ref: kv.Ref, Message: quantityWarning(kv.Value, res)})
			}
		}
		if p.section == "Capacity" {
			nd.Capacity = append(nd.Capacity, kv)
			if kb != nil {
				nd.MemCapacityKB = kb
			}
		} else {
			nd.Allocatable = append(nd.Allocatable, kv)
			if kb != nil {
				nd.MemAllocatableKB = kb
			}
		}
	case "System Info":
		nd.SystemInfo = append(nd.SystemInfo, kv)
		switch kv.Key {
		case "Kernel Version":
			nd.KernelVersion = kv.Value
		case "OS Image":
			nd.OSImage = kv.Value
		case "Container Runtime Version":
			nd.ContainerRuntime = kv.Value
		case "Kubelet Version":
			nd.KubeletVersion = kv.Value
		}
	}
}

// header reads the first indented line of a table section into p.cols.
// It returns true when l was consumed as a header or separator.
func (p *nodeParser) header(l string, want string) bool {
	if p.cols == nil {
		cols := tableHeader(l)
		if colIndex(cols, want) < 0 {
			return false
		}
		p.cols = cols
		return true
	}
	return kubeDashRow(l)
}

func (p *nodeParser) condition(n int, l string) {
	if p.cols == nil || kubeDashRow(l) {
		if !p.header(l, "Type") {
			p.warns = append(p.warns, Warning{Ref: Ref{Path: p.path, Line: n}, Message: "conditions header not understood: " + kubeClip(l)})
			p.section = ""
		}
		return
	}
	c := splitRow(l, p.cols)
	get := func(names ...string) string {
		if i := colIndex(p.cols, names...); i >= 0 {
			return c[i]
		}
		return ""
	}
	nc := NodeCondition{
		Ref:            Ref{Path: p.path, Line: n},
		Type:           get("Type"),
		Status:         get("Status"),
		LastHeartbeat:  get("LastHeartbeatTime"),
		LastTransition: get("LastTransitionTime"),
		Reason:         get("Reason"),
		Message:        get("Message"),
	}
	if nc.Type == "" {
		p.warns = append(p.warns, Warning{Ref: nc.Ref, Message: "condition row without a type: " + kubeClip(l)})
		return
	}
	nc.HeartbeatAt = parseKubeTime(nc.LastHeartbeat)
	nc.TransitionAt = parseKubeTime(nc.LastTransition)
	p.cur.Conditions = append(p.cur.Conditions, nc)
}

func (p *nodeParser) pod(n int, l string) {
	if p.cols == nil || kubeDashRow(l) {
		if strings.TrimSpace(l) == "not authorized" {
			return
		}
		if !p.header(l, "Namespace") {
			p.warns = append(p.warns, Warning{Ref: Ref{Path: p.path, Line: n}, Message: "pods header not understood: " + kubeClip(l)})
			p.section = ""
		}
		return
	}
	c := splitRow(l, p.cols)
	get := func(names ...string) string {
		if i := colIndex(p.cols, names...); i >= 0 {
			return c[i]
		}
		return ""
	}
	np := NodePod{Ref: Ref{Path: p.path, Line: n}, Namespace: get("Namespace"), Name: get("Name"), Age: get("Age")}
	if np.Name == "" {
		p.warns = append(p.warns, Warning{Ref: np.Ref, Message: "pod row without a name: " + kubeClip(l)})
		return
	}
	np.CPURequest, np.CPURequestPct = splitPct(get("CPU Requests"))
	np.CPULimit, np.CPULimitPct = splitPct(get("CPU Limits"))
	np.MemoryRequest, np.MemRequestPct = splitPct(get("Memory Requests"))
	np.MemoryLimit, np.MemLimitPct = splitPct(get("Memory Limits"))
	for _, q := range []struct {
		s   string
		dst **int64
	}{{np.MemoryRequest, &np.MemRequestKB}, {np.MemoryLimit, &np.MemLimitKB}} {
		if q.s == "" {
			continue
		}
		var res units.Result
		if *q.dst, res = quantityKB(q.s); res != units.OK {
			p.warns = append(p.warns, Warning{Ref: np.Ref, Message: quantityWarning(q.s, res)})
		}
	}
	if sec, _, ok := parseKubeDuration(np.Age); ok {
		v := float64(sec)
		np.AgeSec = &v
	}
	p.cur.Pods = append(p.cur.Pods, np)
}

func (p *nodeParser) allocated(n int, l string) {
	s := strings.TrimSpace(l)
	if strings.HasPrefix(s, "(Total limits") {
		return
	}
	if p.cols == nil || kubeDashRow(l) {
		if p.cols == nil {
			cols := tableHeader(l)
			if colIndex(cols, "Resource") < 0 && colIndex(cols, "Memory Requests") < 0 {
				p.warns = append(p.warns, Warning{Ref: Ref{Path: p.path, Line: n}, Message: "allocated resources header not understood: " + kubeClip(l)})
				p.section = ""
				return
			}
			p.cols = cols
		}
		return
	}
	c := splitRow(l, p.cols)
	add := func(res, req, lim string) {
		a := NodeAllocated{Ref: Ref{Path: p.path, Line: n}, Resource: res}
		a.Requests, a.RequestsPct = splitPct(req)
		a.Limits, a.LimitsPct = splitPct(lim)
		if res == "memory" || res == "ephemeral-storage" || strings.HasPrefix(res, "hugepages-") {
			var r1, r2 units.Result
			a.RequestsKB, r1 = quantityKB(a.Requests)
			a.LimitsKB, r2 = quantityKB(a.Limits)
			// a size too large is a warning; anything else that is not a
			// quantity stays unknown quietly, as before
			for _, q := range []struct {
				s   string
				res units.Result
			}{{a.Requests, r1}, {a.Limits, r2}} {
				if q.res == units.TooLarge {
					p.warns = append(p.warns, Warning{Ref: a.Ref, Message: quantityWarning(q.s, q.res)})
				}
			}
		}
		p.cur.Allocated = append(p.cur.Allocated, a)
	}
	if i := colIndex(p.cols, "Resource"); i >= 0 {
		req, lim := colIndex(p.cols, "Requests"), colIndex(p.cols, "Limits")
		if req < 0 || lim < 0 || c[i] == "" {
			p.warns = append(p.warns, Warning{Ref: Ref{Path: p.path, Line: n}, Message: "allocated resources row not understood: " + kubeClip(l)})
			return
		}
		add(c[i], c[req], c[lim])
		return
	}
	// pre-1.17 one-row form: CPU Requests  CPU Limits  Memory Requests  Memory Limits
	if i, j := colIndex(p.cols, "CPU Requests"), colIndex(p.cols, "CPU Limits"); i >= 0 && j >= 0 {
		add("cpu", c[i], c[j])
	}
	if i, j := colIndex(p.cols, "Memory Requests"), colIndex(p.cols, "Memory Limits"); i >= 0 && j >= 0 {
		add("memory", c[i], c[j])
	}
}

// kubeNone maps "<none>" to "".
func kubeNone(s string) string {
	if s == "<none>" {
		return ""
	}
	return s
}

// parseKubeTime parses the times kubectl prints: RFC 1123Z in describe
// ("Thu, 17 Feb 2022 16:46:30 -0500"), RFC 3339 in JSON/YAML. nil for
// "<unset>", "" or anything else.
func parseKubeTime(s string) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" || s[0] == '<' {
		return nil
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC3339Nano, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t
		}
	}
	return nil
}
