package pairscan

import (
	"bytes"
	"runtime"
	"slices"
	"testing"
)

// TestNextAndAllFindEveryWord checks Next and All against bytes.Index on a
// small vocabulary placed at every offset of a buffer longer than one
// vector step, so both the vector loop and the scalar tail are used (the
// kernel parser's tests do the same with its own vocabulary and logs).
func TestNextAndAllFindEveryWord(t *testing.T) {
	if runtime.GOARCH == "amd64" && !Available {
		t.Skip("no AVX2")
	}
	words := [][]byte{[]byte("invoked oom-k"), []byte("Kill"), []byte("oom_"), []byte("of memory")}
	noise := bytes.Repeat([]byte("[ 12.345678] eth0: link up, 1000 Mbps\n"), 8)
	s := New(noise, words)
	if s == nil {
		t.Fatal("New: no pair table for four words")
	}
	naive := func(data []byte, from int) int {
		best := -1
		for _, w := range words {
			if i := bytes.Index(data[from:], w); i >= 0 && (best < 0 || from+i < best) {
				best = from + i
			}
		}
		return best
	}
	for _, w := range words {
		for at := 0; at+len(w) <= 100; at++ {
			data := append([]byte(nil), noise[:100]...)
			copy(data[at:], w)
			for _, from := range []int{0, at, at + 1} {
				if got, want := s.Next(data, from), naive(data, from); got != want {
					t.Fatalf("Next: %q at %d, from %d: got %d, want %d", w, at, from, got, want)
				}
			}
			var want []int
			for i := naive(data, 0); i >= 0; i = naive(data, i+1) {
				want = append(want, i)
			}
			if got := s.All(data, nil); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("All: %q at %d: got %v, want %v", w, at, got, want)
			}
		}
	}
}
