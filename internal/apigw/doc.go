// Package apigw holds what every eportal handler needs to speak API Gateway's
// HTTP API (payload format 2.0): reading headers and query parameters,
// JSON and error responses, ETags with 304, cache headers, and the one table
// that maps portal error codes to HTTP statuses.
//
// A handler built on it returns a response and a nil Go error for every
// outcome a client can cause: a Go error would reach the client as API
// Gateway's opaque 502.
package apigw
