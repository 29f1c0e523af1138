package dynamo_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"eportal/infra/ddblocal"
	"eportal/infra/tables"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
	"eportal/internal/portal"
)

// capacityMeter asks DynamoDB for ReturnConsumedCapacity TOTAL on every
// TransactWriteItems and BatchGetItem the store makes, and keeps the units of
// the last one of each.
type capacityMeter struct {
	mu    sync.Mutex
	units map[string]float64
}

func (m *capacityMeter) option() func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("capacityMeter",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					switch p := in.Parameters.(type) {
					case *dynamodb.TransactWriteItemsInput:
						p.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
					case *dynamodb.BatchGetItemInput:
						p.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
					}
					out, md, err := next.HandleInitialize(ctx, in)
					var cc []types.ConsumedCapacity
					switch r := out.Result.(type) {
					case *dynamodb.TransactWriteItemsOutput:
						cc = r.ConsumedCapacity
					case *dynamodb.BatchGetItemOutput:
						cc = r.ConsumedCapacity
					}
					if len(cc) > 0 {
						total := 0.0
						for _, c := range cc {
							if c.CapacityUnits != nil {
								total += *c.CapacityUnits
							}
						}
						m.mu.Lock()
						m.units[middleware.GetOperationName(ctx)] = total
						m.mu.Unlock()
					}
					return out, md, err
				}), middleware.After)
		})
	}
}

// BenchmarkVoteUnits reports the write request units of one counted vote
// (its one TransactWriteItems) per dedupe policy, and the read units of the
// poll read (BatchGetItem of definition, address key, shards and the
// voter's marker), from DynamoDB's ReturnConsumedCapacity.
func BenchmarkVoteUnits(b *testing.B) {
	m := &capacityMeter{units: map[string]float64{}}
	db, err := ddblocal.NewClient(context.Background(), os.Getenv("DYNAMODB_ENDPOINT"), m.option())
	if err != nil {
		b.Fatal(err)
	}
	table := tables.MustCreate(b, db)
	codec, _ := cursor.New([]byte("bench secret, bench secret, 32 b"))
	store := dynamo.New(db, table, codec)
	var seq atomic.Int64 // every ballot a new voter, across the benchmark's reruns
	for _, dedupe := range []string{portal.DedupeToken, portal.DedupeIP, portal.DedupeBoth} {
		p := testPoll("bench-"+dedupe, dedupe)
		p.VotesPerAddress = portal.MaxVotesPerAddress
		if err := store.CreatePoll(context.Background(), p); err != nil {
			b.Fatal(err)
		}
		b.Run("vote-"+dedupe, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				n := seq.Add(1)
				bal := ballot(p, fmt.Sprintf("tok-%d", n), fmt.Sprintf("addr-%d", n), "net", "o1")
				if err := store.Vote(context.Background(), bal); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(m.units["TransactWriteItems"], "WRU/vote")
		})
		b.Run("read-"+dedupe, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := store.Poll(context.Background(), p.ID, "tok-1"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(m.units["BatchGetItem"], "RRU/read")
		})
	}
}
