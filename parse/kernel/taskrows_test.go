package kernel

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
)

// TestTaskRowsRoundTrip: every row appended comes back equal, whatever
// columns it prints, with negative, huge and zero values, rows out of line
// order and rows of another file.
func TestTaskRowsRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	vals := []int64{0, 1, -1, -1000, 1000, 127, 128, -129, 1 << 40, math.MaxInt64, math.MinInt64}
	pick := func() int64 {
		if rnd.IntN(3) == 0 {
			return vals[rnd.IntN(len(vals))]
		}
		return rnd.Int64N(1<<33) - 1<<20
	}
	for trial := range 200 {
		var tt TaskTable
		var want []TaskRow
		line := rnd.IntN(100000)
		for range rnd.IntN(60) {
			line += rnd.IntN(5) - 1 // rows may repeat or go back a line
			r := TaskRow{Ref: Ref{Path: "var/log/kern.log", Line: line}, Pid: int(pick()), UID: int(pick()), Tgid: int(pick()),
				TotalVM: pick(), RSS: pick(), Name: []string{"", "java", "kworker/u8:2", "name with spaces", "日本"}[rnd.IntN(5)]}
			if rnd.IntN(10) == 0 {
				r.Path = "sos_commands/kernel/dmesg"
			}
			i64, ints := optCols(&r)
			for _, p := range i64 {
				if rnd.IntN(2) == 0 {
					v := pick()
					*p = &v
				}
			}
			for _, p := range ints {
				if rnd.IntN(2) == 0 {
					v := int(pick())
					*p = &v
				}
			}
			tt.Append(r)
			want = append(want, r)
		}
		// as added (bytes), trimmed (a string), and added to after trim
		checkTable(t, trial, &tt, want)
		tt.trim()
		checkTable(t, trial, &tt, want)
		if trial%3 == 0 {
			r := TaskRow{Ref: Ref{Path: "var/log/kern.log", Line: line + 1}, Pid: 42, Name: "late"}
			tt.Append(r)
			want = append(want, r)
			checkTable(t, trial, &tt, want)
		}
	}
}

func checkTable(t *testing.T, trial int, tt *TaskTable, want []TaskRow) {
	t.Helper()
	if tt.Len() != len(want) {
		t.Fatalf("trial %d: Len %d, want %d", trial, tt.Len(), len(want))
	}
	if got := tt.Rows(); !reflect.DeepEqual(got, want) {
		t.Fatalf("trial %d: rows differ\n got %+v\nwant %+v", trial, got, want)
	}
	i := 0
	for b := range tt.Briefs() {
		r := want[i]
		wb := TaskBrief{Ref: r.Ref, Pid: r.Pid, RSS: r.RSS, Name: r.Name}
		if r.Swapents != nil {
			wb.Swapents, wb.HasSwapents = *r.Swapents, true
		}
		if b != wb {
			t.Fatalf("trial %d: brief %d = %+v, want %+v", trial, i, b, wb)
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("trial %d: %d briefs, want %d", trial, i, len(want))
	}
	for i, r := range want {
		if !tt.hasPid(r.Pid) {
			t.Fatalf("trial %d: row %d pid %d not found", trial, i, r.Pid)
		}
		first := 0
		for first < len(want) && want[first].Pid != r.Pid {
			first++
		}
		if got, ok := tt.Find(r.Pid); !ok || !reflect.DeepEqual(got, want[first]) {
			t.Fatalf("trial %d: Find(%d) = %+v, %v; want %+v", trial, r.Pid, got, ok, want[first])
		}
	}
}

func TestTaskRowsEmptyAndEarlyStop(t *testing.T) {
	var nilTable *TaskTable
	if nilTable.Len() != 0 || nilTable.Rows() != nil || nilTable.hasPid(1) {
		t.Error("a nil table has rows")
	}
	for range nilTable.All() {
		t.Error("a nil table yields rows")
	}
	var tt TaskTable
	if tt.Rows() != nil || tt.hasPid(0) {
		t.Error("an empty table has rows")
	}
	for i := range 5 {
		tt.Append(TaskRow{Ref: Ref{Path: "dmesg", Line: 10 + i}, Pid: 100 + i, Name: "p"})
	}
	n := 0
	for r := range tt.All() {
		n++
		if r.Pid == 102 {
			break
		}
	}
	if n != 3 {
		t.Errorf("All went on after break: %d rows", n)
	}
	if tt.hasPid(99) {
		t.Error("hasPid found a pid no row has")
	}
	if _, ok := tt.Find(99); ok {
		t.Error("Find found a pid no row has")
	}
	if _, ok := nilTable.Find(1); ok {
		t.Error("Find found a row in a nil table")
	}
	for range nilTable.Briefs() {
		t.Error("a nil table yields briefs")
	}
	// A decoded row's columns are its own: changing them changes nothing.
	tt.Append(TaskRow{Ref: Ref{Path: "dmesg", Line: 20}, Pid: 7, Swapents: ptr(int64(5)), OOMScoreAdj: ptr(-17)})
	rows := tt.Rows()
	*rows[5].Swapents = 99
	*rows[5].OOMScoreAdj = 1
	again := tt.Rows()
	if *again[5].Swapents != 5 || *again[5].OOMScoreAdj != -17 {
		t.Errorf("decoded rows share memory: %d %d", *again[5].Swapents, *again[5].OOMScoreAdj)
	}
	// Briefs of a trimmed table allocate nothing.
	tt.trim()
	if n := testing.AllocsPerRun(10, func() {
		for b := range tt.Briefs() {
			_ = b
		}
	}); n != 0 {
		t.Errorf("Briefs allocated %v times", n)
	}
	tt.DropRows()
	if tt.Len() != 0 || tt.Rows() != nil {
		t.Error("DropRows kept rows")
	}
}

// BenchmarkTaskRowMemory reports the bytes a table keeps per row.
func BenchmarkTaskRowMemory(b *testing.B) {
	row := TaskRow{Ref: Ref{Path: "var/log/kern.log", Line: 1}, Pid: 23143, UID: 1000, Tgid: 23143, TotalVM: 1239870, RSS: 435853,
		PgtablesBytes: ptr(int64(3997696)), Swapents: ptr(int64(39263)), OOMScoreAdj: ptr(0), Name: "pip3"}
	var tt TaskTable
	for i := 0; b.Loop(); i++ {
		row.Line = i + 1
		tt.Append(row)
	}
	b.ReportMetric(float64(tt.rows.size())/float64(tt.Len()), "bytes/row")
}

// TestParseDec: parseDec agrees with strconv.ParseInt (base 10, 64 bits).
func TestParseDec(t *testing.T) {
	for _, s := range []string{"0", "-0", "+7", "-1000", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
		"-9223372036854775809", "99999999999999999999", "", "-", "+", "1a", " 1", "1_000", "00012", "٣"} {
		checkParseDec(t, s)
	}
}

func FuzzParseDec(f *testing.F) {
	for _, s := range []string{"0", "-1000", "9223372036854775808", "+5", "x"} {
		f.Add(s)
	}
	f.Fuzz(checkParseDec)
}

func checkParseDec(t *testing.T, s string) {
	want, err := strconv.ParseInt(s, 10, 64)
	got, ok := parseDec([]byte(s))
	if ok != (err == nil) || ok && got != want {
		t.Errorf("parseDec(%q) = %d, %v; strconv: %d, %v", s, got, ok, want, err)
	}
}
