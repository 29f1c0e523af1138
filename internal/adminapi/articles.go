package adminapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/articleinput"
	"eportal/internal/metrics"
	"eportal/internal/portal"
	"eportal/internal/sanitize"
	"eportal/internal/slug"
)

// maxSlugTries bounds the "-2", "-3"… suffixes tried for a generated slug.
const maxSlugTries = 20

// createArticle serves POST /admin/articles: a new draft (201, Location,
// ETag). An Idempotency-Key makes retries return the first response.
func (h *Handler) createArticle(ctx context.Context, r *request) apigw.Response {
	var in articleinput.Input
	if err := apigw.DecodeJSON(r.Request, &in); err != nil {
		return h.fail(ctx, err)
	}
	e, err := h.edit(ctx, &in, "")
	if err != nil {
		return h.fail(ctx, err)
	}
	return h.idempotent(ctx, r, func(done func(apigw.Response) *portal.IdempotentResult) apigw.Response {
		a := &portal.Article{
			ID: h.newID(), Status: portal.StatusDraft, Version: 1,
			CreatedAt: r.now, UpdatedAt: r.now, CreatedBy: r.caller.Subject, UpdatedBy: r.caller.Subject,
		}
		a.Slug, a.Title, a.Summary, a.Body, a.CoverImage = e.Slug, e.Title, e.Summary, e.Body, e.CoverImage
		a.Categories, a.Tags, a.Author, a.Source = e.Categories, e.Tags, e.Author, e.Source
		if e.Document != nil {
			a.Kind, a.Document = portal.KindDocument, e.Document
		}
		base := a.Slug
		for try := 1; ; try++ {
			resp := h.ok(http.StatusCreated, a, map[string]string{"Location": "/admin/articles/" + a.ID, "ETag": etag(a.Version)})
			err := h.store.SaveArticle(ctx, portal.ArticleChange{After: a, Action: "create", Actor: r.caller.Subject, Now: r.now, Idempotency: done(resp)})
			if err == nil {
				return resp
			}
			if portal.ErrorCode(err) != portal.ESLUGTAKEN || in.Slug != "" || try > maxSlugTries {
				return h.fail(ctx, err)
			}
			a.Slug = suffixed(base, try+1)
			if try == maxSlugTries {
				a.Slug = suffixed(base, 0) // give up counting: a random suffix
			}
		}
	})
}

// suffixed returns base-n, or base-<random> for n == 0, within slug.MaxLen.
func suffixed(base string, n int) string {
	sfx := "-" + strconv.Itoa(n)
	if n == 0 {
		sfx = "-" + randomID()[:6]
	}
	if len(base)+len(sfx) > slug.MaxLen {
		base = base[:slug.MaxLen-len(sfx)]
	}
	return base + sfx
}

// idempotent runs serve under the request's Idempotency-Key, if any: the
// first request runs and its response is stored with its change; a retry
// with the same body gets that response again; the same key with another
// body is 422; a retry while the first still runs is 409 with Retry-After.
// A request that fails releases the key, unless its change committed after
// all (it answers what the change answered) or another request took the
// key over (409 with Retry-After). A key that is sent but empty is 400, not
// "no key": the client meant to be safe to retry. Keys are scoped to the
// caller. serve gets done, which makes the result record for a response.
func (h *Handler) idempotent(ctx context.Context, r *request, serve func(done func(apigw.Response) *portal.IdempotentResult) apigw.Response) apigw.Response {
	key, sent := header(r.Request, "Idempotency-Key")
	if !sent {
		return serve(func(apigw.Response) *portal.IdempotentResult { return nil })
	}
	if !validIdempotencyKey(key) {
		return h.fail(ctx, invalid("Idempotency-Key must be 1 to 128 characters of letters, digits, '-', '_', ':' or '.'."))
	}
	sum := sha256.Sum256([]byte(r.RouteKey + "\n" + r.PathParameters["id"] + "\n" + r.Body))
	hash := hex.EncodeToString(sum[:])
	replay, claim, err := h.store.BeginIdempotent(ctx, r.caller.Subject, key, hash, r.now)
	if err != nil {
		return h.failBusy(ctx, err)
	}
	if replay != nil {
		resp := stored(replay)
		resp.Headers["Idempotent-Replayed"] = "true"
		metrics.Add(ctx, metrics.IdempotentReplays, 1)
		return resp
	}
	resp := serve(func(resp apigw.Response) *portal.IdempotentResult {
		return &portal.IdempotentResult{Caller: r.caller.Subject, Key: key, RequestHash: hash, Claim: claim, Now: r.now,
			Response: portal.StoredResponse{Status: resp.StatusCode, Headers: resp.Headers, Body: resp.Body}}
	})
	if resp.StatusCode < 300 {
		return resp
	}
	// The request failed: free the key for a corrected retry — unless the
	// change did commit (a lost response whose retry ran again and failed
	// its own conditions: answer what the change answered), or another
	// request took the key over (409, retry to get its answer).
	// The release runs even when the request's budget has run out (which
	// may be why it failed): else the key would block retries for the
	// claim's whole lease.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTime)
	defer cancel()
	done, err := h.store.AbandonIdempotent(rctx, r.caller.Subject, key, claim)
	switch {
	case done != nil:
		return stored(done)
	case portal.ErrorCode(err) == portal.ECONFLICT:
		return h.failBusy(ctx, err)
	case err != nil:
		h.log.ErrorContext(ctx, "abandon idempotency key", "err", err)
	}
	return resp
}

