package kernel

// This file reads one kernel or system log, in any prefix form (see
// kline.go), and drives the OOM report state machine (oomreport.go) and the
// event recognisers (kevents.go, userspace.go). Input looks like:
//
//	[1375956.718910] [23143]     0 23143   528095   435853  3997696    39263             0 pip3
//	[1375956.718916] Out of memory: Kill process 23143 (pip3) score 613 or sacrifice child
//	[1375956.719841] Killed process 23143 (pip3) total-vm:2112380kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB
//	[1375957.190126] oom_reaper: reaped process 23143 (pip3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB
//
// # Fast path, and why it cannot skip an OOM line
//
// The file is read in 4 MiB blocks. Outside an OOM report, a line is only
// decoded when it contains a vocabulary needle. With AVX2 (internal/pairscan) each
// needle is represented by one pair of adjacent bytes of it (chosen from
// the head of the file); one vector pass per block tests 32 positions at a
// time against all pairs (nibble lookup tables) and reports every position
// where a pair of the table is (plus a few false candidates), and the
// needles of that pair are compared in full there. A needle occurrence
// always contains its pair, so the pass cannot miss it. Without AVX2 each needle has an anchor byte that is rare in the
// head of the file ('K', 'y', 'w', 'M', …); the block is searched with one
// bytes.IndexByte pass per anchor byte and the needles of that anchor are
// compared at each hit. Line numbers come from bytes.Count of '\n' between
// candidates, so the lines in between are never decoded. From the second
// block on, the goroutine that reads a block ahead also lists its needle
// starts with the same vector scan (run, pairscan.Scanner.All); the line
// taken is the same as with the live scan, because a needle cannot cross a
// newline.
//
// Every line that can begin, end or belong to an OOM report, or that is a
// tracked event, carries a needle:
//
//   - trigger "… invoked oom-killer:" (needle "invoked oom-k");
//   - task-table headers ("oom_score_adj"), "oom_reaper:", "oom-kill:" is
//     inside a report (it is rate-limited with the header) and read back for
//     headerless reports, "oom_kill_process: N callbacks suppressed" and
//     "warn_alloc: …" all contain "oom_" or "warn_alloc";
//   - every kill and select line contains "Kill" ("Kill process",
//     "Killed process") or, for 2.6.27–2.6.35 ("Out of memory: kill
//     process"), "of memory"; "Out of memory and no killable processes",
//     "Memory cgroup out of memory", "Out of Memory" contain "of memory"/
//     "of Memory"; "Kernel panic" contains "Kernel ";
//   - memory.oom.group, systemd-oomd, earlyoom, "OOM killer", "Manual OOM
//     execution", "'oom-kill'" unit results have their own needles;
//   - page allocation failures, hung tasks ("INFO: task "), kswapd, swap
//     on/off, boot banners ("Linux version", then the next 64 lines are
//     decoded for "Command line:"), journal markers, kubelet eviction and
//     start lines have their own needles.
//
// Lines that carry no needle (Mem-Info counters, zone lines, task rows,
// memcg stat dumps, stack frames) only matter inside a report, and a report
// always starts at a needle line: from the trigger on, every line is decoded
// until the report ends (kill line, panic, next trigger, boot change, a 60 s
// gap or a line budget). A report whose header was lost starts at its first
// needle line (task-table header, select, kill line) and the lines just above
// it in the same block are read back while they look like report body (so
// `dmesg | grep PID` output keeps its task row). Needles are case-sensitive;
// every case variant the kernel prints is listed. TestFastPathEqualsFullDecode
// checks that the fast path gives the same model as decoding every line;
// TestPairScanEqualsGroupScan that both scans agree.
//
// KernelLog.Unknown lists the needle lines (and every line inside a report
// or the first 200 lines) that mention OOM in no known form; a bare "oom"
// word without any needle elsewhere in a large file is not looked at.

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oomlens/oomlens/parse/kernel/internal/pairscan"
)

// vocabulary is the list of needles; see the file comment. Each needle
// names its anchor: a byte of it that is rare in logs. The scan runs one
// bytes.IndexByte pass per distinct anchor byte (memchr speed) and checks
// the needles of that anchor at every hit, instead of one bytes.Index pass
// per needle (whose first bytes, like 'o', are common).
var vocabulary = []needle{
	nd("invoked oom-k", 'v'), nd("'oom-kill'", '\''), nd("oom_", '_'), nd("warn_alloc", '_'),
	nd("memory.oom.group", 'y'), nd("systemd-oomd", 'y'), nd("earlyoom", 'y'),
	nd("of memory", 'y'), nd("of Memory", 'y'), nd("OOM", 'M'),
	nd("Kill", 'K'), nd("Kernel ", 'K'),
	nd("page allocation", 'g'), nd("INFO: task ", 'F'),
	nd("kswapd", 'w'), nd("k swap on", 'w'), nd("ctivated swap", 'w'),
	nd("Linux version", 'L'),
	nd("-- Boot ", 'B'), nd("-- Reboot --", 'R'),
	nd("viction manager", 'v'), nd("Started kubelet", 'S'), nd("Starting kubelet", 'S'),
	nd("(PLEG): event for pod", 'G'),
	nd("SIGTERM to proc", 'G'), nd("SIGKILL to proc", 'G'), nd("ow memory!", '!'), nd("ow Memory!", '!'),
}

