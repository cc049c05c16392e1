package parse

import (
	"encoding/binary"
	"iter"
)

// The task table is most of an OOM report's memory: one row per process,
// tens of thousands on a large node, and every report of every log is kept
// until the bundle is analysed. As a TaskRow a row takes ~210 bytes (ten
// optional columns behind pointers, a name string); encoded it takes ~30–50.
// So a table keeps its rows as one byte string of varints and decodes them
// when read. Memory for a log then grows with its kills by little more
// than the report text itself.
//
// One encoded row:
//
//	uvarint  mask: bit i (0–9) set when optional column i is printed
//	         (RSSAnon, RSSFile, RSSShmem, NrPtes, NrPmds, PgtablesBytes,
//	         Swapents, CPU, OOMAdj, OOMScoreAdj); bit 10 when the row's
//	         path differs from the table's
//	varint   line minus the previous row's line
//	varint   Pid, UID, Tgid, TotalVM, RSS
//	varint   each printed optional column, in mask order
//	uvarint  len(Name), Name
//	         (bit 10) uvarint len(Path), Path
type taskRows struct {
	enc   []byte
	n     int
	path  string // Ref.Path of the first row (and of all rows without bit 10)
	first int    // Line of the first row (the first delta is from it)
	line  int    // Line of the last row appended
}

const (
	nOptCols = 10
	pathBit  = 1 << nOptCols
)

// optCols are the pointers to a row's optional columns, in mask order.
func optCols(r *TaskRow) (i64 [7]**int64, ints [3]**int) {
	return [7]**int64{&r.RSSAnon, &r.RSSFile, &r.RSSShmem, &r.NrPtes, &r.NrPmds, &r.PgtablesBytes, &r.Swapents},
		[3]**int{&r.CPU, &r.OOMAdj, &r.OOMScoreAdj}
}

// Len is the number of rows.
func (t *TaskTable) Len() int {
	if t == nil {
		return 0
	}
	return t.rows.n
}

// Append adds r as the table's last row.
func (t *TaskTable) Append(r TaskRow) {
	rs := &t.rows
	if rs.n == 0 {
		rs.path = r.Path
		rs.first, rs.line = r.Line, r.Line
	}
	i64, ints := optCols(&r)
	var mask uint64
	for i, p := range i64 {
		if *p != nil {
			mask |= 1 << i
		}
	}
	for i, p := range ints {
		if *p != nil {
			mask |= 1 << (len(i64) + i)
		}
	}
	if r.Path != rs.path {
		mask |= pathBit
	}
	e := binary.AppendUvarint(rs.enc, mask)
	e = binary.AppendVarint(e, int64(r.Line-rs.line))
	for _, v := range [...]int64{int64(r.Pid), int64(r.UID), int64(r.Tgid), r.TotalVM, r.RSS} {
		e = binary.AppendVarint(e, v)
	}
	for _, p := range i64 {
		if *p != nil {
			e = binary.AppendVarint(e, **p)
		}
	}
	for _, p := range ints {
		if *p != nil {
			e = binary.AppendVarint(e, int64(**p))
		}
	}
	e = binary.AppendUvarint(e, uint64(len(r.Name)))
	e = append(e, r.Name...)
	if mask&pathBit != 0 {
		e = binary.AppendUvarint(e, uint64(len(r.Path)))
		e = append(e, r.Path...)
	}
	rs.enc = e
	rs.line = r.Line
	rs.n++
}

// All yields the rows in order. Each row is decoded afresh: keeping one
// (or a pointer to it) is safe.
func (t *TaskTable) All() iter.Seq[TaskRow] {
	return func(yield func(TaskRow) bool) {
		if t == nil {
			return
		}
		d := rowDecoder{rs: &t.rows, line: t.rows.first}
		for d.next() {
			if !yield(d.row()) {
				return
			}
		}
	}
}

// Rows returns all rows decoded (nil for none).
func (t *TaskTable) Rows() []TaskRow {
	if t.Len() == 0 {
		return nil
	}
	out := make([]TaskRow, 0, t.rows.n)
	for r := range t.All() {
		out = append(out, r)
	}
	return out
}

// hasPid reports whether a row has pid (decoding nothing else to the heap).
func (t *TaskTable) hasPid(pid int) bool {
	if t == nil {
		return false
	}
	d := rowDecoder{rs: &t.rows, line: t.rows.first}
	for d.next() {
		if int(d.fixed[0]) == pid {
			return true
		}
	}
	return false
}

// dropRows forgets every row.
func (t *TaskTable) dropRows() { t.rows = taskRows{} }

// trim gives back the unused end of the encoding.
func (t *TaskTable) trim() {
	if e := t.rows.enc; slack(len(e), cap(e)) {
		t.rows.enc = append([]byte(nil), e...)
	}
}

// rowDecoder walks an encoding written by Append.
type rowDecoder struct {
	rs    *taskRows
	off   int
	line  int
	mask  uint64
	fixed [5]int64 // Pid, UID, Tgid, TotalVM, RSS
	opt   [nOptCols]int64
	name  []byte
	path  []byte
}

func (d *rowDecoder) next() bool {
	e := d.rs.enc
	if d.off >= len(e) {
		return false
	}
	u := func() uint64 {
		v, n := binary.Uvarint(e[d.off:])
		d.off += n
		return v
	}
	s := func() int64 {
		v, n := binary.Varint(e[d.off:])
		d.off += n
		return v
	}
	d.mask = u()
	d.line += int(s())
	for i := range d.fixed {
		d.fixed[i] = s()
	}
	for i := range d.opt {
		d.opt[i] = 0
		if d.mask&(1<<i) != 0 {
			d.opt[i] = s()
		}
	}
	n := int(u())
	d.name = e[d.off : d.off+n]
	d.off += n
	d.path = nil
	if d.mask&pathBit != 0 {
		n := int(u())
		d.path = e[d.off : d.off+n]
		d.off += n
	}
	return true
}

// row builds the current row; its optional columns share one allocation.
func (d *rowDecoder) row() TaskRow {
	r := TaskRow{Ref: Ref{Path: d.rs.path, Line: d.line}, Pid: int(d.fixed[0]), UID: int(d.fixed[1]), Tgid: int(d.fixed[2]),
		TotalVM: d.fixed[3], RSS: d.fixed[4], Name: string(d.name)}
	if d.path != nil {
		r.Path = string(d.path)
	}
	if d.mask&(1<<nOptCols-1) != 0 {
		vals := new([nOptCols]int64)
		*vals = d.opt
		i64, ints := optCols(&r)
		for i, p := range i64 {
			if d.mask&(1<<i) != 0 {
				*p = &vals[i]
			}
		}
		var iv *[3]int
		for i, p := range ints {
			if d.mask&(1<<(len(i64)+i)) != 0 {
				if iv == nil {
					iv = new([3]int)
				}
				iv[i] = int(d.opt[len(i64)+i])
				*p = &iv[i]
			}
		}
	}
	return r
}
