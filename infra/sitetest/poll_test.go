package sitetest

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"eportal/infra/browser"
	"eportal/internal/pollsapi"
	"eportal/internal/voter"
)

// The demo poll's results policy is "always" (infra/demo), so a reader sees
// the results before voting too; its dedupe policy is the voter token, so a
// fresh tab (a fresh cookie jar) is a new voter.

// The texts the site shows around a vote.
const (
	votedNotice  = "Bạn đã bình chọn" // the poll page, to a reader who voted
	thanksInPage = "Cảm ơn bạn đã bình chọn."
	alreadyVoted = "Bạn đã bình chọn trong cuộc thăm dò này." // site.js and the form's ?loi=da-binh-chon
)

// TestVoteWithoutJavaScript votes through the poll page's form as a reader
// without JavaScript does, then tries again from the home page's sidebar.
// Not parallel: it compares the poll's tally before and after.
func TestVoteWithoutJavaScript(t *testing.T) {
	s := mustSite(t)
	ctx := t.Context()
	// Two earlier voters, so that the shares need rounding: three voters,
	// a third each.
	s.vote(t, pollID, "o1")
	s.vote(t, pollID, "o3")
	before := s.pollResults(t, pollID)

	p := s.open(t, pollPath, browser.PageOptions{})
	const form = "main form[data-poll]"
	if err := p.Click(ctx, form+` input[value="o2"]`); err != nil {
		t.Fatal(err)
	}
	status, err := p.ClickNavigate(ctx, form+` button[type="submit"]`)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.URL(ctx); err != nil || status != http.StatusOK || got != s.URL+pollPath {
		t.Fatalf("after the vote: %d at %q (%v); want 200 at the results page %s", status, got, err, s.URL+pollPath)
	}
	if got := text(t, p, "main"); !strings.Contains(got, votedNotice) {
		t.Errorf("results page after the vote: no %q in\n%s", votedNotice, got)
	}
	if n, err := p.Count(ctx, form); err != nil || n != 0 {
		t.Errorf("forms on the results page after the vote: %d, %v; want none", n, err)
	}
	checkResults(t, p, "main .results", "o2")
	if !hasCookie(t, p, voter.Cookie) {
		t.Errorf("no %s cookie after the vote", voter.Cookie)
	}
	after := s.pollResults(t, pollID)
	checkCounted(t, before, after, "o2")

	// Again, from the form beside another page: refused, nothing counted.
	s.load(t, p, "/")
	const side = ".sidebar form[data-poll]"
	if err := p.Click(ctx, side+` input[value="o1"]`); err != nil {
		t.Fatal(err)
	}
	status, err = p.ClickNavigate(ctx, side+` button[type="submit"]`)
	wantURL := s.URL + pollPath + "?" + pollsapi.FormErrorParam + "=" + pollsapi.FormErrorAlreadyVoted
	if got, uerr := p.URL(ctx); err != nil || uerr != nil || status != http.StatusOK || got != wantURL {
		t.Fatalf("after a second vote: %d at %q (%v, %v); want 200 at %s", status, got, err, uerr, wantURL)
	}
	main := text(t, p, "main")
	for _, want := range []string{pollsapi.FormErrors[pollsapi.FormErrorAlreadyVoted], votedNotice} {
		if !strings.Contains(main, want) {
			t.Errorf("page after a second vote: no %q in\n%s", want, main)
		}
	}
	checkResults(t, p, "main .results", "o2")
	if again := s.pollResults(t, pollID); !reflect.DeepEqual(again, after) {
		t.Errorf("a second vote changed the tally: %+v; want %+v", again, after)
	}
}

