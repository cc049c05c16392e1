package genlog

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

var (
	ifaces = []string{"eth0", "eth1", "ens3", "ens5", "enp0s31f6", "bond0", "eno1", "eno2"}
	nicUp  = [][3]string{
		{"e1000e", "0000:00:19.0", "NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx"},
		{"ixgbe", "0000:03:00.1", "NIC Link is Up 10 Gbps, Flow Control: RX/TX"},
		{"i40e", "0000:3b:00.0", "NIC Link is Up, 25 Gbps Full Duplex, Requested FEC: None, Negotiated FEC: None, Autoneg: False, Flow Control: None"},
		{"mlx5_core", "0000:5e:00.0", "Link up"},
	}
	dms   = []string{"dm-0", "dm-1", "dm-2", "sda1", "sda2", "nvme0n1p1", "vda1"}
	disks = []string{"sda", "sdb", "nvme0n1", "vda", "xvda"}
	comms = []string{"java", "python3", "node", "postgres", "mysqld", "redis-server", "nginx", "dockerd",
		"containerd", "kubelet", "runc", "bash", "sshd", "chrome", "ruby", "php-fpm", "gunicorn", "etcd"}
	units = []string{"logrotate", "man-db", "apt-daily", "systemd-tmpfiles-clean", "fstrim", "motd-news",
		"certbot", "docker", "containerd", "kubelet", "node-exporter", "chronyd", "rsyslog", "cron", "snapd"}
	apparmor = []string{"/usr/sbin/cupsd", "/usr/bin/man", "docker-default", "/usr/sbin/ntpd", "snap.lxd.daemon"}
	files    = []string{"/etc/ssl/openssl.cnf", "/proc/sys/kernel/random/boot_id", "/usr/share/zoneinfo/UTC", "/etc/nsswitch.conf"}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func hexs(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

func uuid(r *rand.Rand) string {
	return hexs(r, 8) + "-" + hexs(r, 4) + "-" + hexs(r, 4) + "-" + hexs(r, 4) + "-" + hexs(r, 12)
}

// noise returns one ordinary message, weighted roughly as genlog.py's table.
func (g *gen) noise() (string, string) {
	r := g.r
	x := r.IntN(100)
	switch {
	case x < 8:
		n := pick(r, nicUp)
		if r.IntN(2) == 0 {
			return "k", fmt.Sprintf("%s %s %s: %s", n[0], n[1], pick(r, ifaces), n[2])
		}
		return "k", fmt.Sprintf("%s %s %s: NIC Link is Down", n[0], n[1], pick(r, ifaces))
	case x < 22:
		states := []string{"blocking", "disabled", "forwarding"}
		return "k", fmt.Sprintf("%s: port %d(veth%s) entered %s state", pick(r, []string{"docker0", "cni0", "virbr0"}), 1+r.IntN(63), hexs(r, 7), pick(r, states))
	case x < 28:
		if r.IntN(10) < 7 {
			return "k", "nf_conntrack: nf_conntrack: table full, dropping packet"
		}
		return "k", fmt.Sprintf("net_ratelimit: %d callbacks suppressed", 2+r.IntN(900))
	case x < 31:
		// decoy: says "out of memory" but is no OOM kill
		return "k", "TCP: out of memory -- consider tuning tcp_mem"
	case x < 37:
		bus := fmt.Sprintf("%d-%d", 1+r.IntN(3), 1+r.IntN(7))
		if r.IntN(50) == 0 {
			return "k", "usb " + bus + ": Product: USB\xa0Flash\xff\xfe Disk" // invalid UTF-8, as cheap devices send
		}
		return "k", fmt.Sprintf("usb %s: new high-speed USB device number %d using xhci_hcd", bus, 2+r.IntN(118))
	case x < 59:
		g.aser += 1 + r.IntN(3)
		a := fmt.Sprintf("audit(%d.%03d:%d)", g.boot+g.tus/1e6, r.IntN(1000), g.aser)
		if r.IntN(2) == 0 {
			return "k", fmt.Sprintf(`audit: type=1400 %s: apparmor="DENIED" operation="open" profile="%s" name="%s" pid=%d comm="%s" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
				a, pick(r, apparmor), pick(r, files), 300+r.IntN(4000000), pick(r, comms))
		}
		return "k", fmt.Sprintf("audit: type=1327 %s: proctitle=%s", a, hexs(r, 2*(20+r.IntN(108))))
	case x < 73:
		u := pick(r, units)
		switch r.IntN(5) {
		case 0:
			return "systemd[1]", fmt.Sprintf("Started Session %d of user %s.", 1+r.IntN(90000), pick(r, []string{"root", "admin", "ubuntu"}))
		case 1:
			return "systemd[1]", "Starting " + u + ".service..."
		case 2:
			return "systemd[1]", u + ".service: Succeeded."
		case 3:
			// decoy: systemd noticing a kill (userspace, not a kernel report)
			return "systemd[1]", u + ".service: A process of this unit has been killed by the OOM killer."
		}
		return fmt.Sprintf("systemd-logind[%d]", 600+r.IntN(600)), fmt.Sprintf("New session %d of user root.", 1+r.IntN(90000))
	case x < 79:
		d := pick(r, dms)
		if r.IntN(2) == 0 {
			return "k", fmt.Sprintf("EXT4-fs (%s): mounted filesystem with ordered data mode. Opts: errors=remount-ro", d)
		}
		return "k", fmt.Sprintf("XFS (%s): Ending clean mount", d)
	case x < 83:
		return "k", fmt.Sprintf("blk_update_request: I/O error, dev %s, sector %d op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0", pick(r, disks), r.IntN(1_000_000_000))
	case x < 88:
		// decoy: an allocation failure that is no OOM kill
		return "k", "SLUB: Unable to allocate memory on node -1, gfp=0xa20(GFP_ATOMIC)"
	case x < 94:
		c := pick(r, comms)
		return "k", fmt.Sprintf("%s[%d]: segfault at %x ip %016x sp %016x error 4 in libc.so.6[%x+%x]", c, 300+r.IntN(4000000), r.IntN(1<<20), r.Int64N(1<<47), r.Int64N(1<<47), r.Int64N(1<<47), r.IntN(1<<20))
	case x < 97:
		return "k", fmt.Sprintf("cgroup: fork rejected by pids controller in /kubepods/burstable/pod%s/%s", uuid(r), hexs(r, 64))
	}
	return "k", fmt.Sprintf("INFO: task %s:%d blocked for more than %d seconds.", pick(r, []string{"kworker/u16:2", "jbd2/dm-0-8", "khugepaged"}), 100+r.IntN(400000), pick(r, []int{120, 241, 362}))
}

func regs(r *rand.Rand) []string {
	q := func() string { return fmt.Sprintf("%016x", r.Int64N(1<<pick(r, []int{8, 16, 47}))) }
	return []string{
		fmt.Sprintf("RIP: 0033:0x%x", r.Int64N(1<<47)),
		"Code: Bad RIP value.",
		fmt.Sprintf("RSP: 002b:%016x EFLAGS: 00010246", r.Int64N(1<<47)),
		"RAX: " + q() + " RBX: " + q() + " RCX: " + q(),
		"RDX: " + q() + " RSI: " + q() + " RDI: " + q(),
		"RBP: " + q() + " R08: " + q() + " R09: " + q(),
		"R10: " + q() + " R11: " + q() + " R12: " + q(),
		"R13: " + q() + " R14: " + q() + " R15: " + q(),
	}
}

func buddy(r *rand.Rand) string {
	var parts []string
	total := 0
	for o := 0; o < 11; o++ {
		n := 0
		if r.Float64() < 0.8 {
			n = r.IntN(1 + 1200>>o)
		}
		kb := 4 << o
		total += n * kb
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d*%dkB (%s)", n, kb, pick(r, []string{"U", "UM", "UME", "M", "E"})))
		} else {
			parts = append(parts, fmt.Sprintf("0*%dkB", kb))
		}
	}
	return strings.Join(parts, " ") + fmt.Sprintf(" = %dkB", total)
}
