// Package pairscan is the kernel parser's vector vocabulary scan (see the
// file comment of parse/kernel/kernel.go): every needle is found through
// one byte pair of it (two adjacent bytes; the pairs are chosen from the
// head of the file). pairScanAVX2 looks at 32 positions at a time and
// tests all pairs at once with nibble lookup tables (the "Teddy" technique
// of Hyperscan and Rust's aho-corasick), so the block is read once whatever
// the number of needles. Each pair has a bit of its own in the tables, so a
// position is reported exactly when a pair of the table is there; each
// needle of that pair is then compared in full.
//
//	s := pairscan.New(head, [][]byte{[]byte("invoked oom-k"), []byte("Kill")})
//	at := s.Next(block, 0) // start of the first needle, or -1
package pairscan

import (
	"bytes"
	"slices"
)

const maxPairs = 32

// pairTab is the pair table in the layout pairscan_amd64.s reads: pairs
// are in sets of 8, pair k is bit k%8 of set k/8, and t[set] holds the four
// nibble tables lo1, hi1 (first byte), lo2, hi2 (second byte), each 16
// bytes repeated in both 128-bit lanes.
type pairTab struct {
	t     [maxPairs / 8][4][32]byte
	nsets int
}

// pairNeedle is a needle and the offset of its pair in it.
type pairNeedle struct {
	word []byte
	off  int
}

// Scanner finds vocabulary needles through their pairs.
type Scanner struct {
	tab   pairTab
	n     int // pairs
	first [maxPairs]byte
	secnd [maxPairs]byte
	// byPair[k] is the needles found through pair k.
	byPair [maxPairs][]pairNeedle
	// slot[a<<8|b] is 1+k for pair k = (a, b), 0 for other byte pairs.
	slot []uint8
}

// pairCostHits is what one more pair costs, in candidate positions per MiB
// scanned (more pairs: more false candidates, and a second set of 8 costs
// about 50 ms per GiB).
const pairCostHits = 400

// New picks the pairs for the needles words from the byte-pair counts of sample
// (greedy weighted set cover: the pair covering most needles not yet
// covered per cost of one more pair plus its expected candidates) and gives
// each needle to its rarest chosen pair. It returns nil when the vocabulary
// would need more than maxPairs pairs.
func New(sample []byte, words [][]byte) *Scanner {
	counts := make([]int32, 1<<16)
	for i := 0; i+1 < len(sample); i++ {
		counts[int(sample[i])<<8|int(sample[i+1])]++
	}
	key := func(w []byte, j int) int { return int(w[j])<<8 | int(w[j+1]) }
	pairCost := float64(pairCostHits) * float64(len(sample)+1) / float64(1<<20)
	covered := make([]bool, len(words))
	chosen := map[int]bool{}
	for {
		best, bestScore := -1, 0.0
		for i, w := range words {
			if covered[i] {
				continue
			}
			for j := 0; j+1 < len(w); j++ {
				k := key(w, j)
				if chosen[k] {
					continue
				}
				cover := 0
				for i2, w2 := range words {
					if !covered[i2] && bytes.Contains(w2, w[j:j+2]) {
						cover++
					}
				}
				score := float64(cover) / (pairCost + float64(counts[k]))
				if best < 0 || score > bestScore || score == bestScore && k < best {
					best, bestScore = k, score
				}
			}
		}
		if best < 0 {
			break
		}
		chosen[best] = true
		for i, w := range words {
			if bytes.Contains(w, []byte{byte(best >> 8), byte(best)}) {
				covered[i] = true
			}
		}
	}
	s := &Scanner{slot: make([]uint8, 1<<16)}
	slot := map[int]int{}
	for _, w := range words {
		at := -1
		for j := 0; j+1 < len(w); j++ {
			if chosen[key(w, j)] && (at < 0 || counts[key(w, j)] < counts[key(w, at)]) {
				at = j
			}
		}
		k, ok := slot[key(w, at)]
		if !ok {
			if s.n == maxPairs {
				return nil
			}
			k = s.n
			s.n++
			slot[key(w, at)] = k
			s.first[k], s.secnd[k] = w[at], w[at+1]
			s.tab.nsets = k/8 + 1
			t, bit := &s.tab.t[k/8], byte(1)<<(k%8)
			a, b := w[at], w[at+1]
			for lane := 0; lane < 32; lane += 16 {
				t[0][lane+int(a&15)] |= bit
				t[1][lane+int(a>>4)] |= bit
				t[2][lane+int(b&15)] |= bit
				t[3][lane+int(b>>4)] |= bit
			}
			s.slot[int(a)<<8|int(b)] = uint8(k + 1)
		}
		s.byPair[k] = append(s.byPair[k], pairNeedle{word: w, off: at})
	}
	return s
}

// Next returns the start of the first needle that starts at or after
// from, or -1.
func (s *Scanner) Next(data []byte, from int) int {
	i := from
	for i+1 < len(data) {
		pos, scanned := pairScanAVX2(data[i:], &s.tab)
		if pos < 0 {
			// scalar tail: fewer than 33 bytes left
			pos = -1
			for j := i + scanned; j+1 < len(data); j++ {
				if s.pairAt(data, j) >= 0 {
					pos = j - i
					break
				}
			}
			if pos < 0 {
				return -1
			}
		}
		at := i + pos
		if st := s.verify(data, at, from); st >= 0 {
			return st
		}
		i = at + 1
	}
	return -1
}

// pairAt returns k when pair k of the table is at data[at:at+2], else -1.
func (s *Scanner) pairAt(data []byte, at int) int {
	return int(s.slot[int(data[at])<<8|int(data[at+1])]) - 1
}

// verify compares the needles of the pair at data[at:] in full and returns
// the start of the one found (at or after from), or -1.
func (s *Scanner) verify(data []byte, at, from int) int {
	k := s.pairAt(data, at)
	if k < 0 {
		return -1
	}
	for _, n := range s.byPair[k] {
		st := at - n.off
		if st >= from && st+len(n.word) <= len(data) && string(data[st:st+len(n.word)]) == string(n.word) {
			return st
		}
	}
	return -1
}

// All appends to out[:0] the start of every needle occurrence in data, in
// increasing order (the kernel parser's read-ahead goroutine lists a
// block's needles with it; the scan then takes the first start at or after
// its position, which is on the line Next would find).
func (s *Scanner) All(data []byte, out []int) []int {
	out = out[:0]
	add := func(at int) {
		k := s.pairAt(data, at)
		if k < 0 {
			return
		}
		for _, n := range s.byPair[k] {
			st := at - n.off
			if st >= 0 && st+len(n.word) <= len(data) && string(data[st:st+len(n.word)]) == string(n.word) {
				out = append(out, st)
			}
		}
	}
	i := 0
	for i+1 < len(data) {
		pos, scanned := pairScanAVX2(data[i:], &s.tab)
		if pos < 0 {
			for j := i + scanned; j+1 < len(data); j++ {
				add(j)
			}
			break
		}
		add(i + pos)
		i += pos + 1
	}
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	if out == nil {
		out = []int{}
	}
	return out
}
