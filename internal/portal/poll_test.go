package portal_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"eportal/internal/portal"
)

func TestPercentages(t *testing.T) {
	tests := []struct {
		name   string
		counts []int64
		want   string
	}{
		{"thirds", []int64{1, 1, 1}, "[33.4,33.3,33.3]"},
		{"all zero", []int64{0, 0, 0, 0}, "[0.0,0.0,0.0,0.0]"},
		{"one option only", []int64{5, 0}, "[100.0,0.0]"},
		{"halves", []int64{1, 1}, "[50.0,50.0]"},
		{"sixths", []int64{1, 1, 1, 1, 1, 1}, "[16.7,16.7,16.7,16.7,16.6,16.6]"},
		{"largest remainder wins, not the first", []int64{1, 2, 4}, "[14.3,28.6,57.1]"},
		{"sevenths", []int64{1, 1, 1, 1, 1, 1, 1}, "[14.3,14.3,14.3,14.3,14.3,14.3,14.2]"},
		{"tiny share", []int64{1, 1999}, "[0.1,99.9]"},
		{"tinier share rounds down", []int64{1, 2999}, "[0.0,100.0]"},
		{"exact tenths", []int64{1, 3, 6}, "[10.0,30.0,60.0]"},
		{"200 voters", []int64{67, 67, 66}, "[33.5,33.5,33.0]"},
		{"no options", []int64{}, "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := portal.Percentages(tt.counts)
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Percentages(%v) = %s; want %s", tt.counts, b, tt.want)
			}
			sum := 0
			for _, p := range got {
				sum += int(p)
			}
			var total int64
			for _, c := range tt.counts {
				total += c
			}
			if total > 0 && sum != 1000 {
				t.Errorf("Percentages(%v) add up to %d tenths; want 1000", tt.counts, sum)
			}
		})
	}
}

// TestPercentagesAlwaysAddUp checks the sum over many count vectors.
func TestPercentagesAlwaysAddUp(t *testing.T) {
	for a := int64(0); a < 12; a++ {
		for b := int64(0); b < 12; b++ {
			for c := int64(0); c < 12; c++ {
				counts := []int64{a, b, c, (a * b) % 7}
				sum := 0
				for _, p := range portal.Percentages(counts) {
					sum += int(p)
				}
				if want := 1000; a+b+c+(a*b)%7 > 0 && sum != want {
					t.Fatalf("Percentages(%v) sum to %d; want %d", counts, sum, want)
				}
			}
		}
	}
}

func poll() *portal.Poll {
	return &portal.Poll{
		ID: "p", Question: "Câu hỏi?", MaxChoices: 2, Status: portal.PollOpen,
		Options: []portal.PollOption{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}, {ID: "c", Label: "C"}},
		Dedupe:  portal.DedupeToken, Results: portal.ResultsAlways, VotesPerAddress: 100,
	}
}

func TestCheckChoices(t *testing.T) {
	tests := []struct {
		name    string
		choices []string
		ok      bool
	}{
		{"one", []string{"a"}, true},
		{"two", []string{"c", "a"}, true},
		{"none", nil, false},
		{"empty list", []string{}, false},
		{"too many", []string{"a", "b", "c"}, false},
		{"duplicate", []string{"a", "a"}, false},
		{"unknown", []string{"z"}, false},
		{"case variant", []string{"A"}, false},
		{"empty id", []string{""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := poll().CheckChoices(tt.choices)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckChoices(%q) = %v; want ok=%v", tt.choices, err, tt.ok)
			}
			if err != nil && portal.ErrorCode(err) != portal.EINVALID {
				t.Errorf("code = %s; want %s", portal.ErrorCode(err), portal.EINVALID)
			}
		})
	}
}

