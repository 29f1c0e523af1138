package dynamo

// Votes: one transaction each, counted exactly once.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/metrics"
	"eportal/internal/portal"
)

// VoteAttempts bounds the tries of one vote's transaction when DynamoDB
// cancels it for a TransactionConflict (another transaction on the same
// tally shard); after that the vote is answered 503 with Retry-After and
// nothing is written. Chosen from BenchmarkVotesUnderConflicts
// (docs/reliability.md): at a 30 % conflict rate per attempt, 6 attempts
// leave 0.07 % of votes to a 503 and add at most 775 ms of backoff.
const VoteAttempts = 6

// markerItem is a vote marker (PK=VOTE#<pollId>#T#<token hash> or
// VOTE#<pollId>#I#<address hash>, SK=VOTE). Its existence is the vote: it is
// put with attribute_not_exists(PK) in the same transaction as the tally
// increment. Nonce identifies the request that wrote it, so that a retry of
// a transaction that committed unseen recognises its own marker.
type markerItem struct {
	PK      string   `dynamodbav:"PK"`
	SK      string   `dynamodbav:"SK"`
	PollID  string   `dynamodbav:"pollId"`
	Choices []string `dynamodbav:"choices,omitempty"`
	At      string   `dynamodbav:"at"`
	Nonce   string   `dynamodbav:"nonce"`
	TTL     int64    `dynamodbav:"ttl"`
}

// Lifetimes of what dedupes a poll's voters, from when it is written. Both
// outlast any poll window (portal.MaxPollLife after the poll's creation,
// which precedes every vote), whatever an admin does to closesAt later:
// AWS deletes an item some time after its TTL, and a marker deleted while
// its poll is open would let its voter vote again.
const (
	markerLife     = 400 * 24 * time.Hour              // vote markers and per-address counters
	addressKeyLife = portal.MaxPollLife + 24*time.Hour // the poll's address-hash key (deleted at close anyway)
)

// markerTTL is when a vote's markers may go: markerLife after the vote.
func markerTTL(now time.Time) int64 { return now.Add(markerLife).Unix() }

// Vote records b in one TransactWriteItems: the voter token's marker (only if
// absent under the token and both policies; a receipt under the ip policy),
// the address marker (only if absent, ip and both policies), the address's
// vote counter (below the poll's cap) and the increment of one random tally
// shard, conditioned on the shard's copy of the poll being open and having
// the chosen options. Nothing is written unless everything is.
//
// A cancellation for TransactionConflict is retried, up to VoteAttempts (6) with
// jittered backoff. A retry that finds its own marker (the first attempt
// committed but its response was lost) is a success.
//
// Errors: EALREADYVOTED when the token or the address has voted;
// EPOLLCLOSED or EPOLLNOTOPEN outside the poll's window or after it closed;
// EINVALID when an option was removed meanwhile; ETOOMANY when the address
// reached the poll's cap; ENOTFOUND when the poll is gone; EUNAVAILABLE
// after the retries or when the table is throttling or unreachable.
func (s *Store) Vote(ctx context.Context, b portal.Ballot) error {
	const op = "dynamo.Vote"
	repaired := false
	for attempt := 1; ; attempt++ {
		err := s.voteOnce(ctx, b)
		var missing *errShardMissing
		switch {
		case err == nil:
			return nil
		case errors.As(err, &missing) && !repaired:
			// A poll stored before tally shards existed: create them from
			// the definition, once, and vote again.
			repaired = true
			if err := s.addMissingShards(ctx, b.Poll); err != nil {
				return translate(op, err)
			}
			attempt--
			continue
		case errors.As(err, &missing):
			return &portal.Error{Code: portal.ENOTFOUND, Op: op, Message: "Poll not found.", Err: err}
		case portal.ErrorCode(err) == portal.ECONFLICT && attempt < s.voteAttempts:
			metrics.Add(ctx, metrics.ConflictsRetried, 1)
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return translate(op, err)
			}
			continue
		case portal.ErrorCode(err) == portal.ECONFLICT:
			return &portal.Error{Code: portal.EUNAVAILABLE, Op: op, Message: "Too many votes at once; retry shortly.", Err: err}
		}
		return translate(op, err)
	}
}

type errShardMissing struct{ shard int }

func (e *errShardMissing) Error() string { return fmt.Sprintf("tally shard %d is missing", e.shard) }

