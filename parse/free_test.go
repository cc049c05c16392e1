package parse

import (
	"strings"
	"testing"
)

func TestParseFree(t *testing.T) {
	type want struct {
		unit, layout          string
		memTotal, memTotalErr int64
		exact                 bool
		available             *int64
		buffCache             *int64
		buffers               *int64
		swapTotal, swapFree   int64
		warns                 int
	}
	tests := []struct {
		name, unit, in string
		want           want
	}{
		{
			name: "procps KiB",
			in: `               total        used        free      shared  buff/cache   available
Mem:         1881872     1573488       92340        1064      216044      155452
Swap:         969932       19046      950886
`,
			want: want{unit: "kB", layout: "procps", memTotal: 1881872, exact: true, available: ptr(int64(155452)), buffCache: ptr(int64(216044)), swapTotal: 969932, swapFree: 950886},
		},
		{
			name: "free -m",
			unit: "MiB",
			in: `              total        used        free      shared  buff/cache   available
Mem:           1837        1536          90           1         210         151
Swap:           947          18         928
`,
			want: want{unit: "MiB", layout: "procps", memTotal: 1837*1024 + 512, memTotalErr: 512, available: ptr(int64(151*1024 + 512)), buffCache: ptr(int64(210*1024 + 512)), swapTotal: 947*1024 + 512, swapFree: 928*1024 + 512},
		},
		{
			name: "free -g",
			unit: "GiB",
			in: `              total        used        free      shared  buff/cache   available
Mem:             15           3           8           0           3          11
Swap:             1           0           1
`,
			want: want{unit: "GiB", layout: "procps", memTotal: 15<<20 + 1<<19, memTotalErr: 1 << 19, available: ptr(int64(11<<20 + 1<<19)), buffCache: ptr(int64(3<<20 + 1<<19)), swapTotal: 1<<20 + 1<<19, swapFree: 1<<20 + 1<<19},
		},
		{
			name: "free -h",
			in: `               total        used        free      shared  buff/cache   available
Mem:           1.8Gi       1.5Gi        90Mi       1.0Mi       210Mi       151Mi
Swap:          947Mi        18Mi       928Mi
`,
			want: want{unit: "human", layout: "procps", memTotal: 1887437, memTotalErr: 52429, available: ptr(int64(151*1024 + 512)), buffCache: ptr(int64(210*1024 + 512)), swapTotal: 947*1024 + 512, swapFree: 928*1024 + 512},
		},
		{
			name: "old procps with -/+ buffers/cache",
			in: `             total       used       free     shared    buffers     cached
Mem:       3924512    3767416     157096          0     180212    2735584
-/+ buffers/cache:     851620    3072892
Swap:      4194300      28520    4165780
`,
			want: want{unit: "kB", layout: "procps-old", memTotal: 3924512, exact: true, buffCache: ptr(int64(180212 + 2735584)), buffers: ptr(int64(180212)), swapTotal: 4194300, swapFree: 4165780},
		},
		{
			name: "wide",
			in: `               total        used        free      shared     buffers       cache   available
Mem:        16183572     3722472     8906716      531192      290408     3263976    11559108
Swap:        2097148           0     2097148
`,
			want: want{unit: "kB", layout: "procps-wide", memTotal: 16183572, exact: true, available: ptr(int64(11559108)), buffCache: ptr(int64(290408 + 3263976)), buffers: ptr(int64(290408)), swapTotal: 2097148, swapFree: 2097148},
		},
		{
			name: "bytes with a total row",
			unit: "bytes",
			in: `               total        used        free      shared  buff/cache   available
Mem:      1927036928  1611251712    94556160     1089536   221229056   159182848
Swap:      993210368    19503104   973707264
Total:    2920247296  1630754816  1068263424
`,
			want: want{unit: "bytes", layout: "procps", memTotal: 1881872, exact: true, available: ptr(int64(155452)), buffCache: ptr(int64(216044)), swapTotal: 969932, swapFree: 950886},
		},
		{
			name: "a bad value is a warning",
			in: `               total        used        free      shared  buff/cache   available
Mem:         1881872     1573488       92340        1064      216044      155452
Swap:         969932       x19046      950886
`,
			want: want{unit: "kB", layout: "procps", memTotal: 1881872, exact: true, available: ptr(int64(155452)), buffCache: ptr(int64(216044)), warns: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, warns := parseFree([]byte(tc.in), "free.txt", tc.unit)
			if f == nil {
				t.Fatal("ParseFree returned nil")
			}
			w := tc.want
			if f.Unit != w.unit || f.Layout != w.layout {
				t.Errorf("unit, layout = %q, %q; want %q, %q", f.Unit, f.Layout, w.unit, w.layout)
			}
			if len(warns) != w.warns {
				t.Errorf("warnings = %v, want %d", warns, w.warns)
			}
			if f.MemTotal == nil || f.MemTotal.KB != w.memTotal || f.MemTotal.ErrKB != w.memTotalErr || f.MemTotal.Exact != w.exact {
				t.Errorf("MemTotal = %+v, want %d ±%d exact %v", f.MemTotal, w.memTotal, w.memTotalErr, w.exact)
			}
			checkKB(t, "Available", f.Available, w.available)
			checkKB(t, "BuffCache", f.BuffCache, w.buffCache)
			checkKB(t, "Buffers", f.Buffers, w.buffers)
			if w.warns == 0 {
				if f.SwapTotal == nil || f.SwapTotal.KB != w.swapTotal || f.SwapFree == nil || f.SwapFree.KB != w.swapFree {
					t.Errorf("swap = %+v / %+v, want %d / %d", f.SwapTotal, f.SwapFree, w.swapTotal, w.swapFree)
				}
			} else if f.SwapTotal != nil {
				t.Errorf("SwapTotal = %+v from a bad row, want nil", f.SwapTotal)
			}
			if f.Line != 1 {
				t.Errorf("header line = %d, want 1", f.Line)
			}
		})
	}
	if f, _ := parseFree([]byte("NAME TYPE SIZE USED PRIO\n"), "x", ""); f != nil {
		t.Errorf("parseFree(swapon) = %+v, want nil", f)
	}
}

