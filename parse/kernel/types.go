package kernel

import (
	"time"

	"github.com/oomlens/oomlens/parse/facts"
)

// This file holds the typed facts that parse/ hands to correlate/. Every fact
// keeps the Ref (path and 1-based line) it was read from, so that every
// conclusion downstream can cite it. A value the input does not print is a
// nil pointer, never zero.

// The facts of every parser: a source line, a line kept verbatim, a
// per-line problem (package facts).
type (
	Ref     = facts.Ref
	Quote   = facts.Quote
	Warning = facts.Warning
)

// Kill line forms known only from a Kubernetes event (package parse builds
// such kills from node events).
const (
	FormSystemOOM  = "SystemOOM-event"
	FormOOMKilling = "OOMKilling-event"
	// FormPodStatus is a kill known only from a container's Kubernetes
	// status: Last State Terminated, Reason OOMKilled (exit code 137).
	FormPodStatus = "OOMKilled-status"
)

// Stamp is the time information printed on one log line.
type Stamp struct {
	// Raw is the timestamp text exactly as printed ("[1375956.718910]",
	// "Oct 20 15:07:17", …), empty if the line carries none.
	Raw string
	// KernelSeconds is seconds since boot, when printed.
	KernelSeconds *float64
	// Wall is the wall-clock time, when printed.
	Wall *time.Time
	// WallHasYear is false for RFC 3164 syslog and dmesg reltime stamps
	// whose year had to be assumed (correlate fixes the year).
	WallHasYear bool
	// WallHasZone is false when the printed time carries no zone offset
	// (ctime, syslog): Wall is then in UTC as a placeholder and correlate
	// applies the bundle's time zone.
	WallHasZone bool
}

// LogLine is one decoded line of a kernel or system log.
type LogLine struct {
	Ref
	Format string // line prefix form: dmesg-raw, dmesg-level, dmesg-x, dmesg-ctime, dmesg-iso, dmesg-reltime, kmsg, journal-short, journal-short-iso, journal-short-precise, journal-short-monotonic, journal-short-full, journal-short-unix, journal-cat (file level only), syslog, syslog-rfc3339, none
	Stamp  Stamp
	Level  int    // printk level 0-7, -1 if not printed
	Host   string // syslog/journal host, "" if not printed
	Ident  string // syslog/journal identifier ("kernel", "kubelet", "systemd-oomd"), "" if none
	Text   string // the message with every prefix removed
	Raw    string // the whole line as read (invalid UTF-8 replaced)
}

// KernelLog is everything read from one kernel/system log file.
type KernelLog struct {
	Path string
	// Excerpt is set for kernel lines pasted in a text (a ticket, a
	// transcript): a part of a log, cut by whoever pasted it.
	Excerpt bool
	// Span is the line span of the pasted segment ("38-41"), "" for a file.
	Span string
	// Elided lists the elision lines ("...", "[...]", "<snip>") inside a
	// pasted excerpt: what they stand for is not seen.
	Elided  []int
	Format  string // dominant line prefix form
	Lines   int
	First   *Stamp
	Last    *Stamp
	Boots   []Boot
	Reports []*OOMReport
	Events  []Event
	// Dropped counts, per repetitive kind past its cap, the events not kept
	// (Events keeps the first maxEventsPerKind of a kind and its last one).
	Dropped []DroppedEvents
	Clock   []ClockPoint // lines that print both kernel seconds and wall time
	// Hosts are the host names the decoded lines print (syslog, journal),
	// in order of first appearance, at most maxHosts.
	Hosts     []string
	Unknown   []Quote // lines that look like OOM/memory events but fit no known form
	Warnings  []Warning
	Truncated bool // set by the loader (sos .tailed, manifest), not by the parser
	// JournalEnd is the "end at" time of journalctl's header ("-- Logs
	// begin at Mon 2025-03-10 08:01:12 CET, end at Wed 2025-03-12 11:42:07
	// CET. --"; systemd 246+: "-- Journal begins at …, ends at … --") as a
	// node-local clock reading in UTC: it dates the year of the journal's
	// year-less lines. nil when the log has no such header.
	JournalEnd *time.Time
}

// Boot is one boot seen in a log: kernel seconds restarted, a "Linux
// version" banner, or a journal "-- Boot …" marker.
type Boot struct {
	Index   int    // 0-based within this file
	ID      string // journal boot ID when known
	Start   Ref    // first line of the boot
	Banner  string // "Linux version …" text when seen
	Kernel  string // kernel release from the banner, e.g. "4.15.0-65-generic"
	First   *Stamp
	Reason  string // why a new boot was started: first, banner, clock-reset, journal-marker
	Command string // "Command line:" when seen
}

// ClockPoint ties kernel seconds to a wall time printed on the same line
// (journal, syslog with a [seconds] stamp, dmesg -T with both …).
type ClockPoint struct {
	Ref
	Boot          int
	KernelSeconds float64
	Wall          time.Time
	WallHasYear   bool
	WallHasZone   bool
}

// DroppedEvents is how many events of one kind a log had past the cap
// that are not in KernelLog.Events.
type DroppedEvents struct {
	Kind  string
	Count int
}

