package parse

// Pasted text in the loader: a loose file (or standard input) small
// enough to be a ticket, a mail or a transcript is split into segments
// (segment.go); when it holds more than one kind of output, or output
// inside quoting, fences, prompts or prose, each segment is read by the
// parser of its kind as if it were a file of its own, and the file is
// one input of kind "paste" that lists its segments. A file that is
// entirely one kind is read exactly as before.

import (
	"bytes"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/oomlens/oomlens/parse/kernel"
)

// SegmentInfo is what the report says of one segment of a pasted input.
type SegmentInfo struct {
	Start, End int // line span, 1-based, inclusive
	Kind       string
	Format     string
	Command    string // the command the text shows ("" if none)
	Hint       string // prompt, fence, heading
	Quote      int    // quote depth undone
	Indent     int    // indentation removed
	Used       bool
	WhyNot     string
	Elided     []int // elision lines
	Joined     []int // re-wrapped lines joined back
}

// UsedKinds lists the kinds of output the input gave: its own kind, or
// for pasted text the kinds of its used segments.
func (in *Input) UsedKinds() []string {
	if in.Kind != "paste" {
		if in.Used {
			return []string{in.Kind}
		}
		return nil
	}
	var out []string
	for _, s := range in.Segments {
		if s.Used && s.Kind != "prose" {
			out = append(out, s.Kind)
		}
	}
	return out
}

// pasteCandidate tells whether a file may be pasted text: a loose file
// (or an unrecognised file in a sosreport) of at most maxPaste bytes;
// n is how many bytes of its head were read.
func (l *loader) pasteCandidate(in *Input, n int) bool {
	if in.Kind == "localtime" || in.Kind == "sysctl" && strings.Contains("/"+in.Path, "/proc/sys/") {
		return false
	}
	if l.sos && in.Kind != "" {
		return false
	}
	if n < SniffHead {
		return true
	}
	return in.Bytes > 0 && in.Bytes <= maxPaste
}

// readPaste reads data as pasted text; false when it is one kind of
// output only, to be read as a file of that kind (nothing was recorded).
func (l *loader) readPaste(data []byte, in *Input) bool {
	html := looksHTML(data)
	if html {
		// a saved web page: its text, each line where it was
		data = htmlText(data)
	}
	segs := Segments(in.Path, data)
	if !html && !isPaste(segs, in.Path, data) {
		return false
	}
	in.Kind, in.Format = "paste", "text"
	if html {
		in.Format = "html"
	}
	in.Lines = countLines(data)
	classified := false
	var lastDate *dateOut
	for i := range segs {
		s := &segs[i]
		data := s.Data() // also settles Indent
		info := SegmentInfo{Start: s.Start, End: s.End, Kind: s.Kind, Format: s.Format, Command: s.Command,
			Hint: s.Hint, Quote: s.Quote, Indent: s.Indent, Elided: s.Elided, Joined: s.Joined}
		switch {
		case s.Kind == "blank":
			info.WhyNot = "blank lines"
		case s.Kind == "prose" && len(s.Oomish) == 0:
			info.WhyNot = "prose"
		case s.Kind == "kernel-log" || s.Kind == "prose":
			// prose lines that carry the kernel's OOM words go to the
			// kernel-log engine: a kill line it knows is a kill, any
			// other is listed unexplained, never dropped
			if s.Kind == "kernel-log" {
				classified = true
			}
			info.Used = true
			if s.Kind == "prose" {
				info.WhyNot = "prose (lines " + lineList(s.Oomish) + " read for OOM lines)"
			}
			kl, err := kernel.Parse(bytes.NewReader(data), in.Path)
			if err != nil || kl == nil {
				info.Used, info.WhyNot = false, "not understood as a kernel log"
				break
			}
			// each pasted kernel excerpt is a log of its own, named by
			// its lines (its records cite the file and line as pasted)
			kl.Excerpt, kl.Span = true, strconv.Itoa(s.Start)+"-"+strconv.Itoa(s.End)
			kl.Path = in.Path + ":" + kl.Span
			kl.Elided = s.Elided
			if f, ok := kernel.Sniff(data); ok && f != kernel.FormatNone {
				info.Format = f
				if kl.Format == kernel.FormatNone || kl.Format == "" {
					kl.Format = f
				}
			} else if info.Format == "" {
				info.Format = kl.Format
			}
			in.Warnings = append(in.Warnings, kl.Warnings...)
			l.boundKernelLog(kl, in)
			l.kernelIdx[kl] = len(l.b.Inputs)
			l.b.KernelLogs = append(l.b.KernelLogs, kl)
			in.Used = true
		default:
			classified = true
			child := Input{Path: in.Path, Kind: s.Kind, Format: s.Format}
			dates, frees := len(l.dates), len(l.frees)
			l.parseSmall(data, &child)
			if len(l.dates) > dates {
				lastDate = l.dates[len(l.dates)-1]
			}
			if len(l.frees) > frees {
				l.frees[len(l.frees)-1].date = lastDate
			}
			info.Kind, info.Format, info.Used, info.WhyNot = child.Kind, child.Format, child.Used, child.WhyNot
			in.Warnings = append(in.Warnings, child.Warnings...)
			if child.Used {
				in.Used = true
			}
		}
		if len(s.Elided) > 0 && s.Kind != "prose" && s.Kind != "blank" {
			l.b.Gaps = append(l.b.Gaps, Gap{Source: "paste", Missing: "elided lines",
				Message: fmt.Sprintf("%s:%s: lines elided in the pasted %s (lines %d-%d): what they held is not seen", in.Path, lineList(s.Elided), s.Kind, s.Start, s.End),
				Collect: "attach the whole output as a file"})
		}
		in.Segments = append(in.Segments, info)
	}
	if classified || in.Used {
		l.classified++
	}
	if !in.Used {
		in.WhyNot = "pasted text: no command output understood in it"
	}
	return true
}

