package consoletest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"eportal/infra/browser"
)

// wordPaste is what Word puts on the clipboard for a heading, a paragraph
// with bold and coloured text, a two-item list (Word's list paragraphs,
// not <ul>) and a table, plus what an attacker might add.
const wordPaste = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta name=Generator content="Microsoft Word 15">
<style>p.MsoNormal{mso-style-parent:"";font-family:"Times New Roman"}</style></head><body lang=VI style='tab-interval:36.0pt'>
<h1 style='mso-margin-top-alt:auto'><span style='font-size:24.0pt;font-family:"Times New Roman"'>Kế hoạch năm 2025<o:p></o:p></span></h1>
<p class=MsoNormal style='text-align:justify'><span style='font-size:13.0pt;color:#333333'>Đoạn <b style='mso-bidi-font-weight:normal'>quan trọng</b> có <font color=red face=Arial>chữ màu</font>.<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span></span><![endif]>Mục thứ nhất<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span></span><![endif]>Mục thứ hai<o:p></o:p></p>
<table class=MsoTableGrid border=1 cellspacing=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'><tr><td width=200 valign=top style='width:150pt'><p class=MsoNormal>Ô một</p></td><td valign=top><p class=MsoNormal>Ô hai</p></td></tr></table>
<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"><a href="javascript:window.pwned=3">liên kết xấu</a>
</body></html>`

// docsPaste is Google Docs' clipboard for a heading and a list: the whole
// paste in a <b style="font-weight:normal">, styling on every span.
const docsPaste = `<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-5e1c"><h2 dir="ltr" style="line-height:1.38;margin-top:18pt"><span style="font-size:16pt;font-family:Arial,sans-serif;color:#000000;font-weight:400;">Tiêu đề từ Docs</span></h2><ul style="margin-top:0;margin-bottom:0;"><li dir="ltr" style="list-style-type:disc;font-size:11pt;"><span style="font-size:11pt;background-color:transparent;">Ý một</span></li><li dir="ltr" style="list-style-type:disc;"><span style="font-weight:700;">Ý hai</span></li></ul></b>`

// paste dispatches a paste of html at the end of the body editor, as the
// browser does for Ctrl+V.
func paste(t *testing.T, p *browser.Page, html string) {
	t.Helper()
	js := fmt.Sprintf(`(() => {
		const root = document.getElementById("noi-dung-bai");
		root.focus();
		const r = document.createRange(); r.selectNodeContents(root); r.collapse(false);
		const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
		const dt = new DataTransfer();
		dt.setData("text/html", %q);
		dt.setData("text/plain", "văn bản");
		root.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
	})()`, html)
	if err := p.Eval(t.Context(), js, nil); err != nil {
		t.Fatal(err)
	}
}

// TestPasteFromWordAndDocs: pasting from Word and Google Docs keeps the
// headings, lists, tables, bold and text, and drops styles, classes,
// fonts, Word's markup and anything active.
func TestPasteFromWordAndDocs(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	openEditor(t, p, "/quan-tri/bai-viet/moi")
	if err := p.Type(t.Context(), "#tieu-de", "Bài dán từ Word"); err != nil {
		t.Fatal(err)
	}
	paste(t, p, wordPaste)
	waitFor(t, p, `document.getElementById("noi-dung-bai").innerText.includes("Ô hai")`, "Word's paste in the editor")
	paste(t, p, docsPaste)
	waitFor(t, p, `document.getElementById("noi-dung-bai").innerText.includes("Ý hai")`, "Docs' paste in the editor")
	// What the editor holds is clean already, before the server's sanitizer.
	var inEditor string
	if err := p.Eval(t.Context(), `document.getElementById("noi-dung-bai").innerHTML`, &inEditor); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(t.Context(), `#luu`); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Đã lưu")
	id := articleID(t, p)
	_, _, a := s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil)
	body, _ := a["body"].(string)
	for _, want := range []string{"<h2>Kế hoạch năm 2025</h2>", "<b>quan trọng</b>", "chữ màu", "<li>Mục thứ nhất</li>", "<li>Mục thứ hai</li>",
		"<table>", "Ô một", "Ô hai", "<h2>Tiêu đề từ Docs</h2>", "<li>Ý một</li>", "Ý hai", "liên kết xấu"} {
		if !strings.Contains(body, want) {
			t.Errorf("saved body lacks %q: %s", want, body)
		}
	}
	for _, html := range []string{inEditor, body} {
		for _, junk := range []string{"style=", "class=", "mso-", "<font", "<span", "<o:p", "script", "onerror", "javascript:", "pwned", "Symbol", "·", "<meta", "docs-internal", "width="} {
			if strings.Contains(html, junk) {
				t.Errorf("%q left in %s", junk, html)
			}
		}
	}
	var pwned any
	_ = p.Eval(t.Context(), `window.pwned`, &pwned)
	if pwned != nil {
		t.Errorf("the paste ran script: window.pwned = %v", pwned)
	}
}

