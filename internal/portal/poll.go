package portal

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// PollOption is one answer of a poll.
type PollOption struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Poll statuses as stored. A poll with status open is open for votes only
// inside its window (see Poll.StateAt).
const (
	PollOpen   = "open"
	PollClosed = "closed"
)

// Poll states as readers see them: the stored status combined with the window.
const (
	PollUpcoming = "upcoming" // status open, opensAt still ahead
	// PollOpen and PollClosed are the other two states.
)

// Dedupe policies: how a poll tells voters apart.
const (
	DedupeToken = "token" // one vote per API-issued voter token
	DedupeIP    = "ip"    // one vote per keyed hash of the source address and user agent
	DedupeBoth  = "both"  // both must be new
)

// Results policies: when readers may see a poll's results.
const (
	ResultsAlways     = "always"
	ResultsAfterVote  = "after_vote"
	ResultsAfterClose = "after_close"
)

// Poll limits.
const (
	MinPollOptions = 2
	MaxPollOptions = 20
	MaxQuestion    = 500
	MaxOptionLabel = 200
	MaxOptionID    = 32
	// DefaultVotesPerAddress caps the votes one network address may cast in
	// one poll, whatever the dedupe policy: a script that throws its token
	// away before every vote is stopped there. An office behind one shared
	// address gets this many votes; an admin may raise it per poll.
	DefaultVotesPerAddress = 100
	MaxVotesPerAddress     = 100_000
)

// MaxPollLife bounds a poll's window: closesAt is at most this long after
// the poll was created. What dedupes a poll's voters is kept longer than
// that — vote markers 400 days after each vote, the address-hash key a year
// and a day after it is made (package dynamo) — so no edit of closesAt can
// outlast them, and a voter cannot vote twice because DynamoDB's TTL
// removed their marker while the poll was still open. A poll without
// closesAt is open-ended: its dedupe horizon is those lifetimes.
const MaxPollLife = 365 * 24 * time.Hour

// CheckLife refuses a closesAt later than MaxPollLife after the poll's
// CreatedAt.
func (p *Poll) CheckLife() error {
	if p.ClosesAt != nil && p.ClosesAt.After(p.CreatedAt.Add(MaxPollLife)) {
		return Errorf(EINVALID, "closesAt must be within 365 days of the poll's creation (%s); leave it empty for an open-ended poll.",
			p.CreatedAt.Add(MaxPollLife).UTC().Format(time.RFC3339))
	}
	return nil
}

// Poll is an opinion poll ("Thăm dò ý kiến"). MaxChoices 1 is single choice.
type Poll struct {
	ID              string       `json:"id"`
	Question        string       `json:"question"`
	Options         []PollOption `json:"options"`
	MaxChoices      int          `json:"maxChoices"`
	OpensAt         *time.Time   `json:"opensAt,omitempty"`
	ClosesAt        *time.Time   `json:"closesAt,omitempty"`
	Status          string       `json:"status"`
	Dedupe          string       `json:"dedupe"`
	Results         string       `json:"resultsPolicy"`
	VotesPerAddress int          `json:"votesPerAddress"`
	CreatedAt       time.Time    `json:"createdAt"`
	UpdatedAt       time.Time    `json:"updatedAt"`
	Version         int          `json:"version"`
}

// StateAt returns the poll's state at now: PollClosed when its status is
// closed or closesAt has passed, PollUpcoming before opensAt, else PollOpen.
func (p *Poll) StateAt(now time.Time) string {
	switch {
	case p.Status != PollOpen:
		return PollClosed
	case p.ClosesAt != nil && !now.Before(*p.ClosesAt):
		return PollClosed
	case p.OpensAt != nil && now.Before(*p.OpensAt):
		return PollUpcoming
	}
	return PollOpen
}

