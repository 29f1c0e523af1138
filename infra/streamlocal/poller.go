// Package streamlocal plays Lambda's DynamoDB event source mapping on
// DynamoDB Local: it reads the table's stream and hands each batch to a
// stream function's handler as the events.DynamoDBEvent Lambda would
// deliver, so `make run` and the tests run the search indexer
// (internal/indexer) on the real stream of a real write, not on a made-up
// event.
//
// What it copies of the template's IndexerStream (template.StreamConsumers):
// the filter on the partition key's prefix, applied before batching; the
// batch size; batch item failures (ReportBatchItemFailures) — a batch is
// delivered again from the first record the handler names, or whole when
// it returns an error, with a growing wait, up to MaxRetries times, then
// logged and skipped as Lambda would send it to the failure queue; and
// shards in order: a child shard is read only when its parent has been read
// to its end, and shards that appear later are read from their start.
// What it does not copy: splitting a failing batch in two
// (BisectBatchOnFunctionError), the batching window, concurrency between
// shards, and the record age limit.
package streamlocal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// Handler is a stream function's handler, as Lambda calls it.
type Handler func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// Tables is what the poller needs of DynamoDB: the table's stream ARN.
// *dynamodb.Client has it.
type Tables interface {
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// Streams is what the poller needs of DynamoDB Streams.
// *dynamodbstreams.Client has it.
type Streams interface {
	DescribeStream(context.Context, *dynamodbstreams.DescribeStreamInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error)
	GetShardIterator(context.Context, *dynamodbstreams.GetShardIteratorInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error)
	GetRecords(context.Context, *dynamodbstreams.GetRecordsInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error)
}

// Defaults: those of the template's IndexerStream, and Lambda's polling rate
// (four GetRecords a second per shard).
const (
	DefaultKeyPrefix  = "SLUG#"
	DefaultBatchSize  = 10
	DefaultMaxRetries = 5
	DefaultInterval   = 250 * time.Millisecond
	DefaultBackoff    = 200 * time.Millisecond
	maxBackoff        = 5 * time.Second
	// describeEvery is how many polling rounds pass between two looks for
	// new shards when no shard has closed meanwhile.
	describeEvery = 8
)

// Poller feeds one table's stream to a handler. Create it with New; set its
// fields before the first Start, Run or Drain.
type Poller struct {
	// KeyPrefix is the filter: only records whose key attribute PK (a
	// string) starts with it reach the handler; "" passes every record.
	KeyPrefix string
	// BatchSize is the most records one call of the handler gets.
	BatchSize int
	// MaxRetries is how many times a failed batch is delivered again before
	// it is given up on; -1 retries without end.
	MaxRetries int
	// Interval is the wait between two polls of the stream (Run).
	Interval time.Duration
	// Backoff is the wait before the first redelivery of a failed batch; it
	// doubles with each further one, up to 5 s.
	Backoff time.Duration
	// FromLatest starts at the end of the stream: the shards open at the
	// first look get iterators at LATEST (taken then, so that nothing
	// written after Start returns is missed) and closed ones are skipped.
	// Without it the whole stream is read from its oldest record
	// (TRIM_HORIZON), as Lambda does for a new mapping. Shards that appear
	// later are always read from their start.
	FromLatest bool

	db      Tables
	streams Streams
	table   string
	handler Handler
	log     *slog.Logger

	mu      sync.Mutex // one round at a time: Run's and Drain's
	arn     string
	shards  map[string]*shard
	order   []string // shard ids in the order first seen
	rounds  int
	rescan  bool // a shard closed: look for its children
	stopped chan struct{}
}

// shard is the poller's position in one shard.
type shard struct {
	id, parent string
	iter       *string // the next GetRecords' iterator; nil until opened, or after it expired
	start      types.ShardIteratorType
	last       string // sequence number of the last record read (delivered or filtered out)
	done       bool   // read to its end, or skipped
}

// New returns a poller of table's stream (db finds it, streams reads it)
// that calls handler, logging to log, with the defaults above.
func New(db Tables, streams Streams, table string, handler Handler, log *slog.Logger) *Poller {
	return &Poller{
		KeyPrefix: DefaultKeyPrefix, BatchSize: DefaultBatchSize, MaxRetries: DefaultMaxRetries,
		Interval: DefaultInterval, Backoff: DefaultBackoff,
		db: db, streams: streams, table: table, handler: handler, log: log,
		shards: map[string]*shard{},
	}
}

// Start takes the stream's first look (with FromLatest, its iterators at
// LATEST), then polls it in a goroutine until ctx ends. When it returns,
// every change written afterwards will be delivered. Wait waits for the
// goroutine to end.
func (p *Poller) Start(ctx context.Context) error {
	p.mu.Lock()
	err := p.open(ctx)
	p.mu.Unlock()
	if err != nil {
		return err
	}
	p.stopped = make(chan struct{})
	go func() {
		defer close(p.stopped)
		p.loop(ctx)
	}()
	return nil
}

// Wait waits until the goroutine of Start has ended (after ctx ended).
func (p *Poller) Wait() {
	if p.stopped != nil {
		<-p.stopped
	}
}

// Run is Start and Wait: it polls until ctx ends, and returns nil then.
func (p *Poller) Run(ctx context.Context) error {
	if err := p.Start(ctx); err != nil {
		return err
	}
	p.Wait()
	return nil
}

func (p *Poller) loop(ctx context.Context) {
	t := time.NewTicker(p.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.mu.Lock()
		_, err := p.round(ctx)
		p.mu.Unlock()
		if err != nil && ctx.Err() == nil {
			p.log.Warn("stream poll", "table", p.table, "err", err)
		}
	}
}

// Drain delivers everything the stream holds now, and returns when a look
// at every shard finds nothing more (failed batches are retried and given
// up on as usual first). It is safe to call while Run polls: the two take
// turns. Tests write, Drain, then check what the handler did.
func (p *Poller) Drain(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.open(ctx); err != nil {
		return err
	}
	for {
		p.rescan = true // a shard may have appeared since the last look
		busy, err := p.round(ctx)
		if err != nil {
			return err
		}
		if !busy {
			return nil
		}
	}
}

// open finds the stream and takes the first look at its shards, once.
func (p *Poller) open(ctx context.Context) error {
	if p.arn != "" {
		return nil
	}
	out, err := p.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &p.table})
	if err != nil {
		return fmt.Errorf("stream of %s: %w", p.table, err)
	}
	arn := aws.ToString(out.Table.LatestStreamArn)
	if s := out.Table.StreamSpecification; arn == "" || s == nil || !aws.ToBool(s.StreamEnabled) {
		return fmt.Errorf("stream of %s: the table has no stream (tables.Create gives it template.yaml's)", p.table)
	}
	p.arn = arn
	if _, err := p.describe(ctx, true); err != nil {
		p.arn = ""
		return err
	}
	return nil
}

