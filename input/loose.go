package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// looseFS serves the loose files named on the command line as one flat
// bundle, each under its base name ("_name" for a repeated base name). Unlike
// an in-memory fstest.MapFS it opens the files on demand, so a 1 GB kernel
// log is streamed by the loader (peak memory stays flat) instead of being
// read whole before parsing. Stdin cannot be reopened and is held in memory.
type looseFS struct {
	names   []string // in command-line order
	entries map[string]looseEntry
}

// looseEntry is one file: a real path, or the bytes read from stdin.
type looseEntry struct {
	real string // "" for stdin
	data []byte
	size int64
	mod  time.Time
}

// looseFiles builds a looseFS for paths ("-" is stdin) and returns it with
// the bundle names in command-line order. A path that cannot be stat'ed or
// is a directory is an error, as with reading it whole.
func looseFiles(paths []string, stdin io.Reader) (*looseFS, []string, error) {
	l := &looseFS{entries: map[string]looseEntry{}}
	for _, p := range paths {
		var e looseEntry
		name := filepath.Base(p)
		if p == "-" {
			name = "stdin"
			data, err := io.ReadAll(stdin)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", p, Cause(err))
			}
			e = looseEntry{data: data, size: int64(len(data))}
		} else {
			st, err := os.Stat(p)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", p, Cause(err))
			}
			if st.IsDir() {
				return nil, nil, UsageError{fmt.Sprintf("%s: a directory must be the only PATH (analyse bundles one at a time)", p)}
			}
			if st.Mode().IsRegular() {
				e = looseEntry{real: p, size: st.Size(), mod: st.ModTime()}
			} else {
				// a pipe or device (`oomlens analyze <(dmesg)`) can be read only once
				data, err := os.ReadFile(p)
				if err != nil {
					return nil, nil, fmt.Errorf("%s: %w", p, Cause(err))
				}
				e = looseEntry{data: data, size: int64(len(data)), mod: st.ModTime()}
			}
		}
		for {
			if _, dup := l.entries[name]; !dup {
				break
			}
			name = "_" + name
		}
		l.entries[name] = e
		l.names = append(l.names, name)
	}
	return l, append([]string(nil), l.names...), nil
}

// Open opens a file of the bundle (or "." for its listing).
func (l *looseFS) Open(name string) (fs.File, error) {
	if name == "." {
		return &looseDir{fsys: l}, nil
	}
	e, ok := l.entries[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	info := looseInfo{name: name, size: e.size, mod: e.mod}
	if e.real == "" {
		return &looseMem{Reader: bytes.NewReader(e.data), info: info}, nil
	}
	f, err := os.Open(e.real)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: Cause(err)}
	}
	return &looseFile{File: f, info: info}, nil
}

// Stat describes a file of the bundle without opening it.
func (l *looseFS) Stat(name string) (fs.FileInfo, error) {
	if name == "." {
		return looseInfo{name: ".", dir: true}, nil
	}
	e, ok := l.entries[name]
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return looseInfo{name: name, size: e.size, mod: e.mod}, nil
}

// Lstat is Stat: the files named on the command line are followed, as
// reading them whole did.
func (l *looseFS) Lstat(name string) (fs.FileInfo, error) { return l.Stat(name) }

// ReadLink fails: the bundle holds no links.
func (l *looseFS) ReadLink(name string) (string, error) {
	return "", &fs.PathError{Op: "readlink", Path: name, Err: errors.New("not a symbolic link")}
}

// ReadDir lists the bundle's files (only "." is a directory).
func (l *looseFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	names := append([]string(nil), l.names...)
	sort.Strings(names)
	out := make([]fs.DirEntry, 0, len(names))
	for _, n := range names {
		fi, _ := l.Stat(n)
		out = append(out, fs.FileInfoToDirEntry(fi))
	}
	return out, nil
}

// looseInfo is the FileInfo of a bundle entry: a read-only regular file
// under its bundle name.
type looseInfo struct {
	name string
	size int64
	mod  time.Time
	dir  bool
}

func (i looseInfo) Name() string       { return i.name }
func (i looseInfo) Size() int64        { return i.size }
func (i looseInfo) ModTime() time.Time { return i.mod }
func (i looseInfo) IsDir() bool        { return i.dir }
func (i looseInfo) Sys() any           { return nil }
func (i looseInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}

// looseFile is an opened file on disk, reporting its bundle name.
type looseFile struct {
	*os.File
	info looseInfo
}

func (f *looseFile) Stat() (fs.FileInfo, error) { return f.info, nil }

// OSFile is the file on disk (the kernel-log parser maps large ones).
func (f *looseFile) OSFile() *os.File { return f.File }

// looseMem is the opened stdin copy.
type looseMem struct {
	*bytes.Reader
	info looseInfo
}

func (f *looseMem) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *looseMem) Close() error               { return nil }

// looseDir is the opened root directory.
type looseDir struct {
	fsys *looseFS
	left []fs.DirEntry
	read bool
}

func (d *looseDir) Stat() (fs.FileInfo, error) { return looseInfo{name: ".", dir: true}, nil }
func (d *looseDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: errors.New("is a directory")}
}
func (d *looseDir) Close() error { return nil }

// ReadDir follows fs.ReadDirFile: at most n entries and io.EOF at the end
// when n > 0, all the rest when n <= 0.
func (d *looseDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if !d.read {
		d.read = true
		d.left, _ = d.fsys.ReadDir(".")
	}
	if n <= 0 {
		out := d.left
		d.left = nil
		return out, nil
	}
	if len(d.left) == 0 {
		return nil, io.EOF
	}
	k := min(n, len(d.left))
	out := d.left[:k]
	d.left = d.left[k:]
	return out, nil
}
