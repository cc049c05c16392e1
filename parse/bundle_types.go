package parse

import "time"

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

	Nodes      []*Node      // kubectl describe node / get nodes
	Pods       []*Pod       // kubectl get pods / describe pod
	Containers []*Container // crictl / docker / ctr listings
	K8sEvents  []K8sEvent   // kubectl get events

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
}

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

// KubeletConfig is the kubelet's configuration from its config file and flags.
type KubeletConfig struct {
	Sources              []Ref
	FailSwapOn           *bool
	FailSwapOnRef        *Ref
	SwapBehavior         string // memorySwap.swapBehavior as written, "" if absent
	SwapBehavRef         *Ref
	NodeSwapGate         *bool
	NodeSwapRef          *Ref
	EvictionHard         []KVString
	EvictionSoft         []KVString
	SystemReserved       []KVString
	KubeReserved         []KVString
	CgroupDriver         string
	SingleProcessOOMKill *bool
	Version              string // kubelet version if the bundle shows it
	VersionRef           *Ref
	// FeatureGates are all gates set, config file first then flags.
	FeatureGates []KVString
	// ConfigFile is the --config flag's value, "" if not set.
	ConfigFile string
	// Flags are the kubelet command-line flags read, in order.
	Flags []KVString
}

// KVString is an ordered key/value pair of strings with its source.
type KVString struct {
	Key   string
	Value string
	Ref   Ref
}

// Node is one `kubectl describe node` (or get nodes) entry.
type Node struct {
	Ref
	Name              string
	Roles             string
	Labels            []KVString
	CreationTimestamp string
	Taints            []string
	Conditions        []NodeCondition
	Addresses         []KVString
	Capacity          []KVString
	Allocatable       []KVString
	MemCapacityKB     *int64
	MemAllocatableKB  *int64
	KubeletVersion    string
	KernelVersion     string
	OSImage           string
	ContainerRuntime  string
	Pods              []NodePod
	Events            []NodeEvent
	EventsNone        bool // "Events: <none>"
	Lines             []Quote

	// Source is the kind of input the node was read from: describe-node,
	// get-nodes, get-nodes-json, get-nodes-yaml.
	Source string
	// Created is CreationTimestamp parsed (RFC 1123Z in describe, RFC 3339
	// in JSON/YAML); nil if absent or unparsable.
	Created       *time.Time
	Annotations   []KVString
	Unschedulable *bool
	// SystemInfo keeps every "System Info:" line (Machine ID, Boot ID,
	// Architecture, Kube-Proxy Version …) in order.
	SystemInfo []KVString
	// PodsTotal is N of "Non-terminated Pods: (N in total)".
	PodsTotal *int
	// Allocated is the "Allocated resources" table.
	Allocated []NodeAllocated
	// Status is the STATUS column of `kubectl get nodes` ("Ready",
	// "NotReady,SchedulingDisabled"); "" elsewhere.
	Status string
}

// NodeCondition is one row of the Conditions table.
type NodeCondition struct {
	Ref
	Type, Status, LastHeartbeat, LastTransition, Reason, Message string
	// HeartbeatAt and TransitionAt are the two times parsed; nil when not
	// printed or unparsable.
	HeartbeatAt  *time.Time
	TransitionAt *time.Time
}

// NodeAllocated is one row of the "Allocated resources" table.
type NodeAllocated struct {
	Ref
	Resource    string // cpu, memory, ephemeral-storage, hugepages-2Mi, …
	Requests    string // quantity as printed, without the percentage
	Limits      string
	RequestsPct *int
	LimitsPct   *int
	// RequestsKB and LimitsKB are set for memory-like resources (memory,
	// hugepages-*, ephemeral-storage).
	RequestsKB *int64
	LimitsKB   *int64
}

// NodePod is one row of "Non-terminated Pods".
type NodePod struct {
	Ref
	Namespace, Name                                  string
	CPURequest, CPULimit, MemoryRequest, MemoryLimit string // quantities as printed, without the "(25%)"
	// MemRequestKB and MemLimitKB are the memory quantities in kB; kubectl
	// prints "0 (0%)" for a pod that sets none, which reads as 0 here.
	MemRequestKB, MemLimitKB *int64
	Age                      string
	// Percentages of allocatable printed in parentheses; nil if absent.
	CPURequestPct, CPULimitPct, MemRequestPct, MemLimitPct *int
	// AgeSec is Age in seconds; nil for "<unknown>" or when absent.
	AgeSec *float64
}

