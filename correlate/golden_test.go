package correlate

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/oomlens/oomlens/parse"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden pins the whole report of each hand-built scenario, so that a
// change in wording or in any number shows up as a diff. Rewrite with
// go test ./correlate -run TestGolden -update.
func TestGolden(t *testing.T) {
	cases := []struct {
		name   string
		bundle func() *parse.Bundle
	}{
		{"founding", foundingBundle},
		{"global-swap-exhausted", globalSwapExhaustedBundle},
		{"free-swap-gfp-noio", noioBundle},
		{"crash-loop-new-year", crashLoopBundle},
		{"dmesg-wrapped", wrappedBundle},
		{"suspend-drift", suspendBundle},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			if err := enc.Encode(Build(c.bundle(), Options{ToolVersion: "golden"})); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.name+".golden.json")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(want, buf.Bytes()) {
				t.Errorf("%s differs from the golden file; first difference:\n%s", c.name, firstDiff(string(want), buf.String()))
			}
		})
	}
}

// firstDiff shows the first differing line with its neighbours.
func firstDiff(a, b string) string {
	al, bl := bytes.Split([]byte(a), []byte("\n")), bytes.Split([]byte(b), []byte("\n"))
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y []byte
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if !bytes.Equal(x, y) {
			return "line " + strconv.Itoa(i+1) + ":\n- " + string(x) + "\n+ " + string(y)
		}
	}
	return "(no difference)"
}
