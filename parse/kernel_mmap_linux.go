package parse

// Reading a large regular file through memory maps instead of read(2).
//
// read(2) copies every byte from the page cache into our buffer: on a warm
// 1 GiB log that copy is about a fifth of the whole run's CPU time, spent in
// the kernel. Mapping the file lets the scan read the page cache in place.
// The file is mapped one window at a time (the blockSize bytes from the first
// line not yet processed, mapped from the page boundary below it), and each
// window is unmapped once its lines are processed, so the resident set holds
// at most two windows (the one being decoded and the one the read-ahead
// goroutine maps and scans for needles) whatever the file size. Windows are
// cut after their last newline exactly where the read path cuts its blocks,
// so both give the same model (TestMappedEqualsRead).
//
// A file truncated while it is mapped makes the kernel send SIGBUS on the
// pages past its new end; debug.SetPanicOnFault turns that into a panic of
// the goroutine that touched the page, recovered here as a read error.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
)

// mapMinSize is the smallest file read through maps (smaller files cost
// more to map than to copy); mapWindow is the size of one map. Tests
// lower both to cross many window edges.
var (
	mapMinSize = int64(2 * blockSize)
	mapWindow  = blockSize
)

// testHookWindow, when set, runs before window i is decoded (tests
// truncate the file there).
var testHookWindow func(i int)

// mappable returns the open regular file behind f, and its size, when it
// is large enough to be read through maps.
func mappable(f any) (*os.File, int64, bool) {
	if forceSyncRead {
		return nil, 0, false
	}
	var of *os.File
	switch v := f.(type) {
	case *os.File:
		of = v
	case interface{ OSFile() *os.File }:
		of = v.OSFile()
	default:
		return nil, 0, false
	}
	if of == nil {
		return nil, 0, false
	}
	st, err := of.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() < mapMinSize {
		return nil, 0, false
	}
	return of, st.Size(), true
}

// kernelLogFromFile is KernelLogFrom(r, path) where src is the file r
// reads (nil if r decompresses or r is not a file): a large regular file is
// read through memory maps instead of r.
func kernelLogFromFile(src any, r io.Reader, path string) (*KernelLog, error) {
	of, size, ok := mappable(src)
	if !ok {
		return KernelLogFrom(r, path)
	}
	p := newKParser(path)
	if err := p.runMapped(of, size); errors.Is(err, errNoMap) {
		// A file system that cannot map files: read it.
		return KernelLogFrom(r, path)
	} else if err != nil {
		return nil, err
	}
	return p.finish(), nil
}

// window is one mapped part of the file: data starts at the first byte
// not yet processed and ends after its last complete line (or at the end
// of the file).
type window struct {
	mapping []byte // as returned by mmap (nil: nothing mapped)
	data    []byte
	next    int64 // file offset just after data
	cut     bool  // data is the head of a line longer than maxLineLen
	hits    []int // needle starts in data, or nil (not listed)
	err     error
}

func (w *window) unmap() {
	if w.mapping != nil {
		_ = syscall.Munmap(w.mapping)
		w.mapping, w.data = nil, nil
	}
}

var (
	errShrank = errors.New("the file shrank while it was read")
	errNoMap  = errors.New("the file cannot be mapped")
)

// faultErr converts a recovered memory fault (SIGBUS on a page past the
// end of a truncated file) into errShrank, and re-panics anything else.
func faultErr(r any) error {
	if re, ok := r.(runtime.Error); ok {
		if _, ok := r.(interface{ Addr() uintptr }); ok {
			return fmt.Errorf("%w (%v)", errShrank, re)
		}
	}
	panic(r)
}

