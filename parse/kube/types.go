package kube

import (
	"time"

	"github.com/oomlens/oomlens/parse/facts"
)

// The facts of every parser (package facts).
type (
	Ref     = facts.Ref
	Quote   = facts.Quote
	Warning = facts.Warning
)

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
	// AlsoIn cites the first line of every other description of this node
	// merged into this one (a combined `describe nodes` beside the
	// per-node file); set by the loader.
	AlsoIn []Ref `json:",omitempty"`
	// Match says how the loader decided whether the node is this host:
	// "name" (its name is the host name), "only-node" (the only node
	// described), "other" (another host's), "unknown-host" (several nodes
	// and nothing names this host); "" before the loader decides.
	Match string `json:",omitempty"`
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
	// LastReasonRef is the line of the Last State's Reason (describe pod);
	// nil when the source prints none (JSON, YAML).
	LastReasonRef *Ref
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

func ptr[T any](v T) *T { return &v }
