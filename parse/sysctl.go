package parse

// Kernel settings, running and configured:
//
//	$ sysctl -a                       (running kernel)
//	vm.swappiness = 60
//	vm.overcommit_memory = 0
//	sysctl: permission denied on key 'fs.protected_regular'
//
//	etc/sysctl.conf, etc/sysctl.d/*.conf (configured; applied at boot)
//	# comment
//	vm.swappiness=10
//	-vm.panic_on_oom = 1              ("-": ignore failures)
//	vm/min_free_kbytes = 67584        (slashes work too)
//
//	proc/sys/vm/swappiness            (one value: the key is the path)
//	60

import (
	"sort"
	"strings"

	"github.com/oomlens/oomlens/parse/facts"
)

// keepRuntimeSysctl says which running-kernel settings are kept from
// `sysctl -a` (it prints about a thousand).
func keepRuntimeSysctl(key string) bool {
	return strings.HasPrefix(key, "vm.") || strings.HasPrefix(key, "kernel.panic")
}

// parseSysctl parses `sysctl -a` output (configured false) or a sysctl.conf
// file (configured true). Running settings are kept for vm.* and
// kernel.panic*; configured files are kept whole.
func parseSysctl(data []byte, path string, configured bool) ([]Sysctl, int, []Warning) {
	var out []Sysctl
	var warns []Warning
	n := facts.ForLines(data, func(n int, line string) {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' || t[0] == ';' {
			return
		}
		if strings.HasPrefix(t, "sysctl: ") {
			return // permission denied / reading key errors of sysctl -a
		}
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			warns = append(warns, Warning{Ref: Ref{Path: path, Line: n}, Message: "sysctl: line without \"=\""})
			return
		}
		k = strings.TrimSpace(k)
		if configured {
			k = strings.TrimPrefix(k, "-")
		}
		k = strings.ReplaceAll(k, "/", ".")
		if k == "" || strings.ContainsAny(k, " \t") {
			warns = append(warns, Warning{Ref: Ref{Path: path, Line: n}, Message: "sysctl: bad key"})
			return
		}
		if !configured && !keepRuntimeSysctl(k) {
			return
		}
		out = append(out, Sysctl{Ref: Ref{Path: path, Line: n}, Key: k, Value: strings.TrimSpace(v), Configured: configured})
	})
	return out, n, warns
}

// sysctlFromProc reads one proc/sys file (e.g. proc/sys/vm/swappiness);
// the key is taken from the path. ok is false when path is not under
// proc/sys/ or the file is empty.
func sysctlFromProc(data []byte, path string) (Sysctl, bool) {
	i := strings.Index(path, "proc/sys/")
	if i < 0 || (i > 0 && path[i-1] != '/') {
		return Sysctl{}, false
	}
	key := strings.ReplaceAll(path[i+len("proc/sys/"):], "/", ".")
	var val string
	line := 0
	facts.ForLines(data, func(n int, l string) {
		if line == 0 && strings.TrimSpace(l) != "" {
			line, val = n, strings.Join(strings.Fields(l), " ")
		}
	})
	if line == 0 || key == "" {
		return Sysctl{}, false
	}
	return Sysctl{Ref: Ref{Path: path, Line: line}, Key: key, Value: val}, true
}

// SysctlValue returns the running value of key and the configured value
// that would apply at the next boot (systemd-sysctl order: files sorted by
// name across sysctl.d directories, /etc over /run over /usr/lib over /lib
// for one name, then etc/sysctl.conf last). Either is nil when the bundle
// does not show it.
func (b *Bundle) SysctlValue(key string) (running, configured *Sysctl) {
	type cand struct {
		s     *Sysctl
		name  string // file base name
		rank  int    // directory precedence (lower wins for one name)
		conf  bool   // etc/sysctl.conf
		index int
	}
	var cs []cand
	for i := range b.Sysctls {
		s := &b.Sysctls[i]
		if s.Key != key {
			continue
		}
		if !s.Configured {
			if running == nil {
				running = s
			}
			continue
		}
		base := s.Path[strings.LastIndexByte(s.Path, '/')+1:]
		rank := 4
		switch {
		case strings.Contains(s.Path, "etc/sysctl.d/"):
			rank = 0
		case strings.Contains(s.Path, "run/sysctl.d/"):
			rank = 1
		case strings.Contains(s.Path, "usr/lib/sysctl.d/"):
			rank = 2
		case strings.Contains(s.Path, "lib/sysctl.d/"):
			rank = 3
		}
		cs = append(cs, cand{s: s, name: base, rank: rank, conf: strings.HasSuffix(s.Path, "etc/sysctl.conf"), index: i})
	}
	if len(cs) == 0 {
		return running, nil
	}
	// a file name shadowed by a higher-precedence directory does not apply
	best := map[string]int{}
	for _, c := range cs {
		if c.conf {
			continue
		}
		if r, ok := best[c.name]; !ok || c.rank < r {
			best[c.name] = c.rank
		}
	}
	var live []cand
	for _, c := range cs {
		if c.conf || best[c.name] == c.rank {
			live = append(live, c)
		}
	}
	sort.SliceStable(live, func(i, j int) bool {
		a, b := live[i], live[j]
		if a.conf != b.conf {
			return !a.conf
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return a.index < b.index
	})
	if len(live) == 0 {
		return running, nil
	}
	return running, live[len(live)-1].s
}