// voteOnce runs the vote's transaction once.
func (s *Store) voteOnce(ctx context.Context, b portal.Ballot) error {
	p := b.Poll
	nonce := randomHex(8)
	ttl := markerTTL(b.Now)
	marker := markerItem{SK: skVote, PollID: p.ID, Choices: b.Choices, At: formatMilli(b.Now), Nonce: nonce, TTL: ttl}
	t := &tx{table: s.table}
	const (
		roleToken = iota
		roleAddress
		roleCap
		roleShard
	)
	var roles []int
	add := func(role int, err error) error { roles = append(roles, role); return err }

	tm := marker
	tm.PK = tokenMarkerPK(p.ID, b.TokenHash)
	cond := "attribute_not_exists(PK)"
	if p.Dedupe == portal.DedupeIP {
		cond = "" // a receipt for the results policy, not a guard
	}
	if err := add(roleToken, t.put(tm, cond, nil, nil, nil)); err != nil {
		return err
	}
	if p.Dedupe == portal.DedupeIP || p.Dedupe == portal.DedupeBoth {
		am := marker
		am.PK, am.Choices = addressMarkerPK(p.ID, b.AddressHash), nil
		if err := add(roleAddress, t.put(am, "attribute_not_exists(PK)", nil, nil, nil)); err != nil {
			return err
		}
	}
	add(roleCap, nil)
	t.update(networkCountPK(p.ID, b.NetworkHash), skVote, "ADD n :one SET #ttl = :ttl, pollId = :pid",
		"attribute_not_exists(n) OR n < :cap", map[string]string{"#ttl": "ttl"},
		map[string]types.AttributeValue{":one": nv(1), ":ttl": nv(int(ttl)), ":pid": sv(p.ID), ":cap": nv(p.VotesPerAddress)}, nil)

	shard := randomInt(TallyShards)
	add(roleShard, nil)
	names := map[string]string{"#st": "status"}
	values := map[string]types.AttributeValue{":one": nv(1), ":open": sv(portal.PollOpen), ":now": sv(formatTime(b.Now))}
	expr := "ADD voters :one"
	cond = "#st = :open AND (attribute_not_exists(opensAt) OR opensAt <= :now) AND (attribute_not_exists(closesAt) OR closesAt > :now)"
	for i, c := range b.Choices {
		n, v := fmt.Sprintf("#v%d", i), fmt.Sprintf(":o%d", i)
		names[n], values[v] = votePrefix+c, sv(c)
		expr += ", " + n + " :one"
		cond += " AND contains(opts, " + v + ")"
	}
	t.update(tallyPK(p.ID, shard), skTally, expr, cond, names, values, nil)

	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: t.writes})
	var canceled *types.TransactionCanceledException
	if !errors.As(err, &canceled) {
		return err
	}
	reasons := canceled.CancellationReasons
	failed := func(role int) (bool, map[string]types.AttributeValue) {
		i := slices.Index(roles, role)
		if i < 0 || i >= len(reasons) || aws.ToString(reasons[i].Code) != "ConditionalCheckFailed" {
			return false, nil
		}
		return true, reasons[i].Item
	}
	// A marker holding this request's nonce: an earlier attempt of this
	// very request committed and only its response was lost.
	for _, role := range []int{roleToken, roleAddress} {
		if ok, item := failed(role); ok && stringAttr(item, "nonce") == nonce {
			return nil
		}
	}
	if ok, item := failed(roleShard); ok {
		return shardRefusal(item, shard, b)
	}
	if ok, _ := failed(roleToken); ok {
		return &portal.Error{Code: portal.EALREADYVOTED, Message: "You have already voted in this poll."}
	}
	if ok, _ := failed(roleAddress); ok {
		return &portal.Error{Code: portal.EALREADYVOTED, Message: "A vote from this device and network was already counted in this poll."}
	}
	if ok, _ := failed(roleCap); ok {
		return &portal.Error{Code: portal.ETOOMANY, Message: "Too many votes from your network address in this poll."}
	}
	for _, r := range reasons {
		if aws.ToString(r.Code) == "TransactionConflict" {
			return &portal.Error{Code: portal.ECONFLICT, Message: "Another vote on the same tally is in progress; retry.", Err: err}
		}
	}
	return err
}

