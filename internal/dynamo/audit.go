package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// auditItem records one mutation: who did what to which entity, at which
// version, when. It is written in the same transaction as the change.
//
// Its key (keys.go) serves "history of one entity"; GSI1 serves "what did
// this person do"; GSI2 serves "everything, newest first".
type auditItem struct {
	PK         string `dynamodbav:"PK"`
	SK         string `dynamodbav:"SK"`
	GSI1PK     string `dynamodbav:"GSI1PK"`
	GSI1SK     string `dynamodbav:"GSI1SK"`
	GSI2PK     string `dynamodbav:"GSI2PK"`
	GSI2SK     string `dynamodbav:"GSI2SK"`
	EntityType string `dynamodbav:"entityType"`
	EntityID   string `dynamodbav:"entityId"`
	Action     string `dynamodbav:"action"`
	Actor      string `dynamodbav:"actor"`
	Version    int    `dynamodbav:"version,omitempty"`
	At         string `dynamodbav:"at"`
}

func newAuditItem(entityType, entityID, action, actor string, version int, now time.Time) auditItem {
	// The version orders records of one entity written in the same
	// millisecond; the nonce keeps keys of different entities apart.
	sk := auditSK(now, version, randomHex(4))
	return auditItem{
		PK: auditPK(entityType, entityID), SK: sk,
		GSI1PK: auditActorPK(actor), GSI1SK: sk,
		GSI2PK: auditAll, GSI2SK: sk,
		EntityType: entityType, EntityID: entityID, Action: action, Actor: actor,
		Version: version, At: formatMilli(now),
	}
}

// Audit returns a page of audit records in one Query: on the table for an
// entity, GSI1 for an actor, GSI2 for everything.
//
// Errors: EINVALID for a bad limit or cursor, or both an entity and an actor;
// EUNAVAILABLE.
func (s *Store) Audit(ctx context.Context, q portal.AuditQuery) ([]portal.AuditRecord, string, error) {
	const op = "dynamo.Audit"
	in := &dynamodb.QueryInput{ScanIndexForward: aws.Bool(false)}
	var scope string
	var keys []string
	switch {
	case q.EntityID != "" && q.Actor != "":
		return nil, "", &portal.Error{Code: portal.EINVALID, Op: op, Message: "Filter by entity or by actor, not both."}
	case q.EntityID != "":
		scope = auditPK(q.EntityType, q.EntityID)
		in.KeyConditionExpression = aws.String("PK = :p")
		keys = tableKey
	case q.Actor != "":
		scope = auditActorPK(q.Actor)
		in.IndexName, in.KeyConditionExpression = aws.String(indexGSI1), aws.String("GSI1PK = :p")
		keys = gsi1Key
	default:
		scope = auditAll
		in.IndexName, in.KeyConditionExpression = aws.String(indexGSI2), aws.String("GSI2PK = :p")
		keys = gsi2Key
	}
	in.ExpressionAttributeValues = map[string]types.AttributeValue{":p": sv(scope)}
	items, next, err := s.page(ctx, in, scope, q.Limit, q.Cursor, keys)
	if err != nil {
		return nil, "", translate(op, err)
	}
	var its []auditItem
	if err := attributevalue.UnmarshalListOfMaps(items, &its); err != nil {
		return nil, "", translate(op, err)
	}
	out := make([]portal.AuditRecord, 0, len(its))
	for _, it := range its {
		at, err := time.Parse(time.RFC3339Nano, it.At)
		if err != nil {
			return nil, "", translate(op, err)
		}
		out = append(out, portal.AuditRecord{EntityType: it.EntityType, EntityID: it.EntityID, Action: it.Action, Actor: it.Actor, Version: it.Version, At: at})
	}
	return out, next, nil
}
