package streamlocal_test

import (
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"eportal/internal/portal"
)

// TestLifecycle follows articles through the workflow, each change reaching
// the index through DynamoDB Local's stream, the poller and the indexer, as
// on AWS: what a search finds is what readers may see.
func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	// Published: found.
	a := e.create(t, article("a", "Hội nghị báo cáo viên tháng mười một", "<p>Thông tin về sầu riêng Quảng Nam.</p>"))
	e.drain(t)
	e.wantFound(t, "sầu riêng", now, "bai-a")
	e.wantFound(t, "bao cao vien", now, "bai-a")

	// An edit of a published article is the editors' until it is
	// published again: readers, and search, still get the published one.
	ed := a.EditOf()
	ed.Body = "<p>Thông tin về măng cụt Tiên Phước.</p>"
	edited, err := a.Apply(ed, "tester", now)
	a = e.save(t, a, edited, "update", err)
	e.drain(t)
	e.wantFound(t, "măng cụt", now)
	e.wantFound(t, "sầu riêng", now, "bai-a")
	republished, err := a.Publish(nil, nil, "tester", now)
	a = e.save(t, a, republished, "publish", err)
	e.drain(t)
	e.wantFound(t, "măng cụt", now, "bai-a")
	e.wantFound(t, "sầu riêng", now)

	// Unpublished: gone; published again: back.
	draft, err := a.Unpublish("tester", now)
	a = e.save(t, a, draft, "unpublish", err)
	e.drain(t)
	e.wantFound(t, "măng cụt", now)
	again, err := a.Publish(nil, nil, "tester", now)
	a = e.save(t, a, again, "publish", err)
	e.drain(t)
	e.wantFound(t, "măng cụt", now, "bai-a")

	// Archived: gone.
	archived, err := a.Archive("tester", now)
	e.save(t, a, archived, "archive", err)
	e.drain(t)
	e.wantFound(t, "măng cụt", now)

	// Expired: found until its expiresAt, not after, with no write in
	// between (the index keeps it; the query's Now decides).
	x := article("x", "Lịch tiếp công dân", "<p>Lịch tiếp công dân định kỳ của thường trực.</p>")
	x.ExpiresAt = ptr(now.Add(time.Hour))
	e.create(t, x)
	e.drain(t)
	e.wantFound(t, "tiếp công dân", now, "bai-x")
	e.wantFound(t, "tiếp công dân", now.Add(2*time.Hour))

	// Deleted: gone.
	d := e.create(t, article("d", "Thông báo tuyển dụng viên chức", "<p>Hồ sơ dự tuyển nộp trước ngày 15.</p>"))
	e.drain(t)
	e.wantFound(t, "tuyển dụng", now, "bai-d")
	if err := e.Store.DeleteArticle(ctx, d, "tester", now); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	e.wantFound(t, "tuyển dụng", now)

	// A new slug, published: found once, under the new slug (the old one
	// now redirects).
	r := e.create(t, article("r", "Ngày hội đại đoàn kết toàn dân tộc", "<p>Khu dân cư tổ chức ngày hội.</p>"))
	e.drain(t)
	ed = r.EditOf()
	ed.Slug = "ngay-hoi-dai-doan-ket"
	edited, err = r.Apply(ed, "tester", now)
	r = e.save(t, r, edited, "update", err)
	republished, err = r.Publish(nil, nil, "tester", now)
	e.save(t, r, republished, "publish", err)
	e.drain(t)
	e.wantFound(t, "đại đoàn kết", now, "ngay-hoi-dai-doan-ket")

	// A draft is never indexed.
	dr := article("n", "Bản nháp về khuyến nông", "<p>Chưa duyệt.</p>")
	dr.Status, dr.PublishAt = portal.StatusDraft, nil
	e.create(t, dr)
	e.drain(t)
	e.wantFound(t, "khuyến nông", now)

	if len(e.rec.events()) == 0 {
		t.Fatal("the handler was never called")
	}
}

func ptr(t time.Time) *time.Time { return &t }

