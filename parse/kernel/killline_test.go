package kernel

import "testing"

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
