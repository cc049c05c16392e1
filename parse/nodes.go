package parse

import (
	"fmt"
	"sort"
	"strings"
)

// Which described Kubernetes node is this host.
//
// A control-plane sosreport often holds `kubectl describe node` of every
// node of the cluster, and a bundle may hold both a combined `kubectl
// describe nodes` and the per-node files. Only the node that is this host
// may feed the explanation (its kubelet version, allocatable, events), so
// finishNodes
//
//   - merges a node described more than once (same name) into one, citing
//     every copy (Node.AlsoIn); a copy whose text differs is named in a
//     warning on its input, never dropped unsaid;
//   - keeps in Bundle.Nodes only the nodes that are this host: those whose
//     name is the host name (hostname file, uname -a, or the one host the
//     syslog/journal prefixes name), or the only node described (sos
//     clean renames hosts); the others go to Bundle.OtherNodes;
//   - when several nodes are described and nothing names this host, keeps
//     none of them and says so (a "describe-node" gap), rather than pick one.

// finishNodes splits the described nodes into this host's and the others.
// It runs after finishHost (the host name) and before finishKubelet and
// finishEventKills, which read Bundle.Nodes.
func (l *loader) finishNodes() {
	b := l.b
	l.dedupNodes()
	names := map[string]bool{}
	var distinct []string
	for _, n := range b.Nodes {
		if n == nil || n.Name == "" {
			continue
		}
		k := HostKey(n.Name)
		if !names[k] {
			names[k] = true
			distinct = append(distinct, n.Name)
		}
	}
	count := 0
	for _, n := range b.Nodes {
		if n != nil {
			count++
		}
	}
	host, ref, from := l.thisHostName()
	b.NodeHost, b.NodeHostRef, b.NodeHostFrom = host, ref, from
	if count <= 1 || len(distinct) <= 1 && host == "" {
		// One node (or one node named several times): it is this host's
		// unless its name says otherwise and a host name is known — even
		// then it is kept, since sos clean renames hosts but not kubectl
		// output consistently (NodeMatch tells which case it is).
		for _, n := range b.Nodes {
			if n == nil {
				continue
			}
			switch {
			case host != "" && n.Name != "" && sameHost(n.Name, host):
				n.Match = "name"
			default:
				n.Match = "only-node"
			}
		}
		return
	}
	var own, other []*Node
	for _, n := range b.Nodes {
		if n == nil {
			continue
		}
		if host != "" && n.Name != "" && sameHost(n.Name, host) {
			n.Match = "name"
			own = append(own, n)
			continue
		}
		n.Match = "other"
		if host == "" {
			n.Match = "unknown-host"
		}
		other = append(other, n)
	}
	b.Nodes, b.OtherNodes = own, other
	sort.Strings(distinct)
	switch {
	case host == "":
		b.Gaps = append(b.Gaps, Gap{Source: "describe-node", Missing: "this host's name",
			Message: fmt.Sprintf("%d nodes are described (%s) and the bundle does not name its host: none of them is taken as this host, so no node's kubelet settings, allocatable or events explain the kills", len(distinct), strings.Join(distinct, ", ")),
			Collect: "hostname (or uname -a) of the machine the logs are from"})
	case len(own) == 0:
		b.Gaps = append(b.Gaps, Gap{Source: "describe-node", Missing: "kubectl describe node of this host",
			Message: fmt.Sprintf("none of the %d nodes described (%s) is this host (%s, from %s): their kubelet settings and events are not used", len(distinct), strings.Join(distinct, ", "), host, from),
			Collect: "kubectl describe node " + host})
	}
}

// thisHostName is the name of the machine the logs are from: the hostname
// file or uname -a, else the one host name every syslog/journal prefix
// prints; "" when nothing names it.
func (l *loader) thisHostName() (name string, ref *Ref, from string) {
	h := &l.b.Host
	if h.Hostname != "" {
		from = "the hostname"
		if h.HostnameRef != nil {
			from = h.HostnameRef.Path
		}
		return h.Hostname, h.HostnameRef, from
	}
	if only, _ := LogHost(l.b.KernelLogs); only != "" {
		return only, nil, "the syslog/journal prefixes"
	}
	return "", nil, ""
}

// LogHost is the one host name the logs' syslog/journal prefixes print
// (as first printed; names compared by HostKey, "localhost" not counted)
// and the first log that prints it; "" when none prints a host or they
// print several.
func LogHost(logs []*KernelLog) (string, *KernelLog) {
	name, key := "", ""
	var from *KernelLog
	for _, lg := range logs {
		if lg == nil {
			continue
		}
		for _, h := range lg.Hosts {
			switch k := HostKey(h); {
			case k == "":
			case key == "":
				name, key, from = h, k, lg
			case k != key:
				return "", nil
			}
		}
	}
	return name, from
}

