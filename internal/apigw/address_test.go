package apigw

import "testing"

func TestClientAddress(t *testing.T) {
	const secret = "edge-secret-0123456789abcdefghijklmnop"
	tests := []struct {
		name, edgeSecret, sent, viewer, want string
	}{
		{"no edge configured: the header is ignored", "", secret, "203.0.113.9", "130.176.1.1"},
		{"through the edge", secret, secret, "203.0.113.9", "203.0.113.9"},
		{"through the edge, IPv6", secret, secret, "2001:db8::1", "2001:db8::1"},
		{"direct to execute-api, forged viewer header", secret, "", "203.0.113.9", "130.176.1.1"},
		{"wrong secret", secret, secret + "x", "203.0.113.9", "130.176.1.1"},
		{"edge without a viewer address", secret, secret, "", "130.176.1.1"},
		{"not an address", secret, secret, "203.0.113.9, 10.0.0.1", "130.176.1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request{Headers: map[string]string{}}
			req.RequestContext.HTTP.SourceIP = "130.176.1.1"
			if tt.sent != "" {
				req.Headers["x-edge-secret"] = tt.sent
			}
			if tt.viewer != "" {
				req.Headers["x-viewer-address"] = tt.viewer
			}
			if got := ClientAddress(req, tt.edgeSecret); got != tt.want {
				t.Errorf("ClientAddress = %q; want %q", got, tt.want)
			}
		})
	}
}