// stored is the response a StoredResponse holds.
func stored(s *portal.StoredResponse) apigw.Response {
	resp := apigw.Response{StatusCode: s.Status, Headers: maps.Clone(s.Headers), Body: s.Body}
	if resp.Headers == nil {
		resp.Headers = map[string]string{}
	}
	return resp
}

// releaseTime bounds the release of a failed request's key, which may run
// after the request's budget (WRITE_BUDGET, 6 s by default) and must end
// within the admin function's timeout (15 s, template.yaml).
const releaseTime = 2 * time.Second

// retryBusyKey is the Retry-After of a 409 for a key that another request
// holds. A live request finishes in well under a second; one that died
// frees the key when its lease (at most 30 s) lapses, and a client that
// retries every second gets through then.
const retryBusyKey = "1"

// failBusy is fail for an idempotency error: a conflict means the key is
// busy, so that 409 carries Retry-After.
func (h *Handler) failBusy(ctx context.Context, err error) apigw.Response {
	resp := h.fail(ctx, err)
	if resp.StatusCode == http.StatusConflict {
		resp.Headers["Retry-After"] = retryBusyKey
	}
	return resp
}

// header returns the value of the request's header name and whether it was
// sent at all (apigw.Header answers "" for both absent and empty). Payload
// 2.0 lower-cases header names; other spellings are matched as well.
func header(req apigw.Request, name string) (string, bool) {
	if v, ok := req.Headers[strings.ToLower(name)]; ok {
		return v, true
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > 128 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.') {
			return false
		}
	}
	return true
}

// article reads the article of the request's {id}.
func (h *Handler) article(ctx context.Context, r *request) (*portal.Article, error) {
	id := r.PathParameters["id"]
	if !validID(id) {
		return nil, portal.Errorf(portal.ENOTFOUND, "Article not found.")
	}
	return h.store.ArticleByID(ctx, id)
}

func validID(id string) bool { return id != "" && len(id) <= 64 && slug.Valid(id) }

// getArticle serves GET /admin/articles/{id}: the working copy, any status.
func (h *Handler) getArticle(ctx context.Context, r *request) apigw.Response {
	a, err := h.article(ctx, r)
	if err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, a, map[string]string{"ETag": etag(a.Version)})
}

// listArticles serves GET
// /admin/articles?status=&category=&author=&limit=&cursor=: the editorial
// desk, last changed first, every status; author is part of the byline.
func (h *Handler) listArticles(ctx context.Context, r *request) apigw.Response {
	limit, err := apigw.Limit(r.Request)
	if err != nil {
		return h.fail(ctx, err)
	}
	q := portal.DeskQuery{Limit: limit, Cursor: r.QueryStringParameters["cursor"]}
	switch st := portal.Status(r.QueryStringParameters["status"]); st {
	case "", portal.StatusDraft, portal.StatusInReview, portal.StatusPublished, portal.StatusScheduled, portal.StatusArchived:
		q.Status = st
	default:
		return h.fail(ctx, invalid("status must be one of draft, in_review, published, scheduled, archived."))
	}
	if c := r.QueryStringParameters["category"]; c != "" {
		if !slug.Valid(c) {
			return h.fail(ctx, invalid("category must be a category id such as khoa-xix."))
		}
		q.Category = c
	}
	if a := r.QueryStringParameters["author"]; a != "" {
		if q.Author, err = text("author", a, articleinput.MaxByline, true); err != nil {
			return h.fail(ctx, err)
		}
	}
	items, next, err := h.store.Desk(ctx, q)
	if err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, apigw.NewPage(items, next), nil)
}

