package parse

import (
	"time"

	"github.com/oomlens/oomlens/parse/kube"
)

// Bundle is everything parse/ read from one bundle (a sosreport, a folder of
// saved outputs, or one loose file). correlate.Build turns it into a Report.
type Bundle struct {
	// Name is how the bundle was named on the command line (display only).
	Name string
	// Sos is set when the bundle is a sosreport.
	Sos *SosInfo

	Inputs []Input // every file looked at, in path order

	KernelLogs []*KernelLog

	Swaps     []*SwapTable // swapon / /proc/swaps / swapon -s, in path order
	Free      []*Free
	MemInfo   *ProcMemInfo
	VMStat    []KV // /proc/vmstat values of interest (oom_kill, …)
	Pressure  *Pressure
	Sysctls   []Sysctl // runtime and configured values, in path order
	Host      Host
	Kubelet   *KubeletConfig
	CgroupV2  *bool // node cgroup version when the bundle shows it
	CgroupRef *Ref

	// Nodes, Pods, Containers and K8sEvents: what the Kubernetes
	// listings say (package kube).
	kube.Facts
	// OtherNodes are the described nodes that are not this host (or
	// cannot be told to be): listed, never used to explain this host's
	// kills. Nodes holds only this host's (finishNodes).
	OtherNodes []*kube.Node
	// NodeHost is the host name nodes were matched against, "" if none;
	// NodeHostFrom says where it came from.
	NodeHost     string
	NodeHostRef  *Ref
	NodeHostFrom string

	Warnings []Warning // bundle-level warnings (path-level problems)

	// Gaps are sources the bundle lacks (or holds only in part): what
	// cannot be seen, never "no OOM".
	Gaps []Gap
	// Zswap is whether zswap is enabled (sys/module/zswap/parameters/enabled).
	Zswap    *bool
	ZswapRef *Ref
	// CgroupWhy says what CgroupV2 was decided from ("sys/fs/cgroup/cgroup.controllers", …).
	CgroupWhy string
}

// Gap is a coverage gap found by the loader: a source a bundle of this
// layout should have but does not, or has only in part.
type Gap struct {
	Source  string // the source's name: kernel-log, swap, memory, describe-node, …
	Message string // what cannot be seen because of it
	Collect string // how to collect it next time
	// Missing names what is missing in a few words, for a report's one-line
	// summary ("time zone", "swap at capture"); MissingOlder for a log that
	// starts late; "" for a note that leaves nothing unknown.
	Missing string
}

// MissingOlder is Gap.Missing of a log that starts late (wrapped, rotated,
// truncated, an excerpt): summaries count these.
const MissingOlder = "older kernel log lines"

// SosInfo describes a sosreport.
type SosInfo struct {
	Version string // as printed, e.g. "3.9", "4.8.0"; "" if unknown
	Ref     *Ref
	// Layout is sos-2 (sos_commands/general/), sos-3 or sos-4, from the
	// version when printed, else from the directory layout.
	Layout string
	// Manifest is true when sos_reports/manifest.json was read.
	Manifest bool
}

// Input is one file the loader looked at.
type Input struct {
	Path      string
	Kind      string // kernel-log, swapon, proc-swaps, free, meminfo, sysctl, describe-node, kubelet-config, uptime, date, …, unknown
	Format    string
	Lines     int
	First     *time.Time
	Last      *time.Time
	Truncated bool
	Used      bool
	WhyNot    string
	Warnings  []Warning
	Bytes     int64
	// Segments lists the segments of pasted text (Kind "paste"), in
	// order; every line of the file is in exactly one.
	Segments []SegmentInfo
}

// Size is a size as printed: exact kB, or a human size ("947.2M") kept with
// its precision.
type Size struct {
	KB      int64  // best value in kB
	Exact   bool   // printed exactly (bytes or kB)
	Printed string // the text as printed
	// ErrKB is the half-width of the rounding interval for human sizes
	// (947.2M → ±0.05 MiB = 51 kB); 0 when exact.
	ErrKB int64
	// Bytes is the exact byte count when the size was printed in bytes.
	Bytes *int64
}