// shardRefusal explains why the tally shard's condition failed, from the
// shard as it was.
func shardRefusal(item map[string]types.AttributeValue, shard int, b portal.Ballot) error {
	if item == nil {
		return &errShardMissing{shard: shard}
	}
	var copy shardItem
	if err := attributevalue.UnmarshalMap(item, &copy); err != nil {
		return fmt.Errorf("unmarshal tally shard: %w", err)
	}
	now := formatTime(b.Now)
	switch {
	case copy.Status != portal.PollOpen || (copy.ClosesAt != "" && copy.ClosesAt <= now):
		return &portal.Error{Code: portal.EPOLLCLOSED, Message: "This poll is closed."}
	case copy.OpensAt != "" && copy.OpensAt > now:
		return &portal.Error{Code: portal.EPOLLNOTOPEN, Message: "This poll is not open yet."}
	}
	for _, c := range b.Choices {
		if !slices.Contains(copy.Opts, c) {
			return portal.Errorf(portal.EINVALID, "option %q is not an option of this poll.", c)
		}
	}
	return &portal.Error{Code: portal.ECONFLICT, Message: "The poll changed; retry."}
}

// shardItem is a tally shard's copy of its poll (PK=POLL#<id>#TALLY#<n>,
// SK=TALLY); the counts (voters, v_<optionId>) are added by votes.
type shardItem struct {
	PK       string   `dynamodbav:"PK"`
	SK       string   `dynamodbav:"SK"`
	PollID   string   `dynamodbav:"pollId"`
	Status   string   `dynamodbav:"status"`
	OpensAt  string   `dynamodbav:"opensAt,omitempty"`
	ClosesAt string   `dynamodbav:"closesAt,omitempty"`
	Opts     []string `dynamodbav:"opts,stringset"`
}

// addMissingShards creates the tally shards poll p lacks, conditioned on the
// definition still being at p.Version (a deleted poll gets none back).
func (s *Store) addMissingShards(ctx context.Context, p *portal.Poll) error {
	t := &tx{table: s.table}
	t.check(pollPK(p.ID), skPoll, "version = :v", map[string]types.AttributeValue{":v": nv(p.Version)}, notFound("dynamo.Vote", "Poll"))
	ids := make([]string, len(p.Options))
	for i, o := range p.Options {
		ids[i] = o.ID
	}
	for n := 0; n < TallyShards; n++ {
		it := shardItem{
			PK: tallyPK(p.ID, n), SK: skTally, PollID: p.ID, Status: p.Status, Opts: ids,
			OpensAt: formatTimePtr(p.OpensAt), ClosesAt: formatTimePtr(p.ClosesAt),
		}
		// Absent only: a shard another request created meanwhile keeps its counts.
		if err := t.put(it, "attribute_not_exists(PK)", nil, nil, errShardsExist); err != nil {
			return err
		}
	}
	err := t.run(ctx, s.db, "dynamo.Vote")
	if err != nil && portal.ErrorMessage(err) == errShardsExist.Message {
		return nil // some shard exists: another request repaired the poll first
	}
	return err
}

var errShardsExist = &portal.Error{Code: portal.ECONFLICT, Message: "The poll's tally shards exist."}

// AddressKey returns poll id's address-hash key, creating it with a
// conditional put when the poll has none yet. The key is deleted when the
// poll closes (an admin's close, or the first vote or read after closesAt);
// its TTL, addressKeyLife after now, is only a backstop that no window can
// outlast.
//
// Errors: EUNAVAILABLE.
func (s *Store) AddressKey(ctx context.Context, p *portal.Poll, fresh []byte, now time.Time) ([]byte, error) {
	const op = "dynamo.AddressKey"
	it := map[string]types.AttributeValue{
		attrPK: sv(pollPK(p.ID)), attrSK: sv(skAddressKey), "key": &types.AttributeValueMemberB{Value: fresh},
		"ttl": number(now.Add(addressKeyLife).Unix()),
	}
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: it, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	var failed *types.ConditionalCheckFailedException
	if err == nil {
		return fresh, nil
	}
	if !errors.As(err, &failed) {
		return nil, translate(op, err)
	}
	// Another request created it first: use that one.
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(pollPK(p.ID), skAddressKey), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, translate(op, err)
	}
	if b, ok := out.Item["key"].(*types.AttributeValueMemberB); ok {
		return b.Value, nil
	}
	return nil, &portal.Error{Code: portal.ECONFLICT, Op: op, Message: "The poll changed; retry."}
}

// DropAddressKey deletes poll id's address-hash key: a vote refused because
// the poll's closesAt passed calls it, so the key does not outlive the poll
// until TTL deletion or an admin's close.
//
// Errors: EUNAVAILABLE.
func (s *Store) DropAddressKey(ctx context.Context, id string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key(pollPK(id), skAddressKey)})
	return translate("dynamo.DropAddressKey", err)
}
