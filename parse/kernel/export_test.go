package kernel

// The kernel-log test helpers, for the tests of package kernel_test (the
// loader's streamed members, in package parse, are checked against Parse).
var (
	DumpKernelLog = dumpKernelLog
	FirstDiff     = firstDiff
	FuzzSeeds     = fuzzSeeds
)

// Knobs of the mapped reader, for the loader's test in package kernel_test.
var (
	GenLog     = genLog
	MapMinSize = mapMinSize
	Mappable   = mappable
)

func SetTestHookWindow(f func(int)) { testHookWindow = f }
func SetForceSyncRead(v bool)       { forceSyncRead = v }
