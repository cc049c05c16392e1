//go:build !linux

package kernel

import "io"

// ParseFile is Parse: files are not mapped on this system.
func ParseFile(src any, r io.Reader, path string) (*KernelLog, error) {
	return Parse(r, path)
}
