// Package kernel is the kernel-log engine: it reads one kernel or system
// log (dmesg in every prefix form, journalctl, /var/log/messages, kern.log,
// /dev/kmsg) into a KernelLog: boots, OOM reports with their Mem-Info and
// task tables, kill and reaper lines, userspace killers and the other
// dated events oomlens explains kills with.
//
//	kl, err := kernel.Parse(r, "sos_commands/kernel/dmesg")
//	for _, rep := range kl.Reports {
//		for _, k := range rep.Kills {
//			fmt.Println(k.Pid, k.Comm, *k.AnonRSSKB)
//		}
//	}
//
//	kline.go      one line's prefix (stamp, level, host, ident) → text
//	kernel.go     the reader and dispatcher; the fast path over non-OOM lines (internal/pairscan)
//	oomreport.go  the OOM report state machine
//	oomlines.go   the report's lines: trigger, Mem-Info, memcg, constraint, kill
//	taskrows.go   task tables, kept compactly
//	userspace.go  earlyoom, systemd-oomd, nohang, the kubelet's evictions
//
// It opens no file itself: ParseFile maps a file the loader opened.
package kernel
