package parse

// The small inputs: every file read whole (up to maxSmall) and handed to
// the reader of its kind. The table smallReaders names them; a reader
// reports what it used, or why not, and the warnings of its lines.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/oomlens/oomlens/parse/kube"
)

// small is what reading one small input gave: used, or why not, and the
// warnings of its lines; again when the input's kind was settled on the
// way (a sniffed file, a "date" file that is timedatectl's output) and the
// file is to be read as that kind.
type small struct {
	used    bool
	why     string
	warns   []Warning
	again   bool
	settled bool // why is the whole story (no "the command failed")
}

// smallReaders is the table of small inputs: kind → its reader. Every
// reader is given the whole file.
var smallReaders map[string]func(*loader, []byte, *Input) small

func init() {
	smallReaders = map[string]func(*loader, []byte, *Input) small{
		"sniff":           (*loader).readSniff,
		"sos-version":     (*loader).readSosVersion,
		"sos-manifest":    (*loader).readSosManifest,
		"sos-log":         (*loader).readSosLog,
		"swapon":          (*loader).readSwapon,
		"proc-swaps":      (*loader).readSwapon,
		"free":            (*loader).readFree,
		"meminfo":         (*loader).readMeminfo,
		"pressure":        (*loader).readPressure,
		"vmstat":          (*loader).readVmstat,
		"sysctl":          (*loader).readSysctl,
		"date":            (*loader).readDate,
		"timedatectl":     (*loader).readTimedatectl,
		"localtime":       (*loader).readLocaltime,
		"uptime":          (*loader).readUptime,
		"proc-stat":       (*loader).readProcStat,
		"hostname":        (*loader).readHostname,
		"uname":           (*loader).readUname,
		"boot-id":         (*loader).readBootID,
		"list-boots":      (*loader).readListBoots,
		"kubelet-config":  (*loader).readKubeletConfig,
		"kubelet-flags":   (*loader).readKubeletFlags,
		"zswap":           (*loader).readZswap,
		"cgroup":          (*loader).readCgroup,
		"describe-node":   (*loader).readKube,
		"get-nodes":       (*loader).readKube,
		"get-nodes-json":  (*loader).readKube,
		"get-pods":        (*loader).readKube,
		"get-pods-json":   (*loader).readKube,
		"get-pods-yaml":   (*loader).readKube,
		"get-events":      (*loader).readKube,
		"get-events-json": (*loader).readKube,
		"describe-pod":    (*loader).readKube,
		"describe-events": (*loader).readKube,
		"crictl-ps":       (*loader).readKube,
		"crictl-pods":     (*loader).readKube,
		"docker-ps":       (*loader).readKube,
		"ctr-containers":  (*loader).readKube,
	}
}

// parseSmall hands a whole small file to the reader of its kind
// (smallReaders).
func (l *loader) parseSmall(data []byte, in *Input) {
	empty := len(bytes.TrimSpace(data)) == 0
	failed := false
	if c, ok := l.manifest[l.rel(in.Path)]; ok && c.ReturnCode != nil && *c.ReturnCode != 0 {
		failed = true
	}
	if empty && (in.Kind != "swapon" || failed) {
		in.WhyNot = "empty"
		if c, ok := l.manifest[l.rel(in.Path)]; ok && c.ReturnCode != nil && *c.ReturnCode != 0 {
			in.WhyNot = fmt.Sprintf("empty: the command exited with status %d", *c.ReturnCode)
		}
		return
	}
	var r small
	for {
		read, ok := smallReaders[in.Kind]
		if !ok {
			r = small{why: "not recognised"}
			break
		}
		if r = read(l, data, in); !r.again {
			break
		}
	}
	in.Warnings = append(in.Warnings, r.warns...)
	in.Used = r.used
	if !r.used {
		in.WhyNot = r.why
		if msg := commandError(data); msg != "" && !r.settled {
			in.WhyNot = "the command failed: " + msg
		}
	}
}

// readSniff reads a "sniff" input.
func (l *loader) readSniff(data []byte, in *Input) small {
	k, f := sniffOwn(in.Path, data)
	if k == "" {
		in.Kind = "unknown"
		return small{why: "not recognised", settled: true}
	}
	in.Kind, in.Format = k, f
	return small{again: true}
}

