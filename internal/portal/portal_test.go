package portal_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"eportal/internal/portal"
)

func TestDisplayTime(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"sample article", "2020-11-17T07:20:00Z", "14:20 | 17/11/2020"},
		{"given with offset", "2020-11-17T14:20:00+07:00", "14:20 | 17/11/2020"},
		{"crosses midnight in Vietnam", "2026-11-25T17:30:00Z", "00:30 | 26/11/2026"},
		{"just before Vietnam midnight", "2026-11-25T16:59:59Z", "23:59 | 25/11/2026"},
		{"single-digit day and month", "2021-01-04T01:05:00Z", "08:05 | 04/01/2021"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := time.Parse(time.RFC3339, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := portal.DisplayTime(in); got != tt.want {
				t.Errorf("DisplayTime(%s) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestVisible(t *testing.T) {
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	tests := []struct {
		name      string
		status    portal.Status
		publishAt *time.Time
		expiresAt *time.Time
		want      bool
	}{
		{"published", portal.StatusPublished, &past, nil, true},
		{"published exactly now", portal.StatusPublished, &now, nil, true},
		{"published without a time", portal.StatusPublished, nil, nil, false},
		{"published in the future", portal.StatusPublished, &future, nil, false},
		{"scheduled and due", portal.StatusScheduled, &past, nil, true},
		{"scheduled for later", portal.StatusScheduled, &future, nil, false},
		{"expires later", portal.StatusPublished, &past, &future, true},
		{"expired", portal.StatusPublished, &past, &past, false},
		{"expires exactly now", portal.StatusPublished, &past, &now, false},
		{"draft", portal.StatusDraft, &past, nil, false},
		{"in review", portal.StatusInReview, &past, nil, false},
		{"archived", portal.StatusArchived, &past, nil, false},
		{"unknown status", portal.Status("Published"), &past, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := portal.Article{Status: tt.status, PublishAt: tt.publishAt, ExpiresAt: tt.expiresAt}
			if got := a.VisibleAt(now); got != tt.want {
				t.Errorf("VisibleAt = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	notFound := &portal.Error{Code: portal.ENOTFOUND, Op: "dynamo.Get", Err: errors.New("no item")}
	wrapped := fmt.Errorf("get article: %w", notFound)
	internal := &portal.Error{Code: portal.EINTERNAL, Message: "secret table name leaked", Err: errors.New("boom")}
	tests := []struct {
		name     string
		err      error
		wantCode string
		wantMsg  string
	}{
		{"nil", nil, "", ""},
		{"plain error", errors.New("connection reset"), portal.EINTERNAL, "Internal error."},
		{"wrapped not found", wrapped, portal.ENOTFOUND, "Not found."},
		{"invalid with message", portal.Errorf(portal.EINVALID, "limit must be 1–100"), portal.EINVALID, "limit must be 1–100"},
		{"internal message hidden", internal, portal.EINTERNAL, "Internal error."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := portal.ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode = %q; want %q", got, tt.wantCode)
			}
			if got := portal.ErrorMessage(tt.err); got != tt.wantMsg {
				t.Errorf("ErrorMessage = %q; want %q", got, tt.wantMsg)
			}
		})
	}
}

func TestTree(t *testing.T) {
	cats := []portal.Category{
		{ID: "tin-tuc", Name: "Tin tức", Position: 1},
		{ID: "dang", Name: "Đảng", Position: 2},
		{ID: "khoa-ix", Name: "Khóa IX", ParentID: "dang", Position: 1},
		{ID: "khoa-x", Name: "Khóa X", ParentID: "dang", Position: 2},
		{ID: "orphan", Name: "Mồ côi", ParentID: "gone"},
		{ID: "loop-a", ParentID: "loop-b"},
		{ID: "loop-b", ParentID: "loop-a"},
	}
	roots := portal.Tree(cats)
	var got []string
	var walk func(prefix string, ns []*portal.CategoryNode)
	walk = func(prefix string, ns []*portal.CategoryNode) {
		for _, n := range ns {
			got = append(got, prefix+n.ID)
			walk(prefix+n.ID+"/", n.Children)
		}
	}
	walk("", roots)
	want := []string{"tin-tuc", "dang", "dang/khoa-ix", "dang/khoa-x", "orphan"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Tree = %v; want %v", got, want)
	}
}
