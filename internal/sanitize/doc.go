// Package sanitize turns what editors send into what the admin API may
// store: article bodies as allow-listed HTML (HTML), titles, summaries,
// bylines and captions as plain text (Text), and links and image addresses
// as absolute http or https URLs (URL).
//
// Every function is safe for concurrent use: the HTML policies are built
// once, when the package is initialised.
package sanitize
