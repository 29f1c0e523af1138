package apigw

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"testing"

	"eportal/internal/portal"
)

// FuzzDecodeJSON decodes arbitrary bodies into an admin-like input type.
// DecodeJSON must never panic, must refuse with a client error (400, 413 or
// 415), never an internal one, and whatever it accepts must survive a round
// trip: encoding the value and decoding that again gives the same value.
func FuzzDecodeJSON(f *testing.F) {
	for _, body := range []string{
		`{"title":"x"}`,
		`{}`,
		`{"title":"Đẩy mạnh \"tuyên truyền miệng\"","author":"Ban Tuyên giáo","Plain":"p"}`,
		`{"coverImage":{"url":"https://a.vn/1.jpg","caption":"Ảnh"},"gallery":[{"url":"https://a.vn/2.jpg"}]}`,
		`{"tags":["a","b"],"attrs":{"k":"v","K":"w"},"extra":{"n":[1,2.5,-0,1e300,"s",true,null]}}`,
		`{"publishAt":"2020-11-17T07:20:00Z","count":3,"nested":{"x":[1,2]},"kind":"news","rank":"5"}`,
		`{"publishAt":"2020-11-17T14:20:00+07:00"}`,
		`{"title":"a","title":"b"}`,
		`{"title":"a","\u0074itle":"b"}`,
		`{"Title":"x"}`,
		`{"title":null,"coverImage":null}`,
		`{"count":1e400}`,
		`{"rank":"five"}`,
		`{"extra":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
		`{"title":"x"} {"title":"y"}`,
		"{\"title\":\"\xc3\x28\"}",
		`[1]`,
		`null`,
		``,
	} {
		f.Add(body, false, "application/json")
		f.Add(base64.StdEncoding.EncodeToString([]byte(body)), true, "application/json; charset=utf-8")
	}
	f.Add(`{"title":"x"}`, false, "text/plain")
	f.Add(`eyJ0aXRsZSI6Il!!`, true, "application/json")
	f.Fuzz(func(t *testing.T, body string, isBase64 bool, contentType string) {
		req := Request{Headers: map[string]string{"content-type": contentType}, Body: body, IsBase64Encoded: isBase64}
		var got testInput
		if err := DecodeJSON(req, &got); err != nil {
			switch code := portal.ErrorCode(err); code {
			case portal.EINVALID, portal.EMEDIATYPE, portal.ETOOLARGE:
			default:
				t.Fatalf("DecodeJSON(%q) = %v (code %q); want a client error", body, err, code)
			}
			return
		}
		again, err := json.Marshal(got)
		if err != nil {
			t.Fatalf("DecodeJSON(%q) accepted a value that does not encode: %+v: %v", body, got, err)
		}
		var back testInput
		if err := DecodeJSON(jsonReq(string(again)), &back); err != nil {
			t.Fatalf("DecodeJSON(%q) accepted %+v, whose encoding %s it refuses: %v", body, got, again, err)
		}
		// A time is the same instant whatever location parsing gave it:
		// "+00:00" decodes with a zero-offset zone, its encoding "Z" as UTC.
		for _, v := range []*testInput{&got, &back} {
			if v.PublishAt != nil {
				utc := v.PublishAt.UTC()
				v.PublishAt = &utc
			}
		}
		if !reflect.DeepEqual(back, got) {
			t.Fatalf("round trip of %q: got %+v; want %+v (via %s)", body, back, got, again)
		}
	})
}