// TestFreeTooLarge: a value that does not fit in an int64 of kB is a
// warning on its line naming the value, and unknown (nil) — never negative,
// never wrapped; the other values of the row are kept.
func TestFreeTooLarge(t *testing.T) {
	for _, tc := range []struct {
		name, unit, in string
		mem            []*int64 // total, used, free
	}{
		{"issue 21: free -g, 10¹³ GiB", "GiB", "total used free\nMem:10000000000000\n", []*int64{nil, nil, nil}},
		{"free -m, 2⁶³ kB", "MiB", "total used free\nMem: 9007199254740992 5 9007199254740991\n", []*int64{nil, ptr(int64(5<<10 + 512)), ptr(int64(9007199254740991<<10 + 512))}},
		{"more digits than int64", "kB", "total used free\nMem: 99999999999999999999 1 2\n", []*int64{nil, ptr(int64(1)), ptr(int64(2))}},
		{"bytes, more digits than int64", "bytes", "total used free\nMem: 99999999999999999999 1024 2048\n", []*int64{nil, ptr(int64(1)), ptr(int64(2))}},
		{"free -h, 8192Ei", "", "total used free\nMem: 8192Ei 1.0Gi 8191Ei\n", []*int64{nil, ptr(int64(1 << 20)), ptr(int64(8191<<50 + 1<<49))}}, // procps: [8191, 8192) EiB,
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, warns := parseFree([]byte(tc.in), "free", tc.unit)
			if f == nil {
				t.Fatal("ParseFree returned nil")
			}
			if len(warns) != 1 || warns[0].Line != 2 || warns[0].Path != "free" || !strings.Contains(warns[0].Message, "does not fit in kB") {
				t.Errorf("warnings = %+v, want one \"does not fit\" on free:2", warns)
			}
			checkKB(t, "MemTotal", f.MemTotal, tc.mem[0])
			checkKB(t, "MemUsed", f.MemUsed, tc.mem[1])
			checkKB(t, "MemFree", f.MemFree, tc.mem[2])
		})
	}
	// buffers + cache past int64: buff/cache unknown, the parts kept
	f, warns := parseFree([]byte("total used free shared buffers cached\nMem: 1 1 1 0 9223372036854775807 1\n"), "free", "kB")
	if f == nil || f.BuffCache != nil || f.Buffers == nil || f.Cache == nil || len(warns) != 1 || warns[0].Line != 2 {
		t.Errorf("buffers+cache past int64: %+v, %+v", f, warns)
	}
}

