//go:build !linux

package parse

import "io"

// kernelLogFromFile is KernelLogFrom: files are not mapped on this system.
func kernelLogFromFile(src any, r io.Reader, path string) (*KernelLog, error) {
	return KernelLogFrom(r, path)
}
