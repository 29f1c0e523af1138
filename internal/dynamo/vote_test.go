package dynamo_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/infra/tables"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
)

// testPoll is an open single-choice poll with three options.
func testPoll(id, dedupe string) *portal.Poll {
	return &portal.Poll{
		ID: id, Question: "Bạn đánh giá như thế nào?", MaxChoices: 1, OpensAt: at(-time.Hour),
		Options: []portal.PollOption{{ID: "o1", Label: "Tốt"}, {ID: "o2", Label: "Khá"}, {ID: "o3", Label: "Kém"}},
		Status:  portal.PollOpen, Dedupe: dedupe, Results: portal.ResultsAlways, VotesPerAddress: 1000,
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
}

func (h *harness) mustPoll(t *testing.T, p *portal.Poll) {
	t.Helper()
	if err := h.store.CreatePoll(context.Background(), p); err != nil {
		t.Fatalf("CreatePoll: %v", err)
	}
}

func ballot(p *portal.Poll, token, address, network string, choices ...string) portal.Ballot {
	return portal.Ballot{Poll: p, Choices: choices, TokenHash: token, AddressHash: address, NetworkHash: network, Now: now}
}

// state is everything a vote may change: the summed tally and the vote items.
type state struct {
	tally   portal.Tally
	markers []string // PKs of VOTE# items with their counters, sorted by the scan
}

func (h *harness) state(t *testing.T, pollID string) state {
	t.Helper()
	snap, err := h.store.Poll(context.Background(), pollID, "")
	if err != nil {
		t.Fatalf("Poll(%s): %v", pollID, err)
	}
	var s state
	s.tally = snap.Tally
	in := &dynamodb.ScanInput{TableName: &h.table, ConsistentRead: aws.Bool(true)}
	for {
		out, err := h.db.Scan(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			pk := it["PK"].(*types.AttributeValueMemberS).Value
			if strings.HasPrefix(pk, "VOTE#") {
				n := ""
				if v, ok := it["n"].(*types.AttributeValueMemberN); ok {
					n = "=" + v.Value
				}
				s.markers = append(s.markers, pk+n)
			}
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	return s
}

func (s state) String() string {
	return fmt.Sprintf("voters %d votes %v markers %d", s.tally.Voters, s.tally.Votes, len(s.markers))
}

func sum(t portal.Tally) int64 {
	var n int64
	for _, v := range t.Votes {
		n += v
	}
	return n
}

func TestVoteConcurrentDistinctVoters(t *testing.T) {
	h := mustHarness(t)
	p := testPoll("p200", portal.DedupeToken)
	h.mustPoll(t, p)
	const voters = 200
	var wg sync.WaitGroup
	errs := make(chan error, voters)
	for i := 0; i < voters; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			choice := []string{"o1", "o2", "o3"}[i%3]
			errs <- h.store.Vote(context.Background(), ballot(p, fmt.Sprint("tok", i), "", fmt.Sprint("net", i), choice))
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Vote: %v", err)
		}
	}
	snap, err := h.store.Poll(context.Background(), p.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	r := p.ResultsOf(snap.Tally)
	if r.TotalVoters != voters || r.TotalVotes != voters {
		t.Errorf("total voters %d, votes %d; want %d", r.TotalVoters, r.TotalVotes, voters)
	}
	want := []int64{67, 67, 66}
	total := 0
	for i, o := range r.Options {
		if o.Votes != want[i] {
			t.Errorf("option %s has %d votes; want %d", o.ID, o.Votes, want[i])
		}
		total += int(o.Percent)
	}
	if total != 1000 {
		t.Errorf("percentages add up to %d tenths; want 1000", total)
	}
}

func TestVoteSameTokenConcurrently(t *testing.T) {
	h := mustHarness(t)
	p := testPoll("p50", portal.DedupeToken)
	h.mustPoll(t, p)
	const tries = 50
	var ok, already atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < tries; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := h.store.Vote(context.Background(), ballot(p, "same-token", "", "net", "o2"))
			switch portal.ErrorCode(err) {
			case "":
				ok.Add(1)
			case portal.EALREADYVOTED:
				already.Add(1)
			default:
				t.Errorf("Vote: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || already.Load() != tries-1 {
		t.Errorf("%d counted, %d already voted; want 1 and %d", ok.Load(), already.Load(), tries-1)
	}
	s := h.state(t, p.ID)
	if s.tally.Voters != 1 || s.tally.Votes["o2"] != 1 || sum(s.tally) != 1 {
		t.Errorf("tally %s; want one vote for o2", s)
	}
}

func TestVoteAddressPolicy(t *testing.T) {
	h := mustHarness(t)
	p := testPoll("pip", portal.DedupeIP)
	h.mustPoll(t, p)
	const tokens = 100
	var ok, already atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < tokens; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// A new token each time, from one IP and User-Agent.
			err := h.store.Vote(context.Background(), ballot(p, fmt.Sprint("tok", i), "addr-hash", "net-hash", "o1"))
			switch portal.ErrorCode(err) {
			case "":
				ok.Add(1)
			case portal.EALREADYVOTED:
				already.Add(1)
			default:
				t.Errorf("Vote: %v", err)
			}
		}(i)
	}
	wg.Wait()
	if ok.Load() != 1 || already.Load() != tokens-1 {
		t.Errorf("%d counted, %d already voted; want 1 and %d", ok.Load(), already.Load(), tokens-1)
	}
	if s := h.state(t, p.ID); s.tally.Voters != 1 || sum(s.tally) != 1 {
		t.Errorf("tally %s; want 1 voter", s)
	}
}

func TestVoteBothPolicy(t *testing.T) {
	h := mustHarness(t)
	p := testPoll("pboth", portal.DedupeBoth)
	h.mustPoll(t, p)
	ctx := context.Background()
	if err := h.store.Vote(ctx, ballot(p, "t1", "a1", "n1", "o1")); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]portal.Ballot{
		"same token, other address": ballot(p, "t1", "a2", "n2", "o2"),
		"other token, same address": ballot(p, "t2", "a1", "n1", "o2"),
	} {
		if err := h.store.Vote(ctx, b); portal.ErrorCode(err) != portal.EALREADYVOTED {
			t.Errorf("%s: Vote = %v; want %s", name, err, portal.EALREADYVOTED)
		}
	}
	if err := h.store.Vote(ctx, ballot(p, "t3", "a3", "n1", "o2")); err != nil {
		t.Errorf("new token and address: %v", err)
	}
	if s := h.state(t, p.ID); s.tally.Voters != 2 {
		t.Errorf("tally %s; want 2 voters", s)
	}
}

