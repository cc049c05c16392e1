package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/oomlens/oomlens/input/archive"
)

// progress draws one self-updating status line on stderr while archives
// are read and bundles analysed: bundles done, bytes read and members seen.
// It is silent unless stderr is a terminal and --quiet is off, so it never
// reaches a pipe, a log file or a golden. A nil *progress is valid and
// does nothing. It is safe for concurrent use.
type progress struct {
	w      io.Writer
	now    func() time.Time
	every  time.Duration
	mu     sync.Mutex
	last   time.Time
	total  int // bundles
	done   int
	active map[string]archive.Progress
	order  []string // active archives in start order
	drawn  bool
	width  int
}

// newProgress returns a progress line on w, or nil (silent) when w is not a
// terminal or quiet is set. now is the clock (time.Now in main).
// width is the terminal's (80 when 0).
func newProgress(w io.Writer, isTTY, quiet bool, bundles, width int, now func() time.Time) *progress {
	if !isTTY || quiet {
		return nil
	}
	if width <= 0 {
		width = 80
	}
	return &progress{w: w, now: now, every: 100 * time.Millisecond, total: bundles, active: map[string]archive.Progress{}, width: width}
}

// archiveHook returns the archive.Options.Progress callback for one
// archive (nil when silent).
func (p *progress) archiveHook() func(archive.Progress) {
	if p == nil {
		return nil
	}
	return p.update
}

func (p *progress) update(a archive.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.active[a.Path]; !ok {
		p.order = append(p.order, a.Path)
	}
	p.active[a.Path] = a
	if a.Done {
		p.remove(a.Path)
	}
	p.drawLocked(a.Done)
}

func (p *progress) remove(path string) {
	delete(p.active, path)
	for i, o := range p.order {
		if o == path {
			p.order = append(p.order[:i], p.order[i+1:]...)
			break
		}
	}
}

// bundleDone counts one finished bundle.
func (p *progress) bundleDone(path string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.remove(path)
	p.drawLocked(true)
}

// finish erases the line.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

func (p *progress) drawLocked(force bool) {
	t := p.now()
	if !force && t.Sub(p.last) < p.every {
		return
	}
	p.last = t
	line := []rune(p.lineLocked())
	if len(line) > p.width-1 {
		line = line[:p.width-1]
	}
	fmt.Fprint(p.w, "\r\x1b[K"+string(line))
	p.drawn = true
}

// lineLocked renders the status: "oomlens: 3/12 bundles · node1.tar.xz
// [#####-----] 48% 512.0 MiB/1.0 GiB, 10234 members".
func (p *progress) lineLocked() string {
	var b strings.Builder
	b.WriteString("oomlens:")
	if p.total > 1 {
		fmt.Fprintf(&b, " %d/%d bundles", p.done, p.total)
	}
	if len(p.order) > 0 {
		a := p.active[p.order[0]]
		fmt.Fprintf(&b, " · %s ", filepath.Base(a.Path))
		if a.ReadBytes > 0 && a.FileBytes > 0 {
			frac := float64(a.ReadBytes) / float64(a.FileBytes)
			frac = min(frac, 1)
			n := int(frac * 10)
			fmt.Fprintf(&b, "[%s%s] %d%% %s/%s", strings.Repeat("#", n), strings.Repeat("-", 10-n), int(frac*100), humanBytes(a.ReadBytes), humanBytes(a.FileBytes))
		} else {
			fmt.Fprintf(&b, "%s unpacked", humanBytes(a.UnpackedBytes))
		}
		fmt.Fprintf(&b, ", %d members", a.Members)
		if len(p.order) > 1 {
			fmt.Fprintf(&b, " (+%d more)", len(p.order)-1)
		}
	}
	return b.String()
}

// humanBytes prints n in binary units with one decimal.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
