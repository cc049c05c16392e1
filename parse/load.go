package parse

// The bundle loader. It walks the fs.FS that package input opened (a
// sosreport directory or archive, a folder of saved outputs, or loose
// files and stdin), decides what each file is — by the sosreport layout table
// (sos.go) or by content (sniff.go) — and hands it to its parser. Every
// file looked at becomes an Input, used or not, with the reason.
//
// Safety: only regular files are opened. A symlink is read only when its
// target, resolved one component at a time with fs.ReadLink, is a regular
// file inside the FS; absolute targets, targets that climb out of the
// root, dangling links and loops (more than 40 hops) are reported, not
// followed. Large kernel logs are streamed to kernel.Parse; other inputs
// are read whole up to maxSmall.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"github.com/oomlens/oomlens/input/sostree"
	"io"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/oomlens/oomlens/parse/kernel"
	"github.com/oomlens/oomlens/parse/kube"
	"github.com/oomlens/oomlens/units"
)

// LoadOptions tunes the bundle loader.
type LoadOptions struct {
	// Only restricts the loader to these paths (a loose file given on the
	// command line); empty means the whole tree.
	Only []string
	// Name is the bundle's display name.
	Name string
	// Streamed holds what became of the archive members too large to keep
	// in memory, parsed while the archive was read (archive.Options.Stream,
	// KernelLogFromMember), by path in the bundle. The loader takes them
	// instead of opening those files.
	Streamed map[string]StreamedLog
}

// whatWeRead ends the "not understood" error: what oomlens looks for, and
// the commands whose output it reads.
const whatWeRead = `oomlens looks for command output, in files or pasted in a ticket, a mail or a transcript:
  kernel log:  dmesg -T, journalctl -k --no-pager, /var/log/messages or kern.log
  swap/memory: swapon --show, cat /proc/swaps, free -m, cat /proc/meminfo, sysctl -a
  Kubernetes:  kubectl describe node NODE, kubectl describe pod POD
  the clock:   date --utc, uptime
or a sosreport (directory or archive).`

// ErrNotUnderstood is returned when no input of a bundle could be read or
// understood at all.
var ErrNotUnderstood = errors.New("no input could be understood")

const (
	// maxSmall is the most of a non-log input read into memory.
	maxSmall = 64 << 20
	// maxLooseFiles bounds how many files of a loose folder are looked at.
	maxLooseFiles = 5000
	// maxLooseDepth bounds how deep a loose folder is walked.
	maxLooseDepth = 4
	// maxLinkHops bounds symlink resolution (as Linux's MAXSYMLINKS).
	maxLinkHops = 40
)

// entry is one file found by the walk.
type entry struct {
	path string
	kind string // from the layout table; "" = sniff
	typ  fs.FileMode
}

type loader struct {
	fsys     fs.FS
	root     string // the sosreport's directory when it is one level down, else ""
	opts     LoadOptions
	b        *Bundle
	sos      bool
	manifest map[string]manifestCmd
	entries  []entry
	regular  map[string]bool // paths of regular files among the entries
	readVia  map[string]string
	linkTo   map[int]string // Inputs index of a link read at its target → target path

	// context waiting for the time zone or for other files
	dates      []*dateOut
	tdc        *timedatectlOut
	zoneName   string
	zoneRef    *Ref
	zoneLoc    *time.Location
	uptime     *uptimeOut
	listBoots  []listBoot
	listInput  map[string]int // list-boots path → Inputs index
	frees      []pendingFree
	kubeCfg    []pendingData
	kubeFlags  []pendingData
	hostPrio   int
	mountsV2   *bool
	mountsRef  *Ref
	kernelIdx  map[*KernelLog]int
	kernelJobs []*kernelJob  // kernel logs being parsed, in read order
	workers    chan struct{} // bounds the kernel logs parsed at once
	understood int           // inputs used
	taskRows   int           // task-table rows kept so far (bounds.go)
	rowsCapped bool          // maxBundleTaskRows was reached
	classified int           // files whose kind was recognised, used or not
}

type pendingFree struct {
	data  []byte
	path  string
	input int
	date  *dateOut // a date printed just before it (pasted text)
	out   *Free
}

type pendingData struct {
	data   []byte
	path   string
	input  int
	config bool // a KubeletConfiguration (else kubelet flags)
}

// Load reads a bundle through fsys. It is the only code that opens files.
// Per-file problems become Input warnings; it returns an error only when
// the bundle root cannot be read or nothing at all could be understood
// (ErrNotUnderstood).
func Load(fsys fs.FS, opts LoadOptions) (*Bundle, error) {
	l := &loader{
		fsys: fsys, opts: opts,
		b:         &Bundle{Name: opts.Name},
		regular:   map[string]bool{},
		readVia:   map[string]string{},
		linkTo:    map[int]string{},
		listInput: map[string]int{},
		kernelIdx: map[*KernelLog]int{},
		workers:   make(chan struct{}, kernelWorkers()),
		hostPrio:  1 << 30,
	}
	if err := l.collect(); err != nil {
		return nil, err
	}
	// sos metadata first: the manifest marks truncated outputs.
	var rest []entry
	for _, e := range l.entries {
		if e.kind == "sos-version" || e.kind == "sos-manifest" {
			l.read(e)
			continue
		}
		rest = append(rest, e)
	}
	for _, e := range rest {
		l.read(e)
	}
	l.finishKernelJobs()
	l.finish()
	if l.understood == 0 && l.classified == 0 {
		n := len(l.b.Inputs)
		if n == 0 {
			return nil, fmt.Errorf("%w: no files found", ErrNotUnderstood)
		}
		var why []string
		for _, in := range l.b.Inputs {
			if len(why) < 3 {
				why = append(why, in.Path+": "+in.WhyNot)
			}
		}
		return nil, fmt.Errorf("%w: %d file(s) looked at, none recognised (%s).\n%s", ErrNotUnderstood, n, strings.Join(why, "; "), whatWeRead)
	}
	return l.b, nil
}

