package dynamotest

import (
	"slices"
	"testing"

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
