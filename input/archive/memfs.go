package archive

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// maxLinkHops bounds symlink resolution (as Linux's MAXSYMLINKS).
const maxLinkHops = 40

// node is one entry of a MemFS: a directory, a regular file or a symlink.
type node struct {
	name    string // base name ("." for the root)
	mode    fs.FileMode
	modTime time.Time
	data    []byte // regular files
	target  string // symlinks, as written in the archive
	loose   bool   // kept provisionally (see level.loose)
	// streamed: handed to Options.Stream; size is its size, data is nil
	streamed bool
	size     int64
	kids     []*node
	index    map[string]*node
}

func (n *node) child(name string) *node {
	if n.index == nil {
		return nil
	}
	return n.index[name]
}

func (n *node) addChild(c *node) {
	if n.index == nil {
		n.index = map[string]*node{}
	}
	if old, ok := n.index[c.name]; ok {
		for i, k := range n.kids {
			if k == old {
				n.kids[i] = c
				break
			}
		}
	} else {
		n.kids = append(n.kids, c)
	}
	n.index[c.name] = c
}

func (n *node) removeChild(name string) {
	old, ok := n.index[name]
	if !ok {
		return
	}
	delete(n.index, name)
	for i, k := range n.kids {
		if k == old {
			n.kids = append(n.kids[:i], n.kids[i+1:]...)
			break
		}
	}
}

// sortedKids returns the children; seal has sorted them by name.
func (n *node) sortedKids() []*node { return n.kids }

// seal sorts every directory's children so that reads never mutate.
func (n *node) seal() {
	if !n.mode.IsDir() {
		return
	}
	sort.Slice(n.kids, func(i, j int) bool { return n.kids[i].name < n.kids[j].name })
	for _, k := range n.kids {
		k.seal()
	}
}

// MemFS is a read-only in-memory file tree built from an archive. It
// implements fs.FS, fs.ReadDirFS, fs.ReadFileFS and fs.StatFS like
// os.DirFS does for an extracted copy: Open and Stat follow symlinks
// (resolved inside the tree; a link that leaves it does not exist), and
// ReadDir reports symlinks with fs.ModeSymlink. It is safe for concurrent
// reads once built.
type MemFS struct {
	root *node
}

func newMemFS() *MemFS {
	return &MemFS{root: &node{name: ".", mode: fs.ModeDir | 0o555}}
}

// lookup walks name (a valid fs path), following symlinks in every
// component and, when follow is set, in the last one too.
func (m *MemFS) lookup(name string, follow bool) (*node, string, error) {
	if !fs.ValidPath(name) {
		return nil, "", fs.ErrInvalid
	}
	hops := 0
	return m.walk(name, follow, &hops)
}

func (m *MemFS) walk(name string, follow bool, hops *int) (*node, string, error) {
	cur := m.root
	curPath := "."
	if name == "." {
		return cur, curPath, nil
	}
	parts := strings.Split(name, "/")
	for i, p := range parts {
		if !cur.mode.IsDir() {
			return nil, "", fs.ErrNotExist
		}
		next := cur.child(p)
		if next == nil {
			return nil, "", fs.ErrNotExist
		}
		nextPath := path.Join(curPath, p)
		last := i == len(parts)-1
		if next.mode&fs.ModeSymlink != 0 && (!last || follow) {
			*hops++
			if *hops > maxLinkHops {
				return nil, "", errors.New("too many levels of symbolic links")
			}
			t, ok := resolveLink(nextPath, next.target)
			if !ok {
				return nil, "", fs.ErrNotExist
			}
			n, np, err := m.walk(t, true, hops)
			if err != nil {
				return nil, "", err
			}
			next, nextPath = n, np
		}
		cur, curPath = next, nextPath
	}
	return cur, curPath, nil
}

// resolveLink turns a symlink target into a tree path, lexically. Relative
// targets are taken from the link's directory; absolute targets from the
// tree root (the bundle root stands for the host's /, as in a sosreport).
// ok is false when the target climbs above the root.
func resolveLink(linkPath, target string) (string, bool) {
	if target == "" {
		return "", false
	}
	var stack []string
	if !strings.HasPrefix(target, "/") {
		if d := path.Dir(linkPath); d != "." {
			stack = strings.Split(d, "/")
		}
	}
	for _, c := range strings.Split(target, "/") {
		switch c {
		case "", ".":
		case "..":
			if len(stack) == 0 {
				return "", false
			}
			stack = stack[:len(stack)-1]
		default:
			stack = append(stack, c)
		}
	}
	if len(stack) == 0 {
		return ".", true
	}
	return strings.Join(stack, "/"), true
}

