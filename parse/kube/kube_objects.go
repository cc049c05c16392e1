package kube

// `kubectl get … -o json` and `-o yaml`: a v1 List of Pods, Nodes or
// Events, or one object (trimmed sample):
//
//	{
//	    "apiVersion": "v1",
//	    "items": [
//	        {
//	            "apiVersion": "v1",
//	            "kind": "Pod",
//	            "metadata": {"name": "web-7d4b8c6f9-x2x7k", "namespace": "default", "uid": "5f0c1e2d-…"},
//	            "spec": {"nodeName": "worker-2", "containers": [{"name": "app", "resources": {"limits": {"memory": "512Mi"}}}]},
//	            "status": {"qosClass": "Burstable", "containerStatuses": [{"name": "app", "containerID": "containerd://4f1c…",
//	                       "restartCount": 4, "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}}]}
//	        }
//	    ],
//	    "kind": "List"
//	}
//
// JSON is decoded with encoding/json, item by item, keeping each item's
// byte range so that facts cite the line they were printed on; YAML with
// gopkg.in/yaml.v3, whose nodes carry line numbers.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/oomlens/oomlens/units"
)

// kObject is the union of the Pod, Node and Event fields oomlens reads.
type kObject struct {
	Kind     string `json:"kind" yaml:"kind"`
	Metadata struct {
		Name              string            `json:"name" yaml:"name"`
		Namespace         string            `json:"namespace" yaml:"namespace"`
		UID               string            `json:"uid" yaml:"uid"`
		CreationTimestamp string            `json:"creationTimestamp" yaml:"creationTimestamp"`
		Labels            map[string]string `json:"labels" yaml:"labels"`
		Annotations       map[string]string `json:"annotations" yaml:"annotations"`
	} `json:"metadata" yaml:"metadata"`
	Spec struct {
		NodeName       string       `json:"nodeName" yaml:"nodeName"`
		Containers     []kContainer `json:"containers" yaml:"containers"`
		InitContainers []kContainer `json:"initContainers" yaml:"initContainers"`
		Taints         []struct {
			Key    string `json:"key" yaml:"key"`
			Value  string `json:"value" yaml:"value"`
			Effect string `json:"effect" yaml:"effect"`
		} `json:"taints" yaml:"taints"`
		Unschedulable *bool  `json:"unschedulable" yaml:"unschedulable"`
		PodCIDR       string `json:"podCIDR" yaml:"podCIDR"`
		ProviderID    string `json:"providerID" yaml:"providerID"`
	} `json:"spec" yaml:"spec"`
	Status struct {
		Phase                 string             `json:"phase" yaml:"phase"`
		Reason                string             `json:"reason" yaml:"reason"`
		Message               string             `json:"message" yaml:"message"`
		QOSClass              string             `json:"qosClass" yaml:"qosClass"`
		ContainerStatuses     []kContainerStatus `json:"containerStatuses" yaml:"containerStatuses"`
		InitContainerStatuses []kContainerStatus `json:"initContainerStatuses" yaml:"initContainerStatuses"`
		Capacity              map[string]string  `json:"capacity" yaml:"capacity"`
		Allocatable           map[string]string  `json:"allocatable" yaml:"allocatable"`
		Conditions            []struct {
			Type               string `json:"type" yaml:"type"`
			Status             string `json:"status" yaml:"status"`
			LastHeartbeatTime  string `json:"lastHeartbeatTime" yaml:"lastHeartbeatTime"`
			LastTransitionTime string `json:"lastTransitionTime" yaml:"lastTransitionTime"`
			Reason             string `json:"reason" yaml:"reason"`
			Message            string `json:"message" yaml:"message"`
		} `json:"conditions" yaml:"conditions"`
		Addresses []struct {
			Type    string `json:"type" yaml:"type"`
			Address string `json:"address" yaml:"address"`
		} `json:"addresses" yaml:"addresses"`
		NodeInfo struct {
			MachineID               string `json:"machineID" yaml:"machineID"`
			SystemUUID              string `json:"systemUUID" yaml:"systemUUID"`
			BootID                  string `json:"bootID" yaml:"bootID"`
			KernelVersion           string `json:"kernelVersion" yaml:"kernelVersion"`
			OSImage                 string `json:"osImage" yaml:"osImage"`
			OperatingSystem         string `json:"operatingSystem" yaml:"operatingSystem"`
			Architecture            string `json:"architecture" yaml:"architecture"`
			ContainerRuntimeVersion string `json:"containerRuntimeVersion" yaml:"containerRuntimeVersion"`
			KubeletVersion          string `json:"kubeletVersion" yaml:"kubeletVersion"`
			KubeProxyVersion        string `json:"kubeProxyVersion" yaml:"kubeProxyVersion"`
		} `json:"nodeInfo" yaml:"nodeInfo"`
	} `json:"status" yaml:"status"`
	// Event fields (core/v1 Event).
	InvolvedObject struct {
		Kind      string `json:"kind" yaml:"kind"`
		Name      string `json:"name" yaml:"name"`
		Namespace string `json:"namespace" yaml:"namespace"`
		FieldPath string `json:"fieldPath" yaml:"fieldPath"`
	} `json:"involvedObject" yaml:"involvedObject"`
	Reason         string `json:"reason" yaml:"reason"`
	Message        string `json:"message" yaml:"message"`
	Type           string `json:"type" yaml:"type"`
	Count          *int   `json:"count" yaml:"count"`
	FirstTimestamp string `json:"firstTimestamp" yaml:"firstTimestamp"`
	LastTimestamp  string `json:"lastTimestamp" yaml:"lastTimestamp"`
	EventTime      string `json:"eventTime" yaml:"eventTime"`
	Series         *struct {
		Count            *int   `json:"count" yaml:"count"`
		LastObservedTime string `json:"lastObservedTime" yaml:"lastObservedTime"`
	} `json:"series" yaml:"series"`
	Source struct {
		Component string `json:"component" yaml:"component"`
		Host      string `json:"host" yaml:"host"`
	} `json:"source" yaml:"source"`
	ReportingComponent string `json:"reportingComponent" yaml:"reportingComponent"`
}

