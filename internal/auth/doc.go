// Package auth decides who is calling an admin route and what they may do.
//
// In AWS, the HTTP API's JWT authorizer has already checked the Cognito token
// (signature, issuer, audience, expiry) before a function runs; it passes the
// token's claims in the payload-2.0 event but cannot check groups. This
// package reads those claims and applies eportal's roles, which are Cognito
// groups: editor, publisher and admin, each including the rights of the one
// before it.
package auth
