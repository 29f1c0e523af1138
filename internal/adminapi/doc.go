// Package adminapi is the admin function's handler: every /admin route of
// the editorial workflow (editors write, publishers approve, admins manage
// the site's structure). Each route checks the caller's role from the JWT
// claims API Gateway's authorizer passed on; each mutation is one DynamoDB
// transaction that also writes a revision (for articles) and an audit record.
package adminapi
