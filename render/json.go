package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"

	"github.com/oomlens/oomlens/report"
)

// JSON writes the report as the versioned JSON contract
// (schema_version 1, report.schema.json): two-space indented, lists as []
// never null, one trailing newline. The report is encoded a piece at a
// time (writeReport) and indented on the way out (indenter): neither the
// compact nor the indented text of a large report is held in memory.
func JSON(w io.Writer, rep *report.Report) error {
	x := newIndenter(w)
	if err := writeReport(x, rep, false); err != nil {
		return err
	}
	return x.Close()
}

// JSONLine writes the report as JSON does, on one line (for --format
// jsonl): the same fields, lists [] never null, one trailing newline.
func JSONLine(w io.Writer, rep *report.Report) error {
	return writeReport(w, rep, false)
}

// writeReport writes rep as compact JSON, byte for byte what json.Encoder
// writes for filled(rep) (one trailing newline: every list [] and every
// map {} where rep holds nil), but one top-level field, and one element of
// each top-level list, at a time: the largest piece held (and copied by
// filled) is one kill. rep is not changed. TestWriteReportMatchesEncoder
// keeps the two equal.
func writeReport(w io.Writer, rep *report.Report, escapeHTML bool) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	var werr error
	write := func(b []byte) {
		if werr == nil {
			_, werr = w.Write(b)
		}
	}
	put := func(v any) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return nil
	}
	v := reflect.ValueOf(orEmpty(rep)).Elem()
	write([]byte("{"))
	for i, f := range reportFields {
		if i > 0 {
			write([]byte(","))
		}
		write(f.key)
		fv := v.Field(f.index)
		if fv.Kind() != reflect.Slice {
			if err := put(filled(fv).Interface()); err != nil {
				return err
			}
			continue
		}
		write([]byte("["))
		for j := 0; j < fv.Len(); j++ {
			if j > 0 {
				write([]byte(","))
			}
			if err := put(filled(fv.Index(j)).Interface()); err != nil {
				return err
			}
		}
		write([]byte("]"))
	}
	write([]byte("}\n"))
	return werr
}

// reportField is one top-level field of the report: its index and its
// encoded `"name":`.
type reportField struct {
	index int
	key   []byte
}

// reportFields lists the Report fields writeReport writes, in order. The
// Report type uses plain `json:"name"` tags only (no omitempty, no "-", no
// embedded structs), which is what lets writeReport match encoding/json;
// init panics if that ever changes (and so does every test).
var reportFields = func() []reportField {
	t := reflect.TypeFor[report.Report]()
	var out []reportField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous || !f.IsExported() || name == "" || name == "-" || opts != "" {
			panic("render: writeReport cannot stream report.Report field " + f.Name + " (tag " + string(f.Tag) + ")")
		}
		key, _ := json.Marshal(name)
		out = append(out, reportField{index: i, key: append(key, ':')})
	}
	return out
}()

