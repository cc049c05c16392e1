package kernel_test

import (
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kernel"
)

// FuzzKernelLogFromMember: an archive member parsed as it streams gives
// the model of reading it whole, gzip-compressed or not, and only when its
// head looks like a kernel log.
func FuzzKernelLogFromMember(f *testing.F) {
	for _, in := range kernel.FuzzSeeds(f) {
		f.Add(in, false)
		f.Add(in, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, compress bool) {
		member := data
		if compress {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(data)
			zw.Close()
			member = buf.Bytes()
		}
		kl, ok, err := parse.KernelLogFromMember("m", bytes.NewReader(member))
		gzipMagic := len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b
		if err != nil {
			if !compress && !gzipMagic {
				t.Fatalf("error for a member that is not gzip: %v", err)
			}
			return // gzip magic, not a gzip stream: the input's problem
		}
		if !compress && gzipMagic {
			return // read as the gzip stream it claims to be
		}
		_, want := kernel.Sniff(data[:min(len(data), parse.SniffHead)])
		if ok != want {
			t.Fatalf("KernelLogFromMember ok = %v, Sniff of the head = %v", ok, want)
		}
		if !ok {
			return
		}
		whole, err := kernel.Parse(bytes.NewReader(data), "m")
		if err != nil {
			t.Fatal(err)
		}
		if a, b := kernel.DumpKernelLog(whole), kernel.DumpKernelLog(kl); a != b {
			t.Fatalf("streamed member differs from the whole file: %s", kernel.FirstDiff(a, b))
		}
	})
}
