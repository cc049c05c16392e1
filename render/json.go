package render

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"

	"github.com/oomlens/oomlens/correlate"
)

// JSON writes the report as the versioned JSON contract
// (schema_version 1, report.schema.json): two-space indented, lists as []
// never null, one trailing newline.
func JSON(w io.Writer, rep *correlate.Report) error {
	data, err := marshalReport(rep, false)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// SourcesJSON writes the input inventory (the report's "inputs" and
// "coverage") as one JSON object.
func SourcesJSON(w io.Writer, rep *correlate.Report) error {
	n := normalized(rep)
	v := struct {
		Inputs   []correlate.Input `json:"inputs"`
		Coverage []correlate.Gap   `json:"coverage"`
	}{n.Inputs, n.Coverage}
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

// marshalReport encodes the normalized report. escapeHTML makes <, > and &
// \u003c, \u003e, \u0026 so the JSON can sit inside an HTML <script> element.
func marshalReport(rep *correlate.Report, escapeHTML bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(normalized(rep)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// normalized returns a deep copy of rep in which every nil slice and map is
// empty, so that the JSON has [] and {} where the contract requires them.
// Nil pointers stay nil: they are the contract's null.
func normalized(rep *correlate.Report) *correlate.Report {
	if rep == nil {
		rep = &correlate.Report{}
	}
	v := reflect.New(reflect.TypeOf(*rep)).Elem()
	v.Set(fill(reflect.ValueOf(*rep)))
	out := v.Interface().(correlate.Report)
	return &out
}

func fill(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(fill(v.Index(i)))
		}
		return out
	case reflect.Map:
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out.SetMapIndex(iter.Key(), fill(iter.Value()))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(fill(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := 0; i < v.NumField(); i++ {
			if out.Field(i).CanSet() {
				out.Field(i).Set(fill(v.Field(i)))
			}
		}
		return out
	}
	return v
}