type kContainer struct {
	Name      string `json:"name" yaml:"name"`
	Image     string `json:"image" yaml:"image"`
	Resources struct {
		Limits   map[string]string `json:"limits" yaml:"limits"`
		Requests map[string]string `json:"requests" yaml:"requests"`
	} `json:"resources" yaml:"resources"`
}

type kState struct {
	Running *struct {
		StartedAt string `json:"startedAt" yaml:"startedAt"`
	} `json:"running" yaml:"running"`
	Waiting *struct {
		Reason string `json:"reason" yaml:"reason"`
	} `json:"waiting" yaml:"waiting"`
	Terminated *struct {
		Reason     string `json:"reason" yaml:"reason"`
		ExitCode   *int   `json:"exitCode" yaml:"exitCode"`
		FinishedAt string `json:"finishedAt" yaml:"finishedAt"`
	} `json:"terminated" yaml:"terminated"`
}

type kContainerStatus struct {
	Name         string `json:"name" yaml:"name"`
	ContainerID  string `json:"containerID" yaml:"containerID"`
	Image        string `json:"image" yaml:"image"`
	RestartCount *int   `json:"restartCount" yaml:"restartCount"`
	State        kState `json:"state" yaml:"state"`
	LastState    kState `json:"lastState" yaml:"lastState"`
}

// KubeObjects is what KubeJSON and KubeYAML found, in input order.
type KubeObjects struct {
	Nodes  []*Node
	Pods   []*Pod
	Events []K8sEvent
}

// lineFinder answers "which line holds this value" within an object.
type lineFinder func(value string) int

