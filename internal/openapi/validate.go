package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// An HTML answer (the editors' preview, POST /admin/preview) is checked as
// a string. Registration is global in openapi3filter and not safe
// alongside validation, hence once, at init.
func init() { openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder) }

// Validator checks exchanges against the spec. It is safe for concurrent
// use; the document it was made from must not change afterwards.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
	values []openapi3.SchemaValidationOption // for the checks done here
}

// NewValidator returns a Validator for doc (see Load).
func NewValidator(doc *openapi3.T) (*Validator, error) {
	// Match on paths only: the spec's servers name make run's and the
	// deployed API's hosts, and a test server listens on a port of its own.
	routed := *doc
	routed.Servers = nil
	router, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, fmt.Errorf("openapi: router: %w", err)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus:             true, // an undocumented status is an error
		RejectWhenRequestBodyNotSpecified: true,
		SkipSettingDefaults:               true, // validate the request as sent, never change it
		MultiError:                        true,
		AuthenticationFunc:                AcceptBearer,
	}
	opts.WithCustomSchemaErrorFunc(schemaMessage)
	return &Validator{
		doc:    doc,
		router: router,
		opts:   opts,
		values: []openapi3.SchemaValidationOption{
			openapi3.EnableJSONSchema2020(), openapi3.MultiErrors(), openapi3.SetSchemaErrorMessageCustomizer(schemaMessage),
		},
	}, nil
}

// schemaMessage is a schema error's message without the schema and value
// kin-openapi dumps by default: where in the value, and what is wrong there.
func schemaMessage(err *openapi3.SchemaError) string {
	if err.Origin != nil {
		return err.Origin.Error()
	}
	reason := err.Reason
	if reason == "" {
		reason = "does not match the schema's " + err.SchemaField
	}
	if strings.HasSuffix(reason, "false schema") {
		reason += " (a property or item the schema does not allow)"
	}
	if strings.HasPrefix(reason, "error at ") || strings.HasPrefix(reason, "at '") { // the JSON Schema 2020-12 validator's, path included
		return reason
	}
	return fmt.Sprintf("at /%s: %s", strings.Join(err.JSONPointer(), "/"), reason)
}

// AcceptBearer is the Validator's openapi3filter.AuthenticationFunc: it
// accepts any token sent as "Authorization: Bearer <token>" for the spec's
// bearer scheme. API Gateway's JWT authorizer (locally, the local server's)
// verified the token before any function ran; what is checked here is that
// the operation wants one and the request carried it the documented way.
func AcceptBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s == nil || s.Type != "http" || !strings.EqualFold(s.Scheme, "bearer") {
		return fmt.Errorf("security scheme %q is not an http bearer scheme", in.SecuritySchemeName)
	}
	scheme, token, ok := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return errors.New(`no "Authorization: Bearer <token>" header`)
	}
	return nil
}

// Result is what Validate made of an exchange.
type Result struct {
	// Operation is the operationId the exchange was matched to; "" when
	// none (an error answered before any route, or a skipped exchange).
	Operation string
	// Request reports whether the request was validated (2xx responses only).
	Request bool
	// Response names what the response was held to: "getArticle 200",
	// "components.responses.NotFound"; "" when skipped.
	Response string
	// Skipped says why the exchange is none of the spec's business (a page
	// of the reader site, a CORS preflight); "" when it was validated.
	Skipped string
}