// TestVoteWithJavaScript votes through the home page's sidebar form with
// JavaScript: the results replace the form, without a page load; after a
// reload, a second vote shows the already-voted message in place.
// Not parallel: it compares the poll's tally before and after.
func TestVoteWithJavaScript(t *testing.T) {
	s := mustSite(t)
	ctx := t.Context()
	const (
		form   = ".sidebar form[data-poll]"
		answer = form + " .poll-answer"
	)
	before := s.pollResults(t, pollID)
	p := s.open(t, "/", browser.PageOptions{JavaScript: true})
	vote := func(choice string) {
		t.Helper()
		// A page load would lose the mark.
		if err := p.Eval(ctx, "window.sitetestMark = true", nil); err != nil {
			t.Fatal(err)
		}
		if err := p.Click(ctx, form+` input[value="`+choice+`"]`); err != nil {
			t.Fatal(err)
		}
		if err := p.Click(ctx, form+` button[type="submit"]`); err != nil {
			t.Fatal(err)
		}
		waitFor(t, p, `document.querySelector(`+js(answer+" .results")+`) !== null`, "the results in place")
		var marked bool
		if err := p.Eval(ctx, "window.sitetestMark === true", &marked); err != nil || !marked {
			t.Errorf("the vote loaded a page (%v); want the results in place", err)
		}
		if got, err := p.URL(ctx); err != nil || got != s.URL+"/" {
			t.Errorf("url after the vote: %q, %v; want %s", got, err, s.URL+"/")
		}
	}

	vote("o4")
	if got := text(t, p, answer+" .notice"); got != thanksInPage {
		t.Errorf("notice after the vote: %q; want %q", got, thanksInPage)
	}
	checkResults(t, p, answer+" .results", "o4")
	if !hasCookie(t, p, voter.Cookie) {
		t.Errorf("no %s cookie after the vote", voter.Cookie)
	}
	after := s.pollResults(t, pollID)
	checkCounted(t, before, after, "o4")

	s.load(t, p, "/")
	vote("o1")
	if got := text(t, p, answer+" .notice"); got != alreadyVoted {
		t.Errorf("notice after a second vote: %q; want %q", got, alreadyVoted)
	}
	checkResults(t, p, answer+" .results", "o4")
	if again := s.pollResults(t, pollID); !reflect.DeepEqual(again, after) {
		t.Errorf("a second vote changed the tally: %+v; want %+v", again, after)
	}
}

// percentText is how the site writes a share: one decimal, a decimal comma.
var percentText = regexp.MustCompile(`^(\d{1,3}),(\d)%$`)

// checkResults checks the results list at selector: a share per option,
// written as percentText, summing to 100,0 %, and only option mine marked
// as the reader's choice.
func checkResults(t *testing.T, p *browser.Page, selector, mine string) {
	t.Helper()
	var rows []struct {
		Label  string `json:"label"`
		Pct    string `json:"pct"`
		Marked bool   `json:"marked"`
	}
	err := p.Eval(t.Context(), `Array.from(document.querySelectorAll(`+js(selector+" > li")+`), li => ({
		label: li.querySelector(".label").firstChild.textContent.trim(),
		pct: li.querySelector(".pct").textContent.trim(),
		marked: li.querySelector(".label em") !== null,
	}))`, &rows)
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"o1": "Rất hữu ích", "o2": "Hữu ích", "o3": "Bình thường", "o4": "Chưa hữu ích"}
	if len(rows) != len(labels) {
		t.Fatalf("results at %s: %+v; want a row per option", selector, rows)
	}
	var tenths int
	for _, r := range rows {
		m := percentText.FindStringSubmatch(r.Pct)
		if m == nil {
			t.Errorf("share of %q: %q; want the form 33,3%%", r.Label, r.Pct)
			continue
		}
		whole, _ := strconv.Atoi(m[1])
		frac, _ := strconv.Atoi(m[2])
		tenths += whole*10 + frac
		if want := r.Label == labels[mine]; r.Marked != want {
			t.Errorf("%q marked as the reader's choice: %v; want %v", r.Label, r.Marked, want)
		}
	}
	if tenths != 1000 {
		t.Errorf("shares %+v sum to %d,%d%%; want 100,0%%", rows, tenths/10, tenths%10)
	}
}

// checkCounted checks that after holds one more voter than before, for
// choice.
func checkCounted(t *testing.T, before, after tally, choice string) {
	t.Helper()
	votes := func(r tally) map[string]int64 {
		m := map[string]int64{}
		for _, o := range r.Options {
			m[o.ID] = o.Votes
		}
		return m
	}
	want := votes(before)
	want[choice]++
	if got := votes(after); after.TotalVoters != before.TotalVoters+1 || !reflect.DeepEqual(got, want) {
		t.Errorf("tally after the vote: %d voters, %v; want %d, %v", after.TotalVoters, got, before.TotalVoters+1, want)
	}
}

// hasCookie reports whether the browser holds cookie name for p's page.
func hasCookie(t *testing.T, p *browser.Page, name string) bool {
	t.Helper()
	cookies, err := p.Cookies(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies {
		if c.Name == name && c.Value != "" {
			return true
		}
	}
	return false
}
