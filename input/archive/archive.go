package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Default caps. A sosreport keeps each log at 25–100 MiB by default, so
// these leave a wide margin while bounding what a hostile archive can cost.
const (
	DefaultMaxMemberBytes = 2 << 30  // decompressed bytes of any one member
	DefaultMaxTotalBytes  = 16 << 30 // decompressed bytes of the whole stream, nested archives included
	DefaultMaxKeptBytes   = 1 << 30  // bytes held in memory (kept members)
	DefaultMaxRatio       = 1000     // decompressed/compressed bytes, checked past RatioFloor
	DefaultMaxDepth       = 3        // nested archives (an archive inside an archive is depth 1)
	// DefaultRatioFloor is how many decompressed bytes a stream may produce
	// before the ratio test applies: small, highly repetitive files
	// legitimately compress far better than 1000:1.
	DefaultRatioFloor = 64 << 20
)

// Options tunes Open. The zero value is usable: every zero field takes its
// default.
type Options struct {
	// Want reports whether a regular member (its path relative to the
	// bundle root, '/'-separated, and its size) is kept in memory. Nil
	// means DefaultWant. Symlinks and directories are always kept; a member
	// that is not wanted is decompressed (to reach the next one) and
	// dropped.
	Want func(path string, size int64) bool
	// MaxMemberBytes caps one member's decompressed size.
	MaxMemberBytes int64
	// MaxTotalBytes caps the decompressed bytes of the whole archive.
	MaxTotalBytes int64
	// MaxKeptBytes caps the bytes kept in memory.
	MaxKeptBytes int64
	// MaxRatio caps decompressed/compressed bytes once a stream has
	// produced RatioFloor bytes (decompression bombs).
	MaxRatio int64
	// RatioFloor is the decompressed size from which MaxRatio applies.
	RatioFloor int64
	// MaxDepth caps archive nesting.
	MaxDepth int
	// XZ picks the xz decoder of the outer file: "" or "auto" runs the
	// system xz (`xz -dc -T0 -- PATH`) when it is on PATH and falls back to the
	// pure-Go decoder; "go" always uses the pure-Go decoder; "exec" requires
	// the system xz. Nested xz members always use the pure-Go decoder.
	XZ string
	// Progress, when set, is called from the reading goroutine every few
	// MiB and once at the end.
	Progress func(Progress)
	// Stream, when set, takes every wanted member of at least StreamMin
	// bytes instead of the in-memory tree (a multi-GB kernel log): it is
	// called while the archive streams, with the member's path relative to
	// the bundle root, its size and a reader of exactly its bytes (what
	// Stream leaves unread is skipped). The tree then lists the member with
	// its size, but opening it fails with ErrStreamed. An error from Stream
	// aborts Open.
	Stream    func(path string, size int64, r io.Reader) error
	StreamMin int64 // default DefaultStreamMin
}

// DefaultStreamMin is the member size from which Options.Stream applies.
const DefaultStreamMin = 256 << 20

// ErrStreamed: the member was handed to Options.Stream, not kept.
var ErrStreamed = errors.New("handed to Options.Stream while the archive was read; not kept in memory")

// WithMaxBytes returns opts with the per-member and in-memory caps raised
// (or lowered) to n and the total cap to at least 8×n: what a single
// --max-bytes flag sets.
func (o Options) WithMaxBytes(n int64) Options {
	o.MaxMemberBytes = n
	o.MaxKeptBytes = n
	if t := 8 * n; t > o.MaxTotalBytes {
		o.MaxTotalBytes = t
	}
	return o
}

