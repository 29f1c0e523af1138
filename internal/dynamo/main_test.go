package dynamo_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/infra/ddblocal"
	"eportal/infra/tables"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

// harness is a fresh table with a store on it and a counter of the store's
// DynamoDB calls.
type harness struct {
	store   *dynamo.Store
	db      *dynamodb.Client
	table   string
	calls   *dynamotest.CallCounter
	cursors *cursor.Codec
}

func mustHarness(t *testing.T) *harness {
	t.Helper()
	calls := &dynamotest.CallCounter{}
	ts := tables.MustStore(t, calls.Option())
	calls.Reset()
	return &harness{store: ts.Store, db: ts.DB, table: ts.Table, calls: calls, cursors: ts.Cursors}
}

var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := now.Add(d); return &t }

// article returns a published article with the given id, published d before now.
func article(id string, ago time.Duration, cats ...string) *portal.Article {
	return &portal.Article{
		ID: id, Slug: "bai-" + id, Title: "Bài " + id, Summary: "Tóm tắt " + id, Body: "<p>Nội dung</p>",
		Categories: cats, Author: "Tác giả", Source: "Nguồn",
		Status: portal.StatusPublished, PublishAt: at(-ago),
		CreatedAt: now.Add(-ago), UpdatedAt: now.Add(-ago), Version: 1, Views: 7,
	}
}

func (h *harness) mustCreate(t *testing.T, arts ...*portal.Article) {
	t.Helper()
	for _, a := range arts {
		for _, c := range a.Categories { // an article is filed under categories that exist
			if err := h.store.PutCategory(context.Background(), portal.Category{ID: c, Slug: c, Name: c}); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.store.CreateArticle(context.Background(), a, "tester", now); err != nil {
			t.Fatalf("CreateArticle(%s): %v", a.ID, err)
		}
	}
}

// mustPutRaw writes an item as is, for states the write path never makes
// (defence in depth of the read path).
func (h *harness) mustPutRaw(t *testing.T, item map[string]any) {
	t.Helper()
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &h.table, Item: av}); err != nil {
		t.Fatal(err)
	}
}

// walk lists every page of a query and returns the ids in order.
func (h *harness) walk(t *testing.T, category string, limit int) []string {
	t.Helper()
	var ids []string
	q := portal.ArticleQuery{Category: category, Limit: limit, Now: now}
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("cursor walk does not end")
		}
		page, err := h.store.ListArticles(context.Background(), q)
		if err != nil {
			t.Fatalf("ListArticles(%+v): %v", q, err)
		}
		if len(page.Items) > limit {
			t.Fatalf("page has %d items; limit %d", len(page.Items), limit)
		}
		for _, a := range page.Items {
			ids = append(ids, a.ID)
		}
		if page.NextCursor == "" {
			return ids
		}
		q.Cursor = page.NextCursor
	}
}
