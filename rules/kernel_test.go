package rules

import "testing"

func TestKernelRange(t *testing.T) {
	tests := []struct {
		rng, release string
		want         bool
	}{
		{">=4.15 <5.0", "4.15.0-65-generic", true},
		{">=4.15 <5.0", "4.19.72", true},
		{">=4.15 <5.0", "5.0.3", false},
		{">=4.15 <5.0", "4.14.67", false},
		{">=4.15 <5.0", "3.10.0-1160.el7.x86_64", false},
		{"<4", "3.10.0-1160.el7.x86_64", true},
		{"=3.10", "3.10.0-1160.el7.x86_64", true},
		{"3.10.0", "3.10.0-957.el7.x86_64", true},
		{"==3.10.1", "3.10.0-957.el7.x86_64", false},
		{"<=4.15", "4.15.7", true},
		{">4.15", "4.15.7", false},
		{">4.15", "4.16", true},
		{"!=6.1", "6.1.1-arch1-1", false},
		{">= 5.8, <6", "5.15.158-2-pve", true},
		{">=6.11", "6.18.44-fc-v669", true},
		{">=6.2", "6.1-rc3", false},
	}
	for _, tt := range tests {
		bounds, err := parseKernelRange(tt.rng)
		if err != nil {
			t.Errorf("parseKernelRange(%q): %v", tt.rng, err)
			continue
		}
		v, ok := parseKernelRelease(tt.release)
		if !ok {
			t.Errorf("parseKernelRelease(%q) failed", tt.release)
			continue
		}
		got := true
		for _, b := range bounds {
			got = got && b.holds(v)
		}
		if got != tt.want {
			t.Errorf("%q on %q = %v, want %v", tt.rng, tt.release, got, tt.want)
		}
	}
}

func TestKernelRangeErrors(t *testing.T) {
	for _, s := range []string{"", "  ", ">=4.x", "4.15.0.1", "~4.15", ">=", "4..15"} {
		if b, err := parseKernelRange(s); err == nil {
			t.Errorf("parseKernelRange(%q) = %v, want an error", s, b)
		}
	}
	if _, ok := parseKernelRelease("Linux version"); ok {
		t.Error(`parseKernelRelease("Linux version") succeeded`)
	}
}
