package correlate

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/oomlens/oomlens/parse"
)

func TestZZDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	withPodParser(t)
	for name, f := range map[string]func() *parse.Bundle{"founding": foundingBundle, "memcg": memcgPodBundle, "global": globalSwapExhaustedBundle, "noio": noioBundle, "loop": crashLoopBundle, "wrapped": wrappedBundle, "suspend": suspendBundle} {
		r := Build(f(), Options{})
		js, _ := json.MarshalIndent(r, "", "  ")
		os.WriteFile("/tmp/"+name+".json", js, 0o644)
	}
}
