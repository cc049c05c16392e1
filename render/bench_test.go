package render

import (
	"io"
	"testing"
)

func BenchmarkFormats(b *testing.B) {
	rep := founding()
	for _, f := range []struct {
		name string
		fn   func(io.Writer) error
	}{
		{"json", func(w io.Writer) error { return JSON(w, rep) }},
		{"text", func(w io.Writer) error { return Text(w, rep, TextOptions{Color: true, Verbose: true}) }},
		{"md", func(w io.Writer) error { return Markdown(w, rep) }},
		{"html", func(w io.Writer) error { return HTML(w, rep) }},
	} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				if err := f.fn(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
