// Package openapi holds the OpenAPI 3.1.0 description of eportal's JSON API
// (spec/openapi.yaml, embedded by package spec: Spec, Load) and checks real traffic against it
// (Validator, Handler).
//
// The spec describes every JSON route of template.yaml — each HttpApi event
// of ReadFunction, ViewsFunction, PollsFunction and AdminFunction — with its
// parameters, request body, responses per status (the error schema
// included), response headers and security, and nothing else. The template
// routes it leaves out, and why, are Exclusions; the ANY route of the view
// beacon (every method but POST answers 405) is the path item's
// x-eportal-any-method extension, since OpenAPI has no "any method"
// operation. Tests hold the spec's routes to template.yaml's in both
// directions.
//
// # What kin-openapi v0.153.0 checks
//
// Load parses the document with github.com/getkin/kin-openapi v0.153.0 and
// validates it (doc.Validate, which also checks every example against its
// schema). For an OpenAPI 3.1 document kin-openapi validates values with a
// JSON Schema 2020-12 validator (santhosh-tekuri/jsonschema) whenever a schema
// uses a 2020-12 keyword (const, unevaluatedProperties…), and with its
// OpenAPI 3.0 validator otherwise; both honour what the spec uses: type
// arrays with "null", const, enum, pattern, formats (date-time), allOf and
// anyOf over $refs, unevaluatedProperties (how the spec extends a schema
// and stays closed), recursive $refs (the category tree), examples. Two
// things it does not do, and the Validator does instead: openapi3filter
// skips the responses 301, 304, 307 and 308 and HEAD requests entirely, and
// ignores a body sent where none is documented.
//
// # Validating traffic
//
// A Validator takes one exchange, an *http.Request and the *http.Response it
// got, and finds its operation with kin-openapi's gorillamux router (paths
// only: the spec's servers are left out of the match). The request —
// parameters, body, security — is validated only when the response is 2xx:
// tests send malformed requests on purpose, and a server that refused one
// did its job. Every response is validated: its status must be documented
// for the operation, its documented headers must be there and match, and
// its body must match the status's schema, so every 4xx and 5xx is held to
// the error schema. Security is checked by a function that accepts any
// bearer token: API Gateway's JWT authorizer (locally, the local server's)
// has verified it before any function ran.
//
// An exchange no operation describes is judged as API Gateway would have
// answered it: a JSON answer must be an error of its status (the $default
// route's JSON 404 for an API path, API Gateway's own 401/404/413, a method
// the path does not take); an answer that is not JSON — the reader site's
// pages, feeds and static files, the poll form's redirects — and a CORS
// preflight are none of the spec's business (Result.Skipped says why).
//
// Handler wraps an http.Handler (the local server) so that every exchange
// it serves is validated and reported; infra/localserver's tests use it.
package openapi
