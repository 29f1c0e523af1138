package localauth

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
)

var roleLabels = map[string]string{"editor": "Biên tập viên", "publisher": "Người duyệt bài", "admin": "Quản trị viên"}

type pageUser struct{ Role, Label, Username string }

type hidden struct{ Name, Value string }

type pageData struct {
	Action string
	Users  []pageUser
	Hidden []hidden
	Error  string
}

// pageStyle is the sign-in page's only style, allowed by its hash in the
// page's Content-Security-Policy (the page has no script at all).
const pageStyle = `body{margin:0;font-family:"Segoe UI",Roboto,Arial,sans-serif;background:#f4f6f8;color:#1d2733}
main{max-width:30rem;margin:3rem auto;background:#fff;border:1px solid #d5dbe2;border-radius:6px;padding:1.5rem 2rem}
h1{font-size:1.4rem;margin-top:0}p.note{color:#4a5562;font-size:.95rem}
ul{list-style:none;padding:0}li{margin:.6rem 0}
button{width:100%;text-align:left;font:inherit;padding:.7rem 1rem;border:1px solid #0b4f9c;border-radius:4px;background:#fff;color:#0b3d78;cursor:pointer}
button:hover{background:#e8f0fa}button:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.who{display:block;font-weight:600}.mail{display:block;font-size:.9rem;color:#4a5562}
.error{border-left:4px solid #b3261e;padding:.6rem 1rem;background:#fdf1f0}`

var pageCSP = func() string {
	sum := sha256.Sum256([]byte(pageStyle))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; form-action 'self' http://127.0.0.1:* http://localhost:*; frame-ancestors 'none'; base-uri 'none'"
}()

var signInPage = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập (máy phát triển)</title><style>{{.Style}}</style></head>
<body><main>
<h1>Đăng nhập bàn biên tập</h1>
{{with .Data.Error}}<p class="error" role="alert">Yêu cầu đăng nhập không hợp lệ: {{.}}</p>{{else}}
<p class="note">Trang đăng nhập thay cho Cognito khi chạy <code>make run</code>: chọn một người dùng thử, không cần mật khẩu.</p>
<form method="post" action="{{.Data.Action}}">
{{range .Data.Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<ul>
{{range .Data.Users}}<li><button type="submit" name="role" value="{{.Role}}"><span class="who">{{.Label}}</span><span class="mail">{{.Username}}</span></button></li>
{{end}}</ul>
</form>{{end}}
</main></body></html>
`))

func (h *HostedUI) page(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = signInPage.Execute(w, struct {
		Style template.CSS
		Data  pageData
	}{template.CSS(pageStyle), d})
}
