package parse

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// negativeKB returns the path of the first size in v that is negative — a
// field whose name ends in "KB" (Size.KB, Size.ErrKB, AnonRSSKB, …), or,
// with kv, the Value of a KV (Mem-Info counters and kB fields, memcg
// stats) — or "" when there is none. A printed size that does not fit is
// nil with a warning (units.ToKB), so a negative one is a wrapped value.
func negativeKB(v reflect.Value, path string, kv bool) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return negativeKB(v.Elem(), path, kv)
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if p := negativeKB(v.Index(i), path+"["+strconv.Itoa(i)+"]", kv); p != "" {
				return p
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if p := negativeKB(it.Value(), path+"[…]", kv); p != "" {
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
			isKB := strings.HasSuffix(f.Name, "KB") || (kv && t == reflect.TypeOf(KV{}) && f.Name == "Value")
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
			if p := negativeKB(fv, name, kv); p != "" {
				return p
			}
		}
	}
	return ""
}

// checkNoNegativeKB fails when v holds a negative size (negativeKB).
func checkNoNegativeKB(t testing.TB, what string, v any, kv bool) {
	t.Helper()
	if p := negativeKB(reflect.ValueOf(v), what, kv); p != "" {
		t.Fatalf("negative size %s", p)
	}
}

// TestNegativeKBFinds: the check itself finds a negative size where one is
// planted, and none in a clean value.
func TestNegativeKBFinds(t *testing.T) {
	clean := &KernelLog{Reports: []*OOMReport{{Kills: []KillLine{{AnonRSSKB: ptr(int64(5))}}}}}
	if p := negativeKB(reflect.ValueOf(clean), "kl", true); p != "" {
		t.Errorf("clean log: %s", p)
	}
	for _, bad := range []any{
		&KernelLog{Reports: []*OOMReport{{Kills: []KillLine{{AnonRSSKB: ptr(int64(-5))}}}}},
		&KernelLog{Reports: []*OOMReport{{MemInfo: &MemInfo{Counters: []KV{{Key: "free", Value: -1}}}}}},
		&Free{MemTotal: &Size{KB: -7960984073709027328}},
		&SwapTable{Devices: []SwapDevice{{Used: &Size{KB: 1, ErrKB: -1}}}},
	} {
		if p := negativeKB(reflect.ValueOf(bad), "x", true); p == "" {
			t.Errorf("%+v: no negative size found", bad)
		}
	}
}
