package dynamotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Fault is what Faults does to one HTTP request of the SDK.
type Fault int

const (
	// Pass sends the request on untouched.
	Pass Fault = iota
	// Throttle answers 400 ProvisionedThroughputExceededException without
	// sending the request: the SDK retries it, then gives up.
	Throttle
	// Conflict answers a TransactWriteItems with TransactionCanceledException
	// whose last reason is TransactionConflict, without sending it: the SDK
	// does not retry it.
	Conflict
	// LoseResponse sends the request — the table applies it — and then
	// fails as a reset connection: the SDK sends it again.
	LoseResponse
	// WriteConflict answers a plain write (PutItem, UpdateItem, DeleteItem)
	// with TransactionConflictException, without sending it: what AWS does
	// when the item is inside a pending transaction.
	WriteConflict
	// ServerError answers 500 InternalServerError without sending it.
	ServerError
	// Refuse fails as a refused connection, without sending.
	Refuse
	// Stall holds the request until its context ends: a table that takes
	// the request and never answers.
	Stall
)

// Rule picks the fault for a request from its operation ("PutItem",
// "TransactWriteItems"…) and its JSON body.
type Rule func(op, body string) Fault

// On returns a rule that applies fault to the first times requests of op
// whose body contains `"<keyPrefix>` (a key such as "VIEWS#"; "" for any).
func On(op, keyPrefix string, fault Fault, times int) Rule {
	var mu sync.Mutex
	n := 0
	return func(o, body string) Fault {
		mu.Lock()
		defer mu.Unlock()
		if o == op && strings.Contains(body, `"`+keyPrefix) && n < times {
			n++
			return fault
		}
		return Pass
	}
}

// AtRate returns a rule that applies fault to each request of op (any op
// when "") with probability p, drawn from rnd (a seeded source makes a run
// repeatable). It is safe for concurrent use.
func AtRate(op string, fault Fault, p float64, rnd *rand.Rand) Rule {
	var mu sync.Mutex
	return func(o, _ string) Fault {
		if op != "" && o != op {
			return Pass
		}
		mu.Lock()
		defer mu.Unlock()
		if rnd.Float64() < p {
			return fault
		}
		return Pass
	}
}

// Faults sits between the SDK and DynamoDB Local (SPEC §5) and makes
// requests fail as they do on AWS: throttled, cancelled by a conflicting
// transaction, or applied with the response lost. Install it with Option.
// It is safe for concurrent use.
type Faults struct {
	next *http.Client

	mu          sync.Mutex
	rule        Rule
	renewTokens bool
	hits        int
	sent        map[string]int
}

// NewFaults returns Faults that pass everything until Set gives a rule.
func NewFaults() *Faults {
	return &Faults{next: &http.Client{Timeout: 30 * time.Second}, sent: map[string]int{}}
}

// Option makes a DynamoDB client send its requests through f.
func (f *Faults) Option() func(*dynamodb.Options) {
	return func(o *dynamodb.Options) { o.HTTPClient = f }
}

// Set replaces the rule (nil: pass everything) and resets the counts.
func (f *Faults) Set(rule Rule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rule, f.hits, f.sent = rule, 0, map[string]int{}
}

// RenewTokens gives every TransactWriteItems sent a fresh
// ClientRequestToken, so that an SDK retry executes again instead of being
// answered from DynamoDB's idempotency cache: what a retry after the
// token's 10 minutes, or by the caller's own code, does.
func (f *Faults) RenewTokens(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.renewTokens = on
}

// Hits returns how many requests got a fault since the last Set.
func (f *Faults) Hits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits
}

// Sent returns how many requests of op reached the table since the last Set.
func (f *Faults) Sent(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sent[op]
}

// Do serves one request of the SDK.
func (f *Faults) Do(req *http.Request) (*http.Response, error) {
	op := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	fault := Pass
	if f.rule != nil {
		fault = f.rule(op, string(body))
	}
	if fault != Pass {
		f.hits++
	}
	renew := f.renewTokens && op == "TransactWriteItems"
	if fault == Pass || fault == LoseResponse {
		f.sent[op]++
	}
	f.mu.Unlock()

	switch fault {
	case Throttle:
		return awsError(req, http.StatusBadRequest, "ProvisionedThroughputExceededException", `"message":"injected"`), nil
	case Conflict:
		return awsError(req, http.StatusBadRequest, "TransactionCanceledException",
			`"message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]",`+
				`"CancellationReasons":[{"Code":"None"},{"Code":"TransactionConflict","Message":"Transaction is ongoing for the item"}]`), nil
	case WriteConflict:
		return awsError(req, http.StatusBadRequest, "TransactionConflictException", `"message":"Transaction is ongoing for the item"`), nil
	case ServerError:
		return awsError(req, http.StatusInternalServerError, "InternalServerError", `"message":"injected"`), nil
	case Refuse:
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	case Stall:
		<-req.Context().Done()
		return nil, req.Context().Err()
	}
	if renew {
		var in map[string]any
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, err
		}
		in["ClientRequestToken"] = fmt.Sprintf("renewed-%d", time.Now().UnixNano())
		body, _ = json.Marshal(in)
		req = req.Clone(req.Context())
		req.Header.Set("Content-Length", fmt.Sprint(len(body)))
	}
	req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	resp, err := f.next.Do(req)
	if err != nil || fault != LoseResponse {
		return resp, err
	}
	// The table applied it; the client never hears of it. The SDK retries
	// errors that say "connection reset".
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, errors.New("injected: connection reset after the request was sent")
}

func awsError(req *http.Request, status int, typ, fields string) *http.Response {
	body := `{"__type":"com.amazonaws.dynamodb.v20120810#` + typ + `",` + fields + `}`
	return &http.Response{
		StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amzn-Requestid": {"injected"}},
		Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}
}
