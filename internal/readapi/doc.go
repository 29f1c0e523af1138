// Package readapi is the read function's handler: the public, cacheable
// routes readers hit. It never writes. The Lambda main (functions/read) and
// the local server (infra/localserver) mount the same Handler.
package readapi