// Event is a dated kernel or userspace fact that is not an OOM report: a page
// allocation failure, a userspace kill, a kubelet line, a swap change …
type Event struct {
	Ref
	Boot  int
	Stamp Stamp
	// Kind: alloc-failure, callbacks-suppressed, hung-task, kswapd,
	// oomd-kill, earlyoom-kill, unit-oom-notice, kubelet-eviction,
	// kubelet-start, swap-on, swap-off, oom-killer-disabled,
	// oom-killer-enabled, boot, kernel-panic.
	Kind   string
	Pid    *int
	Name   string // process or unit name
	Cgroup string // cgroup a userspace killer acted on
	Order  *int   // allocation order (alloc-failure)
	GFP    string // gfp token as printed
	Text   string
	// Kill fields for userspace killers (earlyoom, systemd-oomd, kubelet eviction).
	UID      *int
	AnonKB   *int64
	TotalKB  *int64
	RSSKB    *int64 // earlyoom VmRSS (MiB as printed, ×1024)
	Pressure string // systemd-oomd pressure / earlyoom avail text, as printed
	// PressureRef is the line earlyoom printed its low-memory text on, when
	// that is not the kill line itself.
	PressureRef *Ref
	Pod         string // kubelet eviction / PLEG: namespace/name
	// PodUID and ContainerID tie a kubelet PLEG line or a container
	// runtime's OOM event to a pod and container.
	PodUID      string
	ContainerID string
}

// OOMReport is one kernel OOM report, from the "invoked oom-killer" line to
// the kill and reaper lines. Any part can be missing: reports are
// rate-limited, cut by rotation or ring-buffer wrap, or interleaved.
type OOMReport struct {
	Path  string
	Boot  int
	Start Ref // first line that belongs to the report
	End   Ref // last line that belongs to the report

	Trigger    *Trigger
	CPULine    *CPULine
	Cpuset     *Cpuset
	Memcg      *MemcgBlock
	MemInfo    *MemInfo
	SlabTop    []SlabRow
	Tasks      *TaskTable
	Constraint *ConstraintLine
	Select     *SelectLine // "Kill process … score N or sacrifice child"
	Kills      []KillLine  // "Killed process …" (several with memory.oom.group)
	Reaped     []ReapLine
	OOMGroup   *Quote // "Tasks in … are going to be killed due to memory.oom.group set"

	NoKillable *Quote // "Out of memory and no killable processes..."
	Panic      *Quote // "Kernel panic - not syncing: …Out of memory…"
	Manual     *Quote // "sysrq: Manual OOM execution" (also order=-1 on the trigger)

	// Cut is true when the report is visibly incomplete (no kill line, a
	// table cut mid-way, a second header before the kill).
	Cut    bool
	CutWhy string

	// EventCount is how many occurrences the Kubernetes event behind a
	// report of Format kube-event stands for ("(x4 over 36m)" = 4); 0
	// elsewhere.
	EventCount int

	// Lines keeps every line of the report verbatim (bounded) for evidence
	// excerpts.
	Lines []Quote
}

// Trigger is the "<comm> invoked oom-killer: gfp_mask=…, order=…, …" line.
type Trigger struct {
	Ref
	Stamp       Stamp
	Comm        string
	GFPMask     string // token exactly as printed, e.g. "0x6200ca(GFP_HIGHUSER_MOVABLE)"
	GFPFlags    []string
	Nodemask    *string
	Order       *int
	OOMScoreAdj *int
	OOMAdj      *int // oom_adj / oomkilladj of old kernels
}

// CPULine is "CPU: 1 PID: 23143 Comm: pip3 Not tainted 4.15.0-65-generic #74-Ubuntu"
// (or the older "Pid: N, comm: X Not tainted …").
type CPULine struct {
	Ref
	CPU     *int
	PID     *int
	UID     *int
	Comm    string
	Tainted string
	Kernel  string // kernel release, e.g. "4.15.0-65-generic"
}

// Cpuset is "<comm> cpuset=<name> mems_allowed=<list>" (≤4.19).
type Cpuset struct {
	Ref
	Cpuset      string
	MemsAllowed string
}

// Counter is one usage/limit/failcnt line of a memory cgroup block, in kB as printed.
type Counter struct {
	Ref
	UsageKB   int64
	LimitKB   int64 // ≥ 2^50 kB means unlimited
	Failcnt   int64
	Unlimited bool
}

// MemcgBlock is the memory-cgroup part of a memcg OOM report.
type MemcgBlock struct {
	TaskIn      *Quote // "Task in X killed as a result of limit of Y"
	TaskMemcg   string // X
	LimitMemcg  string // Y
	Memory      *Counter
	MemSwap     *Counter // v1 "memory+swap:"
	Kmem        *Counter
	Swap        *Counter // v2 "swap:"
	StatsFor    []Quote  // "Memory cgroup stats for <path>" lines
	StatsPath   string   // path of the first stats header
	Stats       []KV     // stat values of the first (OOM) memcg, in the unit printed
	StatsInKB   bool     // true for the 3.x/4.x one-liner form (values end in KB)
	StatsSource []Ref
}