// mapAt maps the window that starts at file offset pos. It returns a
// window with no data at the end of the file.
func mapAt(f *os.File, size, pos int64) (w window) {
	if pos >= size {
		return window{next: pos}
	}
	page := int64(os.Getpagesize())
	base := pos &^ (page - 1)
	// data is file[pos:pos+mapWindow] cut after its last newline: the
	// same blocks as the read path's, so both give the same model.
	win := int64(mapWindow)
	// No MAP_POPULATE: mapping every page up front cost as much as
	// read(2)'s copy; the scan's page faults map 16 pages at a time.
	for {
		end := min(pos+win, size)
		m, err := syscall.Mmap(int(f.Fd()), base, int(end-base), syscall.PROT_READ, syscall.MAP_SHARED)
		if err != nil {
			return window{err: fmt.Errorf("mmap: %w", err)}
		}
		w = window{mapping: m, data: m[pos-base:], next: end}
		if end == size {
			return w
		}
		if last := bytes.LastIndexByte(w.data, '\n'); last >= 0 {
			w.data = w.data[:last+1]
			w.next = pos + int64(last) + 1
			return w
		}
		if int64(len(w.data)) >= maxLineLen {
			// One line longer than maxLineLen: its head is processed, the
			// rest skipped (the read path does the same).
			w.data = w.data[:maxLineLen]
			w.cut = true
			w.next, w.err = skipLine(f, pos+maxLineLen, size)
			return w
		}
		w.unmap()
		win *= 2 // the read path doubles its buffer the same way
	}
}

// skipLine returns the offset just after the first newline at or after
// from (size if there is none).
func skipLine(f *os.File, from, size int64) (int64, error) {
	buf := make([]byte, 64<<10)
	for from < size {
		n, err := f.ReadAt(buf, from)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return from + int64(i) + 1, nil
		}
		from += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return from, err
		}
	}
	return size, nil
}

// runMapped is run for a regular file of the given size: each window is
// mapped (and its needles listed) by a goroutine while the previous one is
// decoded.
func (p *kParser) runMapped(f *os.File, size int64) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	var cur window
	done := make(chan window, 1)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("read %s: %w", p.path, faultErr(r))
		}
		cur.unmap()
		p.prevLine.text = nil
	}()
	pending := false // a goroutine is mapping the next window
	defer func() {
		if pending {
			w := <-done
			w.unmap()
		}
	}()
	cur = mapAt(f, size, 0)
	if cur.err != nil && cur.data == nil {
		return fmt.Errorf("%w: %w", errNoMap, cur.err)
	}
	lineNo, first := 1, true
	var hitBufs [2][]int
	turn := 0
	for i := 0; ; i++ {
		if cur.err != nil && cur.data == nil {
			return fmt.Errorf("read %s: %w", p.path, cur.err)
		}
		if cur.data == nil {
			break
		}
		if cur.cut {
			p.warn(lineNo, "line longer than %d bytes cut", maxLineLen)
		}
		if testHookWindow != nil {
			testHookWindow(i)
		}
		p.setupScan(cur.data)
		more := cur.next < size && cur.err == nil
		if more {
			pending = true
			scan, hb, next := p.pairs, hitBufs[turn], cur.next
			go func() {
				var w window
				defer func() {
					if r := recover(); r != nil {
						w.unmap()
						w = window{err: faultErr(r)}
					}
					done <- w
				}()
				old := debug.SetPanicOnFault(true)
				defer debug.SetPanicOnFault(old)
				w = mapAt(f, size, next)
				if scan != nil && !forceLiveScan && w.data != nil {
					w.hits = scan.allHits(w.data, hb[:0])
				}
			}()
		}
		p.hits = cur.hits
		lineNo = p.processBlock(cur.data, lineNo, first)
		first = false
		p.prevLine.text = nil // it pointed into the window
		readErr := cur.err
		cur.unmap()
		if !more {
			if readErr != nil {
				return fmt.Errorf("read %s: %w", p.path, readErr)
			}
			break
		}
		cur, pending = <-done, false
		if cur.hits != nil {
			hitBufs[turn] = cur.hits
			turn = 1 - turn
		}
	}
	p.lineNo = lineNo - 1
	return nil
}
