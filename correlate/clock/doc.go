// Package clock places the kernel logs of one bundle on the wall clock.
//
// Kernel seconds restart at every boot, and wall times come from many
// places of varying trust. For every (log, boot) pair it finds the wall
// time of kernel second 0 (the boot's "base") from the best basis at hand,
// joins pairs that are the same boot into one global boot, and then maps
// any stamp to a wall time with its basis and confidence:
//
//	printed      journal/syslog time on the same line           high
//	calibrated   kernel seconds + a base measured from lines     high
//	             that print both, or from the same kill seen in
//	             a source with wall times
//	btime        /proc/stat btime + kernel seconds               medium
//	uptime+date  date − uptime + kernel seconds                  medium
//	dmesg-ctime  dmesg -T / --time-format iso stamp              medium (drifts after suspend)
//	none         nothing to go on
//
// It also settles the bundle's time zone and gives year-less stamps (RFC
// 3164 syslog, dmesg reltime) their year.
//
//	c := clock.New(bundle, logs)  // zone, years, each log boot on its own
//	c.Group(kills, sameBoot)      // join log boots seen to be one boot
//	wall, basis, conf := c.When(c.LogBoot(path, 0), line, &stamp)
//
// It reads parsed facts only (package parse) and knows nothing of kills
// beyond the sightings correlate hands it: it never imports correlate,
// writes no report text, and like correlate does no I/O and reads no
// clock of its own.
package clock