// collect finds the files to look at without opening any.
func (l *loader) collect() error {
	if len(l.opts.Only) > 0 {
		for _, name := range l.opts.Only {
			fi, err := fs.Lstat(l.fsys, name)
			if err != nil {
				l.b.Inputs = append(l.b.Inputs, Input{Path: name, Kind: "unknown", WhyNot: "cannot be read: " + errText(err)})
				continue
			}
			l.addEntry(entry{path: name, typ: fi.Mode().Type()})
		}
		return nil
	}
	if fi, err := fs.Lstat(l.fsys, "sos_commands"); err == nil && fi.IsDir() {
		l.sos = true
	} else if root := l.nestedSos(); root != "" {
		l.sos, l.root = true, root
		// files beside it (a ticket's notes.txt, a saved dmesg) are
		// read by content, as loose files of the same case
		var beside []string
		if ents, err := fs.ReadDir(l.fsys, "."); err == nil {
			for _, e := range ents {
				if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") && !sostree.Sidecar(e.Name()) && len(beside) < maxLooseFiles {
					l.addEntry(entry{path: e.Name(), typ: e.Type()})
					beside = append(beside, e.Name())
				}
			}
		}
		msg := "the sosreport is in " + root + "/: only that directory is read"
		if len(beside) > 0 {
			msg = "the sosreport is in " + root + "/; the files beside it are read by content: " + strings.Join(beside, ", ")
		}
		l.b.Warnings = append(l.b.Warnings, Warning{Ref: Ref{Path: root}, Message: msg})
	}
	if l.sos {
		l.b.Sos = &SosInfo{}
	}
	count := 0
	start := "."
	if l.root != "" {
		start = l.root
	}
	err := fs.WalkDir(l.fsys, start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == start {
				return err
			}
			l.b.Warnings = append(l.b.Warnings, Warning{Ref: Ref{Path: p}, Message: "cannot list: " + errText(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == start {
			return nil
		}
		if d.IsDir() {
			if l.sos {
				if !sostree.Descend(l.rel(p)) {
					return fs.SkipDir
				}
				return nil
			}
			base := path.Base(p)
			if sostree.SkipDir(base) || strings.Count(p, "/")+1 >= maxLooseDepth || p == "sys" || p == "sys/fs" ||
				(strings.HasPrefix(p, "proc/") && isDigits(base)) {
				return fs.SkipDir
			}
			return nil
		}
		kind := sostree.Kind(l.rel(p))
		if l.sos && kind == "" {
			return nil
		}
		if !l.sos {
			if strings.HasPrefix(path.Base(p), ".") {
				return nil
			}
			count++
			if count > maxLooseFiles {
				if count == maxLooseFiles+1 {
					l.b.Warnings = append(l.b.Warnings, Warning{Ref: Ref{Path: p}, Message: fmt.Sprintf("more than %d files: the rest were not looked at", maxLooseFiles)})
				}
				return nil
			}
		}
		l.addEntry(entry{path: p, kind: kind, typ: d.Type()})
		return nil
	})
	if err != nil {
		return fmt.Errorf("cannot read the bundle: %w", err)
	}
	return nil
}

// nestedSos finds a sosreport one directory down (an archive extracted
// into the folder given); "" when there is not exactly one.
func (l *loader) nestedSos() string {
	ents, err := fs.ReadDir(l.fsys, ".")
	if err != nil {
		return ""
	}
	found := ""
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if fi, err := fs.Lstat(l.fsys, e.Name()+"/sos_commands"); err == nil && fi.IsDir() {
			if found != "" {
				return ""
			}
			found = e.Name()
		}
	}
	return found
}

// rel is p relative to the sosreport's root.
func (l *loader) rel(p string) string {
	if l.root == "" {
		return p
	}
	return strings.TrimPrefix(p, l.root+"/")
}

// at is the path of p (relative to the sosreport's root) in the FS.
func (l *loader) at(p string) string {
	if l.root == "" {
		return p
	}
	return l.root + "/" + p
}

func (l *loader) addEntry(e entry) {
	l.entries = append(l.entries, e)
	if e.typ.IsRegular() {
		l.regular[e.path] = true
	}
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// resolve follows symlinks in p one component at a time and returns the
// real path inside the FS.
func (l *loader) resolve(p string) (string, error) {
	queue := splitPath(p)
	resolved := ""
	hops := 0
	for len(queue) > 0 {
		comp := queue[0]
		queue = queue[1:]
		switch comp {
		case "", ".":
			continue
		case "..":
			if resolved == "" {
				return "", errors.New("points outside the bundle")
			}
			resolved = parentDir(resolved)
			continue
		}
		next := comp
		if resolved != "" {
			next = resolved + "/" + comp
		}
		fi, err := fs.Lstat(l.fsys, next)
		if err != nil {
			return "", fmt.Errorf("dangling (%s)", errText(err))
		}
		if fi.Mode().Type() != fs.ModeSymlink {
			resolved = next
			continue
		}
		hops++
		if hops > maxLinkHops {
			return "", errors.New("is part of a loop")
		}
		t, err := fs.ReadLink(l.fsys, next)
		if err != nil {
			return "", fmt.Errorf("cannot be read (%s)", errText(err))
		}
		if strings.HasPrefix(t, "/") {
			return "", fmt.Errorf("points outside the bundle (%s)", t)
		}
		queue = append(splitPath(t), queue...)
	}
	if resolved == "" {
		return "", errors.New("points at the bundle root")
	}
	return resolved, nil
}

func splitPath(p string) []string { return strings.Split(p, "/") }

func parentDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// typeName names a non-regular file type.
func typeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	case m.IsDir():
		return "a directory"
	}
	return "not a regular file"
}