// TestVoteRefusalsChangeNothing holds every refusal of the store to leaving
// tallies and markers exactly as they were.
func TestVoteRefusalsChangeNothing(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	open := testPoll("open", portal.DedupeToken)
	open.VotesPerAddress = 2
	h.mustPoll(t, open)
	upcoming := testPoll("upcoming", portal.DedupeToken)
	upcoming.OpensAt = at(time.Hour)
	h.mustPoll(t, upcoming)
	expired := testPoll("expired", portal.DedupeToken)
	expired.ClosesAt = at(-time.Minute)
	h.mustPoll(t, expired)
	for _, v := range []portal.Ballot{ballot(open, "voted", "", "office", "o1"), ballot(open, "other", "", "office", "o3")} {
		if err := h.store.Vote(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	closed := testPoll("closed", portal.DedupeToken)
	h.mustPoll(t, closed)
	after := *closed
	after.Status, after.Version = portal.PollClosed, 2
	if err := h.store.SavePoll(ctx, portal.PollChange{Before: closed, After: &after, Action: "close", Actor: "admin", Now: now}); err != nil {
		t.Fatal(err)
	}
	// A stale definition that still lists an option the poll no longer has.
	stale := *open
	stale.Options = append(append([]portal.PollOption{}, open.Options...), portal.PollOption{ID: "o9", Label: "?"})

	tests := []struct {
		name string
		b    portal.Ballot
		code string
	}{
		{"already voted", ballot(open, "voted", "", "elsewhere", "o2"), portal.EALREADYVOTED},
		{"address over its cap", ballot(open, "third", "", "office", "o2"), portal.ETOOMANY},
		{"not open yet", ballot(upcoming, "t", "", "n", "o1"), portal.EPOLLNOTOPEN},
		{"past closesAt", ballot(expired, "t", "", "n", "o1"), portal.EPOLLCLOSED},
		{"closed by an admin", ballot(closed, "t", "", "n", "o1"), portal.EPOLLCLOSED},
		{"option not in the poll", ballot(&stale, "t", "", "n", "o9"), portal.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.state(t, tt.b.Poll.ID)
			h.calls.Reset()
			err := h.store.Vote(ctx, tt.b)
			if got := portal.ErrorCode(err); got != tt.code {
				t.Fatalf("Vote = %v; want code %s", err, tt.code)
			}
			if n := h.calls.Counts()["TransactWriteItems"]; n != 1 {
				t.Errorf("%d transactions; want 1", n)
			}
			if after := h.state(t, tt.b.Poll.ID); after.String() != before.String() || strings.Join(after.markers, ",") != strings.Join(before.markers, ",") {
				t.Errorf("state changed:\nbefore %s %v\nafter  %s %v", before, before.markers, after, after.markers)
			}
		})
	}
}

func TestVoteIsOneTransaction(t *testing.T) {
	h := mustHarness(t)
	p := testPoll("calls", portal.DedupeBoth)
	h.mustPoll(t, p)
	h.calls.Reset()
	if err := h.store.Vote(context.Background(), ballot(p, "t", "a", "n", "o1")); err != nil {
		t.Fatal(err)
	}
	if got := h.calls.Counts(); got["TransactWriteItems"] != 1 || h.calls.Total() != 1 {
		t.Errorf("calls %v; want one TransactWriteItems", got)
	}
	h.calls.Reset()
	if _, err := h.store.Poll(context.Background(), p.ID, "t"); err != nil {
		t.Fatal(err)
	}
	if got := h.calls.Counts(); got["BatchGetItem"] != 1 || h.calls.Total() != 1 {
		t.Errorf("calls %v; want one BatchGetItem", got)
	}
}

func faultyHarness(t *testing.T) (*harness, *dynamotest.Faults) {
	t.Helper()
	f := dynamotest.NewFaults()
	calls := &dynamotest.CallCounter{}
	ts := tables.MustStore(t, calls.Option(), f.Option())
	return &harness{store: ts.Store, db: ts.DB, table: ts.Table, calls: calls, cursors: ts.Cursors}, f
}

// TestVoteResponseLostAfterCommit: the transaction commits, its response is
// lost, the SDK sends it again. With the same ClientRequestToken DynamoDB
// (and DynamoDB Local) answers the retry idempotently; "rerun" makes the
// retry execute again, which must find its own marker (its nonce) and
// succeed without counting twice.
func TestVoteResponseLostAfterCommit(t *testing.T) {
	for _, tc := range []struct {
		dedupe string
		rerun  bool
	}{{portal.DedupeToken, false}, {portal.DedupeToken, true}, {portal.DedupeIP, true}, {portal.DedupeBoth, true}} {
		t.Run(fmt.Sprintf("%s rerun=%v", tc.dedupe, tc.rerun), func(t *testing.T) {
			dedupe := tc.dedupe
			h, f := faultyHarness(t)
			p := testPoll("lost", dedupe)
			h.mustPoll(t, p)
			f.RenewTokens(tc.rerun)
			f.Set(dynamotest.On("TransactWriteItems", "", dynamotest.LoseResponse, 1))
			err := h.store.Vote(context.Background(), ballot(p, "tok", "addr", "net", "o3"))
			if err != nil {
				t.Errorf("Vote after a lost response = %v; want success (the retry finds its own marker)", err)
			}
			if n := f.Sent("TransactWriteItems"); n < 2 {
				t.Errorf("the transaction was sent %d times; the test needs a retry", n)
			}
			// The client, unsure, sends its vote again: a new request.
			err = h.store.Vote(context.Background(), ballot(p, "tok", "addr", "net", "o3"))
			if portal.ErrorCode(err) != portal.EALREADYVOTED {
				t.Errorf("client retry = %v; want %s", err, portal.EALREADYVOTED)
			}
			if s := h.state(t, p.ID); s.tally.Voters != 1 || s.tally.Votes["o3"] != 1 || sum(s.tally) != 1 {
				t.Errorf("tally %s; want exactly one vote for o3", s)
			}
		})
	}
}

func TestVoteRetriesTransactionConflict(t *testing.T) {
	h, f := faultyHarness(t)
	p := testPoll("conflict", portal.DedupeToken)
	h.mustPoll(t, p)
	f.Set(dynamotest.On("TransactWriteItems", "", dynamotest.Conflict, 1))
	h.calls.Reset()
	if err := h.store.Vote(context.Background(), ballot(p, "tok", "", "net", "o1")); err != nil {
		t.Fatalf("Vote = %v; want success after one retry", err)
	}
	if n := h.calls.Counts()["TransactWriteItems"]; n != 2 {
		t.Errorf("%d transactions; want 2 (a conflict, then the vote)", n)
	}
	if s := h.state(t, p.ID); s.tally.Voters != 1 || sum(s.tally) != 1 {
		t.Errorf("tally %s; want one vote", s)
	}

	// Conflicts on every attempt: a bounded retry, then 503, nothing written.
	f.Set(dynamotest.On("TransactWriteItems", "", dynamotest.Conflict, 100))
	h.calls.Reset()
	err := h.store.Vote(context.Background(), ballot(p, "tok2", "", "net", "o1"))
	if portal.ErrorCode(err) != portal.EUNAVAILABLE {
		t.Errorf("Vote under constant conflicts = %v; want %s", err, portal.EUNAVAILABLE)
	}
	if n := h.calls.Counts()["TransactWriteItems"]; n != dynamo.VoteAttempts {
		t.Errorf("%d attempts; want %d", n, dynamo.VoteAttempts)
	}
	f.Set(nil)
	if s := h.state(t, p.ID); s.tally.Voters != 1 {
		t.Errorf("tally %s; want still one vote", s)
	}
}

// TestVoteRepairsPollWithoutShards covers a poll stored before tally shards
// existed (local stacks loaded with the first demo content).
func TestVoteRepairsPollWithoutShards(t *testing.T) {
	h := mustHarness(t)
	h.mustPutRaw(t, map[string]any{
		"PK": "POLL#legacy", "SK": "POLL", "id": "legacy", "question": "?", "maxChoices": 1,
		"options": []map[string]string{{"ID": "o1", "Label": "A"}, {"ID": "o2", "Label": "B"}},
		"opensAt": "2026-11-01T00:00:00Z", "status": "open", "dedupe": "token", "results": "always",
		"createdAt": "2026-11-01T00:00:00.000Z", "updatedAt": "2026-11-01T00:00:00.000Z", "version": 1,
	})
	snap, err := h.store.Poll(context.Background(), "legacy", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.Vote(context.Background(), ballot(snap.Poll, "t", "", "n", "o2")); err != nil {
		t.Fatalf("Vote on a poll without shards: %v", err)
	}
	if s := h.state(t, "legacy"); s.tally.Voters != 1 || s.tally.Votes["o2"] != 1 {
		t.Errorf("tally %s; want one vote for o2", s)
	}
}
