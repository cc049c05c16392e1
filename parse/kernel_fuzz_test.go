package parse

import (
	"bytes"
	"os"
	"path/filepath"
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
		kl, err := KernelLogFrom(bytes.NewReader(line), "f")
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, kl, line)
	})
}

// FuzzKernelLog feeds whole logs: no panic, parsing twice gives equal
// results, every warning has a line, every kill's Ref is a kill line.
func FuzzKernelLog(f *testing.F) {
	for _, in := range fuzzSeeds(f) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kl, err := KernelLogFrom(bytes.NewReader(data), "f")
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, kl, data)
		SniffKernelLog(data)
	})
}