// TestDraftSurvivesReopening: what is typed and not saved is kept on the
// machine; leaving warns; reopening the editor offers it back, and
// restoring it brings every field back.
func TestDraftSurvivesReopening(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	openEditor(t, p, "/quan-tri/bai-viet/moi")
	const title = "Bản nháp chưa lưu"
	if err := p.Type(t.Context(), "#tieu-de", title); err != nil {
		t.Fatal(err)
	}
	if err := p.Type(t.Context(), "#noi-dung-bai", "Đoạn đang viết dở"); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(t.Context(), `#cm-tin-tuc-su-kien`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `(localStorage.getItem("eportal.console.draft.moi") || "").includes("Đoạn đang viết dở") && localStorage.getItem("eportal.console.draft.moi").includes("tin-tuc-su-kien")`, "the draft in localStorage")
	var warned, kept bool
	if err := p.Eval(t.Context(), `(() => { const e = new Event("beforeunload", { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented; })()`, &warned); err != nil || !warned {
		t.Errorf("beforeunload with unsaved work: prevented %v, %v; want a warning", warned, err)
	}
	// Following a console link asks first; declining stays.
	if err := p.Eval(t.Context(), `(() => { window.confirm = () => false; document.querySelector('nav#dieu-huong a[href="/quan-tri/?trang-thai=nhap"]').click(); return !!document.querySelector("#tieu-de"); })()`, &kept); err != nil || !kept {
		t.Errorf("declining to leave: editor still shown %v, %v", kept, err)
	}
	// The tab goes away (its console state with it) and a new page load
	// opens the editor again.
	if err := p.Eval(t.Context(), `window.confirm = () => true`, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/?trang-thai=nhap"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `!document.querySelector("#tieu-de") && document.querySelector("main h1").innerText.includes("Bản nháp")`, "the desk")
	// Saving another article leaves the new article's draft alone.
	other := s.mustCreate(t, "Bài viết khác")
	openEditor(t, p, "/quan-tri/bai-viet/"+other)
	if err := p.Type(t.Context(), "#tom-tat", " thêm"); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Đã lưu")
	if _, local := storage(t, p); !strings.Contains(local["eportal.console.draft.moi"], title) || local["eportal.console.draft."+other] != "" {
		t.Errorf("after saving another article localStorage holds %v; want the new article's draft only", local)
	}
	if status, err := p.Navigate(t.Context(), s.URL+"/quan-tri/bai-viet/moi"); err != nil || status != http.StatusOK {
		t.Fatalf("open the editor again: %d, %v", status, err)
	}
	waitFor(t, p, `document.querySelector(".restore button")`, "the offer to restore the draft")
	if text, _ := p.Text(t.Context(), ".restore"); !strings.Contains(text, "Có bản đang soạn chưa lưu") {
		t.Errorf("restore offer reads %q", text)
	}
	checkAxe(t, p, "editor with a draft to restore")
	press(t, p, "Khôi phục bản đang soạn")
	waitFor(t, p, fmt.Sprintf(`document.querySelector("#tieu-de").value === %q && document.getElementById("noi-dung-bai").innerText.includes("Đoạn đang viết dở") && document.querySelector("#cm-tin-tuc-su-kien").checked`, title), "the restored fields")
	if err := p.Click(t.Context(), `#luu`); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Đã lưu")
	if _, local := storage(t, p); len(local) != 0 {
		t.Errorf("after saving, localStorage still holds %v", local)
	}
	if errs := p.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("console errors: %v", errs)
	}
}
