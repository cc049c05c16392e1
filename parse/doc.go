// Package parse reads a bundle into facts: a Bundle of typed values, each
// citing the file and line it was read from.
//
//	b, err := parse.Load(os.DirFS(dir), parse.LoadOptions{Name: dir})
//
// The loader (load.go) reads only the fs.FS it is given (package input
// opens what the user named): it walks it, names each file's kind by the
// sosreport layout table (sos.go) or by its content (sniff.go), cuts
// pasted text into the command outputs it holds (segment.go, paste.go)
// and hands each to its reader (small.go, parse/kernel, parse/kube).
// The rooms:
//
//	parse/kernel  the kernel-log engine: every prefix form, OOM reports, task tables, kills, events
//	parse/kube    kubectl, kubelet and container-runtime output
//	parse/facts   Ref, Quote, Warning and the line numbering every parser shares
//	parse (here)  the loader, the segmenter and the small /proc and tool formats:
//	              swapon.go, free.go, meminfo.go, sysctl.go, hostinfo.go, cgroup.go;
//	              small.go is their table, kind → reader
//
// A value the input does not print is nil, never zero; a line that looks
// like an OOM or memory event but is not understood is kept as Unknown.
package parse
