package localserver_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/infra/ddblocal"
)

// BenchmarkWarmPath compares, at the same concurrency against the same
// DynamoDB Local, the local server's GET /articles/{slug} (HTTP, event
// building, handler, store, JSON, ETag) with a bare aws-sdk-go-v2 GetItem
// loop on the same item. SPEC §6 wants the first at ≥ 80% of the second's
// throughput: compare their ns/op (docs/performance.md records a run).
func BenchmarkWarmPath(b *testing.B) {
	const slug = "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"
	ts, table := mustServerTable(b)
	db, err := ddblocal.NewClient(context.Background(), os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		b.Fatal(err)
	}
	const parallelism = 4 // goroutines per GOMAXPROCS, the same for both

	b.Run("raw-GetItem", func(b *testing.B) {
		key := map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "SLUG#" + slug},
			"SK": &types.AttributeValueMemberS{Value: "SLUG"},
		}
		b.SetParallelism(parallelism)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				out, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &table, Key: key})
				if err != nil || out.Item == nil {
					b.Errorf("GetItem: %v", err)
					return
				}
			}
		})
	})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	b.Run("local-server-GET-article", func(b *testing.B) {
		benchGET(b, client, ts.URL+"/articles/"+slug, parallelism)
	})
	// The reader site's article page (issue 10's budget: at least 80% of the
	// JSON GET's requests/s at the same concurrency): the same read, plus
	// the sidebar from the instance cache and the template.
	b.Run("local-server-GET-article-page", func(b *testing.B) {
		benchGET(b, client, ts.URL+"/bai-viet/"+slug, parallelism)
	})
}

// benchGET GETs url from parallelism goroutines per GOMAXPROCS and reports
// requests/s and the p50 and p99 latencies beside ns/op.
func benchGET(b *testing.B, client *http.Client, url string, parallelism int) {
	var (
		mu  sync.Mutex
		all []time.Duration
	)
	b.SetParallelism(parallelism)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		defer func() { mu.Lock(); all = append(all, mine...); mu.Unlock() }()
		for pb.Next() {
			t0 := time.Now()
			resp, err := client.Get(url)
			if err != nil {
				b.Errorf("GET: %v", err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			mine = append(mine, time.Since(t0))
		}
	})
	elapsed := time.Since(start)
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkReadUnits reports the read request units DynamoDB charges for the
// read routes' calls on the demo content (ReturnConsumedCapacity), for the
// cost figures in docs/performance.md. DynamoDB Local computes them as AWS
// does for on-demand tables: 0.5 RRU per started 4 KB, eventually consistent.
func BenchmarkReadUnits(b *testing.B) {
	const slug = "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"
	_, table := mustServerTable(b)
	db, err := ddblocal.NewClient(context.Background(), os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		b.Fatal(err)
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	calls := map[string]func() (*types.ConsumedCapacity, error){
		"article-GetItem": func() (*types.ConsumedCapacity, error) {
			out, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &table,
				Key:                    map[string]types.AttributeValue{"PK": s("SLUG#" + slug), "SK": s("SLUG")},
				ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
			if err != nil {
				return nil, err
			}
			return out.ConsumedCapacity, nil
		},
		"list-Query": func() (*types.ConsumedCapacity, error) {
			idx, cond := "GSI1", "GSI1PK = :p"
			out, err := db.Query(context.Background(), &dynamodb.QueryInput{TableName: &table, IndexName: &idx,
				KeyConditionExpression:    &cond,
				ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("LIST#ALL")},
				ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal})
			if err != nil {
				return nil, err
			}
			return out.ConsumedCapacity, nil
		},
	}
	for name, call := range calls {
		b.Run(name, func(b *testing.B) {
			var units float64
			for i := 0; i < b.N; i++ {
				cc, err := call()
				if err != nil || cc == nil || cc.CapacityUnits == nil {
					b.Fatalf("%s: no consumed capacity: %v", name, err)
				}
				units = *cc.CapacityUnits
			}
			b.ReportMetric(units, "RRU/op")
		})
	}
}
