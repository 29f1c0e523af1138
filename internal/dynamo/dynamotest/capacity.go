package dynamotest

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// CapacityMeter asks DynamoDB for the capacity every call consumes
// (ReturnConsumedCapacity TOTAL, which includes index writes) and adds it up
// by operation. Tests and benchmarks use it to measure what a request costs
// in read and write units; DynamoDB Local computes units as AWS does for
// on-demand tables. A call that fails (a failed condition, say) reports
// nothing, though AWS charges it: docs/performance.md says what. It is safe
// for concurrent use.
type CapacityMeter struct {
	mu    sync.Mutex
	units map[string]float64
}

// Option returns a client option that makes the client report to m.
func (m *CapacityMeter) Option() func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("eportalCapacityMeter",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					total := types.ReturnConsumedCapacityTotal
					switch p := in.Parameters.(type) {
					case *dynamodb.GetItemInput:
						p.ReturnConsumedCapacity = total
					case *dynamodb.PutItemInput:
						p.ReturnConsumedCapacity = total
					case *dynamodb.UpdateItemInput:
						p.ReturnConsumedCapacity = total
					case *dynamodb.DeleteItemInput:
						p.ReturnConsumedCapacity = total
					case *dynamodb.QueryInput:
						p.ReturnConsumedCapacity = total
					case *dynamodb.BatchGetItemInput:
						p.ReturnConsumedCapacity = total
					case *dynamodb.BatchWriteItemInput:
						p.ReturnConsumedCapacity = total
					case *dynamodb.TransactWriteItemsInput:
						p.ReturnConsumedCapacity = total
					}
					out, md, err := next.HandleInitialize(ctx, in)
					var cc []types.ConsumedCapacity
					switch r := out.Result.(type) {
					case *dynamodb.GetItemOutput:
						cc = one(r.ConsumedCapacity)
					case *dynamodb.PutItemOutput:
						cc = one(r.ConsumedCapacity)
					case *dynamodb.UpdateItemOutput:
						cc = one(r.ConsumedCapacity)
					case *dynamodb.DeleteItemOutput:
						cc = one(r.ConsumedCapacity)
					case *dynamodb.QueryOutput:
						cc = one(r.ConsumedCapacity)
					case *dynamodb.BatchGetItemOutput:
						cc = r.ConsumedCapacity
					case *dynamodb.BatchWriteItemOutput:
						cc = r.ConsumedCapacity
					case *dynamodb.TransactWriteItemsOutput:
						cc = r.ConsumedCapacity
					}
					m.add(middleware.GetOperationName(ctx), cc)
					return out, md, err
				}), middleware.After)
		})
	}
}

func one(c *types.ConsumedCapacity) []types.ConsumedCapacity {
	if c == nil {
		return nil
	}
	return []types.ConsumedCapacity{*c}
}

func (m *CapacityMeter) add(op string, cc []types.ConsumedCapacity) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.units == nil {
		m.units = map[string]float64{}
	}
	for _, c := range cc {
		if c.CapacityUnits != nil {
			m.units[op] += *c.CapacityUnits
		}
	}
}

// Units returns a copy of the units consumed so far, by operation name.
func (m *CapacityMeter) Units() map[string]float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]float64, len(m.units))
	for k, v := range m.units {
		out[k] = v
	}
	return out
}

// Reset sets every sum to zero.
func (m *CapacityMeter) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.units = nil
}