// isPaste tells a paste from a file of one kind: more than one kind of
// output, or one kind with prose, prompts, fences, quoting, elisions,
// re-wrapped lines or indentation around it. Text with no output of a
// known kind is left to the loader's single-kind sniffing.
func isPaste(segs []Segment, name string, data []byte) bool {
	kinds := 0
	mixed := false
	var one *Segment
	for i := range segs {
		s := &segs[i]
		switch s.Kind {
		case "blank":
			continue
		case "prose":
			mixed = true
			continue
		}
		kinds++
		one = s
		if s.Command != "" || s.Quote > 0 || len(s.Elided) > 0 || len(s.Joined) > 0 {
			mixed = true
		}
	}
	if kinds == 0 {
		// prose only: a paste when it quotes kernel lines inside its
		// sentences ("dmesg says `[…] Out of memory: Killed process …`");
		// unprefixed kernel lines on their own (dmesg -t) are a log
		for i := range segs {
			for _, n := range segs[i].Oomish {
				t := strings.TrimSpace(segs[i].lines[n-1].text)
				if kernelPart(t) != t {
					return true
				}
			}
		}
		return false
	}
	if kinds > 1 || mixed {
		return true
	}
	// one segment of one kind: a file of that kind when sniffing the
	// whole file agrees
	k, _ := Sniff(name, data[:min(len(data), SniffHead)])
	return k != one.Kind && !(k == "kernel-log" && one.Kind == "kernel-log")
}

// lineList prints line numbers as ranges: "3-5,9".
func lineList(ns []int) string {
	var b strings.Builder
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(ns[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(ns[j]))
		}
		i = j + 1
	}
	return b.String()
}

// looksHTML tells a saved web page (a blog post, an issue, a wiki page)
// from text.
func looksHTML(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 1024)])
	head = bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) ||
		bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("<html"))
}

// htmlText is the text of an HTML page with every line break kept where
// it was, so that line numbers stay those of the file: tags are removed
// (the contents of script and style too), <br>, </p>, </div>, </li> and
// </tr> end a line of text only where the source has one already, and
// entities are decoded ("&lt;" → "<", "&gt;" → ">", "&amp;" → "&").
func htmlText(data []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(data))
	skip := "" // inside <script> or <style>: the closing tag to wait for
	for i := 0; i < len(data); {
		c := data[i]
		if c == '<' {
			j := bytes.IndexByte(data[i:], '>')
			if j < 0 {
				j = len(data) - i - 1
			}
			tag := bytes.ToLower(data[i : i+j+1])
			// keep the line breaks inside the tag
			out.Write(bytes.Repeat([]byte("\n"), bytes.Count(tag, []byte("\n"))))
			switch {
			case skip != "" && bytes.HasPrefix(tag, []byte(skip)):
				skip = ""
			case skip == "" && (bytes.HasPrefix(tag, []byte("<script")) || bytes.HasPrefix(tag, []byte("<style"))):
				if bytes.HasPrefix(tag, []byte("<script")) {
					skip = "</script"
				} else {
					skip = "</style"
				}
			}
			i += j + 1
			continue
		}
		if skip != "" {
			if c == '\n' {
				out.WriteByte('\n')
			}
			i++
			continue
		}
		if c == '&' {
			if j := bytes.IndexByte(data[i:min(len(data), i+12)], ';'); j > 0 {
				out.WriteString(html.UnescapeString(string(data[i : i+j+1])))
				i += j + 1
				continue
			}
		}
		out.WriteByte(c)
		i++
	}
	return out.Bytes()
}
