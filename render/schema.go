package render

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of the report JSON contract.
// Tests validate every output against it (internal/schemacheck).
//
//go:embed report.schema.json
var Schema []byte
