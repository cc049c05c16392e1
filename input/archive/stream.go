package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"context"
	"errors"
	"fmt"
	"github.com/oomlens/oomlens/input/sostree"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"strings"
	"time"

	kflate "github.com/klauspost/compress/flate"
	kgzip "github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// walker is the state of one Open: counters shared by every nesting level.
type walker struct {
	opts Options
	info *Info
	path string
	file *countReader
	cur  string // member being read, for errors
	// seekable: the archive is a regular file that can be reopened by path
	seekable bool

	unpacked     int64
	nextProgress int64
	memberBuf    *bufio.Reader
}

const progressStep = 4 << 20

func (w *walker) progress(done bool) {
	if w.opts.Progress == nil {
		return
	}
	w.opts.Progress(Progress{
		Path: w.path, FileBytes: w.info.FileBytes, ReadBytes: w.file.n,
		UnpackedBytes: w.unpacked, Members: w.info.Members, Done: done,
	})
}

func (w *walker) tick() {
	if w.opts.Progress != nil && w.unpacked+w.file.n >= w.nextProgress {
		w.nextProgress = w.unpacked + w.file.n + progressStep
		w.progress(false)
	}
}

func (w *walker) warn(member, format string, args ...any) {
	w.info.Warnings = append(w.info.Warnings, Warning{Member: member, Message: fmt.Sprintf(format, args...)})
}

// countReader counts the archive file's bytes.
type countReader struct {
	r io.Reader
	n int64
	w *walker
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.w.tick()
	return n, err
}

// counter counts bytes consumed by a decompressor.
type counter struct {
	r   io.Reader
	n   int64
	err error // the first read error other than io.EOF
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// guard sits after a decompressor: it counts decompressed bytes against
// the total cap and the ratio cap (in is the compressed byte count, nil to
// skip the ratio test).
type guard struct {
	r   io.Reader
	w   *walker
	in  func() int64
	out int64
}

func (g *guard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.out += int64(n)
	g.w.unpacked += int64(n)
	o := g.w.opts
	if g.w.unpacked > o.MaxTotalBytes {
		return n, fmt.Errorf("more than %d decompressed bytes in all: %w (raise it with --max-bytes)", o.MaxTotalBytes, ErrTooLarge)
	}
	if g.in != nil && g.out > o.RatioFloor {
		if in := g.in(); in > 0 && g.out/in > o.MaxRatio {
			return n, fmt.Errorf("%d bytes from %d compressed: %w of %d:1", g.out, in, ErrBomb, o.MaxRatio)
		}
	}
	g.w.tick()
	return n, err
}

// inCounter returns how to read the compressed byte count for the ratio
// test of the outer stream.
func (w *walker) inCounter(format string) func() int64 {
	return func() int64 {
		if w.file.n == 0 && w.info.FileBytes > 0 { // the system xz reads the file itself
			return w.info.FileBytes
		}
		return w.file.n
	}
}

// decompressor wraps r in the decoder for format. outer allows running the
// system xz on the archive path.
func (w *walker) decompressor(format string, r io.Reader, outer bool) (io.Reader, string, func(), error) {
	nop := func() {}
	switch format {
	case "gzip":
		zr, err := kgzip.NewReader(r)
		if err != nil {
			return nil, "", nop, w.streamErr(err)
		}
		return zr, "github.com/klauspost/compress/gzip", nop, nil
	case "bzip2":
		return bzip2.NewReader(r), "compress/bzip2", nop, nil
	case "zstd":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<30), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, "", nop, w.streamErr(err)
		}
		return zr, "github.com/klauspost/compress/zstd", zr.Close, nil
	case "xz":
		if outer && w.seekable && w.opts.XZ != "go" {
			bin, err := exec.LookPath("xz")
			if err == nil {
				return w.execXZ(bin)
			}
			if w.opts.XZ == "exec" {
				return nil, "", nop, fmt.Errorf("xz: %w", err)
			}
		}
		zr, err := xz.NewReader(r)
		if err != nil {
			return nil, "", nop, w.streamErr(err)
		}
		return zr, "github.com/ulikunitz/xz", nop, nil
	}
	return nil, "", nop, fmt.Errorf("%s: %w", format, ErrNotArchive)
}

