package viewsapi_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/apigw/apigwtest"
	"eportal/internal/portal"
	"eportal/internal/readapi"
	"eportal/internal/viewsapi"
)

// TestMostRead counts views for a few articles around Vietnam midnight and
// reads the rankings the roll-ups leave, through the store and the read
// handler's GET /articles/popular.
func TestMostRead(t *testing.T) {
	h := mustHarness(t)
	// Thursday 26/11/2026, 09:00 in Vietnam.
	h.clock.t = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	now := h.clock.Now()
	publish := func(id string, expiresAt *time.Time) {
		at := now.Add(-24 * time.Hour)
		a := &portal.Article{ID: id, Slug: "bai-" + id, Title: "Bài " + id, Categories: []string{"tin-tuc-su-kien"},
			Status: portal.StatusPublished, PublishAt: &at, ExpiresAt: expiresAt, CreatedAt: at, UpdatedAt: at, Version: 1}
		if err := h.store.CreateArticle(context.Background(), a, "tester", now); err != nil {
			t.Fatal(err)
		}
	}
	expires := now.Add(time.Hour)
	for _, id := range []string{"pa", "pb", "pc", "ph"} {
		publish(id, nil)
	}
	publish("pe", &expires)

	fn := h.handler(viewsapi.Config{Shards: 3})
	visitor := 0
	views := func(id string, n int) {
		t.Helper()
		for i := 0; i < n; i++ {
			visitor++
			if r := send(t, fn, beacon(t, "bai-"+id, visitor)); !r.counted {
				t.Fatalf("view of %s not counted: %+v", id, r)
			}
		}
	}
	// A crawler's beacon counts nothing but rolls the count up when due.
	rollUp := func(ids ...string) {
		t.Helper()
		h.clock.Add(time.Minute)
		for _, id := range ids {
			ev := event(t, "count-view-crawler")
			ev.PathParameters["slug"] = "bai-" + id
			if r := send(t, fn, ev); r.status != 200 {
				t.Fatalf("crawler beacon for %s = %+v", id, r)
			}
		}
	}
	ranking := func(p portal.Period) []string {
		t.Helper()
		arts, err := h.store.Popular(context.Background(), p, 10, h.clock.Now())
		if err != nil {
			t.Fatalf("Popular(%s): %v", p, err)
		}
		var out []string
		for _, a := range arts {
			out = append(out, fmt.Sprintf("%s:%d", a.ID, a.Views))
		}
		return out
	}
	check := func(when string, p portal.Period, want ...string) {
		t.Helper()
		if got := ranking(p); !slices.Equal(got, want) {
			t.Errorf("%s, %s: most read = %v; want %v", when, p, got, want)
		}
	}

	views("pa", 3)
	views("pb", 2)
	views("pc", 1)
	views("ph", 10)
	views("pe", 20)
	rollUp("pa", "pb", "pc", "ph", "pe")
	// ph is unpublished by an editor: its published copy changes, its
	// most-read entries do not (the admin function does not know them).
	_, err := h.db.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: &h.table, Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "SLUG#bai-ph"}, "SK": &types.AttributeValueMemberS{Value: "SLUG"}},
		UpdateExpression:          strPtr("SET #s = :a"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":a": &types.AttributeValueMemberS{Value: "archived"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	check("09:01 Thursday", portal.PeriodDay, "pe:20", "pa:3", "pb:2", "pc:1")
	h.clock.Add(time.Hour) // pe expires at 10:00
	check("10:01 Thursday", portal.PeriodDay, "pa:3", "pb:2", "pc:1")

	// 23:59:00 in Vietnam: pb is read five more times and rolled up before
	// midnight.
	h.clock.t = time.Date(2026, 11, 26, 16, 58, 0, 0, time.UTC)
	views("pb", 5)
	rollUp("pb")
	check("23:59 Thursday", portal.PeriodDay, "pb:7", "pa:3", "pc:1")

	// 00:00:30 Friday in Vietnam (still Thursday in UTC): a new day.
	h.clock.t = time.Date(2026, 11, 26, 17, 0, 30, 0, time.UTC)
	check("00:00 Friday, before any view", portal.PeriodDay)
	views("pc", 2)
	rollUp("pc")
	check("00:01 Friday", portal.PeriodDay, "pc:2")
	check("00:01 Friday", portal.PeriodWeek, "pb:7", "pc:3", "pa:3")
	check("00:01 Friday", portal.PeriodMonth, "pb:7", "pc:3", "pa:3")

	// Monday 30/11 00:00:30 in Vietnam: a new week, still November.
	h.clock.t = time.Date(2026, 11, 29, 17, 0, 30, 0, time.UTC)
	views("pa", 1)
	rollUp("pa")
	check("Monday", portal.PeriodWeek, "pa:1")
	check("Monday", portal.PeriodMonth, "pb:7", "pa:4", "pc:3")

	// The read function's route: one Query and one BatchGetItem.
	read := readapi.New(h.store, readapi.WithClock(h.clock.Now))
	ev := apigwtest.Call{Method: "GET", Route: "/articles/popular", Params: map[string]string{},
		Query: map[string]string{"period": "month", "limit": "2"}}.Request(event(t, "count-view"))
	h.calls.Reset()
	var body struct {
		Period string `json:"period"`
		From   string `json:"from"`
		Items  []struct {
			Slug        string `json:"slug"`
			PeriodViews int64  `json:"periodViews"`
		} `json:"items"`
	}
	if resp, ok := apigwtest.Do(t, read, ev, &body); !ok || resp.StatusCode != 200 {
		t.Fatalf("GET /articles/popular = %d %s", resp.StatusCode, resp.Body)
	}
	got := fmt.Sprint(body.Period, body.From, body.Items)
	if want := "month2026-11-01T00:00:00+07:00[{bai-pb 7} {bai-pa 4}]"; got != want {
		t.Errorf("GET /articles/popular?period=month&limit=2 = %s; want %s", got, want)
	}
	if c := h.calls.Counts(); c["Query"] != 1 || c["BatchGetItem"] != 1 || h.calls.Total() != 2 {
		t.Errorf("calls = %v; want 1 Query and 1 BatchGetItem", c)
	}
}

func strPtr(s string) *string { return &s }