func checkKB(t *testing.T, name string, got *Size, want *int64) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s = %+v, want nil", name, got)
	case want != nil && got == nil:
		t.Errorf("%s = nil, want %d", name, *want)
	case want != nil && got.KB != *want:
		t.Errorf("%s = %d kB, want %d", name, got.KB, *want)
	}
}

func TestParseMemInfo(t *testing.T) {
	in := `MemTotal:        1881872 kB
MemFree:           92340 kB
MemAvailable:     155452 kB
SwapTotal:        969932 kB
SwapFree:         950886 kB
Zswap:                 0 kB
Zswapped:              0 kB
Committed_AS:    2914316 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
garbage line
`
	m, warns := parseMemInfo([]byte(in), "proc/meminfo")
	if m == nil {
		t.Fatal("nil")
	}
	if len(m.Fields) != 10 {
		t.Errorf("fields = %d, want 10", len(m.Fields))
	}
	if len(warns) != 1 || warns[0].Line != 11 {
		t.Errorf("warnings = %+v, want one on line 11", warns)
	}
	for key, want := range map[string]int64{"MemTotal": 1881872, "SwapFree": 950886, "HugePages_Total": 0, "Committed_AS": 2914316} {
		kv := m.Get(key)
		if kv == nil || kv.Value != want {
			t.Errorf("Get(%q) = %+v, want %d", key, kv, want)
		}
	}
	if kv := m.Get("Hugepagesize"); kv == nil || kv.Ref.Line != 10 {
		t.Errorf("Hugepagesize ref = %+v, want line 10", kv)
	}
	if m.Get("Shmem") != nil {
		t.Error("Get(Shmem) should be nil: not printed")
	}
}

func TestParsePressureAndVMStat(t *testing.T) {
	p, w := parsePressure([]byte("some avg10=1.50 avg60=0.30 avg300=0.07 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=789\n"), "proc/pressure/memory")
	if p == nil || len(w) != 0 {
		t.Fatalf("ParsePressure = %+v, %v", p, w)
	}
	if p.SomePSI == nil || p.SomePSI.Avg10 != 1.5 || p.SomePSI.TotalUs != 123456 || p.FullPSI == nil || p.FullPSI.TotalUs != 789 {
		t.Errorf("PSI = %+v %+v", p.SomePSI, p.FullPSI)
	}
	kvs, lines, warns, ok := parseVMStat([]byte("nr_free_pages 23085\nnr_zone_inactive_anon 1234\npswpin 2119\npswpout 5021\noom_kill 3\n"), "proc/vmstat")
	if !ok || lines != 5 || len(warns) != 0 {
		t.Fatalf("ParseVMStat ok=%v lines=%d warns=%v", ok, lines, warns)
	}
	var oom *KV
	for i := range kvs {
		if kvs[i].Key == "oom_kill" {
			oom = &kvs[i]
		}
		if kvs[i].Key == "nr_zone_inactive_anon" {
			t.Error("nr_zone_inactive_anon should not be kept")
		}
	}
	if oom == nil || oom.Value != 3 || oom.Ref.Line != 5 {
		t.Errorf("oom_kill = %+v, want 3 on line 5", oom)
	}
}