// KV is an ordered name/value pair.
type KV struct {
	Key   string
	Value int64
	Ref   Ref
}

// MemInfo is the global Mem-Info block and the lines that follow it.
type MemInfo struct {
	Header   Ref
	Counters []KV // summary record, in pages: active_anon, inactive_anon, …, free, free_pcp
	Nodes    []NodeLine
	Zones    []ZoneLine
	// Swap and RAM lines.
	FreeSwapKB       *int64
	TotalSwapKB      *int64
	FreeSwapRef      *Ref
	TotalSwapRef     *Ref
	PagesRAM         *int64
	PagesRAMRef      *Ref
	PagesReserved    *int64
	PagesHighMem     *int64
	PagesSwapCache   *int64
	PagecachePages   *int64
	HugepagesTotal   *int64 // sum over the Node N hugepages_total lines
	HugepagesFree    *int64
	HugepageSizeKB   *int64
	HugepagesRef     *Ref
	PageSizeKB       *int64 // from the buddy lines (N*4kB), nil if not seen
	Unreclaimable    *Quote // "Unreclaimable slab info:"
	AllUnreclaimNode *bool
}

// NodeLine is a "Node N active_anon:…kB …" line (4.8+).
type NodeLine struct {
	Ref
	Node   int
	Fields []KV // kB
}

// ZoneLine is a "Node N <Zone> free:…kB min:…kB low:…kB high:…kB …" line.
type ZoneLine struct {
	Ref
	Node   int
	Zone   string
	Fields []KV // kB
}

// SlabRow is one row of the "Unreclaimable slab info:" table.
type SlabRow struct {
	Ref
	Name    string
	UsedKB  int64
	TotalKB int64
}

// TaskTable is the "[ pid ] uid tgid total_vm rss …" dump. Its rows are
// kept encoded (taskrows.go): read them with Len, All and Rows, add them
// with Append.
type TaskTable struct {
	Header  Ref
	Layout  string // T1 … T7 (see kernel-oom-formats §1.9)
	Columns []string
	rows    taskRows
	Cut     bool // the table stopped before the kill line
}

// TaskRow is one task-table row. Memory columns are in pages as printed,
// except PgtablesBytes (bytes). A column the layout lacks is nil.
type TaskRow struct {
	Ref
	Pid           int
	UID           int
	Tgid          int
	TotalVM       int64
	RSS           int64
	RSSAnon       *int64
	RSSFile       *int64
	RSSShmem      *int64
	NrPtes        *int64
	NrPmds        *int64
	PgtablesBytes *int64
	Swapents      *int64
	CPU           *int
	OOMAdj        *int
	OOMScoreAdj   *int
	Name          string
}

// ConstraintLine is "oom-kill:constraint=…,nodemask=…,cpuset=…,mems_allowed=…,oom_memcg=…|global_oom,task_memcg=…,task=…,pid=…,uid=…" (5.0+).
type ConstraintLine struct {
	Ref
	Constraint  string
	Nodemask    string
	Cpuset      *string
	MemsAllowed *string
	GlobalOOM   bool
	OOMMemcg    *string
	TaskMemcg   *string
	Task        string
	Pid         *int
	UID         *int
	// Continued are the records the line's later fragments were printed in
	// when it was split (empty when it is one line).
	Continued []Ref
}

// SelectLine is "<msg>: Kill process P (comm) score S or sacrifice child" and
// its older forms.
type SelectLine struct {
	Ref
	Stamp   Stamp
	Message string // "Out of memory", "Memory cgroup out of memory", …
	Pid     int
	Comm    string
	Score   *int64
}

// KillLine is one "Killed process …" line in any of its forms.
type KillLine struct {
	Ref
	Stamp       Stamp
	Message     string // prefix message, "" when the line has none (K3/K4)
	Pid         int
	Comm        string
	UID         *int
	TotalVMKB   *int64
	AnonRSSKB   *int64
	FileRSSKB   *int64
	ShmemRSSKB  *int64
	PgtablesKB  *int64
	OOMScoreAdj *int
	Form        string // K1 … K6, K3-RHEL6, K3-RHEL7, K5-RHEL8; SystemOOM-event, OOMKilling-event
}

// PidKnown is false for the kills an aggregated Kubernetes event counts
// but does not name (their Pid is a negative placeholder).
func (k *KillLine) PidKnown() bool { return k.Pid > 0 || k.Pid == 0 && k.Form == "" }

// FromEvent tells a kill known only from a Kubernetes event.
func (k *KillLine) FromEvent() bool {
	return k.Form == FormSystemOOM || k.Form == FormOOMKilling || k.Form == FormPodStatus
}

// ReapLine is "oom_reaper: reaped process P (comm), now anon-rss:…" or
// "oom_reaper: unable to reap pid:P (comm)".
type ReapLine struct {
	Ref
	Stamp      Stamp
	Pid        int
	Comm       string
	Reaped     bool
	AnonRSSKB  *int64
	FileRSSKB  *int64
	ShmemRSSKB *int64
}