// vocabWords is the words of vocabulary, for the vector scan.
var vocabWords = func() [][]byte {
	w := make([][]byte, len(vocabulary))
	for i, n := range vocabulary {
		w[i] = n.word
	}
	return w
}()

// needle is one vocabulary word and the offset of its anchor byte.
type needle struct {
	word   []byte
	anchor byte
	off    int
}

func nd(word string, anchor byte) needle {
	return needle{word: []byte(word), anchor: anchor, off: strings.IndexByte(word, anchor)}
}

// anchorGroup is the needles sharing one anchor byte.
type anchorGroup struct {
	anchor  byte
	needles []needle
}

// buildGroups picks, for every needle, the byte of it that is rarest in
// sample (the head of the file: a ctime log has "Mon"/"Sat" on every line,
// an ISO one '-' …) and groups the needles by that anchor byte. Without a
// sample the needles' default anchors are used.
func buildGroups(sample []byte) []anchorGroup {
	var freq [256]int
	for _, c := range sample {
		freq[c]++
	}
	var gs []anchorGroup
	for _, n := range vocabulary {
		if len(sample) > 0 {
			best := n.off
			for j, c := range n.word {
				if c != ' ' && freq[c] < freq[n.word[best]] {
					best = j
				}
			}
			// Join an existing group when its anchor is nearly as rare: one
			// IndexByte pass fewer costs less than a few more hits.
			for j, c := range n.word {
				if c == ' ' || freq[c] > 4*freq[n.word[best]]+len(sample)>>12 {
					continue
				}
				for _, g := range gs {
					if g.anchor == c {
						best = j
					}
				}
			}
			n.anchor, n.off = n.word[best], best
		}
		found := false
		for i := range gs {
			if gs[i].anchor == n.anchor {
				gs[i].needles = append(gs[i].needles, n)
				found = true
			}
		}
		if !found {
			gs = append(gs, anchorGroup{anchor: n.anchor, needles: []needle{n}})
		}
	}
	return gs
}

// nextHit returns the start of the first needle of g that starts at or
// after from, or -1.
func (g *anchorGroup) nextHit(data []byte, from int) int {
	i := from
	for {
		j := bytes.IndexByte(data[i:], g.anchor)
		if j < 0 {
			return -1
		}
		at := i + j
		for _, n := range g.needles {
			st := at - n.off
			if st >= from && st+len(n.word) <= len(data) && bytes.Equal(data[st:st+len(n.word)], n.word) {
				return st
			}
		}
		i = at + 1
	}
}

const (
	blockSize   = 4 << 20
	maxLineLen  = 64 << 20 // longer lines are cut (warning)
	headLines   = 200      // first lines always decoded (format sniffing)
	maxUnknown  = 2000
	maxWarnings = 2000
	maxEvents   = 200000
	// maxEventsPerKind bounds each repetitive event kind (see addEvent):
	// five times what the timeline lists of a kind.
	maxEventsPerKind = 1000
	eventChunk       = 1024 // Events are collected in chunks of this many
	maxReportLine    = 400  // OOMReport.Lines cap
	maxTaskRows      = 50000
	reportGap        = 60.0
	reportBudget     = 200000 // lines in report mode without a kill
	lookbackLines    = 20000
)

// Parse reads one kernel or system log (any prefix form, see
// kernel-oom-formats §3) and assembles its OOM reports and related events.
// Only an I/O failure is an error; per-line problems are Warnings.
func Parse(r io.Reader, path string) (*KernelLog, error) {
	p := newKParser(path)
	if err := p.run(r); err != nil {
		return nil, err
	}
	return p.finish(), nil
}

// Sniff reports whether head (the first bytes of a file) looks like
// a kernel or system log, and its dominant line-prefix format.
func Sniff(head []byte) (format string, ok bool) {
	counts := map[string]int{}
	hint := sniffHint(head)
	lines := 0
	vocab := false
	for len(head) > 0 && lines < 400 {
		i := bytes.IndexByte(head, '\n')
		var ln []byte
		if i < 0 {
			ln, head = head, nil
		} else {
			ln, head = head[:i], head[i+1:]
		}
		ln = bytes.TrimSuffix(ln, []byte("\r"))
		if len(bytes.TrimSpace(ln)) == 0 {
			continue
		}
		lines++
		d := decodeLine(ln, hint)
		if d.cont || d.dict {
			continue
		}
		if d.format != FormatNone {
			counts[d.format]++
		} else if HasOOMPhrase(ln) {
			vocab = true
		}
	}
	best, n := "", 0
	for _, f := range formatOrder {
		if counts[f] > n {
			best, n = f, counts[f]
		}
	}
	if best == "" {
		if vocab {
			return FormatNone, true
		}
		return "", false
	}
	// A log must be mostly prefixed lines (or carry OOM vocabulary).
	if n*2 < lines && !vocab {
		return "", false
	}
	return best, true
}