// readSosVersion reads a "sos-version" input.
func (l *loader) readSosVersion(data []byte, in *Input) small {
	b := l.b
	v, ref := parseSosVersion(data, in.Path)
	if ref == nil {
		return small{why: "no \"sosreport:\" or \"sos report:\" line"}
	}
	if b.Sos == nil {
		b.Sos = &SosInfo{}
	}
	b.Sos.Version, b.Sos.Ref, in.Format = v, ref, "version.txt"
	return small{used: true}
}

// readSosManifest reads a "sos-manifest" input.
func (l *loader) readSosManifest(data []byte, in *Input) small {
	var warns []Warning
	b := l.b
	v, cmds, err := parseSosManifest(data)
	if err != nil {
		warns = append(warns, Warning{Ref: Ref{Path: in.Path, Line: 1}, Message: "manifest: " + err.Error()})
		return small{why: "not valid JSON", warns: warns}
	}
	l.manifest = cmds
	if b.Sos == nil {
		b.Sos = &SosInfo{}
	}
	b.Sos.Manifest = true
	if b.Sos.Version == "" && v != "" {
		b.Sos.Version = v
		b.Sos.Ref = &Ref{Path: in.Path, Line: 1}
	}
	in.Format = "json"
	return small{used: true, warns: warns}
}

// readSosLog reads a "sos-log" input.
func (l *loader) readSosLog(data []byte, in *Input) small {
	b := l.b
	in.Format = "sos-log"
	for _, to := range parseSosLog(data, in.Path) {
		what := "plugin " + to.Plugin + " timed out: its outputs are missing or partial"
		if to.Command != "" {
			what = "sos command " + strconv.Quote(to.Command) + " (plugin " + to.Plugin + ") timed out: its output is missing or partial"
		}
		b.Gaps = append(b.Gaps, Gap{Source: "sos", Missing: "sos " + to.Plugin + " output", Message: what + " (" + to.Path + ":" + strconv.Itoa(to.Line) + ")",
			Collect: "sos report --plugin-timeout 900 (or -k " + to.Plugin + ".timeout=900)"})
	}
	return small{used: true}
}

// readSwapon reads a "swapon" or "proc-swaps" input.
func (l *loader) readSwapon(data []byte, in *Input) small {
	b := l.b
	t, warns := parseSwapon(data, in.Path)
	if t == nil {
		return small{why: "no swapon or /proc/swaps header", warns: warns}
	}
	in.Format = t.Format
	if t.Format == "proc-swaps" || in.Kind == "proc-swaps" {
		in.Kind = "proc-swaps"
		if t.Format == "swapon-summary" {
			t.Format = "proc-swaps"
			in.Format = t.Format
		}
	}
	b.Swaps = append(b.Swaps, t)
	return small{used: true, warns: warns}
}

// readFree reads a "free" input.
func (l *loader) readFree(data []byte, in *Input) small {
	b := l.b
	if f, _ := parseFree(data, in.Path, ""); f == nil {
		return small{why: "no free header"}
	}
	l.frees = append(l.frees, pendingFree{data: data, path: in.Path, input: len(b.Inputs)})
	return small{used: true}
}

// readMeminfo reads a "meminfo" input.
func (l *loader) readMeminfo(data []byte, in *Input) small {
	b := l.b
	m, warns := parseMemInfo(data, in.Path)
	switch {
	case m == nil:
		return small{why: "no meminfo line", warns: warns}
	case b.MemInfo != nil:
		return small{why: "another meminfo was read: " + b.MemInfo.Path, warns: warns}
	}
	b.MemInfo, in.Format = m, "meminfo"
	return small{used: true, warns: warns}
}

// readPressure reads a "pressure" input.
func (l *loader) readPressure(data []byte, in *Input) small {
	b := l.b
	p, warns := parsePressure(data, in.Path)
	if p == nil {
		return small{why: "no PSI line", warns: warns}
	}
	if b.Pressure != nil || l.sos && !strings.Contains(in.Path, "memory") {
		return small{why: "not the memory pressure file", warns: warns}
	}
	b.Pressure, in.Format = p, "psi"
	return small{used: true, warns: warns}
}