// execXZ runs `xz -dc -T0 -- PATH` (a fixed argument list; the path is the only
// variable and comes after --) and returns its standard output.
func (w *walker) execXZ(bin string) (io.Reader, string, func(), error) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-dc", "-T0", "--", w.path)
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, "", func() {}, err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, "", func() {}, err
	}
	// The file is read by xz, not by us: count it as read.
	w.file.n = 0
	r := &execReader{r: out, cmd: cmd, stderr: &stderr}
	return r, "xz -dc -T0 (" + bin + ")", func() { cancel(); r.wait() }, nil
}

// execReader reads a child's stdout and, at EOF, reports its exit status.
type execReader struct {
	r      io.Reader
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   bool
	err    error
}

func (e *execReader) wait() error {
	if !e.done {
		e.done = true
		e.err = e.cmd.Wait()
	}
	return e.err
}

func (e *execReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		if werr := e.wait(); werr != nil {
			msg := strings.TrimSpace(e.stderr.String())
			return n, fmt.Errorf("xz: %s: %w", msg, ErrTruncated)
		}
	}
	return n, err
}

type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		q := p
		if len(q) > l.n {
			q = q[:l.n]
		}
		l.n -= len(q)
		l.w.Write(q)
	}
	return len(p), nil
}

// consumerError is an error returned by Options.Stream: passed on as is.
type consumerError struct{ err error }

func (c consumerError) Error() string { return c.err.Error() }
func (c consumerError) Unwrap() error { return c.err }

// streamErr classifies a decoding error.
func (w *walker) streamErr(err error) error {
	if err == nil {
		return nil
	}
	var ce consumerError
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrBomb) || errors.Is(err, ErrTruncated) || errors.Is(err, ErrEncrypted) || errors.Is(err, ErrTooDeep) || errors.Is(err, ErrNotArchive) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("the stream ends early: %w", ErrTruncated)
	}
	return fmt.Errorf("%v: %w", err, ErrTruncated)
}

// readCapped reads r to the end, failing past max bytes.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, fmt.Errorf("more than %d bytes: %w of one member (raise it with --max-bytes)", max, ErrTooLarge)
	}
	return buf.Bytes(), nil
}

// cleanName turns a member name into a tree path, or explains why it is
// refused: absolute paths and ".." components are never followed.
func cleanName(name string) (string, string) {
	n := strings.TrimPrefix(name, "./")
	for strings.HasPrefix(n, "./") {
		n = strings.TrimPrefix(n, "./")
	}
	if strings.HasPrefix(n, "/") {
		return "", "absolute path; skipped"
	}
	if len(n) >= 2 && n[1] == ':' {
		return "", "drive-letter path; skipped"
	}
	for _, c := range strings.Split(n, "/") {
		if c == ".." {
			return "", "path with \"..\"; skipped"
		}
	}
	n = strings.TrimSuffix(path.Clean(n), "/")
	if n == "." || n == "" {
		return ".", ""
	}
	if !fs.ValidPath(n) {
		return "", "invalid path; skipped"
	}
	return n, ""
}

// level is one archive's tree while it streams (the outer archive, or a
// nested one).
type level struct {
	w       *walker
	fs      *MemFS
	prefix  string // path of this archive inside the outer one, for messages
	top     string // candidate lone top directory
	topOK   bool
	started bool
	mounts  []string // top-level names that came from nested archives

	// A member Want refuses is kept provisionally (loose) until the stream
	// shows sos_commands/: a folder of saved outputs is read whole by the
	// loader, a sosreport only where Want says.
	sos        bool
	loose      []string // tree paths of provisional members
	looseBytes int64
	looseFull  bool
}

// Bounds on provisional members (see level.loose).
const (
	maxLooseFiles = 20000
	maxLooseBytes = 256 << 20
)

