package dynamo

import (
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Timeouts of one DynamoDB call. A call that has not connected in Connect,
// or has had no response headers Response after the request went out, is
// failed (and retried by the SDK while the request's deadline allows)
// instead of holding the request until Lambda kills it.
type Timeouts struct {
	Connect  time.Duration
	Response time.Duration
}

// AWSTimeouts are the deployed functions' timeouts. A DynamoDB call answers
// in milliseconds; these sit well inside the handlers' budgets
// (apigw.Budget: 3 s for reads, 6 s for writes), so a stalled table costs a
// reader one budget and a 503, not 10–30 s and API Gateway's bare 503.
var AWSTimeouts = Timeouts{Connect: time.Second, Response: 1500 * time.Millisecond}

// Retries: the SDK's defaults for DynamoDB (4 attempts; 25 ms base backoff
// for errors other than throttling, whose backoff the SDK starts at 1 s,
// jittered) plus TransactionConflictException, which AWS raises when a plain
// write touches an item inside a pending transaction. Such a write was not
// applied, so sending it again is safe whatever it does (even an ADD). A
// cancelled transaction (TransactionCanceledException) is not retried here:
// the store reads its reasons and decides. The SDK's retry quota (a token
// bucket per client) stops retrying during a long brownout; the request's
// budget bounds the rest.
const (
	maxAttempts = 4
	baseDelay   = 25 * time.Millisecond
)

// ClientOptions returns what every eportal DynamoDB client needs beyond the
// SDK's defaults: timeouts t and the retries above. Pass it first to
// dynamodb.NewFromConfig, before options that replace parts of it (a test's
// fault-injecting HTTP client).
func ClientOptions(t Timeouts) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) { configure(o, t) }
}

func configure(o *dynamodb.Options, t Timeouts) {
	o.HTTPClient = awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = t.Connect }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.TLSHandshakeTimeout = t.Connect
			tr.ResponseHeaderTimeout = t.Response
		})
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = maxAttempts
		so.BaseDelay = baseDelay
		so.Retryables = append(so.Retryables, retry.RetryableErrorCode{
			Codes: map[string]struct{}{"TransactionConflictException": {}},
		})
	})
}
