//go:build !(linux || darwin || freebsd)

package parse

// allocBlock returns a heap buffer of n bytes (see blockbuf_unix.go).
func allocBlock(n int) ([]byte, func()) { return make([]byte, n), func() {} }