// updateArticle serves PUT /admin/articles/{id}: replaces the editable fields
// of the version named by If-Match (required; stale → 412).
func (h *Handler) updateArticle(ctx context.Context, r *request) apigw.Response {
	want, err := ifMatch(r.Request)
	if err != nil {
		return h.fail(ctx, err)
	}
	var in articleinput.Input
	if err := apigw.DecodeJSON(r.Request, &in); err != nil {
		return h.fail(ctx, err)
	}
	e, err := h.edit(ctx, &in, r.PathParameters["id"])
	if err != nil {
		return h.fail(ctx, err)
	}
	if in.Slug == "" {
		e.Slug = "" // keep the current slug unless the editor sets one
	}
	return h.change(ctx, r, "update", &want, nil, func(a *portal.Article) (*portal.Article, error) {
		if e.Slug == "" {
			e.Slug = a.Slug
		}
		return a.Apply(e, r.caller.Subject, r.now)
	})
}

// change applies fn to the request's article and saves the result. want is
// the version the required If-Match named (PUT, restore), or nil: a
// transition accepts If-Match but does not require it, the save being
// conditioned on the version read either way.
func (h *Handler) change(ctx context.Context, r *request, action string, want *int,
	done func(apigw.Response) *portal.IdempotentResult, fn func(*portal.Article) (*portal.Article, error)) apigw.Response {
	a, err := h.article(ctx, r)
	if err != nil {
		return h.fail(ctx, err)
	}
	if want != nil {
		err = sameVersion("article", a.Version, *want)
	} else {
		err = versionMatches(r, "article", a.Version)
	}
	if err != nil {
		return h.fail(ctx, err)
	}
	b, err := fn(a)
	if err != nil {
		return h.fail(ctx, err)
	}
	resp := h.ok(http.StatusOK, b, map[string]string{"ETag": etag(b.Version)})
	var idem *portal.IdempotentResult
	if done != nil {
		idem = done(resp)
	}
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{Before: a, After: b, Action: action, Actor: r.caller.Subject, Now: r.now, Idempotency: idem}); err != nil {
		return h.fail(ctx, err)
	}
	return resp
}

// submit serves POST /admin/articles/{id}/submit: draft → in_review.
func (h *Handler) submit(ctx context.Context, r *request) apigw.Response {
	if err := noBody(r.Request); err != nil {
		return h.fail(ctx, err)
	}
	return h.change(ctx, r, "submit", nil, nil, func(a *portal.Article) (*portal.Article, error) {
		return a.Submit(r.caller.Subject, r.now)
	})
}

type publishInput struct {
	PublishAt *time.Time `json:"publishAt"`
	ExpiresAt *time.Time `json:"expiresAt"`
}

// publish serves POST /admin/articles/{id}/publish: the current version goes
// public now, or at publishAt (scheduled); expiresAt sets when it leaves.
// An Idempotency-Key makes retries return the first response.
func (h *Handler) publish(ctx context.Context, r *request) apigw.Response {
	var in publishInput
	if r.Body != "" {
		if err := apigw.DecodeJSON(r.Request, &in); err != nil {
			return h.fail(ctx, err)
		}
	}
	return h.idempotent(ctx, r, func(done func(apigw.Response) *portal.IdempotentResult) apigw.Response {
		return h.change(ctx, r, "publish", nil, done, func(a *portal.Article) (*portal.Article, error) {
			b, err := a.Publish(in.PublishAt, in.ExpiresAt, r.caller.Subject, r.now)
			if err != nil {
				return nil, err
			}
			b.SourceDocument, err = articleinput.SourceDocument(ctx, h.store, b, r.now)
			return b, err
		})
	})
}

type rejectInput struct {
	Reason string `json:"reason"`
}

// reject serves POST /admin/articles/{id}/reject: in_review → draft, with
// the reviewer's reason (required).
func (h *Handler) reject(ctx context.Context, r *request) apigw.Response {
	var in rejectInput
	if err := apigw.DecodeJSON(r.Request, &in); err != nil {
		return h.fail(ctx, err)
	}
	reason, err := text("reason", in.Reason, maxReason, true)
	if err != nil {
		return h.fail(ctx, err)
	}
	return h.change(ctx, r, "reject", nil, nil, func(a *portal.Article) (*portal.Article, error) {
		return a.Reject(reason, r.caller.Subject, r.now)
	})
}

