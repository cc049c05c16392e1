package parse

// One fuzz target per context-parser entry point and one for the loader
// over a whole in-memory bundle, each with invariants beyond "no panic":
// parsing twice gives equal results, every warning names a line of the
// input (1..lines; the loader's file-level warnings may use 0), and every
// Ref points into the file it names. Run them all with
// `make fuzz FUZZTIME=1m`; crashers land in testdata/fuzz/<Target>/ and
// are replayed by `go test` from then on.

import (
	"bytes"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/oomlens/oomlens/internal/nonneg"
	"github.com/oomlens/oomlens/parse/kube"
)

// addDataSeeds seeds a one-argument target with every file of the loader's
// test bundles.
func addDataSeeds(f *testing.F, extra ...string) {
	names := loadSeedFiles(f)
	for _, file := range names {
		f.Add(file.Data)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

func loadSeedFiles(f *testing.F) []txtar.File {
	var out []txtar.File
	for _, n := range []string{"loose", "sos2", "sos3", "sos4"} {
		ar, err := txtar.ParseFile("testdata/load/" + n + ".txtar")
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, ar.Files...)
	}
	return out
}

// checkWarnLines fails when a warning cites no line of data or another
// path.
func checkWarnLines(t *testing.T, ws []Warning, path string, data []byte) {
	t.Helper()
	n := countLines(data)
	for _, w := range ws {
		if w.Line < 1 || w.Line > n {
			t.Fatalf("warning cites line %d of %d: %+v", w.Line, n, w)
		}
		if w.Path != path {
			t.Fatalf("warning cites path %q, want %q", w.Path, path)
		}
	}
}

// checkRef fails when r is not a line of data (0 allowed when zeroOK).
func checkRef(t *testing.T, what string, r Ref, path string, data []byte, zeroOK bool) {
	t.Helper()
	n := countLines(data)
	if r.Path != path || r.Line > n || r.Line < 0 || (r.Line == 0 && !zeroOK) {
		t.Fatalf("%s: ref %s:%d outside %s (1..%d)", what, r.Path, r.Line, path, n)
	}
}

func FuzzSwapon(f *testing.F) {
	addDataSeeds(f,
		"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/dm-1                               partition\t8388604\t\t0\t\t-2\n",
		"NAME      TYPE      SIZE USED PRIO\n/swap.img file        2G   0B   -2\n",
		"NAME TYPE SIZE USED PRIO\n/x partition 99999999999999999999G 1 -1\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		s1, w1 := parseSwapon(data, "swapon")
		s2, w2 := parseSwapon(data, "swapon")
		if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(w1, w2) {
			t.Fatal("parsing twice gave different results")
		}
		checkWarnLines(t, w1, "swapon", data)
		nonneg.Check(t, "swapon", s1, false)
		if s1 != nil && len(s1.Lines) > 0 {
			// an empty output is an empty `swapon --show`, cited as line 1
			checkRef(t, "table", s1.Ref, "swapon", data, false)
			for _, q := range s1.Lines {
				checkRef(t, "quote", q.Ref, "swapon", data, false)
			}
		}
	})
}

func FuzzFree(f *testing.F) {
	addDataSeeds(f,
		"              total        used        free      shared  buff/cache   available\nMem:        8009596     7690012       93904        1612      225680      113792\nSwap:             0           0           0\n",
		"             total       used       free     shared    buffers     cached\nMem:          7983       7818        165          0          1         49\n-/+ buffers/cache:       7767        216\nSwap:         4095       4095          0\n",
		"               total        used        free      shared  buff/cache   available\nMem:           7.6Gi       7.3Gi        91Mi       1.6Mi       220Mi       111Mi\nSwap:             0B          0B          0B\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, u := range []string{"", "kB", "MiB", "GiB", "bytes", "human"} {
			f1, w1 := parseFree(data, "free", u)
			f2, w2 := parseFree(data, "free", u)
			if !reflect.DeepEqual(f1, f2) || !reflect.DeepEqual(w1, w2) {
				t.Fatal("parsing twice gave different results")
			}
			checkWarnLines(t, w1, "free", data)
			if f1 != nil {
				checkRef(t, "free", f1.Ref, "free", data, false)
				nonneg.Check(t, "free "+u, f1, false)
			}
		}
	})
}