// CheckOpen returns nil when the poll takes votes at now, else an Error with
// code EPOLLCLOSED or EPOLLNOTOPEN.
func (p *Poll) CheckOpen(now time.Time) error {
	switch p.StateAt(now) {
	case PollClosed:
		return &Error{Code: EPOLLCLOSED, Message: "This poll is closed."}
	case PollUpcoming:
		return &Error{Code: EPOLLNOTOPEN, Message: "This poll is not open yet."}
	}
	return nil
}

// CheckChoices validates a voter's choices: at least one, at most
// MaxChoices, each an option of the poll, none twice. It returns an EINVALID
// Error naming the problem.
func (p *Poll) CheckChoices(choices []string) error {
	if len(choices) == 0 {
		return Errorf(EINVALID, "choose at least one option.")
	}
	if len(choices) > p.MaxChoices {
		if p.MaxChoices == 1 {
			return Errorf(EINVALID, "this poll takes one choice.")
		}
		return Errorf(EINVALID, "this poll takes at most %d choices.", p.MaxChoices)
	}
	seen := make(map[string]bool, len(choices))
	for _, c := range choices {
		if seen[c] {
			return Errorf(EINVALID, "option %q is chosen twice.", c)
		}
		seen[c] = true
		if !p.HasOption(c) {
			return Errorf(EINVALID, "option %q is not an option of this poll.", truncate(c, MaxOptionID))
		}
	}
	return nil
}

// HasOption reports whether id is one of the poll's option ids.
func (p *Poll) HasOption(id string) bool {
	for _, o := range p.Options {
		if o.ID == id {
			return true
		}
	}
	return false
}

// ResultsVisible reports whether a reader may see the results at now;
// voted tells whether the reader's voter token has voted in the poll.
func (p *Poll) ResultsVisible(now time.Time, voted bool) bool {
	switch p.Results {
	case ResultsAlways:
		return true
	case ResultsAfterVote:
		return voted || p.StateAt(now) == PollClosed
	}
	return p.StateAt(now) == PollClosed
}

// Validate checks a poll's definition as an admin writes it: a question; 2–20
// options with unique, well-formed ids and non-empty labels; maxChoices from
// 1 to the number of options; closesAt after opensAt; the policies from their
// sets; votesPerAddress from 1 to MaxVotesPerAddress.
func (p *Poll) Validate() error {
	if p.Question == "" {
		return Errorf(EINVALID, "question is required.")
	}
	if n := utf8.RuneCountInString(p.Question); n > MaxQuestion {
		return Errorf(EINVALID, "question is %d characters; the limit is %d.", n, MaxQuestion)
	}
	if len(p.Options) < MinPollOptions || len(p.Options) > MaxPollOptions {
		return Errorf(EINVALID, "a poll has %d to %d options.", MinPollOptions, MaxPollOptions)
	}
	seen := map[string]bool{}
	for i, o := range p.Options {
		if !ValidOptionID(o.ID) {
			return Errorf(EINVALID, "options[%d].id must be 1 to %d lower-case letters, digits or hyphens.", i, MaxOptionID)
		}
		if seen[o.ID] {
			return Errorf(EINVALID, "option id %q is used twice.", o.ID)
		}
		seen[o.ID] = true
		if o.Label == "" {
			return Errorf(EINVALID, "options[%d].label is required.", i)
		}
		if n := utf8.RuneCountInString(o.Label); n > MaxOptionLabel {
			return Errorf(EINVALID, "options[%d].label is %d characters; the limit is %d.", i, n, MaxOptionLabel)
		}
	}
	if p.MaxChoices < 1 || p.MaxChoices > len(p.Options) {
		return Errorf(EINVALID, "maxChoices must be from 1 to the number of options (%d).", len(p.Options))
	}
	if p.OpensAt != nil && p.ClosesAt != nil && !p.ClosesAt.After(*p.OpensAt) {
		return Errorf(EINVALID, "closesAt must be after opensAt.")
	}
	switch p.Dedupe {
	case DedupeToken, DedupeIP, DedupeBoth:
	default:
		return Errorf(EINVALID, "dedupe must be one of token, ip, both.")
	}
	switch p.Results {
	case ResultsAlways, ResultsAfterVote, ResultsAfterClose:
	default:
		return Errorf(EINVALID, "results must be one of always, after_vote, after_close.")
	}
	if p.VotesPerAddress < 1 || p.VotesPerAddress > MaxVotesPerAddress {
		return Errorf(EINVALID, "votesPerAddress must be from 1 to %d.", MaxVotesPerAddress)
	}
	return nil
}