// sawSos notes a member under sos_commands/ and drops the provisional
// members: this is a sosreport.
func (l *level) sawSos(name string) {
	if l.sos {
		return
	}
	r := l.rel(name)
	if r != "sos_commands" && !strings.HasPrefix(r, "sos_commands/") {
		return
	}
	l.sos = true
	for _, p := range l.loose {
		n, _, err := l.fs.lookup(p, false)
		if err != nil || !n.loose {
			continue
		}
		if parent := l.parent(p); parent != nil {
			parent.removeChild(path.Base(p))
		}
		l.w.info.Kept--
		l.w.info.KeptBytes -= int64(len(n.data))
	}
	l.loose, l.looseBytes = nil, 0
}

func newLevel(w *walker, prefix string) *level {
	return &level{w: w, fs: newMemFS(), prefix: prefix}
}

// observe tracks whether every member sits under one top directory.
func (l *level) observe(name string, isDir bool) {
	first, _, nested := strings.Cut(name, "/")
	if !l.started {
		l.started = true
		l.top, l.topOK = first, nested || isDir
		return
	}
	if l.topOK && (first != l.top || (!nested && !isDir)) {
		l.topOK = false
	}
}

// rel is name relative to the candidate bundle root: without the lone top
// directory seen so far, unless that directory is itself part of a host
// layout (var/, etc/, …). A member is judged once, as it streams; if a
// later member shows there is no lone top directory, earlier ones were
// judged on their shorter path.
func (l *level) rel(name string) string {
	if l.topOK && !sostree.TopDirs[l.top] {
		if r, ok := strings.CutPrefix(name, l.top+"/"); ok {
			return r
		}
	}
	return name
}

func (l *level) want(name string, size int64) bool {
	return l.w.opts.Want(l.rel(name), size)
}

// parent returns the directory node for name's parent, creating missing
// directories; nil when a non-directory is in the way.
func (l *level) parent(name string) *node {
	cur := l.fs.root
	dir := path.Dir(name)
	if dir == "." {
		return cur
	}
	for _, c := range strings.Split(dir, "/") {
		next := cur.child(c)
		if next == nil {
			next = &node{name: c, mode: fs.ModeDir | 0o755}
			cur.addChild(next)
		}
		if !next.mode.IsDir() {
			return nil
		}
		cur = next
	}
	return cur
}

// put adds n at name; the last of duplicate members wins, with a warning.
func (l *level) put(member, name string, n *node) {
	p := l.parent(name)
	if p == nil {
		l.w.warn(member, "a parent of this path is not a directory; skipped")
		return
	}
	n.name = path.Base(name)
	if old := p.child(n.name); old != nil {
		if old.mode.IsDir() && n.mode.IsDir() {
			old.mode, old.modTime = n.mode, n.modTime
			return
		}
		if old.mode.IsDir() && len(old.kids) > 0 {
			l.w.warn(member, "replaces a directory of the same name; skipped")
			return
		}
		l.w.warn(member, "duplicate member name; the last one wins")
		if old.mode.IsRegular() {
			l.w.info.Kept--
			l.w.info.KeptBytes -= int64(len(old.data))
		}
	}
	p.addChild(n)
}

// finish strips lone top directories (at most three, stopping at the
// one that holds sos_commands/) and returns the bundle root. When that root
// is no sosreport but exactly one nested archive is, the nested archive is
// the bundle.
func (l *level) finish() *node {
	l.fs.root.seal()
	root, rootPath := l.fs.root, ""
	for i := 0; i < 3 && root.child("sos_commands") == nil && len(root.kids) == 1 && root.kids[0].mode.IsDir(); i++ {
		k := root.kids[0]
		if sostree.TopDirs[k.name] && k.child("sos_commands") == nil {
			break
		}
		root, rootPath = k, path.Join(rootPath, k.name)
	}
	if root.child("sos_commands") == nil && len(l.mounts) == 1 {
		if m, _, err := l.fs.lookup(l.mounts[0], false); err == nil && m.mode.IsDir() && m.child("sos_commands") != nil {
			if l.prefix == "" {
				l.w.warn(l.mounts[0], "this nested archive is used as the bundle; the other members of the outer archive are ignored")
			}
			root, rootPath = m, l.mounts[0]
		}
	}
	if l.prefix == "" {
		l.w.info.Root = rootPath
	}
	cp := *root
	cp.name = "."
	return &cp
}

