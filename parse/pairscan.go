package parse

// Vector vocabulary scan (see the file comment of kernel.go): every needle
// is found through one byte pair of it (two adjacent bytes, the rarest pair
// of the needle in the head of the file). pairScanAVX2 compares 64 bytes at
// a time against all pairs at once, so the block is read once whatever the
// number of needles, and a candidate is only reported where a whole pair
// matches (far rarer than one anchor byte). Each needle of that pair is then
// compared in full.

const maxPairs = 32

// pairTab is the pair table in the layout pairscan_amd64.s reads: pair k is
// a[k] (its first byte, repeated 32 times) and b[k] (its second byte).
type pairTab struct {
	a [maxPairs][32]byte
	b [maxPairs][32]byte
	n int
}

// pairNeedle is a needle and the offset of its pair in it.
type pairNeedle struct {
	word []byte
	off  int
}

// pairScanner finds vocabulary needles through their pairs.
type pairScanner struct {
	tab   pairTab
	first [maxPairs]byte
	secnd [maxPairs]byte
	// byPair[k] is the needles found through pair k.
	byPair [maxPairs][]pairNeedle
	// isFirst marks the first bytes of the pairs (scalar tail check).
	isFirst [256]bool
}

// newPairScanner picks a pair for every needle from the byte-pair counts of
// sample, or returns nil when the vocabulary needs more than maxPairs pairs.
func newPairScanner(sample []byte) *pairScanner {
	counts := make([]int32, 1<<16)
	for i := 0; i+1 < len(sample); i++ {
		counts[int(sample[i])<<8|int(sample[i+1])]++
	}
	s := &pairScanner{}
	find := func(a, b byte) int {
		for k := 0; k < s.tab.n; k++ {
			if s.first[k] == a && s.secnd[k] == b {
				return k
			}
		}
		return -1
	}
	for _, n := range vocabulary {
		w := n.word
		best := 0
		for j := 1; j+1 < len(w); j++ {
			if counts[int(w[j])<<8|int(w[j+1])] < counts[int(w[best])<<8|int(w[best+1])] {
				best = j
			}
		}
		// Reuse a pair already in the table when it is nearly as rare: one
		// pair fewer in the vector loop costs less than a few more candidates.
		bc := int(counts[int(w[best])<<8|int(w[best+1])])
		for j := 0; j+1 < len(w); j++ {
			if find(w[j], w[j+1]) >= 0 && int(counts[int(w[j])<<8|int(w[j+1])]) <= 4*bc+len(sample)>>14 {
				best = j
				break
			}
		}
		k := find(w[best], w[best+1])
		if k < 0 {
			if s.tab.n == maxPairs {
				return nil
			}
			k = s.tab.n
			s.tab.n++
			s.first[k], s.secnd[k] = w[best], w[best+1]
			for i := range s.tab.a[k] {
				s.tab.a[k][i], s.tab.b[k][i] = w[best], w[best+1]
			}
			s.isFirst[w[best]] = true
		}
		s.byPair[k] = append(s.byPair[k], pairNeedle{word: w, off: best})
	}
	return s
}

// nextHit returns the start of the first needle that starts at or after
// from, or -1.
func (s *pairScanner) nextHit(data []byte, from int) int {
	i := from
	for i+1 < len(data) {
		pos, scanned := pairScanAVX2(data[i:], &s.tab)
		if pos < 0 {
			// scalar tail: fewer than 65 bytes left
			pos = -1
			for j := i + scanned; j+1 < len(data); j++ {
				if s.isFirst[data[j]] && s.candidate(data, j) {
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

// candidate reports whether a pair of the table is at data[at:at+2].
func (s *pairScanner) candidate(data []byte, at int) bool {
	return s.pairAt(data, at) >= 0
}

func (s *pairScanner) pairAt(data []byte, at int) int {
	for k := 0; k < s.tab.n; k++ {
		if data[at] == s.first[k] && data[at+1] == s.secnd[k] {
			return k
		}
	}
	return -1
}

// verify compares the needles of the pair at data[at:] in full and returns
// the start of the one found (at or after from), or -1.
func (s *pairScanner) verify(data []byte, at, from int) int {
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
