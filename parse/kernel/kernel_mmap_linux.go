package kernel

// Reading a large regular file through memory maps instead of read(2).
//
// read(2) copies every byte from the page cache into our buffer: on a warm
// 1 GiB log that copy is about a fifth of the whole run's CPU time, spent in
// the kernel. Mapping the file lets the scan read the page cache in place.
// The file is mapped one window at a time (the blockSize bytes from the first
// line not yet processed, mapped from the page boundary below it), and each
// window is unmapped once its lines are processed, so the resident set holds
// 1+mapAhead windows (the one being decoded and the next, whose needles a
// goroutine lists meanwhile) whatever the file size. Windows are
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

// ParseFile is Parse(r, path) where src is the file r
// reads (nil if r decompresses or r is not a file): a large regular file is
// read through memory maps instead of r.
func ParseFile(src any, r io.Reader, path string) (*KernelLog, error) {
	of, size, ok := mappable(src)
	if !ok {
		return Parse(r, path)
	}
	p := newKParser(path)
	if err := p.runMapped(of, size); errors.Is(err, errNoMap) {
		// A file system that cannot map files: read it.
		return Parse(r, path)
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

// faultErr converts a recovered memory fault into errShrank when f is
// now shorter than size (SIGBUS on a page past the end of a truncated
// file), and re-panics anything else: with SetPanicOnFault a nil pointer
// dereference is a fault too, and a bug must stay a bug.
func faultErr(r any, f *os.File, size int64) error {
	if re, ok := r.(runtime.Error); ok {
		if _, ok := r.(interface{ Addr() uintptr }); ok {
			if st, err := f.Stat(); err == nil && st.Size() < size {
				return fmt.Errorf("%w (%v)", errShrank, re)
			}
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

// mapAhead is how many windows past the one being decoded are mapped and
// scanned on goroutines. The windows are cut in order on the decoding
// goroutine (a window starts after the previous one's last newline;
// finding it touches only the tail page) and their needle scans, which
// read every page, run beside it. Measured on a folder of four 1 GiB logs:
// 1 and 2 gave the same two-core speed-up (1.75x), 2 cost a third window
// of memory and ran a single log slower (concurrent page faults), 3 was
// slower still.
const mapAhead = 1

// pendingWindow is a mapped window whose needle scan may still run.
type pendingWindow struct {
	w    window
	hits []int      // written by the scan: read only after done
	done chan error // the scan's fault, if any; closed when the scan ends
}

// runMapped is run for a regular file of the given size: the windows
// after the current one are mapped (mapAhead of them) and their needles
// listed on goroutines while the current one is decoded.
func (p *kParser) runMapped(f *os.File, size int64) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	var queue []*pendingWindow
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("read %s: %w", p.path, faultErr(r, f, size))
		}
		for _, pw := range queue {
			<-pw.done
			pw.w.unmap()
		}
		p.prevLine.text = nil
	}()
	first := mapAt(f, size, 0)
	if first.err != nil && first.data == nil {
		return fmt.Errorf("%w: %w", errNoMap, first.err)
	}
	p.setupScan(first.data)
	scan := p.pairs
	if forceLiveScan {
		scan = nil
	}
	var spareHits [][]int // hit lists of decoded windows, reused by scans
	// push maps the window after the last queued one and starts its scan.
	push := func(w window) {
		pw := &pendingWindow{w: w, done: make(chan error, 1)}
		queue = append(queue, pw)
		if scan == nil || w.data == nil {
			close(pw.done)
			return
		}
		data := w.data
		var out []int
		if n := len(spareHits); n > 0 {
			out, spareHits = spareHits[n-1], spareHits[:n-1]
		}
		go func() {
			defer close(pw.done)
			defer func() {
				if r := recover(); r != nil {
					pw.done <- faultErr(r, f, size)
				}
			}()
			old := debug.SetPanicOnFault(true)
			defer debug.SetPanicOnFault(old)
			pw.hits = scan.All(data, out)
		}()
	}
	more := func() bool {
		last := &queue[len(queue)-1].w
		return last.data != nil && last.err == nil && last.next < size
	}
	queue = append(queue, &pendingWindow{w: first, done: closedErr})
	lineNo, isFirst := 1, true
	for i := 0; len(queue) > 0; i++ {
		for len(queue) <= mapAhead && more() {
			push(mapAt(f, size, queue[len(queue)-1].w.next))
		}
		pw := queue[0]
		if ferr := <-pw.done; ferr != nil {
			return fmt.Errorf("read %s: %w", p.path, ferr)
		}
		cur := pw.w
		cur.hits = pw.hits
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
		p.hits = cur.hits
		lineNo = p.processBlock(cur.data, lineNo, isFirst)
		isFirst = false
		p.prevLine.text = nil // it pointed into the window
		queue = queue[1:]
		pw.w.unmap()
		if cur.hits != nil {
			spareHits = append(spareHits, cur.hits[:0])
		}
		if cur.err != nil {
			return fmt.Errorf("read %s: %w", p.path, cur.err)
		}
	}
	p.lineNo = lineNo - 1
	return nil
}

// closedErr is a closed channel: a window that needs no scan.
var closedErr = func() chan error {
	c := make(chan error)
	close(c)
	return c
}()
