package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/oomlens/oomlens/correlate"
	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/render"
)

// TestSizesThatDoNotFit (issue 21): the founding bundle with sizes no int64
// of kB holds planted in its kernel log and free listing. Each is a warning
// on the line that printed it and null in the report — never negative,
// never wrapped — and the rest of the analysis stands.
func TestSizesThatDoNotFit(t *testing.T) {
	m := fstest.MapFS{}
	dir := "fixtures/seed-microk8s"
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			m[e.Name()] = &fstest.MapFile{Data: data, Mode: 0o444}
		}
	}
	plant := func(name, old, new string) int {
		t.Helper()
		data := string(m[name].Data)
		i := strings.Index(data, old)
		if i < 0 {
			t.Fatalf("%s: %q not found", name, old)
		}
		m[name].Data = []byte(data[:i] + new + data[i+len(old):])
		return strings.Count(data[:i], "\n") + 1
	}
	// the victim's task row: rss of 2⁶¹ + 1 pages (×4 kB wraps int64)
	rowLine := plant("dmesg", "[23143]     0 23143   528095   435853", "[23143]     0 23143   528095   2305843009213693953")
	// the kill line: a wrapped kernel counter, printed unsigned
	killLine := plant("dmesg", "anon-rss:1743412kB", "anon-rss:18446744073709551612kB")
	// free: Mem total in kB past int64
	freeLine := plant("free", "2040400", "99999999999999999999")

	b, err := parse.Load(m, parse.LoadOptions{Name: "sizes"})
	if err != nil {
		t.Fatal(err)
	}
	rep := correlate.Build(b, correlate.Options{ToolVersion: "test"})
	var buf bytes.Buffer
	if err := render.JSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if p := negativeKBJSON(buf.Bytes()); p != "" {
		t.Errorf("negative size: %s", p)
	}
	if len(rep.Kills) != 3 {
		t.Fatalf("%d kills, want the seed's 3", len(rep.Kills))
	}
	k := rep.Kills[0]
	if k.Victim.AnonRSSKB != nil {
		t.Errorf("anon_rss_kb = %d, want null (the kill line's value does not fit)", *k.Victim.AnonRSSKB)
	}
	if k.Victim.TotalVMKB == nil || *k.Victim.TotalVMKB != 2112380 {
		t.Errorf("total_vm_kb = %v, want the kill line's 2112380", k.Victim.TotalVMKB)
	}
	for _, c := range k.Top {
		if c.Name == "pip3" {
			t.Errorf("pip3 in the top consumers with rss_kb %d: its RSS does not fit", c.RSSKB)
		}
	}
	if rep.Memory == nil || rep.Memory.MemTotalKB != nil {
		t.Errorf("memory = %+v, want mem_total_kb null", rep.Memory)
	}
	want := map[string][]int{"dmesg": {rowLine, killLine}, "free": {freeLine}}
	for _, in := range rep.Inputs {
		for _, line := range want[in.Path] {
			found := false
			for _, w := range in.Warnings {
				found = found || (w.Line == line && strings.Contains(w.Message, "fit in kB"))
			}
			if !found {
				t.Errorf("%s:%d: no \"does not fit\" warning in %+v", in.Path, line, in.Warnings)
			}
		}
		delete(want, in.Path)
	}
	if len(want) != 0 {
		t.Errorf("inputs not in the report: %v", want)
	}
}

// TestNegativeKBJSON: the fuzz targets' check finds a negative size where
// one is planted, at any depth, and passes a report without one.
func TestNegativeKBJSON(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{`{"kills":[{"victim":{"anon_rss_kb":1743412,"oom_score_adj":-998}}]}`, ""},
		{`{"kills":[{"victim":{"anon_rss_kb":-7960984073709027328}}]}`, ".kills[0].victim.anon_rss_kb = -7960984073709027328"},
		{`{"swap":{"devices":[{"size_kb":null},{"size_kb":-4}]}}`, ".swap.devices[1].size_kb = -4"},
	} {
		if got := negativeKBJSON([]byte(c.in)); got != c.want {
			t.Errorf("negativeKBJSON(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}
