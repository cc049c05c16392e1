package render

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schema is the JSON Schema (draft 2020-12) of the report JSON contract.
//
//go:embed report.schema.json
var Schema []byte

var (
	schemaOnce sync.Once
	schemaErr  error
	compiled   *jsonschema.Schema
)

// ValidateJSON checks that data, the output of JSON, follows the report's
// JSON Schema. The error lists every violation with its JSON pointer.
func ValidateJSON(data []byte) error {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
		if err != nil {
			schemaErr = fmt.Errorf("report.schema.json: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("report.schema.json", doc); err != nil {
			schemaErr = fmt.Errorf("report.schema.json: %w", err)
			return
		}
		compiled, schemaErr = c.Compile("report.schema.json")
	})
	if schemaErr != nil {
		return schemaErr
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("report JSON: %w", err)
	}
	return compiled.Validate(inst)
}