// SwapTable is one listing of active swap areas.
type SwapTable struct {
	Ref     Ref    // header line (or first line)
	Format  string // swapon-show, swapon-bytes, swapon-summary, proc-swaps
	Devices []SwapDevice
	Lines   []Quote
}

// SwapDevice is one swap area.
type SwapDevice struct {
	Ref
	Name     string
	Type     string // file, partition
	Size     *Size  // nil when not printed or too large to hold
	Used     *Size  // nil when not printed or too large to hold
	Priority *int
	Zram     bool
	UUID     string // swapon --show=UUID, "" if not printed
	Label    string // swapon --show=LABEL, "" if not printed
}

// Free is the output of `free` in any unit.
type Free struct {
	Ref
	Unit      string // kB, MiB, GiB, human, bytes
	Layout    string // procps (buff/cache), procps-wide (-w), procps-old (-/+ buffers/cache)
	MemTotal  *Size
	MemUsed   *Size
	MemFree   *Size
	Shared    *Size
	BuffCache *Size
	Available *Size
	Buffers   *Size // -w and the old layout only
	Cache     *Size // -w and the old layout only
	SwapTotal *Size
	SwapUsed  *Size
	SwapFree  *Size
	SwapRef   *Ref // the Swap: row the three Swap sizes come from
	Lines     []Quote
	// At is when the listing was taken, from a `date` printed just
	// before it in the same pasted text (nil when none, or when the
	// date's zone is unknown); AtRef is that date's line.
	At    *time.Time
	AtRef *Ref
}

// ProcMemInfo is /proc/meminfo, every field in kB as printed (HugePages_*
// counts are pages).
type ProcMemInfo struct {
	Path   string
	Fields []KV
}

// Pressure is /proc/pressure/memory.
type Pressure struct {
	Ref
	Some    string // the "some" line as printed
	Full    string // the "full" line as printed
	SomePSI *PSI
	FullPSI *PSI
}

// PSI is one parsed pressure line: "avg10=0.00 avg60=0.00 avg300=0.00 total=0".
type PSI struct {
	Avg10, Avg60, Avg300 float64 // percent of wall time stalled
	TotalUs              int64   // total stall time in µs
}

// Sysctl is one kernel setting.
type Sysctl struct {
	Ref
	Key        string // dotted form: vm.swappiness
	Value      string // as printed
	Configured bool   // from etc/sysctl.conf / sysctl.d, not the running kernel
}

// Host holds what the bundle says about the machine and the capture.
type Host struct {
	Hostname    string
	HostnameRef *Ref
	Uname       string
	Kernel      string
	KernelRef   *Ref
	CapturedAt  *time.Time // from date / date --utc / timedatectl
	CapturedRef *Ref
	// CapturedWall is the capture time as the node's local wall clock
	// printed it (date, timedatectl Local time), held in UTC as a
	// placeholder: set even when the zone is unknown, so that zone-less
	// log times (syslog, dmesg -T) can still be compared with it.
	CapturedWall    *time.Time
	CapturedWallRef *Ref
	// CapturedAbbr is the zone abbreviation printed with the local time ("CST").
	CapturedAbbr string
	TimeZone     string // e.g. "Asia/Shanghai (CST, +0800)"
	// ZoneName is the IANA name when printed ("Asia/Shanghai"), "" otherwise.
	ZoneName string
	// ZoneOffset is the UTC offset in seconds at capture when known.
	ZoneOffset *int
	// Location is the time zone: the IANA zone when its name is known,
	// else a time.FixedZone from the printed offset; nil if not known.
	Location  *time.Location
	ZoneRef   *Ref
	UptimeSec *float64
	// UptimeErrSec is the precision of UptimeSec: 60 for `uptime`
	// (minutes), 0.01 for /proc/uptime.
	UptimeErrSec float64
	UptimeRef    *Ref
	Btime        *time.Time
	BtimeRef     *Ref
	BootID       string
	BootIDRef    *Ref
	BootList     []JournalBoot
}

// JournalBoot is one row of `journalctl --list-boots`.
type JournalBoot struct {
	Ref
	Index int
	ID    string
	First *time.Time
	Last  *time.Time
}