// unpublish serves POST /admin/articles/{id}/unpublish: out of public view,
// back to draft.
func (h *Handler) unpublish(ctx context.Context, r *request) apigw.Response {
	if err := noBody(r.Request); err != nil {
		return h.fail(ctx, err)
	}
	return h.change(ctx, r, "unpublish", nil, nil, func(a *portal.Article) (*portal.Article, error) {
		return a.Unpublish(r.caller.Subject, r.now)
	})
}

// archive serves POST /admin/articles/{id}/archive.
func (h *Handler) archive(ctx context.Context, r *request) apigw.Response {
	if err := noBody(r.Request); err != nil {
		return h.fail(ctx, err)
	}
	return h.change(ctx, r, "archive", nil, nil, func(a *portal.Article) (*portal.Article, error) {
		return a.Archive(r.caller.Subject, r.now)
	})
}

// deleteArticle serves DELETE /admin/articles/{id}: gone for good from every
// public route (204). If-Match, when sent, must name the current version.
// When the store cannot finish removing what the article leaves behind
// (revisions, counters) the answer is 503, and a repeated DELETE of the
// half-deleted article finishes the job (204) rather than answering 404.
func (h *Handler) deleteArticle(ctx context.Context, r *request) apigw.Response {
	a, err := h.article(ctx, r)
	if portal.ErrorCode(err) == portal.ENOTFOUND && validID(r.PathParameters["id"]) {
		switch ferr := h.store.FinishDeleteArticle(ctx, r.PathParameters["id"]); portal.ErrorCode(ferr) {
		case "":
			return noContent()
		case portal.ENOTFOUND: // no deletion pending: the article does not exist
		default:
			return h.fail(ctx, ferr)
		}
	}
	if err != nil {
		return h.fail(ctx, err)
	}
	if err := versionMatches(r, "article", a.Version); err != nil {
		return h.fail(ctx, err)
	}
	if err := h.store.DeleteArticle(ctx, a, r.caller.Subject, r.now); err != nil {
		return h.fail(ctx, err)
	}
	return noContent()
}

// revisionNumber reads {n}.
func revisionNumber(r *request) (int, error) {
	s := r.PathParameters["n"]
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || strconv.Itoa(n) != s {
		return 0, portal.Errorf(portal.ENOTFOUND, "Revision not found.")
	}
	return n, nil
}

// listRevisions serves GET /admin/articles/{id}/revisions: newest first.
func (h *Handler) listRevisions(ctx context.Context, r *request) apigw.Response {
	limit, err := apigw.Limit(r.Request)
	if err != nil {
		return h.fail(ctx, err)
	}
	id := r.PathParameters["id"]
	if !validID(id) {
		return h.fail(ctx, portal.Errorf(portal.ENOTFOUND, "Article not found."))
	}
	items, next, err := h.store.Revisions(ctx, id, limit, r.QueryStringParameters["cursor"])
	if err != nil {
		return h.fail(ctx, err)
	}
	if len(items) == 0 && r.QueryStringParameters["cursor"] == "" {
		return h.fail(ctx, portal.Errorf(portal.ENOTFOUND, "Article not found."))
	}
	return h.ok(http.StatusOK, apigw.NewPage(items, next), nil)
}

// getRevision serves GET /admin/articles/{id}/revisions/{n}.
func (h *Handler) getRevision(ctx context.Context, r *request) apigw.Response {
	n, err := revisionNumber(r)
	if err != nil {
		return h.fail(ctx, err)
	}
	id := r.PathParameters["id"]
	if !validID(id) {
		return h.fail(ctx, portal.Errorf(portal.ENOTFOUND, "Article not found."))
	}
	rev, err := h.store.Revision(ctx, id, n)
	if err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, rev, nil)
}

// restoreRevision serves POST /admin/articles/{id}/revisions/{n}/restore:
// revision n's content becomes a new version (If-Match required); history is
// never rewritten.
func (h *Handler) restoreRevision(ctx context.Context, r *request) apigw.Response {
	want, err := ifMatch(r.Request)
	if err != nil {
		return h.fail(ctx, err)
	}
	if err := noBody(r.Request); err != nil {
		return h.fail(ctx, err)
	}
	n, err := revisionNumber(r)
	if err != nil {
		return h.fail(ctx, err)
	}
	rev, err := h.store.Revision(ctx, r.PathParameters["id"], n)
	if err != nil {
		return h.fail(ctx, err)
	}
	return h.change(ctx, r, fmt.Sprintf("restore:%d", n), &want, nil, func(a *portal.Article) (*portal.Article, error) {
		e := rev.EditOf()
		e.Body = sanitize.HTML(e.Body) // today's policy, whatever the revision was saved under
		return a.Apply(e, r.caller.Subject, r.now)
	})
}