// HostKey is a host name as oomlens compares host names: without its
// domain, lower case; "" for names that name no machine (early boot's
// localhost, "(none)").
func HostKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if i := strings.IndexByte(h, '.'); i > 0 {
		h = h[:i]
	}
	switch h {
	case "localhost", "(none)":
		return ""
	}
	return h
}

// dedupNodes merges nodes described more than once by `kubectl describe`
// (a combined `describe nodes` beside the per-node files, or the same file
// twice) into one, citing the others' first lines in AlsoIn. The one kept
// is the description from a file of that node alone (sos's per-node file),
// else the first in path order. A copy whose text differs from the kept
// one (taken at another time) is still merged, so a node is listed once,
// and named in a warning on its input.
func (l *loader) dedupNodes() {
	b := l.b
	perFile := map[string]int{}
	for _, n := range b.Nodes {
		if n != nil && n.Source == "describe-node" {
			perFile[n.Path]++
		}
	}
	at := map[string]int{} // name → index in kept
	kept := b.Nodes[:0:0]
	var dups [][2]*Node // {kept, merged}
	for _, n := range b.Nodes {
		if n == nil || n.Name == "" || n.Source != "describe-node" {
			kept = append(kept, n)
			continue
		}
		k := strings.ToLower(n.Name)
		i, ok := at[k]
		if !ok {
			at[k] = len(kept)
			kept = append(kept, n)
			continue
		}
		f := kept[i]
		if perFile[f.Path] > 1 && perFile[n.Path] == 1 {
			// the node's own file wins over a combined one
			n.AlsoIn = append(n.AlsoIn, f.AlsoIn...)
			f.AlsoIn = nil
			kept[i], f, n = n, n, f
		}
		f.AlsoIn = append(f.AlsoIn, n.Ref)
		dups = append(dups, [2]*Node{f, n})
	}
	// A `get nodes` row of a described node says nothing the description
	// does not: the node is listed once, the row cited in AlsoIn.
	rows := kept[:0:0]
	for _, n := range kept {
		if n != nil && n.Name != "" && n.Source != "describe-node" {
			if i, ok := at[strings.ToLower(n.Name)]; ok {
				kept[i].AlsoIn = append(kept[i].AlsoIn, n.Ref)
				continue
			}
		}
		rows = append(rows, n)
	}
	kept = rows
	for _, d := range dups {
		f, n := d[0], d[1]
		if sameNodeText(f, n) {
			continue
		}
		msg := fmt.Sprintf("node %s is described here and, differently (taken at another time?), in %s:%d, whose description is the one used", n.Name, f.Path, f.Line)
		if i, ok := l.inputIndex(n.Path); ok {
			l.b.Inputs[i].Warnings = append(l.b.Inputs[i].Warnings, Warning{Ref: n.Ref, Message: msg})
		} else {
			b.Warnings = append(b.Warnings, Warning{Ref: n.Ref, Message: msg})
		}
	}
	b.Nodes = kept
}

// sameNodeText tells two descriptions of a node that print the same: the
// lines kept verbatim (conditions, events; trailing blanks aside) and the
// values read from the others (versions, capacity, allocatable, pods).
func sameNodeText(a, b *Node) bool {
	return nodeText(a) == nodeText(b)
}

func nodeText(n *Node) string {
	var sb strings.Builder
	for _, q := range n.Lines {
		sb.WriteString(strings.TrimRight(q.Text, " \t\r"))
		sb.WriteByte('\n')
	}
	kvs := func(l []KVString) {
		for _, kv := range l {
			fmt.Fprintf(&sb, "%s=%s\n", kv.Key, kv.Value)
		}
	}
	fmt.Fprintf(&sb, "%s|%s|%s|%s|%s|%s|%v\n", n.Roles, n.KubeletVersion, n.KernelVersion, n.OSImage, n.ContainerRuntime, n.CreationTimestamp, n.Taints)
	kvs(n.Labels)
	kvs(n.Annotations)
	kvs(n.Capacity)
	kvs(n.Allocatable)
	kvs(n.SystemInfo)
	for _, p := range n.Pods {
		fmt.Fprintf(&sb, "%s/%s %s %s\n", p.Namespace, p.Name, p.MemoryRequest, p.MemoryLimit)
	}
	return sb.String()
}

// sameHost says whether node names host, with or without a domain on
// either side ("" for host matches any node).
func sameHost(node, host string) bool {
	node, host = strings.ToLower(node), strings.ToLower(host)
	return host == "" || node == host || strings.HasPrefix(host, node+".") || strings.HasPrefix(node, host+".")
}
