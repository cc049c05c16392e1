package redact

import (
	"net/netip"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/report"
)

// Report replaces what identifies a customer's machines and people in rep
// with stable pseudonyms, for reports that leave the company: host names
// (host-1), IPv4 and IPv6 addresses (ip-1), MAC addresses (mac-1), user
// names (user-1), pod names (pod-1) and namespace names (ns-1). The same
// value gets the same pseudonym everywhere in the report — structured fields,
// paths, verdicts, findings, excerpts, timeline text and unexplained lines —
// so the evidence still lines up. It sets rep.Redacted.
//
// Names are learnt from the structured fields (the host name, node names,
// pods and namespaces, event sources) and from the text itself (the host
// field of syslog and journal lines, pod="ns/name", "for user alice",
// /home/alice, uid=1000(alice)). Addresses are found by shape. Left as they
// are: root, loopback and unspecified addresses, and the namespaces every
// cluster has (default, kube-system, kube-public, kube-node-lease), which
// identify no one. Versions, digests and enum fields are not rewritten.
func Report(rep *report.Report) {
	if rep == nil {
		return
	}
	r := &redactor{pseudo: map[string]string{}, count: map[string]int{}}
	r.learnStructured(rep)
	r.walk(reflect.ValueOf(rep).Elem(), "", r.learnText)
	r.prepare()
	r.walk(reflect.ValueOf(rep).Elem(), "", r.rewrite)
	rep.Redacted = true
}

// redactor holds the pseudonyms of one report.
type redactor struct {
	pseudo  map[string]string // value → pseudonym
	count   map[string]int    // prefix → last number given
	byFirst map[byte][]string // known names by first byte, longest first
}

// keepFields are JSON names of string fields that hold versions, digests,
// enums or identifiers, never names or addresses.
var keepFields = map[string]bool{
	"version": true, "kernel_version": true, "kubelet_version": true, "container_runtime": true,
	"input_digest": true, "kind": true, "format": true, "rule": true, "severity": true,
	"wall_basis": true, "confidence": true, "killer": true, "id": true, "kill_id": true,
	"gfp_mask": true, "constraint": true, "qos": true, "effective_swap": true,
	"role": true,
}