var formatOrder = []string{fmtDmesgRaw, fmtDmesgLevel, fmtDmesgX, fmtDmesgCtime, fmtDmesgISO, fmtDmesgRel, fmtKmsg,
	fmtJournal, fmtJournalISO, fmtJournalPrec, fmtJournalMono, fmtJournalCat, fmtSyslog, fmtSyslogRFC, FormatNone}

// OOMPhrases are printed by the kernel's OOM killer only; an
// unprefixed text with one of them is taken for a kernel log.
var OOMPhrases = [][]byte{
	[]byte(" invoked oom-killer: "), []byte("Killed process "), []byte("oom-kill:constraint="),
	[]byte("oom_reaper: reaped process "), []byte("Out of memory: Kill"), []byte("Memory cgroup out of memory: Kill"),
	// earlyoom's own output, saved without a syslog prefix
	[]byte("Out of memory! avail: "), []byte("low memory! at or below SIG"), []byte("Low Memory! At or below SIG"),
}

func HasOOMPhrase(b []byte) bool {
	for _, n := range OOMPhrases {
		if bytes.Contains(b, n) {
			return true
		}
	}
	return false
}

// sniffHint tells journal output from syslog files where prefixes are ambiguous.
func sniffHint(head []byte) string {
	if bytes.HasPrefix(head, []byte("-- ")) || bytes.Contains(head, []byte("\n-- Boot ")) ||
		bytes.Contains(head, []byte("\n-- Reboot --")) || bytes.Contains(head, []byte("-- Logs begin at ")) ||
		bytes.Contains(head, []byte("-- Journal begins at ")) {
		return hintJournal
	}
	return ""
}

// forceFullDecode makes every line go through the full decoder (tests
// compare it with the fast path).
var forceFullDecode = false

// forceGroupScan makes the vocabulary scan use the IndexByte groups even
// where the vector pair scan is available (tests compare both).
var forceGroupScan = false

// kParser holds the state of one Parse call.
type kParser struct {
	log  *KernelLog
	path string
	hint string

	formats map[string]int

	// boots
	boot        *Boot
	bootContent bool
	lastSecs    float64 // kernel seconds of the last stamped line, if hasLastSecs
	hasLastSecs bool
	// bootCPSeen: the boot's first clock point is recorded; bootCPLast is
	// its latest one (kept by value: one per line must not allocate).
	bootCPSeen bool
	bootCPLast ClockPoint

	// reltime reconstruction
	relWall    time.Time // wall time of the last reltime line, if hasRelWall
	hasRelWall bool
	relFull    bool
	prevLine   kline  // last decoded non-continuation line (stamp inheritance)
	prevStamp  []byte // holds prevLine's stamp text (kstamp.own)
	lastHost   string // host name of the last decoded line that printed one
	havePrev   bool

	// OOM reports
	cur        *reportBuilder
	recent     []*reportBuilder // last reports of this boot (attachments)
	manual     *Quote
	manualSecs *float64
	earlyoom   map[string]earlyoomNote
	earlyoomAt int // line of the last earlyoom low-memory line

	all      []*reportBuilder
	consumed int // highest line number a report has taken

	fullUntil int               // decode every line up to here (after a boot banner)
	decodedNo int               // number of the last line decoded
	groups    []anchorGroup     // IndexByte scan (no AVX2)
	pairs     *pairscan.Scanner // vector scan
	hits      []int             // needle starts in the next block, listed ahead (or nil)

	dcache     decodeCache // strings shared between consecutive lines
	lastLine   []byte
	lastLineNo int
	crlfWarn   bool
	utf8Warns  int
	unknownN   int
	kindN      map[string]int // events seen per kind (addEvent)
	// lastDropped is, per capped kind, the last event not kept so far (kept
	// in reused buffers: noting one allocates nothing).
	lastDropped map[string]*droppedEvent
	eventsN     int
	events      [][]Event // chunks, joined into log.Events by finish
	warnsN      int
	lineNo      int
}

func newKParser(path string) *kParser {
	return &kParser{
		log:     &KernelLog{Path: path},
		path:    path,
		formats: map[string]int{},
	}
}

// warnAll gives each message of msgs as a warning on line.
func (p *kParser) warnAll(line int, msgs []string) {
	for _, m := range msgs {
		p.warn(line, "%s", m)
	}
}

func (p *kParser) warn(line int, format string, args ...any) {
	p.warnsN++
	if p.warnsN > maxWarnings {
		return
	}
	if line < 1 {
		line = 1
	}
	p.log.Warnings = append(p.log.Warnings, Warning{Ref: Ref{Path: p.path, Line: line}, Message: fmt.Sprintf(format, args...)})
}

