package kernel_test

import (
	"os"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/oomlens/oomlens/parse"
	"github.com/oomlens/oomlens/parse/kernel"
)

// TestLoadMapsLargeLogs: the loader hands large kernel logs of a bundle
// directory to the mapped reader, with the result of reading them.
func TestLoadMapsLargeLogs(t *testing.T) {
	dir := t.TempDir()
	data, _ := kernel.GenLog(int(kernel.MapMinSize)+4096, 1<<20, "raw")
	if err := os.MkdirAll(filepath.Join(dir, "sos_commands", "kernel"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sos_commands", "kernel", "dmesg"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.DirFS(dir).Open("sos_commands/kernel/dmesg")
	if err != nil {
		t.Fatal(err)
	}
	_, _, ok := kernel.Mappable(f)
	f.Close()
	if !ok {
		t.Fatal("a large log opened through os.DirFS is not mapped")
	}
	load := func() *parse.Bundle {
		b, err := parse.Load(os.DirFS(dir), parse.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var windows atomic.Int64
	kernel.SetTestHookWindow(func(int) { windows.Add(1) })
	mapped := load()
	kernel.SetTestHookWindow(nil)
	if windows.Load() < 2 {
		t.Fatalf("the loader read the log through %d mapped windows, want it mapped", windows.Load())
	}
	kernel.SetForceSyncRead(true)
	read := load()
	kernel.SetForceSyncRead(false)
	if !reflect.DeepEqual(mapped, read) {
		t.Error("Load with mapped logs differs from Load with read logs")
	}
	if len(mapped.KernelLogs) != 1 || len(mapped.KernelLogs[0].Reports) == 0 {
		t.Errorf("mapped load found %d logs", len(mapped.KernelLogs))
	}
}
