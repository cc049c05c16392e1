package parse

import (
	"path/filepath"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/oomlens/oomlens/parse/kube"
)

// addLoadSeeds seeds a fuzz target with every file of the loader's test
// bundles.
func addLoadSeeds(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "load", "*.txtar"))
	for _, n := range names {
		ar, err := txtar.ParseFile(n)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			f.Add(file.Name, file.Data)
		}
	}
}

// FuzzContextParsers runs every context parser on any input: none may
// panic, and every warning must cite a line of the input.
func FuzzContextParsers(f *testing.F) {
	addLoadSeeds(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		lines := countLines(data)
		check := func(ws []Warning) {
			for _, w := range ws {
				if w.Line < 0 || w.Line > lines {
					t.Fatalf("warning on line %d of %d: %+v", w.Line, lines, w)
				}
			}
		}
		_, w := parseSwapon(data, name)
		check(w)
		for _, u := range []string{"", "MiB", "GiB", "bytes"} {
			_, w = parseFree(data, name, u)
			check(w)
		}
		_, w = parseMemInfo(data, name)
		check(w)
		_, w = parsePressure(data, name)
		check(w)
		_, _, w, _ = parseVMStat(data, name)
		check(w)
		_, _, w = parseSysctl(data, name, true)
		check(w)
		sysctlFromProc(data, "proc/sys/vm/"+name)
		_, w = parseDate(data, name)
		check(w)
		_, w = parseTimedatectl(data, name)
		check(w)
		_, w = parseUptime(data, name)
		check(w)
		_, w = parseListBoots(data, name)
		check(w)
		parseBtime(data, name)
		parseUname(data, name)
		parseHostname(data, name)
		parseBootID(data, name)
		parseSosVersion(data, name)
		parseSosManifest(data)
		cgroupFromMounts(data, name)
		k := &KubeletConfig{}
		kube.ParseKubeletConfig(data, name, k)
		kube.ParseKubeletFlags(data, name, k)
		kube.EffectiveSwap(k, string(data[:min(len(data), 12)]), nil)
		Sniff(name, data)
	})
}

// FuzzLoad runs the loader on one loose file.
func FuzzLoad(f *testing.F) {
	addLoadSeeds(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		m := fstest.MapFS{"stdin": {Data: data}}
		b, err := Load(m, LoadOptions{Only: []string{"stdin"}})
		if err == nil && len(b.Inputs) != 1 {
			t.Fatalf("inputs = %+v", b.Inputs)
		}
	})
}
