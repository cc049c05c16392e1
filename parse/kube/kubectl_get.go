package kube

// `kubectl get` tables (kubectl printers, tabwriter padding 3):
//
//	NAME                      STATUS   ROLES           AGE    VERSION
//	izwz9h8m2chowowqckbcy0z   Ready    <none>          102d   v1.16.3
//
//	NAMESPACE     NAME                       READY   STATUS      RESTARTS      AGE   IP            NODE       NOMINATED NODE   READINESS GATES
//	default       web-7d4b8c6f9-x2x7k        1/1     Running     4 (12m ago)   2d    10.1.42.17    worker-2   <none>           <none>
//
//	NAMESPACE   LAST SEEN   TYPE      REASON      OBJECT          MESSAGE
//	default     12m         Warning   BackOff     pod/web-7d4…   Back-off restarting failed container
//
// -o wide adds columns; get events ≤ 1.13 printed LAST SEEN, FIRST SEEN,
// COUNT, NAME, KIND, SUBOBJECT, TYPE, REASON, SOURCE, MESSAGE. Columns are
// found by name, so any of these layouts reads.

import (
	"sort"
	"strconv"
	"strings"
)

// kubeTable reads a whole header-plus-rows file, calling row for every
// non-blank row after the header. Leading klog/"Warning:" lines are skipped.
func kubeTable(data []byte, path string, row func(n int, raw string, c []string, cols []tableCol) *Warning) (lines int, warnings []Warning) {
	all := kubeLines(data)
	var cols []tableCol
	for i, l := range all {
		n := i + 1
		if strings.TrimSpace(l) == "" {
			continue
		}
		if cols == nil {
			if kubePreamble(l) {
				continue
			}
			cols = tableHeader(l)
			continue
		}
		if kubeDashRow(l) {
			continue
		}
		if prevBlank(all, i) && (strings.HasPrefix(l, "NAME ") || strings.HasPrefix(l, "NAMESPACE ") || strings.HasPrefix(l, "LAST SEEN ")) {
			cols = tableHeader(l) // a second table (several commands in one file)
			continue
		}
		if w := row(n, l, splitRow(l, cols), cols); w != nil {
			warnings = append(warnings, *w)
		}
	}
	return len(all), warnings
}

// prevBlank reports whether the line before i is blank (tables printed one
// after another by kubectl get all are separated by a blank line).
func prevBlank(all []string, i int) bool {
	return i > 0 && strings.TrimSpace(all[i-1]) == ""
}

// kubePreamble reports lines printed before a table: klog lines
// ("W0514 09:31:07.123456   1234 …"), "Warning: …" and "No resources found…".
func kubePreamble(l string) bool {
	if strings.HasPrefix(l, "Warning: ") || strings.HasPrefix(l, "No resources found") {
		return true
	}
	if len(l) > 5 && strings.ContainsRune("IWEF", rune(l[0])) && l[1] >= '0' && l[1] <= '9' && l[2] >= '0' && l[2] <= '9' && l[3] >= '0' && l[3] <= '9' && l[4] >= '0' && l[4] <= '9' {
		return true
	}
	return false
}

// cellOf returns the cell of the first column named one of names, "" if
// the table has no such column.
func cellOf(c []string, cols []tableCol, names ...string) string {
	if i := colIndex(cols, names...); i >= 0 {
		return c[i]
	}
	return ""
}

// parseGetNodes parses `kubectl get nodes [-o wide]`.
func parseGetNodes(data []byte, path string) (nodes []*Node, lines int, warnings []Warning) {
	lines, warnings = kubeTable(data, path, func(n int, raw string, c []string, cols []tableCol) *Warning {
		if colIndex(cols, "ROLES") < 0 && colIndex(cols, "VERSION") < 0 {
			return nil // another resource's table (kubectl get all)
		}
		name := strings.TrimPrefix(cellOf(c, cols, "NAME"), "node/")
		if name == "" {
			return &Warning{Ref: Ref{Path: path, Line: n}, Message: "node row without a name: " + kubeClip(raw)}
		}
		nd := &Node{
			Ref: Ref{Path: path, Line: n}, Name: name, Source: "get-nodes",
			Status:           cellOf(c, cols, "STATUS"),
			Roles:            kubeNone(cellOf(c, cols, "ROLES")),
			KubeletVersion:   cellOf(c, cols, "VERSION"),
			OSImage:          kubeNone(cellOf(c, cols, "OS-IMAGE")),
			KernelVersion:    kubeNone(cellOf(c, cols, "KERNEL-VERSION")),
			ContainerRuntime: kubeNone(cellOf(c, cols, "CONTAINER-RUNTIME")),
			Lines:            []Quote{{Ref: Ref{Path: path, Line: n}, Text: raw}},
		}
		for _, a := range []struct{ col, typ string }{{"INTERNAL-IP", "InternalIP"}, {"EXTERNAL-IP", "ExternalIP"}} {
			if v := kubeNone(cellOf(c, cols, a.col)); v != "" {
				nd.Addresses = append(nd.Addresses, KVString{a.typ, v, Ref{Path: path, Line: n}})
			}
		}
		nodes = append(nodes, nd)
		return nil
	})
	return nodes, lines, warnings
}