// read looks at one entry and records its Input.
func (l *loader) read(e entry) {
	in := Input{Path: e.path, Kind: e.kind}
	if in.Kind == "sniff" {
		in.Kind = ""
	}
	open := e.path
	switch {
	case e.typ.IsRegular():
	case e.typ&fs.ModeSymlink != 0:
		if e.kind == "localtime" {
			l.readLocaltimeLink(e, &in)
			l.addInput(in)
			return
		}
		real, err := l.resolve(e.path)
		if err != nil {
			in.WhyNot = "symlink " + err.Error()
			l.addInput(in)
			return
		}
		fi, err := fs.Lstat(l.fsys, real)
		if err != nil || !fi.Mode().IsRegular() {
			in.WhyNot = "symlink to " + real + ", which is " + typeName(fileMode(fi))
			l.addInput(in)
			return
		}
		if l.regular[real] {
			in.WhyNot = "link to " + real + " (read there)"
			l.linkTo[len(l.b.Inputs)] = real
			l.addInput(in)
			return
		}
		if first, ok := l.readVia[real]; ok {
			in.WhyNot = "link to " + real + " (read as " + first + ")"
			l.addInput(in)
			return
		}
		l.readVia[real] = e.path
		open = real
	default:
		in.WhyNot = "skipped: " + typeName(e.typ)
		if in.Kind == "" {
			in.Kind = "unknown"
		}
		l.addInput(in)
		return
	}
	l.readFile(open, &in)
	l.addInput(in)
}

func fileMode(fi fs.FileInfo) fs.FileMode {
	if fi == nil {
		return fs.ModeIrregular
	}
	return fi.Mode()
}

func (l *loader) addInput(in Input) {
	if in.Kind == "" {
		in.Kind = "unknown"
	}
	if in.Used {
		l.understood++
	}
	l.b.Inputs = append(l.b.Inputs, in)
}

// readLocaltimeLink takes the zone name from an etc/localtime link without
// following it (its target is outside the bundle).
func (l *loader) readLocaltimeLink(e entry, in *Input) {
	t, err := fs.ReadLink(l.fsys, e.path)
	if err != nil {
		in.WhyNot = "symlink cannot be read: " + errText(err)
		return
	}
	name := zoneFromLocaltimeLink(t)
	if name == "" {
		in.WhyNot = "link target " + t + " names no known time zone"
		return
	}
	in.Used, in.Format = true, "link"
	if l.zoneName == "" {
		l.zoneName, l.zoneRef = name, &Ref{Path: e.path, Line: 0}
	}
}

// openData opens a file, decompressing gzip (by its magic bytes). src is
// the opened file when the reader returns its bytes unchanged (nil for
// gzip), so a large kernel log can be mapped instead of read.
func (l *loader) openData(p string) (r io.Reader, closeFn func(), src fs.File, err error) {
	f, err := l.fsys.Open(p)
	if err != nil {
		return nil, nil, nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	closer := func() { f.Close() }
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return bufio.NewReaderSize(zr, 64<<10), func() { zr.Close(); f.Close() }, nil, nil
	}
	return br, closer, f, nil
}

// readFile opens p (the real path of in) and hands it to its parser.
func (l *loader) readFile(p string, in *Input) {
	if fi, err := fs.Stat(l.fsys, p); err == nil {
		in.Bytes = fi.Size()
	}
	if st, ok := l.opts.Streamed[p]; ok && st.Log == nil {
		in.WhyNot = fmt.Sprintf("not kept: %d MiB or more and not a kernel log", StreamMin>>20)
		if st.Err != nil {
			in.WhyNot = "cannot be read: " + errText(st.Err)
		}
		in.Warnings = append(in.Warnings, Warning{Ref: Ref{Path: in.Path}, Message: in.WhyNot})
		return
	} else if ok {
		// Parsed while the archive streamed (too large to keep).
		kl := st.Log
		l.markTruncated(in, p)
		in.Kind, in.Format = "kernel-log", kl.Format
		l.classified++
		job := &kernelJob{input: len(l.b.Inputs), done: make(chan struct{}), kl: kl}
		close(job.done)
		l.kernelJobs = append(l.kernelJobs, job)
		return
	}
	r, closeFn, src, err := l.openData(p)
	if err != nil {
		in.WhyNot = "cannot be read: " + errText(err)
		in.Warnings = append(in.Warnings, Warning{Ref: Ref{Path: in.Path}, Message: in.WhyNot})
		return
	}
	keepOpen := false // a kernel log's parser closes it
	defer func() {
		if !keepOpen {
			closeFn()
		}
	}()
	head := make([]byte, SniffHead)
	n, err := io.ReadFull(r, head)
	head = head[:n]
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		in.WhyNot = "cannot be read: " + errText(err)
		in.Warnings = append(in.Warnings, Warning{Ref: Ref{Path: in.Path}, Message: in.WhyNot})
		return
	}
	l.markTruncated(in, p)
	if l.pasteCandidate(in, n) {
		data := head
		if n == SniffHead {
			rest, err := io.ReadAll(io.LimitReader(r, maxPaste))
			if err != nil {
				in.WhyNot = "cannot be read: " + errText(err)
				in.Warnings = append(in.Warnings, Warning{Ref: Ref{Path: in.Path}, Message: in.WhyNot})
				return
			}
			data = append(head, rest...)
		}
		if l.readPaste(data, in) {
			return
		}
		r, src = bytes.NewReader(data[len(head):]), nil
	}
	if !l.sos && in.Kind != "" && in.Kind != "localtime" && in.Kind != "sysctl" {
		// a loose folder is classified by content; the name is only a hint
		if k, f := Sniff(in.Path, head); k != "" {
			in.Kind, in.Format = k, f
		}
	}
	if in.Kind == "" {
		k, f := Sniff(in.Path, head)
		in.Kind, in.Format = k, f
		if k == "" {
			if len(head) == 0 {
				in.WhyNot = "empty"
			} else {
				in.WhyNot = "not recognised"
				if n < SniffHead {
					in.Lines = countLines(head)
				}
			}
			return
		}
	}
	l.classified++
	if in.Kind == "kernel-log" {
		l.readKernelLog(io.MultiReader(bytes.NewReader(head), r), src, head, in, closeFn)
		keepOpen = true
		return
	}
	data := head
	if n == SniffHead {
		rest, err := io.ReadAll(io.LimitReader(r, maxSmall))
		if err != nil {
			in.WhyNot = "cannot be read: " + errText(err)
			in.Warnings = append(in.Warnings, Warning{Ref: Ref{Path: in.Path}, Message: in.WhyNot})
			return
		}
		if len(rest) == maxSmall {
			in.WhyNot = fmt.Sprintf("too large for a %s (more than %d MiB)", in.Kind, maxSmall>>20)
			return
		}
		data = append(head, rest...)
	}
	in.Lines = countLines(data)
	l.parseSmall(data, in)
}

