package dynamo_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"eportal/infra/tables"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
)

// conflictRate is the share of vote transactions AWS cancels for a
// TransactionConflict in these tests: far above what 10 tally shards see at
// 1,000 votes/s on one poll, to hold the retry budget to a hard case.
const conflictRate = 0.3

var storms atomic.Int64 // every storm its own poll

// voteStorm casts n votes of distinct voters at once on a fresh poll of
// store, with conflictRate of transaction attempts cancelled, and returns
// the outcome of each (nil, or the error), how long each took, and how many
// conflicts were injected.
func voteStorm(tb testing.TB, store *dynamo.Store, f *dynamotest.Faults, n int, seed uint64) ([]error, []time.Duration, *portal.Poll, int) {
	tb.Helper()
	ctx := context.Background()
	p := testPoll(fmt.Sprintf("hot-%d", storms.Add(1)), portal.DedupeToken)
	p.VotesPerAddress = portal.MaxVotesPerAddress
	if err := store.CreatePoll(ctx, p); err != nil {
		tb.Fatal(err)
	}
	f.Set(dynamotest.AtRate("TransactWriteItems", dynamotest.Conflict, conflictRate, rand.New(rand.NewPCG(seed, 1))))
	errs := make([]error, n)
	took := make([]time.Duration, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			errs[i] = store.Vote(ctx, ballot(p, fmt.Sprintf("tok-%d", i), "", fmt.Sprintf("net-%d", i), "o2"))
			took[i] = time.Since(start)
		}()
	}
	wg.Wait()
	hits := f.Hits()
	f.Set(nil)
	return errs, took, p, hits
}

// TestVotesUnderConflicts: 200 voters at once, 30 % of transaction attempts
// cancelled by a conflict. Every vote is counted exactly once or answered
// unavailable with nothing written.
func TestVotesUnderConflicts(t *testing.T) {
	h, f := faultyHarness(t)
	errs, _, p, conflicts := voteStorm(t, h.store, f, 200, 7)
	var counted, refused int
	for i, err := range errs {
		switch portal.ErrorCode(err) {
		case "":
			counted++
		case portal.EUNAVAILABLE:
			refused++
		default:
			t.Errorf("vote %d: %v; want success or unavailable", i, err)
		}
	}
	if conflicts == 0 {
		t.Fatal("no conflict was injected")
	}
	s := h.state(t, p.ID)
	if s.tally.Voters != int64(counted) || s.tally.Votes["o2"] != int64(counted) || sum(s.tally) != int64(counted) {
		t.Errorf("tally %s; want exactly the %d counted votes", s, counted)
	}
	for i, err := range errs {
		marker := slices.ContainsFunc(s.markers, func(pk string) bool { return strings.HasSuffix(pk, fmt.Sprintf("#T#tok-%d", i)) })
		if marker != (err == nil) {
			t.Errorf("vote %d (%v): marker written = %v", i, err, marker)
		}
	}
	t.Logf("%d counted, %d unavailable, %d conflicts injected", counted, refused, conflicts)
}

// BenchmarkVotesUnderConflicts measures the vote retry budget: for each
// number of attempts, the share of votes answered 503 and the latency added
// by retries (p50, p99), with 30 % of transaction attempts cancelled and 200
// voters at once. VoteAttempts is chosen from it (docs/reliability.md).
func BenchmarkVotesUnderConflicts(b *testing.B) {
	f := dynamotest.NewFaults()
	ts := tables.MustStore(b, f.Option())
	for _, attempts := range []int{3, 4, 5, 6, 8} {
		b.Run(fmt.Sprintf("attempts=%d", attempts), func(b *testing.B) {
			store := dynamo.New(ts.DB, ts.Table, ts.Cursors, dynamo.WithVoteAttempts(attempts))
			var took []time.Duration
			refused, total := 0, 0
			for i := 0; i < b.N; i++ {
				errs, d, _, _ := voteStorm(b, store, f, 200, uint64(i*100+attempts))
				for _, err := range errs {
					if portal.ErrorCode(err) == portal.EUNAVAILABLE {
						refused++
					} else if err != nil {
						b.Fatal(err)
					}
				}
				total += len(errs)
				took = append(took, d...)
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(100*float64(refused)/float64(total), "%503")
			b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Milliseconds()), "p99-ms")
		})
	}
}
