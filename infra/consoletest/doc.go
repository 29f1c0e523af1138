// Package consoletest tests the editors' console (internal/console) as an
// editor meets it: the whole local stack (every function of template.yaml
// behind localserver, with the JWT authorizer's stand-in and the hosted
// sign-in pages' stand-in, localauth.HostedUI), the demo content on a fresh
// DynamoDB Local table, and headless Chromium (package browser) at a
// desktop's width and a tablet's. It signs in through the authorization-code
// flow with PKCE, reads the desk, signs out, checks what each role is shown
// and runs axe-core on the sign-in page and the desk. The editor_*_test.go
// files drive the article editor: writing with the toolbar, pasting from
// Word and Google Docs, saving, a stale save's 412 dialog, the local draft,
// submitting, publishing, rejecting, restoring a revision and previewing.
// document_test.go drives the same editor for legal documents: a PDF
// attached through the file picker, links found by number or id, the API's
// 409 and 400 said with the field marked, the 412 dialog and the local
// draft with the document's fields, publishing, then the document read
// back from GET /documents?number=.
//
// The package holds only tests. TestScreenshots writes console-desk.png
// (1280 px) and console-desk-tablet.png (768 px), and TestEditorScreenshots
// console-editor.png, console-editor-tablet.png and console-document.png
// (a document, 1280 px), into docs/screenshots with
//
//	make screenshots   # EPORTAL_SCREENSHOTS=docs/screenshots go test -run '^Test(Editor)?Screenshots$' ./infra/consoletest
package consoletest
