//go:build linux || darwin || freebsd

package kernel

import "syscall"

// allocBlock returns a zeroed buffer of n bytes outside the Go heap, and
// the function that releases it. The two full-size read buffers of a
// kernel log live there: as heap objects their 8 MiB would count towards
// the collector's goal (twice the live heap), so a large log's run would
// hold ~8 MiB more garbage than a small one's before each collection.
// Nothing keeps a slice of a block past run (text that is kept is copied).
func allocBlock(n int) ([]byte, func()) {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]byte, n), func() {}
	}
	return b, func() { _ = syscall.Munmap(b) }
}
