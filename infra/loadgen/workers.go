package loadgen

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// The route keys requests are recorded under: the template's, with a note
// where one route is sent two kinds of requests.
const (
	routeArticle      = "GET /articles/{slug}"
	routeDraft        = "GET /articles/{slug} (draft)"
	routeList         = "GET /articles"
	routePopular      = "GET /articles/popular"
	routeCategories   = "GET /categories"
	routeLinks        = "GET /links"
	routePolls        = "GET /polls"
	routePoll         = "GET /polls/{id}"
	routeBeacon       = "POST /articles/{slug}/views"
	routeBeaconRepeat = "POST /articles/{slug}/views (repeat)"
	routeBeaconDraft  = "POST /articles/{slug}/views (draft)"
	routeVote         = "POST /polls/{id}/votes"
	routeVoteRepeat   = "POST /polls/{id}/votes (repeat)"
)

// demoPoll is the demo content's poll, which readers fetch too.
const demoPoll = "danh-gia-cong-thong-tin"

// pollOptions are the options of the run's poll.
var pollOptions = []string{"o1", "o2", "o3", "o4"}

// userAgent is a browser's User-Agent, distinct for each n ≥ 0.
func userAgent(n int64) string {
	return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.%d.%d Safari/537.36", n/10000, n%10000)
}

// read sends one reader's request: mostly articles and lists, now and then a
// draft's slug, which must be 404.
func (r *run) read(w *worker) {
	ok := http.StatusOK
	switch p := w.rnd.IntN(100); {
	case p < 35:
		a := r.st.pickPublished(w.rnd)
		r.call(routeArticle, http.MethodGet, "/articles/"+a.Slug, nil, nil, w.n, ok)
	case p < 55:
		q := url.Values{"limit": {fmt.Sprint([]int{5, 10, 20, 50}[w.rnd.IntN(4)])}}
		if w.rnd.IntN(2) == 0 {
			q.Set("category", r.cfg.Category)
		}
		a := r.call(routeList, http.MethodGet, "/articles?"+q.Encode(), nil, nil, w.n, ok)
		var page struct {
			NextCursor string `json:"nextCursor"`
		}
		if a.status == ok && json.Unmarshal(a.body, &page) == nil && page.NextCursor != "" && w.rnd.IntN(3) == 0 {
			q.Set("cursor", page.NextCursor)
			r.call(routeList, http.MethodGet, "/articles?"+q.Encode(), nil, nil, w.n, ok)
		}
	case p < 65:
		period := []string{"day", "week", "month"}[w.rnd.IntN(3)]
		r.call(routePopular, http.MethodGet, "/articles/popular?period="+period, nil, nil, w.n, ok)
	case p < 73:
		r.call(routeCategories, http.MethodGet, "/categories", nil, nil, w.n, ok)
	case p < 81:
		r.call(routeLinks, http.MethodGet, "/links", nil, nil, w.n, ok)
	case p < 85:
		r.call(routePolls, http.MethodGet, "/polls", nil, nil, w.n, ok)
	case p < 95:
		id := []string{demoPoll, r.pollID}[w.rnd.IntN(2)]
		r.call(routePoll, http.MethodGet, "/polls/"+id, nil, nil, w.n, ok)
	default:
		if d, found := r.st.pickDraft(w.rnd); found {
			r.call(routeDraft, http.MethodGet, "/articles/"+d.Slug, nil, nil, w.n, http.StatusNotFound)
		}
	}
}

// beacon sends a page view of a published article from a new visitor, and
// one time in five, once it is counted, the same visitor's view again
// (same address, same User-Agent), which must not be counted. One beacon in
// twenty is for a draft, which must be 404 (and count nothing: the view
// check reads the drafts' shards too).
func (r *run) beacon(w *worker) {
	v := r.st.visitors.Add(1)
	hdr := map[string]string{"User-Agent": userAgent(v)}
	if d, found := r.st.pickDraft(w.rnd); found && w.rnd.IntN(20) == 0 {
		r.call(routeBeaconDraft, http.MethodPost, "/articles/"+d.Slug+"/views", hdr, nil, int(v), http.StatusNotFound)
		return
	}
	a := r.st.pickPublished(w.rnd)
	path := "/articles/" + a.Slug + "/views"
	r.st.beacons.Add(1)
	ans := r.call(routeBeacon, http.MethodPost, path, hdr, nil, int(v), http.StatusOK)
	counted, ok := beaconCounted(ans)
	if !ok {
		return
	}
	if !counted {
		r.st.uncountedNew.Add(1)
		return
	}
	r.st.mu.Lock()
	r.st.counted[a.ID]++
	r.st.mu.Unlock()
	if w.rnd.IntN(5) != 0 {
		return
	}
	r.st.repeats.Add(1)
	ans = r.call(routeBeaconRepeat, http.MethodPost, path, hdr, nil, int(v), http.StatusOK)
	if counted, ok := beaconCounted(ans); ok && counted {
		r.st.repeatsCounted.Add(1)
	}
}