// markTruncated sets Truncated for sos ".tailed" copies and for commands
// the manifest marks truncated (and notes failed commands).
func (l *loader) markTruncated(in *Input, real string) {
	if strings.HasSuffix(real, ".tailed") || strings.HasSuffix(in.Path, ".tailed") {
		in.Truncated = true
	}
	for _, p := range []string{in.Path, real} {
		if c, ok := l.manifest[l.rel(p)]; ok {
			if c.Truncated {
				in.Truncated = true
			}
			if c.ReturnCode != nil && *c.ReturnCode != 0 {
				in.Warnings = append(in.Warnings, Warning{Ref: Ref{Path: in.Path}, Message: fmt.Sprintf("sos: %q exited with status %d", c.Exec, *c.ReturnCode)})
			}
			return
		}
	}
}

// kernelJob is one kernel log parsed on its own goroutine; its result is
// applied to Inputs[input] in read order by finishKernelJobs.
type kernelJob struct {
	input int
	done  chan struct{}
	kl    *KernelLog
	err   error
}

// kernelWorkers is how many kernel logs are parsed at once (each also reads
// ahead on a second goroutine): one per CPU the process may use.
func kernelWorkers() int {
	if loadSerial {
		return 1
	}
	return max(1, runtime.GOMAXPROCS(0))
}

// loadSerial parses kernel logs one after the other (tests compare).
var loadSerial = false

// StreamedLog is one archive member parsed as it streamed: its kernel log,
// or the error that stopped it (a corrupt gzip member), or neither (the
// member is not a kernel log and was not kept).
type StreamedLog struct {
	Log *KernelLog
	Err error
}

// StreamMin is the archive member size from which a bundle's kernel logs
// are parsed while the archive streams (KernelLogFromMember): no other
// input is read past maxSmall, so nothing else is lost by not keeping it.
const StreamMin = maxSmall

// KernelLogFromMember parses r, one file of a bundle (gzip-compressed or
// not, found by its magic bytes), as a kernel log when its head looks like
// one (kernel.Sniff); ok is false, and r is left partly read, otherwise.
// It is for archive members too large to keep in memory, parsed as the
// archive streams (LoadOptions.Streamed).
func KernelLogFromMember(path string, r io.Reader) (kl *KernelLog, ok bool, err error) {
	br := bufio.NewReaderSize(r, SniffHead)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, false, fmt.Errorf("%s: gzip: %w", path, err)
		}
		defer zr.Close()
		in = bufio.NewReaderSize(zr, SniffHead)
	}
	head, err := in.(*bufio.Reader).Peek(SniffHead)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	if _, ok := kernel.Sniff(head); !ok {
		return nil, false, nil
	}
	kl, err = kernel.Parse(in, path)
	if err != nil {
		return nil, false, err
	}
	return kl, true, nil
}

// readKernelLog starts parsing a kernel log (in will be Inputs[len(Inputs)])
// on a goroutine, at most kernelWorkers at once, and closes it when done.
// src is the file r reads unchanged, or nil (see kernel.ParseFile).
func (l *loader) readKernelLog(r io.Reader, src fs.File, head []byte, in *Input, closeFn func()) {
	if f, ok := kernel.Sniff(head); ok {
		in.Format = f
	}
	job := &kernelJob{input: len(l.b.Inputs), done: make(chan struct{})}
	l.kernelJobs = append(l.kernelJobs, job)
	path := in.Path
	l.workers <- struct{}{}
	go func() {
		defer func() {
			closeFn()
			<-l.workers
			close(job.done)
		}()
		job.kl, job.err = kernel.ParseFile(src, r, path)
	}()
	if loadSerial {
		<-job.done
	}
}

// finishKernelJobs waits for the kernel logs and records them in read
// order, as parsing them one after the other would.
func (l *loader) finishKernelJobs() {
	for _, job := range l.kernelJobs {
		<-job.done
		in := &l.b.Inputs[job.input]
		kl, err := job.kl, job.err
		if err != nil {
			in.WhyNot = "kernel log could not be read: " + err.Error()
			in.Warnings = append(in.Warnings, Warning{Ref: Ref{Path: in.Path}, Message: in.WhyNot})
			continue
		}
		if kl == nil {
			in.WhyNot = "not understood as a kernel log"
			continue
		}
		kl.Truncated = kl.Truncated || in.Truncated
		if kl.Format != "" {
			in.Format = kl.Format
		}
		in.Lines = kl.Lines
		in.Warnings = append(in.Warnings, kl.Warnings...)
		l.boundKernelLog(kl, in)
		in.Used = true
		l.understood++
		l.kernelIdx[kl] = job.input
		l.b.KernelLogs = append(l.b.KernelLogs, kl)
	}
	l.kernelJobs = nil
}

// "swapon: unrecognized option '--bytes'", "bash: free: command not found",
// "timeout: failed to run command 'kubectl': No such file or directory"
var cmdErrorRE = regexp.MustCompile(`^(?:[a-z][a-z0-9_.-]*: )+(?:unrecognized option|invalid option|unknown option|illegal option|cannot |can't |failed |command not found|No such file|Permission denied|error: )`)

// commandError returns the first line of data when it is a command's error
// message rather than its output; "" otherwise.
func commandError(data []byte) string {
	for _, l := range firstLines(data, 1) {
		l = strings.TrimSpace(l)
		if cmdErrorRE.MatchString(l) {
			return l
		}
	}
	return ""
}

// isSysctlConfPath tells configured sysctl files from `sysctl -a` output.
func isSysctlConfPath(p string) bool {
	return strings.HasSuffix(p, "sysctl.conf") || strings.Contains(p, "sysctl.d/")
}

