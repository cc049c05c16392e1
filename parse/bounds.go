package parse

// Bundle-wide memory bounds. The kernel parser caps what it keeps per log
// and per report (kernel.go: 2000 warnings, 2000 unexplained lines, 200,000
// events, 400 quoted lines and 50,000 task rows per report). A bundle can
// hold many logs (messages, messages-1 … messages-52, journal exports), so
// the loader also bounds what the whole bundle keeps and says so with a
// warning naming the file and line where the cap was reached.

import "fmt"

// maxBundleTaskRows bounds the task-table rows kept over all kernel logs of
// a bundle (a row is about 150 bytes). The rows of later reports are
// dropped; their kills are kept, only their top consumers are lost. A
// variable so that tests can lower it.
var maxBundleTaskRows = 500000

// boundKernelLog applies the bundle-wide caps to kl, just read as in.
func (l *loader) boundKernelLog(kl *KernelLog, in *Input) {
	for _, r := range kl.Reports {
		if r.Tasks.Len() == 0 {
			continue
		}
		if !l.rowsCapped && l.taskRows+r.Tasks.Len() <= maxBundleTaskRows {
			l.taskRows += r.Tasks.Len()
			continue
		}
		if !l.rowsCapped {
			l.rowsCapped = true
			in.Warnings = append(in.Warnings, Warning{Ref: r.Tasks.Header, Message: fmt.Sprintf("more than %d task-table rows in the bundle: the rows of this and later OOM reports are not kept (their top consumers are unknown)", maxBundleTaskRows)})
		}
		r.Tasks.DropRows()
	}
}