// Open opens the named file, following symlinks.
func (m *MemFS) Open(name string) (fs.File, error) {
	n, _, err := m.lookup(name, true)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if n.mode.IsDir() {
		return &memDir{n: n, name: name}, nil
	}
	if n.streamed {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrStreamed}
	}
	return &memFile{n: n, name: name, r: bytes.NewReader(n.data)}, nil
}

// ReadFile returns the contents of the named file, following symlinks. The
// returned slice is a copy.
func (m *MemFS) ReadFile(name string) ([]byte, error) {
	n, _, err := m.lookup(name, true)
	if err != nil {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: err}
	}
	if n.mode.IsDir() {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: errors.New("is a directory")}
	}
	if n.streamed {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: ErrStreamed}
	}
	return bytes.Clone(n.data), nil
}

// Stat returns the FileInfo of the named file, following symlinks (as
// os.Stat does).
func (m *MemFS) Stat(name string) (fs.FileInfo, error) {
	n, _, err := m.lookup(name, true)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return info{n: n, name: path.Base(name)}, nil
}

// Lstat returns the FileInfo of the named file without following a final
// symlink.
func (m *MemFS) Lstat(name string) (fs.FileInfo, error) {
	n, _, err := m.lookup(name, false)
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: err}
	}
	return info{n: n, name: path.Base(name)}, nil
}

// ReadLink returns the target of the named symlink as written in the
// archive (fs.ReadLinkFS).
func (m *MemFS) ReadLink(name string) (string, error) {
	n, _, err := m.lookup(name, false)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	if n.mode&fs.ModeSymlink == 0 {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	return n.target, nil
}

// ReadDir lists the named directory sorted by name; symlinks are listed
// as symlinks (Type() has fs.ModeSymlink), as os.ReadDir does.
func (m *MemFS) ReadDir(name string) ([]fs.DirEntry, error) {
	n, _, err := m.lookup(name, true)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	if !n.mode.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	kids := n.sortedKids()
	out := make([]fs.DirEntry, len(kids))
	for i, k := range kids {
		out[i] = info{n: k, name: k.name}
	}
	return out, nil
}

// info is both the fs.FileInfo and the fs.DirEntry of a node.
type info struct {
	n    *node
	name string
}

func (i info) Name() string { return i.name }
func (i info) Size() int64 {
	if i.n.mode&fs.ModeSymlink != 0 {
		return int64(len(i.n.target))
	}
	if i.n.streamed {
		return i.n.size
	}
	return int64(len(i.n.data))
}
func (i info) Mode() fs.FileMode                             { return i.n.mode }
func (i info) ModTime() time.Time                            { return i.n.modTime }
func (i info) IsDir() bool                                   { return i.n.mode.IsDir() }
func (i info) Sys() any                                      { return nil }
func (i info) Type() fs.FileMode                             { return i.n.mode.Type() }
func (i info) Info() (fs.FileInfo, error)                    { return i, nil }
func (i info) String() string                                { return fs.FormatDirEntry(i) }
func (f *memFile) Stat() (fs.FileInfo, error)                { return info{n: f.n, name: path.Base(f.name)}, nil }
func (f *memFile) Read(p []byte) (int, error)                { return f.r.Read(p) }
func (f *memFile) Close() error                              { return nil }
func (f *memFile) ReadAt(p []byte, off int64) (int, error)   { return f.r.ReadAt(p, off) }
func (f *memFile) Seek(off int64, whence int) (int64, error) { return f.r.Seek(off, whence) }

type memFile struct {
	n    *node
	name string
	r    *bytes.Reader
}

type memDir struct {
	n    *node
	name string
	off  int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return info{n: d.n, name: path.Base(d.name)}, nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}
func (d *memDir) Close() error { return nil }

// ReadDir implements fs.ReadDirFile.
func (d *memDir) ReadDir(count int) ([]fs.DirEntry, error) {
	kids := d.n.sortedKids()
	rest := kids[d.off:]
	if count > 0 && len(rest) == 0 {
		return nil, io.EOF
	}
	if count > 0 && count < len(rest) {
		rest = rest[:count]
	}
	out := make([]fs.DirEntry, len(rest))
	for i, k := range rest {
		out[i] = info{n: k, name: k.name}
	}
	d.off += len(rest)
	return out, nil
}
