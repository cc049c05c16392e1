package correlate

import "github.com/oomlens/oomlens/parse"

// Options tunes Build.
type Options struct {
	ToolVersion string
	Redact      bool
}

// Build turns parsed facts into a Report. It is pure: no I/O, no clock.
func Build(b *parse.Bundle, opts Options) *Report {
	return &Report{SchemaVersion: 1, Tool: Tool{Name: "oomlens", Version: opts.ToolVersion}}
}
