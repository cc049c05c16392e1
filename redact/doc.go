// Package redact is the last pass over a finished Report, for reports that
// leave the company: it replaces host names, addresses, user, pod and
// namespace names with stable pseudonyms (host-1, ip-1, user-1, pod-1, …),
// the same value getting the same pseudonym in every field and every line
// of text.
//
// It runs after correlate.Build and after rules (so patterns see the real
// names), and before render:
//
//	rep := correlate.Build(b, correlate.Options{ToolVersion: version})
//	set.Apply(rep)   // rules
//	redact.Report(rep)
//	err := render.JSON(os.Stdout, rep)
//
// It may touch only the Report it is given: it imports report for the
// Report type and nothing else of oomlens; it never reads the bundle, so it
// can hide only what the Report says.
package redact
