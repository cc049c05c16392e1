package pairscan

import "golang.org/x/sys/cpu"

// Available tells whether the vector scan (AVX2) may run on this CPU; a
// Scanner is only for when it does.
var Available = cpu.X86.HasAVX2

// pairScanAVX2 is in pairscan_amd64.s.
//
//go:noescape
func pairScanAVX2(data []byte, tab *pairTab) (pos, scanned int)
