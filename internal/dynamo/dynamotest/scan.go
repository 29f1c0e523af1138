package dynamotest

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Keys scans table (a test's own, small) and returns "PK|SK" of every item
// whose partition key keep accepts, sorted: what a test checks was written,
// or left behind.
func Keys(tb testing.TB, db *dynamodb.Client, table string, keep func(pk string) bool) []string {
	tb.Helper()
	var out []string
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: &table, ProjectionExpression: ptr("PK, SK")})
	for p.HasMorePages() {
		page, err := p.NextPage(tb.Context())
		if err != nil {
			tb.Fatalf("scan %s: %v", table, err)
		}
		for _, item := range page.Items {
			pk, _ := item["PK"].(*types.AttributeValueMemberS)
			sk, _ := item["SK"].(*types.AttributeValueMemberS)
			if pk != nil && sk != nil && keep(pk.Value) {
				out = append(out, pk.Value+"|"+sk.Value)
			}
		}
	}
	slices.Sort(out)
	return out
}

func ptr(s string) *string { return &s }

// SweepExpired deletes every item of table whose TTL attribute ttl (epoch
// seconds) is before at, and returns their "PK|SK": what AWS may have done
// by then (it deletes expired items at some moment after their TTL, often
// within days; DynamoDB Local never does). Code that still needs an item
// after its TTL is wrong; a test sweeps to prove no code does.
func SweepExpired(tb testing.TB, db *dynamodb.Client, table string, at time.Time) []string {
	tb.Helper()
	var gone []string
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: &table})
	for p.HasMorePages() {
		page, err := p.NextPage(tb.Context())
		if err != nil {
			tb.Fatalf("scan %s: %v", table, err)
		}
		for _, item := range page.Items {
			n, ok := item["ttl"].(*types.AttributeValueMemberN)
			if !ok {
				continue
			}
			ttl, err := strconv.ParseInt(n.Value, 10, 64)
			if err != nil || ttl >= at.Unix() {
				continue
			}
			k := map[string]types.AttributeValue{"PK": item["PK"], "SK": item["SK"]}
			if _, err := db.DeleteItem(tb.Context(), &dynamodb.DeleteItemInput{TableName: &table, Key: k}); err != nil {
				tb.Fatalf("sweep: %v", err)
			}
			gone = append(gone, item["PK"].(*types.AttributeValueMemberS).Value+"|"+item["SK"].(*types.AttributeValueMemberS).Value)
		}
	}
	slices.Sort(gone)
	return gone
}