func fileMode(m fs.FileMode) fs.FileMode { return m.Perm() }

// file handles one regular member: a nested archive is recursed into; a
// wanted member is read into memory; anything else is skipped (the caller
// drains it).
func (l *level) file(member, name string, size int64, mode fs.FileMode, mt time.Time, r io.Reader, depth int) error {
	w := l.w
	o := w.opts
	if size > o.MaxMemberBytes {
		return fmt.Errorf("%d bytes: %w of %d bytes per member (raise it with --max-bytes)", size, ErrTooLarge, o.MaxMemberBytes)
	}
	if w.memberBuf == nil {
		w.memberBuf = bufio.NewReaderSize(r, 64<<10)
	} else {
		w.memberBuf.Reset(r)
	}
	br := w.memberBuf
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return err
	}
	if kind := nestedKind(name, head); kind != "" {
		if depth+1 > o.MaxDepth {
			return fmt.Errorf("%w (more than %d levels)", ErrTooDeep, o.MaxDepth)
		}
		w.info.Nested = append(w.info.Nested, path.Join(l.prefix, name))
		mount, _ := trimExt(name, archiveExts)
		if mount == name {
			mount = name + ".d"
		}
		sub := newLevel(w, path.Join(l.prefix, name))
		var err error
		switch kind {
		case "zip":
			var data []byte
			data, err = readCapped(br, min(o.MaxMemberBytes, o.MaxKeptBytes))
			if err == nil {
				err = w.walkZip(bytes.NewReader(data), int64(len(data)), sub, depth+1)
			}
		case "tar":
			w.memberBuf = nil // the nested walk needs its own buffer
			err = w.walkTar(br, sub, depth+1)
		default:
			w.memberBuf = nil
			in := &counter{r: br}
			var dec io.Reader
			var closeFn func()
			dec, _, closeFn, err = w.decompressor(kind, in, false)
			if err == nil {
				g := &guard{r: bufio.NewReaderSize(dec, 64<<10), w: w, in: func() int64 { return in.n }}
				err = w.walkTar(g, sub, depth+1)
				if err == nil {
					_, err = io.Copy(io.Discard, g)
					err = w.streamErr(err)
				}
				closeFn()
			}
		}
		if err != nil {
			return err
		}
		root := sub.finish()
		root.mode = fs.ModeDir | 0o555
		l.put(member, mount, root)
		l.mounts = append(l.mounts, mount)
		return nil
	}
	loose := false
	if !l.want(name, size) {
		if l.sos {
			return nil
		}
		if len(l.loose) >= maxLooseFiles || l.looseBytes+size > maxLooseBytes {
			if !l.looseFull {
				l.looseFull = true
				w.warn(member, "no sos_commands/ seen yet and already %d other files (%d bytes) kept: this and further files outside the sosreport paths are skipped", len(l.loose), l.looseBytes)
			}
			return nil
		}
		loose = true
	}
	if o.Stream != nil && !loose && size >= o.StreamMin {
		// Too big to buffer: hand it to the consumer as it streams.
		cr := &counter{r: io.LimitReader(br, size)}
		if err := o.Stream(l.rel(name), size, cr); err != nil {
			if cr.err != nil {
				// The member itself could not be read (a truncated or
				// corrupt archive): say so, not how the consumer failed.
				return w.streamErr(cr.err)
			}
			return consumerError{err}
		}
		if _, err := io.Copy(io.Discard, cr); err != nil {
			return w.streamErr(err)
		}
		if cr.n != size {
			return w.streamErr(io.ErrUnexpectedEOF)
		}
		w.info.Streamed++
		l.put(member, name, &node{mode: fileMode(mode), modTime: mt, streamed: true, size: size})
		return nil
	}
	if w.info.KeptBytes+size > o.MaxKeptBytes {
		return fmt.Errorf("keeping it would hold more than %d bytes in memory: %w (raise it with --max-bytes)", o.MaxKeptBytes, ErrTooLarge)
	}
	data, err := readExact(br, size)
	if err != nil {
		return w.streamErr(err)
	}
	w.info.Kept++
	w.info.KeptBytes += size
	l.put(member, name, &node{mode: fileMode(mode), modTime: mt, data: data, loose: loose})
	if loose {
		l.loose = append(l.loose, name)
		l.looseBytes += size
	}
	return nil
}

