package kernel

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
	enc   []byte // the encoding while rows are added
	s     string // the encoding once trimmed (enc is then nil)
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

// size is the length of the encoding.
func (rs *taskRows) size() int { return len(rs.enc) + len(rs.s) }

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
	if rs.s != "" { // rows after trim (rare): back to bytes
		rs.enc, rs.s = []byte(rs.s), ""
	}
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

// TaskBrief is the part of a task row most readers need (who, how much
// resident and swapped), read without allocating.
type TaskBrief struct {
	Ref
	Pid         int
	RSS         int64
	Swapents    int64
	HasSwapents bool // false when the layout has no swapents column
	Name        string
}

// All yields the rows in order. Each row is decoded afresh: keeping one
// (or a pointer to it) is safe.
func (t *TaskTable) All() iter.Seq[TaskRow] {
	return func(yield func(TaskRow) bool) {
		if t == nil {
			return
		}
		if t.rows.s != "" {
			d := newRowDecoder(&t.rows, t.rows.s)
			for d.next() {
				if !yield(d.row()) {
					return
				}
			}
			return
		}
		d := newRowDecoder(&t.rows, t.rows.enc)
		for d.next() {
			if !yield(d.row()) {
				return
			}
		}
	}
}

// Briefs yields every row's TaskBrief. Once the report is complete the
// names share the table's memory and nothing is allocated.
func (t *TaskTable) Briefs() iter.Seq[TaskBrief] {
	return func(yield func(TaskBrief) bool) {
		if t == nil {
			return
		}
		if t.rows.s != "" {
			d := newRowDecoder(&t.rows, t.rows.s)
			for d.next() {
				if !yield(d.brief()) {
					return
				}
			}
			return
		}
		d := newRowDecoder(&t.rows, t.rows.enc)
		for d.next() {
			if !yield(d.brief()) {
				return
			}
		}
	}
}

// Find returns the first row of pid.
func (t *TaskTable) Find(pid int) (TaskRow, bool) {
	if t == nil {
		return TaskRow{}, false
	}
	if t.rows.s != "" {
		return findRow(newRowDecoder(&t.rows, t.rows.s), pid)
	}
	return findRow(newRowDecoder(&t.rows, t.rows.enc), pid)
}

func findRow[T []byte | string](d *rowDecoder[T], pid int) (TaskRow, bool) {
	for d.next() {
		if int(d.fixed[0]) == pid {
			return d.row(), true
		}
	}
	return TaskRow{}, false
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
	if t.rows.s != "" {
		return hasPidIn(newRowDecoder(&t.rows, t.rows.s), pid)
	}
	return hasPidIn(newRowDecoder(&t.rows, t.rows.enc), pid)
}

func hasPidIn[T []byte | string](d *rowDecoder[T], pid int) bool {
	for d.next() {
		if int(d.fixed[0]) == pid {
			return true
		}
	}
	return false
}

// DropRows forgets every row (the bundle-wide cap on kept rows).
func (t *TaskTable) DropRows() { t.rows = taskRows{} }

// trim freezes the encoding into a string: exactly its size, and the row
// names read from it (Briefs) are substrings of it, not copies.
func (t *TaskTable) trim() {
	if len(t.rows.enc) > 0 {
		t.rows.s, t.rows.enc = string(t.rows.enc), nil
	}
}

// rowDecoder walks an encoding written by Append (as bytes while rows are
// added, as a string once trimmed).
type rowDecoder[T []byte | string] struct {
	rs    *taskRows
	data  T
	off   int
	line  int
	mask  uint64
	fixed [5]int64 // Pid, UID, Tgid, TotalVM, RSS
	opt   [nOptCols]int64
	name  T
	path  T
}

func newRowDecoder[T []byte | string](rs *taskRows, data T) *rowDecoder[T] {
	return &rowDecoder[T]{rs: rs, data: data, line: rs.first}
}

// uvarint and varint are binary.Uvarint and binary.Varint over either
// form; the encoding is written by Append, so it is well formed.
func (d *rowDecoder[T]) uvarint() uint64 {
	var x uint64
	var s uint
	for {
		b := d.data[d.off]
		d.off++
		if b < 0x80 {
			return x | uint64(b)<<s
		}
		x |= uint64(b&0x7f) << s
		s += 7
	}
}

func (d *rowDecoder[T]) varint() int64 {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (d *rowDecoder[T]) next() bool {
	if d.off >= len(d.data) {
		return false
	}
	d.mask = d.uvarint()
	d.line += int(d.varint())
	for i := range d.fixed {
		d.fixed[i] = d.varint()
	}
	for i := range d.opt {
		d.opt[i] = 0
		if d.mask&(1<<i) != 0 {
			d.opt[i] = d.varint()
		}
	}
	n := int(d.uvarint())
	d.name = d.data[d.off : d.off+n]
	d.off += n
	d.path = d.data[:0]
	if d.mask&pathBit != 0 {
		n := int(d.uvarint())
		d.path = d.data[d.off : d.off+n]
		d.off += n
	}
	return true
}

func (d *rowDecoder[T]) ref() Ref {
	r := Ref{Path: d.rs.path, Line: d.line}
	if d.mask&pathBit != 0 {
		r.Path = string(d.path)
	}
	return r
}

const swapentsCol = 6 // Swapents' bit in the mask (optCols order)

// brief builds the current row's TaskBrief.
func (d *rowDecoder[T]) brief() TaskBrief {
	return TaskBrief{Ref: d.ref(), Pid: int(d.fixed[0]), RSS: d.fixed[4], Name: string(d.name),
		Swapents: d.opt[swapentsCol], HasSwapents: d.mask&(1<<swapentsCol) != 0}
}

// row builds the current row; its optional columns share one allocation.
func (d *rowDecoder[T]) row() TaskRow {
	r := TaskRow{Ref: d.ref(), Pid: int(d.fixed[0]), UID: int(d.fixed[1]), Tgid: int(d.fixed[2]),
		TotalVM: d.fixed[3], RSS: d.fixed[4], Name: string(d.name)}
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
