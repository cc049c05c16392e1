package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/oomlens/oomlens/parse"
)

// TestLooseBundle: loose files served from disk give the same bundle as
// the same files read into memory; regular files are opened from disk (not
// held), stdin and FIFOs are read once; names collide as in main.go.
func TestLooseBundle(t *testing.T) {
	dir := t.TempDir()
	a, b := genKernelLog(21, 2, "raw"), genKernelLog(22, 1, "syslog")
	pa := write(t, filepath.Join(dir, "x", "dmesg"), a.Data)
	pb := write(t, filepath.Join(dir, "y", "dmesg"), b.Data)
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	go func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.Write(b.Data)
			f.Close()
		}
	}()
	fsys, only, err := looseBundle([]string{pa, pb, "-", fifo}, strings.NewReader(string(a.Data)))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"dmesg", "_dmesg", "stdin", "pipe"}; !reflect.DeepEqual(only, want) {
		t.Fatalf("only = %v, want %v", only, want)
	}
	l := fsys.(looseFS)
	if l.disk["dmesg"] != pa || l.disk["_dmesg"] != pb || l.mem["stdin"] == nil || l.mem["pipe"] == nil {
		t.Fatalf("disk %v, mem has stdin %v pipe %v", l.disk, l.mem["stdin"] != nil, l.mem["pipe"] != nil)
	}
	got, err := parse.Load(fsys, parse.LoadOptions{Name: "n", Only: only})
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{"dmesg": {Data: a.Data, Mode: 0o444}, "_dmesg": {Data: b.Data, Mode: 0o444},
		"stdin": {Data: a.Data, Mode: 0o444}, "pipe": {Data: b.Data, Mode: 0o444}}
	want, err := parse.Load(m, parse.LoadOptions{Name: "n", Only: only})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the bundle served from disk differs from the one held in memory")
	}
	for _, tc := range []struct {
		paths []string
		err   string
	}{
		{[]string{filepath.Join(dir, "nope")}, "no such file"},
		{[]string{pa, dir}, "must be the only PATH"},
	} {
		if _, _, err := looseBundle(tc.paths, strings.NewReader("")); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%v: err %v, want %q", tc.paths, err, tc.err)
		}
	}
}