func FuzzMemInfo(f *testing.F) {
	addDataSeeds(f,
		"MemTotal:        8009596 kB\nMemFree:           93904 kB\nSwapTotal:             0 kB\nHugePages_Total:       0\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
		"oom_kill 3\npgmajfault 12\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		m1, w1 := parseMemInfo(data, "meminfo")
		m2, w2 := parseMemInfo(data, "meminfo")
		if !reflect.DeepEqual(m1, m2) || !reflect.DeepEqual(w1, w2) {
			t.Fatal("meminfo: parsing twice gave different results")
		}
		checkWarnLines(t, w1, "meminfo", data)
		nonneg.Check(t, "meminfo", m1, true)
		if m1 != nil {
			for _, kv := range m1.Fields {
				checkRef(t, kv.Key, kv.Ref, "meminfo", data, false)
			}
		}
		p1, w1 := parsePressure(data, "pressure")
		p2, w2 := parsePressure(data, "pressure")
		if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(w1, w2) {
			t.Fatal("pressure: parsing twice gave different results")
		}
		checkWarnLines(t, w1, "pressure", data)
		kv1, n1, w1, ok1 := parseVMStat(data, "vmstat")
		kv2, n2, w2, ok2 := parseVMStat(data, "vmstat")
		if !reflect.DeepEqual(kv1, kv2) || n1 != n2 || ok1 != ok2 || !reflect.DeepEqual(w1, w2) {
			t.Fatal("vmstat: parsing twice gave different results")
		}
		checkWarnLines(t, w1, "vmstat", data)
		for _, kv := range kv1 {
			checkRef(t, kv.Key, kv.Ref, "vmstat", data, false)
		}
	})
}

func FuzzSysctl(f *testing.F) {
	addDataSeeds(f,
		"vm.swappiness = 60\nvm.overcommit_memory = 0\n# comment\n; other\nnet.ipv4.ip_forward=1\n",
		"kernel.panic_on_oops = 1\nvm.panic_on_oom=0\n-vm.min_free_kbytes = 67584\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, configured := range []bool{false, true} {
			s1, n1, w1 := parseSysctl(data, "sysctl", configured)
			s2, n2, w2 := parseSysctl(data, "sysctl", configured)
			if !reflect.DeepEqual(s1, s2) || n1 != n2 || !reflect.DeepEqual(w1, w2) {
				t.Fatal("parsing twice gave different results")
			}
			checkWarnLines(t, w1, "sysctl", data)
			for _, s := range s1 {
				checkRef(t, s.Key, s.Ref, "sysctl", data, false)
				if s.Configured != configured {
					t.Fatalf("Configured = %v", s.Configured)
				}
			}
		}
		a, aok := sysctlFromProc(data, "proc/sys/vm/swappiness")
		b, bok := sysctlFromProc(data, "proc/sys/vm/swappiness")
		if a != b || aok != bok {
			t.Fatal("SysctlFromProc: twice gave different results")
		}
	})
}

func FuzzKubeletConfig(f *testing.F) {
	addDataSeeds(f,
		"apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfailSwapOn: false\nmemorySwap:\n  swapBehavior: LimitedSwap\nfeatureGates:\n  NodeSwap: true\ncgroupDriver: systemd\n",
		"kind: KubeletConfiguration\nfailSwapOn: maybe\nfeatureGates: [1, 2]\n",
		"--fail-swap-on=false --feature-gates=NodeSwap=true,Other=false --kubeconfig=/etc/kubernetes/kubelet.conf\n",
		"KUBELET_EXTRA_ARGS=\"--fail-swap-on=false\"\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		k1, k2 := &KubeletConfig{}, &KubeletConfig{}
		ok1, w1 := kube.ParseKubeletConfig(data, "kubelet.yaml", k1)
		ok2, w2 := kube.ParseKubeletConfig(data, "kubelet.yaml", k2)
		if ok1 != ok2 || !reflect.DeepEqual(k1, k2) || !reflect.DeepEqual(w1, w2) {
			t.Fatal("config: parsing twice gave different results")
		}
		checkWarnLines(t, w1, "kubelet.yaml", data)
		for _, r := range k1.Sources {
			checkRef(t, "source", r, "kubelet.yaml", data, false)
		}
		k3, k4 := &KubeletConfig{}, &KubeletConfig{}
		ok1, w1 = kube.ParseKubeletFlags(data, "kubelet.flags", k3)
		ok2, w2 = kube.ParseKubeletFlags(data, "kubelet.flags", k4)
		if ok1 != ok2 || !reflect.DeepEqual(k3, k4) || !reflect.DeepEqual(w1, w2) {
			t.Fatal("flags: parsing twice gave different results")
		}
		checkWarnLines(t, w1, "kubelet.flags", data)
		for _, v := range []string{"", "1.21.3", "v1.30.0", string(data[:min(len(data), 12)])} {
			for _, cg := range []*bool{nil, ptr(true), ptr(false)} {
				a, b := kube.EffectiveSwap(k1, v, cg), kube.EffectiveSwap(k1, v, cg)
				if !reflect.DeepEqual(a, b) {
					t.Fatal("EffectiveSwap not deterministic")
				}
				kube.EffectiveSwap(k3, v, cg)
			}
		}
	})
}