// run reads r block by block. The buffer starts at 64 KiB (small files stay
// cheap), then is a full block (blockSize); past that it only grows for a line
// longer than a block, up to maxLineLen. Once blocks are full size, the next
// block is read by a goroutine into a second buffer while this one is
// scanned (the read overlaps the scan on another core); blocks are cut at
// the same places either way. With the vector scan that goroutine also
// lists the needles of the block it read (pairscan.Scanner.All), so the
// scanning goroutine only decodes lines.
func (p *kParser) run(r io.Reader) error {
	buf := make([]byte, 0, 64<<10)
	var spare []byte // the second full-size buffer
	var done chan readResult
	var hits []int       // needle starts in buf (nil: not listed)
	var hitBufs [2][]int // reused by turns
	turn := 0
	lineNo := 1
	first := true
	skipping := false // discarding the tail of an over-long line
	// The two full-size buffers are outside the Go heap (allocBlock) and
	// released on return, after the read-ahead goroutine has finished.
	var frees []func()
	inflight := false // the read-ahead goroutine is filling spare
	defer func() {
		if inflight {
			<-done // a panic while it read: it must not write into freed memory
		}
		for _, free := range frees {
			free()
		}
		p.prevLine.text = nil // it pointed into a buffer
	}()
	block := func() []byte {
		b, free := allocBlock(blockSize)
		frees = append(frees, free)
		return b[:0]
	}
	for {
		var n int
		var err error
		prefetched := false
		if len(buf) == cap(buf) {
			last := bytes.LastIndexByte(buf, '\n')
			switch {
			case cap(buf) < blockSize:
				// Past the first 64 KiB, straight to a full block (pages
				// of it that are never written cost no memory).
				buf = append(block(), buf...)
			case last < 0 && cap(buf) < maxLineLen:
				buf = append(make([]byte, 0, cap(buf)*2), buf...)
			case last < 0:
				// One line longer than maxLineLen: process its head, drop the rest.
				p.warn(lineNo, "line longer than %d bytes cut", maxLineLen)
				p.hits = hits
				lineNo = p.processBlock(buf, lineNo, first)
				first = false
				buf = buf[:0]
				skipping = true
			case cap(buf) == blockSize && !forceSyncRead:
				if spare == nil {
					spare = block()
					done = make(chan readResult, 1)
				}
				rest := len(buf) - last - 1
				nb := spare[:rest]
				copy(nb, buf[last+1:])
				p.setupScan(buf)
				scan, hb := p.pairs, hitBufs[turn]
				inflight = true
				go readAhead(r, nb, scan, hb, done)
				p.hits = hits
				lineNo = p.processBlock(buf[:last+1], lineNo, first)
				first = false
				res := <-done
				inflight = false
				spare, buf = buf[:0], nb[:rest+res.n]
				n, err, prefetched = res.n, res.err, true
				hits = res.hits
				if hits != nil {
					hitBufs[turn] = hits
					turn = 1 - turn
				}
			default:
				p.hits = hits
				lineNo = p.processBlock(buf[:last+1], lineNo, first)
				first = false
				rest := copy(buf, buf[last+1:])
				buf = buf[:rest]
			}
		}
		if !prefetched {
			hits = nil // buf changed
			n, err = r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
		}
		if skipping && n > 0 {
			hits = nil
			buf, skipping = dropLineTail(buf)
		}
		if err == io.EOF {
			if len(buf) > 0 && !skipping {
				p.hits = hits
				lineNo = p.processBlock(buf, lineNo, first)
			}
			p.lineNo = lineNo - 1
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", p.path, err)
		}
	}
}

// readAhead is the read-ahead goroutine of run: it fills b[len(b):cap(b)]
// from r and, with a vector scan, lists the needle starts in all of b
// (into hits, reused), then hands the result over on done.
func readAhead(r io.Reader, b []byte, scan *pairscan.Scanner, hits []int, done chan<- readResult) {
	n, err := fill(r, b[len(b):cap(b)])
	var h []int
	if scan != nil && !forceLiveScan {
		h = scan.All(b[:len(b)+n], hits[:0])
	}
	done <- readResult{n, err, h}
}

// dropLineTail drops the head of buf that belongs to a line cut for its
// length, up to and including its newline; it reports whether that line
// goes on past buf (buf held no newline: all of it was dropped).
func dropLineTail(buf []byte) ([]byte, bool) {
	i := bytes.IndexByte(buf, '\n')
	if i < 0 {
		return buf[:0], true
	}
	return buf[:copy(buf, buf[i+1:])], false
}

// forceSyncRead turns off the read-ahead goroutine (tests compare).
var forceSyncRead = false

// forceLiveScan makes processBlock search needles itself instead of using
// the read-ahead goroutine's list (tests compare).
var forceLiveScan = false

// readResult is what the read-ahead goroutine hands back: bytes read, the
// read error and the needle starts in the whole buffer (nil if not listed).
type readResult struct {
	n    int
	err  error
	hits []int
}

// fill reads into b until it is full or r fails (io.EOF included).
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// setupScan picks the vocabulary scan from the head of the first block.
func (p *kParser) setupScan(data []byte) {
	if p.groups != nil || p.pairs != nil {
		return
	}
	sample := data[:min(len(data), 1<<20)]
	if pairscan.Available && !forceGroupScan {
		p.pairs = pairscan.New(sample, vocabWords)
	}
	if p.pairs == nil {
		p.groups = buildGroups(sample)
	}
}