func (o Options) withDefaults() Options {
	if o.Want == nil {
		o.Want = DefaultWant
	}
	if o.MaxMemberBytes <= 0 {
		o.MaxMemberBytes = DefaultMaxMemberBytes
	}
	if o.MaxTotalBytes <= 0 {
		o.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if o.MaxKeptBytes <= 0 {
		o.MaxKeptBytes = DefaultMaxKeptBytes
	}
	if o.MaxRatio <= 0 {
		o.MaxRatio = DefaultMaxRatio
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.RatioFloor <= 0 {
		o.RatioFloor = DefaultRatioFloor
	}
	if o.StreamMin <= 0 {
		o.StreamMin = DefaultStreamMin
	}
	return o
}

// Progress is a snapshot of an Open in progress.
type Progress struct {
	Path          string
	FileBytes     int64 // size of the archive file
	ReadBytes     int64 // archive bytes read so far (0 while the system xz reads the file)
	UnpackedBytes int64 // decompressed bytes so far
	Members       int   // members seen so far
	Done          bool
}

// Info describes an opened archive.
type Info struct {
	Path string
	// Format is the outer layering, e.g. "tar.xz", "tar.gz", "zip", "tar",
	// or "gzip" for a single compressed file.
	Format string
	// Decoder names the decompressor used for the outer layer, e.g.
	// "xz -dc -T0 (/usr/bin/xz)", "github.com/ulikunitz/xz", "compress/bzip2".
	Decoder string
	// Root is the top directory that was stripped ("" if none); for a
	// nested archive chosen as the bundle it is the path inside the outer
	// archive.
	Root string
	// Nested lists the members that were opened as archives, in stream order.
	Nested []string
	// Members counts every member seen (nested archives included).
	Members int
	// Kept counts the regular files kept in memory, KeptBytes their size.
	Kept      int
	KeptBytes int64
	// Streamed counts the members handed to Options.Stream.
	Streamed int
	// FileBytes is the archive's size; UnpackedBytes the decompressed
	// bytes streamed (all layers).
	FileBytes     int64
	UnpackedBytes int64
	// Warnings are members skipped or changed for safety, in stream order.
	Warnings []Warning
}

// Warning is a problem with one member that did not stop the reading.
type Warning struct {
	Member  string // member name as written in the archive
	Message string
}

func (w Warning) String() string { return w.Member + ": " + w.Message }

// Errors that Open wraps (test with errors.Is).
var (
	// ErrNotArchive: the file is not in a format Open reads.
	ErrNotArchive = errors.New("not a tar, tar.gz, tar.xz, tar.bz2, tar.zst or zip archive")
	// ErrEncrypted: the file (or a member) is encrypted.
	ErrEncrypted = errors.New("encrypted; decrypt it first (for sos --encrypt: gpg --output FILE.tar.xz --decrypt FILE.tar.xz.gpg)")
	// ErrTooLarge: a size cap was reached.
	ErrTooLarge = errors.New("over the size cap")
	// ErrBomb: the decompression ratio is beyond MaxRatio.
	ErrBomb = errors.New("decompresses beyond the ratio cap (decompression bomb?)")
	// ErrTruncated: the stream ended early or is corrupt.
	ErrTruncated = errors.New("truncated or corrupt")
	// ErrTooDeep: archives nested beyond MaxDepth.
	ErrTooDeep = errors.New("archives nested too deep")
)

// Error is an Open failure, naming the archive and, when known, the member.
type Error struct {
	Path   string // the archive file
	Member string // member being read, "" if none
	Err    error
}

func (e *Error) Error() string {
	if e.Member != "" {
		return fmt.Sprintf("%s: member %s: %v", e.Path, e.Member, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Sniff reads the first bytes of the file at p and returns its detected
// format (see Detect): "" when it is no archive or compressed file, so that
// the caller treats it as a plain log.
func Sniff(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	return Detect(head[:n]), nil
}

// Detect names the format of a stream from its first bytes (at least 512
// for plain tar): "gzip", "xz", "bzip2", "zstd", "zip", "tar", "gpg",
// "7z", "rar", or "" for anything else. File names are never consulted.
func Detect(head []byte) string {
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return "gzip"
	case len(head) >= 6 && string(head[:6]) == "\xfd7zXZ\x00":
		return "xz"
	case len(head) >= 4 && string(head[:3]) == "BZh" && head[3] >= '1' && head[3] <= '9':
		return "bzip2"
	case len(head) >= 4 && string(head[:4]) == "\x28\xb5\x2f\xfd":
		return "zstd"
	case len(head) >= 4 && (string(head[:4]) == "PK\x03\x04" || string(head[:4]) == "PK\x05\x06"):
		return "zip"
	case len(head) >= 6 && string(head[:6]) == "7z\xbc\xaf\x27\x1c":
		return "7z"
	case len(head) >= 6 && string(head[:6]) == "Rar!\x1a\x07":
		return "rar"
	case isTarHeader(head):
		return "tar"
	case isPGP(head):
		return "gpg"
	}
	return ""
}

// isPGP recognises an OpenPGP message: ASCII armour, or a binary packet
// that starts an encrypted message (public-key or symmetric session key,
// old or new packet format), as `gpg --encrypt` and sos --encrypt-* write.
func isPGP(head []byte) bool {
	if len(head) >= 27 && string(head[:27]) == "-----BEGIN PGP MESSAGE-----" {
		return true
	}
	if len(head) < 2 {
		return false
	}
	switch head[0] {
	case 0x84, 0x85, 0x8c, 0x8d, 0xc1, 0xc3:
		// the next byte is a length (old format) or a version (new); a
		// version-3/4/5/6 PKESK/SKESK has a small version byte.
		return true
	}
	return false
}

// isTarHeader reports whether b starts with a tar header: ustar magic, or a
// valid header checksum (v7 tar).
func isTarHeader(b []byte) bool {
	if len(b) < 512 {
		return false
	}
	if string(b[257:262]) == "ustar" {
		return true
	}
	var sum int64
	for i := 0; i < 512; i++ {
		if i >= 148 && i < 156 {
			sum += ' '
		} else {
			sum += int64(b[i])
		}
	}
	field := strings.TrimRight(strings.TrimLeft(string(b[148:156]), " "), " \x00")
	if field == "" || b[0] == 0 {
		return false
	}
	var want int64
	for _, c := range field {
		if c < '0' || c > '7' {
			return false
		}
		want = want*8 + int64(c-'0')
	}
	return want == sum
}

// archiveExts are the name endings of archives, longest first; they are
// stripped from a nested archive's member name to name its directory.
var archiveExts = []string{".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst", ".tgz", ".txz", ".tbz2", ".tbz", ".tzst", ".tar", ".zip"}

// compressedExts are the endings of single compressed files.
var compressedExts = []string{".gz", ".xz", ".bz2", ".zst"}

func trimExt(name string, exts []string) (string, bool) {
	lower := strings.ToLower(name)
	for _, e := range exts {
		if strings.HasSuffix(lower, e) && len(name) > len(e) {
			return name[:len(name)-len(e)], true
		}
	}
	return name, false
}

// Open reads the archive at p in one pass and returns its wanted members
// as an in-memory file tree rooted at the bundle (a lone top directory is
// stripped). Nothing is written to disk. Problems with single members are
// Info.Warnings; an unreadable, truncated, encrypted or over-cap archive is
// an *Error.
func Open(p string, opts Options) (fs.FS, *Info, error) {
	m, info, err := OpenMem(p, opts)
	if err != nil {
		return nil, info, err
	}
	return m, info, nil
}

// OpenMem is Open returning the concrete *MemFS (for Lstat and ReadLink).
func OpenMem(p string, opts Options) (*MemFS, *Info, error) {
	info := &Info{Path: p}
	f, err := os.Open(p)
	if err != nil {
		return nil, info, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, info, err
	}
	if st.IsDir() {
		return nil, info, &Error{Path: p, Err: fmt.Errorf("is a directory: %w", ErrNotArchive)}
	}
	info.FileBytes = st.Size()
	// Only a regular file can be handed to the system xz (it opens the
	// path again) or read at random (zip).
	var ra io.ReaderAt
	if st.Mode().IsRegular() {
		ra = f
	}
	return open(f, ra, info, opts)
}

// OpenReader is OpenMem for a stream (standard input): name is used in
// messages only. A zip, which needs random access, is read into memory
// first (within MaxKeptBytes); an .xz stream uses the pure-Go decoder.
func OpenReader(r io.Reader, name string, opts Options) (*MemFS, *Info, error) {
	return open(r, nil, &Info{Path: name}, opts)
}

func open(r io.Reader, ra io.ReaderAt, info *Info, opts Options) (*MemFS, *Info, error) {
	opts = opts.withDefaults()
	w := &walker{opts: opts, info: info, path: info.Path, seekable: ra != nil}
	w.file = &countReader{r: r, w: w}
	root, err := w.top(ra, info.FileBytes)
	info.UnpackedBytes = w.unpacked
	w.progress(true)
	if err != nil {
		var ae *Error
		if !errors.As(err, &ae) {
			err = &Error{Path: info.Path, Member: w.cur, Err: err}
		}
		return nil, info, err
	}
	root.seal()
	return &MemFS{root: root}, info, nil
}

// top detects the outer format and streams it.
func (w *walker) top(ra io.ReaderAt, size int64) (*node, error) {
	br := bufio.NewReaderSize(w.file, 1<<20)
	head, _ := br.Peek(512)
	format := Detect(head)
	switch format {
	case "":
		return nil, fmt.Errorf("%w (unrecognised content, whatever the file name says)", ErrNotArchive)
	case "gpg":
		return nil, fmt.Errorf("OpenPGP data: %w", ErrEncrypted)
	case "7z", "rar":
		return nil, fmt.Errorf("%s archive: %w; extract it and pass the directory", format, ErrNotArchive)
	case "zip":
		w.info.Format = "zip"
		w.info.Decoder = "archive/zip"
		lvl := newLevel(w, "")
		if ra == nil {
			data, err := readCapped(br, w.opts.MaxKeptBytes)
			if err != nil {
				return nil, err
			}
			ra, size = bytes.NewReader(data), int64(len(data))
			w.info.FileBytes = size
		}
		if err := w.walkZip(ra, size, lvl, 0); err != nil {
			return nil, err
		}
		return lvl.finish(), nil
	case "tar":
		w.info.Format = "tar"
		lvl := newLevel(w, "")
		if err := w.walkTar(&guard{r: br, w: w}, lvl, 0); err != nil {
			return nil, err
		}
		return lvl.finish(), nil
	}
	// compressed
	dec, name, closeFn, err := w.decompressor(format, br, true)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	w.info.Decoder = name
	dbr := bufio.NewReaderSize(dec, 256<<10)
	dhead, _ := dbr.Peek(512)
	g := &guard{r: dbr, w: w, in: w.inCounter(format)}
	if isTarHeader(dhead) || (len(dhead) == 512 && allZero(dhead)) {
		w.info.Format = "tar." + shortExt(format)
		lvl := newLevel(w, "")
		if err := w.walkTar(g, lvl, 0); err != nil {
			return nil, err
		}
		// Read to the end so that the trailer (CRC, xz index) is checked.
		if _, err := io.Copy(io.Discard, g); err != nil {
			return nil, w.streamErr(err)
		}
		return lvl.finish(), nil
	}
	if Detect(dhead) == "zip" {
		return nil, fmt.Errorf("a zip inside %s: %w; decompress it first", format, ErrNotArchive)
	}
	// A single compressed file (dmesg.gz, messages.xz): serve it alone.
	w.info.Format = format
	name, _ = trimExt(path.Base(w.path), compressedExts)
	w.cur = name
	data, err := readCapped(g, w.opts.MaxMemberBytes)
	if err != nil {
		return nil, w.streamErr(err)
	}
	if int64(len(data)) > w.opts.MaxKeptBytes {
		return nil, fmt.Errorf("%d bytes to keep in memory: %w of %d bytes (raise it with --max-bytes)", len(data), ErrTooLarge, w.opts.MaxKeptBytes)
	}
	w.info.Members, w.info.Kept, w.info.KeptBytes = 1, 1, int64(len(data))
	root := &node{name: ".", mode: fs.ModeDir | 0o555}
	root.addChild(&node{name: name, mode: 0o444, data: data})
	return root, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func shortExt(format string) string {
	switch format {
	case "gzip":
		return "gz"
	case "bzip2":
		return "bz2"
	case "zstd":
		return "zst"
	}
	return format
}