func FuzzSosManifest(f *testing.F) {
	addDataSeeds(f,
		`{"version":"4.5.6","components":{"report":{"plugins":{"memory":{"commands":[{"exec":"free -m","filepath":"sos_commands/memory/free_-m","truncated":false,"return_code":0}]}}}}}`,
		`{"components":{"report":{"plugins":{"x":{"commands":[{"exec":"journalctl -k","filepath":"/sos_commands/x/j","truncated":true,"return_code":1e300}]}}}}}`,
		"sosreport (version 3.7)\n", `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{"filepath":"deep"}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`)
	f.Fuzz(func(t *testing.T, data []byte) {
		v1, c1, e1 := parseSosManifest(data)
		v2, c2, e2 := parseSosManifest(data)
		if v1 != v2 || !reflect.DeepEqual(c1, c2) || (e1 == nil) != (e2 == nil) {
			t.Fatal("manifest: parsing twice gave different results")
		}
		if e1 != nil && (v1 != "" || c1 != nil) {
			t.Fatalf("error %v with results %q %v", e1, v1, c1)
		}
		s1, r1 := parseSosVersion(data, "version.txt")
		s2, r2 := parseSosVersion(data, "version.txt")
		if s1 != s2 || !reflect.DeepEqual(r1, r2) {
			t.Fatal("version: parsing twice gave different results")
		}
		if r1 != nil {
			checkRef(t, "version", *r1, "version.txt", data, false)
		}
		a, b := parseSosLog(data, "sos.log"), parseSosLog(data, "sos.log")
		if !reflect.DeepEqual(a, b) {
			t.Fatal("sos.log: parsing twice gave different results")
		}
	})
}

// FuzzLoadBundle loads a whole bundle given as a txtar archive (so the
// fuzzer can mutate names and contents of several files at once): no
// panic, loading twice gives equal bundles, every warning and every kill
// line cites a line of the file it names.
func FuzzLoadBundle(f *testing.F) {
	for _, n := range []string{"loose", "sos2", "sos3", "sos4"} {
		data, err := os.ReadFile("testdata/load/" + n + ".txtar")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, arch []byte) {
		ar := txtar.Parse(arch)
		if len(ar.Files) == 0 || len(ar.Files) > 40 {
			return
		}
		m := fstest.MapFS{}
		for _, file := range ar.Files {
			name := strings.Trim(file.Name, "/")
			if name == "" || !fsValidPath(name) {
				return
			}
			m[name] = &fstest.MapFile{Data: file.Data, Mode: 0o444}
		}
		if !mapFSConsistent(m) {
			return
		}
		b1, err1 := Load(m, LoadOptions{Name: "fuzz"})
		b2, err2 := Load(m, LoadOptions{Name: "fuzz"})
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("errors differ: %v / %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		if !reflect.DeepEqual(b1, b2) {
			t.Fatal("loading twice gave different bundles")
		}
		checkBundleRefs(t, b1, m)
		nonneg.Check(t, "bundle", b1, false)
	})
}

// checkBundleRefs checks that every input warning and every kill and report
// line of b cites a line of a file of m (following no symlinks: MapFS
// entries are regular files).
func checkBundleRefs(t *testing.T, b *Bundle, m fstest.MapFS) {
	t.Helper()
	lines := func(p string) ([][]byte, bool) {
		f, ok := m[p]
		if !ok {
			return nil, false
		}
		ls := bytes.Split(f.Data, []byte{'\n'})
		if len(f.Data) > 0 && f.Data[len(f.Data)-1] == '\n' {
			ls = ls[:len(ls)-1]
		}
		return ls, true
	}
	for _, in := range b.Inputs {
		ls, ok := lines(in.Path)
		if !ok {
			continue // a gzip member or an Only name that does not exist
		}
		for _, w := range in.Warnings {
			if w.Line < 0 || w.Line > len(ls) {
				t.Fatalf("%s: warning on line %d of %d: %s", in.Path, w.Line, len(ls), w.Message)
			}
		}
	}
	for _, kl := range b.KernelLogs {
		ls, ok := lines(kl.Path)
		if !ok || isGzip(m[kl.Path].Data) {
			continue
		}
		for _, r := range kl.Reports {
			for _, k := range r.Kills {
				if k.Path != kl.Path || k.Line < 1 || k.Line > len(ls) || !bytes.Contains(ls[k.Line-1], []byte("Killed process")) {
					t.Fatalf("kill cites %s:%d, not a kill line of %s", k.Path, k.Line, kl.Path)
				}
			}
			if r.Start.Line < 1 || r.End.Line > len(ls) {
				t.Fatalf("report %d..%d outside %s (1..%d)", r.Start.Line, r.End.Line, kl.Path, len(ls))
			}
		}
	}
}

func isGzip(d []byte) bool { return len(d) >= 2 && d[0] == 0x1f && d[1] == 0x8b }

// fsValidPath is fs.ValidPath without "." (a file cannot be the root).
func fsValidPath(name string) bool {
	if name == "." {
		return false
	}
	for _, el := range strings.Split(name, "/") {
		if el == "" || el == "." || el == ".." {
			return false
		}
	}
	return true
}

// mapFSConsistent rejects archives where a path is both a file and a
// directory ("a" and "a/b"), which no real file system can hold.
func mapFSConsistent(m fstest.MapFS) bool {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	for i := 1; i < len(names); i++ {
		if strings.HasPrefix(names[i], names[i-1]+"/") {
			return false
		}
	}
	return true
}
