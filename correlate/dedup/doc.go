// Package dedup tells which kill lines of several logs are one kill.
//
// The same kernel kill is printed by dmesg, the journal, /var/log/messages
// and kern.log; it is one kill with the evidence of all of them. Two kill
// lines from different files are the same kill when they name the same pid
// and command and nothing contradicts it (the memory figures on the kill
// line, kernel seconds within a second, printed wall times within two
// minutes), and something corroborates it — or it is the only candidate.
// Reports without a kill line are matched the same way by their trigger.
//
//	for _, kill := range dedup.Kills(occs, clk) { // kill[0]: the richest report
//		…
//	}
//
// It sees an occurrence only through the Occurrence interface (its log,
// report, kill line) and compares wall times with package clock; it never
// imports correlate, whose occurrences satisfy the interface.
package dedup
