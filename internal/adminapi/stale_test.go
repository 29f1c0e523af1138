package adminapi_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/internal/adminapi"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
)

// mustStaleEnv is mustEnv on a client whose eventually consistent reads and
// index queries lag (dynamotest.Stale).
func mustStaleEnv(t *testing.T) (*env, *dynamotest.Stale) {
	t.Helper()
	ts := tables.MustStore(t)
	stale := dynamotest.NewStale(ts.DB, ts.Table, tables.MustCreate(t, ts.DB))
	store := dynamo.New(stale, ts.Table, ts.Cursors)
	if _, err := demo.Load(context.Background(), store, now); err != nil {
		t.Fatal(err)
	}
	clock := now
	e := &env{store: store, db: ts.DB, table: ts.Table, clock: &clock}
	e.admin = adminapi.New(store, adminapi.WithClock(func() time.Time { return *e.clock }))
	return e, stale
}

// TestCategoryDeleteWithLaggingReads: an editor files an article under a
// new category; the admin's delete of that category reads lists that do
// not show the article yet. The delete must still be refused (409) and the
// category kept: the article is counted on the category by the save's own
// transaction, and the delete's condition reads that count.
func TestCategoryDeleteWithLaggingReads(t *testing.T) {
	e, stale := mustStaleEnv(t)
	if resp, _ := e.do(t, call{role: "admin", method: "POST", route: "/admin/categories", body: `{"name":"Chuyên mục mới"}`}); resp.StatusCode != 201 {
		t.Fatalf("create category = %d %s", resp.StatusCode, resp.Body)
	}
	stale.Freeze(t) // reads that may lag now see the table as it was
	id, _ := e.create(t, `{"title":"Bài trong chuyên mục mới","categories":["chuyen-muc-moi"]}`)
	del := call{role: "admin", method: "DELETE", route: "/admin/categories/{id}", params: map[string]string{"id": "chuyen-muc-moi"}}
	if resp, b := e.do(t, del); resp.StatusCode != 409 || apigwtest.ErrorCode(b) != "conflict" {
		t.Errorf("delete of a category an article was just filed under = %d %s; want 409", resp.StatusCode, resp.Body)
	}
	stale.Thaw()
	cats, err := e.store.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cats {
		found = found || c.ID == "chuyen-muc-moi"
	}
	if !found {
		t.Errorf("the category of article %s was deleted under it", id)
	}

	// Once the article leaves it, the category can go.
	resp, _ := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles/{id}", params: map[string]string{"id": id}})
	tag := resp.Headers["ETag"]
	if resp, _ := e.do(t, call{role: "editor", method: "PUT", route: "/admin/articles/{id}", params: map[string]string{"id": id},
		body: `{"title":"Bài trong chuyên mục mới","categories":["tin-tuc-su-kien"]}`, headers: ifMatch(tag)}); resp.StatusCode != 200 {
		t.Fatalf("move the article = %d %s", resp.StatusCode, resp.Body)
	}
	if resp, _ := e.do(t, del); resp.StatusCode != 204 {
		t.Errorf("delete of the emptied category = %d %s; want 204", resp.StatusCode, resp.Body)
	}
}

// TestPollEditWithLaggingReads: a vote lands, and the admin's edit of
// maxChoices reads a tally that does not show it yet. The edit must be
// refused by its own transaction (409), not slip through.
func TestPollEditWithLaggingReads(t *testing.T) {
	e, stale := mustStaleEnv(t)
	const id = "danh-gia-cong-thong-tin"
	stale.Freeze(t)
	snap, err := e.store.Poll(context.Background(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.Vote(context.Background(), portal.Ballot{Poll: snap.Poll, Choices: []string{snap.Poll.Options[0].ID},
		TokenHash: "t", NetworkHash: "n", Now: now}); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"question": snap.Poll.Question, "options": snap.Poll.Options, "maxChoices": 2})
	resp, b := e.do(t, call{role: "admin", method: "PUT", route: "/admin/polls/{id}", params: map[string]string{"id": id},
		body: string(body), headers: ifMatch(`"1"`)})
	if resp.StatusCode != 409 {
		t.Errorf("maxChoices edit after an unseen vote = %d %s (%s); want 409", resp.StatusCode, resp.Body, apigwtest.ErrorCode(b))
	}
	stale.Thaw()
	if snap, err := e.store.Poll(context.Background(), id, ""); err != nil || snap.Poll.MaxChoices != 1 || snap.Poll.Version != 1 {
		t.Errorf("poll after the refused edit = %+v, %v; want unchanged", snap.Poll, err)
	}
}
