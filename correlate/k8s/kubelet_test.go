package k8s

import (
	"testing"

	"github.com/oomlens/oomlens/parse"
)

func TestKubeletEffectiveSwap(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		version   string
		fail      *bool
		gate      *bool
		behavior  string
		cgroupV2  *bool
		effective string
	}{
		{"v1.16.2", &no, nil, "", nil, "unrestricted"},
		{"v1.16.2", &yes, nil, "", nil, "kubelet-refuses-swap"},
		{"v1.25.4", &no, nil, "", &yes, "unrestricted"},
		{"v1.25.4", &no, &yes, "", &no, "LimitedSwap"},
		{"v1.25.4", &no, &yes, "UnlimitedSwap", &yes, "UnlimitedSwap"},
		{"v1.28.3", &no, &yes, "", &yes, "UnlimitedSwap"},
		{"v1.28.3", &no, &yes, "LimitedSwap", &no, "NoSwap"},
		{"v1.28.3", &no, nil, "", &yes, "unknown"},
		{"v1.30.2", &no, nil, "", &yes, "NoSwap"},
		{"v1.31.0", &no, nil, "LimitedSwap", &yes, "LimitedSwap"},
		{"v1.31.0", &no, nil, "LimitedSwap", &no, "NoSwap"},
		{"v1.31.0", &no, &no, "LimitedSwap", &yes, "NoSwap"},
		{"v1.34.1", &no, nil, "NoSwap", &yes, "NoSwap"},
		{"", &no, nil, "", nil, "unknown"},
	}
	for _, c := range cases {
		b := &parse.Bundle{CgroupV2: c.cgroupV2, Kubelet: &parse.KubeletConfig{FailSwapOn: c.fail, NodeSwapGate: c.gate, SwapBehavior: c.behavior, Version: c.version}}
		if got := KubeletSwap(b); got.Effective != c.effective {
			t.Errorf("%s fail=%v gate=%v %q v2=%v: %s (%s), want %s", c.version, deref2(c.fail), deref2(c.gate), c.behavior, deref2(c.cgroupV2), got.Effective, got.Why, c.effective)
		}
	}
}

func deref2(b *bool) string {
	if b == nil {
		return "unset"
	}
	if *b {
		return "true"
	}
	return "false"
}
