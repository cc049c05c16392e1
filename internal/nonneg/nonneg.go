// Package nonneg is a test helper: it finds a negative size in the facts a
// parser returned. A printed size that does not fit is nil with a warning
// (units.ToKB), so a negative one is a wrapped value: a bug.
package nonneg

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Check fails t when v holds a negative size (see find); what names v.
func Check(t testing.TB, what string, v any, kv bool) {
	t.Helper()
	if p := Find(v, what, kv); p != "" {
		t.Fatalf("negative size %s", p)
	}
}

// Find returns the path of the first negative size in v, or "".
func Find(v any, what string, kv bool) string {
	return find(reflect.ValueOf(v), what, kv)
}

// find returns the path of the first size in v that is negative — a
// field whose name ends in "KB" (Size.KB, Size.ErrKB, AnonRSSKB, …), or,
// with kv, the Value of a KV (Mem-Info counters and kB fields, memcg
// stats) — or "" when there is none. A printed size that does not fit is
// nil with a warning (units.ToKB), so a negative one is a wrapped value.
func find(v reflect.Value, path string, kv bool) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return find(v.Elem(), path, kv)
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if p := find(v.Index(i), path+"["+strconv.Itoa(i)+"]", kv); p != "" {
				return p
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if p := find(it.Value(), path+"[…]", kv); p != "" {
				return p
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			name := path + "." + f.Name
			isKB := strings.HasSuffix(f.Name, "KB") || (kv && t.Name() == "KV" && f.Name == "Value")
			if isKB {
				x := fv
				if x.Kind() == reflect.Pointer {
					if x.IsNil() {
						continue
					}
					x = x.Elem()
				}
				if x.Kind() == reflect.Int64 && x.Int() < 0 {
					return name + " = " + strconv.FormatInt(x.Int(), 10)
				}
				continue
			}
			if p := find(fv, name, kv); p != "" {
				return p
			}
		}
	}
	return ""
}
