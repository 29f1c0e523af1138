package dynamo

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// pollItem is a poll's definition (PK=POLL#<id>, SK=POLL). Polls that readers
// may list carry GSI1 (POLLS, <opensAt>#<id>). Tallies live in their own
// items under the same partition (SK=TALLY#<shard>), so that a vote never
// rewrites the definition.
type pollItem struct {
	PK         string              `dynamodbav:"PK"`
	SK         string              `dynamodbav:"SK"`
	GSI1PK     string              `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK     string              `dynamodbav:"GSI1SK,omitempty"`
	ID         string              `dynamodbav:"id"`
	Question   string              `dynamodbav:"question"`
	Options    []portal.PollOption `dynamodbav:"options"`
	MaxChoices int                 `dynamodbav:"maxChoices"`
	OpensAt    string              `dynamodbav:"opensAt,omitempty"`
	ClosesAt   string              `dynamodbav:"closesAt,omitempty"`
	Status     string              `dynamodbav:"status"`
	Dedupe     string              `dynamodbav:"dedupe"`
	Results    string              `dynamodbav:"results"`
	CreatedAt  string              `dynamodbav:"createdAt"`
	UpdatedAt  string              `dynamodbav:"updatedAt"`
	Version    int                 `dynamodbav:"version"`
}

func pollPK(id string) string { return "POLL#" + id }

// CreatePoll stores a new poll.
//
// Errors: ECONFLICT when a poll with its id exists; EUNAVAILABLE when the
// table is throttling or unreachable.
func (s *Store) CreatePoll(ctx context.Context, p *portal.Poll) error {
	const op = "dynamo.CreatePoll"
	it := pollItem{
		PK: pollPK(p.ID), SK: "POLL",
		GSI1PK: "POLLS", GSI1SK: formatTimePtr(p.OpensAt) + "#" + p.ID,
		ID: p.ID, Question: p.Question, Options: p.Options, MaxChoices: p.MaxChoices,
		OpensAt: formatTimePtr(p.OpensAt), ClosesAt: formatTimePtr(p.ClosesAt),
		Status: p.Status, Dedupe: p.Dedupe, Results: p.Results,
		CreatedAt: formatMilli(p.CreatedAt), UpdatedAt: formatMilli(p.UpdatedAt), Version: p.Version,
	}
	err := s.put(ctx, it, "attribute_not_exists(PK)")
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return &portal.Error{Code: portal.ECONFLICT, Op: op, Message: "A poll with this id exists.", Err: err}
	}
	return translate(op, err)
}
