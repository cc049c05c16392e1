// Package render turns a report.Report into bytes: the JSON contract
// (JSON, SourcesJSON, with its JSON Schema in report.schema.json), a terminal
// report styled with lipgloss (Text, Sources), a ticket-sized Markdown report
// (Markdown) and one self-contained HTML file (HTML).
//
// Renderers never re-derive a fact: everything they print is in the Report.
// Output is deterministic (same Report, same bytes) and log text is always
// data: HTML escapes it, Text and Markdown show control bytes visibly
// (an ESC byte prints as \x1b), so a hostile process name or log line can
// neither inject markup nor drive the terminal.
//
//	rep := correlate.Build(bundle, correlate.Options{ToolVersion: "0.1.0"})
//	err := render.Text(os.Stdout, rep, render.TextOptions{Width: 100})
package render
