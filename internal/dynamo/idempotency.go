package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// Idempotency records live a day; an in-progress claim is a lease that a
// retry may take over once it lapses (the request that held it died).
const (
	idempotencyTTL   = 24 * time.Hour
	idempotencyLease = 30 * time.Second
)

type idempotencyItem struct {
	PK          string          `dynamodbav:"PK"`
	SK          string          `dynamodbav:"SK"`
	State       string          `dynamodbav:"state"`
	RequestHash string          `dynamodbav:"requestHash"`
	Claim       string          `dynamodbav:"claim,omitempty"`
	LeaseUntil  int64           `dynamodbav:"leaseUntil"`
	TTL         int64           `dynamodbav:"ttl"`
	Response    *storedResponse `dynamodbav:"response,omitempty"`
}

const (
	idemInProgress = "in_progress"
	idemDone       = "done"
)

var errIdemLost = &portal.Error{Code: portal.ECONFLICT, Message: "A request with this Idempotency-Key is already in progress."}

// storedResponse is the stored form of a portal.StoredResponse.
type storedResponse struct {
	Status  int               `dynamodbav:"status"`
	Headers map[string]string `dynamodbav:"headers"`
	Body    string            `dynamodbav:"body"`
}

func (r *storedResponse) stored() *portal.StoredResponse {
	return &portal.StoredResponse{Status: r.Status, Headers: r.Headers, Body: r.Body}
}

// addIdempotentResult adds to t the completion of r's claim: the record
// becomes done, holding the response, only while the claim is still r's.
func addIdempotentResult(t *tx, r *portal.IdempotentResult) error {
	it := idempotencyItem{
		PK: idempotencyPK(r.Caller, r.Key), SK: skIdempotency, State: idemDone, RequestHash: r.RequestHash,
		Claim:    r.Claim, // which request completed it: see AbandonIdempotent
		TTL:      r.Now.Add(idempotencyTTL).Unix(),
		Response: &storedResponse{Status: r.Response.Status, Headers: r.Response.Headers, Body: r.Response.Body},
	}
	return t.put(it, "#state = :inprogress AND claim = :claim",
		map[string]string{"#state": "state"},
		map[string]types.AttributeValue{":inprogress": sv(idemInProgress), ":claim": sv(r.Claim)}, errIdemLost)
}

// BeginIdempotent claims key for caller's request whose canonical form
// hashes to hash. When the claim is the caller's it returns a claim token:
// go ahead, and complete it with a portal.IdempotentResult in the change's
// transaction, or release it with AbandonIdempotent when the request fails
// (both only while the claim is still this one: a request that lost its
// lease cannot complete or release another's). It returns the stored
// response when the same request already completed.
//
// Errors: EUNPROCESS when the key was used for a different request; ECONFLICT
// when the same request is still in progress; EUNAVAILABLE when the table is
// throttling or unreachable.
func (s *Store) BeginIdempotent(ctx context.Context, caller, key, hash string, now time.Time) (*portal.StoredResponse, string, error) {
	const op = "dynamo.BeginIdempotent"
	claim := randomHex(12)
	it := idempotencyItem{
		PK: idempotencyPK(caller, key), SK: skIdempotency, State: idemInProgress, RequestHash: hash, Claim: claim,
		LeaseUntil: now.Add(idempotencyLease).Unix(), TTL: now.Add(idempotencyTTL).Unix(),
	}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return nil, "", translate(op, err)
	}
	// Free, expired (TTL deletion is late: compare), or an abandoned lease.
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           &s.table,
		Item:                av,
		ConditionExpression: aws.String("attribute_not_exists(PK) OR #ttl < :now OR (#state = :inprogress AND leaseUntil < :now AND requestHash = :h)"),
		ExpressionAttributeNames: map[string]string{
			"#ttl": "ttl", "#state": "state",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now":        &types.AttributeValueMemberN{Value: fmt.Sprint(now.Unix())},
			":inprogress": sv(idemInProgress),
			":h":          sv(hash),
		},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var failed *types.ConditionalCheckFailedException
	if !errors.As(err, &failed) {
		if err != nil {
			return nil, "", translate(op, err)
		}
		return nil, claim, nil
	}
	var old idempotencyItem
	if err := attributevalue.UnmarshalMap(failed.Item, &old); err != nil {
		return nil, "", translate(op, fmt.Errorf("unmarshal idempotency record: %w", err))
	}
	switch {
	case old.RequestHash != hash:
		return nil, "", &portal.Error{Code: portal.EUNPROCESS, Op: op, Message: "This Idempotency-Key was already used for a different request."}
	case old.State == idemDone && old.Response != nil:
		return old.Response.stored(), "", nil
	case old.State == idemInProgress && old.Claim == claim:
		// This call's own claim: the put was applied, its response lost,
		// and the SDK sent it again.
		return nil, claim, nil
	default:
		return nil, "", &portal.Error{Code: portal.ECONFLICT, Op: op, Message: "A request with this Idempotency-Key is still in progress; retry later."}
	}
}

// AbandonIdempotent releases claim, whose request failed without changing
// anything, so that a retry runs the request again. When the claim is no
// longer in progress it releases nothing and reports what became of the
// key: the stored response when the claim's own request completed (its
// transaction committed although the caller heard of a failure: a lost
// response that the SDK's retry could not replay, so that it ran again and
// failed its own conditions); ECONFLICT when another request's claim holds
// the key or completed it (this claim's lease lapsed and a retry took
// over). A key with no record left is nil, nil.
//
// Errors: ECONFLICT as above; EUNAVAILABLE when the table is throttling or
// unreachable.
func (s *Store) AbandonIdempotent(ctx context.Context, caller, idemKey, claim string) (*portal.StoredResponse, error) {
	const op = "dynamo.AbandonIdempotent"
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                           &s.table,
		Key:                                 key(idempotencyPK(caller, idemKey), skIdempotency),
		ConditionExpression:                 aws.String("#state = :inprogress AND claim = :claim"),
		ExpressionAttributeNames:            map[string]string{"#state": "state"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":inprogress": sv(idemInProgress), ":claim": sv(claim)},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var failed *types.ConditionalCheckFailedException
	if !errors.As(err, &failed) {
		return nil, translate(op, err)
	}
	if len(failed.Item) == 0 {
		return nil, nil
	}
	var old idempotencyItem
	if err := attributevalue.UnmarshalMap(failed.Item, &old); err != nil {
		return nil, translate(op, fmt.Errorf("unmarshal idempotency record: %w", err))
	}
	if old.State == idemDone && old.Claim == claim && old.Response != nil {
		return old.Response.stored(), nil
	}
	return nil, &portal.Error{Code: portal.ECONFLICT, Op: op, Message: "A request with this Idempotency-Key is in progress or has completed; retry to get its response."}
}