// describe adds the shards it has not seen yet and reports whether there
// were any. first is the poller's first look (FromLatest decides there).
func (p *Poller) describe(ctx context.Context, first bool) (bool, error) {
	in := &dynamodbstreams.DescribeStreamInput{StreamArn: &p.arn}
	added := false
	for {
		out, err := p.streams.DescribeStream(ctx, in)
		if err != nil {
			return added, fmt.Errorf("describe stream %s: %w", p.arn, err)
		}
		for _, s := range out.StreamDescription.Shards {
			id := aws.ToString(s.ShardId)
			if p.shards[id] != nil {
				continue
			}
			sh := &shard{id: id, parent: aws.ToString(s.ParentShardId), start: types.ShardIteratorTypeTrimHorizon}
			if first && p.FromLatest {
				if s.SequenceNumberRange != nil && s.SequenceNumberRange.EndingSequenceNumber != nil {
					sh.done = true // closed before we came: history
				} else {
					sh.start = types.ShardIteratorTypeLatest
					if err := p.openShard(ctx, sh); err != nil {
						return added, err
					}
				}
			}
			p.shards[id] = sh
			p.order = append(p.order, id)
			added = true
		}
		if out.StreamDescription.LastEvaluatedShardId == nil {
			return added, nil
		}
		in.ExclusiveStartShardId = out.StreamDescription.LastEvaluatedShardId
	}
}

// openShard gets sh's iterator: after the last record read, else at its
// starting position.
func (p *Poller) openShard(ctx context.Context, sh *shard) error {
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: &p.arn, ShardId: &sh.id, ShardIteratorType: sh.start}
	if sh.last != "" {
		in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, aws.String(sh.last)
	}
	out, err := p.streams.GetShardIterator(ctx, in)
	if err != nil {
		return fmt.Errorf("shard %s: iterator: %w", sh.id, err)
	}
	sh.iter = out.ShardIterator
	return nil
}

// ready reports whether sh may be read: its parent, if the poller knows
// it, has been read to its end (a child's records follow its parent's).
func (p *Poller) ready(sh *shard) bool {
	parent := p.shards[sh.parent]
	return !sh.done && (parent == nil || parent.done)
}

// round reads each readable shard once and delivers what it finds. busy
// reports whether anything happened: records read, a shard finished or
// found.
func (p *Poller) round(ctx context.Context) (busy bool, err error) {
	p.rounds++
	if p.rescan || p.rounds%describeEvery == 0 {
		added, err := p.describe(ctx, false)
		if err != nil {
			return false, err
		}
		p.rescan, busy = false, added
	}
	for _, id := range p.order {
		sh := p.shards[id]
		if !p.ready(sh) {
			continue
		}
		moved, err := p.poll(ctx, sh)
		if err != nil {
			return busy, err
		}
		busy = busy || moved
	}
	return busy, nil
}

