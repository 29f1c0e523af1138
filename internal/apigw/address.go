package apigw

import (
	"crypto/subtle"
	"net/netip"
)

// Headers the edge (the CloudFront distribution of template.yaml) adds on
// its way to the API: the reader's address, and the shared secret that proves
// the request came through the edge — the execute-api URL stays reachable
// directly, where a client could send any X-Viewer-Address it likes.
const (
	ViewerAddressHeader = "X-Viewer-Address"
	EdgeSecretHeader    = "X-Edge-Secret"
)

// ClientAddress returns the address of the client a request came from: API
// Gateway's source IP, or, when edgeSecret is set and the request carries it
// in EdgeSecretHeader, the reader's address the edge put in
// ViewerAddressHeader (behind CloudFront the source IP is an edge server's,
// shared by every reader it serves). A viewer address that is not an IP
// address, or a missing or wrong secret, falls back to the source IP.
func ClientAddress(req Request, edgeSecret string) string {
	src := req.RequestContext.HTTP.SourceIP
	if edgeSecret == "" {
		return src
	}
	got := Header(req, EdgeSecretHeader)
	if subtle.ConstantTimeCompare([]byte(got), []byte(edgeSecret)) != 1 {
		return src
	}
	addr, err := netip.ParseAddr(Header(req, ViewerAddressHeader))
	if err != nil {
		return src
	}
	return addr.String()
}
