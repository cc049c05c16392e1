package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oomlens/oomlens/internal/schemacheck"
	"github.com/oomlens/oomlens/report"
)

func TestJSONFollowsSchema(t *testing.T) {
	for _, c := range cases {
		var b bytes.Buffer
		if err := JSON(&b, c.rep()); err != nil {
			t.Fatal(err)
		}
		if err := schemacheck.Validate(Schema, b.Bytes()); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestSchemaRejects makes sure the schema is not vacuous.
func TestSchemaRejects(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, founding()); err != nil {
		t.Fatal(err)
	}
	good := b.String()
	for _, tc := range []struct{ name, from, to string }{
		{"null list", `"coverage": [`, `"coverage": null, "x": [`},
		{"bad severity", `"severity": "critical"`, `"severity": "fatal"`},
		{"string size", `"anon_rss_kb": 1743412`, `"anon_rss_kb": "1.7 GiB"`},
		{"schema version", `"schema_version": 1`, `"schema_version": 2`},
		{"missing field", `"verdict": `, `"verdikt": `},
	} {
		bad := strings.Replace(good, tc.from, tc.to, 1)
		if bad == good {
			t.Fatalf("%s: %q not in the JSON", tc.name, tc.from)
		}
		if err := schemacheck.Validate(Schema, []byte(bad)); err == nil {
			t.Errorf("%s: schema accepted it", tc.name)
		}
	}
}

// TestJSONNilLists checks that lists left nil come out as [].
func TestJSONNilLists(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, &report.Report{SchemaVersion: 1, Kills: []report.Kill{{ID: "k1", Time: report.KillTime{Confidence: "none"}}}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "null,\n") && strings.Contains(b.String(), `"kills": null`) {
		t.Error("nil list printed as null")
	}
	if err := schemacheck.Validate(Schema, b.Bytes()); err != nil {
		t.Errorf("zero report does not validate: %v", err)
	}
}
