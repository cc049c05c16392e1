package kube

// `kubectl describe pod` output, one or many pods per file (kubectl
// pkg/describe describePod / describeContainers; trimmed sample):
//
//	Name:             web-7d4b8c6f9-x2x7k
//	Namespace:        default
//	Node:             worker-2/10.0.0.12
//	Status:           Running
//	Containers:
//	  app:
//	    Container ID:   containerd://4f1c2b…
//	    Image:          registry.example.com/web:2.4.1
//	    State:          Running
//	      Started:      Tue, 14 May 2024 09:31:07 +0000
//	    Last State:     Terminated
//	      Reason:       OOMKilled
//	      Exit Code:    137
//	      Started:      Tue, 14 May 2024 09:12:44 +0000
//	      Finished:     Tue, 14 May 2024 09:31:05 +0000
//	    Ready:          True
//	    Restart Count:  4
//	    Limits:
//	      memory:  512Mi
//	    Requests:
//	      memory:     256Mi
//	QoS Class:                   Burstable
//	Events:
//	  Type     Reason   Age                 From     Message
//	  ----     ------   ----                ----     -------
//	  Warning  BackOff  2m (x12 over 40m)   kubelet  Back-off restarting failed container app in pod web-7d4b8c6f9-x2x7k_default(…)

import (
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/units"
)

// podSections are the top-level keys of describe pod.
var podSections = map[string]bool{
	"Name": true, "Namespace": true, "Priority": true, "Priority Class Name": true,
	"Runtime Class Name": true, "Service Account": true, "Node": true,
	"Start Time": true, "Labels": true, "Annotations": true, "Status": true,
	"Reason": true, "Message": true, "SeccompProfile": true, "IP": true,
	"IPs": true, "Controlled By": true, "Init Containers": true,
	"Containers": true, "Ephemeral Containers": true, "Readiness Gates": true,
	"Conditions": true, "Volumes": true, "QoS Class": true,
	"Node-Selectors": true, "Tolerations": true, "Events": true,
	"Nominated Node Name": true, "Termination Grace Period": true,
	"Resources": true,
}

// parseDescribePod parses `kubectl describe pod` output (one or many pods).
func parseDescribePod(data []byte, path string) (pods []*Pod, lines int, warnings []Warning) {
	p := podParser{path: path}
	all := kubeLines(data)
	for i, l := range all {
		p.line(i+1, l)
	}
	p.flushEvents()
	for _, pod := range p.pods {
		if pod.UID == "" {
			pod.UID = uidFromEvents(pod)
		}
	}
	return p.pods, len(all), p.warns
}

// uidFromEvents finds the pod UID that kubelet messages print after the
// pod's name: "Back-off restarting failed container app in pod
// web-7d4b8c6f9-x2x7k_default(5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f)".
// describe pod does not print the UID itself.
func uidFromEvents(pod *Pod) string {
	if pod.Name == "" || pod.Namespace == "" {
		return ""
	}
	key := pod.Name + "_" + pod.Namespace + "("
	for _, e := range pod.Events {
		i := strings.Index(e.Message, key)
		if i < 0 {
			continue
		}
		rest := e.Message[i+len(key):]
		if uid, _, ok := strings.Cut(rest, ")"); ok {
			if u, ok := podUID(uid); ok {
				return u
			}
		}
	}
	return ""
}

type podParser struct {
	path    string
	pods    []*Pod
	warns   []Warning
	cur     *Pod
	section string
	ctr     *PodContainer
	sub     string // container sub-block: State, Last State, Limits, Requests, other
	events  *eventTable
}

func (p *podParser) quote(n int, l string) {
	if p.cur != nil && len(p.cur.Lines) < maxNodeQuotes {
		p.cur.Lines = append(p.cur.Lines, Quote{Ref: Ref{Path: p.path, Line: n}, Text: l})
	}
}

func (p *podParser) flushEvents() {
	if p.events != nil && p.cur != nil {
		p.cur.Events = append(p.cur.Events, p.events.events...)
		p.warns = append(p.warns, p.events.warns...)
	}
	p.events = nil
}

