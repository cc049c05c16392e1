//go:build !amd64

package pairscan

// Available is false: the vector scan needs AVX2 (amd64).
var Available = false

// pairScanAVX2 only exists on amd64; here it scans nothing.
func pairScanAVX2(data []byte, tab *pairTab) (pos, scanned int) { return -1, 0 }