// hostnamePriority ranks host name sources: the hostname command first,
// then hostname -f, the root link, etc/hostname; uname is 50.
func hostnamePriority(p string) int {
	switch {
	case strings.HasSuffix(p, "/hostname") && strings.HasPrefix(p, "sos_commands/"):
		return 0
	case strings.HasPrefix(p, "sos_commands/"):
		return 1
	case p == "etc/hostname":
		return 3
	}
	return 2
}

// finish resolves what needed several files: units of free, the time zone
// and capture time, boot list times, the kubelet configuration, the cgroup
// version, input time spans and coverage gaps.
func (l *loader) finish() {
	b := l.b
	if b.Sos != nil {
		b.Sos.Layout = sosLayout(b.Sos.Version, l)
	}
	l.finishFree()
	l.finishHost()
	l.finishNodes()
	l.finishFreeDates()
	l.finishKubelet()
	l.finishCgroup()
	l.finishKernelSpans()
	l.finishEventKills()
	for i, target := range l.linkTo {
		if j, ok := l.inputIndex(target); ok {
			l.b.Inputs[i].Kind, l.b.Inputs[i].Format = l.b.Inputs[j].Kind, l.b.Inputs[j].Format
		}
	}
	sort.SliceStable(b.Inputs, func(i, j int) bool { return b.Inputs[i].Path < b.Inputs[j].Path })
	l.finishGaps()
}

func sosLayout(version string, l *loader) string {
	if version != "" {
		switch version[0] {
		case '2':
			return "sos-2"
		case '3':
			return "sos-3"
		default:
			return "sos-4"
		}
	}
	if fi, err := fs.Lstat(l.fsys, l.at("sos_commands/general")); err == nil && fi.IsDir() {
		return "sos-2"
	}
	if l.b.Sos != nil && l.b.Sos.Manifest {
		return "sos-4"
	}
	return "sos-3"
}

// freeUnitFromName reads the unit from a saved free's name ("free_-m",
// "free-g.txt"); "" when the name does not say.
func freeUnitFromName(p string) string {
	base := strings.ToLower(path.Base(p))
	for _, ext := range []string{".txt", ".out", ".log"} {
		base = strings.TrimSuffix(base, ext)
	}
	for _, fu := range []struct{ flag, unit string }{{"m", "MiB"}, {"g", "GiB"}, {"b", "bytes"}, {"k", "kB"}, {"h", "human"}} {
		for _, sep := range []string{"_-", "-", " -", "_"} {
			if strings.HasSuffix(base, sep+fu.flag) && strings.Contains(base, "free") {
				return fu.unit
			}
		}
	}
	return ""
}

func (l *loader) finishFree() {
	b := l.b
	memTotal := b.MemInfo.Get("MemTotal")
	for i := range l.frees {
		pf := &l.frees[i]
		in := &b.Inputs[pf.input]
		unit := freeUnitFromName(pf.path)
		if unit == "human" {
			unit = ""
		}
		f, warns := parseFree(pf.data, pf.path, unit)
		if f == nil {
			continue
		}
		if unit == "" && f.Unit != "human" && f.MemTotal != nil && f.MemTotal.Printed != "" {
			n, _ := parseInt64(f.MemTotal.Printed)
			guess := ""
			if memTotal != nil && memTotal.Value > 0 {
				mt := float64(memTotal.Value)
				for _, u := range []string{"kB", "MiB", "GiB", "bytes"} {
					num, den := freeUnitKiB[u], int64(1)
					if u == "bytes" {
						num, den = 1, 1024
					}
					kb, ok := units.ToKB(n, num, den, units.Nearest)
					if !ok {
						continue // too large in this unit: not it
					}
					unitKB := float64(num) / float64(den)
					if f := float64(kb); f >= mt*0.95-unitKB && f <= mt*1.05+unitKB {
						guess = u
						break
					}
				}
			}
			if guess == "" && n < 1<<16 {
				warns = append(warns, Warning{Ref: f.Ref, Message: "free: the unit is not printed and the values are too small for KiB; assumed KiB"})
			}
			if guess != "" && guess != "kB" {
				f, warns = parseFree(pf.data, pf.path, guess)
			}
		}
		if in.Kind != "paste" {
			in.Format = f.Layout + "-" + f.Unit
		}
		in.Warnings = append(in.Warnings, warns...)
		b.Free = append(b.Free, f)
		pf.out = f
	}
}

// finishFreeDates dates the free listings a pasted `date` preceded.
func (l *loader) finishFreeDates() {
	h := &l.b.Host
	abbr := ""
	if h.CapturedAt != nil {
		abbr, _ = h.CapturedAt.Zone()
	}
	for _, pf := range l.frees {
		if pf.out == nil || pf.date == nil {
			continue
		}
		pf.out.AtRef = ptr(pf.date.Ref)
		pf.out.At = resolveWall(pf.date.wallClock, h.Location, abbr, h.ZoneOffset)
	}
}

func (l *loader) finishHost() {
	h := &l.b.Host
	z := l.findZone()
	l.captureTime(z)
	l.captureWall(z)
	if h.TimeZone == "" && h.Location != nil {
		h.TimeZone = zoneText(h)
	}
	if h.ZoneOffset != nil && h.CapturedAt != nil {
		_, off := h.CapturedAt.Zone()
		h.ZoneOffset = &off
	}
	if u := l.uptime; u != nil {
		h.UptimeSec, h.UptimeErrSec, h.UptimeRef = ptr(u.Sec), u.ErrSec, ptr(u.Ref)
	}
	l.bootList(z)
	for _, d := range l.dates {
		if i, ok := l.inputIndex(d.Path); ok {
			if t := resolveWall(d.wallClock, h.Location, z.abbr, z.offset); t != nil {
				l.b.Inputs[i].First, l.b.Inputs[i].Last = t, t
			}
		}
	}
}

