package parse

import (
	"errors"
	"io"
)

// KernelLogFrom reads one kernel or system log (any prefix form, see
// kernel-oom-formats §3) and assembles its OOM reports and related events.
// Only an I/O failure is an error; per-line problems are Warnings.
// (Stub: owned by the kernel-log work.)
func KernelLogFrom(r io.Reader, path string) (*KernelLog, error) {
	return nil, errors.New("KernelLogFrom: not implemented yet")
}

// SniffKernelLog reports whether head (the first bytes of a file) looks like
// a kernel or system log, and its dominant line-prefix format.
func SniffKernelLog(head []byte) (format string, ok bool) { return "", false }
