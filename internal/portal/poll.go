package portal

import "time"

// PollOption is one answer of a poll.
type PollOption struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Poll statuses.
const (
	PollOpen   = "open"
	PollClosed = "closed"
)

// Dedupe policies: how a poll tells voters apart.
const (
	DedupeToken = "token" // one vote per API-issued voter token
	DedupeIP    = "ip"    // one vote per keyed hash of the source address
	DedupeBoth  = "both"  // both must be new
)

// Results policies: when readers may see a poll's results.
const (
	ResultsAlways     = "always"
	ResultsAfterVote  = "after_vote"
	ResultsAfterClose = "after_close"
)

// Poll is an opinion poll ("Thăm dò ý kiến"). MaxChoices 1 is single choice.
type Poll struct {
	ID         string       `json:"id"`
	Question   string       `json:"question"`
	Options    []PollOption `json:"options"`
	MaxChoices int          `json:"maxChoices"`
	OpensAt    *time.Time   `json:"opensAt,omitempty"`
	ClosesAt   *time.Time   `json:"closesAt,omitempty"`
	Status     string       `json:"status"`
	Dedupe     string       `json:"dedupe"`
	Results    string       `json:"results"`
	CreatedAt  time.Time    `json:"createdAt"`
	UpdatedAt  time.Time    `json:"updatedAt"`
	Version    int          `json:"version"`
}
