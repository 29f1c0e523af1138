package adminapi

import (
	"context"
	"net/http"
	"strings"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/slug"
)

var entityTypes = map[string]bool{"article": true, "category": true, "link": true, "poll": true}

// listAudit serves GET /admin/audit?entity=<type>:<id>&actor=&limit=&cursor=:
// the audit log, newest first.
func (h *Handler) listAudit(ctx context.Context, r *request) apigw.Response {
	limit, err := apigw.Limit(r.Request)
	if err != nil {
		return h.fail(ctx, err)
	}
	q := portal.AuditQuery{Limit: limit, Cursor: r.QueryStringParameters["cursor"], Actor: r.QueryStringParameters["actor"]}
	if len(q.Actor) > 128 || strings.ContainsAny(q.Actor, "#\x00") {
		return h.fail(ctx, invalid("actor is not a user id."))
	}
	if e := r.QueryStringParameters["entity"]; e != "" {
		typ, id, ok := strings.Cut(e, ":")
		if !ok || !entityTypes[typ] || !slug.Valid(id) {
			return h.fail(ctx, invalid("entity must be <type>:<id>, type one of article, category, link, poll."))
		}
		q.EntityType, q.EntityID = typ, id
	}
	items, next, err := h.store.Audit(ctx, q)
	if err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, apigw.NewPage(items, next), nil)
}