// processBlock handles complete lines in data (ending in '\n' unless final)
// and returns the line number after it.
func (p *kParser) processBlock(data []byte, lineNo int, first bool) int {
	if first {
		p.hint = sniffHint(data[:min(len(data), 1<<20)])
		if f, _ := Sniff(data[:min(len(data), 64<<10)]); f == fmtDmesgRel {
			p.relFull = true // reltime needs every line for its deltas
		}
	}
	p.setupScan(data)
	hits, hc := p.hits, 0
	p.hits = nil
	var next [64]int
	for i := range p.groups {
		next[i] = -2 // unknown
	}
	off := 0
	for off < len(data) {
		full := p.cur != nil || p.relFull || (first && lineNo <= headLines) || lineNo <= p.fullUntil || forceFullDecode
		if full {
			ls := off
			e := bytes.IndexByte(data[off:], '\n')
			var ln []byte
			if e < 0 {
				ln = data[off:]
				off = len(data)
			} else {
				ln = data[off : off+e]
				off += e + 1
			}
			p.line(ln, lineNo, data, ls)
			lineNo++
			continue
		}
		// find the nearest needle at or after off
		best := -1
		switch {
		case hits != nil:
			for hc < len(hits) && hits[hc] < off {
				hc++
			}
			if hc < len(hits) && hits[hc] < len(data) {
				best = hits[hc]
			}
		case p.pairs != nil:
			best = p.pairs.Next(data, off)
		}
		for i := range p.groups {
			if next[i] != -1 && next[i] < off {
				next[i] = p.groups[i].nextHit(data, off)
			}
			if next[i] >= 0 && (best < 0 || next[i] < best) {
				best = next[i]
			}
		}
		if best < 0 {
			lineNo += bytes.Count(data[off:], []byte{'\n'})
			if len(data) > 0 && data[len(data)-1] != '\n' {
				lineNo++
			}
			break
		}
		ls := bytes.LastIndexByte(data[off:best], '\n') + 1 + off
		lineNo += bytes.Count(data[off:ls], []byte{'\n'})
		e := bytes.IndexByte(data[ls:], '\n')
		var ln []byte
		if e < 0 {
			ln = data[ls:]
			off = len(data)
		} else {
			ln = data[ls : ls+e]
			off = ls + e + 1
		}
		p.line(ln, lineNo, data, ls)
		lineNo++
	}
	// remember the last line for KernelLog.Last
	end := len(data)
	if end > 0 && data[end-1] == '\n' {
		end--
	}
	ls := bytes.LastIndexByte(data[:end], '\n') + 1
	p.lastLine = append(p.lastLine[:0], data[ls:end]...)
	p.lastLineNo = lineNo - 1
	return lineNo
}

// line decodes one physical line and dispatches it. data/at locate it in its
// block (for reading back the lines above a headerless report).
func (p *kParser) line(raw []byte, lineNo int, data []byte, at int) {
	if len(raw) > 0 && raw[len(raw)-1] == '\r' {
		raw = raw[:len(raw)-1]
		if !p.crlfWarn {
			p.crlfWarn = true
			p.warn(lineNo, "CRLF line endings (carriage returns removed)")
		}
	}
	if bytes.IndexByte(raw, 0x1b) >= 0 {
		raw = stripANSI(raw) // saved `dmesg --color=always` / coloured journalctl
		data = nil           // offsets no longer match the block
	}
	d := decodeLineCached(raw, p.hint, &p.dcache)
	p.dispatch(d, raw, lineNo, data, at)
}

