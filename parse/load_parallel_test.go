package parse

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/oomlens/oomlens/internal/genlog"
)

// TestLoadParallelKernelLogs: kernel logs parsed on parallel goroutines
// give the same bundle, in the same order, as parsing them one by one.
func TestLoadParallelKernelLogs(t *testing.T) {
	fsys := fstest.MapFS{}
	for i, style := range []string{"raw", "syslog", "T", "raw", "syslog"} {
		var b bytes.Buffer
		if _, err := genlog.Generate(&b, genlog.Options{Size: int64(256<<10 + i*50000), Style: style, Seed: uint64(i + 1), OOMs: 4}); err != nil {
			t.Fatal(err)
		}
		data := b.Bytes()
		fsys[fmt.Sprintf("logs/kern-%d.log", i)] = &fstest.MapFile{Data: data, Mode: 0o444}
	}
	fsys["logs/kern-5.log"] = &fstest.MapFile{Data: []byte("[    0.000000] Linux version 6.8.0-45-generic (buildd@lcy02-amd64-075) (x86_64-linux-gnu-gcc-13)\n"), Mode: 0o444}
	par, err := Load(fsys, LoadOptions{Name: "bundle"})
	if err != nil {
		t.Fatal(err)
	}
	loadSerial = true
	ser, err := Load(fsys, LoadOptions{Name: "bundle"})
	loadSerial = false
	if err != nil {
		t.Fatal(err)
	}
	if len(par.KernelLogs) != 6 {
		t.Fatalf("%d kernel logs, want 6", len(par.KernelLogs))
	}
	if !reflect.DeepEqual(par, ser) {
		for i := range par.KernelLogs {
			if !reflect.DeepEqual(par.KernelLogs[i], ser.KernelLogs[i]) {
				t.Fatalf("log %d (%s) differs", i, par.KernelLogs[i].Path)
			}
		}
		t.Fatalf("parallel and serial bundles differ:\n%+v\n%+v", par.Inputs, ser.Inputs)
	}
}