// nestedKind tells whether a member is an archive to open: tar by content;
// zip and compressed tar by content and name (a rotated messages-2019.gz
// is a compressed log, kept as it is).
func nestedKind(name string, head []byte) string {
	kind := Detect(head)
	switch kind {
	case "tar":
		return "tar"
	case "zip":
		if strings.HasSuffix(strings.ToLower(name), ".zip") {
			return "zip"
		}
	case "gzip", "xz", "bzip2", "zstd":
		if _, ok := trimExt(name, archiveExts); ok {
			return kind
		}
	}
	return ""
}

// walkTar streams a tar archive into lvl.
func (w *walker) walkTar(r io.Reader, lvl *level, depth int) error {
	tail := &tailReader{r: r}
	tr := tar.NewReader(tail)
	for {
		// w.cur still names the previous member: Next reads its tail.
		hdr, err := tr.Next()
		if err == io.EOF {
			if tail.n < 512 || !allZero(tail.last[:]) {
				return fmt.Errorf("the tar stream ends without its end-of-archive marker: %w", ErrTruncated)
			}
			return nil
		}
		if err != nil {
			if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrBomb) {
				return err
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("the tar stream ends inside a member: %w", ErrTruncated)
			}
			return fmt.Errorf("tar: %v: %w", err, ErrTruncated)
		}
		w.info.Members++
		member := path.Join(lvl.prefix, hdr.Name)
		if lvl.prefix == "" {
			member = hdr.Name
		}
		w.cur = member
		name, why := cleanName(hdr.Name)
		if why != "" {
			w.warn(member, "%s", why)
			continue
		}
		if name == "." {
			continue
		}
		lvl.sawSos(name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			lvl.observe(name, true)
			lvl.put(member, name, &node{mode: fs.ModeDir | fileMode(fs.FileMode(hdr.Mode)), modTime: hdr.ModTime})
		case tar.TypeReg, tar.TypeGNUSparse: // archive/tar reports the old '\x00' type as TypeReg
			lvl.observe(name, false)
			if err := lvl.file(member, name, hdr.Size, fs.FileMode(hdr.Mode), hdr.ModTime, tr, depth); err != nil {
				return w.streamErr(err)
			}
		case tar.TypeSymlink:
			lvl.observe(name, false)
			lvl.symlink(member, name, hdr.Linkname, hdr.ModTime)
		case tar.TypeLink:
			lvl.observe(name, false)
			lvl.hardlink(member, name, hdr.Linkname)
		case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
			lvl.observe(name, false)
			w.warn(member, "device or FIFO; skipped")
		default:
			w.warn(member, "tar entry type %q; skipped", hdr.Typeflag)
		}
	}
}

func (l *level) symlink(member, name, target string, mt time.Time) {
	if _, ok := resolveLink(l.rel(name), target); !ok {
		l.w.warn(member, "symlink to %q points outside the archive; it is never followed", target)
	}
	l.put(member, name, &node{mode: fs.ModeSymlink | 0o777, modTime: mt, target: target})
}

func (l *level) hardlink(member, name, linkname string) {
	t, why := cleanName(linkname)
	if why != "" {
		l.w.warn(member, "hard link to %q: %s", linkname, why)
		return
	}
	src, _, err := l.fs.lookup(t, false)
	if err != nil || !src.mode.IsRegular() {
		if l.want(name, 0) {
			l.w.warn(member, "hard link to %q, which is not a kept file; skipped", linkname)
		}
		return
	}
	if !l.want(name, int64(len(src.data))) {
		return
	}
	l.w.info.Kept++
	l.w.info.KeptBytes += int64(len(src.data))
	l.put(member, name, &node{mode: src.mode, modTime: src.modTime, data: src.data})
}

