package parse

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/oomlens/oomlens/parse/kube"
)

// bundleFS builds an fstest.MapFS from a txtar file under testdata/load.
// A file named "a -> b" is a symlink to b, "a (fifo)" a named pipe, and a
// ".gz" file is gzipped here.
func bundleFS(t *testing.T, name string) fstest.MapFS {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", "load", name))
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	for _, f := range ar.Files {
		switch {
		case strings.Contains(f.Name, " -> "):
			from, to, _ := strings.Cut(f.Name, " -> ")
			m[from] = &fstest.MapFile{Mode: fs.ModeSymlink | 0o777, Data: []byte(to)}
		case strings.HasSuffix(f.Name, " (fifo)"):
			m[strings.TrimSuffix(f.Name, " (fifo)")] = &fstest.MapFile{Mode: fs.ModeNamedPipe | 0o644}
		case strings.HasSuffix(f.Name, ".gz"):
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(f.Data)
			zw.Close()
			m[f.Name] = &fstest.MapFile{Data: buf.Bytes(), Mode: 0o644}
		default:
			m[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
		}
	}
	return m
}

func inputOf(t *testing.T, b *Bundle, p string) *Input {
	t.Helper()
	for i := range b.Inputs {
		if b.Inputs[i].Path == p {
			return &b.Inputs[i]
		}
	}
	t.Fatalf("no input %q; inputs: %v", p, inputPaths(b))
	return nil
}

func inputPaths(b *Bundle) []string {
	var out []string
	for _, in := range b.Inputs {
		out = append(out, in.Path)
	}
	return out
}

func checkInput(t *testing.T, b *Bundle, p, kind string, used bool, whyNot string) *Input {
	t.Helper()
	in := inputOf(t, b, p)
	if in.Kind != kind {
		t.Errorf("%s: kind %q, want %q", p, in.Kind, kind)
	}
	if in.Used != used {
		t.Errorf("%s: used %v (why not %q), want %v", p, in.Used, in.WhyNot, used)
	}
	if whyNot != "" && !strings.Contains(in.WhyNot, whyNot) {
		t.Errorf("%s: why not %q, want it to contain %q", p, in.WhyNot, whyNot)
	}
	return in
}

func TestLoadSos4(t *testing.T) {
	b, err := Load(bundleFS(t, "sos4.txtar"), LoadOptions{Name: "sosreport-node1"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Sos == nil || b.Sos.Version != "4.5.6" || b.Sos.Layout != "sos-4" || !b.Sos.Manifest {
		t.Errorf("sos = %+v", b.Sos)
	}
	// only the layout table's files are inventoried
	for _, p := range inputPaths(b) {
		if strings.HasPrefix(p, "proc/1234") || p == "proc/cpuinfo" || strings.HasSuffix(p, "lsmod") || p == "sys/fs/cgroup/memory.pressure" {
			t.Errorf("%s should not be inventoried", p)
		}
	}
	dmesg := checkInput(t, b, "sos_commands/kernel/dmesg", "kernel-log", inputOf(t, b, "sos_commands/kernel/dmesg").Used, "")
	if dmesg.Truncated || dmesg.Bytes == 0 {
		t.Errorf("dmesg = %+v", dmesg)
	}
	if j := checkInput(t, b, "sos_commands/logs/journalctl_--no-pager", "kernel-log", inputOf(t, b, "sos_commands/logs/journalctl_--no-pager").Used, ""); !j.Truncated {
		t.Error("journal: the manifest says truncated")
	}
	checkInput(t, b, "sos_commands/memory/swapon_--bytes_--show", "swapon", true, "")
	checkInput(t, b, "proc/swaps", "proc-swaps", true, "")
	checkInput(t, b, "date", "timedatectl", false, "link to sos_commands/systemd/timedatectl")
	checkInput(t, b, "free", "free", false, "read there")
	checkInput(t, b, "etc/localtime", "localtime", true, "")
	checkInput(t, b, "sys/fs/cgroup/cgroup.controllers", "cgroup", true, "")
	checkInput(t, b, "sos_commands/kubernetes/cluster-info/kubectl_--kubeconfig_.etc.kubernetes.admin.conf_get_nodes", "get-nodes",
		inputOf(t, b, "sos_commands/kubernetes/cluster-info/kubectl_--kubeconfig_.etc.kubernetes.admin.conf_get_nodes").Used, "")

	if len(b.Swaps) != 3 {
		t.Fatalf("swaps = %d, want 3 (proc/swaps, --bytes --show, --summary)", len(b.Swaps))
	}
	for _, s := range b.Swaps {
		if len(s.Devices) != 2 {
			t.Errorf("%s: %d devices", s.Ref.Path, len(s.Devices))
		}
	}
	if got := b.Swaps[1]; got.Format != "swapon-bytes" || got.Devices[0].Size.KB != 969924 || !got.Devices[0].Size.Exact {
		t.Errorf("swapon --bytes = %+v", got)
	}
	if len(b.Free) != 2 || b.Free[0].Unit != "kB" || b.Free[1].Unit != "MiB" || b.Free[1].MemTotal.ErrKB != 512 {
		t.Errorf("free = %+v", b.Free)
	}
	if b.MemInfo == nil || b.MemInfo.Get("Committed_AS").Value != 2914316 {
		t.Errorf("meminfo = %+v", b.MemInfo)
	}
	if b.Pressure == nil || b.Pressure.SomePSI.Avg300 != 0.40 {
		t.Errorf("pressure = %+v", b.Pressure)
	}
	var oomKill *KV
	for i := range b.VMStat {
		if b.VMStat[i].Key == "oom_kill" {
			oomKill = &b.VMStat[i]
		}
	}
	if oomKill == nil || oomKill.Value != 3 {
		t.Errorf("vmstat oom_kill = %+v", oomKill)
	}
	run, conf := b.SysctlValue("vm.swappiness")
	if run == nil || run.Value != "60" || conf == nil || conf.Value != "10" || conf.Path != "etc/sysctl.d/99-swap.conf" {
		t.Errorf("vm.swappiness = %+v / %+v", run, conf)
	}
	h := b.Host
	if h.Hostname != "izwz9h8m2chowowqckbcy0z" || h.HostnameRef.Path != "sos_commands/host/hostname" || h.Kernel != "4.15.0-65-generic" {
		t.Errorf("host = %q (%+v) kernel %q", h.Hostname, h.HostnameRef, h.Kernel)
	}
	if h.CapturedAt == nil || h.CapturedAt.Format(time.RFC3339) != "2019-10-20T15:13:03+08:00" || h.CapturedRef.Path != "sos_commands/date/date_--utc" {
		t.Errorf("captured = %v from %+v", h.CapturedAt, h.CapturedRef)
	}
	if h.ZoneName != "Asia/Shanghai" || h.TimeZone != "Asia/Shanghai (CST, +0800)" || h.ZoneOffset == nil || *h.ZoneOffset != 8*3600 {
		t.Errorf("zone = %q %q %v", h.ZoneName, h.TimeZone, h.ZoneOffset)
	}
	if h.UptimeSec == nil || *h.UptimeSec != 15*86400+22*3600+12*60 || h.UptimeErrSec != 60 {
		t.Errorf("uptime = %v ±%v", h.UptimeSec, h.UptimeErrSec)
	}
	if h.Btime == nil || h.Btime.Unix() != 1570165211 || h.BootID != "1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f" {
		t.Errorf("btime %v boot id %q", h.Btime, h.BootID)
	}
	if len(h.BootList) != 2 || h.BootList[0].First == nil || h.BootList[0].First.Format(time.RFC3339) != "2019-10-04T13:00:11+08:00" {
		t.Errorf("boot list = %+v", h.BootList)
	}
	lb := inputOf(t, b, "sos_commands/systemd/journalctl_--list-boots")
	if lb.First == nil || lb.Last == nil || lb.Last.Format(time.RFC3339) != "2019-10-20T15:13:03+08:00" {
		t.Errorf("list-boots span = %v – %v", lb.First, lb.Last)
	}
	k := b.Kubelet
	if k == nil || k.FailSwapOn == nil || *k.FailSwapOn || k.CgroupDriver != "systemd" || len(k.Sources) != 2 || len(k.EvictionHard) != 1 {
		t.Fatalf("kubelet = %+v", k)
	}
	if b.CgroupV2 == nil || !*b.CgroupV2 {
		t.Errorf("cgroup v2 = %v (%s)", b.CgroupV2, b.CgroupWhy)
	}
	checkInput(t, b, "sos_logs/ui.log", "sos-log", true, "")
	if !hasGap(b, "plugin kubernetes timed out") {
		t.Errorf("gaps = %+v, want the kubernetes plugin timeout", b.Gaps)
	}
	// inputs are in path order
	for i := 1; i < len(b.Inputs); i++ {
		if b.Inputs[i-1].Path >= b.Inputs[i].Path {
			t.Errorf("inputs out of order: %q before %q", b.Inputs[i-1].Path, b.Inputs[i].Path)
		}
	}
	// the truncated journal is a coverage gap whatever the kernel parser does
	if j := inputOf(t, b, "sos_commands/logs/journalctl_--no-pager"); j.Used && !hasGap(b, "truncated") {
		t.Errorf("gaps = %+v, want a truncation gap", b.Gaps)
	}
}

func hasGap(b *Bundle, substr string) bool {
	for _, g := range b.Gaps {
		if strings.Contains(g.Message, substr) {
			return true
		}
	}
	return false
}

func TestLoadSos3(t *testing.T) {
	b, err := Load(bundleFS(t, "sos3.txtar"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Sos == nil || b.Sos.Version != "3.6" || b.Sos.Layout != "sos-3" || b.Sos.Manifest {
		t.Errorf("sos = %+v", b.Sos)
	}
	tailed := checkInput(t, b, "sos_strings/logs/var.log.messages.tailed", "kernel-log", inputOf(t, b, "sos_strings/logs/var.log.messages.tailed").Used, "")
	if !tailed.Truncated {
		t.Error(".tailed copy not marked truncated")
	}
	checkInput(t, b, "var/log/messages", "kernel-log", false, "link to sos_strings/logs/var.log.messages.tailed")
	gz := checkInput(t, b, "var/log/messages-20191013.gz", "kernel-log", inputOf(t, b, "var/log/messages-20191013.gz").Used, "")
	if gz.Bytes == 0 {
		t.Error("gz input has no size")
	}
	checkInput(t, b, "var/log/syslog.1", "kernel-log", false, "loop")
	checkInput(t, b, "var/log/syslog.2", "kernel-log", false, "loop")
	checkInput(t, b, "var/log/kern.log", "kernel-log", false, "outside the bundle")
	checkInput(t, b, "var/log/dmesg", "kernel-log", false, "outside the bundle")
	checkInput(t, b, "var/log/messages.pipe", "kernel-log", false, "named pipe")
	checkInput(t, b, "date", "date", false, "read there")

	// no timedatectl: date and date --utc give the offset
	h := b.Host
	if h.CapturedAt == nil || h.CapturedAt.Format(time.RFC3339) != "2019-10-20T15:13:03+08:00" {
		t.Errorf("captured = %v", h.CapturedAt)
	}
	if h.Location == nil || h.ZoneName != "" || h.ZoneOffset == nil || *h.ZoneOffset != 8*3600 {
		t.Errorf("zone = %v %q %v, want a fixed +0800 zone with no name", h.Location, h.ZoneName, h.ZoneOffset)
	}
	if h.CapturedWall == nil || h.CapturedWall.Format("2006-01-02 15:04:05") != "2019-10-20 15:13:03" || h.CapturedAbbr != "CST" || h.CapturedWallRef.Path != "sos_commands/date/date" {
		t.Errorf("captured wall = %v %q %+v", h.CapturedWall, h.CapturedAbbr, h.CapturedWallRef)
	}
	if h.Hostname != "node7.example.com" {
		t.Errorf("hostname = %q", h.Hostname)
	}
	if len(b.Swaps) != 1 || b.Swaps[0].Devices[0].Size.KB != 4194300 {
		t.Errorf("swaps = %+v", b.Swaps)
	}
	if b.CgroupV2 == nil || *b.CgroupV2 || b.CgroupRef == nil || b.CgroupRef.Path != "proc/mounts" || b.CgroupRef.Line != 3 {
		t.Errorf("cgroup = %v %+v", b.CgroupV2, b.CgroupRef)
	}
	if b.Kubelet != nil {
		t.Errorf("kubelet = %+v, want nil", b.Kubelet)
	}
	run, _ := b.SysctlValue("vm.overcommit_memory")
	if run == nil || run.Value != "2" {
		t.Errorf("vm.overcommit_memory = %+v", run)
	}
}

func TestLoadSos2(t *testing.T) {
	b, err := Load(bundleFS(t, "sos2.txtar"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Sos == nil || b.Sos.Version != "" || b.Sos.Layout != "sos-2" {
		t.Errorf("sos = %+v", b.Sos)
	}
	checkInput(t, b, "sos_commands/general/dmesg", "kernel-log", inputOf(t, b, "sos_commands/general/dmesg").Used, "")
	checkInput(t, b, "sos_commands/general/date", "date", true, "")
	checkInput(t, b, "sos_commands/general/uptime", "uptime", true, "")
	checkInput(t, b, "sos_commands/general/hostname", "hostname", true, "")
	f := checkInput(t, b, "sos_commands/general/free", "free", true, "")
	if f.Format != "procps-old-kB" {
		t.Errorf("free format = %q", f.Format)
	}
	if len(b.Free) != 1 || b.Free[0].BuffCache == nil || b.Free[0].BuffCache.KB != 180212+2735584 || b.Free[0].Available != nil {
		t.Errorf("free = %+v", b.Free)
	}
	h := b.Host
	if h.CapturedAt == nil || h.CapturedAt.Format(time.RFC3339) != "2019-10-20T15:13:03Z" || h.Hostname != "rhel6-db1" || h.Kernel != "2.6.32-431.el6.x86_64" {
		t.Errorf("host = %+v", h)
	}
	// sos_commands/general/date is plain `date` (sos names files after the
	// command line; `date --utc` would be date_--utc): it printing UTC says
	// the node's clock is UTC.
	if h.Location != time.UTC || h.TimeZone != "UTC (printed by date)" || h.ZoneRef == nil || h.ZoneRef.Path != "sos_commands/general/date" {
		t.Errorf("location = %v, zone %q from %v; want UTC from sos_commands/general/date", h.Location, h.TimeZone, h.ZoneRef)
	}
	if h.UptimeSec == nil || *h.UptimeSec != 180 {
		t.Errorf("uptime = %v", h.UptimeSec)
	}
	if hasGapSource(b, "clock") {
		t.Errorf("gaps = %+v: the time zone is known (UTC)", b.Gaps)
	}
	if len(b.Swaps) != 1 || b.Swaps[0].Format != "proc-swaps" {
		t.Errorf("swaps = %+v", b.Swaps)
	}
}

func hasGapSource(b *Bundle, src string) bool {
	for _, g := range b.Gaps {
		if g.Source == src {
			return true
		}
	}
	return false
}

func TestLoadLoose(t *testing.T) {
	m := bundleFS(t, "loose.txtar")
	m["pipe"] = &fstest.MapFile{Mode: fs.ModeNamedPipe}
	b, err := Load(m, LoadOptions{Name: "saved/"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Sos != nil {
		t.Errorf("sos = %+v for a loose folder", b.Sos)
	}
	checkInput(t, b, "swap.txt", "swapon", true, "")
	checkInput(t, b, "memory.out", "free", true, "")
	checkInput(t, b, "mi", "meminfo", true, "")
	checkInput(t, b, "settings", "sysctl", true, "")
	checkInput(t, b, "tz.txt", "timedatectl", true, "")
	checkInput(t, b, "when", "date", true, "")
	checkInput(t, b, "up", "uptime", true, "")
	checkInput(t, b, "boots.txt", "list-boots", true, "")
	checkInput(t, b, "kubelet", "kubelet-flags", true, "")
	checkInput(t, b, "uname.txt", "uname", true, "")
	checkInput(t, b, "mounts", "cgroup", true, "")
	checkInput(t, b, "notes.md", "unknown", false, "not recognised")
	checkInput(t, b, "empty.txt", "unknown", false, "empty")
	checkInput(t, b, "pipe", "unknown", false, "named pipe")
	gz := checkInput(t, b, "old/swapon.txt.gz", "swapon", true, "")
	if gz.Lines != 2 {
		t.Errorf("gz lines = %d, want 2", gz.Lines)
	}
	for _, p := range inputPaths(b) {
		if p == ".hidden" {
			t.Error("hidden file inventoried")
		}
	}
	// the unit of "free" was not printed: meminfo's MemTotal says MiB
	if len(b.Free) != 1 || b.Free[0].Unit != "MiB" || b.Free[0].MemTotal.KB != 1837*1024+512 {
		t.Errorf("free = %+v", b.Free[0])
	}
	if len(b.Swaps) != 2 || b.Swaps[1].Devices[0].Size.Printed != "947.2M" || b.Swaps[1].Devices[0].Size.Exact {
		t.Errorf("swaps = %+v", b.Swaps)
	}
	if b.Host.CapturedAt == nil || b.Host.CapturedAt.Format(time.RFC3339) != "2019-10-20T15:13:03+08:00" || b.Host.CapturedRef.Path != "tz.txt" {
		t.Errorf("captured = %v %+v", b.Host.CapturedAt, b.Host.CapturedRef)
	}
	if b.Kubelet == nil || b.Kubelet.FailSwapOn == nil || *b.Kubelet.FailSwapOn || len(b.Kubelet.EvictionHard) != 3 {
		t.Errorf("kubelet = %+v", b.Kubelet)
	}
	if b.CgroupV2 == nil || !*b.CgroupV2 {
		t.Errorf("cgroup = %v", b.CgroupV2)
	}
	if es := kube.EffectiveSwap(b.Kubelet, "v1.16.2", b.CgroupV2); es.Behavior != "unlimited" {
		t.Errorf("effective swap = %+v", es)
	}
	if !hasGapSource(b, "kernel-log") && !hasKind(b, "kernel-log") {
		t.Errorf("no kernel log and no gap for it: %+v", b.Gaps)
	}
}

func hasKind(b *Bundle, kind string) bool {
	for _, in := range b.Inputs {
		if in.Kind == kind && in.Used {
			return true
		}
	}
	return false
}

// TestLoadZoneUnknown: the seed's lone `date` prints CST, which is China,
// US Central or Cuba: the capture instant stays unknown, the wall clock is
// kept.
func TestLoadZoneUnknown(t *testing.T) {
	m := fstest.MapFS{
		"date":   {Data: []byte("Sun Oct 20 15:13:03 CST 2019\n")},
		"uptime": {Data: []byte(" 15:13:03 up 15 days, 22:12,  1 user,  load average: 0.00, 0.01, 0.05\n")},
	}
	b, err := Load(m, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := b.Host
	if h.CapturedAt != nil || h.Location != nil || h.ZoneOffset != nil {
		t.Errorf("captured %v zone %v %v, want unknown", h.CapturedAt, h.Location, h.ZoneOffset)
	}
	if h.CapturedWall == nil || h.CapturedWall.Format("Jan 2 15:04:05 2006") != "Oct 20 15:13:03 2019" || h.CapturedAbbr != "CST" {
		t.Errorf("captured wall = %v %q", h.CapturedWall, h.CapturedAbbr)
	}
	if in := inputOf(t, b, "date"); in.First != nil || !in.Used {
		t.Errorf("date input = %+v, want used with no instant", in)
	}
	if !hasGapSource(b, "clock") {
		t.Errorf("gaps = %+v", b.Gaps)
	}
}

func TestLoadOnly(t *testing.T) {
	m := fstest.MapFS{
		"stdin":  {Data: []byte("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/swapfile file 969932 19046 -2\n")},
		"_stdin": {Data: []byte("MemTotal:        1881872 kB\n")},
		"other":  {Data: []byte("NAME TYPE SIZE USED PRIO\n/swapfile file 1G 0B -2\n")},
	}
	b, err := Load(m, LoadOptions{Only: []string{"stdin", "_stdin", "missing"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Inputs) != 3 {
		t.Fatalf("inputs = %v, want stdin, _stdin and missing only", inputPaths(b))
	}
	checkInput(t, b, "stdin", "swapon", true, "")
	checkInput(t, b, "_stdin", "meminfo", true, "")
	checkInput(t, b, "missing", "unknown", false, "cannot be read")

	// nothing understood at all
	_, err = Load(fstest.MapFS{"stdin": {Data: []byte("hello\nworld\n")}}, LoadOptions{Only: []string{"stdin"}})
	if !errors.Is(err, ErrNotUnderstood) || !strings.Contains(err.Error(), "stdin: not recognised") {
		t.Errorf("err = %v, want ErrNotUnderstood naming stdin", err)
	}
	if _, err := Load(fstest.MapFS{}, LoadOptions{}); !errors.Is(err, ErrNotUnderstood) {
		t.Errorf("empty bundle: err = %v", err)
	}
}

// TestLoadDirFS runs the loader on a real directory through os.DirFS: a
// symlink out of the directory must not be followed.
func TestLoadDirFS(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret")
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("swapon.txt", "NAME      TYPE SIZE USED PRIO\n/swapfile file 947.2M 18.6M -2\n")
	if err := os.WriteFile(outside, []byte("MemTotal:        1881872 kB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "meminfo")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("swapon.txt", filepath.Join(dir, "swap-link")); err != nil {
		t.Fatal(err)
	}
	b, err := Load(os.DirFS(dir), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkInput(t, b, "meminfo", "unknown", false, "outside the bundle")
	checkInput(t, b, "swap-link", "swapon", false, "link to swapon.txt")
	checkInput(t, b, "swapon.txt", "swapon", true, "")
	if b.MemInfo != nil {
		t.Error("meminfo was read through a link out of the bundle")
	}
}

func TestOpenDataGzip(t *testing.T) {
	m := bundleFS(t, "sos3.txtar")
	l := &loader{fsys: m}
	r, closeFn, _, err := l.openData("var/log/messages-20191013.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "Oct 13 03:10:01 node7 rsyslogd") || countLines(data) != 2 {
		t.Errorf("decompressed = %q", data)
	}
}

func TestLoadNestedSos(t *testing.T) {
	m := fstest.MapFS{}
	for p, f := range bundleFS(t, "sos2.txtar") {
		m["sosreport-rhel6-db1-20191020/"+p] = f
	}
	m["sosreport-rhel6-db1-20191020.tar.xz.md5"] = &fstest.MapFile{Data: []byte("0123456789abcdef0123456789abcdef\n")}
	m["notes.txt"] = &fstest.MapFile{Data: []byte("Customer says:\n$ free -m\n              total        used        free      shared  buff/cache   available\nMem:           1993        1900          33           0          59          12\nSwap:             0           0           0\n")}
	b, err := Load(m, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Sos == nil || b.Sos.Layout != "sos-2" || len(b.Warnings) != 1 {
		t.Errorf("sos = %+v, warnings %+v", b.Sos, b.Warnings)
	}
	checkInput(t, b, "sosreport-rhel6-db1-20191020/sos_commands/general/free", "free", true, "")
	if b.Host.Hostname != "rhel6-db1" || b.Host.HostnameRef.Path != "sosreport-rhel6-db1-20191020/sos_commands/general/hostname" {
		t.Errorf("hostname = %q %+v", b.Host.Hostname, b.Host.HostnameRef)
	}
	for _, p := range inputPaths(b) {
		if strings.HasSuffix(p, ".md5") {
			t.Errorf("%s outside the sosreport was inventoried", p)
		}
	}
	// a note beside the sosreport is read by content
	checkInput(t, b, "notes.txt", "paste", true, "")
	if len(b.Free) != 2 {
		t.Errorf("free listings = %d, want the sosreport's and the note's", len(b.Free))
	}
}

// TestLoadFailedCommand: an empty swapon output means "no swap" only when
// the command succeeded.
func TestLoadFailedCommand(t *testing.T) {
	manifest := `{"version": "4.3", "cmdline": "sos report", "components": {"report": {"plugins": {"memory": {"commands": [
 {"command": "swapon", "exec": "swapon --bytes --show", "filepath": "sos_commands/memory/swapon_--bytes_--show", "truncated": false, "return_code": 1},
 {"command": "swapon", "exec": "swapon --summary --verbose", "filepath": "sos_commands/memory/swapon_--summary_--verbose", "truncated": false, "return_code": 0}]}}}}}`
	m := fstest.MapFS{
		"sos_reports/manifest.json":                      {Data: []byte(manifest)},
		"sos_commands/memory/swapon_--bytes_--show":      {Data: []byte("")},
		"sos_commands/memory/swapon_--summary_--verbose": {Data: []byte("")},
	}
	b, err := Load(m, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkInput(t, b, "sos_commands/memory/swapon_--bytes_--show", "swapon", false, "exited with status 1")
	checkInput(t, b, "sos_commands/memory/swapon_--summary_--verbose", "swapon", true, "")
	if len(b.Swaps) != 1 || len(b.Swaps[0].Devices) != 0 {
		t.Errorf("swaps = %+v, want one empty table (no swap active)", b.Swaps)
	}
	if b.Sos.Version != "4.3" || b.Sos.Layout != "sos-4" {
		t.Errorf("sos = %+v", b.Sos)
	}
}

// TestLoadLooseContentBeatsName: in a loose folder a file named like a
// sos output is classified by what it holds.
func TestLoadLooseContentBeatsName(t *testing.T) {
	m := fstest.MapFS{
		"free":     {Data: []byte("MemTotal:        1881872 kB\nMemFree:           92340 kB\n")},
		"hostname": {Data: []byte("NAME      TYPE SIZE USED PRIO\n/swapfile file 947.2M 18.6M -2\n")},
	}
	b, err := Load(m, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkInput(t, b, "free", "meminfo", true, "")
	checkInput(t, b, "hostname", "swapon", true, "")
}

// TestFinishKernel checks what the loader derives from parsed kernel logs:
// time spans in the host zone, the cgroup version from memcg lines and the
// coverage gaps, with KernelLogs built by hand.
func TestFinishKernel(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	noZone := time.Date(2019, 10, 18, 9, 12, 1, 0, time.UTC)
	last := time.Date(2019, 10, 20, 7, 13, 2, 0, time.UTC)
	kl := &KernelLog{
		Path:    "var/log/messages",
		First:   &Stamp{Raw: "Oct 18 09:12:01", Wall: &noZone, WallHasYear: true},
		Last:    &Stamp{Raw: "2019-10-20T07:13:02+0000", Wall: &last, WallHasYear: true, WallHasZone: true},
		Reports: []*OOMReport{{Memcg: &MemcgBlock{MemSwap: &Counter{Ref: Ref{Path: "var/log/messages", Line: 7}}}}},
	}
	yearless := &KernelLog{Path: "sos_commands/kernel/dmesg", First: &Stamp{Raw: "[    0.000000]", KernelSeconds: ptr(0.0)}}
	l := &loader{
		fsys:      fstest.MapFS{},
		b:         &Bundle{Host: Host{Location: sh}},
		kernelIdx: map[*KernelLog]int{},
	}
	l.b.Inputs = []Input{{Path: "sos_commands/kernel/dmesg", Kind: "kernel-log", Used: true}, {Path: "var/log/messages", Kind: "kernel-log", Used: true, Truncated: true}}
	l.b.KernelLogs = []*KernelLog{yearless, kl}
	l.kernelIdx[yearless], l.kernelIdx[kl] = 0, 1
	l.finishKernelSpans()
	l.finishCgroup()
	l.finishGaps()
	in := l.b.Inputs[1]
	if in.First == nil || in.First.Format(time.RFC3339) != "2019-10-18T09:12:01+08:00" || in.Last == nil || !in.Last.Equal(last) {
		t.Errorf("span = %v – %v", in.First, in.Last)
	}
	if l.b.Inputs[0].First != nil {
		t.Errorf("dmesg span = %v, want nil (no wall time)", l.b.Inputs[0].First)
	}
	if l.b.CgroupV2 == nil || *l.b.CgroupV2 || l.b.CgroupRef.Line != 7 {
		t.Errorf("cgroup = %v %+v", l.b.CgroupV2, l.b.CgroupRef)
	}
	if !hasGap(l.b, "no kernel log older than 2019-10-18 09:12:01 +0800 (var/log/messages)") || !hasGap(l.b, "var/log/messages was truncated") {
		t.Errorf("gaps = %+v", l.b.Gaps)
	}
	if hasGap(l.b, "no kernel log was read") {
		t.Error("a no-kernel-log gap with kernel logs read")
	}
}

// TestLoadRoutesKube: Kubernetes outputs of a sosreport are routed by the
// layout table whatever their kubectl prefix, and a classified file is
// enough for Load to succeed even if its parser finds nothing.
func TestLoadRoutesKube(t *testing.T) {
	describe := `Name:               izwz9h8m2chowowqckbcy0z
Roles:              <none>
Events:
  Type     Reason     Age    From                                 Message
  ----     ------     ----   ----                                 -------
  Warning  SystemOOM  5m46s  kubelet, izwz9h8m2chowowqckbcy0z     System OOM encountered, victim process: pip3, pid: 23143
`
	m := fstest.MapFS{
		"sos_commands/kubernetes/nodes/microk8s_kubectl_describe_node_izwz9h8m2chowowqckbcy0z": {Data: []byte(describe)},
		"sos_commands/kubernetes/cluster-info/kubectl_get_-o_json_nodes":                       {Data: []byte(`{"apiVersion": "v1", "items": [], "kind": "List"}`)},
		"sos_commands/crio/crictl_ps_-a":                                                       {Data: []byte("CONTAINER           IMAGE               CREATED             STATE               NAME                ATTEMPT             POD ID\n")},
	}
	b, err := Load(m, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dn := inputOf(t, b, "sos_commands/kubernetes/nodes/microk8s_kubectl_describe_node_izwz9h8m2chowowqckbcy0z")
	if dn.Kind != "describe-node" || dn.Lines != 6 {
		t.Errorf("describe node input = %+v", dn)
	}
	if in := inputOf(t, b, "sos_commands/kubernetes/cluster-info/kubectl_get_-o_json_nodes"); in.Kind != "get-nodes" || in.Format != "json" {
		t.Errorf("get nodes json input = %+v", in)
	}
	if in := inputOf(t, b, "sos_commands/crio/crictl_ps_-a"); in.Kind != "crictl-ps" {
		t.Errorf("crictl input = %+v", in)
	}
	if !dn.Used && dn.WhyNot == "" {
		t.Error("an unused input must say why")
	}
}

func TestCommandError(t *testing.T) {
	for in, want := range map[string]string{
		"swapon: unrecognized option '--bytes'\n\nUsage:\n swapon [options] [<spec>]\n": "swapon: unrecognized option '--bytes'",
		"bash: free: command not found\n":                                               "bash: free: command not found",
		"NAME TYPE SIZE USED PRIO\n":                                                    "",
		"MemTotal: 1 kB\n":                                                              "",
	} {
		if got := commandError([]byte(in)); got != want {
			t.Errorf("commandError(%q) = %q, want %q", in, got, want)
		}
	}
}

// tzifFixed builds a minimal TZif (version 1) file for a zone with one
// fixed offset, as a copied etc/localtime of such a zone holds.
func tzifFixed(abbr string, offset int32) []byte {
	var b bytes.Buffer
	b.WriteString("TZif")
	b.Write(make([]byte, 16)) // version 0 and reserved
	be32 := func(v uint32) { b.Write([]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}) }
	// isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
	for _, n := range []uint32{0, 0, 0, 0, 1, uint32(len(abbr) + 1)} {
		be32(n)
	}
	be32(uint32(offset))
	b.Write([]byte{0, 0}) // isdst, abbreviation index
	b.WriteString(abbr)
	b.WriteByte(0)
	return b.Bytes()
}

// TestLoadLocaltimeFile: a copied etc/localtime (TZif data, not a link)
// gives the zone.
func TestLoadLocaltimeFile(t *testing.T) {
	m := fstest.MapFS{
		"sos_commands/date/date": {Data: []byte("Sun Oct 20 15:13:03 CST 2019\n")},
		"etc/localtime":          {Data: tzifFixed("CST", 8*3600)},
		"sos_commands/kernel/x":  {Data: []byte("x\n")},
	}
	b, err := Load(m, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := b.Host
	if h.CapturedAt == nil || h.CapturedAt.UTC().Format(time.RFC3339) != "2019-10-20T07:13:03Z" || h.TimeZone != "etc/localtime (CST, +0800)" {
		t.Errorf("captured %v zone %q", h.CapturedAt, h.TimeZone)
	}
	checkInput(t, b, "etc/localtime", "localtime", true, "")
	m["etc/localtime"] = &fstest.MapFile{Data: []byte("not a zone file\n")}
	b, err = Load(m, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkInput(t, b, "etc/localtime", "localtime", false, "not a TZif file")
	if b.Host.CapturedAt != nil {
		t.Errorf("captured %v with no zone", b.Host.CapturedAt)
	}
}

// TestZoneFromPlainDate: a plain `date` that prints UTC names the node's
// zone; `date --utc` says nothing about it.
func TestZoneFromPlainDate(t *testing.T) {
	dmesg := []byte("[ 1319.386512] Linux version 6.1.0 (gcc) #1 SMP\n")
	for _, c := range []struct {
		name, file string
		want       bool
	}{
		{"sos date", "sos_commands/date/date", true},
		{"sos date --utc", "sos_commands/date/date_--utc", false},
		{"loose date.txt", "date.txt", true},
		{"loose date-utc.txt", "date-utc.txt", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			log := "sos_commands/kernel/dmesg"
			if !strings.HasPrefix(c.file, "sos_commands/") {
				log = "dmesg" // a loose folder
			}
			fsys := fstest.MapFS{
				c.file: {Data: []byte("Thu Nov 26 19:40:02 UTC 2026\n")},
				log:    {Data: dmesg},
			}
			b, err := Load(fsys, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := b.Host.Location == time.UTC; got != c.want {
				t.Errorf("zone known as UTC = %v (%v), want %v", got, b.Host.Location, c.want)
			}
			if b.Host.CapturedAt == nil || !b.Host.CapturedAt.Equal(time.Date(2026, 11, 26, 19, 40, 2, 0, time.UTC)) {
				t.Errorf("captured at %v", b.Host.CapturedAt)
			}
		})
	}
}
