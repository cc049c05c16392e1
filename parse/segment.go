package parse

// The paste segmenter: a ticket, a mail reply, a terminal transcript or a
// web page holds several command outputs between prose. Segments splits
// such a text into runs of lines, each with the kind of output it holds
// (or prose), the command that produced it where the text shows one, and
// the quoting and indentation undone to read it:
//
//	Here is what dmesg says:            ← prose (a hint: "dmesg")
//	```                                 ← fence: a boundary
//	# dmesg | grep 23143                ← prompt + command: a strong hint
//	[1375956.718916] Out of memory: …   ← kernel-log
//	...                                 ← elision: a gap inside the segment
//	```
//	> [root@db1 ~]# swapon -s           ← quoted (mail): quote level undone
//	> Filename   Type  Size  Used  Priority
//
// Every line of the text belongs to exactly one segment. A segment's
// parse text keeps the original line numbers: it starts with one empty
// line per line before it, and lines that are not output (prompts,
// fences, elisions, the continuation of a line re-wrapped by a mail
// client, which is joined back onto the line before) are left empty, so
// whatever a parser cites is the line the user sees in the paste.

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/oomlens/oomlens/parse/kernel"
)

// maxPaste is the largest loose file read through the segmenter; larger
// files are logs or tables of their own and are read as one kind.
const maxPaste = 1 << 20

// Segment is one run of lines of a text.
type Segment struct {
	Start, End int    // first and last line, 1-based, inclusive
	Kind       string // input kind (kernel-log, free, swapon, …), "prose", or "blank"
	Format     string
	Command    string // the command the text shows for it ("" if none)
	Hint       string // where Command comes from: prompt, fence, heading
	Quote      int    // quote depth undone ("> " = 1)
	Indent     int    // common indentation removed
	Elided     []int  // elision lines inside ("...", "[...]", "<snip>")
	Joined     []int  // lines joined back onto the line before (re-wrapped)
	Oomish     []int  // prose lines that mention an OOM kill (kernel phrases)

	lines []pline // the whole text's lines
	data  []byte  // the parse text, built by Data
	built bool
}

// Data is the segment's parse text: as many lines as the text up to End,
// empty outside the segment and where a line is not output. It is built
// when first asked for (a file of one kind never needs it); Elided,
// Joined and Oomish are complete once it is.
func (s *Segment) Data() []byte {
	if !s.built {
		s.data, s.built = segmentData(s, s.lines), true
	}
	return s.data
}

// pline is one line of the text as the segmenter sees it.
type pline struct {
	n      int    // 1-based line number
	quote  int    // quote depth
	text   string // the line without its quote marks and CR
	blank  bool
	fence  bool
	info   string // a fence's info string
	prompt string // the command typed on a prompt line
	elide  bool
	shaped bool // prefixed like a log line (kernel, syslog, journal)
	evrow  bool // a kubectl Events row ("Warning  SystemOOM  5m46s  …")
	soft   bool // ends in a space: a soft line break (format=flowed mail, a web form)
	wrap   bool // the tail of the log line before it, re-wrapped
	header string
}

var (
	fenceRE = regexp.MustCompile("^\\s*(```+|~~~+)\\s*([\\w+.-]*)")
	// shell prompts: "$ cmd", "# cmd", "$: cmd", "% cmd",
	// "user@host:~$ cmd", "root@node2:/var/lib/kubelet# cmd",
	// "[root@db1 ~]# cmd", "host$ cmd", "PS C:\> cmd"
	promptRE = regexp.MustCompile(`^\s*(?:` +
		`[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s?[$#%>]|` +
		`\[[\w.-]+@[\w.-]+(?:\s+[^\]]*)?\][$#]|` +
		`\([\w.-]+\)\s*[\w.-]+@[\w.-]+[^$#]*[$#]|` +
		`[A-Za-z][\w.-]*[$#%]|` +
		`\$:|\$|#|%|>` +
		`)\s*(.*)$`)
	eventRowRE = regexp.MustCompile(`^\s*(?:Normal|Warning)\s+[A-Z][A-Za-z]+\s+(?:<unknown>|<invalid>|\d+[smhdy]|\d+[smhd]\d)`)
	elideRE    = regexp.MustCompile(`^\s*(?:\.{3,}|…+|\[\s*(?:\.{3,}|…|snip(?:ped)?|truncated|cut|omitted)[^\]]*\]|<\s*(?:snip(?:ped)?|truncated|cut|omitted)[^>]*>|\(\s*(?:\.{3,}|…|snip(?:ped)?|truncated)[^)]*\)|-+\s*(?:snip|cut)\s*-+|-{2,}8<-+|\.{3,}\s*\(?\d+\s+(?:more\s+)?lines?[^)]*\)?\.*|\d+\s+lines?\s+(?:omitted|removed|snipped)\.?)\s*$`)
)

