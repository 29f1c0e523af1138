package streamlocal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"eportal/infra/streamlocal"
)

// fakeStream is a stream whose shards a test opens, closes and fills, for
// what DynamoDB Local cannot be made to do on demand: split shards.
type fakeStream struct {
	mu     sync.Mutex
	order  []string
	shards map[string]*fakeShard
	seq    int
}

type fakeShard struct {
	parent  string
	records []types.Record
	closed  bool
}

const fakeArn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-11-30T00:00:00.000"

func newFakeStream() *fakeStream { return &fakeStream{shards: map[string]*fakeShard{}} }

func (f *fakeStream) shard(id, parent string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.order = append(f.order, id)
	f.shards[id] = &fakeShard{parent: parent}
}

// put appends a record of key pk to shard id; its sequence number is its
// name, so tests can read the order of delivery.
func (f *fakeStream) put(id string, pks ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, pk := range pks {
		f.seq++
		keys := map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: "SLUG"}}
		f.shards[id].records = append(f.shards[id].records, types.Record{
			EventName: types.OperationTypeInsert, EventSource: aws.String("aws:dynamodb"),
			Dynamodb: &types.StreamRecord{Keys: keys, NewImage: keys, SequenceNumber: aws.String(fmt.Sprintf("%s-%03d", id, f.seq))},
		})
	}
}

func (f *fakeStream) close(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.shards[id].closed = true
}

func (f *fakeStream) DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return &dynamodb.DescribeTableOutput{Table: &dtypes.TableDescription{
		LatestStreamArn:     aws.String(fakeArn),
		StreamSpecification: &dtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: dtypes.StreamViewTypeNewAndOldImages},
	}}, nil
}

// DescribeStream lists the shards one a page, to exercise the paging.
func (f *fakeStream) DescribeStream(_ context.Context, in *dynamodbstreams.DescribeStreamInput, _ ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := 0
	if in.ExclusiveStartShardId != nil {
		i = slices.Index(f.order, *in.ExclusiveStartShardId) + 1
	}
	desc := &types.StreamDescription{StreamArn: in.StreamArn}
	if i < len(f.order) {
		id := f.order[i]
		s := f.shards[id]
		r := &types.SequenceNumberRange{StartingSequenceNumber: aws.String("0")}
		if s.closed {
			r.EndingSequenceNumber = aws.String("9")
		}
		sh := types.Shard{ShardId: aws.String(id), SequenceNumberRange: r}
		if s.parent != "" {
			sh.ParentShardId = aws.String(s.parent)
		}
		desc.Shards = []types.Shard{sh}
		if i+1 < len(f.order) {
			desc.LastEvaluatedShardId = aws.String(id)
		}
	}
	return &dynamodbstreams.DescribeStreamOutput{StreamDescription: desc}, nil
}

func (f *fakeStream) GetShardIterator(_ context.Context, in *dynamodbstreams.GetShardIteratorInput, _ ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.shards[*in.ShardId]
	pos := 0
	switch in.ShardIteratorType {
	case types.ShardIteratorTypeLatest:
		pos = len(s.records)
	case types.ShardIteratorTypeAfterSequenceNumber:
		pos = slices.IndexFunc(s.records, func(r types.Record) bool { return *r.Dynamodb.SequenceNumber == *in.SequenceNumber }) + 1
	}
	return &dynamodbstreams.GetShardIteratorOutput{ShardIterator: aws.String(*in.ShardId + "@" + strconv.Itoa(pos))}, nil
}

// GetRecords returns at most 7 records a call, so a batch can span pages.
func (f *fakeStream) GetRecords(_ context.Context, in *dynamodbstreams.GetRecordsInput, _ ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, p, _ := strings.Cut(*in.ShardIterator, "@")
	pos, _ := strconv.Atoi(p)
	s := f.shards[id]
	end := min(pos+7, len(s.records))
	out := &dynamodbstreams.GetRecordsOutput{Records: s.records[pos:end]}
	if !s.closed || end < len(s.records) {
		out.NextShardIterator = aws.String(id + "@" + strconv.Itoa(end))
	}
	return out, nil
}

// delivered records the batches a poller hands over, as sequence numbers.
type delivered struct {
	mu      sync.Mutex
	batches [][]string
}

func (d *delivered) handle(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var seqs []string
	for _, r := range ev.Records {
		seqs = append(seqs, r.Change.SequenceNumber)
	}
	d.mu.Lock()
	d.batches = append(d.batches, seqs)
	d.mu.Unlock()
	return events.DynamoDBEventResponse{}, nil
}

// take returns the sequence numbers delivered since the last take.
func (d *delivered) take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := slices.Concat(d.batches...)
	d.batches = nil
	return out
}