// Validate checks one exchange, req and the resp it got. The request's
// parameters, body and security are checked when the response is 2xx; the
// response's status, headers and body always. Both bodies are read and put
// back, so the caller can still read them. A nil error with a non-empty
// Result.Skipped means there was nothing to check.
func (v *Validator) Validate(ctx context.Context, req *http.Request, resp *http.Response) (Result, error) {
	reqBody, err := drain(&req.Body)
	if err != nil {
		return Result{}, fmt.Errorf("read request body: %w", err)
	}
	respBody, err := drain(&resp.Body)
	if err != nil {
		return Result{}, fmt.Errorf("read response body: %w", err)
	}
	r := req.Clone(ctx)
	r.Body, r.ContentLength = http.NoBody, int64(len(reqBody))
	if len(reqBody) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	}
	status := resp.StatusCode

	if r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != "" {
		return Result{Skipped: "CORS preflight: API Gateway answers it from the template's CorsConfiguration, no route does"}, nil
	}
	route, params, err := v.router.FindRoute(r)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		if res, ok, err := v.anyMethod(r, status, resp.Header, respBody); ok {
			return res, err
		}
		return v.unrouted(status, resp.Header, respBody)
	case errors.Is(err, routers.ErrPathNotFound):
		return v.unrouted(status, resp.Header, respBody)
	case err != nil:
		return Result{}, fmt.Errorf("find the route: %w", err)
	}

	op := route.Operation
	res := Result{Operation: op.OperationID, Response: fmt.Sprintf("%s %d", op.OperationID, status)}
	input := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: v.opts}
	var errs []error
	if status >= 200 && status < 300 {
		res.Request = true
		if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
			errs = append(errs, fmt.Errorf("request: %w", err))
		}
	}
	documented := op.Responses.Status(status)
	if documented == nil || documented.Value == nil {
		errs = append(errs, fmt.Errorf("response: status %d is not documented for %s (documented: %s)",
			status, op.OperationID, strings.Join(slices.Sorted(maps.Keys(op.Responses.Map())), ", ")))
		return res, errors.Join(errs...)
	}
	switch status {
	case http.StatusMovedPermanently, http.StatusNotModified, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		// openapi3filter.ValidateResponse skips these statuses.
		if err := v.checkResponse(documented.Value, resp.Header, respBody); err != nil {
			errs = append(errs, fmt.Errorf("response: %w", err))
		}
	default:
		in := &openapi3filter.ResponseValidationInput{RequestValidationInput: input, Status: status, Header: resp.Header, Options: v.opts}
		in.SetBodyBytes(respBody)
		if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
			errs = append(errs, fmt.Errorf("response: %w", err))
		}
		if len(documented.Value.Content) == 0 && len(respBody) > 0 {
			// openapi3filter does not look at a body where none is documented.
			errs = append(errs, fmt.Errorf("response: a %d of %s has no body, got %d bytes", status, op.OperationID, len(respBody)))
		}
	}
	return res, errors.Join(errs...)
}

// anyMethod validates the answer to a method a path has no operation for,
// when the path item stands for a template route of method ANY (see
// AnyMethodExtension). ok is false when the path has no such route.
func (v *Validator) anyMethod(r *http.Request, status int, header http.Header, body []byte) (res Result, ok bool, err error) {
	item := v.pathItem(r.URL.EscapedPath())
	if item == nil {
		return Result{}, false, nil
	}
	ext, ok, err := AnyMethod(item)
	if !ok || err != nil {
		return Result{}, ok, err
	}
	res.Response = "components.responses." + ext.Response
	if status != ext.Status {
		return res, true, fmt.Errorf("response: %s of a path whose other methods answer %d (%s): got %d", r.Method, ext.Status, AnyMethodExtension, status)
	}
	ref := v.doc.Components.Responses[ext.Response]
	if ref == nil || ref.Value == nil {
		return res, true, fmt.Errorf("%s names response %q, which components.responses lacks", AnyMethodExtension, ext.Response)
	}
	if err := v.checkResponse(ref.Value, header, body); err != nil {
		return res, true, fmt.Errorf("response: %w", err)
	}
	return res, true, nil
}

// AnyMethodRoute is the value of a path item's x-eportal-any-method.
type AnyMethodRoute struct {
	Event    string `json:"event"`    // the template event of method ANY
	Status   int    `json:"status"`   // what every method without an operation answers
	Response string `json:"response"` // its response, in components.responses
}

// AnyMethod returns the path item's x-eportal-any-method, if it has one.
func AnyMethod(item *openapi3.PathItem) (AnyMethodRoute, bool, error) {
	raw, ok := item.Extensions[AnyMethodExtension]
	if !ok {
		return AnyMethodRoute{}, false, nil
	}
	var ext AnyMethodRoute
	b, err := json.Marshal(raw)
	if err == nil {
		err = json.Unmarshal(b, &ext)
	}
	if err != nil || ext.Event == "" || ext.Status == 0 || ext.Response == "" {
		return ext, true, fmt.Errorf("%s: want {event, status, response}, got %v", AnyMethodExtension, raw)
	}
	return ext, true, nil
}

