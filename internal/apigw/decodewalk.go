package apigw

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"eportal/internal/portal"
)

// checkStructure walks body's tokens once, guided by t, and refuses what
// encoding/json would let through: trailing data, repeated keys, keys that
// match a field only without regard to case, unknown keys, deep nesting,
// and null where Go has no nil.
func checkStructure(body []byte, t reflect.Type) error {
	w := walker{dec: json.NewDecoder(bytes.NewReader(body))}
	w.dec.UseNumber() // no float conversion of numbers we only skip over
	if err := w.value(t, "", 0); err != nil {
		return err
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return invalid("request body must hold a single JSON value.")
	}
	return nil
}

type walker struct{ dec *json.Decoder }

func (w *walker) syntaxError() error {
	return invalid("request body is not valid JSON (near byte %d).", w.dec.InputOffset())
}

// value reads one value whose declared destination type is t; a nil t
// is free-form (an interface, or a map or slice of them).
func (w *walker) value(t reflect.Type, path string, depth int) error {
	base := derefType(t)
	if selfDecoding(base) {
		return w.selfDecoded(t, base, path)
	}
	tok, err := w.dec.Token()
	if err != nil {
		return w.syntaxError()
	}
	if tok == nil {
		return null(t, path)
	}
	if !fits(tok, base) {
		return invalid("%s must be %s.", subject(path), jsonKind(base))
	}
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return nil
	}
	if depth++; depth > maxDepth {
		return invalid("request body is nested more than %d levels deep.", maxDepth)
	}
	if tok == json.Delim('[') {
		var elem reflect.Type
		if base != nil && base.Kind() != reflect.Interface {
			elem = base.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(elem, fmt.Sprintf("%s[%d]", path, i), depth); err != nil {
				return err
			}
		}
	} else if err := w.object(base, path, depth); err != nil {
		return err
	}
	if _, err := w.dec.Token(); err != nil { // the closing delimiter
		return w.syntaxError()
	}
	return nil
}

// selfDecoded reads a value of a type that decodes itself (time.Time and
// other json or text unmarshalers) and tries it, so that its error can name
// the field.
func (w *walker) selfDecoded(t, base reflect.Type, path string) error {
	var raw json.RawMessage
	if err := w.dec.Decode(&raw); err != nil {
		return w.syntaxError()
	}
	if string(raw) == "null" {
		return null(t, path)
	}
	err := json.Unmarshal(raw, reflect.New(base).Interface())
	var pe *portal.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return pe
	case base == reflect.TypeFor[time.Time]():
		return invalid("%s must be an RFC 3339 time such as \"2020-11-17T07:20:00Z\".", subject(path))
	}
	return invalid("%s has an invalid value.", subject(path))
}

func subject(path string) string {
	if path == "" {
		return "request body"
	}
	return fmt.Sprintf("field %q", path)
}

func (w *walker) object(t reflect.Type, path string, depth int) error {
	var fields map[string]reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		fields = fieldsOf(t)
	}
	seen := make(map[string]bool)
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.syntaxError()
		}
		key, _ := tok.(string) // the decoder allows only strings here
		name := key
		if path != "" {
			name = path + "." + key
		}
		if seen[key] {
			return invalid("duplicate field %q.", name)
		}
		seen[key] = true
		var ft reflect.Type
		switch {
		case fields != nil:
			var ok bool
			if ft, ok = fields[key]; !ok {
				return unknownField(name, key, fields)
			}
		case t != nil && t.Kind() == reflect.Map:
			ft = t.Elem()
		}
		if err := w.value(ft, name, depth); err != nil {
			return err
		}
	}
	return nil
}

func unknownField(name, key string, fields map[string]reflect.Type) error {
	for f := range fields {
		if strings.EqualFold(f, key) {
			return invalid("unknown field %q (names are case-sensitive: did you mean %q?).", name, f)
		}
	}
	return invalid("unknown field %q.", name)
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// selfDecoding reports whether t decodes itself from JSON: its values are
// opaque to the walk.
func selfDecoding(t reflect.Type) bool {
	if t == nil {
		return false
	}
	p := reflect.PointerTo(t)
	return p.Implements(jsonUnmarshaler) || p.Implements(textUnmarshaler)
}

// fits reports whether token tok can start a value of type t (pointers
// removed); nil and interface types take anything.
func fits(tok json.Token, t reflect.Type) bool {
	if t == nil || t.Kind() == reflect.Interface {
		return true
	}
	switch k := t.Kind(); v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return k == reflect.Struct || k == reflect.Map
		}
		return k == reflect.Slice || k == reflect.Array
	case string:
		return k == reflect.String || k == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	case bool:
		return k == reflect.Bool
	case json.Number:
		var err error
		switch {
		case k >= reflect.Int && k <= reflect.Int64:
			_, err = strconv.ParseInt(v.String(), 10, t.Bits())
		case k >= reflect.Uint && k <= reflect.Uintptr:
			_, err = strconv.ParseUint(v.String(), 10, t.Bits())
		case k == reflect.Float32 || k == reflect.Float64:
			_, err = strconv.ParseFloat(v.String(), t.Bits())
		default:
			return false
		}
		return err == nil
	}
	return false
}

// null refuses a null for t unless t can hold nil: encoding/json would
// silently read it as "leave the zero value", hiding a client's mistake.
func null(t reflect.Type, path string) error {
	switch {
	case t == nil, t.Kind() == reflect.Pointer, t.Kind() == reflect.Interface,
		t.Kind() == reflect.Map, t.Kind() == reflect.Slice:
		return nil
	}
	return invalid("%s must not be null.", subject(path))
}

// fieldCache holds each struct type's accepted json names and their types.
var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// fieldsOf returns struct type t's json field names, as encoding/json names
// them: the tag's name, else the Go field name; `json:"-"` fields left out;
// the fields of untagged embedded structs promoted, shallower ones winning.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	fields := make(map[string]reflect.Type)
	depthOf := make(map[string]int)
	var collect func(t reflect.Type, depth int, visited map[reflect.Type]bool)
	collect = func(t reflect.Type, depth int, visited map[reflect.Type]bool) {
		if visited[t] {
			return
		}
		visited[t] = true
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" {
				if et := derefType(sf.Type); et.Kind() == reflect.Struct {
					collect(et, depth+1, visited)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			ft := sf.Type
			if strings.Contains(","+opts+",", ",string,") && derefType(ft).Kind() != reflect.Struct {
				ft = nil // a quoted scalar: left to encoding/json
			}
			if d, ok := depthOf[name]; !ok || depth < d {
				fields[name], depthOf[name] = ft, depth
			}
		}
	}
	collect(t, 0, map[reflect.Type]bool{})
	f, _ := fieldCache.LoadOrStore(t, fields)
	return f.(map[string]reflect.Type)
}

func derefType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// jsonKind names the JSON value that decodes into t, a type without
// pointers.
func jsonKind(t reflect.Type) string {
	switch k := t.Kind(); {
	case k == reflect.String:
		return "a string"
	case k == reflect.Bool:
		return "true or false"
	case k >= reflect.Int && k <= reflect.Uintptr:
		return "an integer in range"
	case k == reflect.Float32 || k == reflect.Float64:
		return "a number"
	case k == reflect.Struct || k == reflect.Map:
		return "an object"
	case k == reflect.Slice || k == reflect.Array:
		return "an array"
	}
	return "of another type"
}
