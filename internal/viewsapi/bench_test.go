package viewsapi_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/viewsapi"
)

// BenchmarkBeacon measures the beacon in process against DynamoDB Local, at
// 4 goroutines per core: "counted" sends a new visitor each time (every
// beacon writes a marker and a shard), "repeat" one visitor again and again
// (the instance's memory answers). It reports beacons per second, and the
// DynamoDB calls and write units per beacon (ReturnConsumedCapacity),
// roll-ups included. docs/performance.md records a run.
func BenchmarkBeacon(b *testing.B) {
	for _, tt := range []struct {
		name     string
		distinct bool
	}{{"counted", true}, {"repeat", false}} {
		b.Run(tt.name, func(b *testing.B) {
			h := mustHarness(b)
			// The real clock: roll-ups happen once a minute, as deployed.
			fn := viewsapi.New(h.store, viewsapi.WithConfig(viewsapi.Config{Shards: 8}))
			send(b, fn, beacon(b, sampleSlug, 0)) // the day's key and the first roll-up
			h.calls.Reset()
			h.units.Reset()
			var n, counted atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := 1
					if tt.distinct {
						i = int(n.Add(1))
					}
					r := send(b, fn, beacon(b, sampleSlug, i))
					if r.status != 200 {
						b.Errorf("status %d", r.status)
						return
					}
					if r.counted {
						counted.Add(1)
					}
				}
			})
			elapsed := time.Since(start)
			b.StopTimer()
			u := h.units.Units()
			writes := u["PutItem"] + u["UpdateItem"] + u["DeleteItem"] + u["BatchWriteItem"]
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "beacons/s")
			b.ReportMetric(float64(h.calls.Total())/float64(b.N), "calls/op")
			b.ReportMetric(writes/float64(b.N), "WCU/op")
			b.ReportMetric(float64(counted.Load())/float64(b.N), "counted/op")
		})
	}
}

// BenchmarkRawWrites is the floor BenchmarkBeacon/counted stands on: the
// same two writes per view (an unconditional PutItem of a new key and an
// ADD on one of 8 items) straight from the SDK, same concurrency.
func BenchmarkRawWrites(b *testing.B) {
	h := mustHarness(b)
	var n atomic.Int64
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := h.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &h.table,
				Item: map[string]types.AttributeValue{"PK": s(fmt.Sprintf("RAW#%d", i)), "SK": s("RAW")}})
			if err == nil {
				_, err = h.db.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: &h.table,
					Key:                       map[string]types.AttributeValue{"PK": s(fmt.Sprintf("RAWC#%d", i%8)), "SK": s("RAW")},
					UpdateExpression:          aws.String("ADD n :one"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}}})
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "views/s")
}
