// Package report is the Report: what correlate makes of a bundle and what
// rules, redact and render read — every kill with its findings, verdict and
// evidence, the timeline, the machine at capture, the inputs and what they
// lack. Its JSON names are the contract of schema_version 1 (render/json.go
// writes it, render/report.schema.json checks it). Fields tagged json:"-"
// are for the reports only (the verdict's sentences, a gap's few words).
// It holds types only, no logic.
package report

import (
	"time"

	"github.com/oomlens/oomlens/parse"
)

// Report is the analysed bundle: the JSON contract of
// ../shared/contract/report-json.md (schema_version 1). Field names are a
// contract: add freely, rename only by raising SchemaVersion. Lists are never
// nil on output (Build fills them with empty slices); a value the input does
// not print is a nil pointer (JSON null).
type Report struct {
	SchemaVersion int           `json:"schema_version"`
	Tool          Tool          `json:"tool"`
	Host          Host          `json:"host"`
	Inputs        []Input       `json:"inputs"`
	Coverage      []Gap         `json:"coverage"`
	Kills         []Kill        `json:"kills"`
	Reports       []ReportOnly  `json:"reports_without_kill"`
	Swap          *Swap         `json:"swap"`
	Memory        *Memory       `json:"memory"`
	Sysctl        Sysctls       `json:"sysctl"`
	Kubelet       *Kubelet      `json:"kubelet"`
	Nodes         []Node        `json:"nodes"`
	Timeline      []TimelineRow `json:"timeline"`
	Unexplained   []Unexplained `json:"unexplained"`
	Excerpts      []Excerpt     `json:"excerpts"`
	Redacted      bool          `json:"redacted"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Host is what the bundle says about the machine.
type Host struct {
	Hostname      *string  `json:"hostname"`
	KernelVersion *string  `json:"kernel_version"`
	CapturedAt    *string  `json:"captured_at"`
	TimeZone      *string  `json:"time_zone"`
	Bundle        string   `json:"bundle"`
	InputDigest   string   `json:"input_digest"`
	BootTimes     []string `json:"boot_times"`
	// BootTimesLocal holds the boot times as node-local times when the
	// bundle gives no time zone (BootTimes is then empty).
	BootTimesLocal []string `json:"boot_times_local"`
	Evidence       []Ref    `json:"evidence"`
}

// Ref cites one source line.
type Ref struct {
	Path string `json:"path"`
	Line int    `json:"line"`
}

// Input is one file looked at.
type Input struct {
	Path      string    `json:"path"`
	Kind      string    `json:"kind"`
	Format    string    `json:"format"`
	Lines     int       `json:"lines"`
	FirstTime *string   `json:"first_time"`
	LastTime  *string   `json:"last_time"`
	Truncated bool      `json:"truncated"`
	Used      bool      `json:"used"`
	WhyNot    *string   `json:"why_not"`
	Warnings  []Warning `json:"warnings"`
	// Segments lists the segments of pasted text (kind "paste") in line
	// order; [] for other inputs.
	Segments []Segment `json:"segments"`
}

// Segment is one run of lines of pasted text, read as a file of its kind.
type Segment struct {
	StartLine   int     `json:"start_line"`
	EndLine     int     `json:"end_line"`
	Kind        string  `json:"kind"` // an input kind, "prose" or "blank"
	Format      string  `json:"format"`
	Command     *string `json:"command"` // the command the text shows, null if none
	Used        bool    `json:"used"`
	WhyNot      *string `json:"why_not"`
	QuoteDepth  int     `json:"quote_depth"` // "> " quoting undone
	Indent      int     `json:"indent"`      // indentation removed
	ElidedLines []int   `json:"elided_lines"`
	JoinedLines []int   `json:"joined_lines"` // re-wrapped lines joined back
}

// Warning is a per-line problem in one input.
type Warning struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Gap is a coverage gap: something the bundle cannot show.
type Gap struct {
	Source  string `json:"source"`
	Message string `json:"message"`
	Collect string `json:"collect"`
	// Missing names what is missing in a few words for the reports'
	// one-line summary; MissingOlder for a log that starts late; "" for a
	// note (not in the JSON: the message says it).
	Missing string `json:"-"`
}

// MissingOlder is Gap.Missing of a log that starts late (wrapped, rotated,
// truncated, an excerpt).
const MissingOlder = parse.MissingOlder

// Kill is one kill event, deduplicated across sources.
type Kill struct {
	ID         string  `json:"id"`
	Killer     string  `json:"killer"`
	Kind       string  `json:"kind"`
	Constraint *string `json:"constraint"`
	Manual     bool    `json:"manual"`
	// InferredFrom is "oom_reaper" when no kill line is in the bundle and
	// the kill is known from the oom_reaper line that reaped the victim.
	InferredFrom *string    `json:"inferred_from"`
	Victim       Victim     `json:"victim"`
	Reaped       bool       `json:"reaped"`
	Invoker      *Invoker   `json:"invoker"`
	Memcg        *Memcg     `json:"memcg"`
	SwapAtOOM    *SwapAtOOM `json:"swap_at_oom"`
	MemInfo      *KillMem   `json:"mem_info"`
	Top          []Consumer `json:"top_consumers"`
	Time         KillTime   `json:"time"`
	Boot         int        `json:"boot"`
	Kernel       *string    `json:"kernel_version"`
	Pod          *Pod       `json:"pod"`
	Sources      []string   `json:"sources"`
	Missing      []string   `json:"missing_from"`
	Evidence     []Ref      `json:"evidence"`
	Findings     []Finding  `json:"findings"`
	Verdict      string     `json:"verdict"`
	// Sentences are the verdict's sentences as the reports lay them out
	// (not in the JSON: the verdict says them).
	Sentences []Sentence `json:"-"`
	Headline  string     `json:"headline"`
	// Reason is the headline after the victim ("the whole node ran out of
	// memory"); not in the JSON: the headline says it.
	Reason string `json:"-"`
}

// Victim is the killed process.
type Victim struct {
	Pid         *int    `json:"pid"`
	Name        string  `json:"name"`
	UID         *int    `json:"uid"`
	Score       *int64  `json:"score"`
	OOMScoreAdj *int    `json:"oom_score_adj"`
	TotalVMKB   *int64  `json:"total_vm_kb"`
	AnonRSSKB   *int64  `json:"anon_rss_kb"`
	FileRSSKB   *int64  `json:"file_rss_kb"`
	ShmemRSSKB  *int64  `json:"shmem_rss_kb"`
	PgtablesKB  *int64  `json:"pgtables_kb"`
	Swapents    *int64  `json:"swapents"`
	Cgroup      *string `json:"cgroup"`
}

// Invoker is the task whose allocation started the OOM.
type Invoker struct {
	Name        string  `json:"name"`
	Pid         *int    `json:"pid"`
	GFPMask     *string `json:"gfp_mask"`
	Order       *int    `json:"order"`
	OOMScoreAdj *int    `json:"oom_score_adj"`
}

// Memcg is the memory cgroup block of a memcg OOM.
type Memcg struct {
	OOMMemcg     *string `json:"oom_memcg"`
	TaskMemcg    *string `json:"task_memcg"`
	UsageKB      *int64  `json:"usage_kb"`
	LimitKB      *int64  `json:"limit_kb"`
	Failcnt      *int64  `json:"failcnt"`
	SwapUsageKB  *int64  `json:"swap_usage_kb"`
	SwapLimitKB  *int64  `json:"swap_limit_kb"`
	MemswUsageKB *int64  `json:"memsw_usage_kb"`
	MemswLimitKB *int64  `json:"memsw_limit_kb"`
}

// SwapAtOOM is swap as the kernel printed it in the report.
type SwapAtOOM struct {
	TotalKB *int64 `json:"total_kb"`
	FreeKB  *int64 `json:"free_kb"`
}

// KillMem is memory composition at the kill, in kB, from Mem-Info (global)
// or the memcg stat dump (memcg). Each part is null when not printed.
type KillMem struct {
	Source          string `json:"source"` // mem-info | memcg-stats
	RAMKB           *int64 `json:"ram_kb"`
	AnonKB          *int64 `json:"anon_kb"`
	FileKB          *int64 `json:"file_kb"`
	ShmemKB         *int64 `json:"shmem_kb"`
	SlabReclaimKB   *int64 `json:"slab_reclaimable_kb"`
	SlabUnreclaimKB *int64 `json:"slab_unreclaimable_kb"`
	KernelStackKB   *int64 `json:"kernel_stack_kb"`
	PagetablesKB    *int64 `json:"pagetables_kb"`
	UnevictableKB   *int64 `json:"unevictable_kb"`
	HugepagesKB     *int64 `json:"hugepages_kb"`
	FreeKB          *int64 `json:"free_kb"`
}

// Consumer is a task-table group: all rows with one name.
type Consumer struct {
	Name     string `json:"name"`
	Tasks    int    `json:"tasks"`
	RSSKB    int64  `json:"rss_kb"`
	SwapKB   *int64 `json:"swap_kb"`
	IsVictim bool   `json:"is_victim"`
}

// KillTime is when the kill happened.
type KillTime struct {
	Raw           *string  `json:"raw"`
	KernelSeconds *float64 `json:"kernel_seconds"`
	Wall          *string  `json:"wall"`
	// WallLocal is the node-local time ("2006-01-02T15:04:05", no offset)
	// when the bundle gives no time zone and Wall is therefore null.
	WallLocal *string `json:"wall_local"`
	// WallNoYear is the month, day and time the log line prints when
	// nothing in the bundle gives its year (no capture date, no dated
	// line): ISO 8601 without the year, "--10-12T19:00:20", with the offset
	// when the bundle names the time zone ("--10-12T19:00:20+02:00"). Wall
	// and WallLocal are then null, WallBasis "printed", Confidence "low".
	WallNoYear *string `json:"wall_no_year"`
	WallBasis  string  `json:"wall_basis"`
	Confidence string  `json:"confidence"` // high | medium | low | none
	// At is Wall (or WallLocal's clock reading, in UTC) as a time, to the
	// second, for the reports' charts; not in the JSON.
	At *time.Time `json:"-"`
}

// Pod is the Kubernetes pod a kill hit.
type Pod struct {
	UID         *string `json:"uid"`
	Namespace   *string `json:"namespace"`
	Name        *string `json:"name"`
	Container   *string `json:"container"`
	ContainerID *string `json:"container_id"`
	QoS         *string `json:"qos"`
	Evidence    []Ref   `json:"evidence"`
}

// Finding is one explained conclusion about a kill.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"` // info | warning | critical
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Origin   string `json:"origin"` // built-in, or the rule file
	Evidence []Ref  `json:"evidence"`
	// Phrase is the few words of the summary a one-line answer reuses
	// ("2.96 GiB" of badness-implies-total, "/swapfile.new (2 GiB) added
	// later" of swap-changed-since-kill); "" for most rules. Not in the
	// JSON: the summary says it.
	Phrase string `json:"-"`
}