// builtinNamespaces exist in every cluster and identify no one.
var builtinNamespaces = map[string]bool{"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true}

func (r *redactor) name(kind, v string) string {
	if p, ok := r.pseudo[v]; ok {
		return p
	}
	r.count[kind]++
	p := kind + "-" + strconv.Itoa(r.count[kind])
	r.pseudo[v] = p
	return p
}

// host registers a host name; a fully qualified name and its first label
// share one pseudonym.
func (r *redactor) host(v string) {
	v = strings.TrimSpace(v)
	if len(v) < 2 || v == "localhost" || v == "(none)" {
		return
	}
	if _, err := netip.ParseAddr(v); err == nil {
		return // an address, handled by shape
	}
	label, _, fq := strings.Cut(v, ".")
	if !fq {
		r.name("host", v)
		return
	}
	if p, ok := r.pseudo[label]; ok {
		r.pseudo[v] = p
		return
	}
	p := r.name("host", v)
	if len(label) >= 3 {
		r.pseudo[label] = p
	}
}

func (r *redactor) namespace(v string) {
	if v != "" && !builtinNamespaces[v] {
		r.name("ns", v)
	}
}

func (r *redactor) pod(v string) {
	if v != "" {
		r.name("pod", v)
	}
}

func (r *redactor) user(v string) {
	if v != "" && v != "root" && !isDigits(v) {
		r.name("user", v)
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (r *redactor) learnStructured(rep *report.Report) {
	if rep.Host.Hostname != nil {
		r.host(*rep.Host.Hostname)
	}
	for _, n := range rep.Nodes {
		r.host(n.Name)
		for _, e := range n.Events {
			// "kubelet, node1"
			if _, h, ok := strings.Cut(e.From, ", "); ok {
				r.host(h)
			}
		}
	}
	for _, k := range rep.Kills {
		if k.Pod != nil {
			if k.Pod.Namespace != nil {
				r.namespace(*k.Pod.Namespace)
			}
			if k.Pod.Name != nil {
				r.pod(*k.Pod.Name)
			}
		}
	}
	for _, n := range rep.Nodes {
		for _, p := range n.Pods {
			r.namespace(p.Namespace)
			r.pod(p.Name)
		}
	}
}

var (
	// Oct 20 15:07:17 node1 kernel: …
	// 2026-11-26T09:14:07.412031+00:00 ip-10-0-3-17 kubelet[912]: …
	syslogHost = regexp.MustCompile(`^(?:[A-Z][a-z]{2} [ 0-9]?[0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?) ([A-Za-z0-9][A-Za-z0-9.-]{0,252}) [A-Za-z0-9_./@()-]+(?:\[[0-9]+\])?: `)
	// pod="payments/checkout-api-7d9f8b6c5-x2kqz"
	podRef = regexp.MustCompile(`\bpods?="([a-z0-9][a-z0-9-]{0,62})/([a-z0-9][a-z0-9.-]{0,252})"`)
	// session opened for user alice(uid=1001); Started Session 3 of user bob.;
	// USER=carol; /home/dave/; uid=1000(erin)
	userRef = regexp.MustCompile(`(?:\b(?:for|of) user |\bUSER=|\buser=|/home/|\buid=[0-9]+\()([a-z_][a-z0-9_.-]{0,31})`)
)

// learnText finds host, pod, namespace and user names in free text.
func (r *redactor) learnText(s string) string {
	if m := syslogHost.FindStringSubmatch(s); m != nil {
		r.host(m[1])
	}
	if strings.Contains(s, "pod") {
		for _, m := range podRef.FindAllStringSubmatch(s, -1) {
			r.namespace(m[1])
			r.pod(m[2])
		}
	}
	if strings.Contains(s, "user") || strings.Contains(s, "USER") || strings.Contains(s, "/home/") || strings.Contains(s, "uid=") {
		for _, m := range userRef.FindAllStringSubmatch(s, -1) {
			r.user(strings.TrimRight(m[1], ".-"))
		}
	}
	return s
}

// prepare indexes the known names for the rewrite pass.
func (r *redactor) prepare() {
	r.byFirst = map[byte][]string{}
	for v := range r.pseudo {
		r.byFirst[v[0]] = append(r.byFirst[v[0]], v)
	}
	for b, vs := range r.byFirst {
		sort.Slice(vs, func(i, j int) bool {
			if len(vs[i]) != len(vs[j]) {
				return len(vs[i]) > len(vs[j])
			}
			return vs[i] < vs[j]
		})
		r.byFirst[b] = vs
	}
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

var (
	// 02:4f:8a:11:c3:7e
	macAddr = regexp.MustCompile(`\b[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}\b`)
	// 10.0.3.17
	ipv4Addr = regexp.MustCompile(`\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b`)
	// fe80::4f:8aff:fe11:c37e, 2001:db8:0:0:0:0:0:1
	ipv6Addr = regexp.MustCompile(`[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}`)
)

// rewrite replaces known names (whole words: no letter or digit on either
// side) and addresses in s.
func (r *redactor) rewrite(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		if i == 0 || !isAlnum(s[i-1]) {
			matched := false
			for _, v := range r.byFirst[s[i]] {
				if strings.HasPrefix(s[i:], v) && (i+len(v) == len(s) || !isAlnum(s[i+len(v)])) {
					b.WriteString(r.pseudo[v])
					i += len(v)
					matched, changed = true, true
					break
				}
			}
			if matched {
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	if changed {
		s = b.String()
	}
	if strings.Count(s, ":") >= 5 {
		s = macAddr.ReplaceAllStringFunc(s, func(m string) string { return r.name("mac", strings.ToLower(m)) })
	}
	if strings.Count(s, ".") >= 3 {
		s = replaceBounded(s, ipv4Addr, func(m string) (string, bool) {
			a, err := netip.ParseAddr(m)
			if err != nil || !a.Is4() || a.IsLoopback() || a.IsUnspecified() {
				return m, false
			}
			return r.name("ip", m), true
		})
	}
	if strings.Contains(s, "::") || strings.Count(s, ":") >= 7 {
		s = replaceBounded(s, ipv6Addr, func(m string) (string, bool) {
			a, err := netip.ParseAddr(m)
			if err != nil || !a.Is6() || a.IsLoopback() || a.IsUnspecified() || strings.Count(m, ":") < 2 {
				return m, false
			}
			groups := 0
			for _, g := range strings.Split(m, ":") {
				if g != "" {
					groups++
				}
			}
			if groups < 3 {
				return m, false
			}
			return r.name("ip", a.String()), true
		})
	}
	return s
}

// replaceBounded replaces matches of re that stand alone: no letter, digit,
// '.' or ':' right before or after (so 1.2.3.4.5 and 12:34:56:78 are left).
func replaceBounded(s string, re *regexp.Regexp, f func(string) (string, bool)) string {
	locs := re.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		if l[0] > 0 && (isAlnum(s[l[0]-1]) || s[l[0]-1] == '.' || s[l[0]-1] == ':') {
			continue
		}
		if l[1] < len(s) && (isAlnum(s[l[1]]) || s[l[1]] == ':' || s[l[1]] == '.' && l[1]+1 < len(s) && isAlnum(s[l[1]+1])) {
			continue
		}
		rep, ok := f(s[l[0]:l[1]])
		if !ok {
			continue
		}
		b.WriteString(s[last:l[0]])
		b.WriteString(rep)
		last = l[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// walk calls f on every string in v (struct fields in declaration order,
// slices in order, map values by sorted key) and stores what it returns.
func (r *redactor) walk(v reflect.Value, field string, f func(string) string) {
	switch v.Kind() {
	case reflect.String:
		if !keepFields[field] && v.CanSet() {
			if s := f(v.String()); s != v.String() {
				v.SetString(s)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			r.walk(v.Elem(), field, f)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			r.walk(v.Field(i), name, f)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			r.walk(v.Index(i), field, f)
		}
	case reflect.Map:
		if v.Type().Elem().Kind() != reflect.String || keepFields[field] {
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			old := v.MapIndex(k).String()
			if s := f(old); s != old {
				v.SetMapIndex(k, reflect.ValueOf(s).Convert(v.Type().Elem()))
			}
		}
	}
}