// commandWords are the first words of commands whose output oomlens reads
// (after sudo, a pipeline's head, or a kubectl wrapper): a "# word" line
// is a root prompt only with one of these, else a Markdown heading.
var commandWords = map[string]string{
	"dmesg": "kernel-log", "journalctl": "kernel-log",
	"free": "free", "swapon": "swapon", "sysctl": "sysctl",
	"uname": "uname", "date": "date", "uptime": "uptime", "hostname": "hostname",
	"hostnamectl": "hostname", "timedatectl": "timedatectl", "vmstat": "",
	"kubectl": "", "oc": "", "k": "", "microk8s": "", "microk8s.kubectl": "", "crictl": "",
	"cat": "", "less": "", "more": "", "tail": "", "head": "", "grep": "", "egrep": "",
	"zcat": "", "zgrep": "", "zless": "", "xzcat": "", "sudo": "", "awk": "", "sed": "",
	"docker": "", "systemctl": "", "top": "", "ps": "", "ls": "", "echo": "", "cd": "",
	"ssh": "", "tee": "", "watch": "", "lsblk": "", "df": "", "sos": "", "sosreport": "",
	"earlyoom": "", "oomctl": "", "slabtop": "", "numactl": "", "lscpu": "",
}

// commandKind returns the input kind a command line prints ("" if none
// is known) and a file name to sniff it by.
func commandKind(cmd string) (kind, name string) {
	cmd = strings.TrimSpace(cmd)
	for _, part := range strings.Split(cmd, "|") {
		f := strings.Fields(part)
		for len(f) > 0 && (f[0] == "sudo" || f[0] == "time" || strings.HasPrefix(f[0], "-") || strings.Contains(f[0], "=") && !strings.Contains(f[0], "/")) {
			f = f[1:]
		}
		if len(f) == 0 {
			continue
		}
		w := f[0]
		if i := strings.LastIndexByte(w, '/'); i >= 0 && i < len(w)-1 {
			w = w[i+1:]
		}
		switch w {
		case "dmesg", "journalctl":
			return "kernel-log", ""
		case "kubectl", "oc", "k", "microk8s", "microk8s.kubectl":
			args := strings.Join(f[1:], " ")
			switch {
			case regexp.MustCompile(`\bdescribe\s+(?:nodes?|no)\b`).MatchString(args):
				return "describe-node", ""
			case regexp.MustCompile(`\bdescribe\s+(?:pods?|po)\b`).MatchString(args):
				return "describe-pod", ""
			case regexp.MustCompile(`\bget\s+(?:events?|ev)\b`).MatchString(args):
				return "get-events", ""
			case regexp.MustCompile(`\bget\s+(?:nodes?|no)\b`).MatchString(args):
				return "get-nodes", ""
			case regexp.MustCompile(`\bget\s+(?:pods?|po)\b`).MatchString(args):
				return "get-pods", ""
			}
			return "", ""
		case "cat", "less", "more", "tail", "head", "grep", "egrep", "zcat", "zgrep", "zless", "xzcat", "awk", "sed":
			for _, a := range f[1:] {
				switch {
				case a == "/proc/swaps":
					return "proc-swaps", "swaps"
				case a == "/proc/meminfo":
					return "meminfo", "meminfo"
				case a == "/proc/vmstat":
					return "vmstat", "vmstat"
				case strings.HasPrefix(a, "/proc/pressure/"):
					return "pressure", "memory"
				case strings.Contains(a, "/var/log/messages") || strings.Contains(a, "/var/log/syslog") || strings.Contains(a, "/var/log/kern.log"):
					return "kernel-log", ""
				case strings.HasSuffix(a, "kubelet/config.yaml"):
					return "kubelet-config", ""
				case strings.HasPrefix(a, "/proc/sys/vm/"):
					return "sysctl", a
				}
			}
		default:
			if k, ok := commandWords[w]; ok && k != "" {
				return k, ""
			}
		}
	}
	return "", ""
}

