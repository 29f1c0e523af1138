// Package localauth stands in for Cognito and API Gateway's JWT authorizer
// when eportal runs on a laptop (`make run`, `make token`).
//
// An Issuer holds a development RSA key kept in .local/ (git-ignored). It
// mints Cognito-like ID tokens signed RS256, as Cognito does, and verifies
// them the way the HTTP API's JWT authorizer does, handing back the claims
// flattened to strings as a payload-2.0 event carries them. The key never
// leaves the machine and nothing deployed trusts it.
package localauth