func drainFake(t *testing.T, p *streamlocal.Poller) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestShards: a child shard is read after its parent, whatever order the
// stream lists them in; shards that appear later are read from their
// start; records the filter drops never reach the handler; batches hold at
// most BatchSize records.
func TestShards(t *testing.T) {
	f := newFakeStream()
	f.shard("child", "parent") // listed before its parent
	f.shard("parent", "")
	f.put("parent", "SLUG#a", "VIEWS#a", "SLUG#b")
	f.close("parent")
	f.put("child", "SLUG#c")
	d := &delivered{}
	p := streamlocal.New(f, f, "t", d.handle, slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	drainFake(t, p)
	if got, want := d.take(), []string{"parent-001", "parent-003", "child-004"}; !slices.Equal(got, want) {
		t.Errorf("delivered %v; want %v (parent first, VIEWS# filtered out)", got, want)
	}

	// A shard appears, the open child goes on, then closes and splits.
	f.shard("late", "")
	f.put("late", "SLUG#d")
	f.put("child", "SLUG#e")
	drainFake(t, p)
	if got := d.take(); !slices.Equal(sorted(got), []string{"child-006", "late-005"}) {
		t.Errorf("delivered %v; want the late shard's record and the child's new one", got)
	}
	f.shard("grandchild", "child")
	f.put("grandchild", "SLUG#f")
	drainFake(t, p)
	if got := d.take(); len(got) != 0 {
		t.Errorf("delivered %v before the child shard closed; want nothing", got)
	}
	f.put("child", "SLUG#g")
	f.close("child")
	drainFake(t, p)
	if got, want := d.take(), []string{"child-008", "grandchild-007"}; !slices.Equal(got, want) {
		t.Errorf("delivered %v; want %v (the child to its end, then its child)", got, want)
	}

	// 25 records, in pages of 7: batches of 10, 10 and 5.
	f.shard("big", "")
	for range 25 {
		f.put("big", "SLUG#h")
	}
	f.close("big")
	drainFake(t, p)
	d.mu.Lock()
	var sizes []int
	for _, b := range d.batches {
		sizes = append(sizes, len(b))
	}
	d.mu.Unlock()
	if len(d.take()) != 25 || slices.Max(sizes) > streamlocal.DefaultBatchSize {
		t.Errorf("batch sizes %v; want 25 records, at most %d a batch", sizes, streamlocal.DefaultBatchSize)
	}
}

// TestShardsFromLatest: with FromLatest, closed shards are history and open
// ones are read from the end they had at the first look.
func TestShardsFromLatest(t *testing.T) {
	f := newFakeStream()
	f.shard("old", "")
	f.put("old", "SLUG#a")
	f.close("old")
	f.shard("open", "old")
	f.put("open", "SLUG#b")
	d := &delivered{}
	p := streamlocal.New(f, f, "t", d.handle, slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	p.FromLatest = true
	drainFake(t, p)
	if got := d.take(); len(got) != 0 {
		t.Errorf("delivered %v; want nothing written before the first look", got)
	}
	f.put("open", "SLUG#c")
	drainFake(t, p)
	if got, want := d.take(), []string{"open-003"}; !slices.Equal(got, want) {
		t.Errorf("delivered %v; want %v", got, want)
	}
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// TestRecordJSON: a converted record marshals as Lambda's event does.
func TestRecordJSON(t *testing.T) {
	at := time.Date(2026, 11, 30, 8, 1, 2, 345e6, time.UTC)
	r := types.Record{
		AwsRegion: aws.String("ap-southeast-1"), EventID: aws.String("e1"), EventName: types.OperationTypeModify,
		EventSource: aws.String("aws:dynamodb"), EventVersion: aws.String("1.1"),
		Dynamodb: &types.StreamRecord{
			ApproximateCreationDateTime: &at,
			Keys:                        map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "SLUG#a"}},
			NewImage: map[string]types.AttributeValue{
				"n": &types.AttributeValueMemberN{Value: "7"}, "b": &types.AttributeValueMemberBOOL{Value: true},
				"x": &types.AttributeValueMemberNULL{Value: true}, "ss": &types.AttributeValueMemberSS{Value: []string{"a", "b"}},
				"l": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "s"}}},
				"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"k": &types.AttributeValueMemberB{Value: []byte("hi")}}},
			},
			SequenceNumber: aws.String("42"), SizeBytes: aws.Int64(99), StreamViewType: types.StreamViewTypeNewAndOldImages,
		},
		UserIdentity: &types.Identity{Type: aws.String("Service"), PrincipalId: aws.String("dynamodb.amazonaws.com")},
	}
	got, err := json.Marshal(streamlocal.Record(r, fakeArn))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"awsRegion":"ap-southeast-1","dynamodb":{"ApproximateCreationDateTime":1796025662,` +
		`"Keys":{"PK":{"S":"SLUG#a"}},"NewImage":{"b":{"BOOL":true},"l":{"L":[{"S":"s"}]},"m":{"M":{"k":{"B":"aGk="}}},` +
		`"n":{"N":"7"},"ss":{"SS":["a","b"]},"x":{"NULL":true}},"SequenceNumber":"42","SizeBytes":99,` +
		`"StreamViewType":"NEW_AND_OLD_IMAGES"},"eventID":"e1","eventName":"MODIFY","eventSource":"aws:dynamodb",` +
		`"eventVersion":"1.1","eventSourceARN":"` + fakeArn + `","userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"}}`
	if string(got) != want {
		t.Errorf("record JSON:\n got %s\nwant %s", got, want)
	}
	var back events.DynamoDBEventRecord
	if err := json.Unmarshal(got, &back); err != nil || back.Change.NewImage["n"].Number() != "7" {
		t.Errorf("Lambda's decoding of it: %+v, %v", back, err)
	}
}
