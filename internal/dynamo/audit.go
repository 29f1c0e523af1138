package dynamo

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// auditItem records one mutation: who did what to which entity, at which
// version, when. It is written in the same transaction as the change.
//
// PK=AUDIT#<entityType>#<entityId>, SK=<time>#<nonce> serves "history of one
// entity"; GSI1 (AUDIT#ACTOR#<actor>) serves "what did this person do"; GSI2
// (AUDIT) serves "everything, newest first".
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
	var nonce [4]byte
	_, _ = rand.Read(nonce[:]) // never fails on Linux; a zero nonce would still sort
	sk := formatMilli(now) + "#" + hex.EncodeToString(nonce[:])
	return auditItem{
		PK: "AUDIT#" + entityType + "#" + entityID, SK: sk,
		GSI1PK: "AUDIT#ACTOR#" + actor, GSI1SK: sk,
		GSI2PK: "AUDIT", GSI2SK: sk,
		EntityType: entityType, EntityID: entityID, Action: action, Actor: actor,
		Version: version, At: formatMilli(now),
	}
}