// hostZone is the node's zone as the bundle tells it, and the first dates
// printed in UTC and in local time.
type hostZone struct {
	abbr               string
	offset             *int
	utcDate, localDate *dateOut
}

// findZone sets the host's time zone (Location, TimeZone, ZoneRef,
// ZoneOffset) from, in order: timedatectl, etc/localtime, a plain `date`
// printing UTC, `date` beside `date --utc`, and kubectl's offsets near
// the local date.
func (l *loader) findZone() hostZone {
	h := &l.b.Host
	var abbr string
	var offset *int
	// time zone: timedatectl, then etc/localtime
	if t := l.tdc; t != nil && t.ZoneRef != nil {
		h.TimeZone, h.ZoneRef = t.ZoneText, t.ZoneRef
		abbr, offset = t.Abbr, t.Offset
		if t.ZoneName != "" {
			if loc, err := time.LoadLocation(t.ZoneName); err == nil {
				h.Location, h.ZoneName = loc, t.ZoneName
			}
		}
		if h.Location == nil && offset != nil {
			h.Location = time.FixedZone(abbr, *offset)
		}
	}
	if h.Location == nil && l.zoneName != "" {
		if loc, err := time.LoadLocation(l.zoneName); err == nil {
			h.Location, h.ZoneName, h.TimeZone, h.ZoneRef = loc, l.zoneName, l.zoneName, l.zoneRef
		}
	}
	if h.Location == nil && l.zoneLoc != nil {
		h.Location, h.ZoneRef = l.zoneLoc, l.zoneRef
	}
	// A plain `date` (sos_commands/date/date, not date --utc) prints the
	// node's own zone: when that is UTC, the node's clock is UTC.
	if h.Location == nil {
		for _, d := range l.dates {
			if (d.Abbr == "UTC" || d.Abbr == "GMT") && d.Offset == nil && plainDatePath(d.Path) {
				h.Location, h.TimeZone = time.UTC, "UTC (printed by date)"
				ref := d.Ref
				h.ZoneRef = &ref
				break
			}
		}
	}
	// capture time: date --utc, timedatectl universal time, then local times
	var utcDate, localDate *dateOut
	for _, d := range l.dates {
		switch {
		case d.Abbr == "UTC" || d.Abbr == "GMT" || d.Offset != nil:
			if utcDate == nil {
				utcDate = d
			}
		default:
			if localDate == nil {
				localDate = d
			}
		}
	}
	// with no named zone, date and date --utc together give the offset
	if h.Location == nil && utcDate != nil && localDate != nil && utcDate.Offset == nil {
		if off, ok := offsetFromPair(localDate.wallClock, utcDate.wallClock); ok {
			h.Location = time.FixedZone(localDate.Abbr, off)
			abbr, offset = localDate.Abbr, &off
			h.TimeZone = fmt.Sprintf("%s (%s)", localDate.Abbr, time.Unix(0, 0).In(h.Location).Format("-0700"))
			h.ZoneRef = &localDate.Ref
		}
	}
	// An ambiguous abbreviation (CST) with no named zone: kubectl prints its
	// times with a numeric offset in the zone of the machine it ran on. A
	// node condition's heartbeat within a day of the local `date` gives the
	// offset the abbreviation stood for.
	if h.Location == nil && localDate != nil && localDate.Offset == nil {
		if off, ref, ok := l.kubectlOffsetNear(localDate.wallClock); ok {
			h.Location = time.FixedZone(localDate.Abbr, off)
			abbr, offset = localDate.Abbr, &off
			h.TimeZone = fmt.Sprintf("%s = %s, the offset kubectl printed at %s:%d", localDate.Abbr,
				time.Unix(0, 0).In(h.Location).Format("-0700"), ref.Path, ref.Line)
			h.ZoneRef = &ref
		}
	}
	if h.Location != nil {
		_, off := time.Unix(0, 0).In(h.Location).Zone()
		if offset != nil {
			off = *offset
		}
		h.ZoneOffset = &off
		if abbr == "" {
			abbr, _ = time.Unix(0, 0).In(h.Location).Zone()
		}
	}
	return hostZone{abbr: abbr, offset: offset, utcDate: utcDate, localDate: localDate}
}

// captureTime sets the capture time: date --utc, timedatectl's universal
// time, then the local times in the zone found.
func (l *loader) captureTime(z hostZone) {
	h := &l.b.Host
	abbr, offset, utcDate, localDate := z.abbr, z.offset, z.utcDate, z.localDate
	set := func(t *time.Time, ref Ref) {
		if h.CapturedAt != nil || t == nil {
			return
		}
		v := *t
		if h.Location != nil {
			v = v.In(h.Location)
		}
		h.CapturedAt, h.CapturedRef = &v, ptr(ref)
	}
	if utcDate != nil {
		set(resolveWall(utcDate.wallClock, nil, "", nil), utcDate.Ref)
	}
	if l.tdc != nil && l.tdc.UTC != nil {
		set(resolveWall(*l.tdc.UTC, nil, "", nil), l.tdc.UTC.Ref)
	}
	if l.tdc != nil && l.tdc.Local != nil {
		set(resolveWall(*l.tdc.Local, h.Location, abbr, offset), l.tdc.Local.Ref)
	}
	if localDate != nil {
		set(resolveWall(localDate.wallClock, h.Location, abbr, offset), localDate.Ref)
	}
}

// captureWall sets the capture time as the node's wall clock printed it
// (CapturedWall), also when its zone is unknown.
func (l *loader) captureWall(z hostZone) {
	h := &l.b.Host
	localDate := z.localDate
	switch {
	case l.tdc != nil && l.tdc.Local != nil:
		w := l.tdc.Local.at(time.UTC)
		h.CapturedWall, h.CapturedWallRef, h.CapturedAbbr = &w, ptr(l.tdc.Local.Ref), l.tdc.Local.Abbr
	case localDate != nil && localDate.Offset == nil:
		w := localDate.at(time.UTC)
		h.CapturedWall, h.CapturedWallRef, h.CapturedAbbr = &w, ptr(localDate.Ref), localDate.Abbr
	case h.CapturedAt != nil && h.Location != nil:
		w := h.CapturedAt.In(h.Location)
		w = time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
		h.CapturedWall, h.CapturedWallRef = &w, h.CapturedRef
		h.CapturedAbbr, _ = h.CapturedAt.In(h.Location).Zone()
	}
}