// pathItem returns the spec's path item that path (escaped) falls on, a
// literal segment beating a parameter as API Gateway's routes do; nil when
// none does.
func (v *Validator) pathItem(path string) *openapi3.PathItem {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *openapi3.PathItem
	bestLiterals := -1
paths:
	for tmpl, item := range v.doc.Paths.Map() {
		t := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(t) != len(segs) {
			continue
		}
		literals := 0
		for i, seg := range t {
			switch {
			case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && segs[i] != "":
			case seg == segs[i]:
				literals++
			default:
				continue paths
			}
		}
		if literals > bestLiterals {
			best, bestLiterals = item, literals
		}
	}
	return best
}

// errorResponses are the components.responses an error of each status is
// held to when no operation of the spec took the request.
var errorResponses = map[int]string{
	http.StatusBadRequest:            "BadRequest",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "NotFound",
	http.StatusMethodNotAllowed:      "MethodNotAllowed",
	http.StatusConflict:              "Conflict",
	http.StatusPreconditionFailed:    "PreconditionFailed",
	http.StatusRequestEntityTooLarge: "TooLarge",
	http.StatusUnsupportedMediaType:  "UnsupportedMedia",
	http.StatusUnprocessableEntity:   "Unprocessable",
	http.StatusInternalServerError:   "Internal",
	http.StatusServiceUnavailable:    "Unavailable",
}

// unrouted judges the answer to a request no operation describes: a JSON
// one must be an error of its status; anything else is the reader site's or
// the poll form's, and skipped.
func (v *Validator) unrouted(status int, header http.Header, body []byte) (Result, error) {
	if !isJSON(header) {
		return Result{Skipped: "no operation, and not JSON: a page, feed or file of the reader site, or the poll form's answer"}, nil
	}
	name := errorResponses[status]
	if name == "" {
		return Result{}, fmt.Errorf("response: JSON %d from no route of the spec (only an error is expected there)", status)
	}
	ref := v.doc.Components.Responses[name]
	if ref == nil || ref.Value == nil {
		return Result{}, fmt.Errorf("components.responses lacks %s", name)
	}
	res := Result{Response: "components.responses." + name}
	if err := v.checkResponse(ref.Value, header, body); err != nil {
		return res, fmt.Errorf("response (no route of the spec): %w", err)
	}
	return res, nil
}

// checkResponse holds a response to a documented one, as
// openapi3filter.ValidateResponse does: every documented header, present
// when required and matching its schema; the body's media type and schema;
// and, unlike it, no body where none is documented.
func (v *Validator) checkResponse(doc *openapi3.Response, header http.Header, body []byte) error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(doc.Headers)) {
		h := doc.Headers[name].Value
		values := header.Values(name)
		if len(values) == 0 {
			if h.Required {
				errs = append(errs, fmt.Errorf("header %s is missing", name))
			}
			continue
		}
		if h.Schema == nil || h.Schema.Value == nil {
			continue
		}
		s := h.Schema.Value
		var value any = values[0]
		if s.Type.Is(openapi3.TypeInteger) || s.Type.Is(openapi3.TypeNumber) {
			n, err := strconv.ParseFloat(values[0], 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("header %s: %q is not a number", name, values[0]))
				continue
			}
			value = n
		}
		if err := s.VisitJSON(value, v.values...); err != nil {
			errs = append(errs, fmt.Errorf("header %s %q: %w", name, values[0], err))
		}
	}
	switch {
	case len(doc.Content) == 0:
		if len(body) > 0 {
			errs = append(errs, fmt.Errorf("no body is documented, got %d bytes", len(body)))
		}
	default:
		ct := header.Get("Content-Type")
		mt := doc.Content.Get(ct)
		if mt == nil {
			errs = append(errs, fmt.Errorf("Content-Type %q is not documented", ct))
			break
		}
		if mt.Schema == nil || mt.Schema.Value == nil {
			break
		}
		var value any
		if err := json.Unmarshal(body, &value); err != nil {
			errs = append(errs, fmt.Errorf("body is not JSON: %w", err))
			break
		}
		if err := mt.Schema.Value.VisitJSON(value, append(v.values, openapi3.VisitAsResponse())...); err != nil {
			errs = append(errs, fmt.Errorf("body doesn't match schema %s: %w", mt.Schema.Ref, err))
		}
	}
	return errors.Join(errs...)
}

// isJSON reports whether header's Content-Type is application/json.
func isJSON(header http.Header) bool {
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// drain reads *body whole and puts an equal reader back.
func drain(body *io.ReadCloser) ([]byte, error) {
	if *body == nil || *body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(*body)
	_ = (*body).Close()
	*body = io.NopCloser(bytes.NewReader(b))
	return b, err
}
