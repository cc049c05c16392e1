package parse

import (
	"testing"

	"github.com/oomlens/oomlens/internal/nonneg"
)

// TestNegativeKBFinds: the check itself finds a negative size where one is
// planted, and none in a clean value.
func TestNegativeKBFinds(t *testing.T) {
	clean := &KernelLog{Reports: []*OOMReport{{Kills: []KillLine{{AnonRSSKB: ptr(int64(5))}}}}}
	if p := nonneg.Find(clean, "kl", true); p != "" {
		t.Errorf("clean log: %s", p)
	}
	for _, bad := range []any{
		&KernelLog{Reports: []*OOMReport{{Kills: []KillLine{{AnonRSSKB: ptr(int64(-5))}}}}},
		&KernelLog{Reports: []*OOMReport{{MemInfo: &MemInfo{Counters: []KV{{Key: "free", Value: -1}}}}}},
		&Free{MemTotal: &Size{KB: -7960984073709027328}},
		&SwapTable{Devices: []SwapDevice{{Used: &Size{KB: 1, ErrKB: -1}}}},
	} {
		if p := nonneg.Find(bad, "x", true); p == "" {
			t.Errorf("%+v: no negative size found", bad)
		}
	}
}
