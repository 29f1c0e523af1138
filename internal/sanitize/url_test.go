package sanitize

import (
	"errors"
	"strings"
	"testing"

	"eportal/internal/portal"
)

func TestURL(t *testing.T) {
	long := "https://a.vn/" + strings.Repeat("x", MaxURLLen-len("https://a.vn/"))
	tests := []struct{ name, in, want, wantMsg string }{
		{name: "https", in: "https://quangnam.dcs.vn/Default.aspx?tabid=1&a=2#top", want: "https://quangnam.dcs.vn/Default.aspx?tabid=1&a=2#top"},
		{name: "http", in: "http://a.vn", want: "http://a.vn"},
		{name: "upper-case scheme and host", in: "HTTP://Example.COM/Path", want: "http://example.com/Path"},
		{name: "surrounding spaces", in: "  https://a.vn/x\n", want: "https://a.vn/x"},
		{name: "Vietnamese host", in: "https://bộ.vn/", want: "https://xn--b-8xm.vn/"},
		{name: "Vietnamese path", in: "https://a.vn/tin-tức", want: "https://a.vn/tin-t%E1%BB%A9c"},
		{name: "port", in: "https://a.vn:8443/x", want: "https://a.vn:8443/x"},
		{name: "IPv6", in: "https://[FE80::1]:8443/", want: "https://[fe80::1]:8443/"},
		{name: "exactly MaxURLLen", in: long, want: long},
		{name: "longer than MaxURLLen", in: long + "x", wantMsg: "longer than 2048"},
		{name: "longer after escaping", in: long[:MaxURLLen-3] + "ứ", wantMsg: "longer than 2048"},
		{name: "empty", in: "  ", wantMsg: "required"},
		{name: "javascript", in: "javascript:alert(1)", wantMsg: "http:// or https://"},
		{name: "upper-case javascript", in: "JAVASCRIPT:alert(1)", wantMsg: "http:// or https://"},
		{name: "data", in: "data:text/html;base64,PHNjcmlwdD4=", wantMsg: "http:// or https://"},
		{name: "mailto", in: "mailto:a@b.vn", wantMsg: "http:// or https://"},
		{name: "ftp", in: "ftp://a.vn/x", wantMsg: "http:// or https://"},
		{name: "scheme-relative", in: "//evil.example/x", wantMsg: "http:// or https://"},
		{name: "relative", in: "/tin-tuc/x", wantMsg: "http:// or https://"},
		{name: "opaque http", in: "http:a.vn", wantMsg: "http:// or https://"},
		{name: "no host", in: "https://", wantMsg: "must have a host"},
		{name: "port only", in: "http://:80/", wantMsg: "must have a host"},
		{name: "user and password", in: "https://user:pass@a.vn/", wantMsg: "user name or password"},
		{name: "user", in: "https://user@a.vn/", wantMsg: "user name or password"},
		{name: "space", in: "https://a.vn/a b", wantMsg: "spaces"},
		{name: "tab", in: "https://a.vn/\tx", wantMsg: "spaces"},
		{name: "no-break space", in: "https://a.vn/a\u00a0b", wantMsg: "spaces"},
		{name: "NUL", in: "https://a.vn/\x00", wantMsg: "control characters"},
		{name: "backslash", in: `https://a.vn\@evil.example/`, wantMsg: "backslashes"},
		{name: "invalid UTF-8", in: "https://a.vn/\xff", wantMsg: "control characters"},
		{name: "bad port", in: "https://a.vn:port/", wantMsg: "not valid"},
		{name: "bad host name", in: "https://a_b.vn/", wantMsg: "invalid host name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := URL(tt.in)
			if tt.wantMsg == "" {
				if err != nil || got != tt.want {
					t.Errorf("URL(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
				}
				return
			}
			var e *portal.Error
			if !errors.As(err, &e) || e.Code != portal.EINVALID || !strings.Contains(e.Message, tt.wantMsg) {
				t.Errorf("URL(%q) = %q, %v; want an EINVALID error containing %q", tt.in, got, err, tt.wantMsg)
			}
			if got != "" {
				t.Errorf("URL(%q) returned %q with an error; want \"\"", tt.in, got)
			}
		})
	}
}
