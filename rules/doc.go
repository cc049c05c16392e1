// Package rules is oomlens's known-issue rules engine: support teams write
// signatures ("java killed at its container limit → heap sized past the
// limit") as YAML files, and every matching kill gets a finding that names
// the rule file it came from.
//
// A rule file holds one rule per YAML document (or a sequence of rules):
//
//	id: jvm-heap-over-limit
//	title: JVM heap sized past the container limit
//	severity: warning            # info | warning | critical
//	when:                        # every condition must hold
//	  victim: '^java$'           # regexp2 pattern (lookarounds allowed)
//	  kind: memcg
//	  victim_rss_pct: {min: 75}  # numeric bounds, inclusive
//	say: '{{.Victim.Name}} used {{kb .Victim.AnonRSSKB}} of a {{kb .Memcg.LimitKB}} limit.'
//	advice: Size -Xmx or MaxRAMPercentage well below the limit.
//	links: [https://docs.oracle.com/en/java/javase/17/docs/specs/man/java.html]
//
// Files are read strictly: an unknown key, a value of the wrong type, a
// pattern that does not compile or a template that does not parse is an
// *Error naming file:line:column. Rule ids are unique across all sources.
//
// Use it after correlate.Build:
//
//	set, err := rules.Load(append(rules.BuiltinSources(), userSources...)...)
//	if err != nil { ... }                 // rules.ErrorList, one line per problem
//	for _, w := range set.Apply(rep) {    // findings are appended to rep.Kills[i].Findings
//		fmt.Fprintln(os.Stderr, w)        // e.g. a pattern that timed out
//	}
//
// The full file format, every condition and the template data are described
// in README.md beside this file.
package rules
