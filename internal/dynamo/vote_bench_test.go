package dynamo_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"eportal/infra/tables"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
)

// BenchmarkVoteUnits reports the write request units of one counted vote
// (its one TransactWriteItems) per dedupe policy, and the read units of the
// poll read (BatchGetItem of definition, address key, shards and the
// voter's marker), from DynamoDB's ReturnConsumedCapacity.
func BenchmarkVoteUnits(b *testing.B) {
	m := &dynamotest.CapacityMeter{}
	store := tables.MustStore(b, m.Option()).Store
	var seq atomic.Int64 // every ballot a new voter, across the benchmark's reruns
	for _, dedupe := range []string{portal.DedupeToken, portal.DedupeIP, portal.DedupeBoth} {
		p := testPoll("bench-"+dedupe, dedupe)
		p.VotesPerAddress = portal.MaxVotesPerAddress
		if err := store.CreatePoll(context.Background(), p); err != nil {
			b.Fatal(err)
		}
		b.Run("vote-"+dedupe, func(b *testing.B) {
			m.Reset()
			for i := 0; i < b.N; i++ {
				n := seq.Add(1)
				bal := ballot(p, fmt.Sprintf("tok-%d", n), fmt.Sprintf("addr-%d", n), "net", "o1")
				if err := store.Vote(context.Background(), bal); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(m.Units()["TransactWriteItems"]/float64(b.N), "WRU/vote")
		})
		b.Run("read-"+dedupe, func(b *testing.B) {
			m.Reset()
			for i := 0; i < b.N; i++ {
				if _, err := store.Poll(context.Background(), p.ID, "tok-1"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(m.Units()["BatchGetItem"]/float64(b.N), "RRU/read")
		})
	}
}