func TestParseSysctl(t *testing.T) {
	runtime := `abi.vsyscall32 = 1
kernel.panic = 0
kernel.panic_on_oops = 1
net.core.somaxconn = 4096
sysctl: permission denied on key 'fs.protected_regular'
vm.min_free_kbytes = 67584
vm.oom_kill_allocating_task = 0
vm.overcommit_memory = 0
vm.overcommit_ratio = 50
vm.panic_on_oom = 0
vm.swappiness = 60
vm.watermark_scale_factor = 10
`
	s, _, w := parseSysctl([]byte(runtime), "sos_commands/kernel/sysctl_-a", false)
	if len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
	got := map[string]string{}
	for _, x := range s {
		got[x.Key] = x.Value
		if x.Configured {
			t.Errorf("%s marked configured", x.Key)
		}
	}
	if len(s) != 9 || got["vm.swappiness"] != "60" || got["kernel.panic_on_oops"] != "1" || got["net.core.somaxconn"] != "" {
		t.Errorf("runtime sysctls = %v", got)
	}
	conf := `# tuned for the database
vm.swappiness=10
-vm.panic_on_oom = 1
; old style comment
vm/min_free_kbytes = 131072
net.ipv4.ip_forward = 1
broken line
`
	s, _, w = parseSysctl([]byte(conf), "etc/sysctl.d/99-db.conf", true)
	if len(w) != 1 || w[0].Line != 7 {
		t.Errorf("warnings = %v, want one on line 7", w)
	}
	got = map[string]string{}
	for _, x := range s {
		got[x.Key] = x.Value
	}
	if len(s) != 4 || got["vm.swappiness"] != "10" || got["vm.panic_on_oom"] != "1" || got["vm.min_free_kbytes"] != "131072" {
		t.Errorf("configured sysctls = %v", got)
	}
	if v, ok := sysctlFromProc([]byte("60\n"), "proc/sys/vm/swappiness"); !ok || v.Key != "vm.swappiness" || v.Value != "60" || v.Line != 1 {
		t.Errorf("SysctlFromProc = %+v, %v", v, ok)
	}
	if _, ok := sysctlFromProc([]byte("60\n"), "etc/swappiness"); ok {
		t.Error("SysctlFromProc accepted a path outside proc/sys")
	}
}

func TestSysctlValuePrecedence(t *testing.T) {
	b := &Bundle{Sysctls: []Sysctl{
		{Ref: Ref{Path: "etc/sysctl.conf", Line: 3}, Key: "vm.swappiness", Value: "30", Configured: true},
		{Ref: Ref{Path: "etc/sysctl.d/10-a.conf", Line: 1}, Key: "vm.swappiness", Value: "1", Configured: true},
		{Ref: Ref{Path: "etc/sysctl.d/99-z.conf", Line: 1}, Key: "vm.overcommit_memory", Value: "2", Configured: true},
		{Ref: Ref{Path: "sos_commands/kernel/sysctl_-a", Line: 90}, Key: "vm.swappiness", Value: "60"},
		{Ref: Ref{Path: "usr/lib/sysctl.d/99-z.conf", Line: 1}, Key: "vm.overcommit_memory", Value: "1", Configured: true},
		{Ref: Ref{Path: "usr/lib/sysctl.d/50-b.conf", Line: 1}, Key: "vm.overcommit_memory", Value: "0", Configured: true},
	}}
	run, conf := b.SysctlValue("vm.swappiness")
	if run == nil || run.Value != "60" || conf == nil || conf.Value != "30" {
		t.Errorf("vm.swappiness = %+v / %+v, want 60 running and 30 (sysctl.conf last)", run, conf)
	}
	run, conf = b.SysctlValue("vm.overcommit_memory")
	if run != nil || conf == nil || conf.Value != "2" || conf.Path != "etc/sysctl.d/99-z.conf" {
		t.Errorf("vm.overcommit_memory = %+v / %+v, want etc 99-z.conf (shadows usr/lib)", run, conf)
	}
	if run, conf := b.SysctlValue("vm.panic_on_oom"); run != nil || conf != nil {
		t.Error("vm.panic_on_oom should be unknown")
	}
}