// zoneText names the host's zone for people: its source, abbreviation and
// offset at the capture time.
func zoneText(h *Host) string {
	t := time.Unix(0, 0)
	if h.CapturedAt != nil {
		t = *h.CapturedAt
	}
	t = t.In(h.Location)
	name, _ := t.Zone()
	src := h.ZoneName
	if src == "" && h.ZoneRef != nil {
		src = h.ZoneRef.Path
	}
	return fmt.Sprintf("%s (%s, %s)", src, name, t.Format("-0700"))
}

// bootList sets the journal's boots (journalctl --list-boots) in the
// host's zone, widening the span of the file that listed them.
func (l *loader) bootList(z hostZone) {
	h := &l.b.Host
	abbr, offset := z.abbr, z.offset
	for _, lb := range l.listBoots {
		jb := JournalBoot{Ref: lb.Ref, Index: lb.Index, ID: lb.ID}
		if lb.First != nil {
			jb.First = resolveWall(*lb.First, h.Location, abbr, offset)
		}
		if lb.Last != nil {
			jb.Last = resolveWall(*lb.Last, h.Location, abbr, offset)
		}
		var lost *wallClock
		switch {
		case lb.First != nil && jb.First == nil:
			lost = lb.First
		case lb.Last != nil && jb.Last == nil:
			lost = lb.Last
		}
		if lost != nil {
			if i, ok := l.inputIndex(lb.Path); ok {
				l.b.Inputs[i].Warnings = append(l.b.Inputs[i].Warnings, Warning{Ref: lb.Ref, Message: "list-boots: time zone " + strconv.Quote(lost.Abbr) + " is not known from the bundle; times left out"})
			}
		}
		h.BootList = append(h.BootList, jb)
		if i, ok := l.inputIndex(lb.Path); ok {
			in := &l.b.Inputs[i]
			if jb.First != nil && (in.First == nil || jb.First.Before(*in.First)) {
				in.First = jb.First
			}
			if jb.Last != nil && (in.Last == nil || jb.Last.After(*in.Last)) {
				in.Last = jb.Last
			}
		}
	}
}

// offsetFromPair is the UTC offset (seconds) implied by `date` and
// `date --utc` run within a minute or two of each other: their difference
// rounded to 15 minutes. ok is false when the difference is not close to
// a whole quarter hour or is no real offset.
func offsetFromPair(local, utc wallClock) (int, bool) {
	diff := local.at(time.UTC).Sub(utc.at(time.UTC))
	q := 15 * time.Minute
	r := diff.Round(q)
	if d := diff - r; d <= -2*time.Minute || d >= 2*time.Minute {
		return 0, false
	}
	off := int(r / time.Second)
	if off < -12*3600 || off > 14*3600 {
		return 0, false
	}
	return off, true
}

// inputIndex finds the Input of path (before sorting).
func (l *loader) inputIndex(p string) (int, bool) {
	for i := range l.b.Inputs {
		if l.b.Inputs[i].Path == p {
			return i, true
		}
	}
	return 0, false
}

func (l *loader) finishKubelet() {
	if len(l.kubeCfg) == 0 && len(l.kubeFlags) == 0 {
		return
	}
	k := &KubeletConfig{}
	any := false
	for _, group := range [][]pendingData{l.kubeCfg, l.kubeFlags} {
		for _, p := range group {
			in := &l.b.Inputs[p.input]
			var ok bool
			var warns []Warning
			if p.config {
				ok, warns = kube.ParseKubeletConfig(p.data, p.path, k)
			} else {
				ok, warns = kube.ParseKubeletFlags(p.data, p.path, k)
			}
			in.Warnings = append(in.Warnings, warns...)
			if !ok {
				if in.Kind != "paste" {
					in.Used, in.WhyNot = false, "no kubelet setting found"
					l.understood--
				}
				continue
			}
			any = true
		}
	}
	if !any {
		return
	}
	// the kubelet version, from the node that is this host (or the only node)
	var node *Node
	for _, n := range l.b.Nodes {
		if n != nil && n.KubeletVersion != "" && (n.Name == l.b.Host.Hostname || strings.HasPrefix(l.b.Host.Hostname, n.Name+".")) {
			node = n
			break
		}
	}
	if node == nil && len(l.b.Nodes) == 1 && l.b.Nodes[0] != nil && l.b.Nodes[0].KubeletVersion != "" {
		node = l.b.Nodes[0]
	}
	if node != nil {
		k.Version, k.VersionRef = node.KubeletVersion, ptr(node.Ref)
	}
	l.b.Kubelet = k
}

func (l *loader) finishCgroup() {
	b := l.b
	if p := l.at("sys/fs/cgroup/cgroup.controllers"); l.lstatOK(p, false) {
		b.CgroupV2, b.CgroupRef, b.CgroupWhy = ptr(true), &Ref{Path: p}, "sys/fs/cgroup/cgroup.controllers exists (unified hierarchy)"
		l.addCgroupInput(p)
		return
	}
	if p := l.at("sys/fs/cgroup/memory"); l.lstatOK(p, true) {
		b.CgroupV2, b.CgroupRef, b.CgroupWhy = ptr(false), &Ref{Path: p}, "sys/fs/cgroup/memory exists (v1 memory controller)"
		l.addCgroupInput(p)
		return
	}
	if l.mountsV2 != nil {
		b.CgroupV2, b.CgroupRef, b.CgroupWhy = l.mountsV2, l.mountsRef, "cgroup mounts"
		return
	}
	if v2, ref := cgroupFromReports(b.KernelLogs); v2 != nil {
		b.CgroupV2, b.CgroupRef = v2, ref
		b.CgroupWhy = "OOM report memcg lines (\"memory+swap:\"/\"kmem:\" are v1, \"swap:\" is v2)"
	}
}

