package dynamotest

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/dynamo"
)

// Unprocessed wraps the real client under a store and makes its batch calls
// behave as AWS's do under throttling: of each BatchGetItem or
// BatchWriteItem, the last Leave(call, n) of its n items are not sent to the
// table but handed back as unprocessed (UnprocessedKeys, UnprocessedItems).
// call counts the batch calls made through the wrapper, from 1. DynamoDB
// Local itself never leaves anything unprocessed. It is safe for concurrent
// use; Leave may be changed between calls with SetLeave.
type Unprocessed struct {
	dynamo.API
	mu    sync.Mutex
	leave func(call, n int) int
	calls int
}

// NewUnprocessed returns db wrapped with leave (nil leaves nothing).
func NewUnprocessed(db dynamo.API, leave func(call, n int) int) *Unprocessed {
	return &Unprocessed{API: db, leave: leave}
}

// FirstCalls leaves every item of the first k batch calls unprocessed, then
// none: a burst of throttling that a few retries ride out.
func FirstCalls(k int) func(call, n int) int {
	return func(call, n int) int {
		if call <= k {
			return n
		}
		return 0
	}
}

// EveryCall leaves one item of every batch call unprocessed: throttling that
// outlasts any number of retries.
func EveryCall(call, n int) int { return min(n, 1) }

// NeverProcessed leaves every item of every batch call unprocessed: a table
// that takes no batch work at all.
func NeverProcessed(call, n int) int { return n }

// SetLeave replaces the policy and restarts the call count.
func (u *Unprocessed) SetLeave(leave func(call, n int) int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.leave, u.calls = leave, 0
}

// Calls returns the number of batch calls made so far.
func (u *Unprocessed) Calls() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.calls
}

// split returns how many of n items to send on.
func (u *Unprocessed) split(n int) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls++
	if u.leave == nil {
		return n
	}
	return n - min(max(u.leave(u.calls, n), 0), n)
}

// BatchGetItem sends the first keys of each table's request on and returns
// the rest as UnprocessedKeys.
func (u *Unprocessed) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	out := &dynamodb.BatchGetItemOutput{
		Responses:       map[string][]map[string]types.AttributeValue{},
		UnprocessedKeys: map[string]types.KeysAndAttributes{},
	}
	send := map[string]types.KeysAndAttributes{}
	for table, ka := range in.RequestItems {
		k := u.split(len(ka.Keys))
		if k < len(ka.Keys) {
			rest := ka
			rest.Keys = ka.Keys[k:]
			out.UnprocessedKeys[table] = rest
		}
		if k > 0 {
			part := ka
			part.Keys = ka.Keys[:k]
			send[table] = part
		}
	}
	if len(send) == 0 {
		return out, nil
	}
	cp := *in
	cp.RequestItems = send
	res, err := u.API.BatchGetItem(ctx, &cp, optFns...)
	if err != nil {
		return nil, err
	}
	for table, items := range res.Responses {
		out.Responses[table] = append(out.Responses[table], items...)
	}
	for table, ka := range res.UnprocessedKeys {
		rest := out.UnprocessedKeys[table]
		rest.Keys = append(ka.Keys, rest.Keys...)
		rest.ProjectionExpression, rest.ExpressionAttributeNames = ka.ProjectionExpression, ka.ExpressionAttributeNames
		out.UnprocessedKeys[table] = rest
	}
	out.ConsumedCapacity = res.ConsumedCapacity
	return out, nil
}

// BatchWriteItem sends the first requests of each table on and returns the
// rest as UnprocessedItems.
func (u *Unprocessed) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	out := &dynamodb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{}}
	send := map[string][]types.WriteRequest{}
	for table, reqs := range in.RequestItems {
		k := u.split(len(reqs))
		if k < len(reqs) {
			out.UnprocessedItems[table] = reqs[k:]
		}
		if k > 0 {
			send[table] = reqs[:k]
		}
	}
	if len(send) == 0 {
		return out, nil
	}
	cp := *in
	cp.RequestItems = send
	res, err := u.API.BatchWriteItem(ctx, &cp, optFns...)
	if err != nil {
		return nil, err
	}
	for table, reqs := range res.UnprocessedItems {
		out.UnprocessedItems[table] = append(reqs, out.UnprocessedItems[table]...)
	}
	out.ConsumedCapacity = res.ConsumedCapacity
	return out, nil
}
