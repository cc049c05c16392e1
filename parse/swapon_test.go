package parse

import (
	"testing"

	"github.com/oomlens/oomlens/units"
)

func TestParseHumanSize(t *testing.T) {
	tests := []struct {
		in     string
		style  humanStyle
		kb     int64
		err    int64
		exact  bool
		wantOK bool
	}{
		{"947.2M", utilLinux, 969933, 51, false, true}, // 947.2 × 1024 = 969932.8
		{"18.6M", utilLinux, 19046, 51, false, true},
		{"2G", utilLinux, 2097152, 52429, false, true}, // integer: the decimal rounded to 0
		{"48K", utilLinux, 48, 1, false, true},
		{"0B", utilLinux, 0, 0, true, true},
		{"512B", utilLinux, 1, 0, true, true},
		{"1.8Gi", procps, 1887437, 52429, false, true},
		{"15Gi", procps, 16252928, 524288, false, true}, // truncated: [15, 16) GiB
		{"321Mi", procps, 329216, 512, false, true},     // [321, 322) MiB
		{"1.5T", utilLinux, 1610612736, 53687091, false, true},
		{"947.2", utilLinux, 0, 0, false, false},
		{"M", utilLinux, 0, 0, false, false},
		{"1.2B", utilLinux, 0, 0, false, false},
		{"12X", utilLinux, 0, 0, false, false},
		{"8191E", utilLinux, 8191 << 50, 1 << 50 / 20, false, true}, // 2⁶³ − 2⁵⁰ kB: the largest E that fits
		{"1.1K", utilLinux, 1, 1, false, true},
		{"1.5K", procps, 2, 1, false, true}, // half up
	}
	for _, tc := range tests {
		got, res := parseHumanSize(tc.in, tc.style)
		ok := res == units.OK
		if ok != tc.wantOK {
			t.Errorf("parseHumanSize(%q) ok = %v, want %v", tc.in, ok, tc.wantOK)
			continue
		}
		if !ok {
			continue
		}
		if got.KB != tc.kb || got.ErrKB != tc.err || got.Exact != tc.exact || got.Printed != tc.in {
			t.Errorf("parseHumanSize(%q) = %+v, want KB %d ±%d exact %v", tc.in, got, tc.kb, tc.err, tc.exact)
		}
	}
}

// TestHumanSizeTooLarge: a human size more than an int64 of kB holds is a
// size (not a syntax error) that does not fit, whatever part overflows.
func TestHumanSizeTooLarge(t *testing.T) {
	for _, in := range []string{
		"8192E",                  // 2⁶³ kB: the product overflows
		"99999999999999999999G",  // the number alone overflows
		"9223372036854775807.5K", // the mantissa overflows with its decimal
		"9007199254740992.0Gi",   // 2⁵³ GiB
		"99999999999999999999B",  // bytes
	} {
		for _, style := range []humanStyle{utilLinux, procps} {
			if got, res := parseHumanSize(in, style); res != units.TooLarge {
				t.Errorf("parseHumanSize(%q, %d) = %+v, %d; want units.TooLarge", in, style, got, res)
			}
		}
	}
}

