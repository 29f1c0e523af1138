// Package console serves the editors' console ("Bàn biên tập") at
// /quan-tri/: a small single-page app of embedded static files (HTML, CSS,
// JavaScript, no framework) that signs an editor in through the Cognito
// hosted UI (authorization code with PKCE, S256) and calls the /admin JSON
// API with the signed-in user's ID token. There is no server-side session:
// the handler only serves files and /quan-tri/config.json, which tells the
// script where to sign in (Config). It has no store and no AWS client.
//
// Routes: GET /quan-tri (a redirect to /quan-tri/), GET /quan-tri/config.json
// and GET /quan-tri/{proxy+}: a content-hashed file under /quan-tri/static/,
// cached for a year, or else index.html, so that the app's own pages
// (/quan-tri/chuyen-muc, …) load the app, which routes in the browser.
package console