// readVmstat reads a "vmstat" input.
func (l *loader) readVmstat(data []byte, in *Input) small {
	b := l.b
	kvs, _, warns, ok := parseVMStat(data, in.Path)
	if !ok {
		return small{why: "no vmstat counter", warns: warns}
	}
	b.VMStat = append(b.VMStat, kvs...)
	in.Format = "vmstat"
	return small{used: true, warns: warns}
}

// readSysctl reads a "sysctl" input: one /proc/sys file, `sysctl -a`
// output or a sysctl.conf.
func (l *loader) readSysctl(data []byte, in *Input) small {
	b := l.b
	if strings.Contains("/"+in.Path, "/proc/sys/") {
		s, ok := sysctlFromProc(data, in.Path)
		if !ok {
			return small{why: "no value"}
		}
		b.Sysctls = append(b.Sysctls, s)
		in.Format = "proc-sys"
		return small{used: true}
	}
	configured := in.Format == "sysctl-conf" || isSysctlConfPath(in.Path)
	s, _, warns := parseSysctl(data, in.Path, configured)
	b.Sysctls = append(b.Sysctls, s...)
	in.Format = "sysctl-a"
	if configured {
		in.Format = "sysctl-conf"
	}
	return small{used: true, warns: warns}
}

// readDate reads a "date" input.
func (l *loader) readDate(data []byte, in *Input) small {
	if t, _ := parseTimedatectl(data, in.Path); t != nil {
		in.Kind = "timedatectl"
		return small{again: true}
	}
	d, warns := parseDate(data, in.Path)
	if d == nil {
		return small{why: "no date", warns: warns}
	}
	l.dates = append(l.dates, d)
	in.Format = "date"
	if d.Abbr == "UTC" || d.Abbr == "GMT" {
		in.Format = "date-utc"
	}
	return small{used: true, warns: warns}
}

// readTimedatectl reads a "timedatectl" input.
func (l *loader) readTimedatectl(data []byte, in *Input) small {
	t, warns := parseTimedatectl(data, in.Path)
	if t == nil {
		return small{why: "no timedatectl fields", warns: warns}
	}
	if l.tdc == nil {
		l.tdc = t
	}
	in.Format = "timedatectl"
	return small{used: true, warns: warns}
}

// readLocaltime reads a "localtime" input.
func (l *loader) readLocaltime(data []byte, in *Input) small {
	loc, err := time.LoadLocationFromTZData("localtime", data)
	if err != nil {
		return small{why: "not a TZif file"}
	}
	if l.zoneLoc == nil {
		l.zoneLoc = loc
		if l.zoneRef == nil {
			l.zoneRef = &Ref{Path: in.Path}
		}
	}
	in.Format = "tzif"
	return small{used: true}
}

// readUptime reads a "uptime" input.
func (l *loader) readUptime(data []byte, in *Input) small {
	u, warns := parseUptime(data, in.Path)
	if u == nil {
		return small{why: "no uptime line", warns: warns}
	}
	if l.uptime == nil || u.ErrSec < l.uptime.ErrSec {
		l.uptime = u
	}
	in.Format = u.Format
	return small{used: true, warns: warns}
}

// readProcStat reads a "proc-stat" input.
func (l *loader) readProcStat(data []byte, in *Input) small {
	b := l.b
	t, ref := parseBtime(data, in.Path)
	if t == nil {
		return small{why: "no btime line"}
	}
	b.Host.Btime, b.Host.BtimeRef = t, ref
	in.Format = "proc-stat"
	in.First, in.Last = t, t
	return small{used: true}
}

// readHostname reads a "hostname" input.
func (l *loader) readHostname(data []byte, in *Input) small {
	b := l.b
	name, ref := parseHostname(data, in.Path)
	if ref == nil {
		return small{why: "no host name"}
	}
	if p := hostnamePriority(l.rel(in.Path)); p < l.hostPrio {
		l.hostPrio = p
		b.Host.Hostname, b.Host.HostnameRef = name, ref
	}
	in.Format = "hostname"
	if _, r := parseHostnamectl(data, in.Path); r != nil {
		in.Format = "hostnamectl"
	}
	return small{used: true}
}

