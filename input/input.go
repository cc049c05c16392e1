// Package input is oomlens's first stage, and the only code that opens
// what the user named: it turns the command line's paths into one file tree
// for package parse to read.
//
//	src, err := input.Open([]string{"sosreport-node1.tar.xz"}, os.Stdin, archive.Options{})
//	b, err := parse.Load(src.FS, parse.LoadOptions{Name: src.Name, Only: src.Only})
//
// A directory is served as it is (os.DirFS); an archive (tar, tar.gz, .xz,
// .bz2, .zst, zip, nested) is read in place by input/archive, also from
// stdin; any other paths are loose files served as one flat tree, opened
// on demand (loose.go). Bundles lists the bundles a folder of bundles
// holds, for a run over several.
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
	"strings"

	"github.com/oomlens/oomlens/input/archive"
	"github.com/oomlens/oomlens/input/sostree"
)

// Source is what one analysis reads: a file tree and how to name it.
type Source struct {
	FS   fs.FS
	Name string   // how reports name the input: the path, "stdin", or the loose paths
	Only []string // loose files: the names in FS to read (nil: the whole tree)
	// Archive is what reading an archive noted (skipped or changed
	// members), nil for a directory or loose files.
	Archive *archive.Info
}

// UsageError is a command line that cannot name one input (a directory
// among several paths).
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// Open resolves paths ("-" is stdin, read from stdin) into a Source. One
// directory or archive is a bundle; stdin holding an archive is read as
// one; anything else is loose files. aopts caps and streams archive
// members (archive.Options).
func Open(paths []string, stdin io.Reader, aopts archive.Options) (*Source, error) {
	if len(paths) == 0 {
		return nil, UsageError{"analyze needs at least one PATH"}
	}
	if len(paths) == 1 && paths[0] != "-" {
		p := paths[0]
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, Cause(err))
		}
		if st.IsDir() {
			return &Source{FS: os.DirFS(p), Name: p}, nil
		}
		if IsArchive(p) {
			fsys, info, err := archive.Open(p, aopts)
			if err != nil {
				var ae *archive.Error
				if errors.As(err, &ae) {
					return nil, err
				}
				return nil, fmt.Errorf("%s: %w", p, Cause(err))
			}
			return &Source{FS: fsys, Name: p, Archive: info}, nil
		}
	}
	if len(paths) == 1 && paths[0] == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("-: %w", err)
		}
		if archive.Detect(data) != "" {
			fsys, info, err := archive.OpenReader(bytes.NewReader(data), "stdin", aopts)
			if err != nil {
				return nil, err
			}
			return &Source{FS: fsys, Name: "stdin", Archive: info}, nil
		}
		stdin = bytes.NewReader(data)
	}
	// Loose files: one bundle, each file under its base name, opened from
	// disk when the loader reads it (a huge log is streamed, not held).
	fsys, only, err := looseFiles(paths, stdin)
	if err != nil {
		return nil, err
	}
	return &Source{FS: fsys, Name: strings.Join(paths, " "), Only: only}, nil
}

// Cause is err without its *fs.PathError wrapping (whose path the caller
// names already).
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Bundle is one bundle of a many-bundle run: a directory, an archive, or
// the loose files a folder of bundles holds beside them.
type Bundle struct {
	Name  string   // how the run names it: the path, or DIR/(N loose files)
	Paths []string // what Open is given
	// Loose: saved output a folder of bundles holds beside its sosreports
	// and archives (a subfolder, or its top-level files); when nothing in
	// it is recognised the run lists it as not read instead of failing.
	Loose bool
}

// Bundles expands the command-line paths of a many-bundle run: a
// directory that is not itself a bundle but holds several (sosreports,
// archives, and folders of saved output beside at least one of them)
// stands for those bundles, in name order, followed by the loose files at
// its top as one more bundle. Any other path stands for itself.
func Bundles(paths []string) ([]Bundle, error) {
	var out []Bundle
	for _, p := range paths {
		sub, err := bundlesIn(p)
		if err != nil {
			return nil, err
		}
		if sub == nil {
			out = append(out, Bundle{Name: p, Paths: []string{p}})
			continue
		}
		out = append(out, sub...)
	}
	return out, nil
}