// isCommand tells a typed command from prose after a prompt character.
func isCommand(cmd string) bool {
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return false
	}
	w := f[0]
	if i := strings.LastIndexByte(w, '/'); i >= 0 && i < len(w)-1 {
		w = w[i+1:]
	}
	_, ok := commandWords[w]
	return ok
}

// tableHeaderOf names the table a line heads ("" if none).
func tableHeaderOf(t string) string {
	s := strings.TrimSpace(t)
	f := strings.Fields(s)
	switch {
	case len(f) == 5 && f[0] == "Filename" && f[1] == "Type" && f[4] == "Priority":
		return "swapon"
	case len(f) >= 4 && f[0] == "NAME" && f[1] == "TYPE" && f[2] == "SIZE":
		return "swapon"
	case len(f) >= 3 && f[0] == "total" && f[1] == "used" && f[2] == "free":
		return "free"
	case s == "Events:" || strings.HasPrefix(s, "Events:") && strings.TrimSpace(s[7:]) == "<none>":
		return "events"
	case len(f) >= 4 && f[0] == "Type" && f[1] == "Reason" && (f[2] == "Age" || f[2] == "From"):
		return "events"
	case strings.HasPrefix(s, "Name:") && len(f) == 2:
		return "describe"
	case strings.HasPrefix(s, "MemTotal:"):
		return "meminfo"
	case strings.HasPrefix(s, "LAST SEEN") || strings.HasPrefix(s, "NAMESPACE ") || len(f) >= 3 && f[0] == "NAME" && (f[1] == "STATUS" || f[1] == "READY"):
		return "kubectl-get"
	}
	return ""
}

// Segments splits text into segments (see the package comment above).
func Segments(name string, text []byte) []Segment {
	lines := splitPaste(text)
	if len(lines) == 0 {
		return nil
	}
	var out []Segment
	carry := ""
	for _, r := range regions(lines) {
		if r.command == "" && carry != "" {
			r.command, r.hint = carry, "above"
		}
		segs := r.segments(name, lines)
		out = append(out, segs...)
		// A fence (or a prompt line) holding only a command whose output
		// is in the next block ("```bash\nkubectl describe node x\n```"),
		// or a sentence ending in a colon that names one ("dmesg
		// output:"), names the command of the next output below it.
		switch c := r.onlyCommand(lines); {
		case c != "":
			carry = c
		case r.hint == "above" && !hasCommand(segs):
			// not taken: prose between the sentence and the output
		case len(segs) > 0 && segs[len(segs)-1].Kind == "prose":
			carry = sentenceCommand(lines, r)
		default:
			carry = ""
		}
	}
	out = mergeSegments(out)
	for i := range out {
		s := &out[i]
		s.lines = lines
		for _, p := range lines[s.Start-1 : s.End] {
			switch {
			case p.elide:
				s.Elided = append(s.Elided, p.n)
			case s.Kind == "prose" || s.Kind == "blank":
				if !p.blank && !p.fence && oomWords(p.text) {
					s.Oomish = append(s.Oomish, p.n)
				}
			case s.Kind == "kernel-log" && p.wrap:
				s.Joined = append(s.Joined, p.n)
			}
		}
	}
	return out
}

func splitPaste(text []byte) []pline {
	var out []pline
	n := 0
	// one copy of the text: every line's string is a part of it
	all := string(text)
	for len(all) > 0 {
		i := strings.IndexByte(all, '\n')
		var s string
		if i < 0 {
			s, all = all, ""
		} else {
			s, all = all[:i], all[i+1:]
		}
		n++
		s = strings.TrimSuffix(s, "\r")
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		if n == 1 {
			s = strings.TrimPrefix(s, "\uFEFF")
		}
		p := pline{n: n}
		if q, rest := quoteDepth(s); q > 0 {
			p.quote, s = q, rest
		}
		p.text = strings.TrimRight(s, " \t")
		p.soft = strings.HasSuffix(s, " ")
		p.blank = p.text == "" || strings.TrimSpace(p.text) == ""
		if m := maybeFence(s); m && fenceRE.MatchString(s) {
			p.fence, p.info = true, fenceRE.FindStringSubmatch(s)[2]
		} else if !p.blank {
			p.elide = maybeElision(p.text) && elideRE.MatchString(s)
			if !p.elide {
				df, dc := kernel.LineShape(unsafeBytes(s))
				// a pr_cont continuation (indented, no prefix) is part
				// of the log line before it
				prevShaped := len(out) > 0 && out[len(out)-1].shaped
				p.shaped = df != kernel.FormatNone && !dc || dc && prevShaped && df == kernel.FormatNone
				if !p.shaped && (s[0] == ' ' || s[0] == '\t') {
					// an indented block (Markdown code, a mail)
					df, dc = kernel.LineShape(unsafeBytes(strings.TrimLeft(s, " \t")))
					p.shaped = df != kernel.FormatNone && !dc
				}
				if !p.shaped {
					if maybePrompt(s) {
						if m := promptRE.FindStringSubmatch(s); m != nil && isCommand(m[1]) && !strings.HasPrefix(strings.TrimSpace(s), ">") {
							p.prompt = strings.TrimSpace(m[1])
						}
					}
					p.header = tableHeaderOf(s)
					if t := strings.TrimLeft(s, " \t"); strings.HasPrefix(t, "Normal") || strings.HasPrefix(t, "Warning") {
						p.evrow = eventRowRE.MatchString(s)
					}
					if n := len(out); n > 0 && continuation(out[n-1], p) {
						p.wrap = true
					}
				}
			}
		}
		out = append(out, p)
	}
	leadingContinuations(out)
	return out
}