// poll reads one page of sh and delivers its records. moved reports
// whether there were any, or the shard ended.
func (p *Poller) poll(ctx context.Context, sh *shard) (moved bool, err error) {
	if sh.iter == nil {
		if err := p.openShard(ctx, sh); err != nil {
			return false, p.lost(sh, err)
		}
	}
	out, err := p.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: sh.iter})
	if err != nil {
		return false, p.lost(sh, err)
	}
	if err := p.deliver(ctx, out.Records); err != nil {
		return false, err
	}
	if n := len(out.Records); n > 0 {
		sh.last = aws.ToString(out.Records[n-1].Dynamodb.SequenceNumber)
	}
	sh.iter = out.NextShardIterator
	if sh.iter == nil { // closed and read to its end: its children may start
		sh.done, p.rescan = true, true
		return true, nil
	}
	return len(out.Records) > 0, nil
}

// lost handles an error reading sh: an expired iterator is taken again
// after the last record read; records trimmed away (older than 24 hours)
// are skipped; a shard that no longer exists is done with.
func (p *Poller) lost(sh *shard, err error) error {
	var expired *types.ExpiredIteratorException
	var trimmed *types.TrimmedDataAccessException
	var gone *types.ResourceNotFoundException
	switch {
	case errors.As(err, &expired):
		sh.iter = nil
		return nil
	case errors.As(err, &trimmed):
		p.log.Warn("stream records trimmed before they were read", "table", p.table, "shard", sh.id, "after", sh.last)
		sh.iter, sh.last, sh.start = nil, "", types.ShardIteratorTypeTrimHorizon
		return nil
	case errors.As(err, &gone):
		sh.done, p.rescan = true, true
		return nil
	}
	return fmt.Errorf("shard %s: %w", sh.id, err)
}

// deliver filters records and hands them to the handler in batches.
func (p *Poller) deliver(ctx context.Context, records []types.Record) error {
	var batch []events.DynamoDBEventRecord
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := p.invoke(ctx, batch)
		batch = nil
		return err
	}
	for _, r := range records {
		if !p.matches(r) {
			continue
		}
		batch = append(batch, Record(r, p.arn))
		if len(batch) == max(p.BatchSize, 1) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// matches is the mapping's filter: {"dynamodb": {"Keys": {"PK": {"S":
// [{"prefix": KeyPrefix}]}}}}.
func (p *Poller) matches(r types.Record) bool {
	if p.KeyPrefix == "" {
		return true
	}
	if r.Dynamodb == nil {
		return false
	}
	pk, ok := r.Dynamodb.Keys["PK"].(*types.AttributeValueMemberS)
	return ok && strings.HasPrefix(pk.Value, p.KeyPrefix)
}

// invoke calls the handler with one batch until it succeeds, redelivering
// from the first failed record (the whole batch after an error or an
// unknown item identifier), at most MaxRetries times. A batch given up on
// is logged at error level with its sequence numbers, what Lambda's
// failure destination would get; it returns an error only when ctx ends.
func (p *Poller) invoke(ctx context.Context, batch []events.DynamoDBEventRecord) error {
	wait := p.Backoff
	for attempt := 0; ; attempt++ {
		resp, err := p.handler(ctx, events.DynamoDBEvent{Records: batch})
		from := failedFrom(batch, resp, err)
		if from < 0 {
			return nil
		}
		batch = batch[from:]
		if p.MaxRetries >= 0 && attempt >= p.MaxRetries {
			p.log.Error("stream batch given up on", "table", p.table, "attempts", attempt+1,
				"firstSequenceNumber", batch[0].Change.SequenceNumber, "lastSequenceNumber", batch[len(batch)-1].Change.SequenceNumber,
				"records", len(batch), "err", err)
			return nil
		}
		p.log.Warn("stream batch failed, redelivering", "table", p.table, "attempt", attempt+1,
			"from", batch[0].Change.SequenceNumber, "records", len(batch), "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, maxBackoff)
	}
}

// failedFrom is the index of the first record to deliver again, -1 for
// none: as Lambda reads a response with ReportBatchItemFailures, a function
// error or an item identifier that names no record of the batch fails it
// whole; otherwise the earliest failed record and everything after it are
// retried.
func failedFrom(batch []events.DynamoDBEventRecord, resp events.DynamoDBEventResponse, err error) int {
	if err != nil {
		return 0
	}
	from := -1
	for _, f := range resp.BatchItemFailures {
		i := indexOf(batch, f.ItemIdentifier)
		if i < 0 {
			return 0
		}
		if from < 0 || i < from {
			from = i
		}
	}
	return from
}

func indexOf(batch []events.DynamoDBEventRecord, seq string) int {
	for i, r := range batch {
		if seq != "" && r.Change.SequenceNumber == seq {
			return i
		}
	}
	return -1
}
