package dynamo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// Batch calls. DynamoDB may process only part of a BatchGetItem or
// BatchWriteItem and hand the rest back as unprocessed (under throttling, or
// when a response would exceed 16 MB); DynamoDB Local never does. Every
// batch call of the store goes through batchGet or batchWrite, which repeat
// the unprocessed part with jittered, context-aware backoff and, if some is
// still unprocessed after batchAttempts calls, report EUNAVAILABLE: the
// caller answers 503 and the client retries. Nothing is ever reported as
// done that was not.
const (
	batchAttempts = 5   // calls per chunk: the first and up to four repeats (backoff ≤ 25+50+100+200 ms)
	batchGetMax   = 100 // keys per BatchGetItem
	batchWriteMax = 25  // requests per BatchWriteItem
)

// errUnprocessed is the error of a batch that kept items unprocessed.
func errUnprocessed(what string, n int) error {
	return &portal.Error{Code: portal.EUNAVAILABLE, Message: "The service is busy; retry shortly.",
		Err: fmt.Errorf("%d %s left unprocessed after %d attempts", n, what, batchAttempts)}
}

// batchGet reads keys (any number, in chunks of 100), eventually consistent,
// projected to names when given. Keys with no item are simply absent from
// the result, whose order is not the keys' order.
func (s *Store) batchGet(ctx context.Context, keys []map[string]types.AttributeValue, names ...string) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	for start := 0; start < len(keys); start += batchGetMax {
		ka := types.KeysAndAttributes{Keys: keys[start:min(start+batchGetMax, len(keys))]}
		if len(names) > 0 {
			expr, m := projection(names...)
			ka.ProjectionExpression, ka.ExpressionAttributeNames = aws.String(expr), m
		}
		req := map[string]types.KeysAndAttributes{s.table: ka}
		for attempt := 1; ; attempt++ {
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, err
			}
			out = append(out, res.Responses[s.table]...)
			left := len(res.UnprocessedKeys[s.table].Keys)
			if left == 0 {
				break
			}
			if attempt == batchAttempts {
				return nil, errUnprocessed("keys", left)
			}
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return nil, err
			}
			req = res.UnprocessedKeys
		}
	}
	return out, nil
}

// batchWrite applies writes (puts and deletes, any number, in chunks of 25).
// Each write is applied once or, on error, maybe not at all; a write that
// was applied is never undone, so callers use it for idempotent writes only
// (puts of whole items, deletes).
func (s *Store) batchWrite(ctx context.Context, writes []types.WriteRequest) error {
	for start := 0; start < len(writes); start += batchWriteMax {
		req := map[string][]types.WriteRequest{s.table: writes[start:min(start+batchWriteMax, len(writes))]}
		for attempt := 1; ; attempt++ {
			res, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				return err
			}
			left := len(res.UnprocessedItems[s.table])
			if left == 0 {
				break
			}
			if attempt == batchAttempts {
				return errUnprocessed("writes", left)
			}
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return err
			}
			req = res.UnprocessedItems
		}
	}
	return nil
}

func deleteRequest(k map[string]types.AttributeValue) types.WriteRequest {
	return types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
}

// backoff is the jittered wait before repeat n (1-based): up to 25 ms,
// 50 ms, 100 ms….
func backoff(n int) time.Duration {
	ceiling := 25 * time.Millisecond << (n - 1)
	return time.Duration(randomInt(int(ceiling)) + 1)
}

// sleep waits for d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func randomInt(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0
	}
	return int(v.Int64())
}

// randomHex returns n random bytes as hex: nonces and claim tokens.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}