// beaconCounted reads a beacon's answer: whether it was a 200, and whether
// that counted the view.
func beaconCounted(a answer) (counted, ok bool) {
	var out struct {
		Counted *bool `json:"counted"`
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil || out.Counted == nil {
		return false, false
	}
	return *out.Counted, true
}

// vote casts a new voter's vote (no token) in the run's poll, and one time
// in ten, once it is counted, votes again with the token it was given,
// which must be refused (409).
func (r *run) vote(w *worker) {
	v := r.st.visitors.Add(1)
	choice := pollOptions[w.rnd.IntN(len(pollOptions))]
	path := "/polls/" + r.pollID + "/votes"
	hdr := map[string]string{"User-Agent": userAgent(v)}
	body := map[string][]string{"choices": {choice}}
	a := r.call(routeVote, http.MethodPost, path, hdr, body, int(v), http.StatusOK)
	if a.status != http.StatusOK {
		return
	}
	r.st.mu.Lock()
	r.st.votes[choice]++
	r.st.mu.Unlock()
	token := a.header.Get("X-Voter-Token")
	if token == "" || w.rnd.IntN(10) != 0 {
		return
	}
	hdr["X-Voter-Token"] = token
	body["choices"] = []string{pollOptions[w.rnd.IntN(len(pollOptions))]}
	r.st.repeatVotes.Add(1)
	if a := r.call(routeVoteRepeat, http.MethodPost, path, hdr, body, int(v), http.StatusConflict); a.status == http.StatusOK {
		r.st.repeatVotesAccepted.Add(1)
	}
}

// editPause spaces the editor's articles: a desk, not a flood.
const editPause = 100 * time.Millisecond

// edit writes one article as an editor and a publisher would, in turn: a
// draft left as it is; a draft submitted for review and left there; two
// articles published; one published and then edited, the edit never
// published. Creates and publishes carry an Idempotency-Key. Drafts and the
// unpublished edit carry r.mark in every text; published text never does.
func (r *run) edit(w *worker, more func() bool) {
	w.done++
	n := w.done
	kind := n % 5
	draft := kind < 2
	title := fmt.Sprintf("Tin đã duyệt số %d của đợt tải thử %s", n, r.pollID)
	if draft {
		title = fmt.Sprintf("Bản nháp %s số %d chưa được duyệt", r.mark, n)
	}
	in := articleInput(title, r.cfg.Category)
	ed := map[string]string{"Authorization": r.cfg.Editor, "Idempotency-Key": fmt.Sprintf("%s-create-%d", r.mark, n)}
	a := r.retrying("POST /admin/articles", http.MethodPost, "/admin/articles", ed, in, http.StatusCreated)
	var created article
	if a.status != http.StatusCreated || json.Unmarshal(a.body, &created) != nil {
		return
	}
	path := "/admin/articles/" + created.ID
	ed = map[string]string{"Authorization": r.cfg.Editor}
	if kind != 0 {
		if a := r.retrying("POST /admin/articles/{id}/submit", http.MethodPost, path+"/submit", ed, nil, http.StatusOK); a.status != http.StatusOK {
			return
		}
	}
	if draft {
		r.st.mu.Lock()
		r.st.drafts = append(r.st.drafts, created)
		r.st.mu.Unlock()
		pause(more)
		return
	}
	pub := map[string]string{"Authorization": r.cfg.Publisher, "Idempotency-Key": fmt.Sprintf("%s-publish-%d", r.mark, n)}
	a = r.retrying("POST /admin/articles/{id}/publish", http.MethodPost, path+"/publish", pub, nil, http.StatusOK)
	if a.status != http.StatusOK {
		return
	}
	r.st.addPublished(created)
	if kind == 4 {
		edit := articleInput(fmt.Sprintf("Bản sửa %s số %d chưa được duyệt", r.mark, n), r.cfg.Category)
		ed["If-Match"] = a.header.Get("ETag")
		if a := r.retrying("PUT /admin/articles/{id}", http.MethodPut, path, ed, edit, http.StatusOK); a.status == http.StatusOK {
			r.st.mu.Lock()
			r.st.edited = append(r.st.edited, article{ID: created.ID, Slug: created.Slug, Title: edit["title"].(string)})
			r.st.mu.Unlock()
		}
	}
	pause(more)
}

func pause(more func() bool) {
	if more() {
		time.Sleep(editPause)
	}
}

// articleInput is the body of an article create or edit titled title: the
// title's words are repeated in the summary and the body, so that text
// marked as unpublished is marked everywhere.
func articleInput(title, category string) map[string]any {
	return map[string]any{
		"title":      title,
		"summary":    "Tóm tắt: " + title,
		"body":       "<p>" + title + "</p><p>Nội dung bài viết của đợt tải thử, đủ dài để giống một bài thật: Ban Tuyên giáo Tỉnh ủy hướng dẫn cung cấp thông tin phục vụ công tác tuyên truyền miệng.</p>",
		"categories": []string{category},
		"author":     "Phóng viên tải thử",
		"source":     "eportal make load",
	}
}
