package kernel

import (
	"testing"
	"time"
)

// TestKillLineComm: with no field after the comm to anchor it, the comm
// ends at the last ")" that leaves a name the kernel can print (15 bytes,
// a dmesg \xHH escape one byte) followed by the end, a space or
// punctuation: a kill line quoted in prose keeps its comm; a comm with
// parentheses of its own keeps them.
func TestKillLineComm(t *testing.T) {
	for _, c := range []struct{ line, comm string }{
		{"Out of memory: Killed process 4242 (java), which (as far as I know) is our billing app", "java"},
		{"Killed process 4312 (java).` | (constructed; 2.6.18 — NB: same prefix as 5.1+)", "java"},
		{"Out of memory: Killed process 881 ((sd-pam))", "(sd-pam)"},
		{"Out of memory: Killed process 5127 (caf\\xe9-worker)", "caf\\xe9-worker"},
		{"Killed process 6660 (<script>alert(1) total-vm:1024kB, anon-rss:512kB, file-rss:0kB", "<script>alert(1"},
		{"Out of memory: Killed process 23143 (pip3) total-vm:2112380kB, anon-rss:1743412kB, file-rss:0kB, shmem-rss:0kB", "pip3"},
		{"Out of memory: Killed process 77 (a very long name that is not a comm)", "a very long name that is not a comm"},
	} {
		k, ok, _ := ParseKillLine([]byte(c.line))
		if !ok || k.Comm != c.comm {
			t.Errorf("ParseKillLine(%q) = comm %q ok %v, want %q", c.line, k.Comm, ok, c.comm)
		}
	}
}

// TestJournalHeaderEnd: journalctl's header dates the journal's year-less
// lines, in both its wordings; other markers give nothing.
func TestJournalHeaderEnd(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"-- Logs begin at Mon 2025-03-10 08:01:12 CET, end at Wed 2025-03-12 11:42:07 CET. --", "2025-03-12T11:42:07Z"},
		{"-- Journal begins at Fri 2023-12-29 10:00:01 UTC, ends at Tue 2024-01-02 09:13:44 UTC. --", "2024-01-02T09:13:44Z"},
		{"-- Boot 5a0f2c --", ""},
		{"-- Logs begin at Mon 2025-03-10 08:01:12 CET. --", ""},
	} {
		got, ok := journalHeaderEnd([]byte(c.line))
		if s := got.Format(time.RFC3339); ok != (c.want != "") || ok && s != c.want {
			t.Errorf("journalHeaderEnd(%q) = %s %v, want %q", c.line, s, ok, c.want)
		}
	}
}
