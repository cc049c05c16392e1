package render

import (
	"encoding/json"
	"io"

	"github.com/oomlens/oomlens/correlate"
)

// JSON writes the report as the versioned JSON contract.
func JSON(w io.Writer, rep *correlate.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

// TextOptions tunes the terminal report.
type TextOptions struct {
	Color   bool
	Width   int
	Verbose bool
}

// Text writes the terminal report.
func Text(w io.Writer, rep *correlate.Report, opts TextOptions) error {
	return JSON(w, rep) // placeholder until the text renderer lands
}

// Markdown writes the ticket-sized Markdown report.
func Markdown(w io.Writer, rep *correlate.Report) error { return JSON(w, rep) }

// HTML writes the self-contained HTML report.
func HTML(w io.Writer, rep *correlate.Report) error { return JSON(w, rep) }

// Sources writes the input inventory as a table.
func Sources(w io.Writer, rep *correlate.Report) error { return SourcesJSON(w, rep) }

// SourcesJSON writes the input inventory as JSON.
func SourcesJSON(w io.Writer, rep *correlate.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep.Inputs)
}