// lstatOK says whether p exists (without following links) as a directory
// (dir) or a regular file.
func (l *loader) lstatOK(p string, dir bool) bool {
	fi, err := fs.Lstat(l.fsys, p)
	if err != nil {
		return false
	}
	if dir {
		return fi.IsDir()
	}
	return fi.Mode().IsRegular()
}

func (l *loader) addCgroupInput(p string) {
	for _, in := range l.b.Inputs {
		if in.Path == p {
			return
		}
	}
	// appended: finish sorts the inputs once every index into them is done with
	l.b.Inputs = append(l.b.Inputs, Input{Path: p, Kind: "cgroup", Format: "sysfs", Used: true})
}

// stampTime is the wall time of a stamp when it carries a year; a stamp
// without a zone is placed in the host's zone when known.
func stampTime(s *Stamp, loc *time.Location) *time.Time {
	if s == nil || s.Wall == nil || !s.WallHasYear {
		return nil
	}
	t := *s.Wall
	if !s.WallHasZone {
		if loc == nil {
			return nil
		}
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	}
	return &t
}

func (l *loader) finishKernelSpans() {
	for _, kl := range l.b.KernelLogs {
		i, ok := l.kernelIdx[kl]
		if !ok || i >= len(l.b.Inputs) {
			continue
		}
		in := &l.b.Inputs[i]
		in.First = stampTime(kl.First, l.b.Host.Location)
		in.Last = stampTime(kl.Last, l.b.Host.Location)
	}
}

func (l *loader) finishGaps() {
	b := l.b
	has := map[string]bool{}
	for _, in := range b.Inputs {
		for _, k := range in.UsedKinds() {
			has[k] = true
		}
	}
	gap := func(src, missing, msg, collect string) {
		b.Gaps = append(b.Gaps, Gap{Source: src, Message: msg, Collect: collect, Missing: missing})
	}
	eventKills := false
	for _, lg := range b.KernelLogs {
		eventKills = eventKills || lg.Format == FormatKubeEvent
	}
	if !has["kernel-log"] && eventKills {
		gap("kernel-log", "kernel log", "no kernel log was read: the kills are known only from Kubernetes events, which print the victim but not the memory, swap or time of the kill",
			"dmesg -T, journalctl -k --no-pager, /var/log/messages or /var/log/kern.log")
	} else if !has["kernel-log"] {
		gap("kernel-log", "kernel log", "no kernel log was read: OOM kills cannot be seen, which does not mean there were none",
			"dmesg -T, journalctl -k --no-pager, /var/log/messages or /var/log/kern.log")
	} else {
		var earliest *time.Time
		var from string
		for _, in := range b.Inputs {
			if in.Kind == "kernel-log" && in.Used && in.First != nil && (earliest == nil || in.First.Before(*earliest)) {
				earliest, from = in.First, in.Path
			}
		}
		if earliest != nil {
			gap("kernel-log", MissingOlder, fmt.Sprintf("no kernel log older than %s (%s): OOMs before that cannot be seen",
				earliest.Format("2006-01-02 15:04:05 -0700"), from), "older rotated logs (messages-*, kern.log.N.gz) or the persistent journal")
		}
		for _, in := range b.Inputs {
			if in.Kind == "kernel-log" && in.Truncated {
				gap("kernel-log", MissingOlder, in.Path+" was truncated by sos and keeps only its tail: earlier lines are missing",
					"the full file from the node, or sos with --log-size 0")
			}
		}
	}
	if !has["swapon"] && !has["proc-swaps"] && !has["free"] && !has["meminfo"] {
		gap("swap", "swap at capture", "swap state at capture time is unknown", "swapon --bytes --show, or /proc/swaps")
	}
	if !has["meminfo"] && !has["free"] {
		gap("memory", "memory at capture", "memory state at capture time is unknown", "/proc/meminfo or free")
	}
	if b.Host.CapturedAt == nil {
		gap("clock", "capture date", "the capture time is unknown (no date --utc or timedatectl)", "date --utc; timedatectl")
	}
	if b.Host.Location == nil {
		gap("clock", "time zone", "the node's time zone is unknown: local log times cannot be placed exactly", "timedatectl")
	}
	kube := has["kubelet-config"] || has["kubelet-flags"] || has["describe-events"]
	if l.sos {
		kube = kube || l.lstatOK(l.at("sos_commands/kubernetes"), true) || l.lstatOK(l.at("sos_commands/microk8s"), true)
	}
	if kube && !has["describe-node"] && has["describe-events"] {
		gap("describe-node", "kubectl describe node", "only the Events table of kubectl describe node was seen: the node's capacity, conditions and pod memory limits cannot be seen",
			"kubectl describe node <node>")
	} else if kube && !has["describe-node"] {
		gap("describe-node", "kubectl describe node", "no kubectl describe node: node events (SystemOOM) and pod memory limits cannot be seen",
			"kubectl describe node <node> (sos: -k kubernetes.describe=on from sos 4.7.1)")
	}
}

// kubectlOffsetNear finds a node-condition heartbeat time printed by kubectl
// (with a numeric offset) whose local clock reading is within a day of w, and
// returns that offset in seconds.
func (l *loader) kubectlOffsetNear(w wallClock) (int, Ref, bool) {
	local := time.Date(w.Y, time.Month(w.Mo), w.D, w.H, w.Mi, w.S, 0, time.UTC)
	for _, n := range l.b.Nodes {
		for _, c := range n.Conditions {
			if c.HeartbeatAt == nil {
				continue
			}
			_, off := c.HeartbeatAt.Zone()
			hb := c.HeartbeatAt.Add(time.Duration(off) * time.Second).UTC()
			hbLocal := time.Date(hb.Year(), hb.Month(), hb.Day(), hb.Hour(), hb.Minute(), hb.Second(), 0, time.UTC)
			if d := local.Sub(hbLocal); d > -24*time.Hour && d < 24*time.Hour {
				return off, c.Ref, true
			}
		}
	}
	return 0, Ref{}, false
}
