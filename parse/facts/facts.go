// Package facts holds what every parser's facts carry: the source line they
// were read from (Ref), a line kept verbatim (Quote) and a per-line problem
// (Warning). It imports nothing of oomlens, so that every stage can use it.
package facts

import (
	"bytes"
	"strings"
)

// Ref names one source line: a bundle-relative, '/'-separated path and a
// 1-based line number.
type Ref struct {
	Path string `json:"path"`
	Line int    `json:"line"`
}

// Quote is a source line kept verbatim (after the line prefix has been
// decoded the full raw text is still kept here) so that reports can show
// evidence excerpts without reopening files.
type Quote struct {
	Ref
	Text string `json:"text"`
}

// Warning is a per-line problem: data, not an abort.
type Warning struct {
	Ref
	Message string `json:"message"`
}

// ForLines calls fn for every line of data with its 1-based number; a
// trailing "\r" is dropped. The last line need not end in "\n".
func ForLines(data []byte, fn func(n int, line string)) int {
	n := 0
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		n++
		fn(n, strings.TrimSuffix(string(line), "\r"))
	}
	return n
}