// Sentence is one sentence of a kill's verdict: its text without the
// citation, the lines it cites, and what it is.
//
// The tags are for Redact, which keeps "role" and "rule" as they are; a
// Sentence is never written to the JSON.
type Sentence struct {
	Text string `json:"text"`
	Refs []Ref  `json:"refs"`
	// Role is "held" (what the victim held), "sure" (how sure), "next"
	// (what to do; Steps are its steps) or "" for the rest. The first
	// sentence states the kill.
	Role  string   `json:"role"`
	Steps []string `json:"steps"`
	// Rule is the finding whose summary the sentence repeats; Extends what
	// it adds to that summary ("So swap was in use and ran out: …").
	Rule    string `json:"rule"`
	Extends string `json:"extends"`
}

// ReportOnly is an OOM report that has no kill line (cut, or no killable process).
type ReportOnly struct {
	Path string `json:"path"`
	Line int    `json:"line"`
	Why  string `json:"why"`
	// Kind, Invoker, SwapAtOOM and MemInfo are read from the report as for
	// a kill (null when it does not print them).
	Kind      string     `json:"kind"` // global | memcg | cpuset | mempolicy | unknown
	Invoker   *Invoker   `json:"invoker"`
	SwapAtOOM *SwapAtOOM `json:"swap_at_oom"`
	MemInfo   *KillMem   `json:"mem_info"`
	Evidence  []Ref      `json:"evidence"`
}