func (p *podParser) line(n int, l string) {
	if key, val, ok := describeKey(l); ok && podSections[key] {
		p.top(n, l, key, val)
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
	case "Containers", "Init Containers":
		p.container(n, l)
	case "Events":
		p.quote(n, l)
		if p.events != nil && !p.events.line(n, l) {
			p.flushEvents()
			p.section = ""
		}
	}
}

func (p *podParser) top(n int, l, key, val string) {
	if p.section == "Events" {
		p.flushEvents()
	}
	p.section, p.ctr, p.sub = key, nil, ""
	if key == "Name" {
		p.flushEvents()
		p.cur = &Pod{Ref: Ref{Path: p.path, Line: n}, Name: val, Source: "describe-pod"}
		p.pods = append(p.pods, p.cur)
		return
	}
	if p.cur == nil {
		p.section = ""
		return
	}
	switch key {
	case "Namespace":
		p.cur.Namespace = val
	case "Node":
		node, _, _ := strings.Cut(val, "/")
		p.cur.Node = kubeNone(node)
	case "Status":
		p.cur.Status = val
	case "Reason":
		p.cur.Reason = val
	case "Message":
		p.cur.Message = val
	case "QoS Class":
		p.cur.QoS = val
	case "Events":
		p.quote(n, l)
		if val == "<none>" {
			p.section = ""
			return
		}
		p.events = &eventTable{path: p.path}
	}
}

// kubeIndent counts leading spaces (a tab counts as 8).
func kubeIndent(l string) int {
	return len(kubeExpandTabs(l)) - len(strings.TrimLeft(kubeExpandTabs(l), " "))
}

func (p *podParser) container(n int, l string) {
	ind := kubeIndent(l)
	s := strings.TrimSpace(l)
	k, v, found := strings.Cut(s, ":")
	v = strings.TrimSpace(v)
	switch {
	case ind <= 2 && found && v == "":
		// "  app:" starts a container
		p.cur.Containers = append(p.cur.Containers, PodContainer{
			Name: k, Init: p.section == "Init Containers", Ref: Ref{Path: p.path, Line: n},
		})
		p.ctr = &p.cur.Containers[len(p.cur.Containers)-1]
		p.sub = ""
		return
	case p.ctr == nil:
		return
	case ind <= 4 && found:
		p.sub = k
		c := p.ctr
		switch k {
		case "Container ID":
			c.ID = v
		case "Image":
			c.Image = v
		case "State":
			c.State = v
			p.quote(n, l)
		case "Last State":
			p.quote(n, l)
		case "Restart Count":
			p.quote(n, l)
			if r, err := strconv.Atoi(v); err == nil {
				c.Restarts = &r
			}
		}
		return
	case !found:
		return
	}
	// nested lines (indent ≥ 6)
	c := p.ctr
	switch p.sub {
	case "State":
		p.quote(n, l)
		switch k {
		case "Reason":
			c.StateReason = v
		case "Exit Code":
			if x, err := strconv.Atoi(v); err == nil {
				c.StateExitCode = &x
			}
		}
	case "Last State":
		p.quote(n, l)
		switch k {
		case "Reason":
			c.LastReason, c.LastReasonRef = v, &Ref{Path: p.path, Line: n}
		case "Exit Code":
			if x, err := strconv.Atoi(v); err == nil {
				c.LastExitCode = &x
			}
		case "Finished":
			c.LastFinished = v
			c.LastFinishedAt = parseKubeTime(v)
		}
	case "Limits", "Requests":
		if k != "memory" {
			return
		}
		p.quote(n, l)
		kb, res := quantityKB(v)
		if res != units.OK {
			p.warns = append(p.warns, Warning{Ref: Ref{Path: p.path, Line: n}, Message: quantityWarning(v, res)})
		}
		if p.sub == "Limits" {
			c.MemoryLimit, c.MemLimitKB = v, kb
		} else {
			c.MemoryRequest, c.MemRequestKB = v, kb
		}
	}
}
