// Package schemacheck validates report JSON against the contract's JSON
// Schema (render.Schema). Only tests import it, so the oomlens binary does
// not carry a JSON Schema compiler (whose package init alone allocated
// 2 MB at every start).
package schemacheck

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	mu       sync.Mutex
	compiled = map[string]*jsonschema.Schema{}
)

// Validate checks that data follows the JSON Schema schema (the bytes of
// render.Schema). The error lists every violation with its JSON pointer.
func Validate(schema, data []byte) error {
	s, err := compile(schema)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("report JSON: %w", err)
	}
	return s.Validate(inst)
}

func compile(schema []byte) (*jsonschema.Schema, error) {
	mu.Lock()
	defer mu.Unlock()
	if s, ok := compiled[string(schema)]; ok {
		return s, nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, fmt.Errorf("report.schema.json: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("report.schema.json", doc); err != nil {
		return nil, fmt.Errorf("report.schema.json: %w", err)
	}
	s, err := c.Compile("report.schema.json")
	if err != nil {
		return nil, fmt.Errorf("report.schema.json: %w", err)
	}
	compiled[string(schema)] = s
	return s, nil
}