// parseGetPods parses `kubectl get pods [-A] [-o wide]`.
func parseGetPods(data []byte, path string) (pods []*Pod, lines int, warnings []Warning) {
	lines, warnings = kubeTable(data, path, func(n int, raw string, c []string, cols []tableCol) *Warning {
		if colIndex(cols, "READY") < 0 || colIndex(cols, "RESTARTS") < 0 {
			return nil // another resource's table (kubectl get all)
		}
		name := strings.TrimPrefix(cellOf(c, cols, "NAME"), "pod/")
		if name == "" {
			return &Warning{Ref: Ref{Path: path, Line: n}, Message: "pod row without a name: " + kubeClip(raw)}
		}
		pod := &Pod{
			Ref: Ref{Path: path, Line: n}, Name: name, Source: "get-pods",
			Namespace: cellOf(c, cols, "NAMESPACE"),
			Status:    cellOf(c, cols, "STATUS"),
			Node:      kubeNone(cellOf(c, cols, "NODE")),
		}
		// RESTARTS: "4", "4 (12m ago)"
		if r := cellOf(c, cols, "RESTARTS"); r != "" {
			num, _, _ := strings.Cut(r, " ")
			if v, err := strconv.Atoi(num); err == nil {
				pod.Restarts = &v
			}
		}
		pods = append(pods, pod)
		return nil
	})
	return pods, lines, warnings
}

// parseGetEvents parses `kubectl get events [-A] [-o wide]` and
// `kubectl events`.
func parseGetEvents(data []byte, path string) (events []K8sEvent, lines int, warnings []Warning) {
	var extra []Warning
	lines, warnings = kubeTable(data, path, func(n int, raw string, c []string, cols []tableCol) *Warning {
		if colIndex(cols, "REASON") < 0 {
			return nil // not an events table
		}
		e := K8sEvent{
			Ref:       Ref{Path: path, Line: n},
			Namespace: cellOf(c, cols, "NAMESPACE"),
			LastSeen:  cellOf(c, cols, "LAST SEEN", "LASTSEEN"),
			Type:      cellOf(c, cols, "TYPE"),
			Reason:    cellOf(c, cols, "REASON"),
			Object:    cellOf(c, cols, "OBJECT"),
			Message:   cellOf(c, cols, "MESSAGE"),
		}
		if e.Object == "" {
			// ≤ 1.13: NAME is the event's name, "<object>.<hex nanoseconds>"
			if name := eventObjectName(cellOf(c, cols, "NAME")); name != "" {
				kind := strings.ToLower(cellOf(c, cols, "KIND"))
				e.Object = kind + "/" + name
			}
		}
		if e.Reason == "" && e.Message == "" {
			return &Warning{Ref: Ref{Path: path, Line: n}, Message: "event row without reason or message: " + kubeClip(raw)}
		}
		src := cellOf(c, cols, "SOURCE")
		e.Source, e.Host, _ = strings.Cut(src, ", ")
		a, ok := parseEventAge(e.LastSeen)
		if !ok && e.LastSeen != "" {
			extra = append(extra, Warning{Ref: Ref{Path: path, Line: n}, Message: "event age not understood: " + strconv.Quote(e.LastSeen)})
		}
		e.AgeSec, e.OldestSec, e.AgeResSec, e.Count = a.Newest, a.Oldest, a.Res, a.Count
		if first := cellOf(c, cols, "FIRST SEEN"); first != "" && e.OldestSec == nil {
			if sec, _, ok := parseKubeDuration(first); ok {
				v := float64(sec)
				e.OldestSec = &v
			}
		}
		if cnt := cellOf(c, cols, "COUNT"); cnt != "" {
			if v, err := strconv.Atoi(cnt); err == nil {
				e.Count = v
			}
		}
		e.VictimName, e.VictimPid = EventVictim(e.Reason, e.Message)
		events = append(events, e)
		return nil
	})
	return events, lines, kubeSortWarnings(append(warnings, extra...))
}

// kubeSortWarnings orders warnings by path, line and message.
func kubeSortWarnings(w []Warning) []Warning {
	sort.SliceStable(w, func(i, j int) bool {
		if w[i].Path != w[j].Path {
			return w[i].Path < w[j].Path
		}
		if w[i].Line != w[j].Line {
			return w[i].Line < w[j].Line
		}
		return w[i].Message < w[j].Message
	})
	return w
}

// eventObjectName strips the ".<hex>" suffix the event recorder appends to
// the involved object's name ("worker-01.15f7c3b2a9d81e04" → "worker-01").
func eventObjectName(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || len(name)-i-1 < 10 {
		return name
	}
	for _, c := range name[i+1:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return name
		}
	}
	return name[:i]
}
