package parse

import (
	"errors"
	"io/fs"
)

// LoadOptions tunes the bundle loader.
type LoadOptions struct {
	// Only restricts the loader to these paths (a loose file given on the
	// command line); empty means the whole tree.
	Only []string
	// Name is the bundle's display name.
	Name string
}

// ErrNotUnderstood is returned when no input of a bundle could be read or
// understood at all.
var ErrNotUnderstood = errors.New("no input could be understood")

// Load reads a bundle through fsys. It is the only code that opens files.
func Load(fsys fs.FS, opts LoadOptions) (*Bundle, error) {
	return nil, errors.New("parse.Load: not implemented yet")
}
