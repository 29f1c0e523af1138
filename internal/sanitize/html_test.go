package sanitize

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// forbidden is what no sanitized body may contain, compared in lower case.
var forbidden = []string{"<script", "onerror", "onload", "onclick", "onmouseover", "onfocus", "ontoggle",
	"javascript:", "vbscript:", "data:", "<iframe", "<svg", "<math", "style=", "<style", "srcdoc",
	"<object", "<embed", "<form", "<input", "<button", "<meta", "<base", "<link", "srcset"}

func TestHTMLRemovesXSS(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"script", `<script>alert(1)</script>`, ``},
		{"img onerror", `<img src=x onerror=alert(1)>`, ``},
		{"javascript href", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"mixed-case javascript href", `<a href="JaVaScRiPt:alert(1)">x</a>`, `x`},
		{"tab inside javascript", `<a href="java&#x09;script:alert(1)">x</a>`, `x`},
		{"entity-encoded javascript", `<a href="&#106;avascript:alert(1)">x</a>`, `x`},
		{"leading spaces before javascript", `<a href="  javascript:alert(1)">x</a>`, `x`},
		{"entity colon", `<a href="javascript&colon;alert(1)">x</a>`, `x`},
		{"vbscript href", `<a href="vbscript:msgbox(1)">x</a>`, `x`},
		{"data href", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`, `x`},
		{"data img", `<img src="data:image/png;base64,iVBORw0KGgo=">`, ``},
		{"svg onload", `<svg onload=alert(1)>`, ``},
		{"script in svg", `<svg><script>alert(1)</script></svg>`, ``},
		{"iframe from elsewhere", `<iframe src="https://evil.example/"></iframe>`, ``},
		{"iframe from elsewhere with allowed attributes", `<iframe src="https://evil.example/" width="560" height="315" title="t" allowfullscreen>fallback</iframe><p>sau</p>`, `<p>sau</p>`},
		{"self-closing iframe from elsewhere", `<iframe src="https://evil.example/" width="560"/><p>sau</p>`, ``},
		{"upper-case iframe", `<IFRAME SRC="https://evil.example/" TITLE="t"></IFRAME>`, ``},
		{"javascript iframe", `<iframe src="javascript:alert(1)" title="t"></iframe>`, ``},
		{"srcdoc iframe", `<iframe srcdoc="<script>alert(1)</script>" width="1"></iframe>`, ``},
		{"look-alike YouTube host", `<iframe src="https://www.youtube.com.evil.example/embed/x" title="t"></iframe>`, ``},
		{"YouTube over http", `<iframe src="http://www.youtube.com/embed/x" title="t"></iframe>`, ``},
		{"YouTube watch page", `<iframe src="https://www.youtube.com/watch?v=x" title="t"></iframe>`, ``},
		{"YouTube path traversal", `<iframe src="https://www.youtube.com/embed/x/../../evil" title="t"></iframe>`, ``},
		{"YouTube URL in a fragment", `<iframe src="https://evil.example/#https://www.youtube.com/embed/x" title="t"></iframe>`, ``},
		{"YouTube without www", `<iframe src="https://youtube.com/embed/x" title="t"></iframe>`, ``},
		{"math xlink", `<math><mi xlink:href="javascript:alert(1)">m</mi></math>`, `m`},
		{"style element", `<style>body{}</style>`, ``},
		{"style attribute", `<p style="background:url(javascript:alert(1))">x</p>`, `<p>x</p>`},
		{"div onclick", `<div onclick="alert(1)">x</div>`, `<div>x</div>`},
		{"body onload", `<body onload="alert(1)">x</body>`, `x`},
		{"object", `<object data="https://evil.example/x.swf"></object>`, ``},
		{"embed", `<embed src="https://evil.example/x.swf">`, ``},
		{"form", `<form action="javascript:alert(1)"><button>Gửi</button></form>`, `Gửi`},
		{"input", `<input onfocus=alert(1) autofocus>`, ``},
		{"details ontoggle", `<details open ontoggle=alert(1)>x</details>`, `x`},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, ``},
		{"base", `<base href="https://evil.example/">`, ``},
		{"link", `<link rel="stylesheet" href="https://evil.example/x.css">`, ``},
		{"img with onerror", `<img src="http://x" onerror="alert(1)">`, `<img src="http://x">`},
		{"img with a mailto src", `<img src="mailto:a@b.vn" alt="x">`, `<img alt="x">`},
		{"img srcset and style", `<img src="https://a.vn/x.jpg" srcset="javascript:alert(1)" style="x">`, `<img src="https://a.vn/x.jpg">`},
		{"link onmouseover", `<a href="https://ok.vn" onmouseover="alert(1)">ok</a>`, `<a href="https://ok.vn" rel="nofollow noopener" target="_blank">ok</a>`},
		{"attribute breakout in href", `<a href="https://ok.vn/&quot;&gt;&lt;b&gt;">x</a>`, `<a href="https://ok.vn/%22%3E%3Cb%3E" rel="nofollow noopener" target="_blank">x</a>`},
		{"attribute breakout with a space", `<a href="https://ok.vn/&quot; autofocus=&quot;">x</a>`, `x`},
		{"heading onmouseover", `<h2 onmouseover="alert(1)">t</h2>`, `<h2>t</h2>`},
		{"upper-case script", `<SCRIPT>alert(1)</SCRIPT>`, ``},
		{"mixed-case script", `<ScRiPt>alert(1)</sCrIpT>`, ``},
		{"upper-case img onerror", `<IMG SRC=x OnErRoR=alert(1)>`, ``},
		{"upper-case javascript href", `<A HREF="JAVASCRIPT:alert(1)">x</A>`, `x`},
		{"unclosed script", `<script>alert(1)`, ``},
		{"unclosed img", `<img src=x onerror=alert(1)`, ``},
		{"unclosed javascript link", `<a href="javascript:alert(1)">x`, `x`},
		{"noscript breakout", `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`, `&#34;&gt;`},
		{"script in a comment", `<p>x<!-- <script>alert(1)</script> --></p>`, `<p>x</p>`},
		{"script in textarea", `<textarea><script>alert(1)</script></textarea>`, `&lt;script&gt;alert(1)&lt;/script&gt;`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HTML(tt.in)
			for _, bad := range forbidden {
				if strings.Contains(strings.ToLower(got), bad) {
					t.Errorf("HTML(%q) = %q; contains %q", tt.in, got, bad)
				}
			}
			if got != tt.want {
				t.Errorf("HTML(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHTMLKeeps(t *testing.T) {
	const yt = `<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" width="560" height="315" title="YouTube video player" allow="accelerometer; autoplay; encrypted-media; picture-in-picture" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen=""></iframe>`
	tests := []struct{ name, in, want string }{
		{"headings", `<h2>Tiêu đề</h2><h3>Mục</h3>`, ``},
		{"paragraph", `<p>Đảng Cộng sản Việt Nam</p>`, ``},
		{"inline", `<p><strong>a</strong> <b>b</b> <em>c</em> <i>d</i> <u>e</u> <s>f</s> H<sub>2</sub>O x<sup>2</sup><br>g</p><hr>`, ``},
		{"lists", `<ul><li>Một</li><li>Hai</li></ul><ol start="3"><li>Ba</li></ol>`, ``},
		{"https link", `<a href="https://quangnam.dcs.vn/">Cổng thông tin</a>`, `<a href="https://quangnam.dcs.vn/" rel="nofollow noopener" target="_blank">Cổng thông tin</a>`},
		{"mailto link", `<a href="mailto:toasoan@quangnam.vn">Liên hệ</a>`, `<a href="mailto:toasoan@quangnam.vn" rel="nofollow">Liên hệ</a>`},
		{"img", `<img src="https://a.vn/1.jpg" alt="Ảnh hội nghị" title="Hội nghị" width="600" height="400" loading="lazy">`, ``},
		{"figure", `<figure><img src="https://a.vn/1.jpg" alt="Ảnh"><figcaption>Thường trực Tỉnh ủy</figcaption></figure>`, ``},
		{"table", `<table><caption>Kết quả</caption><thead><tr><th colspan="2">Năm</th></tr></thead><tbody><tr><td>2020</td><td rowspan="2">10</td></tr></tbody><tfoot><tr><td>Tổng</td></tr></tfoot></table>`, ``},
		{"blockquote", `<blockquote cite="https://a.vn/">Trích dẫn</blockquote>`, ``},
		{"pre and code", `<pre><code>go test ./...</code></pre>`, ``},
		{"span and div lose their attributes", `<div class="c" id="i"><span style="color:red">x</span></div>`, `<div><span>x</span></div>`},
		{"YouTube embed", yt, ``},
		{"YouTube no-cookie embed", `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=30&amp;rel=0"></iframe>`, ``},
		{"quotes and ampersands", `<p>“Tiếp tục” & "x"</p>`, `<p>“Tiếp tục” &amp; &#34;x&#34;</p>`},
		{"decomposed Vietnamese", "<p>Đa\u0309ng</p>", "<p>Đảng</p>"},
		{"control characters", "<p>a\x00b\x1bc\r\nd</p>", "<p>abc\nd</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == "" {
				want = tt.in
			}
			if got := HTML(tt.in); got != want {
				t.Errorf("HTML(%q)\n got %q\nwant %q", tt.in, got, want)
			}
		})
	}
}

func TestHTMLSampleArticle(t *testing.T) {
	// The project's copy of the shared fixture (infra/demo), so the test
	// needs nothing outside the repository.
	data, err := os.ReadFile("../../infra/demo/portal.json")
	if err != nil {
		t.Fatal(err)
	}
	var sample struct {
		Articles []struct {
			BodyHTML string `json:"body"`
		} `json:"articles"`
	}
	if err := json.Unmarshal(data, &sample); err != nil || len(sample.Articles) == 0 {
		t.Fatalf("read the sample: %v (%d articles)", err, len(sample.Articles))
	}
	body := sample.Articles[0].BodyHTML
	got := HTML(body)
	for _, el := range []string{"h3", "p", "figure", "figcaption"} {
		re := regexp.MustCompile(`<` + el + `>[^<]*</` + el + `>|<` + el + `>`)
		in := re.FindAllString(body, -1)
		if len(in) == 0 {
			t.Fatalf("the sample has no <%s>", el)
		}
		if out := re.FindAllString(got, -1); strings.Join(out, "\n") != strings.Join(in, "\n") {
			t.Errorf("<%s> elements changed:\n got %q\nwant %q", el, out, in)
		}
	}
	if got != body {
		t.Errorf("HTML changed the sample body:\n got %q\nwant %q", got, body)
	}
	if !strings.Contains(got, "của Đảng") {
		t.Errorf("HTML lost %q", "của Đảng")
	}
}

func TestHTMLConcurrent(t *testing.T) {
	const in, want = `<p onclick="x">Đảng</p><script>x</script>`, `<p>Đảng</p>`
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if got := HTML(in); got != want {
					t.Errorf("HTML(%q) = %q; want %q", in, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
