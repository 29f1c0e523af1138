package portal

import (
	"context"
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in package apigw; the message of an
// Error with one of these codes is safe to show to the client.
const (
	EINVALID      = "invalid"             // the client sent bad input (400)
	EUNAUTHORIZED = "unauthorized"        // no or invalid credentials (401)
	EFORBIDDEN    = "forbidden"           // credentials lack the role (403)
	ENOTFOUND     = "not_found"           // no such resource visible to the caller (404)
	EMETHOD       = "method_not_allowed"  // the route exists, the method does not (405)
	ECONFLICT     = "conflict"            // the change clashes with the current state (409)
	EPRECONDITION = "precondition_failed" // If-Match did not match (412)
	ETOOLARGE     = "too_large"           // request or item over a size limit (413)
	EMEDIATYPE    = "unsupported_media"   // wrong Content-Type (415)
	EUNPROCESS    = "unprocessable"       // well-formed but refused, e.g. idempotency key reuse (422)
	ETOOMANY      = "too_many_requests"   // the caller is over a rate limit (429)
	EUNAVAILABLE  = "unavailable"         // the store is throttling or down; retry later (503)
	EINTERNAL     = "internal"            // anything unexpected; never shown in detail (500)

	// Poll refusals (409): the vote clashes with the poll's state.
	EPOLLCLOSED   = "poll_closed"   // the poll is closed or past its closesAt
	EPOLLNOTOPEN  = "poll_not_open" // the poll's opensAt is still ahead
	EALREADYVOTED = "already_voted" // this voter (token or address) has voted

	// ESLUGTAKEN (409): the slug belongs to another article. An article
	// created without a slug of its own retries with "-2", "-3"….
	ESLUGTAKEN = "slug_taken"
)

// Error is eportal's error. Code and Message are for the client; Op and Err are
// for the logs and are never shown.
type Error struct {
	Code    string // one of the E* constants
	Message string // user-safe text; empty means a generic text for Code
	Op      string // the operation that failed, e.g. "dynamo.ArticleBySlug"
	Err     error  // the underlying cause, if any
}

// Error formats the error for logs.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code
	}
	switch {
	case e.Op != "" && e.Err != nil:
		return fmt.Sprintf("%s: %s: %v", e.Op, msg, e.Err)
	case e.Op != "":
		return fmt.Sprintf("%s: %s", e.Op, msg)
	case e.Err != nil:
		return fmt.Sprintf("%s: %v", msg, e.Err)
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and a formatted user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain,
// EUNAVAILABLE for an expired or cancelled context, EINTERNAL for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		// The request ran out of its budget, or its caller went away: the
		// service is slow now, not broken.
		return EUNAVAILABLE
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the Message of the first
// *Error in its chain, or a generic text for its code. Details of internal
// errors are never returned.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" && e.Code != EINTERNAL {
		return e.Message
	}
	switch ErrorCode(err) {
	case ENOTFOUND:
		return "Not found."
	case EUNAVAILABLE:
		return "The service is busy; retry shortly."
	case "":
		return ""
	}
	return "Internal error."
}
