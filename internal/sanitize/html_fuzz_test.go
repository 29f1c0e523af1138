package sanitize

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// scriptable returns why the sanitized body s could run script, or "" when
// it cannot: a script element, an event-handler attribute (on*), or an
// attribute whose value is a javascript:, vbscript: or data: URL once the
// tokenizer has decoded its character references and the characters a
// browser ignores in a URL (ASCII whitespace and controls) are removed, in
// any case.
func scriptable(s string) string {
	if strings.Contains(strings.ToLower(s), "<script") {
		return "<script"
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return "" // io.EOF: the input is all in memory
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			if tok.Data == "script" {
				return "script element"
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") {
					return fmt.Sprintf("event handler %s=%q", a.Key, a.Val)
				}
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' || r == 0x7f {
						return -1
					}
					return r
				}, a.Val))
				for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
					if strings.HasPrefix(v, scheme) {
						return fmt.Sprintf("%s URL in %s=%q", scheme, a.Key, a.Val)
					}
				}
			}
		}
	}
}

// FuzzHTML sanitizes arbitrary bodies: HTML must never panic and its output
// must never be able to run script (see scriptable).
func FuzzHTML(f *testing.F) {
	for _, in := range []string{
		`<p>Đảng Cộng sản Việt Nam</p>`,
		`<script>alert(1)</script>`, `<SCRIPT>alert(1)</SCRIPT>`, `<ScRiPt>alert(1)`,
		`<img src=x onerror=alert(1)>`, `<IMG SRC=x OnErRoR=alert(1)>`, `<img src="http://x" onerror="alert(1)">`,
		`<a href="javascript:alert(1)">x</a>`, `<a href="JaVaScRiPt:alert(1)">x</a>`,
		`<a href="java&#x09;script:alert(1)">x</a>`, `<a href="&#106;avascript:alert(1)">x</a>`,
		`<a href="  javascript:alert(1)">x</a>`, `<a href="javascript&colon;alert(1)">x</a>`,
		`<a href="vbscript:msgbox(1)">x</a>`, `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
		`<svg onload=alert(1)>`, `<svg><script>alert(1)</script></svg>`, `<math><mi xlink:href="javascript:alert(1)">m</mi></math>`,
		`<iframe src="https://evil.example/" width="560" height="315" title="t" allowfullscreen>fallback</iframe><p>sau</p>`,
		`<iframe src="javascript:alert(1)" title="t"></iframe>`, `<iframe srcdoc="<script>alert(1)</script>" width="1"></iframe>`,
		`<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" width="560" height="315" title="YouTube video player" allowfullscreen=""></iframe>`,
		`<div onclick="alert(1)">x</div>`, `<details open ontoggle=alert(1)>x</details>`, `<body onload="alert(1)">x</body>`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
		`<p>x<!-- <script>alert(1)</script> --></p>`, `<textarea><script>alert(1)</script></textarea>`,
		`<a href="https://ok.vn/&quot; autofocus=&quot;">x</a>`, `<a href="https://ok.vn" onmouseover="alert(1)">ok</a>`,
		`<blockquote cite="https://a.vn/">Trích dẫn</blockquote>`, `<img src="https://a.vn/x.jpg" srcset="javascript:alert(1)" style="x">`,
		`<form action="javascript:alert(1)"><button>Gửi</button></form>`, `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
		"<p>a\x00b\x1bc\r\nd</p>", "<p>Đa\u0309ng</p>", `<a href="mailto:toasoan@quangnam.vn">Liên hệ</a>`,
	} {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := HTML(in)
		if why := scriptable(out); why != "" {
			t.Fatalf("HTML(%q) = %q: %s", in, out, why)
		}
	})
}

// TestScriptable checks the fuzz oracle itself: it must see every way of
// writing script it claims to.
func TestScriptable(t *testing.T) {
	for _, bad := range []string{
		`<ScRiPt>x</script>`, `<p OnClick="x">`, `<a href="JAVASCRIPT:x">`, `<a href="&#106;avascript:x">`,
		`<a href="java&#x09;script:x">`, `<a href=" javascript:x">`, "<a href=\"\x01javascript:x\">",
		`<img src="DATA:text/html,x">`, `<a href="vbscript:x">`, `<svg/onload=x>`,
	} {
		if scriptable(bad) == "" {
			t.Errorf("scriptable(%q) = \"\"; want a reason", bad)
		}
	}
	for _, ok := range []string{`<p>javascript:alert(1) onclick=x &lt;script&gt;</p>`, `<a href="https://a.vn/?q=javascript:x">x</a>`} {
		if why := scriptable(ok); why != "" {
			t.Errorf("scriptable(%q) = %q; want \"\"", ok, why)
		}
	}
}