func TestPollState(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Hour), now.Add(time.Hour)
	tests := []struct {
		name              string
		status            string
		opensAt, closesAt *time.Time
		want              string
		code              string
	}{
		{"open, no window", portal.PollOpen, nil, nil, portal.PollOpen, ""},
		{"open inside window", portal.PollOpen, &before, &after, portal.PollOpen, ""},
		{"opens later", portal.PollOpen, &after, nil, portal.PollUpcoming, portal.EPOLLNOTOPEN},
		{"opens exactly now", portal.PollOpen, &now, nil, portal.PollOpen, ""},
		{"closes exactly now", portal.PollOpen, &before, &now, portal.PollClosed, portal.EPOLLCLOSED},
		{"past closesAt", portal.PollOpen, nil, &before, portal.PollClosed, portal.EPOLLCLOSED},
		{"closed by an admin", portal.PollClosed, &before, &after, portal.PollClosed, portal.EPOLLCLOSED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := poll()
			p.Status, p.OpensAt, p.ClosesAt = tt.status, tt.opensAt, tt.closesAt
			if got := p.StateAt(now); got != tt.want {
				t.Errorf("StateAt = %s; want %s", got, tt.want)
			}
			if got := portal.ErrorCode(p.CheckOpen(now)); got != tt.code {
				t.Errorf("CheckOpen code = %q; want %q", got, tt.code)
			}
		})
	}
}

func TestResultsVisible(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	past := now.Add(-time.Minute)
	tests := []struct {
		policy string
		closed bool
		voted  bool
		want   bool
	}{
		{portal.ResultsAlways, false, false, true},
		{portal.ResultsAfterVote, false, false, false},
		{portal.ResultsAfterVote, false, true, true},
		{portal.ResultsAfterVote, true, false, true},
		{portal.ResultsAfterClose, false, true, false},
		{portal.ResultsAfterClose, true, false, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s closed=%v voted=%v", tt.policy, tt.closed, tt.voted), func(t *testing.T) {
			p := poll()
			p.Results = tt.policy
			if tt.closed {
				p.ClosesAt = &past
			}
			if got := p.ResultsVisible(now, tt.voted); got != tt.want {
				t.Errorf("ResultsVisible = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestPollValidate(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	tests := []struct {
		name   string
		change func(p *portal.Poll)
		ok     bool
	}{
		{"valid", func(p *portal.Poll) {}, true},
		{"no question", func(p *portal.Poll) { p.Question = "" }, false},
		{"one option", func(p *portal.Poll) { p.Options = p.Options[:1] }, false},
		{"21 options", func(p *portal.Poll) {
			p.Options = nil
			for i := 0; i < 21; i++ {
				p.Options = append(p.Options, portal.PollOption{ID: fmt.Sprint("o", i), Label: "x"})
			}
		}, false},
		{"duplicate id", func(p *portal.Poll) { p.Options[1].ID = "a" }, false},
		{"bad id", func(p *portal.Poll) { p.Options[1].ID = "B#1" }, false},
		{"empty label", func(p *portal.Poll) { p.Options[2].Label = "" }, false},
		{"maxChoices 0", func(p *portal.Poll) { p.MaxChoices = 0 }, false},
		{"maxChoices over options", func(p *portal.Poll) { p.MaxChoices = 4 }, false},
		{"closes before it opens", func(p *portal.Poll) { p.OpensAt, p.ClosesAt = &later, &now }, false},
		{"closes when it opens", func(p *portal.Poll) { p.OpensAt, p.ClosesAt = &now, &now }, false},
		{"window", func(p *portal.Poll) { p.OpensAt, p.ClosesAt = &now, &later }, true},
		{"bad dedupe", func(p *portal.Poll) { p.Dedupe = "cookie" }, false},
		{"bad results", func(p *portal.Poll) { p.Results = "never" }, false},
		{"votesPerAddress 0", func(p *portal.Poll) { p.VotesPerAddress = 0 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := poll()
			tt.change(p)
			if err := p.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v; want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestResultsOf(t *testing.T) {
	p := poll()
	var tally portal.Tally
	tally.Add([]string{"a"})
	tally.Add([]string{"a", "b"})
	tally.Add([]string{"c"})
	tally.Votes["gone"] = 5 // an option removed before any vote: left out
	r := p.ResultsOf(tally)
	b, _ := json.Marshal(r)
	want := `{"totalVoters":3,"totalVotes":4,"options":[{"id":"a","label":"A","votes":2,"percent":50.0},{"id":"b","label":"B","votes":1,"percent":25.0},{"id":"c","label":"C","votes":1,"percent":25.0}]}`
	if string(b) != want {
		t.Errorf("ResultsOf = %s; want %s", b, want)
	}
}
