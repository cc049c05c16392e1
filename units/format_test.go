package units

import (
	"math"
	"testing"
)

func TestKB(t *testing.T) {
	for _, c := range []struct {
		kb   int64
		want string
	}{
		{0, "0 kB"},
		{88, "88 kB"},
		{99, "99 kB"},
		{100, "0.1 MiB"},
		{204, "0.2 MiB"},
		{1024, "1 MiB"},
		{10188, "9.9 MiB"},
		{10200, "10 MiB"}, // 9.96 MiB: one decimal would print "10.0"
		{50000, "49 MiB"}, // issue 18: a finding said "48.8 MiB", the table "49 MiB"
		{969932, "947 MiB"},
		{1048575, "1 GiB"}, // 1023.999 MiB rounds to 1024 MiB: that is 1 GiB
		{1743412, "1.7 GiB"},
		{16252928, "15.5 GiB"},
		{157286400, "150 GiB"},
		{1610612736, "1.5 TiB"},
		{1 << 50, "1 EiB"},
		{math.MaxInt64, "8 ZiB"},
		{-50000, "-49 MiB"},
		// the table's format before units (render's humanKB) is kept
		{96, "96 kB"}, {188, "0.2 MiB"}, {156652, "153 MiB"}, {2097152, "2 GiB"},
		{3066072, "2.9 GiB"}, {1 << 30, "1 TiB"}, {-2048, "-2 MiB"},
	} {
		if got := KB(c.kb); got != c.want {
			t.Errorf("KB(%d) = %q, want %q", c.kb, got, c.want)
		}
	}
}

func TestKBFloatAndPrecise(t *testing.T) {
	for _, c := range []struct {
		kb   float64
		want string
	}{
		{99.4, "99 kB"},
		{99.6, "0.1 MiB"},
		{50000, "49 MiB"},
		{math.NaN(), "unknown"},
		{math.Inf(1), "unknown"},
	} {
		if got := KBFloat(c.kb); got != c.want {
			t.Errorf("KBFloat(%v) = %q, want %q", c.kb, got, c.want)
		}
	}
	for _, c := range []struct {
		kb   int64
		want string
	}{
		{3103784, "2.96 GiB"},
		{50000, "49 MiB"},
		{157286400, "150 GiB"},
	} {
		if got := KBPrecise(c.kb); got != c.want {
			t.Errorf("KBPrecise(%d) = %q, want %q", c.kb, got, c.want)
		}
	}
}
