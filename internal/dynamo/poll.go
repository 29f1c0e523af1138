package dynamo

// Polls: definitions, their tally shards, and the reads of both.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// TallyShards is the number of tally items a poll's votes are spread over.
// Each is its own partition key, so the poll's write rate is not bound by
// one partition (1,000 WCU/s) nor its transactions by one item; a vote picks
// one at random and reads sum them. docs/performance.md has the figures.
// Raising it later is safe for new polls only: reads sum exactly these keys.
const TallyShards = 10

// pollItem is a poll's definition (PK=POLL#<id>, SK=POLL). Open polls carry
// GSI1 (POLLS, <opensAt>#<id>) for the list of active polls; closing a poll
// drops it from the index. Every poll carries GSI2 (POLLS#ALL,
// <createdAt>#<id>) for the admins' list. Votes never write this item: they write tally
// shards, which carry a copy of status, window and option ids so that a
// vote's transaction is conditioned on them without touching the definition.
type pollItem struct {
	PK              string              `dynamodbav:"PK"`
	SK              string              `dynamodbav:"SK"`
	GSI1PK          string              `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK          string              `dynamodbav:"GSI1SK,omitempty"`
	GSI2PK          string              `dynamodbav:"GSI2PK"`
	GSI2SK          string              `dynamodbav:"GSI2SK"`
	ID              string              `dynamodbav:"id"`
	Question        string              `dynamodbav:"question"`
	Options         []portal.PollOption `dynamodbav:"options"`
	MaxChoices      int                 `dynamodbav:"maxChoices"`
	OpensAt         string              `dynamodbav:"opensAt,omitempty"`
	ClosesAt        string              `dynamodbav:"closesAt,omitempty"`
	Status          string              `dynamodbav:"status"`
	Dedupe          string              `dynamodbav:"dedupe"`
	Results         string              `dynamodbav:"results"`
	VotesPerAddress int                 `dynamodbav:"votesPerAddress,omitempty"`
	CreatedAt       string              `dynamodbav:"createdAt"`
	UpdatedAt       string              `dynamodbav:"updatedAt"`
	Version         int                 `dynamodbav:"version"`
}

func newPollItem(p *portal.Poll) pollItem {
	it := pollItem{
		PK: pollPK(p.ID), SK: skPoll,
		GSI2PK: pkAllPolls, GSI2SK: formatMilli(p.CreatedAt) + "#" + p.ID,
		ID: p.ID, Question: p.Question, Options: p.Options, MaxChoices: p.MaxChoices,
		OpensAt: formatTimePtr(p.OpensAt), ClosesAt: formatTimePtr(p.ClosesAt),
		Status: p.Status, Dedupe: p.Dedupe, Results: p.Results, VotesPerAddress: p.VotesPerAddress,
		CreatedAt: formatMilli(p.CreatedAt), UpdatedAt: formatMilli(p.UpdatedAt), Version: p.Version,
	}
	if p.Status == portal.PollOpen {
		it.GSI1PK, it.GSI1SK = pkPollIndex, formatTimePtr(p.OpensAt)+"#"+p.ID
	}
	return it
}

func (it *pollItem) poll() (*portal.Poll, error) {
	p := &portal.Poll{
		ID: it.ID, Question: it.Question, Options: it.Options, MaxChoices: it.MaxChoices,
		Status: it.Status, Dedupe: it.Dedupe, Results: it.Results, VotesPerAddress: it.VotesPerAddress,
		Version: it.Version,
	}
	if p.VotesPerAddress == 0 {
		p.VotesPerAddress = portal.DefaultVotesPerAddress // polls stored before the cap existed
	}
	var err error
	if p.OpensAt, err = parseTimePtr(it.OpensAt); err != nil {
		return nil, err
	}
	if p.ClosesAt, err = parseTimePtr(it.ClosesAt); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		s   string
		dst *time.Time
	}{{it.CreatedAt, &p.CreatedAt}, {it.UpdatedAt, &p.UpdatedAt}} {
		if x.s == "" {
			continue
		}
		if *x.dst, err = time.Parse(time.RFC3339Nano, x.s); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Poll reads poll id in one BatchGetItem: its definition, address key and
// tally shards, plus the token marker of tokenHash when not empty (for the
// "after voting" results policy and to answer a repeat vote).
//
// Errors: ENOTFOUND when there is no such poll; EUNAVAILABLE.
func (s *Store) Poll(ctx context.Context, id, tokenHash string) (*portal.PollSnapshot, error) {
	const op = "dynamo.Poll"
	keys := []map[string]types.AttributeValue{key(pollPK(id), skPoll), key(pollPK(id), skAddressKey)}
	for n := 0; n < TallyShards; n++ {
		keys = append(keys, key(tallyPK(id, n), skTally))
	}
	if tokenHash != "" {
		keys = append(keys, key(tokenMarkerPK(id, tokenHash), skVote))
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, translate(op, err)
	}
	snap := &portal.PollSnapshot{}
	for _, item := range items {
		pk, sk := stringAttr(item, attrPK), stringAttr(item, attrSK)
		switch {
		case sk == skPoll:
			var it pollItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return nil, translate(op, fmt.Errorf("unmarshal poll: %w", err))
			}
			if snap.Poll, err = it.poll(); err != nil {
				return nil, translate(op, fmt.Errorf("poll %s: %w", id, err))
			}
		case sk == skAddressKey:
			if b, ok := item["key"].(*types.AttributeValueMemberB); ok {
				snap.AddressKey = b.Value
			}
		case sk == skTally:
			addShard(&snap.Tally, item)
		case sk == skVote && strings.HasPrefix(pk, voteKeys):
			var m markerItem
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				return nil, translate(op, fmt.Errorf("unmarshal vote marker: %w", err))
			}
			at, _ := time.Parse(time.RFC3339Nano, m.At)
			snap.Receipt = &portal.VoteReceipt{Choices: m.Choices, At: at}
		}
	}
	if snap.Poll == nil {
		return nil, notFound(op, "Poll")
	}
	return snap, nil
}

// addShard adds a tally shard's counts to t.
func addShard(t *portal.Tally, item map[string]types.AttributeValue) {
	if t.Votes == nil {
		t.Votes = map[string]int64{}
	}
	for name, v := range item {
		n, ok := v.(*types.AttributeValueMemberN)
		if !ok {
			continue
		}
		c, err := strconv.ParseInt(n.Value, 10, 64)
		if err != nil {
			continue
		}
		switch {
		case name == "voters":
			t.Voters += c
		case strings.HasPrefix(name, votePrefix):
			t.Votes[strings.TrimPrefix(name, votePrefix)] += c
		}
	}
}

// ActivePolls returns a page of the polls open at now, newest opening first,
// in one Query of GSI1 (POLLS). Results are not included.
//
// Errors: EINVALID for a bad limit or cursor; EUNAVAILABLE.
func (s *Store) ActivePolls(ctx context.Context, now time.Time, limit int, cur string) ([]*portal.Poll, string, error) {
	const op = "dynamo.ActivePolls"
	in := &dynamodb.QueryInput{
		IndexName:                aws.String(indexGSI1),
		KeyConditionExpression:   aws.String("GSI1PK = :p AND GSI1SK <= :upper"),
		FilterExpression:         aws.String("#st = :open AND (attribute_not_exists(closesAt) OR closesAt > :now)"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p": sv(pkPollIndex), ":upper": sv(listUpperBound(now)), ":open": sv(portal.PollOpen), ":now": sv(formatTime(now)),
		},
		ScanIndexForward: aws.Bool(false),
	}
	items, next, err := s.page(ctx, in, pkPollIndex, limit, cur, gsi1Key)
	if err != nil {
		return nil, "", translate(op, err)
	}
	all, err := polls(items)
	if err != nil {
		return nil, "", translate(op, err)
	}
	out := make([]*portal.Poll, 0, len(all))
	for _, p := range all {
		if p.StateAt(now) == portal.PollOpen { // the filter's second precision, again in code
			out = append(out, p)
		}
	}
	return out, next, nil
}

// AllPolls returns a page of every poll — upcoming, open and closed — newest
// first, in one Query of GSI2 (POLLS#ALL), for the admins' list. Results are
// not included.
//
// Errors: EINVALID for a bad limit or cursor; EUNAVAILABLE.
func (s *Store) AllPolls(ctx context.Context, limit int, cur string) ([]*portal.Poll, string, error) {
	const op = "dynamo.AllPolls"
	in := &dynamodb.QueryInput{
		IndexName:                 aws.String(indexGSI2),
		KeyConditionExpression:    aws.String("GSI2PK = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": sv(pkAllPolls)},
		ScanIndexForward:          aws.Bool(false),
	}
	items, next, err := s.page(ctx, in, pkAllPolls, limit, cur, gsi2Key)
	if err != nil {
		return nil, "", translate(op, err)
	}
	out, err := polls(items)
	return out, next, translate(op, err)
}

func polls(items []map[string]types.AttributeValue) ([]*portal.Poll, error) {
	out := make([]*portal.Poll, 0, len(items))
	for _, item := range items {
		var it pollItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("unmarshal poll: %w", err)
		}
		p, err := it.poll()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// CreatePoll stores a new poll and its empty tally shards in one
// transaction, without an audit record (the demo loader uses it; admins go
// through SavePoll).
//
// Errors: ECONFLICT when a poll with its id exists; EUNAVAILABLE.
func (s *Store) CreatePoll(ctx context.Context, p *portal.Poll) error {
	const op = "dynamo.CreatePoll"
	t := &tx{table: s.table}
	if err := addPollWrites(t, nil, p); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}

var (
	errPollExists     = &portal.Error{Code: portal.ECONFLICT, Message: "A poll with this id exists."}
	errPollStale      = &portal.Error{Code: portal.EPRECONDITION, Message: "The poll was changed by someone else; reload it and apply your change again."}
	errOptionUsed     = &portal.Error{Code: portal.ECONFLICT, Message: "An option that has votes cannot be removed."}
	errSettingsFrozen = &portal.Error{Code: portal.ECONFLICT, Message: "maxChoices and dedupe cannot change once votes exist."}
	errVotesExist     = &portal.Error{Code: portal.ECONFLICT, Message: "The poll has votes: an option with votes cannot be removed, and maxChoices and dedupe cannot change."}
)

// addPollWrites adds to t the definition after (created when before is nil,
// else conditioned on before's version) and every tally shard's copy of its
// status, window and option ids. Options before has and after drops must
// have no votes in any shard.
func addPollWrites(t *tx, before, after *portal.Poll) error {
	it := newPollItem(after)
	var err error
	if before == nil {
		err = t.put(it, "attribute_not_exists(PK)", nil, nil, errPollExists)
	} else {
		err = t.put(it, "version = :v", nil, map[string]types.AttributeValue{":v": nv(before.Version)}, errPollStale)
	}
	if err != nil {
		return err
	}
	ids := make([]string, len(after.Options))
	for i, o := range after.Options {
		ids[i] = o.ID
	}
	names := map[string]string{"#st": "status", "#pid": "pollId"}
	values := map[string]types.AttributeValue{
		":st": sv(after.Status), ":opts": &types.AttributeValueMemberSS{Value: ids}, ":pid": sv(after.ID),
	}
	set := []string{"#st = :st", "opts = :opts", "#pid = :pid"}
	var remove []string
	for _, f := range []struct {
		attr string
		at   *time.Time
	}{{"opensAt", after.OpensAt}, {"closesAt", after.ClosesAt}} {
		if f.at == nil {
			remove = append(remove, f.attr)
			continue
		}
		set = append(set, f.attr+" = :"+f.attr)
		values[":"+f.attr] = sv(formatTime(*f.at))
	}
	expr := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		expr += " REMOVE " + strings.Join(remove, ", ")
	}
	// What the votes already cast forbid is checked here, on every shard,
	// not only by the caller's (eventually consistent) read of the tally:
	// a vote may land between that read and this write.
	var conds []string
	onFail := errOptionUsed
	if before != nil {
		for _, o := range before.Options {
			if after.HasOption(o.ID) {
				continue
			}
			n := fmt.Sprintf("#r%d", len(conds))
			names[n] = votePrefix + o.ID
			conds = append(conds, fmt.Sprintf("(attribute_not_exists(%s) OR %s = :zero)", n, n))
			values[":zero"] = nv(0)
		}
		if before.MaxChoices != after.MaxChoices || before.Dedupe != after.Dedupe {
			names["#voters"] = "voters"
			conds = append(conds, "(attribute_not_exists(#voters) OR #voters = :zero)")
			values[":zero"] = nv(0)
			onFail = errSettingsFrozen
			if len(conds) > 1 {
				onFail = errVotesExist
			}
		}
	}
	for n := 0; n < TallyShards; n++ {
		// An update, not a put: it keeps the counts, and creates a shard a
		// poll stored before shards existed lacks.
		t.update(tallyPK(after.ID, n), skTally, expr, strings.Join(conds, " AND "), names, values, onFail)
	}
	return nil
}

// SavePoll writes ch in one transaction: the definition (conditioned on the
// version read), the copy of status, window and options on every tally
// shard, an audit record and, when the poll closes, the deletion of its
// address-hash key.
//
// Errors: ECONFLICT when creating an existing id, dropping an option that
// has votes, or changing maxChoices or dedupe once any vote exists (checked
// on every tally shard inside the transaction); EPRECONDITION when the poll
// is no longer at Before.Version;
// ENOTFOUND when it is gone; EUNAVAILABLE.
func (s *Store) SavePoll(ctx context.Context, ch portal.PollChange) error {
	const op = "dynamo.SavePoll"
	t := &tx{table: s.table}
	if err := addPollWrites(t, ch.Before, ch.After); err != nil {
		return translate(op, err)
	}
	if ch.After.Status == portal.PollClosed && (ch.Before == nil || ch.Before.Status != portal.PollClosed) {
		// The key goes with the poll's openness: afterwards no hash stored
		// for this poll can be tied to an address.
		t.delete(pollPK(ch.After.ID), skAddressKey, "", nil, nil)
	}
	if err := t.put(newAuditItem("poll", ch.After.ID, ch.Action, ch.Actor, ch.After.Version, ch.Now), "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}

// DeletePoll deletes poll p (still at p.Version), its tally shards and its
// address key, with an audit record, in one transaction. Vote markers are
// left to their TTL (see docs/data-model.md).
//
// Errors: EPRECONDITION; ENOTFOUND; EUNAVAILABLE.
func (s *Store) DeletePoll(ctx context.Context, p *portal.Poll, actor string, now time.Time) error {
	const op = "dynamo.DeletePoll"
	t := &tx{table: s.table}
	t.delete(pollPK(p.ID), skPoll, "version = :v", map[string]types.AttributeValue{":v": nv(p.Version)}, errPollStale)
	for n := 0; n < TallyShards; n++ {
		t.delete(tallyPK(p.ID, n), skTally, "", nil, nil)
	}
	t.delete(pollPK(p.ID), skAddressKey, "", nil, nil)
	if err := t.put(newAuditItem("poll", p.ID, "delete", actor, p.Version+1, now), "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}