// add converts one decoded object; line is the object's first line.
func (o *KubeObjects) add(obj *kObject, path, format string, line int, find lineFinder) []Warning {
	ref := Ref{Path: path, Line: line}
	at := func(v string) Ref {
		if v == "" {
			return ref
		}
		if l := find(v); l > 0 {
			return Ref{Path: path, Line: l}
		}
		return ref
	}
	var warns []Warning
	// mem reads a memory quantity: one too large to hold is a warning on
	// its line; anything else that is not a quantity stays unknown quietly.
	mem := func(q string) *int64 {
		kb, res := quantityKB(q)
		if res == units.TooLarge {
			warns = append(warns, Warning{Ref: at(q), Message: quantityWarning(q, res)})
		}
		return kb
	}
	switch obj.Kind {
	case "Pod":
		o.Pods = append(o.Pods, podObject(obj, ref, "get-pods-"+format, at, mem))
	case "Node":
		o.Nodes = append(o.Nodes, nodeObject(obj, ref, "get-nodes-"+format, at, mem))
	case "Event":
		o.Events = append(o.Events, eventObject(obj, ref))
	case "":
		return []Warning{{Ref: ref, Message: "object without a kind"}}
	}
	// other kinds (Deployment, Service …) are not needed
	return warns
}

func podObject(obj *kObject, ref Ref, source string, at func(string) Ref, mem func(string) *int64) *Pod {
	p := &Pod{
		Ref: ref, Source: source,
		UID: obj.Metadata.UID, Namespace: obj.Metadata.Namespace, Name: obj.Metadata.Name,
		QoS: obj.Status.QOSClass, Node: obj.Spec.NodeName, Status: obj.Status.Phase,
		Reason: obj.Status.Reason, Message: obj.Status.Message,
	}
	specs := map[string]kContainer{}
	for _, c := range obj.Spec.Containers {
		specs["c/"+c.Name] = c
	}
	for _, c := range obj.Spec.InitContainers {
		specs["i/"+c.Name] = c
	}
	seen := map[string]bool{}
	addC := func(st kContainerStatus, init bool, spec kContainer) {
		pc := PodContainer{Name: st.Name, ID: st.ContainerID, Init: init, Restarts: st.RestartCount}
		if pc.Name == "" {
			pc.Name = spec.Name
		}
		pc.Image = spec.Image
		if st.Image != "" {
			pc.Image = st.Image
		}
		pc.Ref = at(st.ContainerID)
		pc.MemoryLimit = spec.Resources.Limits["memory"]
		pc.MemoryRequest = spec.Resources.Requests["memory"]
		if pc.MemoryLimit != "" {
			pc.MemLimitKB = mem(pc.MemoryLimit)
		}
		if pc.MemoryRequest != "" {
			pc.MemRequestKB = mem(pc.MemoryRequest)
		}
		switch s := st.State; {
		case s.Running != nil:
			pc.State = "Running"
		case s.Waiting != nil:
			pc.State, pc.StateReason = "Waiting", s.Waiting.Reason
		case s.Terminated != nil:
			pc.State, pc.StateReason, pc.StateExitCode = "Terminated", s.Terminated.Reason, s.Terminated.ExitCode
		}
		if t := st.LastState.Terminated; t != nil {
			pc.LastReason, pc.LastExitCode, pc.LastFinished = t.Reason, t.ExitCode, t.FinishedAt
			pc.LastFinishedAt = parseKubeTime(t.FinishedAt)
		}
		p.Containers = append(p.Containers, pc)
	}
	for _, st := range obj.Status.InitContainerStatuses {
		seen["i/"+st.Name] = true
		addC(st, true, specs["i/"+st.Name])
	}
	for _, st := range obj.Status.ContainerStatuses {
		seen["c/"+st.Name] = true
		addC(st, false, specs["c/"+st.Name])
	}
	// containers without a status yet (Pending pods): spec only
	for _, c := range obj.Spec.InitContainers {
		if !seen["i/"+c.Name] {
			addC(kContainerStatus{Name: c.Name}, true, c)
		}
	}
	for _, c := range obj.Spec.Containers {
		if !seen["c/"+c.Name] {
			addC(kContainerStatus{Name: c.Name}, false, c)
		}
	}
	return p
}