// readUname reads a "uname" input.
func (l *loader) readUname(data []byte, in *Input) small {
	b := l.b
	host, rel, text, ref := parseUname(data, in.Path)
	if ref == nil {
		return small{why: "no \"Linux <host> <release> #\" line"}
	}
	b.Host.Uname, b.Host.Kernel, b.Host.KernelRef = text, rel, ref
	if l.hostPrio > 50 {
		l.hostPrio = 50
		b.Host.Hostname, b.Host.HostnameRef = host, ref
	}
	in.Format = "uname-a"
	return small{used: true}
}

// readBootID reads a "boot-id" input.
func (l *loader) readBootID(data []byte, in *Input) small {
	b := l.b
	id, ref := parseBootID(data, in.Path)
	if ref == nil {
		return small{why: "no boot ID"}
	}
	b.Host.BootID, b.Host.BootIDRef = id, ref
	in.Format = "boot-id"
	return small{used: true}
}

// readListBoots reads a "list-boots" input.
func (l *loader) readListBoots(data []byte, in *Input) small {
	b := l.b
	lb, warns := parseListBoots(data, in.Path)
	if len(lb) == 0 {
		return small{why: "no boot rows", warns: warns}
	}
	l.listInput[in.Path] = len(b.Inputs)
	l.listBoots = append(l.listBoots, lb...)
	in.Format = "list-boots"
	return small{used: true, warns: warns}
}

// readKubeletConfig reads a "kubelet-config" input.
func (l *loader) readKubeletConfig(data []byte, in *Input) small {
	b := l.b
	l.kubeCfg = append(l.kubeCfg, pendingData{data: data, path: in.Path, input: len(b.Inputs), config: true})
	in.Format = "yaml"
	return small{used: true}
}

// readKubeletFlags reads a "kubelet-flags" input.
func (l *loader) readKubeletFlags(data []byte, in *Input) small {
	b := l.b
	l.kubeFlags = append(l.kubeFlags, pendingData{data: data, path: in.Path, input: len(b.Inputs)})
	in.Format = "flags"
	return small{used: true}
}

// readZswap reads a "zswap" input.
func (l *loader) readZswap(data []byte, in *Input) small {
	b := l.b
	switch strings.TrimSpace(string(data)) {
	case "Y", "1":
		b.Zswap = ptr(true)
	case "N", "0":
		b.Zswap = ptr(false)
	default:
		return small{why: "not Y or N"}
	}
	b.ZswapRef, in.Format = &Ref{Path: in.Path, Line: 1}, "module-parameter"
	return small{used: true}
}

// readCgroup reads a "cgroup" input.
func (l *loader) readCgroup(data []byte, in *Input) small {
	v2, ref := cgroupFromMounts(data, in.Path)
	if v2 == nil {
		return small{why: "no cgroup memory mount"}
	}
	if l.mountsV2 == nil {
		l.mountsV2, l.mountsRef = v2, ref
	}
	in.Format = "mounts"
	return small{used: true}
}

// readKube reads a Kubernetes or container-runtime listing (package kube).
func (l *loader) readKube(data []byte, in *Input) small {
	b := l.b
	kind := in.Kind
	if in.Format == "json" || in.Format == "yaml" {
		kind = in.Kind + "-" + in.Format
	} else if sk := kube.SniffKube(data); sk == "kube-json" || sk == "kube-yaml" {
		// an empty List says nothing of its items: the layout does
		kind = kubeKind(in.Kind) + "-" + kubeFormat(sk)
	} else if sk != "" {
		kind = sk
	}
	in.Kind, in.Format = kubeKind(kind), kubeFormat(kind)
	before := len(b.Nodes) + len(b.Pods) + len(b.Containers) + len(b.K8sEvents)
	n, warns := kube.ReadKube(kind, data, in.Path, &b.Facts)
	if n == 0 && len(b.Nodes)+len(b.Pods)+len(b.Containers)+len(b.K8sEvents) == before {
		return small{why: "not understood by the Kubernetes parser", warns: warns}
	}
	return small{used: true, warns: warns}
}
