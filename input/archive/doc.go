// Package archive reads a bundle packed as an archive in place, as an
// fs.FS, so that the same loader reads an extracted directory and the
// archive it came from.
//
// Open detects the format by content, not by name: tar; tar compressed
// with gzip, xz, bzip2 or zstd; zip; an archive nested inside another (a
// zip holding a sosreport .tar.xz), to a bounded depth; and a single
// compressed file (dmesg.gz). It streams the members once and keeps in
// memory only those Options.Want accepts (DefaultWant: the paths a
// sosreport analysis reads); nothing is ever written to disk. A lone top
// directory (sosreport-<host>-<case>-<date>/) is stripped, so paths are
// relative to the bundle root just as with os.DirFS on the extracted copy.
//
// Hostile input is refused or neutralised, never followed: members with
// ".." or absolute names, device files and FIFOs are skipped with a
// warning; symlinks resolve only inside the tree (one that climbs out is
// kept but never followed, with a warning); hard links to a missing or
// outside member are skipped; a duplicate name keeps the last member. Size
// caps (per member, total and kept in memory) and a ratio cap stop
// decompression bombs; a truncated stream, an encrypted (gpg) file or an
// unknown format is an *Error that names the member.
//
//	fsys, info, err := archive.Open("sosreport-node1-01234-2026-11-26.tar.xz", archive.Options{})
//	if err != nil {
//		return err // errors.Is(err, archive.ErrEncrypted), archive.ErrTooLarge, …
//	}
//	for _, w := range info.Warnings {
//		fmt.Fprintln(os.Stderr, w)
//	}
//	data, err := fs.ReadFile(fsys, "sos_commands/kernel/dmesg")
//
// Kept members live in memory: MaxKeptBytes (1 GiB by default) bounds that,
// and an over-cap member is an error naming it, with the flag to raise the
// cap. A consumer that can parse while the archive streams (the kernel-log
// parser on a multi-GB log) sets Options.Stream and gets members of
// StreamMin bytes or more as a reader instead. The system xz (`xz -dc -T0 -- PATH`) decodes the outer .xz layer when it
// is installed (see bench/README.md for the measured speeds).
package archive
