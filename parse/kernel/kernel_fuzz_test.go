package kernel

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"golang.org/x/tools/txtar"
)

// fuzzSeeds returns the inputs of the txtar cases.
func fuzzSeeds(f *testing.F) [][]byte {
	files, _ := filepath.Glob("testdata/kernel/*.txtar")
	var out [][]byte
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range txtar.Parse(data).Files {
			if s.Name == "input" {
				out = append(out, unescapeInput(s.Data))
			}
		}
	}
	if len(out) == 0 {
		f.Fatal("no seeds")
	}
	return out
}

// FuzzKernelLine feeds single lines (every line of every case) through the
// whole parser: no panic, deterministic, refs inside the input.
func FuzzKernelLine(f *testing.F) {
	for _, in := range fuzzSeeds(f) {
		for _, l := range bytes.Split(in, []byte{'\n'}) {
			f.Add(l)
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		decodeLine(line, "")
		decodeLine(line, hintJournal)
		kl, err := Parse(bytes.NewReader(line), "f")
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, kl, line)
		checkCacheAgrees(t, line)
	})
}

// FuzzKernelLog feeds whole logs: no panic, parsing twice gives equal
// results, every warning has a line, every kill's Ref is a kill line.
func FuzzKernelLog(f *testing.F) {
	for _, in := range fuzzSeeds(f) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kl, err := Parse(bytes.NewReader(data), "f")
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, kl, data)
		checkCacheAgrees(t, data)
		Sniff(data)
	})
}

// checkCacheAgrees: decoding data's lines in order through one decodeCache
// (as the parser does) gives what decoding each line afresh gives.
func checkCacheAgrees(t *testing.T, data []byte) {
	t.Helper()
	for _, hint := range []string{"", hintJournal} {
		var c decodeCache
		for i, l := range bytes.Split(data, []byte{'\n'}) {
			a := decodeLineCached(l, hint, &c)
			b := decodeLine(l, hint)
			if a.format != b.format || !reflect.DeepEqual(a.stamp.stamp(), b.stamp.stamp()) || !bytes.Equal(a.text, b.text) ||
				a.host != b.host || a.ident != b.ident || a.level != b.level || a.cont != b.cont || a.dict != b.dict ||
				a.marker != b.marker || a.bootID != b.bootID || a.hasRel != b.hasRel || a.relDelta != b.relDelta {
				t.Fatalf("line %d %q (hint %q): cached decode %+v, fresh %+v", i+1, l, hint, a, b)
			}
		}
	}
}
