package kernel

import (
	"bytes"
	"testing"
	"testing/iotest"

	"github.com/oomlens/oomlens/parse/kernel/internal/pairscan"
)

// naiveNextHit is the reference: the smallest start >= from of any needle.
func naiveNextHit(data []byte, from int) int {
	best := -1
	for _, n := range vocabulary {
		if i := bytes.Index(data[from:], n.word); i >= 0 && (best < 0 || from+i < best) {
			best = from + i
		}
	}
	return best
}

// TestPairScannerFindsEveryNeedle puts every needle at every alignment of a
// 64-byte vector step (including the last bytes of the data, which the
// scalar tail checks) into log-like noise and checks that the pair scanner
// finds exactly the line the naive search finds.
func TestPairScannerFindsEveryNeedle(t *testing.T) {
	if !pairscan.Available {
		t.Log("no AVX2: checking the scalar tail only")
	}
	r := genRand(7)
	var noise bytes.Buffer
	for noise.Len() < 4096 {
		noise.WriteString("[ 1234.567890] ")
		noise.WriteString(noiseLines[r.intn(len(noiseLines))](&r))
		noise.WriteByte('\n')
	}
	sample := noise.Bytes()
	s := pairscan.New(sample, vocabWords)
	if s == nil {
		t.Fatal("no pair table for the vocabulary")
	}
	if naiveNextHit(sample, 0) >= 0 {
		t.Fatal("noise already holds a needle")
	}
	for _, n := range vocabulary {
		for _, size := range []int{len(n.word), 70, 200, 1000} {
			for at := 0; at+len(n.word) <= size; at++ {
				if size > 200 && at%7 != 0 && at < size-130 {
					continue
				}
				data := append([]byte(nil), sample[:size]...)
				copy(data[at:], n.word)
				for _, from := range []int{0, at / 2, at} {
					want := naiveNextHit(data, from)
					got := s.Next(data, from)
					if got != want {
						t.Fatalf("%q at %d of %d bytes, from %d: got %d, want %d", n.word, at, size, from, got, want)
					}
				}
				if got := s.Next(data, at+1); got != naiveNextHit(data, at+1) {
					t.Fatalf("%q at %d of %d bytes, from %d: got %d, want %d", n.word, at, size, at+1, got, naiveNextHit(data, at+1))
				}
			}
		}
	}
}

// TestPairScanEqualsGroupScan: the vector scan and the IndexByte groups
// give the same model.
func TestPairScanEqualsGroupScan(t *testing.T) {
	for _, style := range []string{"raw", "syslog", "ctime"} {
		data, _ := genLog(2<<20, 128<<10, style)
		vec, err := Parse(bytes.NewReader(data), "gen.log")
		if err != nil {
			t.Fatal(err)
		}
		forceGroupScan = true
		grp, err := Parse(bytes.NewReader(data), "gen.log")
		forceGroupScan = false
		if err != nil {
			t.Fatal(err)
		}
		if a, b := dumpKernelLog(vec), dumpKernelLog(grp); a != b {
			t.Errorf("%s: vector and group scans differ: %s", style, firstDiff(a, b))
		}
	}
}

// TestReadAheadEqualsSyncRead: reading the next block on a goroutine (which
// also lists its needles) cuts the blocks at the same places as reading in
// line, short reads included, and gives the model of decoding every line;
// every kill of a log several blocks long is found.
func TestReadAheadEqualsSyncRead(t *testing.T) {
	for _, style := range []string{"raw", "syslog"} {
		data, kills := genLog(3*blockSize+12345, 1<<20, style)
		parse := func(flag *bool) *KernelLog {
			t.Helper()
			if flag != nil {
				*flag = true
				defer func() { *flag = false }()
			}
			kl, err := Parse(iotest.HalfReader(bytes.NewReader(data)), "gen.log")
			if err != nil {
				t.Fatal(err)
			}
			return kl
		}
		ahead := parse(nil)
		want := dumpKernelLog(ahead)
		for name, flag := range map[string]*bool{"in-line reads": &forceSyncRead, "live scan": &forceLiveScan} {
			if got := dumpKernelLog(parse(flag)); got != want {
				t.Errorf("%s: read-ahead and %s differ: %s", style, name, firstDiff(want, got))
			}
		}
		full := parse(&forceFullDecode)
		ahead.Clock, full.Clock, ahead.Last, full.Last = nil, nil, nil, nil
		if a, b := dumpKernelLog(ahead), dumpKernelLog(full); a != b {
			t.Errorf("%s: read-ahead and full decode differ: %s", style, firstDiff(a, b))
		}
		n := 0
		for _, r := range ahead.Reports {
			n += len(r.Kills)
		}
		if n != kills || ahead.Lines != bytes.Count(data, []byte{'\n'}) {
			t.Errorf("%s: %d kills, %d lines; want %d kills, %d lines", style, n, ahead.Lines, kills, bytes.Count(data, []byte{'\n'}))
		}
	}
}