func TestSwapon(t *testing.T) {
	type dev struct {
		name, typ     string
		sizeKB, errKB int64
		usedKB        int64
		exact         bool
		prio          *int
		zram          bool
		uuid          string
	}
	tests := []struct {
		name, path, in string
		format         string
		devs           []dev
		warns          int
		skip           int // rows before the first device that were bad
	}{
		{
			name: "default show, human sizes (the seed case)",
			path: "swapon.txt",
			in: `NAME          TYPE   SIZE  USED PRIO
/swapfile     file 947.2M 18.6M   -2
/swapfile.new file     2G   48K   -3
`,
			format: "swapon-show",
			devs: []dev{
				{"/swapfile", "file", 969933, 51, 19046, false, ptr(-2), false, ""},
				{"/swapfile.new", "file", 2097152, 52429, 48, false, ptr(-3), false, ""},
			},
		},
		{
			name: "bytes",
			path: "sos_commands/memory/swapon_--bytes_--show",
			in: `NAME      TYPE        SIZE  USED PRIO
/dev/dm-1 partition 4294963200 0   -2
/swapfile file       993202176 19503104 -3
`,
			format: "swapon-bytes",
			devs: []dev{
				{"/dev/dm-1", "partition", 4194300, 0, 0, true, ptr(-2), false, ""},
				{"/swapfile", "file", 969924, 0, 19046, true, ptr(-3), false, ""},
			},
		},
		{
			name: "custom columns with an empty UUID",
			path: "swapon-cols.txt",
			in: `NAME       SIZE USED PRIO UUID
/dev/zram0 3.8G   0B  100
/dev/sda2    8G 1.1G   -2 0b6e8e6c-0c3a-4a4e-9d5e-6f3c1c7a2b11
`,
			format: "swapon-show",
			devs: []dev{
				{"/dev/zram0", "", 3984589, 52429, 0, false, ptr(100), true, ""},
				{"/dev/sda2", "", 8388608, 52429, 1153434, false, ptr(-2), false, "0b6e8e6c-0c3a-4a4e-9d5e-6f3c1c7a2b11"},
			},
		},
		{
			name:   "summary",
			path:   "sos_commands/memory/swapon_--summary_--verbose",
			in:     "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/swapfile                              \tfile    \t969932\t\t19046\t\t-2\n",
			format: "swapon-summary",
			devs: []dev{
				{"/swapfile", "file", 969932, 0, 19046, true, ptr(-2), false, ""},
			},
		},
		{
			name:   "proc swaps",
			path:   "proc/swaps",
			in:     "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/dm-1                               partition\t4194300\t\t0\t\t-2\n",
			format: "proc-swaps",
			devs: []dev{
				{"/dev/dm-1", "partition", 4194300, 0, 0, true, ptr(-2), false, ""},
			},
		},
		{
			name:   "proc swaps with no swap",
			path:   "proc/swaps",
			in:     "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n",
			format: "proc-swaps",
		},
		{
			name:   "empty swapon --show: no swap",
			path:   "sos_commands/memory/swapon_--bytes_--show",
			in:     "",
			format: "swapon-show",
		},
		{
			name: "bad row is a warning",
			path: "swapon.txt",
			in: `NAME      TYPE SIZE USED PRIO
/swapfile file 1.2Q   0B   -2
/swap2    file   1G   0B   -3
`,
			format: "swapon-show",
			devs:   []dev{{"/swap2", "file", 1048576, 52429, 0, false, ptr(-3), false, ""}},
			warns:  1,
			skip:   1,
		},
		{
			name: "a size too large is a warning and unknown, the device kept",
			path: "swapon.txt",
			in: `NAME      TYPE       SIZE  USED PRIO
/swapfile file      8192E    0B   -2
/swap2    file         1G 9999999999999999999999M   -3
`,
			format: "swapon-show",
			devs: []dev{
				{"/swapfile", "file", -1, -1, 0, false, ptr(-2), false, ""},
				{"/swap2", "file", 1048576, 52429, -1, false, ptr(-3), false, ""},
			},
			warns: 2,
		},
		{
			name: "bytes too large for int64",
			path: "swapon.txt",
			in: `NAME      TYPE                  SIZE USED PRIO
/dev/dm-1 partition 99999999999999999999    0   -2
`,
			format: "swapon-bytes",
			devs:   []dev{{"/dev/dm-1", "partition", -1, -1, 0, false, ptr(-2), false, ""}},
			warns:  1,
		},
		{
			name:   "summary: a size too large, a negative size",
			path:   "proc/swaps",
			in:     "Filename\tType\tSize\tUsed\tPriority\n/dev/dm-1 partition 99999999999999999999 0 -2\n/dev/dm-2 partition -4 0 -3\n",
			format: "proc-swaps",
			devs:   []dev{{"/dev/dm-1", "partition", -1, -1, 0, false, ptr(-2), false, ""}},
			warns:  2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, warns := parseSwapon([]byte(tc.in), tc.path)
			if st == nil {
				t.Fatal("Swapon returned nil")
			}
			if st.Format != tc.format {
				t.Errorf("format = %q, want %q", st.Format, tc.format)
			}
			if len(warns) != tc.warns {
				t.Errorf("warnings = %v, want %d", warns, tc.warns)
			}
			if len(st.Devices) != len(tc.devs) {
				t.Fatalf("devices = %+v, want %d", st.Devices, len(tc.devs))
			}
			for i, w := range tc.devs {
				d := st.Devices[i]
				// -1: unknown (nil)
				kb := func(s *Size) (kb, errKB int64, exact bool) {
					if s == nil {
						return -1, -1, false
					}
					return s.KB, s.ErrKB, s.Exact
				}
				sizeKB, errKB, exact := kb(d.Size)
				usedKB, _, _ := kb(d.Used)
				if d.Name != w.name || d.Type != w.typ || sizeKB != w.sizeKB || errKB != w.errKB ||
					usedKB != w.usedKB || exact != w.exact || d.Zram != w.zram || d.UUID != w.uuid {
					t.Errorf("device %d = %+v, want %+v", i, d, w)
				}
				if (d.Priority == nil) != (w.prio == nil) || d.Priority != nil && *d.Priority != *w.prio {
					t.Errorf("device %d priority = %v, want %v", i, d.Priority, w.prio)
				}
				if d.Line != i+2+tc.skip || d.Path != tc.path {
					t.Errorf("device %d ref = %+v, want line %d", i, d.Ref, i+2+tc.skip)
				}
			}
		})
	}
}

func TestSwaponNotSwap(t *testing.T) {
	for _, in := range []string{"MemTotal:  1881872 kB\n", "hello world\n", "NAME READY STATUS\n"} {
		if st, _ := parseSwapon([]byte(in), "x"); st != nil {
			t.Errorf("parseSwapon(%q) = %+v, want nil", in, st)
		}
	}
}
