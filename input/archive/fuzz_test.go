package archive

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"testing"
)

// FuzzOpenReader feeds arbitrary bytes to the archive reader: it must never
// panic, never exceed its caps, and any tree it returns must be walkable
// and readable.
func FuzzOpenReader(f *testing.F) {
	top := makeTar(f, dirEntries(f, bundleDir, "sosreport-node1"))
	f.Add(top)
	f.Add(gz(f, top))
	f.Add(xzc(f, top))
	f.Add(zstdc(f, top))
	f.Add(makeZip(f, dirEntries(f, bundleDir, "")))
	f.Add(makeTar(f, []entry{
		{name: "a/../../x", typ: tar.TypeReg, data: []byte("x")},
		{name: "l", typ: tar.TypeSymlink, linkname: "../../etc/passwd"},
		{name: "h", typ: tar.TypeLink, linkname: "l"},
		{name: "inner.tar", typ: tar.TypeReg, data: makeTar(f, []entry{{name: "v", typ: tar.TypeReg, data: []byte("v")}})},
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{MaxMemberBytes: 1 << 20, MaxTotalBytes: 8 << 20, MaxKeptBytes: 4 << 20, RatioFloor: 1 << 20}
		m, info, err := OpenReader(bytes.NewReader(data), "fuzz", opts)
		if err != nil {
			return
		}
		if info.KeptBytes > opts.MaxKeptBytes || info.UnpackedBytes > opts.MaxTotalBytes+(1<<20) {
			t.Fatalf("caps exceeded: kept %d, unpacked %d", info.KeptBytes, info.UnpackedBytes)
		}
		fs.WalkDir(m, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if !d.IsDir() {
				fs.ReadFile(m, p) // may fail (dangling link) but must not panic
			}
			return nil
		})
	})
}
