// Package correlate turns the facts parse/ read from a bundle into a
// report.Report (package report holds the type, the JSON contract):
// one timeline, one Kill per kill however many logs printed it, and for each
// kill findings with evidence and a verdict paragraph.
//
// It is pure: no I/O, no clock, no map iteration on the way to output.
//
//	b, err := parse.Load(os.DirFS(dir), parse.LoadOptions{Name: dir})
//	if err != nil { … }
//	rep := correlate.Build(b, correlate.Options{ToolVersion: version})
//	for _, k := range rep.Kills {
//		fmt.Println(k.ID, k.Headline)
//		fmt.Println(k.Verdict)
//	}
//
// The work is split by concern:
//
//	clock/       (package clock) kernel seconds → wall time per boot; year and zone; boots across logs
//	boots.go     each log boot paired with its log; kills handed to the clock; times as written
//	dedup/       (package dedup) the same kill in dmesg, journal, messages, kern.log → one kill
//	dedup.go     every kill line of every log as an occurrence; kills from dedup's clusters
//	kills.go     each Kill assembled from the richest source of each part
//	coverage.go  logs that should show a kill but do not; what the bundle lacks
//	k8s/         (package k8s) pod of a cgroup, this host's node, kubelet version, swap and start
//	kube.go      the Kubernetes report sections; node and cluster events ↔ kills
//	findings.go  the rule table: rule ID → func(builder, kill) *Finding
//	verdict.go   headline and verdict paragraph
//	timeline.go  every dated fact, oldest first
//	excerpts.go  cited lines with context
//	util.go      cite and Uncite: the one citation format of every sentence
package correlate
