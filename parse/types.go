package parse

import (
	"github.com/oomlens/oomlens/parse/facts"
	"github.com/oomlens/oomlens/parse/kernel"
	"github.com/oomlens/oomlens/parse/kube"
)

// This file holds the typed facts that parse/ hands to correlate/. Every fact
// keeps the Ref (path and 1-based line) it was read from, so that every
// conclusion downstream can cite it. A value the input does not print is a
// nil pointer, never zero.

// The facts every parser's output carries (package facts).
type (
	Ref     = facts.Ref
	Quote   = facts.Quote
	Warning = facts.Warning
)

// The kernel log's facts are the kernel-log engine's (package kernel):
// named here too, so that a Bundle reads as one set of facts.
type (
	Stamp          = kernel.Stamp
	LogLine        = kernel.LogLine
	KernelLog      = kernel.KernelLog
	Boot           = kernel.Boot
	ClockPoint     = kernel.ClockPoint
	DroppedEvents  = kernel.DroppedEvents
	Event          = kernel.Event
	OOMReport      = kernel.OOMReport
	Trigger        = kernel.Trigger
	CPULine        = kernel.CPULine
	Cpuset         = kernel.Cpuset
	Counter        = kernel.Counter
	MemcgBlock     = kernel.MemcgBlock
	KV             = kernel.KV
	MemInfo        = kernel.MemInfo
	NodeLine       = kernel.NodeLine
	ZoneLine       = kernel.ZoneLine
	SlabRow        = kernel.SlabRow
	TaskTable      = kernel.TaskTable
	TaskRow        = kernel.TaskRow
	ConstraintLine = kernel.ConstraintLine
	SelectLine     = kernel.SelectLine
	KillLine       = kernel.KillLine
	ReapLine       = kernel.ReapLine
)

// The Kubernetes facts are package kube's, named here too.
type (
	CgroupPod     = kube.CgroupPod
	Container     = kube.Container
	K8sEvent      = kube.K8sEvent
	KVString      = kube.KVString
	KubeObjects   = kube.KubeObjects
	KubeletConfig = kube.KubeletConfig
	KubeletSwap   = kube.KubeletSwap
	Node          = kube.Node
	NodeAllocated = kube.NodeAllocated
	NodeCondition = kube.NodeCondition
	NodeEvent     = kube.NodeEvent
	NodePod       = kube.NodePod
	Pod           = kube.Pod
	PodContainer  = kube.PodContainer
)