// leadingContinuations marks as log lines the indented pr_cont
// continuations a cut log starts with (`dmesg | tail` beginning inside the
// Mem-Info summary: "                unevictable:0 dirty:3 writeback:0"):
// a run of such lines that every field of is key:value, right before a log
// line, after a boundary (the start, a blank line, a prompt, a fence, prose).
func leadingContinuations(lines []pline) {
	for i := 0; i < len(lines); i++ {
		if lines[i].shaped || !kvContinuation(lines[i]) || i > 0 && lines[i-1].shaped {
			continue
		}
		j := i
		for j < len(lines) && !lines[j].shaped && kvContinuation(lines[j]) && lines[j].quote == lines[i].quote {
			j++
		}
		if j < len(lines) && lines[j].shaped && lines[j].quote == lines[i].quote {
			for k := i; k < j; k++ {
				lines[k].shaped, lines[k].wrap = true, false
			}
		}
		i = j
	}
}

// kvContinuation: an indented line of key:value fields only.
func kvContinuation(p pline) bool {
	if p.blank || p.fence || p.elide || p.prompt != "" || p.header != "" || len(p.text) == 0 || p.text[0] != ' ' && p.text[0] != '\t' {
		return false
	}
	f := strings.Fields(p.text)
	if len(f) == 0 {
		return false
	}
	for _, w := range f {
		c := strings.IndexByte(w, ':')
		if c <= 0 || c == len(w)-1 {
			return false
		}
		for _, r := range w[:c] {
			if !(r >= 'a' && r <= 'z' || r == '_' || r >= '0' && r <= '9') {
				return false
			}
		}
		for _, r := range w[c+1:] {
			if !(r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// region is a run of lines between hard boundaries: fences, prompts and
// quote-level changes.
type region struct {
	from, to int // indexes into lines, inclusive
	command  string
	hint     string
	fenced   bool
}

func regions(lines []pline) []region {
	var out []region
	cur := region{from: 0, to: -1}
	inFence := false
	lastQuote := -1
	flush := func(to int) {
		if to >= cur.from {
			cur.to = to
			out = append(out, cur)
		}
	}
	for i, p := range lines {
		switch {
		case p.fence && !inFence:
			flush(i - 1)
			inFence = true
			cur = region{from: i, command: "", hint: "", fenced: true}
			if _, ok := commandWords[p.info]; ok && p.info != "" {
				cur.command, cur.hint = p.info, "fence"
			}
			continue
		case p.fence && inFence:
			inFence = false
			flush(i)
			cur = region{from: i + 1}
			continue
		case !p.blank && lastQuote >= 0 && p.quote != lastQuote:
			flush(i - 1)
			cur = region{from: i, fenced: inFence}
		}
		if !p.blank {
			lastQuote = p.quote
		}
		if p.prompt != "" {
			flush(i - 1)
			cur = region{from: i, command: p.prompt, hint: "prompt", fenced: inFence}
		}
	}
	flush(len(lines) - 1)
	return out
}

// block is a run of lines of one region classified together.
type block struct {
	from, to int
	shaped   bool
}

// segments splits a region at blank lines, at changes of line shape and
// at table headers, classifies each block and returns its segments.
func (r region) segments(name string, lines []pline) []Segment {
	var blocks []block
	start := -1
	shapeOf := func(i int) bool { return lines[i].shaped }
	for i := r.from; i <= r.to; i++ {
		p := lines[i]
		if p.blank || p.fence || p.prompt != "" {
			if start >= 0 {
				blocks = append(blocks, block{start, i - 1, shapeOf(start)})
				start = -1
			}
			continue
		}
		if p.elide {
			continue // a gap inside whatever it cuts
		}
		if start >= 0 {
			sh := shapeOf(start)
			switch {
			case p.shaped != sh && !(sh && p.wrap):
				blocks = append(blocks, block{start, i - 1, sh})
				start = -1
			case !p.shaped && !sh && p.evrow && !evrowsFrom(lines, start, i):
				// event rows after prose (a chat line, a sentence)
				blocks = append(blocks, block{start, i - 1, sh})
				start = -1
			case p.header != "" && !p.shaped && i > start && indentOf(p.text) <= indentOf(lines[start].text) &&
				lines[start].header != p.header && !(lines[start].header == "describe" && p.header == "events"):
				blocks = append(blocks, block{start, i - 1, sh})
				start = -1
			}
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		blocks = append(blocks, block{start, r.to, shapeOf(start)})
	}
	var out []Segment
	hintUsed := false
	for bi, b := range blocks {
		s := Segment{Start: lines[b.from].n, End: lines[b.to].n, Quote: lines[b.from].quote}
		if hintUsed || r.command == "" {
			// a sentence ending the prose block just above ("journalctl -k
			// from the node, first kill:") names this block's command
			if bi > 0 && len(out) > 0 && out[len(out)-1].Kind == "prose" {
				if c := sentenceCommand(lines, region{from: blocks[bi-1].from, to: blocks[bi-1].to}); c != "" {
					r.command, r.hint, hintUsed = c, "above", false
				}
			}
		}
		cmdKind, cmdName := commandKind(r.command)
		if hintUsed {
			cmdKind, cmdName = "", "" // the command's output came before
		}
		if r.hint == "above" && cmdKind != "" {
			// a hint from above names a kind only if the text agrees
			cmdKind = "+above"
		}
		kind, format := classify(name, cmdKind, cmdName, lines[b.from:b.to+1], b.shaped)
		if kind != "prose" && !hintUsed && r.command != "" {
			s.Command, s.Hint, hintUsed = r.command, r.hint, true
		}
		s.Kind, s.Format = kind, format
		out = append(out, s)
	}
	// Every line belongs to one segment: blank, fence, prompt and
	// elision lines go with the block they border.
	return cover(out, lines, r)
}

// continuation tells a line re-wrapped by a mail client or a web form (the
// tail of the log line before it) from a line of its own.
func continuation(prev, p pline) bool {
	if !prev.shaped && !prev.wrap || p.quote != prev.quote || p.blank || p.shaped || p.prompt != "" || p.fence || p.elide {
		return false
	}
	t := strings.TrimSpace(p.text)
	if strings.HasPrefix(t, "[") {
		// a bracket starts a line of its own (a stamp, however mangled;
		// a task-table header)
		return false
	}
	f := strings.Fields(t)
	if prev.soft && len(f) > 0 && len(f) <= 16 {
		// a soft break: the writer's mail client wrapped the line
		return true
	}
	if len(prev.text) < 60 || len(f) == 0 || len(f) > 8 || strings.HasSuffix(prev.text, ".") {
		return false
	}
	for _, w := range f {
		if strings.ContainsAny(w, "=:") || strings.HasSuffix(w, "kB") || strings.HasSuffix(w, ",") || strings.HasSuffix(w, ")") {
			return true
		}
	}
	return false
}

// classify names the kind of a block of lines.
func classify(name, cmdKind, cmdName string, ls []pline, shaped bool) (kind, format string) {
	if shaped {
		return "kernel-log", ""
	}
	data := dedent(ls)
	sniffName := name
	if cmdName != "" {
		sniffName = cmdName
	}
	if ls[0].header == "events" || ls[0].header == "" && (bareEvents(ls) || ls[0].evrow) {
		return "describe-events", "events"
	}
	if k, f := Sniff(sniffName, data); k != "" && k != "kernel-log" {
		if k == "swapon" && cmdKind == "proc-swaps" {
			return "proc-swaps", "proc-swaps"
		}
		if k == "hostname" && cmdKind != "hostname" || k == "kubelet-flags" && !allFlags(ls) {
			// a word on a line of its own, or documentation quoting a
			// flag ("--fail-swap-on  Makes the Kubelet fail…"), is prose
			return "prose", ""
		}
		return k, f
	}
	switch cmdKind {
	case "", "kernel-log", "+above":
	default:
		// the command says what it printed: let its parser judge
		return cmdKind, ""
	}
	return "prose", ""
}

// bareEvents tells an Events table pasted without its "Events:" line
// (header "Type Reason Age From Message").
func bareEvents(ls []pline) bool {
	f := strings.Fields(ls[0].text)
	return len(f) >= 4 && f[0] == "Type" && f[1] == "Reason" && (f[2] == "Age" || f[2] == "From")
}

// dedent returns the block's lines with their common indentation removed.
func dedent(ls []pline) []byte {
	ind := -1
	for _, p := range ls {
		if p.blank || p.elide {
			continue
		}
		n := len(p.text) - len(strings.TrimLeft(p.text, " \t"))
		if ind < 0 || n < ind {
			ind = n
		}
	}
	var b bytes.Buffer
	for _, p := range ls {
		if p.elide || p.fence {
			b.WriteByte('\n')
			continue
		}
		t := p.text
		if ind > 0 && len(t) >= ind {
			t = t[ind:]
		}
		b.WriteString(t)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// cover widens the segments of a region so that its lines are covered
// once: lines before the first block join it (prompt, fence), lines
// after a block up to the next join that block. A region without blocks
// is one blank (or prose) segment.
func cover(segs []Segment, lines []pline, r region) []Segment {
	first, last := lines[r.from].n, lines[r.to].n
	if len(segs) == 0 && r.hint == "prompt" && (r.to+1 >= len(lines) || lines[r.to+1].prompt != "" || lines[r.to+1].fence || lines[r.to].fence) {
		// a command that printed nothing: for swapon, no swap is active
		if k, _ := commandKind(r.command); k == "swapon" {
			return []Segment{{Start: first, End: last, Kind: "swapon", Command: r.command, Hint: r.hint, Quote: lines[r.from].quote}}
		}
	}
	if len(segs) == 0 {
		k := "blank"
		for i := r.from; i <= r.to; i++ {
			if !lines[i].blank && !lines[i].fence {
				k = "prose"
			}
		}
		s := Segment{Start: first, End: last, Kind: k, Quote: lines[r.from].quote}
		if r.command != "" {
			s.Command, s.Hint = r.command, r.hint
		}
		return []Segment{s}
	}
	segs[0].Start = first
	for i := range segs {
		if i+1 < len(segs) {
			segs[i].End = segs[i+1].Start - 1
		} else {
			segs[i].End = last
		}
	}
	return segs
}

// mergeSegments joins neighbours of the same data kind that only blank or
// elided lines separated (a kernel log copied with blank lines), and
// prose with prose; a command seen on the second keeps them apart.
func mergeSegments(segs []Segment) []Segment {
	var out []Segment
	for _, s := range segs {
		if n := len(out); n > 0 {
			p := &out[n-1]
			same := p.Kind == s.Kind && s.Command == "" &&
				(s.Kind == "prose" || s.Kind == "blank" || s.Kind == "kernel-log" && p.Quote == s.Quote)
			if same {
				p.End = s.End
				continue
			}
			if s.Kind == "blank" && p.Kind != "blank" {
				p.End = s.End
				continue
			}
		}
		out = append(out, s)
	}
	// a leading blank segment joins the one after it
	if len(out) > 1 && out[0].Kind == "blank" {
		out[1].Start = out[0].Start
		out = out[1:]
	}
	return out
}

// segmentData builds the parse text of s and notes its elided, joined
// and OOM-mentioning prose lines.
func segmentData(s *Segment, lines []pline) []byte {
	ls := lines[s.Start-1 : s.End]
	ind := -1
	for _, p := range ls {
		if p.blank || p.elide || p.fence || p.prompt != "" || p.quote != s.Quote {
			continue
		}
		n := len(p.text) - len(strings.TrimLeft(p.text, " \t"))
		if ind < 0 || n < ind {
			ind = n
		}
	}
	if ind < 0 {
		ind = 0
	}
	kernel := s.Kind == "kernel-log"
	if s.Kind != "prose" && s.Kind != "blank" {
		s.Indent = ind
	}
	out := make([][]byte, 0, s.End)
	for i := 1; i < s.Start; i++ {
		out = append(out, nil)
	}
	for j, p := range ls {
		switch {
		case p.elide:
			out = append(out, nil)
			continue
		case p.fence || p.prompt != "":
			out = append(out, nil)
			continue
		case s.Kind == "prose" || s.Kind == "blank":
			if oomWords(p.text) {
				out = append(out, []byte(kernelPart(p.text)))
			} else {
				out = append(out, nil)
			}
			continue
		}
		t := p.text
		if ind > 0 && len(t) >= ind && strings.TrimSpace(t[:ind]) == "" {
			t = t[ind:]
		}
		if kernel {
			if j > 0 && p.wrap {
				// joined back onto the line it was cut from
				k := len(out) - 1
				for k >= 0 && len(out[k]) == 0 {
					k--
				}
				if k >= 0 {
					sep := " "
					if strings.HasSuffix(string(out[k]), "=") || strings.HasSuffix(string(out[k]), ":") {
						sep = ""
					}
					out[k] = append(append(out[k], sep...), t...)
					out = append(out, nil)
					continue
				}
			}
		}
		if s.Kind == "describe-events" {
			t = reindentEvents(t)
		}
		out = append(out, []byte(t))
	}
	return bytes.Join(out, []byte("\n"))
}

// reindentEvents gives an Events table pasted without its leading spaces
// the indentation kubectl prints (the table parser reads rows by it).
func reindentEvents(t string) string {
	s := strings.TrimSpace(t)
	if s == "" || strings.HasPrefix(s, "Events:") || strings.HasPrefix(t, " ") {
		return t
	}
	return "  " + t
}

func indentOf(t string) int { return len(t) - len(strings.TrimLeft(t, " \t")) }

// allFlags tells a block of kubelet flags: every line is "--flag[=value]"
// or KUBELET_…="--…", nothing else.
func allFlags(ls []pline) bool {
	for _, p := range ls {
		if p.blank || p.elide {
			continue
		}
		t := strings.TrimSpace(p.text)
		if !strings.HasPrefix(t, "--") && !strings.HasPrefix(t, "KUBELET_") && !strings.HasPrefix(t, "Environment=") || strings.Count(t, " ") > 3 && !strings.Contains(t, " --") {
			return false
		}
	}
	return true
}

// onlyCommand returns the command a region holds when it holds nothing
// else: a fenced command line, or a prompt with no output after it.
func (r region) onlyCommand(lines []pline) string {
	cmd := ""
	for i := r.from; i <= r.to; i++ {
		p := lines[i]
		switch {
		case p.blank || p.fence:
			continue
		case p.prompt != "" && cmd == "":
			cmd = p.prompt
		case r.fenced && cmd == "" && isCommand(p.text) && strings.Count(p.text, "  ") == 0:
			cmd = strings.TrimSpace(p.text)
		default:
			return ""
		}
	}
	if k, _ := commandKind(cmd); k == "" {
		return ""
	}
	return cmd
}

func hasCommand(segs []Segment) bool {
	for _, s := range segs {
		if s.Command != "" {
			return true
		}
	}
	return false
}

// sentenceCommand returns the command a region's last line names when it
// introduces output: "dmesg output:", "Output of `free -m`:", "# swapon".
func sentenceCommand(lines []pline, r region) string {
	for i := r.to; i >= r.from; i-- {
		p := lines[i]
		if p.blank || p.fence {
			continue
		}
		t := strings.TrimSpace(p.text)
		if !strings.HasSuffix(t, ":") && !strings.HasSuffix(t, "：") || len(t) > 100 {
			return ""
		}
		if i := strings.IndexByte(t, '`'); i >= 0 {
			if j := strings.IndexByte(t[i+1:], '`'); j > 0 {
				if c := t[i+1 : i+1+j]; isCommand(c) {
					if k, _ := commandKind(c); k != "" {
						return c
					}
				}
			}
		}
		ws := strings.Fields(t)
		for i, w := range ws {
			w = strings.Trim(w, "`'\"*:：,.()")
			if _, ok := commandWords[w]; ok && w != "" {
				// the shortest run of words from here that names a kind,
				// with the options and paths that follow it
				trim := func(s string) string { return strings.Trim(s, "`'\"*:：,.()") }
				for j := i + 1; j <= len(ws) && j <= i+4; j++ {
					c := trim(strings.Join(ws[i:j], " "))
					if k, _ := commandKind(c); k == "" {
						continue
					}
					for j < len(ws) && (strings.HasPrefix(ws[j], "-") || strings.HasPrefix(ws[j], "/")) {
						j++
					}
					return trim(strings.Join(ws[i:j], " "))
				}
			}
			if k, _ := commandKind(w); k != "" {
				return w
			}
			if strings.HasPrefix(w, "/") {
				if k, _ := commandKind("cat " + w); k != "" {
					return "cat " + w
				}
			}
		}
		return ""
	}
	return ""
}

// evrowsFrom tells whether the block from start to i-1 is already a run
// of event rows or an Events table (its header, dashes or rows).
func evrowsFrom(lines []pline, start, i int) bool {
	p := lines[start]
	return p.evrow || p.header == "events" || p.header == "describe"
}

// quoteDepth counts the quote marks of a mail or forum quote ("> ",
// ">> ", "> > ", after up to three spaces) and returns the rest.
func quoteDepth(s string) (int, string) {
	i := 0
	for i < len(s) && i < 3 && s[i] == ' ' {
		i++
	}
	q := 0
	for i < len(s) && s[i] == '>' {
		q++
		i++
		if i < len(s) && s[i] == ' ' {
			i++
		}
	}
	if q == 0 {
		return 0, s
	}
	return q, s[i:]
}

// maybeFence, maybeElision and maybePrompt are cheap tests before the
// regular expressions: most lines of a log are none of these.
func maybeFence(s string) bool {
	t := strings.TrimLeft(s, " \t")
	return strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")
}

func maybeElision(t string) bool {
	t = strings.TrimSpace(t)
	if len(t) > 80 {
		return false
	}
	return strings.Contains(t, "...") || strings.Contains(t, "…") || strings.Contains(t, "snip") ||
		strings.Contains(t, "trunc") || strings.Contains(t, "omit") || strings.Contains(t, "cut") ||
		strings.Contains(t, "8<") || strings.Contains(t, "line")
}

func maybePrompt(s string) bool {
	head := s
	if len(head) > 100 {
		head = head[:100]
	}
	return strings.ContainsAny(head, "$#%>")
}

// unsafeBytes views s as bytes without copying; the decoder only reads.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// kernelPart is the kernel line a sentence quotes: "we see `[ 8123.4]
// Out of memory: Killed process 4242 (java) …` in dmesg" → "[ 8123.4] Out
// of memory: Killed process 4242 (java) …". It starts at a "[seconds]"
// stamp just before the kernel's words, or at the message they begin
// ("Out of memory: ", "Memory cgroup out of memory: ", the comm of
// "invoked oom-killer"), and ends before a closing quote or backtick.
func kernelPart(t string) string {
	t = strings.TrimSpace(t)
	at := -1
	for _, ph := range kernel.OOMPhrases {
		if i := strings.Index(t, string(ph)); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		return t
	}
	start := at
	// the message that leads to the phrase
	for _, lead := range []string{"Memory cgroup out of memory: ", "Out of memory: "} {
		if i := strings.LastIndex(t[:at], lead); i >= 0 && i+len(lead) == at {
			start = i
			break
		}
	}
	if strings.HasPrefix(t[at:], " invoked oom-killer: ") {
		// the comm before it: one word
		i := strings.LastIndexAny(t[:at], " `'\"(")
		start = i + 1
	}
	// a "[  123.456789]" stamp right before
	if j := strings.LastIndexByte(t[:start], '['); j >= 0 {
		if k := strings.IndexByte(t[j:start], ']'); k > 0 && strings.TrimSpace(t[j+k+1:start]) == "" {
			if kernel.HasStamp(unsafeBytes(t[j : j+k+1])) {
				start = j
			}
		}
	}
	end := len(t)
	for _, q := range []string{"`", "\"", "”"} {
		if i := strings.Index(t[start:], q); i > 0 && start+i < end {
			end = start + i
		}
	}
	return strings.TrimSpace(t[start:end])
}

// oomWords tells a prose line that mentions an OOM kill in the kernel's
// words: it goes to the kernel-log engine, which reads it as a kill or
// lists it unexplained — it is never dropped.
func oomWords(t string) bool {
	return kernel.HasOOMPhrase(unsafeBytes(t)) || strings.Contains(t, "Killed process") ||
		strings.Contains(t, "invoked oom-killer") || strings.Contains(t, "Out of memory")
}
