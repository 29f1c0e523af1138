// Package localserver serves every route that template.yaml declares on a
// local HTTP port, the way API Gateway's HTTP API would: it matches the
// request to a route, builds a real payload-2.0 event and calls the same
// handler code the Lambda functions run. Routes come from the template, so the
// template and the local server cannot drift apart.
package localserver
