package correlate

import (
	"testing"

	"github.com/oomlens/oomlens/parse"
)

func TestHostnameFromTheOneNode(t *testing.T) {
	bundle := func(nodeKernel string, nodes int) *parse.Bundle {
		b := &parse.Bundle{KernelLogs: []*parse.KernelLog{{Path: "dmesg", Boots: []parse.Boot{{Kernel: "4.15.0-65-generic", Start: parse.Ref{Path: "dmesg", Line: 1}}}}}}
		for i := 0; i < nodes; i++ {
			b.Nodes = append(b.Nodes, &parse.Node{Ref: parse.Ref{Path: "describe-node", Line: 1 + i*80}, Name: "node" + string(rune('a'+i)), KernelVersion: nodeKernel})
		}
		return b
	}
	if h := Build(bundle("4.15.0-65-generic", 1), Options{}).Host; h.Hostname == nil || *h.Hostname != "nodea" || !hasRef(h.Evidence, "describe-node", 1) {
		t.Errorf("one node, same kernel: host %+v", h)
	}
	if h := Build(bundle("5.4.0-1-generic", 1), Options{}).Host; h.Hostname != nil {
		t.Errorf("another kernel: hostname %q, want null", *h.Hostname)
	}
	if h := Build(bundle("4.15.0-65-generic", 2), Options{}).Host; h.Hostname != nil {
		t.Errorf("two nodes: hostname %q, want null", *h.Hostname)
	}
}
