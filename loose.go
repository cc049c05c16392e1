package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing/fstest"
)

// looseFS serves the files named on the command line as one bundle, each
// under its base name, without holding them in memory: a regular file is
// opened from disk when the loader opens it, so a multi-gigabyte journal
// export is streamed through the kernel parser (whose caps bound what is
// kept) instead of being read whole first. Standard input, pipes and
// character devices (`oomlens analyze <(dmesg)`, /dev/stdin) cannot be
// opened twice, so they are read once into memory.
type looseFS struct {
	disk map[string]string // name → path of a regular file
	mem  fstest.MapFS      // name → contents (stdin, pipes, devices)
}

// Open implements fs.FS.
func (l looseFS) Open(name string) (fs.File, error) {
	if p, ok := l.disk[name]; ok {
		f, err := os.Open(p)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: unwrapPathErr(err)}
		}
		return f, nil
	}
	return l.mem.Open(name)
}

// looseBundle builds the bundle of loose PATHs ("-" is standard input) and
// the names to pass as parse.LoadOptions.Only. A directory among several
// paths is a usage error; a path that cannot be read is an input error.
//
// main.go's env.load should call it in place of reading every loose file
// into an fstest.MapFS:
//
//	fsys, only, err := looseBundle(paths, e.stdin)
//	if err != nil {
//		return nil, err
//	}
//	return loadOrExplain(fsys, parse.LoadOptions{Name: name, Only: only}, name)
func looseBundle(paths []string, stdin io.Reader) (fs.FS, []string, error) {
	l := looseFS{disk: map[string]string{}, mem: fstest.MapFS{}}
	var only []string
	for _, p := range paths {
		name := filepath.Base(p)
		if p == "-" {
			name = "stdin"
		}
		for l.disk[name] != "" || l.mem[name] != nil {
			name = "_" + name
		}
		if p == "-" {
			data, err := io.ReadAll(stdin)
			if err != nil {
				return nil, nil, inputError{fmt.Errorf("%s: %w", p, unwrapPathErr(err))}
			}
			l.mem[name] = &fstest.MapFile{Data: data, Mode: 0o444}
			only = append(only, name)
			continue
		}
		st, err := os.Stat(p)
		switch {
		case err != nil:
			return nil, nil, inputError{fmt.Errorf("%s: %w", p, unwrapPathErr(err))}
		case st.IsDir():
			return nil, nil, usageError{fmt.Sprintf("%s: a directory must be the only PATH (analyse bundles one at a time)", p)}
		case st.Mode().IsRegular():
			l.disk[name] = p
		default: // a pipe or a device: one read, kept
			data, err := os.ReadFile(p)
			if err != nil {
				return nil, nil, inputError{fmt.Errorf("%s: %w", p, unwrapPathErr(err))}
			}
			l.mem[name] = &fstest.MapFile{Data: data, Mode: 0o444}
		}
		only = append(only, name)
	}
	return l, only, nil
}