// Swap is swap state at capture time.
type Swap struct {
	Source   string       `json:"source"`
	Devices  []SwapDevice `json:"devices"`
	TotalKB  *int64       `json:"total_kb"`
	UsedKB   *int64       `json:"used_kb"`
	Exact    bool         `json:"exact"`
	Evidence []Ref        `json:"evidence"`
}

// SwapDevice is one active swap area at capture.
type SwapDevice struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	SizeKB   *int64 `json:"size_kb"`
	UsedKB   *int64 `json:"used_kb"`
	Size     string `json:"size_printed"`
	Used     string `json:"used_printed"`
	Priority *int   `json:"priority"`
	Line     int    `json:"line"`
	// ErrKB is the half-width of the rounding of a human size ("947.2M"),
	// 0 for exact sizes; Zram a compressed-RAM device. Not in the JSON:
	// for the findings that compare sizes and name zram.
	ErrKB int64 `json:"-"`
	Zram  bool  `json:"-"`
}

// Memory is memory state at capture time.
type Memory struct {
	Source         string `json:"source"`
	MemTotalKB     *int64 `json:"mem_total_kb"`
	MemAvailableKB *int64 `json:"mem_available_kb"`
	MemFreeKB      *int64 `json:"mem_free_kb"`
	SwapTotalKB    *int64 `json:"swap_total_kb"`
	SwapFreeKB     *int64 `json:"swap_free_kb"`
	CommittedASKB  *int64 `json:"committed_as_kb"`
	CommitLimitKB  *int64 `json:"commit_limit_kb"`
	ShmemKB        *int64 `json:"shmem_kb"`
	OOMKillCount   *int64 `json:"oom_kill_count"`
}