// TestReplayAndReorder: the index after a stream's batches is the same
// whether they come once, again, reversed or shuffled — Lambda delivers at
// least once, and a retried batch repeats records already indexed.
func TestReplayAndReorder(t *testing.T) {
	e := newEnv(t)
	a := e.create(t, article("a", "Hội thảo chuyển đổi số cấp xã", "<p>Chuyển đổi số ở xã miền núi.</p>"))
	b := e.create(t, article("b", "Kết quả thu hút đầu tư", "<p>Vốn đầu tư vào khu kinh tế mở.</p>"))
	ed := a.EditOf()
	ed.Slug, ed.Body = "hoi-thao-chuyen-doi-so", "<p>Chuyển đổi số ở các xã đồng bằng.</p>"
	edited, err := a.Apply(ed, "tester", now)
	a = e.save(t, a, edited, "update", err)
	published, err := a.Publish(nil, nil, "tester", now)
	e.save(t, a, published, "publish", err)
	draft, err := b.Unpublish("tester", now)
	b = e.save(t, b, draft, "unpublish", err)
	again, err := b.Publish(nil, nil, "tester", now)
	e.save(t, b, again, "publish", err)
	e.create(t, article("c", "Phòng chống thiên tai mùa mưa bão", "<p>Sơ tán dân vùng trũng.</p>"))
	e.drain(t)

	want := searchItems(t, e.DB, e.Table)
	if len(want) == 0 {
		t.Fatal("nothing indexed")
	}
	e.wantFound(t, "đồng bằng", now, "hoi-thao-chuyen-doi-so")
	delivered := e.rec.events()
	var records []events.DynamoDBEventRecord
	for _, ev := range delivered {
		records = append(records, ev.Records...)
	}
	handle := func(recs []events.DynamoDBEventRecord) {
		t.Helper()
		resp, err := e.rec.inner(context.Background(), events.DynamoDBEvent{Records: recs})
		if err != nil || len(resp.BatchItemFailures) > 0 {
			t.Fatalf("handler: %+v, %v", resp, err)
		}
	}
	check := func(what string) {
		t.Helper()
		if got := searchItems(t, e.DB, e.Table); !maps.Equal(got, want) {
			t.Errorf("%s: the index changed:\n got %v\nwant %v", what, got, want)
		}
	}

	for _, ev := range delivered {
		handle(ev.Records)
	}
	check("replayed")
	reversed := slices.Clone(records)
	slices.Reverse(reversed)
	handle(reversed)
	check("reversed")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3 {
		shuffled := slices.Clone(records)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for batch := range slices.Chunk(shuffled, 3) {
			handle(batch)
		}
		check("shuffled")
	}
}

// TestFailureRedelivered: a batch item failure is delivered again from the
// failed record; a handler error, whole.
func TestFailureRedelivered(t *testing.T) {
	for _, viaError := range []bool{false, true} {
		e := newEnv(t)
		var failed string
		e.rec.fail = func(ev events.DynamoDBEvent, call int) (events.DynamoDBEventResponse, error, bool) {
			if call > 1 {
				return events.DynamoDBEventResponse{}, nil, false
			}
			failed = ev.Records[0].Change.SequenceNumber
			if viaError {
				return events.DynamoDBEventResponse{}, errors.New("throttled"), true
			}
			return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: failed}}}, nil, true
		}
		e.create(t, article("a", "Giải báo chí về xây dựng Đảng", "<p>Lễ trao giải búa liềm vàng.</p>"))
		e.drain(t)
		got := e.rec.events()
		if len(got) != 2 || got[1].Records[0].Change.SequenceNumber != failed {
			t.Errorf("error %v: deliveries %d, second from %v; want 2, the second from the failed record %s", viaError, len(got), got, failed)
		}
		e.wantFound(t, "búa liềm", now, "bai-a")
	}
}

// TestGiveUp: a batch that keeps failing is delivered 1+MaxRetries times,
// then skipped, and the stream moves on.
func TestGiveUp(t *testing.T) {
	e := newEnv(t)
	e.poller.MaxRetries = 2
	e.rec.fail = func(ev events.DynamoDBEvent, _ int) (events.DynamoDBEventResponse, error, bool) {
		for _, r := range ev.Records {
			if r.Change.Keys["PK"].String() == "SLUG#bai-bad" {
				return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: r.Change.SequenceNumber}}}, nil, true
			}
		}
		return events.DynamoDBEventResponse{}, nil, false
	}
	bad := article("bad", "Tin lỗi về hồ chứa nước", "<p>Hồ chứa nước Phú Ninh.</p>")
	bad.Slug = "bai-bad"
	e.create(t, bad)
	e.drain(t)
	if n := len(e.rec.events()); n != 3 {
		t.Errorf("deliveries of the failing batch = %d; want 3 (1 + MaxRetries)", n)
	}
	e.wantFound(t, "hồ chứa", now)
	e.create(t, article("ok", "Tin đúng về lúa vụ đông", "<p>Gieo cấy lúa vụ đông xuân.</p>"))
	e.drain(t)
	e.wantFound(t, "vụ đông", now, "bai-ok")
}

// TestFromLatest is `make run`'s start: what the stream held before is
// left to the backfill (Store.IndexAll); what is written after Start is
// delivered.
func TestFromLatest(t *testing.T) {
	e := newEnv(t)
	e.create(t, article("old", "Tin cũ về cầu Cửa Đại", "<p>Khánh thành cầu Cửa Đại.</p>"))
	e.poller.FromLatest = true
	ctx, cancel := context.WithCancel(context.Background())
	if err := e.poller.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.create(t, article("new", "Tin mới về phố cổ Hội An", "<p>Đêm phố cổ Hội An.</p>"))
	deadline := time.Now().Add(10 * time.Second)
	for len(e.found(t, "phố cổ", now)) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	e.poller.Wait()
	e.wantFound(t, "phố cổ", now, "bai-new")
	e.wantFound(t, "cầu cửa đại", now)
	if n, err := e.Store.IndexAll(context.Background(), nil); err != nil || n != 2 {
		t.Fatalf("IndexAll = %d, %v; want 2", n, err)
	}
	e.wantFound(t, "cầu cửa đại", now, "bai-old")
}