func nodeObject(obj *kObject, ref Ref, source string, at func(string) Ref, mem func(string) *int64) *Node {
	n := &Node{
		Ref: ref, Source: source, Name: obj.Metadata.Name,
		CreationTimestamp: obj.Metadata.CreationTimestamp,
		Created:           parseKubeTime(obj.Metadata.CreationTimestamp),
		KubeletVersion:    obj.Status.NodeInfo.KubeletVersion,
		KernelVersion:     obj.Status.NodeInfo.KernelVersion,
		OSImage:           obj.Status.NodeInfo.OSImage,
		ContainerRuntime:  obj.Status.NodeInfo.ContainerRuntimeVersion,
		Unschedulable:     obj.Spec.Unschedulable,
	}
	n.Labels = sortedKV(obj.Metadata.Labels, ref)
	n.Annotations = sortedKV(obj.Metadata.Annotations, ref)
	var roles []string
	for _, kv := range n.Labels {
		if r, ok := strings.CutPrefix(kv.Key, "node-role.kubernetes.io/"); ok && r != "" {
			roles = append(roles, r)
		} else if kv.Key == "kubernetes.io/role" && kv.Value != "" {
			roles = append(roles, kv.Value)
		}
	}
	sort.Strings(roles)
	n.Roles = strings.Join(roles, ",")
	for _, t := range obj.Spec.Taints {
		s := t.Key
		if t.Value != "" {
			s += "=" + t.Value
		}
		n.Taints = append(n.Taints, s+":"+t.Effect)
	}
	for _, c := range obj.Status.Conditions {
		n.Conditions = append(n.Conditions, NodeCondition{
			Ref: at(c.Type), Type: c.Type, Status: c.Status,
			LastHeartbeat: c.LastHeartbeatTime, LastTransition: c.LastTransitionTime,
			Reason: c.Reason, Message: c.Message,
			HeartbeatAt: parseKubeTime(c.LastHeartbeatTime), TransitionAt: parseKubeTime(c.LastTransitionTime),
		})
	}
	for _, a := range obj.Status.Addresses {
		n.Addresses = append(n.Addresses, KVString{a.Type, a.Address, at(a.Address)})
	}
	n.Capacity = sortedKV(obj.Status.Capacity, ref)
	n.Allocatable = sortedKV(obj.Status.Allocatable, ref)
	if m, ok := obj.Status.Capacity["memory"]; ok {
		n.MemCapacityKB = mem(m)
	}
	if m, ok := obj.Status.Allocatable["memory"]; ok {
		n.MemAllocatableKB = mem(m)
	}
	ni := obj.Status.NodeInfo
	for _, kv := range [][2]string{
		{"Machine ID", ni.MachineID}, {"System UUID", ni.SystemUUID}, {"Boot ID", ni.BootID},
		{"Kernel Version", ni.KernelVersion}, {"OS Image", ni.OSImage},
		{"Operating System", ni.OperatingSystem}, {"Architecture", ni.Architecture},
		{"Container Runtime Version", ni.ContainerRuntimeVersion},
		{"Kubelet Version", ni.KubeletVersion}, {"Kube-Proxy Version", ni.KubeProxyVersion},
	} {
		if kv[1] != "" {
			n.SystemInfo = append(n.SystemInfo, KVString{kv[0], kv[1], at(kv[1])})
		}
	}
	return n
}

func eventObject(obj *kObject, ref Ref) K8sEvent {
	e := K8sEvent{
		Ref: ref, Namespace: obj.Metadata.Namespace, Type: obj.Type,
		Reason: obj.Reason, Message: strings.TrimSpace(obj.Message),
		Source: obj.Source.Component, Host: obj.Source.Host, Count: 1,
	}
	if e.Source == "" {
		e.Source = obj.ReportingComponent
	}
	if obj.InvolvedObject.Name != "" {
		e.Object = strings.ToLower(obj.InvolvedObject.Kind) + "/" + obj.InvolvedObject.Name
	} else {
		e.Object = strings.ToLower(obj.InvolvedObject.Kind)
	}
	e.FirstTime = parseKubeTime(obj.FirstTimestamp)
	if e.FirstTime == nil {
		e.FirstTime = parseKubeTime(obj.EventTime)
	}
	e.Time = parseKubeTime(obj.LastTimestamp)
	e.LastSeen = obj.LastTimestamp
	if obj.Count != nil && *obj.Count > 0 {
		e.Count = *obj.Count
	}
	if s := obj.Series; s != nil {
		if t := parseKubeTime(s.LastObservedTime); t != nil {
			e.Time, e.LastSeen = t, s.LastObservedTime
		}
		if s.Count != nil {
			e.Count = *s.Count
		}
	}
	if e.Time == nil {
		e.Time, e.LastSeen = e.FirstTime, obj.FirstTimestamp
		if e.LastSeen == "" {
			e.LastSeen = obj.EventTime
		}
	}
	e.VictimName, e.VictimPid = EventVictim(e.Reason, e.Message)
	return e
}

