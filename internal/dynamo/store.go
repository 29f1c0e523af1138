package dynamo

import (
	"context"
	"errors"
	"net"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"eportal/internal/cursor"
	"eportal/internal/portal"
)

// API is the part of the DynamoDB client the store uses; *dynamodb.Client
// satisfies it.
type API interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
}

var _ API = (*dynamodb.Client)(nil)

// Store reads and writes eportal's items in one DynamoDB table. It is safe for
// concurrent use.
type Store struct {
	db           API
	table        string
	cursors      *cursor.Codec
	voteAttempts int
}

// Option configures a Store.
type Option func(*Store)

// WithVoteAttempts sets how many times a vote's transaction is tried when
// DynamoDB cancels it for a TransactionConflict (default VoteAttempts).
func WithVoteAttempts(n int) Option { return func(s *Store) { s.voteAttempts = max(n, 1) } }

// New returns a Store on table through db, signing list cursors with cursors.
// It makes no call.
func New(db API, table string, cursors *cursor.Codec, opts ...Option) *Store {
	s := &Store{db: db, table: table, cursors: cursors, voteAttempts: VoteAttempts}
	for _, o := range opts {
		o(s)
	}
	return s
}

// translate turns an SDK error into a portal error for op. The SDK has already
// retried throttling, 5xx responses, timeouts and TransactionConflict on a
// plain write (ClientOptions) by the time an error gets here, so those
// mean the table is unavailable for now (503 with Retry-After). So does a
// request whose deadline passed or whose caller went away: never a 500.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var pe *portal.Error
	if errors.As(err, &pe) {
		if pe.Op == "" && pe == err {
			cp := *pe
			cp.Op = op
			return &cp
		}
		return err
	}
	code := portal.EINTERNAL
	var (
		throughput *types.ProvisionedThroughputExceededException
		limit      *types.RequestLimitExceeded
		internal   *types.InternalServerError
		netErr     net.Error
		apiErr     smithy.APIError
	)
	switch {
	case errors.As(err, &throughput), errors.As(err, &limit), errors.As(err, &internal),
		errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		code = portal.EUNAVAILABLE
	case errors.As(err, &apiErr) && (apiErr.ErrorFault() == smithy.FaultServer || unavailableCodes[apiErr.ErrorCode()]):
		code = portal.EUNAVAILABLE
	}
	return &portal.Error{Code: code, Op: op, Err: err}
}

// unavailableCodes are the API error codes, besides server faults, that
// mean "not now" rather than "not this".
var unavailableCodes = map[string]bool{
	"ThrottlingException":            true,
	"TransactionConflictException":   true, // a plain write met a pending transaction, after the SDK's retries
	"TransactionInProgressException": true,
}

func notFound(op, what string) error {
	return &portal.Error{Code: portal.ENOTFOUND, Op: op, Message: what + " not found."}
}