// SourcesJSON writes the input inventory (the report's "inputs" and
// "coverage") as one JSON object.
func SourcesJSON(w io.Writer, rep *report.Report) error {
	n := orEmpty(rep)
	type inventory struct {
		Inputs   []report.Input `json:"inputs"`
		Coverage []report.Gap   `json:"coverage"`
	}
	v := filled(reflect.ValueOf(inventory{n.Inputs, n.Coverage})).Interface().(inventory)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// SourcesJSONLine writes one bundle's input inventory as one compact JSON
// line, {"bundle", "inputs", "coverage"}: `oomlens sources --format json`
// given several bundles prints one such line per bundle.
func SourcesJSONLine(w io.Writer, bundle string, rep *report.Report) error {
	n := orEmpty(rep)
	type line struct {
		Bundle   string         `json:"bundle"`
		Inputs   []report.Input `json:"inputs"`
		Coverage []report.Gap   `json:"coverage"`
	}
	v := filled(reflect.ValueOf(line{bundle, n.Inputs, n.Coverage})).Interface().(line)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// marshalReport encodes the normalized report, indented as JSON writes
// it. escapeHTML makes <, > and & \u003c, \u003e, \u0026 so the JSON can
// sit inside an HTML <script> element.
func marshalReport(rep *report.Report, escapeHTML bool) ([]byte, error) {
	data, err := compactReport(rep, escapeHTML)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(data) + len(data)/4)
	if err := writeIndented(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// compactReport encodes the normalized report without indentation, with
// one trailing newline (as json.Encoder writes it).
func compactReport(rep *report.Report, escapeHTML bool) ([]byte, error) {
	var buf bytes.Buffer
	if err := writeReport(&buf, rep, escapeHTML); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeIndented writes compact JSON (encoding/json output: no blank
// outside strings but a final newline) to w indented by two spaces, byte
// for byte what json.Encoder with SetIndent("", "  ") writes: empty objects
// and arrays stay "{}" and "[]", "key": value, one element per line.
func writeIndented(w io.Writer, src []byte) error {
	x := newIndenter(w)
	x.Write(src)
	return x.Close()
}

// indenter is writeIndented as an io.Writer, so that json.Encoder can
// write its compact text straight into it: the indented text goes out in
// 32 KiB pieces and a large report is never held twice.
type indenter struct {
	w                             io.Writer
	out                           []byte
	depth                         int
	needIndent, inString, escaped bool
	err                           error
}

func newIndenter(w io.Writer) *indenter {
	return &indenter{w: w, out: make([]byte, 0, 32<<10)}
}

func (x *indenter) flush() {
	if x.err == nil && len(x.out) > 0 {
		_, x.err = x.w.Write(x.out)
	}
	x.out = x.out[:0]
}

func (x *indenter) newline() {
	x.out = append(x.out, '\n')
	for range x.depth {
		x.out = append(x.out, ' ', ' ')
	}
}

func (x *indenter) Write(src []byte) (int, error) {
	for i := 0; i < len(src); i++ {
		if len(x.out) > cap(x.out)-256 {
			x.flush()
		}
		c := src[i]
		if x.inString {
			// Copy the string up to its closing quote (or the end of src).
			j := i
			for ; j < len(src); j++ {
				b := src[j]
				if x.escaped {
					x.escaped = false
				} else if b == '\\' {
					x.escaped = true
				} else if b == '"' {
					x.inString = false
					break
				}
			}
			end := min(j+1, len(src))
			for k := i; k < end; k += 16 << 10 {
				if len(x.out) > cap(x.out)-(16<<10) {
					x.flush()
				}
				x.out = append(x.out, src[k:min(k+16<<10, end)]...)
			}
			i = end - 1
			continue
		}
		if x.needIndent && c != '}' && c != ']' {
			x.needIndent = false
			x.depth++
			x.newline()
		}
		switch c {
		case '"':
			x.inString = true
			x.out = append(x.out, c)
		case '{', '[':
			x.needIndent = true // "{}" and "[]" stay on one line
			x.out = append(x.out, c)
		case ',':
			x.out = append(x.out, c)
			x.newline()
		case ':':
			x.out = append(x.out, c, ' ')
		case '}', ']':
			if x.needIndent {
				x.needIndent = false
			} else {
				x.depth--
				x.newline()
			}
			x.out = append(x.out, c)
		default:
			x.out = append(x.out, c)
		}
	}
	return len(src), x.err
}

// Close writes what is buffered and reports input that did not end
// balanced (an unterminated string, an open object or array).
func (x *indenter) Close() error {
	if x.inString || x.depth != 0 || x.needIndent {
		return errors.New("json: unbalanced input")
	}
	x.flush()
	return x.err
}

// orEmpty is rep, or an empty report for nil.
func orEmpty(rep *report.Report) *report.Report {
	if rep == nil {
		return &report.Report{}
	}
	return rep
}

// filled returns v with every nil slice and map inside it made empty, so
// that the JSON has [] and {} where the contract requires them; nil
// pointers stay nil (the contract's null). v itself is never written: the
// parts that hold a slice, map or pointer are copied, the rest shared.
// The copy is of one piece of a report at a time (a kill, the host), not
// of the report.
func filled(v reflect.Value) reflect.Value {
	t := v.Type()
	if !holdsNil(t) || !hasNil(v) {
		return v // nothing to fill: shared, not copied
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return reflect.MakeSlice(t, 0, 0)
		}
		if !holdsNil(t.Elem()) {
			return v
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(filled(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return reflect.MakeMap(t)
		}
		if !holdsNil(t.Elem()) {
			return v
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out.SetMapIndex(iter.Key(), filled(iter.Value()))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(filled(v.Elem()))
		return p
	case reflect.Struct:
		out := reflect.New(t).Elem()
		out.Set(v)
		for i := 0; i < t.NumField(); i++ {
			if f := out.Field(i); f.CanSet() && holdsNil(f.Type()) {
				f.Set(filled(v.Field(i)))
			}
		}
		return out
	}
	return v
}

// hasNil reports whether v holds a nil slice or map (what filled would
// change), reading only.
func hasNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return true
		}
		if holdsNil(v.Type().Elem()) {
			for i := 0; i < v.Len(); i++ {
				if hasNil(v.Index(i)) {
					return true
				}
			}
		}
	case reflect.Map:
		if v.IsNil() {
			return true
		}
		if holdsNil(v.Type().Elem()) {
			iter := v.MapRange()
			for iter.Next() {
				if hasNil(iter.Value()) {
					return true
				}
			}
		}
	case reflect.Pointer:
		return !v.IsNil() && hasNil(v.Elem())
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); v.Type().Field(i).IsExported() && holdsNil(f.Type()) && hasNil(f) {
				return true
			}
		}
	}
	return false
}

// holdsNil reports whether a value of type t can contain a slice, map or
// pointer (elements of other types need no visit).
func holdsNil(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		return true
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if holdsNil(t.Field(i).Type) {
				return true
			}
		}
	case reflect.Array:
		return holdsNil(t.Elem())
	}
	return false
}
