package kernel

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
)

// mappedLog writes data to a file and parses it through maps (every file
// size is mapped) and through reads.
func mappedLog(t *testing.T, data []byte) (mapped, read *KernelLog) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kern.log")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(m int64) { mapMinSize = m }(mapMinSize)
	mapMinSize = 1
	open := func() *os.File {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	if _, _, ok := mappable(open()); !ok {
		t.Fatal("a regular file is not mappable")
	}
	f := open()
	mapped, err := ParseFile(f, f, "kern.log")
	if err != nil {
		t.Fatal(err)
	}
	read, err = Parse(open(), "kern.log")
	if err != nil {
		t.Fatal(err)
	}
	return mapped, read
}

// TestMappedEqualsRead: a file read through maps gives the model read(2)
// gives: windows are cut where blocks are, lines longer than a window
// double it, the last line may lack its newline.
func TestMappedEqualsRead(t *testing.T) {
	for _, style := range []string{"raw", "ctime", "syslog"} {
		data, kills := genLog(3*blockSize+12345, 1<<20, style)
		mapped, read := mappedLog(t, data)
		if a, b := dumpKernelLog(read), dumpKernelLog(mapped); a != b {
			t.Errorf("%s: mapped and read differ: %s", style, firstDiff(a, b))
		}
		n := 0
		for _, r := range mapped.Reports {
			n += len(r.Kills)
		}
		if n != kills || mapped.Lines != bytes.Count(data, []byte{'\n'}) {
			t.Errorf("%s: %d kills, %d lines; want %d kills, %d lines", style, n, mapped.Lines, kills, bytes.Count(data, []byte{'\n'}))
		}
	}
	// A line longer than a block and a file without a final newline.
	data, _ := genLog(blockSize+777, 1<<20, "raw")
	long := "[  200.000001] audit: " + strings.Repeat("x", blockSize+4096) + "\n"
	data = append(append(data[:blockSize/2], long...), data[blockSize/2:len(data)-1]...)
	mapped, read := mappedLog(t, data)
	if a, b := dumpKernelLog(read), dumpKernelLog(mapped); a != b {
		t.Errorf("long line: mapped and read differ: %s", firstDiff(a, b))
	}
}

// TestMappedSmallWindows: with windows of a few pages the edges fall
// everywhere, and every kill and line is still found.
func TestMappedSmallWindows(t *testing.T) {
	defer func(w int) { mapWindow = w }(mapWindow)
	mapWindow = 3 * os.Getpagesize()
	data, kills := genLog(1<<20, 128<<10, "syslog")
	mapped, _ := mappedLog(t, data)
	n := 0
	for _, r := range mapped.Reports {
		n += len(r.Kills)
	}
	if n != kills || mapped.Lines != bytes.Count(data, []byte{'\n'}) {
		t.Errorf("%d kills, %d lines; want %d kills, %d lines", n, mapped.Lines, kills, bytes.Count(data, []byte{'\n'}))
	}
}

// TestMappedFileShrinks: a file truncated while it is mapped is a read
// error naming it, not a crash (SIGBUS on the pages past its new end).
func TestMappedFileShrinks(t *testing.T) {
	defer func(w int, m int64) { mapWindow, mapMinSize = w, m }(mapWindow, mapMinSize)
	mapWindow, mapMinSize = 4*os.Getpagesize(), 1
	data, _ := genLog(1<<20, 256<<10, "raw")
	path := filepath.Join(t.TempDir(), "kern.log")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	testHookWindow = func(i int) {
		if i == 2 {
			if err := os.Truncate(path, 0); err != nil {
				t.Error(err)
			}
		}
	}
	defer func() { testHookWindow = nil }()
	kl, err := ParseFile(f, f, "kern.log")
	if !errors.Is(err, errShrank) || !strings.Contains(err.Error(), "kern.log") {
		t.Fatalf("ParseFile after truncation = %v, %v; want an errShrank naming the file", kl != nil, err)
	}
}

var faultSink int

// TestFaultErrKeepsBugs: a memory fault with an address (here a read
// through a window already unmapped: a bug) is taken for a shrunk file
// only when the file did shrink, and stays a panic otherwise.
func TestFaultErrKeepsBugs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kern.log")
	if err := os.WriteFile(path, make([]byte, 8192), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var fault any
	func() {
		defer func() { fault = recover() }()
		old := debug.SetPanicOnFault(true)
		defer debug.SetPanicOnFault(old)
		m, err := syscall.Mmap(int(f.Fd()), 0, 8192, syscall.PROT_READ, syscall.MAP_SHARED)
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Munmap(m); err != nil {
			t.Fatal(err)
		}
		faultSink = int(m[4096])
	}()
	if _, ok := fault.(interface{ Addr() uintptr }); !ok {
		t.Fatalf("recovered %v, want a fault with an address", fault)
	}
	if fault == nil {
		t.Fatal("no fault recovered")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a nil dereference on an unchanged file was taken for a shrunk file")
			}
		}()
		faultErr(fault, f, 8192)
	}()
	if err := os.Truncate(path, 100); err != nil {
		t.Fatal(err)
	}
	if err := faultErr(fault, f, 8192); !errors.Is(err, errShrank) {
		t.Errorf("after truncation: %v, want errShrank", err)
	}
}
