package kernel

import "golang.org/x/sys/cpu"

// haveVectorScan tells whether pairScanAVX2 may run on this CPU.
var haveVectorScan = cpu.X86.HasAVX2

// pairScanAVX2 is in pairscan_amd64.s.
//
//go:noescape
func pairScanAVX2(data []byte, tab *pairTab) (pos, scanned int)