// ValidOptionID reports whether id can name a poll option: 1 to MaxOptionID
// characters from a-z, 0-9 and '-'.
func ValidOptionID(id string) bool {
	if id == "" || len(id) > MaxOptionID {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Percent is a percentage in tenths of a percent (334 is 33.4 %). It
// marshals as a JSON number with exactly one decimal.
type Percent int

// MarshalJSON writes p with one decimal, such as 33.4 or 0.0.
func (p Percent) MarshalJSON() ([]byte, error) {
	return []byte(p.String()), nil
}

// String formats p with one decimal.
func (p Percent) String() string {
	return strconv.Itoa(int(p)/10) + "." + strconv.Itoa(int(p)%10)
}

// Percentages shares 100.0 % among counts by the largest remainder method, in
// tenths: each gets the floor of its exact share, and the tenths left over go
// one each to the largest remainders, the earlier count winning a tie. The
// result adds up to exactly 1000 (100.0 %), or is all zeros when every count
// is zero. Counts must not be negative.
func Percentages(counts []int64) []Percent {
	out := make([]Percent, len(counts))
	var total int64
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		return out
	}
	rem := make([]int64, len(counts))
	var given int64
	for i, c := range counts {
		out[i] = Percent(c * 1000 / total)
		rem[i] = c * 1000 % total
		given += int64(out[i])
	}
	for left := 1000 - given; left > 0; left-- {
		best := -1
		for i := range rem {
			if rem[i] >= 0 && (best < 0 || rem[i] > rem[best]) {
				best = i
			}
		}
		out[best]++
		rem[best] = -1 // each count gets at most one extra tenth
	}
	return out
}

// OptionResult is one option's count in a poll's results.
type OptionResult struct {
	ID      string  `json:"id"`
	Label   string  `json:"label"`
	Votes   int64   `json:"votes"`
	Percent Percent `json:"percent"`
}

// PollResults are a poll's results: votes per option with percentages of all
// choices made (100.0 in total), and the number of voters (a voter who picks
// several options counts once).
type PollResults struct {
	TotalVoters int64          `json:"totalVoters"`
	TotalVotes  int64          `json:"totalVotes"`
	Options     []OptionResult `json:"options"`
}

// Tally is the raw count of a poll: votes per option id and voters.
type Tally struct {
	Votes  map[string]int64
	Voters int64
}

// Add adds a voter who chose choices.
func (t *Tally) Add(choices []string) {
	if t.Votes == nil {
		t.Votes = map[string]int64{}
	}
	for _, c := range choices {
		t.Votes[c]++
	}
	t.Voters++
}

// ResultsOf returns the results of tally for the poll's options, in the
// poll's order. Counts of option ids the poll no longer has are left out.
func (p *Poll) ResultsOf(t Tally) PollResults {
	r := PollResults{TotalVoters: t.Voters, Options: make([]OptionResult, len(p.Options))}
	counts := make([]int64, len(p.Options))
	for i, o := range p.Options {
		counts[i] = t.Votes[o.ID]
		r.TotalVotes += counts[i]
	}
	pct := Percentages(counts)
	for i, o := range p.Options {
		r.Options[i] = OptionResult{ID: o.ID, Label: o.Label, Votes: counts[i], Percent: pct[i]}
	}
	return r
}

// String describes a poll for logs.
func (p *Poll) String() string { return fmt.Sprintf("poll %s v%d", p.ID, p.Version) }