// NodeEvent is one row of a describe Events table.
type NodeEvent struct {
	Ref
	Type      string
	Reason    string
	Age       string   // as printed: "5m46s", "85s (x4 over 27m)", "<unknown>"
	AgeSec    *float64 // newest occurrence age, nil for <unknown>
	OldestSec *float64 // "over 27m" → oldest occurrence age
	Count     int
	From      string
	Message   string
	// Victim fields parsed from SystemOOM messages.
	VictimName string
	VictimPid  *int

	// AgeResSec is the resolution of AgeSec: 1 for "5m46s", 60 for
	// "179m", 3600 for "47h", 86400 for "2d" (the true age lies in
	// [AgeSec, AgeSec+AgeResSec)); 0 when AgeSec is nil.
	AgeResSec float64
	// Combined is set for "(combined from similar events): …" messages
	// (the prefix stays in Message).
	Combined bool
	// Host is the node part of an old-style From ("kubelet, node1" → "node1").
	Host string
}

// Pod is a pod from kubectl get pods / describe pod.
type Pod struct {
	Ref
	// UID is metadata.uid (JSON/YAML); describe pod does not print it, so
	// there it is taken from kubelet event messages ("… in pod
	// <name>_<ns>(<uid>)") when one is shown, else "".
	UID        string
	Namespace  string
	Name       string
	QoS        string
	Node       string
	Containers []PodContainer

	// Source is describe-pod, get-pods, get-pods-json or get-pods-yaml.
	Source string
	// Status is the phase or the table STATUS as printed (Running,
	// OOMKilled, CrashLoopBackOff, Failed …).
	Status string
	// Reason is the pod-level reason (Evicted …) when printed.
	Reason string
	// Message is the pod-level message when printed (eviction text …).
	Message string
	// Restarts is the RESTARTS column of get pods (sum over containers).
	Restarts *int
	// Events is the describe pod Events table.
	Events []NodeEvent
	// Lines keeps the container state lines and Events verbatim (describe pod).
	Lines []Quote
}

// PodContainer is one container of a pod.
type PodContainer struct {
	Name          string
	ID            string // runtime-prefixed ID as printed ("containerd://…")
	MemoryLimit   string
	MemoryRequest string
	Restarts      *int
	LastReason    string // "OOMKilled"
	LastExitCode  *int
	LastFinished  string
	Ref           Ref

	// Init is set for init containers.
	Init bool
	// Image is the image as printed.
	Image string
	// State is Running, Waiting or Terminated; StateReason its reason
	// (CrashLoopBackOff, OOMKilled …), StateExitCode for Terminated.
	State         string
	StateReason   string
	StateExitCode *int
	// MemLimitKB and MemRequestKB are MemoryLimit and MemoryRequest in kB.
	MemLimitKB   *int64
	MemRequestKB *int64
	// LastFinishedAt is LastFinished parsed; nil if absent.
	LastFinishedAt *time.Time
}

// Container is one row of crictl/docker/ctr listings.
type Container struct {
	Ref
	ID           string
	Name         string
	PodID        string
	PodName      string
	PodNamespace string
	State        string

	// Source is crictl-ps, crictl-pods, docker-ps or ctr-containers.
	Source string
	// Sandbox is set for pod sandboxes (crictl pods rows, docker
	// k8s_POD_ containers): ID is then the sandbox ID.
	Sandbox bool
	// PodUID is the pod UID when the listing shows it (docker k8s_ names).
	PodUID  string
	Image   string
	Runtime string // ctr RUNTIME column, crictl pods RUNTIME column
	Attempt *int
	Created string // as printed ("7 minutes ago")
	// ExitCode is parsed from docker "Exited (137) …".
	ExitCode *int
}

// K8sEvent is one row of kubectl get events.
type K8sEvent struct {
	Ref
	Namespace, LastSeen, Type, Reason, Object, Message string
	Time                                               *time.Time

	// AgeSec, OldestSec and Count as in NodeEvent (table forms).
	AgeSec    *float64
	OldestSec *float64
	AgeResSec float64
	Count     int
	// FirstTime is firstTimestamp/eventTime (JSON/YAML).
	FirstTime *time.Time
	// Source is the reporting component (kubelet, kernel-monitor), Host
	// its node when printed.
	Source string
	Host   string
	// VictimName and VictimPid are parsed from SystemOOM messages.
	VictimName string
	VictimPid  *int
}