func (p *kParser) rawString(raw []byte, lineNo int) string {
	if utf8.Valid(raw) && bytes.IndexByte(raw, 0) < 0 {
		return string(raw)
	}
	p.utf8Warns++
	if p.utf8Warns <= 20 {
		p.warn(lineNo, "invalid UTF-8 or NUL bytes replaced")
	}
	s := strings.ToValidUTF8(string(raw), "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// dispatch applies boot tracking and hands the logical lines (split on
// kmsg "\x0a" and rsyslog "#012" escapes) to the report and event code.
func (p *kParser) dispatch(d kline, raw []byte, lineNo int, data []byte, at int) {
	chained := p.decodedNo == lineNo-1
	p.decodedNo = lineNo
	if d.dict {
		return
	}
	if d.format == fmtKmsg && len(raw) > 0 && raw[0] == ' ' {
		return
	}
	if d.cont {
		if p.havePrev && chained && p.prevLine.format == fmtKmsg && isKmsgDict(raw) {
			return
		}
		if p.havePrev && chained { // the record just above
			d.format, d.stamp, d.level, d.host, d.ident = p.prevLine.format, p.prevLine.stamp, p.prevLine.level, p.prevLine.host, p.prevLine.ident
		} else if data != nil {
			if prev, ok := p.lookupPrev(data, at); ok {
				d.format, d.stamp, d.level, d.host, d.ident = prev.format, prev.stamp, prev.level, prev.host, prev.ident
			}
		}
		d.text = bytes.TrimLeft(raw, " \t")
	} else {
		if d.format == fmtDmesgRel {
			p.relStamp(&d)
		}
		p.formats[d.format]++
		if d.host != "" && d.host != p.lastHost {
			p.noteHost(d.host)
		}
		p.prevLine = d
		p.prevLine.stamp.own(&p.prevStamp)
		p.havePrev = true
		if p.log.First == nil && d.stamp.printed() {
			s := d.stamp.stamp()
			p.log.First = &s
		}
		p.bootTrack(&d, lineNo)
	}
	if d.marker {
		return
	}
	text := d.text
	// Userspace writes into the kernel ring ("systemd[1]: …") and syslog idents.
	if d.ident == "" {
		if id, msg, ok := identFromText(text, &p.dcache); ok {
			d.ident = id
			d.text = msg
			text = msg
		}
	}
	ll := logical{k: d, ref: Ref{Path: p.path, Line: lineNo}, raw: raw}
	if d.format == fmtKmsg && bytes.Contains(text, []byte(`\x`)) {
		for _, part := range bytes.Split(unescapeKmsg(text), []byte{'\n'}) {
			ll.text = part
			p.logical(&ll, data, at)
		}
		return
	}
	if bytes.Contains(text, []byte("#012")) {
		for _, part := range bytes.Split(text, []byte("#012")) {
			ll.text = part
			p.logical(&ll, data, at)
		}
		return
	}
	ll.text = text
	p.logical(&ll, data, at)
}

// stripANSI removes ANSI CSI escape sequences ("\x1b[32m").
func stripANSI(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == 0x1b && i+1 < len(b) && b[i+1] == '[' {
			j := i + 2
			for j < len(b) && (isDigit(b[j]) || b[j] == ';' || b[j] == '?') {
				j++
			}
			if j < len(b) {
				i = j // skip the final byte too
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}

func isKmsgDict(raw []byte) bool {
	t := bytes.TrimLeft(raw, " ")
	eq := bytes.IndexByte(t, '=')
	if eq <= 0 || len(raw) == len(t) {
		return false
	}
	for _, c := range t[:eq] {
		if !(c >= 'A' && c <= 'Z' || c == '_' || isDigit(c)) {
			return false
		}
	}
	return true
}

// unescapeKmsg undoes /dev/kmsg "\xNN" escaping.
func unescapeKmsg(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+3 < len(b) && b[i+1] == 'x' && isHex(b[i+2]) && isHex(b[i+3]) {
			out = append(out, unhex(b[i+2])<<4|unhex(b[i+3]))
			i += 3
			continue
		}
		out = append(out, b[i])
	}
	return out
}

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// lookupPrev finds the nearest prefixed line above at (a continuation line
// met outside a report inherits its stamp).
func (p *kParser) lookupPrev(data []byte, at int) (kline, bool) {
	end := at
	for n := 0; n < 200 && end > 0; n++ {
		s := bytes.LastIndexByte(data[:end-1], '\n') + 1
		d := decodeLine(data[s:end-1], p.hint)
		if !d.cont && d.format != FormatNone {
			return d, true
		}
		end = s
	}
	return kline{}, false
}

// relStamp turns dmesg reltime stamps into wall times: "[Nov26 19:23]" sets
// the minute, "[  +0.000060]" adds to the previous line. Wall is then exact
// to the minute only (WallHasYear false).
func (p *kParser) relStamp(d *kline) {
	if !d.hasRel {
		if d.stamp.hasWall {
			p.relWall, p.hasRelWall = d.stamp.wall, true
		}
		return
	}
	if !p.hasRelWall {
		return
	}
	w := p.relWall.Add(secondsDuration(d.relDelta))
	d.stamp.wall, d.stamp.hasWall = w, true
	p.relWall = w
}

// logical is one logical line (one record line after escape splitting).
type logical struct {
	k    kline
	ref  Ref
	raw  []byte
	text []byte
}

func (p *kParser) quote(ll *logical) Quote {
	return Quote{Ref: ll.ref, Text: p.rawString(ll.raw, ll.ref.Line)}
}

// journalHeaderEnd reads the end time of journalctl's header line, "--
// Logs begin at Mon 2025-03-10 08:01:12 CET, end at Wed 2025-03-12
// 11:42:07 CET. --" or "-- Journal begins at …, ends at … --", as a
// node-local clock reading (the zone abbreviation is not trusted).
func journalHeaderEnd(t []byte) (time.Time, bool) {
	if !bytes.HasPrefix(t, []byte("-- Logs begin at ")) && !bytes.HasPrefix(t, []byte("-- Journal begins at ")) {
		return time.Time{}, false
	}
	var end []byte
	for _, sep := range []string{", end at ", ", ends at "} {
		if _, e, ok := bytes.Cut(t, []byte(sep)); ok {
			end = e
			break
		}
	}
	// "Wed 2025-03-12 11:42:07 CET. --": the weekday, date and time
	f := bytes.Fields(end)
	if len(f) < 3 {
		return time.Time{}, false
	}
	w, err := time.Parse("2006-01-02 15:04:05", string(f[1])+" "+string(bytes.TrimSuffix(f[2], []byte("."))))
	if err != nil {
		return time.Time{}, false
	}
	return w, true
}

// bootTrack starts a new boot on banners, journal markers and kernel
// seconds going backwards between decoded lines.
func (p *kParser) bootTrack(d *kline, lineNo int) {
	ref := Ref{Path: p.path, Line: lineNo}
	if p.boot == nil {
		p.newBoot(ref, "first", d)
	}
	t := d.text
	switch {
	case d.marker:
		if end, ok := journalHeaderEnd(t); ok && p.log.JournalEnd == nil {
			p.log.JournalEnd = &end
		}
		if bytes.HasPrefix(t, []byte("-- Boot ")) || bytes.HasPrefix(t, []byte("-- Reboot --")) {
			if p.bootContent {
				p.newBoot(ref, "journal-marker", d)
			}
			if d.bootID != "" {
				p.boot.ID = d.bootID
			}
		}
		return
	case bytes.HasPrefix(t, []byte("Linux version ")):
		if p.bootContent {
			p.newBoot(ref, "banner", d)
		}
		p.boot.Banner = string(t)
		p.fullUntil = lineNo + 64
		if f := bytes.Fields(t); len(f) > 2 {
			p.boot.Kernel = string(f[2])
		}
		if p.boot.First == nil && d.stamp.printed() {
			s := d.stamp.stamp()
			p.boot.First = &s
		}
		p.lastSecs, p.hasLastSecs = d.stamp.secs, d.stamp.hasSecs
		return
	case bytes.HasPrefix(t, []byte("Command line: ")) || bytes.HasPrefix(t, []byte("Kernel command line: ")):
		if p.boot.Command == "" {
			p.boot.Command = string(t[bytes.IndexByte(t, ':')+2:])
		}
	}
	if ks := d.stamp.secs; d.stamp.hasSecs && (d.format != fmtJournalMono || p.hint != hintJournal) {
		if p.hasLastSecs && ks+1.0 < p.lastSecs && p.bootContent {
			p.newBoot(ref, "clock-reset", d)
		}
		p.lastSecs, p.hasLastSecs = ks, true
	}
	p.bootContent = true
	if p.boot.First == nil && d.stamp.printed() {
		s := d.stamp.stamp()
		p.boot.First = &s
	}
	if d.stamp.hasSecs && d.stamp.hasWall {
		cp := ClockPoint{Ref: ref, Boot: p.boot.Index, KernelSeconds: d.stamp.secs, Wall: d.stamp.wall,
			WallHasYear: d.stamp.wallHasYear, WallHasZone: d.stamp.wallHasZone}
		if !p.bootCPSeen {
			p.log.Clock = append(p.log.Clock, cp)
			p.bootCPSeen = true
		} else {
			p.bootCPLast = cp
		}
	}
}

// clockPoint records the line of an OOM fact as a ClockPoint (always kept).
func (p *kParser) clockPoint(ll *logical) {
	st := &ll.k.stamp
	if !st.hasSecs || !st.hasWall || p.boot == nil {
		return
	}
	p.log.Clock = append(p.log.Clock, ClockPoint{Ref: ll.ref, Boot: p.boot.Index, KernelSeconds: st.secs,
		Wall: st.wall, WallHasYear: st.wallHasYear, WallHasZone: st.wallHasZone})
}

func (p *kParser) flushBootClock() {
	if p.bootCPSeen && p.bootCPLast.Line > 0 {
		p.log.Clock = append(p.log.Clock, p.bootCPLast)
	}
	p.bootCPSeen, p.bootCPLast = false, ClockPoint{}
}

func (p *kParser) newBoot(ref Ref, reason string, d *kline) {
	p.closeReport("boot changed before the report ended")
	p.flushBootClock()
	p.recent = nil
	p.manual = nil
	b := Boot{Index: len(p.log.Boots), Start: ref, Reason: reason}
	p.log.Boots = append(p.log.Boots, b)
	p.boot = &p.log.Boots[len(p.log.Boots)-1]
	p.bootContent = false
	p.hasLastSecs = false
	if reason != "first" {
		p.addEvent(Event{Ref: ref, Boot: b.Index, Stamp: d.stamp.stamp(), Kind: "boot", Text: string(d.text)})
	}
}

func (p *kParser) bootIndex() int {
	if p.boot == nil {
		return 0
	}
	return p.boot.Index
}

// alwaysKept reports whether every event of kind is kept (see addEvent).
func alwaysKept(kind string) bool {
	switch kind {
	case "oomd-kill", "earlyoom-kill", "kubelet-eviction", "boot", "swap-on", "swap-off", "kernel-panic":
		return true
	}
	return false
}

// kindFull reports whether the next event of kind will be dropped by
// addEvent (its kind already has maxEventsPerKind events).
func (p *kParser) kindFull(kind string) bool {
	return !alwaysKept(kind) && p.kindN[kind] >= maxEventsPerKind
}

func (p *kParser) addEvent(e Event) {
	switch {
	case alwaysKept(e.Kind):
	default:
		// Repetitive kinds (hung tasks, notices, kubelet lines) are kept up
		// to maxEventsPerKind each: memory must not grow with a log's noise.
		if p.kindN == nil {
			p.kindN = map[string]int{}
		}
		p.kindN[e.Kind]++
		if n := p.kindN[e.Kind]; n > maxEventsPerKind {
			if n == maxEventsPerKind+1 {
				p.warn(e.Line, "more than %d %s events: the first %d and the last are kept", maxEventsPerKind, e.Kind, maxEventsPerKind)
			}
			return
		}
	}
	p.eventsN++
	if p.eventsN > maxEvents {
		if p.eventsN == maxEvents+1 {
			p.warn(e.Line, "more than %d events: the rest are not kept", maxEvents)
		}
		return
	}
	// Events are kept in chunks and joined once in finish: appending to one
	// slice copied the large Event structs again at every growth.
	if n := len(p.events); n == 0 || len(p.events[n-1]) == cap(p.events[n-1]) {
		p.events = append(p.events, make([]Event, 0, eventChunk))
	}
	c := &p.events[len(p.events)-1]
	*c = append(*c, e)
}

// droppedEvent is the last event of a kind past its cap: what finish needs
// to keep it (the last kubelet start is the one that explains replayed
// SystemOOM events; the last hung task dates the end of a storm).
type droppedEvent struct {
	ref   Ref
	boot  int
	stamp kstamp
	buf   []byte // holds stamp's text
	text  []byte
}

// noteDropped remembers ll (text t) as the last dropped event of kind;
// addEvent counts it.
func (p *kParser) noteDropped(kind string, ll *logical, t []byte) {
	if p.lastDropped == nil {
		p.lastDropped = map[string]*droppedEvent{}
	}
	d := p.lastDropped[kind]
	if d == nil {
		d = &droppedEvent{}
		p.lastDropped[kind] = d
	}
	d.ref, d.boot, d.stamp = ll.ref, p.bootIndex(), ll.k.stamp
	d.stamp.own(&d.buf)
	d.text = append(d.text[:0], t...)
}

// keepLastDropped adds the last dropped event of each capped kind to the
// events and counts the others in l.Dropped.
func (p *kParser) keepLastDropped(l *KernelLog) {
	kinds := make([]string, 0, len(p.lastDropped))
	for k := range p.lastDropped {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		d := p.lastDropped[k]
		l.Events = append(l.Events, Event{Ref: d.ref, Boot: d.boot, Stamp: d.stamp.stamp(), Kind: k, Text: p.rawString(d.text, d.ref.Line)})
		if n := p.kindN[k] - maxEventsPerKind - 1; n > 0 {
			l.Dropped = append(l.Dropped, DroppedEvents{Kind: k, Count: n})
		}
	}
	p.lastDropped = nil
}

// maxHosts bounds KernelLog.Hosts.
const maxHosts = 8

// noteHost adds h to the log's host names if it is new.
func (p *kParser) noteHost(h string) {
	p.lastHost = h
	if len(p.log.Hosts) >= maxHosts {
		return
	}
	for _, x := range p.log.Hosts {
		if x == h {
			return
		}
	}
	p.log.Hosts = append(p.log.Hosts, h)
}

func (p *kParser) addUnknown(ll *logical) { p.addUnknownQuote(p.quote(ll)) }

// addUnknownQuote lists q as unexplained (up to maxUnknown lines).
func (p *kParser) addUnknownQuote(q Quote) {
	p.unknownN++
	if p.unknownN > maxUnknown {
		if p.unknownN == maxUnknown+1 {
			p.warn(q.Line, "more than %d unexplained lines: the rest are not listed", maxUnknown)
		}
		return
	}
	p.log.Unknown = append(p.log.Unknown, q)
}

// finish closes open state and fills the summary fields.
func (p *kParser) finish() *KernelLog {
	p.closeReport("log ended before the report did")
	p.flushBootClock()
	p.flushEarlyoom()
	for _, rb := range p.all {
		p.log.Reports = append(p.log.Reports, rb.finish())
	}
	l := p.log
	if len(p.events) > 0 {
		n := 0
		for _, c := range p.events {
			n += len(c)
		}
		l.Events = make([]Event, 0, n+len(p.lastDropped))
		for i, c := range p.events {
			l.Events = append(l.Events, c...)
			p.events[i] = nil
		}
		p.events = nil
	}
	p.keepLastDropped(l)
	l.Lines = p.lineNo
	if len(l.Boots) == 0 {
		l.Boots = []Boot{{Index: 0, Start: Ref{Path: p.path, Line: 1}, Reason: "first"}}
	}
	best, n := FormatNone, 0
	for _, f := range formatOrder {
		if p.formats[f] > n {
			best, n = f, p.formats[f]
		}
	}
	if best == FormatNone && p.hint == hintJournal {
		best = fmtJournalCat
	}
	l.Format = best
	if len(p.lastLine) > 0 {
		d := decodeLine(bytes.TrimSuffix(p.lastLine, []byte("\r")), p.hint)
		if d.format == fmtDmesgRel {
			p.relStamp(&d)
		}
		if d.stamp.printed() {
			s := d.stamp.stamp()
			l.Last = &s
		} else if p.havePrev && p.prevLine.stamp.printed() {
			s := p.prevLine.stamp.stamp()
			l.Last = &s
		}
	}
	sort.SliceStable(l.Clock, func(i, j int) bool { return l.Clock[i].Line < l.Clock[j].Line })
	// dedupe clock points on the same line
	out := l.Clock[:0]
	for i, c := range l.Clock {
		if i > 0 && c.Line == out[len(out)-1].Line {
			continue
		}
		out = append(out, c)
	}
	l.Clock = out
	sort.SliceStable(l.Events, func(i, j int) bool { return l.Events[i].Line < l.Events[j].Line })
	sort.SliceStable(l.Unknown, func(i, j int) bool { return l.Unknown[i].Line < l.Unknown[j].Line })
	sort.SliceStable(l.Warnings, func(i, j int) bool { return l.Warnings[i].Line < l.Warnings[j].Line })
	return l
}