// walkZip reads a zip archive (random access) into lvl.
func (w *walker) walkZip(ra io.ReaderAt, size int64, lvl *level, depth int) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return fmt.Errorf("zip: %v: %w", err, ErrTruncated)
	}
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return kflate.NewReader(r) })
	for _, f := range zr.File {
		w.info.Members++
		member := f.Name
		if lvl.prefix != "" {
			member = path.Join(lvl.prefix, f.Name)
		}
		w.cur = member
		name, why := cleanName(strings.ReplaceAll(f.Name, `\`, "/"))
		if why != "" {
			w.warn(member, "%s", why)
			continue
		}
		if name == "." {
			continue
		}
		lvl.sawSos(name)
		mode := f.Mode()
		if f.Flags&0x1 != 0 {
			lvl.observe(name, false)
			w.warn(member, "encrypted zip member; skipped")
			continue
		}
		switch {
		case mode.IsDir():
			lvl.observe(name, true)
			lvl.put(member, name, &node{mode: fs.ModeDir | mode.Perm(), modTime: f.Modified})
			continue
		case mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0:
			lvl.observe(name, false)
			w.warn(member, "device or FIFO; skipped")
			continue
		}
		lvl.observe(name, false)
		rc, err := f.Open()
		if err != nil {
			w.warn(member, "cannot read: %v; skipped", err)
			continue
		}
		comp := int64(f.CompressedSize64)
		g := &guard{r: rc, w: w, in: func() int64 { return comp }}
		if mode&fs.ModeSymlink != 0 {
			t, err := readCapped(g, 4096)
			rc.Close()
			if err != nil {
				return w.streamErr(err)
			}
			lvl.symlink(member, name, string(t), f.Modified)
			continue
		}
		usize := int64(f.UncompressedSize64)
		if usize < 0 || f.UncompressedSize64 > uint64(w.opts.MaxMemberBytes) {
			rc.Close()
			return fmt.Errorf("declares %d bytes: %w of %d bytes per member (raise it with --max-bytes)", f.UncompressedSize64, ErrTooLarge, w.opts.MaxMemberBytes)
		}
		// archive/zip fails a member that yields more or fewer bytes
		// than it declares, so usize bounds what is read.
		err = lvl.file(member, name, usize, mode, f.Modified, g, depth)
		if err == nil {
			_, err = io.Copy(io.Discard, g)
		}
		rc.Close()
		if err != nil {
			return w.streamErr(err)
		}
	}
	return nil
}

// tailReader remembers the last 512 bytes read, so that the end of a tar
// stream can be told from a cut at a header boundary (archive/tar reports
// both as io.EOF): a complete archive ends with zero blocks.
type tailReader struct {
	r    io.Reader
	last [512]byte
	n    int64
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n >= 512 {
		copy(t.last[:], p[n-512:n])
	} else if n > 0 {
		copy(t.last[:], t.last[n:])
		copy(t.last[512-n:], p[:n])
	}
	t.n += int64(n)
	return n, err
}

// trustedAlloc is how much of a member's declared size is allocated up
// front; beyond it the buffer grows with the bytes that actually arrive, so
// a lying header costs at most this much.
const trustedAlloc = 64 << 20

// readExact reads exactly size bytes from r.
func readExact(r io.Reader, size int64) ([]byte, error) {
	data := make([]byte, 0, min(size, trustedAlloc))
	for int64(len(data)) < size {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // grow (amortised doubling)
			if int64(cap(data)) > size {
				data = data[:len(data):size]
			}
		}
		want := min(int64(cap(data)), size)
		n, err := r.Read(data[len(data):want])
		data = data[:len(data)+n]
		if err != nil {
			if err == io.EOF && int64(len(data)) == size {
				break
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	return data, nil
}
