//go:build !amd64

package kernel

// haveVectorScan is false: the vocabulary scan uses the IndexByte groups.
var haveVectorScan = false

// pairScanAVX2 only exists on amd64; here it scans nothing.
func pairScanAVX2(data []byte, tab *pairTab) (pos, scanned int) { return -1, 0 }
