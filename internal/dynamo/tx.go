package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/metrics"
	"eportal/internal/portal"
)

// DynamoDB's limits on one item and one transaction.
const (
	maxItemBytes = 400 * 1024
	maxTxItems   = 100
)

// tx collects a transaction's writes with what a failed condition on each
// means, so that a cancellation is answered with the right error. Every
// mutation that must be all-or-nothing (an article save with its revision,
// audit record and public items; a poll with its shards) is one tx.
type tx struct {
	table  string
	writes []types.TransactWriteItem
	onFail []error
	// explain, when set for an item, decides its error from the item as it
	// was (ReturnValuesOnConditionCheckFailure ALL_OLD) instead of onFail.
	explain map[int]func(old map[string]types.AttributeValue) error
}

// explainLast makes f decide the error of the last item added when its
// condition fails; old is nil when the item did not exist.
func (t *tx) explainLast(f func(old map[string]types.AttributeValue) error) {
	if t.explain == nil {
		t.explain = map[int]func(map[string]types.AttributeValue) error{}
	}
	t.explain[len(t.writes)-1] = f
}

// put adds a Put of item (marshalled with attributevalue), conditioned on
// cond when not empty. An item over DynamoDB's 400 KB is ETOOLARGE before
// any call.
func (t *tx) put(item any, cond string, names map[string]string, values map[string]types.AttributeValue, onFail error) error {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return fmt.Errorf("marshal: %w", err)
	}
	if n := itemSize(av); n > maxItemBytes {
		return &portal.Error{Code: portal.ETOOLARGE, Message: fmt.Sprintf("The change is too large to store (%d KB; the limit is 400 KB).", n/1024)}
	}
	p := &types.Put{TableName: &t.table, Item: av}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
		p.ExpressionAttributeNames, p.ExpressionAttributeValues = names, values
		p.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	t.writes = append(t.writes, types.TransactWriteItem{Put: p})
	t.onFail = append(t.onFail, onFail)
	return nil
}

// delete adds a Delete of pk/sk, conditioned on cond when not empty.
func (t *tx) delete(pk, sk, cond string, values map[string]types.AttributeValue, onFail error) {
	d := &types.Delete{TableName: &t.table, Key: key(pk, sk)}
	if cond != "" {
		d.ConditionExpression = aws.String(cond)
		d.ExpressionAttributeValues = values
		d.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	t.writes = append(t.writes, types.TransactWriteItem{Delete: d})
	t.onFail = append(t.onFail, onFail)
}

// update adds an UpdateItem of pk/sk, conditioned on cond when not empty.
func (t *tx) update(pk, sk, expr, cond string, names map[string]string, values map[string]types.AttributeValue, onFail error) {
	u := &types.Update{TableName: &t.table, Key: key(pk, sk), UpdateExpression: aws.String(expr)}
	if len(names) > 0 {
		u.ExpressionAttributeNames = names
	}
	if len(values) > 0 {
		u.ExpressionAttributeValues = values
	}
	if cond != "" {
		u.ConditionExpression = aws.String(cond)
		u.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	t.writes = append(t.writes, types.TransactWriteItem{Update: u})
	t.onFail = append(t.onFail, onFail)
}

// check adds a condition on an item the transaction does not write.
func (t *tx) check(pk, sk, cond string, values map[string]types.AttributeValue, onFail error) {
	t.writes = append(t.writes, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &t.table, Key: key(pk, sk), ConditionExpression: aws.String(cond), ExpressionAttributeValues: values,
	}})
	t.onFail = append(t.onFail, onFail)
}

// txAttempts bounds the tries of a transaction that DynamoDB cancels for a
// TransactionConflict (another transaction, or a plain write, on one of its
// items at the same moment). A cancelled transaction wrote nothing, so
// trying it again is safe; after the last try the change is answered
// unavailable (503 with Retry-After). Votes, the hot path, have their own
// budget (VoteAttempts).
const txAttempts = 3

// run executes the transaction. A cancellation caused by a failed condition
// returns the onFail error of the first item whose condition failed (a
// version condition, EPRECONDITION, on an item that is not there is
// ENOTFOUND), or what explain says; a TransactionConflict is tried again
// with backoff, up to txAttempts, then EUNAVAILABLE.
func (t *tx) run(ctx context.Context, db API, op string) error {
	if len(t.writes) > maxTxItems {
		return &portal.Error{Code: portal.ETOOLARGE, Op: op, Message: "The change touches too many items."}
	}
	for attempt := 1; ; attempt++ {
		conflict, err := t.runOnce(ctx, db, op)
		if !conflict {
			return err
		}
		if attempt == txAttempts {
			return &portal.Error{Code: portal.EUNAVAILABLE, Op: op, Message: "Another change to the same item is in progress; retry shortly.", Err: err}
		}
		metrics.Add(ctx, metrics.ConflictsRetried, 1)
		if serr := sleep(ctx, backoff(attempt)); serr != nil {
			return translate(op, serr)
		}
	}
}

// runOnce sends the transaction once and reports whether it was cancelled
// for a TransactionConflict.
func (t *tx) runOnce(ctx context.Context, db API, op string) (conflict bool, err error) {
	_, err = db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: t.writes})
	var canceled *types.TransactionCanceledException
	if !errors.As(err, &canceled) {
		return false, translate(op, err)
	}
	for i, r := range canceled.CancellationReasons {
		switch aws.ToString(r.Code) {
		case "ConditionalCheckFailed":
			if f := t.explain[i]; f != nil {
				return false, withOp(f(r.Item), op, err)
			}
			if i < len(t.onFail) && portal.ErrorCode(t.onFail[i]) == portal.EPRECONDITION && r.Item == nil {
				// A version condition on an item that is not there.
				return false, &portal.Error{Code: portal.ENOTFOUND, Op: op, Message: "Not found.", Err: err}
			}
			if i < len(t.onFail) && t.onFail[i] != nil {
				return false, withOp(t.onFail[i], op, err)
			}
		case "TransactionConflict":
			conflict = true
		}
	}
	if conflict {
		return true, err
	}
	return false, translate(op, err)
}

// withOp returns a copy of e (a *portal.Error) naming op, caused by err.
func withOp(e error, op string, err error) error {
	var pe *portal.Error
	if errors.As(e, &pe) {
		cp := *pe
		cp.Op, cp.Err = op, err
		return &cp
	}
	return e
}
