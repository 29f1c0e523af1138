package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/internal/portal"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

// TestReindex: content written without the indexer (no stream consumer
// here) is found after a reindex, and a second run changes nothing.
func TestReindex(t *testing.T) {
	st := tables.MustStore(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, st.Store, time.Now()); err != nil {
		t.Fatal(err)
	}
	q := portal.SearchQuery{Text: "tuyên truyền miệng", Limit: 5, Now: time.Now()}
	if page, err := st.Store.Search(ctx, q); err != nil || len(page.Items) != 0 {
		t.Fatalf("before: %+v, %v; want nothing indexed", page, err)
	}
	for range 2 {
		var out strings.Builder
		if err := run(ctx, []string{"-table", st.Table, "-endpoint", os.Getenv(ddblocal.EndpointEnv)}, &out); err != nil {
			t.Fatalf("run: %v\n%s", err, &out)
		}
		if !strings.Contains(out.String(), "reindex: 4 articles and documents indexed in ") {
			t.Errorf("output %q; want the count", &out)
		}
		if page, err := st.Store.Search(ctx, q); err != nil || len(page.Items) != 4 || page.Items[0].ID != "a7k2m9q4x1" {
			t.Errorf("after: %+v, %v; want the demo article and the three demo documents", page, err)
		}
	}
	if err := run(ctx, nil, &strings.Builder{}); err == nil {
		t.Errorf("run without -table: nil error")
	}
}
