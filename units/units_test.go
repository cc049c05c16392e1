package units

import (
	"math"
	"math/big"
	"testing"
)

func TestToKB(t *testing.T) {
	const max = math.MaxInt64
	for _, c := range []struct {
		name        string
		n, num, den int64
		r           Rounding
		want        int64
		ok          bool
	}{
		{"kB as printed", 969932, 1, 1, Nearest, 969932, true},
		{"bytes round half up", 993210368, 1, 1024, Nearest, 969932, true},
		{"512 bytes is 1 kB", 512, 1, 1024, Nearest, 1, true},
		{"511 bytes is 0 kB", 511, 1, 1024, Nearest, 0, true},
		{"1023 bytes down", 1023, 1, 1024, Down, 0, true},
		{"MiB", 947, 1 << 10, 1, Nearest, 969728, true},
		{"947.2M: 9472 tenths of a MiB", 9472, 1 << 10, 10, Nearest, 969933, true},
		{"4 kB pages", 435853, 4, 1, Nearest, 1743412, true},
		{"largest int64 kB", max, 1, 1, Nearest, max, true},
		{"largest int64 bytes", max, 1, 1024, Nearest, max/1024 + 1, true},
		{"largest int64 bytes down", max, 1, 1024, Down, max / 1024, true},
		{"free -g Mem:10000000000000", 10000000000000, 1 << 20, 1, Nearest, 0, false},
		{"pages just fit", max / 4, 4, 1, Nearest, max / 4 * 4, true},
		{"pages one too many", max/4 + 1, 4, 1, Nearest, 0, false},
		{"8 EiB", 8, 1 << 50, 1, Nearest, 8 << 50, true},
		{"8 ZiB = 2⁶³ kB", 8 << 10, 1 << 50, 1, Nearest, 0, false},
		{"negative count", -1, 1, 1, Nearest, 0, false},
		{"negative unit", 1, -1, 1, Nearest, 0, false},
		{"zero denominator", 1, 1, 0, Nearest, 0, false},
		{"zero", 0, 1 << 20, 1, Nearest, 0, true},
	} {
		got, ok := ToKB(c.n, c.num, c.den, c.r)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: ToKB(%d, %d, %d) = %d, %v; want %d, %v", c.name, c.n, c.num, c.den, got, ok, c.want, c.ok)
		}
	}
}

// TestToKBExact compares ToKB with big-number arithmetic over values near
// the edges of int64.
func TestToKBExact(t *testing.T) {
	vals := []int64{0, 1, 2, 3, 511, 512, 1023, 1024, 1 << 20, 1<<40 + 7, 1 << 53, math.MaxInt64/1024 - 1, math.MaxInt64 / 1024, math.MaxInt64/4 + 1, math.MaxInt64 - 1, math.MaxInt64}
	dens := []int64{1, 2, 10, 20, 1024, 1000000000, math.MaxInt64}
	for _, n := range vals {
		for _, num := range vals {
			for _, den := range dens {
				for _, r := range []Rounding{Nearest, Down} {
					x := new(big.Int).Mul(big.NewInt(n), big.NewInt(num))
					if r == Nearest {
						x.Add(x, big.NewInt(den/2))
					}
					x.Quo(x, big.NewInt(den))
					got, ok := ToKB(n, num, den, r)
					if ok != x.IsInt64() || (ok && got != x.Int64()) {
						t.Fatalf("ToKB(%d, %d, %d, %d) = %d, %v; want %s", n, num, den, r, got, ok, x)
					}
				}
			}
		}
	}
}

func TestAddKB(t *testing.T) {
	for _, c := range []struct {
		a, b, want int64
		ok         bool
	}{
		{1, 2, 3, true},
		{math.MaxInt64 - 1, 1, math.MaxInt64, true},
		{math.MaxInt64, 1, 0, false},
		{-1, 2, 0, false},
		{2, -1, 0, false},
	} {
		if got, ok := AddKB(c.a, c.b); got != c.want || ok != c.ok {
			t.Errorf("AddKB(%d, %d) = %d, %v; want %d, %v", c.a, c.b, got, ok, c.want, c.ok)
		}
	}
}

func FuzzToKB(f *testing.F) {
	f.Add(int64(10000000000000), int64(1<<20), int64(1))
	f.Add(int64(993210368), int64(1), int64(1024))
	f.Fuzz(func(t *testing.T, n, num, den int64) {
		for _, r := range []Rounding{Nearest, Down} {
			got, ok := ToKB(n, num, den, r)
			if n < 0 || num < 0 || den <= 0 {
				if ok {
					t.Fatalf("ToKB(%d, %d, %d) accepted a negative input", n, num, den)
				}
				continue
			}
			x := new(big.Int).Mul(big.NewInt(n), big.NewInt(num))
			if r == Nearest {
				x.Add(x, big.NewInt(den/2))
			}
			x.Quo(x, big.NewInt(den))
			if ok != x.IsInt64() || (ok && (got != x.Int64() || got < 0)) {
				t.Fatalf("ToKB(%d, %d, %d, %d) = %d, %v; want %s", n, num, den, r, got, ok, x)
			}
		}
	})
}
