package readapi

import (
	"context"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
)

type popularJSON struct {
	Period portal.Period `json:"period"`
	From   string        `json:"from"` // the period's first instant, Vietnam midnight (RFC 3339, +07:00)
	To     string        `json:"to"`   // the next period's first instant
	Items  []popularItem `json:"items"`
}

type popularItem struct {
	articleJSON
	PeriodViews int64 `json:"periodViews"` // views counted in the period (as of the article's last roll-up)
}

// popular serves GET /articles/popular?period=day|week|month&limit=: the
// visible articles most read in the current Vietnam day, week (from Monday)
// or month, most views first. period defaults to day; limit is 1–100,
// default 20. No cursor: a ranking is read whole.
func (h *Handler) popular(ctx context.Context, req apigw.Request) apigw.Response {
	limit, err := apigw.Limit(req)
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	period := portal.PeriodDay
	if s, ok := req.QueryStringParameters["period"]; ok {
		if period, err = portal.ParsePeriod(s); err != nil {
			return apigw.Error(ctx, h.log, err, apigw.NoStore)
		}
	}
	now := h.now()
	arts, err := h.store.Popular(ctx, period, limit, now)
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	w := portal.WindowAt(period, now)
	out := popularJSON{
		Period: period,
		From:   w.From.Format(time.RFC3339),
		To:     w.To.Format(time.RFC3339),
		Items:  make([]popularItem, len(arts)),
	}
	for i := range arts {
		out.Items[i] = popularItem{toJSON(&arts[i], false), arts[i].Views}
	}
	return apigw.Cached(req, out, listCache)
}
