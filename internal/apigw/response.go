package apigw

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"eportal/internal/portal"
)

// Response is the payload-2.0 response every handler returns.
type Response = events.APIGatewayV2HTTPResponse

// Request is the payload-2.0 request every handler takes.
type Request = events.APIGatewayV2HTTPRequest

// Cache-Control values.
const (
	NoStore = "no-store"
)

// statusFor is the one table from error code to HTTP status.
var statusFor = map[string]int{
	portal.EINVALID:      http.StatusBadRequest,
	portal.EUNAUTHORIZED: http.StatusUnauthorized,
	portal.EFORBIDDEN:    http.StatusForbidden,
	portal.ENOTFOUND:     http.StatusNotFound,
	portal.EMETHOD:       http.StatusMethodNotAllowed,
	portal.ECONFLICT:     http.StatusConflict,
	portal.EPRECONDITION: http.StatusPreconditionFailed,
	portal.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	portal.EMEDIATYPE:    http.StatusUnsupportedMediaType,
	portal.EUNPROCESS:    http.StatusUnprocessableEntity,
	portal.ETOOMANY:      http.StatusTooManyRequests,
	portal.EUNAVAILABLE:  http.StatusServiceUnavailable,
	portal.EINTERNAL:     http.StatusInternalServerError,
	portal.EPOLLCLOSED:   http.StatusConflict,
	portal.EPOLLNOTOPEN:  http.StatusConflict,
	portal.EALREADYVOTED: http.StatusConflict,
	portal.ESLUGTAKEN:    http.StatusConflict,
}

// StatusFor returns the HTTP status for an error code; 500 for an unknown one.
func StatusFor(code string) int {
	if s, ok := statusFor[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

func baseHeaders(cacheControl string) map[string]string {
	return map[string]string{
		"Content-Type":           "application/json; charset=utf-8",
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          cacheControl,
	}
}

// JSON returns v as a JSON response with status and cacheControl.
func JSON(status int, v any, cacheControl string) Response {
	body, err := marshal(v)
	if err != nil {
		// Only the handlers' own response types get here; a failure is a bug.
		return Error(context.Background(), slog.Default(), &portal.Error{Code: portal.EINTERNAL, Op: "apigw.JSON", Err: err}, NoStore)
	}
	return Response{StatusCode: status, Headers: baseHeaders(cacheControl), Body: string(body)}
}

// marshal encodes v without escaping <, > and & as \u003c…: article bodies
// are HTML, and the response is served as application/json with nosniff.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// errorBody is SPEC §4's error shape.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Error returns the response for err: its code's status and a user-safe
// message. Internal and unavailable errors are logged with their cause;
// their details never reach the client. 503 carries Retry-After.
func Error(ctx context.Context, log *slog.Logger, err error, cacheControl string) Response {
	code := portal.ErrorCode(err)
	status := StatusFor(code)
	if status >= 500 {
		log.ErrorContext(ctx, "request failed", "code", code, "err", err)
		cacheControl = NoStore
	}
	var b errorBody
	b.Error.Code, b.Error.Message = code, portal.ErrorMessage(err)
	body, _ := json.Marshal(b) // strings only: cannot fail
	resp := Response{StatusCode: status, Headers: baseHeaders(cacheControl), Body: string(body)}
	if status == http.StatusServiceUnavailable {
		resp.Headers["Retry-After"] = "1"
	}
	return resp
}

// Cached returns v as a 200 JSON response with an ETag computed from the body
// and cacheControl, or a bodiless 304 when the request's If-None-Match already
// names that ETag.
func Cached(req Request, v any, cacheControl string) Response {
	resp := JSON(http.StatusOK, v, cacheControl)
	if resp.StatusCode != http.StatusOK {
		return resp
	}
	etag := ETag([]byte(resp.Body))
	resp.Headers["ETag"] = etag
	if ETagMatches(Header(req, "If-None-Match"), etag) {
		return Response{StatusCode: http.StatusNotModified, Headers: map[string]string{
			"ETag":                   etag,
			"Cache-Control":          cacheControl,
			"X-Content-Type-Options": "nosniff",
		}}
	}
	return resp
}

// ETag returns the strong entity tag of a response body: a hash of its
// bytes, so equal bodies have equal tags on every instance.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// ETagMatches applies If-None-Match's weak comparison (RFC 9110 §13.1.2):
// "*" or any listed tag equal to etag, ignoring a W/ prefix.
func ETagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

// Redirect returns a 301 to location.
func Redirect(location, cacheControl string) Response {
	h := baseHeaders(cacheControl)
	h["Location"] = location
	body, _ := json.Marshal(map[string]string{"location": location})
	return Response{StatusCode: http.StatusMovedPermanently, Headers: h, Body: string(body)}
}

// Header returns the request header name, matched without regard to case
// (API Gateway lower-cases names in payload 2.0; other senders may not).
func Header(req Request, name string) string {
	if v, ok := req.Headers[strings.ToLower(name)]; ok {
		return v
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}