// bundlesIn lists the bundles in dir, or returns nil when dir is not a
// folder of bundles: a file, a bundle itself, a host tree (var/, etc/, …),
// a folder of loose saved outputs, or one bundle with notes beside it
// (the loader reads those together). A folder of bundles holds two or more
// bundles of which at least one is a sosreport or an archive; its other
// subdirectories holding files are folders of saved output, each a bundle,
// or folders of bundles themselves, which stand for theirs.
func bundlesIn(dir string) ([]Bundle, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, Cause(err))
	}
	if !st.IsDir() || isBundleDir(dir) {
		return nil, nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, Cause(err))
	}
	var bundles []Bundle
	var loose []string
	reports := 0 // sosreports and archives
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") || (e.IsDir() && sostree.SkipDir(e.Name())) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		fi, err := os.Stat(p) // follow links
		if err != nil {
			return nil, nil // a broken link: not a clean directory of bundles
		}
		switch {
		case fi.IsDir() && sostree.TopDirs[e.Name()]:
			return nil, nil // a host tree: the directory is one bundle
		case fi.IsDir() && isBundleDir(p):
			bundles = append(bundles, Bundle{Name: p, Paths: []string{p}})
			reports++
		case fi.IsDir():
			if sub, err := bundlesIn(p); err == nil && sub != nil {
				bundles = append(bundles, sub...) // a folder of bundles inside: its bundles
				reports++
			} else if holdsFiles(p) {
				bundles = append(bundles, Bundle{Name: p, Paths: []string{p}, Loose: true})
			}
		case fi.Mode().IsRegular() && IsArchive(p):
			bundles = append(bundles, Bundle{Name: p, Paths: []string{p}})
			reports++
		case fi.Mode().IsRegular() && !sostree.Sidecar(e.Name()):
			loose = append(loose, p)
		}
	}
	if reports == 0 || len(bundles) < 2 {
		return nil, nil
	}
	sort.Slice(bundles, func(i, j int) bool { return bundles[i].Name < bundles[j].Name })
	if len(loose) > 0 {
		sort.Strings(loose)
		bundles = append(bundles, Bundle{Name: filepath.Join(dir, looseName(len(loose))), Paths: loose, Loose: true})
	}
	return bundles, nil
}

// holdsFiles reports whether the tree at dir holds a regular file (one
// level of subdirectories is looked into; an empty folder is no bundle).
func holdsFiles(dir string) bool {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return true // unreadable: analysed, so that the error is said
	}
	for _, e := range ents {
		if e.Type().IsRegular() || e.Type()&fs.ModeSymlink != 0 {
			return true
		}
		if e.IsDir() {
			if sub, err := os.ReadDir(filepath.Join(dir, e.Name())); err == nil && len(sub) > 0 {
				return true
			}
		}
	}
	return false
}

// isBundleDir reports whether dir looks like a sosreport (possibly under
// one extra top directory).
func isBundleDir(dir string) bool {
	if fi, err := os.Stat(filepath.Join(dir, "sos_commands")); err == nil && fi.IsDir() {
		return true
	}
	return false
}

// IsBundle reports whether the path names a bundle of its own: a
// directory or an archive (loose files given together are one bundle).
func IsBundle(p string) (bool, error) {
	st, err := os.Stat(p)
	if err != nil {
		return false, fmt.Errorf("%s: %w", p, Cause(err))
	}
	return st.IsDir() || IsArchive(p), nil
}

// IsArchive reports whether the file at p is an archive or a compressed
// file that archive.Open reads (or refuses clearly, like gpg).
func IsArchive(p string) bool {
	// only a regular file is sniffed: reading a FIFO's head would consume it
	if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
		return false
	}
	f, err := archive.Sniff(p)
	return err == nil && f != ""
}

// looseName is the name part of the loose files' bundle: "(1 loose file)",
// "(3 loose files)".
func looseName(n int) string {
	if n == 1 {
		return "(1 loose file)"
	}
	return fmt.Sprintf("(%d loose files)", n)
}