// sortedKV turns a map into KVStrings sorted by key.
func sortedKV(m map[string]string, ref Ref) []KVString {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]KVString, 0, len(keys))
	for _, k := range keys {
		out = append(out, KVString{k, m[k], ref})
	}
	return out
}

// jsonLineIndex maps byte offsets to 1-based line numbers.
type jsonLineIndex []int // offsets of line starts

func newJSONLineIndex(data []byte) jsonLineIndex {
	idx := jsonLineIndex{0}
	for i, c := range data {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (li jsonLineIndex) line(off int) int {
	return sort.Search(len(li), func(i int) bool { return li[i] > off })
}

// parseKubeJSON parses `kubectl get … -o json` output: a List (or several,
// concatenated) or single objects. Pods, Nodes and Events are kept.
func parseKubeJSON(data []byte, path string) (objs KubeObjects, lines int, warnings []Warning) {
	li := newJSONLineIndex(data)
	lines = len(kubeLines(data))
	dec := json.NewDecoder(bytes.NewReader(data))
	warn := func(off int64, msg string) {
		warnings = append(warnings, Warning{Ref: Ref{Path: path, Line: li.line(int(off))}, Message: msg})
	}
	finder := func(start, end int) lineFinder {
		return func(v string) int {
			if start < 0 || end > len(data) || start >= end {
				return 0
			}
			q, _ := json.Marshal(v)
			if i := bytes.Index(data[start:end], q); i >= 0 {
				return li.line(start + i)
			}
			return 0
		}
	}
	for {
		start := jsonSkipSpace(data, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			warn(int64(start), "JSON not understood: "+err.Error())
			break
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			warn(int64(start), "JSON value is not an object")
			break
		}
		// Walk the top-level object's keys; items are decoded one by one.
		var top kObject
		topKind := ""
		hadItems := false
		ok := true
		for dec.More() && ok {
			kt, err := dec.Token()
			if err != nil {
				warn(dec.InputOffset(), "JSON not understood: "+err.Error())
				ok = false
				break
			}
			key, _ := kt.(string)
			switch key {
			case "items":
				hadItems = true
				if t, err := dec.Token(); err != nil || t != json.Delim('[') {
					if err == nil && t == nil { // "items": null
						continue
					}
					warn(dec.InputOffset(), "JSON items is not an array")
					ok = false
					break
				}
				for dec.More() {
					istart := jsonSkipSpace(data, int(dec.InputOffset()))
					var obj kObject
					if err := dec.Decode(&obj); err != nil {
						warn(int64(istart), "JSON item not understood: "+err.Error())
						ok = false
						break
					}
					iend := int(dec.InputOffset())
					if obj.Kind == "" {
						// raw API lists ("kind": "PodList" first) leave
						// the items' kind out
						obj.Kind, _ = strings.CutSuffix(topKind, "List")
					}
					warnings = append(warnings, objs.add(&obj, path, "json", li.line(istart), finder(istart, iend))...)
				}
				if ok {
					if _, err := dec.Token(); err != nil { // ']'
						warn(dec.InputOffset(), "JSON not understood: "+err.Error())
						ok = false
					}
				}
			case "kind":
				var k string
				if err := dec.Decode(&k); err != nil {
					warn(dec.InputOffset(), "JSON kind not understood: "+err.Error())
					ok = false
				}
				topKind = k
			default:
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					warn(dec.InputOffset(), "JSON not understood: "+err.Error())
					ok = false
				}
			}
		}
		if !ok {
			break
		}
		if _, err := dec.Token(); err != nil { // '}'
			warn(dec.InputOffset(), "JSON not understood: "+err.Error())
			break
		}
		end := int(dec.InputOffset())
		if !hadItems && topKind != "" && !strings.HasSuffix(topKind, "List") {
			if err := json.Unmarshal(data[start:end], &top); err != nil {
				warn(int64(start), "JSON object not understood: "+err.Error())
				continue
			}
			warnings = append(warnings, objs.add(&top, path, "json", li.line(start), finder(start, end))...)
		}
	}
	return objs, lines, warnings
}

func jsonSkipSpace(data []byte, off int) int {
	for off < len(data) && (data[off] == ' ' || data[off] == '\n' || data[off] == '\r' || data[off] == '\t' || data[off] == ',') {
		off++
	}
	return off
}

// parseKubeYAML parses `kubectl get … -o yaml` output: a List or objects,
// several documents separated by "---" allowed.
func parseKubeYAML(data []byte, path string) (objs KubeObjects, lines int, warnings []Warning) {
	lines = len(kubeLines(data))
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for doc := 0; ; doc++ {
		var root yaml.Node
		err := safeYAML(func() error { return dec.Decode(&root) })
		if err == io.EOF {
			break
		}
		if err != nil {
			warnings = append(warnings, Warning{Ref: Ref{Path: path, Line: yamlErrLine(err)}, Message: "YAML not understood: " + err.Error()})
			break
		}
		top := &root
		if top.Kind == yaml.DocumentNode && len(top.Content) > 0 {
			top = top.Content[0]
		}
		if top.Kind != yaml.MappingNode {
			continue
		}
		items := yamlMapValue(top, "items")
		kind := yamlMapValue(top, "kind")
		if items == nil {
			if kind == nil || strings.HasSuffix(kind.Value, "List") {
				continue
			}
			warnings = append(warnings, yamlObject(&objs, top, path, "")...)
			continue
		}
		if items.Kind != yaml.SequenceNode {
			if items.Tag != "!!null" {
				warnings = append(warnings, Warning{Ref: Ref{Path: path, Line: max(items.Line, 1)}, Message: "YAML items is not a list"})
			}
			continue
		}
		listKind := ""
		if kind != nil {
			listKind, _ = strings.CutSuffix(kind.Value, "List")
		}
		for _, it := range items.Content {
			warnings = append(warnings, yamlObject(&objs, it, path, listKind)...)
		}
	}
	return objs, lines, warnings
}

// yamlObject decodes one object node; itemKind is the kind implied by the
// enclosing list ("PodList" → "Pod") for items that leave theirs out.
func yamlObject(objs *KubeObjects, n *yaml.Node, path, itemKind string) []Warning {
	var obj kObject
	line := max(n.Line, 1)
	if n.Kind != yaml.MappingNode {
		return []Warning{{Ref: Ref{Path: path, Line: line}, Message: "YAML item is not a mapping"}}
	}
	var warns []Warning
	err := safeYAML(func() error { return n.Decode(&obj) })
	if err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return []Warning{{Ref: Ref{Path: path, Line: line}, Message: "YAML item not understood: " + err.Error()}}
		}
		// partial decode: keep what was read
		warns = append(warns, Warning{Ref: Ref{Path: path, Line: line}, Message: "YAML item partly understood: " + strings.Join(te.Errors, "; ")})
	}
	if obj.Kind == "" {
		obj.Kind = itemKind
	}
	find := func(v string) int { return scalarLine(n, v) }
	warns = append(warns, objs.add(&obj, path, "yaml", line, find)...)
	return warns
}

// safeYAML runs f, turning a panic inside yaml.v3 into an error.
func safeYAML(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml decoder panic: %v", r)
		}
	}()
	return f()
}

// yamlErrLine digs "line N" out of a yaml.v3 error, 1 if none.
func yamlErrLine(err error) int {
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		j := i + len("line ")
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if n, e := strconv.Atoi(s[j:k]); e == nil && n > 0 {
			return n
		}
	}
	return 1
}

// yamlMapValue returns the value node of key in a mapping node.
func yamlMapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// scalarLine returns the line of the first scalar equal to v under n, 0 if
// none.
func scalarLine(n *yaml.Node, v string) int {
	if n.Kind == yaml.ScalarNode && n.Value == v {
		return n.Line
	}
	for _, c := range n.Content {
		if l := scalarLine(c, v); l > 0 {
			return l
		}
	}
	return 0
}