// Sysctls is an ordered map of sysctl values as printed; it marshals as a
// JSON object with sorted keys.
type Sysctls map[string]string

// Kubelet is the kubelet's effective swap and eviction configuration.
type Kubelet struct {
	Version       *string           `json:"version"`
	FailSwapOn    *bool             `json:"fail_swap_on"`
	SwapBehavior  *string           `json:"swap_behavior"`
	NodeSwapGate  *bool             `json:"node_swap_feature_gate"`
	EffectiveSwap string            `json:"effective_swap"`
	EvictionHard  map[string]string `json:"eviction_hard"`
	CgroupDriver  *string           `json:"cgroup_driver"`
	Evidence      []Ref             `json:"evidence"`
}

// Node is one Kubernetes node.
type Node struct {
	Name                string      `json:"name"`
	KubeletVersion      *string     `json:"kubelet_version"`
	KernelVersion       *string     `json:"kernel_version"`
	ContainerRuntime    *string     `json:"container_runtime"`
	MemoryCapacityKB    *int64      `json:"memory_capacity_kb"`
	MemoryAllocatableKB *int64      `json:"memory_allocatable_kb"`
	PodMemRequestsKB    *int64      `json:"pod_memory_requests_kb"`
	PodMemLimitsKB      *int64      `json:"pod_memory_limits_kb"`
	Conditions          []Condition `json:"conditions"`
	Pods                []NodePod   `json:"pods"`
	Events              []Event     `json:"events"`
	Evidence            Ref         `json:"evidence"`
	// ThisHost is whether the node is the machine the bundle is from: only
	// such nodes feed the kills' explanation. HostMatch says why: "name"
	// (its name is the host name), "only-node" (the only node described),
	// "other" (another host's), "unknown-host" (several nodes described
	// and nothing names this host).
	ThisHost  bool   `json:"this_host"`
	HostMatch string `json:"host_match"`
	// AlsoIn cites the other descriptions of this node merged into it.
	AlsoIn []Ref `json:"also_in"`
}

// Condition is one node condition.
type Condition struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// NodePod is one pod scheduled on a node.
type NodePod struct {
	Namespace     string `json:"namespace"`
	Name          string `json:"name"`
	MemoryRequest string `json:"memory_request"`
	MemoryLimit   string `json:"memory_limit"`
}

// Event is one node event.
type Event struct {
	Type     string  `json:"type"`
	Reason   string  `json:"reason"`
	Age      string  `json:"age"`
	Count    int     `json:"count"`
	From     string  `json:"from"`
	Message  string  `json:"message"`
	Time     *string `json:"time"`
	KillID   *string `json:"kill_id"`
	Evidence Ref     `json:"evidence"`
}

// TimelineRow is one dated fact.
type TimelineRow struct {
	Time *string `json:"time"`
	// LocalTime is the node-local time when Time is null because the
	// bundle gives no time zone (see KillTime.WallLocal).
	LocalTime     *string  `json:"local_time"`
	KernelSeconds *float64 `json:"kernel_seconds"`
	Boot          *int     `json:"boot"`
	Source        Ref      `json:"source"`
	Kind          string   `json:"kind"`
	KillID        *string  `json:"kill_id"`
	Text          string   `json:"text"`
	// At is Time (or LocalTime's clock reading, in UTC) as a time; not in
	// the JSON.
	At *time.Time `json:"-"`
}

// Unexplained is a line that looks like an OOM/memory event but was not understood.
type Unexplained struct {
	Path string `json:"path"`
	Line int    `json:"line"`
	Text string `json:"text"`
}

// Excerpt is a run of source lines quoted as evidence (with context).
type Excerpt struct {
	Path  string        `json:"path"`
	Lines []ExcerptLine `json:"lines"`
}

// ExcerptLine is one quoted line; Cited marks lines a finding rests on.
type ExcerptLine struct {
	Line  int    `json:"line"`
	Text  string `json:"text"`
	Cited bool   `json:"cited"`
}
