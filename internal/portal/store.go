package portal

import "time"

// The store contract: the values the handlers hand to storage and get back,
// beyond the domain types themselves. The handlers declare the store methods
// they need as small interfaces in their own packages; package dynamo
// implements them. Nothing here knows about DynamoDB.

// ArticleChange is one mutation of an article: its state before (nil when
// creating) and after, who made it and what it was. The store derives every
// item to write from the two states (see PlanPublication) and writes them in
// one transaction, or nothing.
type ArticleChange struct {
	Before *Article
	After  *Article
	Action string // audit action: create, update, submit, publish, reject, unpublish, archive, restore:<n>
	Actor  string
	Now    time.Time
	// Idempotency, when set, completes the caller's idempotency claim in the
	// same transaction as the change.
	Idempotency *IdempotentResult
}

// DeskQuery asks for a page of the editorial desk: every article, or those
// with Status, optionally in Category and with Author in their byline,
// last changed first.
type DeskQuery struct {
	Status   Status
	Category string
	Author   string // part of the byline, as written (case and marks count)
	Limit    int
	Cursor   string
}

// AuditQuery asks for a page of the audit log, newest first: of one entity
// (EntityType and EntityID), of one actor, or of everything.
type AuditQuery struct {
	EntityType, EntityID string
	Actor                string
	Limit                int
	Cursor               string
}

// StoredResponse is the first response to an idempotent request, replayed to
// its retries.
type StoredResponse struct {
	Status  int
	Headers map[string]string
	Body    string
}

// IdempotentResult completes a claimed Idempotency-Key with the request's
// response, in the same transaction as the request's change.
type IdempotentResult struct {
	Caller, Key, RequestHash string
	Claim                    string // the claim token the store handed out when the key was claimed
	Response                 StoredResponse
	Now                      time.Time
}

// PollChange is one admin mutation of a poll: the state before (nil when
// creating) and after, who made it and what it was (create, update, close).
type PollChange struct {
	Before, After *Poll
	Action        string
	Actor         string
	Now           time.Time
}

// VoteReceipt is what a voter token's marker records: the choices made and
// when.
type VoteReceipt struct {
	Choices []string
	At      time.Time
}

// PollSnapshot is a poll as one read finds it: the definition, the sum of its
// tally shards, the poll's address-hash key when it has one, and the receipt
// of the voter asked about when that voter has voted.
type PollSnapshot struct {
	Poll       *Poll
	Tally      Tally
	AddressKey []byte
	Receipt    *VoteReceipt
}

// ReceiptChoices returns the choices the voter asked about made, or nil.
func (s *PollSnapshot) ReceiptChoices() []string {
	if s.Receipt == nil {
		return nil
	}
	return s.Receipt.Choices
}

// Ballot is one vote as the store records it. The hashes are computed by the
// caller (package voter); the store never sees a token, an IP or a
// User-Agent.
type Ballot struct {
	Poll        *Poll    // as read; its policy decides the markers
	Choices     []string // already checked with Poll.CheckChoices
	TokenHash   string   // the voter token's ID: always set
	AddressHash string   // keyed hash of IP and User-Agent: set for the ip and both policies
	NetworkHash string   // keyed hash of the IP: the per-address cap
	Now         time.Time
}

// DocumentQuery asks for a page of the published documents, newest issued
// first: all of them, or those with a number key, of a type, of an issuer
// (its key) or in a field, each optionally issued in Year ("2020").
type DocumentQuery struct {
	Number, Type, Issuer, Field string
	Year                        string
	Limit                       int
	Cursor                      string
	Now                         time.Time
}
