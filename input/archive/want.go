package archive

import "github.com/oomlens/oomlens/input/sostree"

// DefaultWant is the member filter Open uses when Options.Want is nil
// (paths are relative to the bundle root). In a sosreport it keeps exactly
// the files the loader reads when the same tree is a directory
// (sostree.Want: top-level files, files in the layout's directories,
// sos_commands/ whole); binary journals, pod logs, usr/share/ and
// sys/fs/cgroup/** are streamed past. Until a member under sos_commands/
// shows the archive is a sosreport, Open keeps every file (a folder of
// saved outputs is read whole), within 20000 files and 256 MiB.
func DefaultWant(p string, size int64) bool {
	return sostree.Want(p)
}
