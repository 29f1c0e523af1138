package apigw

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"reflect"
	"strings"
	"unicode/utf8"

	"eportal/internal/portal"
)

// MaxBody is the largest request body DecodeJSON accepts, in bytes after
// any base64 decoding (SPEC §4: 1 MB, else 413).
const MaxBody = 1 << 20

// maxDepth bounds the nesting of objects and arrays in a request body.
const maxDepth = 32

// DecodeJSON decodes req's JSON body into dst, which must be a non-nil
// pointer, refusing anything but exactly what dst's type declares. It checks,
// in this order, and returns a *portal.Error at the first failure:
//
//   - EMEDIATYPE: Content-Type is not application/json, or has a parameter
//     other than charset=utf-8 (any case);
//   - ETOOLARGE: the body is over MaxBody bytes (checked before base64
//     decoding too, so a huge body is refused without allocating);
//   - EINVALID: bad base64; an empty body; invalid UTF-8; not JSON; more
//     than one JSON value; nesting over 32 levels; a key repeated in any
//     object; a key that is not exactly (case included) the json name of a
//     field of the destination struct, at any depth (maps take any key);
//     null for a field that cannot hold nil (only pointers, slices, maps and
//     interfaces accept null); a value of the wrong type, naming the field.
//
// Types that decode themselves (time.Time, json.Unmarshaler,
// encoding.TextUnmarshaler) are tried in the walk so their errors name the
// field; a *portal.Error they return is passed through. dst is left as it was
// when a check of the walk fails.
func DecodeJSON(req Request, dst any) error {
	const op = "apigw.DecodeJSON"
	if v := reflect.ValueOf(dst); v.Kind() != reflect.Pointer || v.IsNil() {
		return &portal.Error{Code: portal.EINTERNAL, Op: op, Err: fmt.Errorf("destination %T is not a non-nil pointer", dst)}
	}
	body, err := requestBody(req)
	if err != nil {
		return err
	}
	if err := checkStructure(body, reflect.TypeOf(dst).Elem()); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields() // a second line of defence behind checkStructure
	if err := dec.Decode(dst); err != nil {
		// The walk refused nearly everything already; what is left here
		// (bad base64 for a []byte, a bad ",string" number, a name two
		// embedded structs both declare) has no path.
		var pe *portal.Error
		if errors.As(err, &pe) {
			return pe
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return invalid("unknown field %s.", name)
		}
		return &portal.Error{Code: portal.EINVALID, Message: "request body holds a value of the wrong type or format.", Op: op, Err: err}
	}
	return nil
}

func invalid(format string, args ...any) *portal.Error {
	return portal.Errorf(portal.EINVALID, format, args...)
}

func tooLarge() error {
	return portal.Errorf(portal.ETOOLARGE, "request body is larger than %d bytes.", MaxBody)
}

// ReadBody returns req's body, base64-decoded when API Gateway encoded it,
// after checking that its Content-Type is mediaType (with no parameter but
// charset=utf-8) and its size at most MaxBody. Errors: EMEDIATYPE,
// ETOOLARGE, EINVALID (bad base64).
func ReadBody(req Request, mediaType string) ([]byte, error) {
	mt, params, err := mime.ParseMediaType(Header(req, "Content-Type"))
	if err != nil || mt != mediaType {
		return nil, portal.Errorf(portal.EMEDIATYPE, "Content-Type must be %s.", mediaType)
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return nil, portal.Errorf(portal.EMEDIATYPE, "Content-Type must be %s with no parameter but charset=utf-8.", mediaType)
		}
	}
	limit := MaxBody
	if req.IsBase64Encoded {
		limit = base64.StdEncoding.EncodedLen(MaxBody)
	}
	if len(req.Body) > limit {
		return nil, tooLarge()
	}
	var body []byte
	if req.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
			return nil, invalid("request body is not valid base64.")
		}
		if len(body) > MaxBody {
			return nil, tooLarge()
		}
	} else {
		body = []byte(req.Body)
	}
	return body, nil
}

// requestBody returns a JSON request's body (ReadBody) after the emptiness
// and UTF-8 checks.
func requestBody(req Request) ([]byte, error) {
	body, err := ReadBody(req, "application/json")
	if err != nil {
		return nil, err
	}
	if len(bytes.Trim(body, " \t\r\n")) == 0 {
		return nil, invalid("request body is required.")
	}
	if !utf8.Valid(body) {
		// encoding/json would silently turn bad bytes into U+FFFD.
		return nil, invalid("request body is not valid UTF-8.")
	}
	return body, nil
}
