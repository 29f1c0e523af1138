package localserver

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"eportal/infra/localauth"
	"eportal/internal/adminapi"
	"eportal/internal/apigw"
	"eportal/internal/bucket"
	"eportal/internal/console"
	"eportal/internal/dynamo"
	"eportal/internal/indexer"
	"eportal/internal/mediaapi"
	"eportal/internal/pollsapi"
	"eportal/internal/portal"
	"eportal/internal/readapi"
	"eportal/internal/site"
	"eportal/internal/viewsapi"
	"eportal/internal/voter"
)

// localVoterSecret keys the local stack's poll voter tokens. It is fixed so
// that a browser's token survives a restart of `make run`; deployed functions
// derive theirs from the stack's secret (lambdaenv).
var localVoters, _ = voter.NewSigner([]byte("eportal local voter tokens, not a secret"))

// Function is one Lambda function's handler as the local server mounts it.
type Function interface {
	Handle(ctx context.Context, req apigw.Request) (apigw.Response, error)
	// Routes returns the route keys ("GET /articles/{slug}") it serves.
	Routes() []string
}

// FunctionOption configures the handlers Functions returns.
type FunctionOption func(*functionOptions)

type functionOptions struct {
	mediaBucket mediaapi.Bucket
	mediaBase   string
}

// WithMediaBucket gives MediaFunction its bucket and MEDIA_BASE_URL (a
// MediaStore's Bucket and BaseURL). Without it MediaFunction answers 503:
// the server has no media store.
func WithMediaBucket(b mediaapi.Bucket, baseURL string) FunctionOption {
	return func(o *functionOptions) { o.mediaBucket, o.mediaBase = b, baseURL }
}

// Functions returns the handler of every function in template.yaml, keyed by
// logical id, wired to store, each answering within budget. A function added
// to the template is added here too; TestTemplateRoutesHaveHandlers fails
// until it is. Handing every handler the *dynamo.Store is also where the
// compiler checks that the adapter implements each handler's Store.
func Functions(store *dynamo.Store, now func() time.Time, budget apigw.Budget, opts ...FunctionOption) map[string]Function {
	o := functionOptions{mediaBucket: noBucket{}, mediaBase: MediaBaseURL}
	for _, f := range opts {
		f(&o)
	}
	return map[string]Function{
		"MediaFunction": mediaapi.New(store, o.mediaBucket, o.mediaBase, mediaapi.WithClock(now), mediaapi.WithBudget(budget)),
		"ReadFunction":  readapi.New(store, readapi.WithClock(now), readapi.WithBudget(budget)),
		"AdminFunction": adminapi.New(store, adminapi.WithClock(now), adminapi.WithBudget(budget)),
		"ViewsFunction": viewsapi.New(store, viewsapi.WithClock(now), viewsapi.WithBudget(budget)),
		"PollsFunction": pollsapi.New(store, localVoters, pollsapi.WithClock(now), pollsapi.WithBudget(budget)),
		"SiteFunction":  site.New(store, localVoters, site.DemoConfig(), site.WithClock(now), site.WithBudget(budget)),
		// The console signs in at the hosted UI's stand-in on the same
		// origin (ConsoleHandler mounts it), as the local client.
		"ConsoleFunction": console.New(console.Config{AuthURL: localauth.HostedUIPath, ClientID: localauth.Audience}),
	}
}

// noBucket is MediaFunction's bucket in a server without a media store.
type noBucket struct{}

func (noBucket) err() error {
	return portal.Errorf(portal.EUNAVAILABLE, "This server has no media store.")
}

func (b noBucket) PresignPut(context.Context, string, string, int64, time.Duration) (string, error) {
	return "", b.err()
}
func (b noBucket) Get(context.Context, string, int64) ([]byte, error)        { return nil, b.err() }
func (b noBucket) Put(context.Context, string, string, string, []byte) error { return b.err() }
func (b noBucket) Delete(context.Context, ...string) error                   { return b.err() }
func (b noBucket) PutAttachment(context.Context, string, string, string, string, []byte) error {
	return b.err()
}

// StreamHandler is a function fed by the table's stream, as Lambda calls it
// (and infra/streamlocal locally).
type StreamHandler func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// StreamFunctions returns the handler of every function in template.yaml
// that reads the table's stream rather than serving routes, keyed by
// logical id, wired to store. TestTemplateRoutesHaveHandlers holds it to
// the template's stream consumers (template.StreamConsumers).
func StreamFunctions(store *dynamo.Store, log *slog.Logger) map[string]StreamHandler {
	return map[string]StreamHandler{
		"IndexerFunction": indexer.New(store, log).Handle,
	}
}

// BucketHandler is a function fed by a bucket's S3 events, as Lambda calls
// it.
type BucketHandler func(context.Context, events.S3Event) error

// BucketFunctions returns the handler of every function in template.yaml
// fed by a bucket's events rather than serving routes, keyed by logical id,
// wired to store and b; baseURL is where variants are served
// (MEDIA_BASE_URL). TestTemplateRoutesHaveHandlers holds it to the
// template's bucket consumers (template.BucketConsumers).
func BucketFunctions(store *dynamo.Store, b *bucket.Bucket, baseURL string, log *slog.Logger) map[string]BucketHandler {
	return map[string]BucketHandler{
		"MediaProcessorFunction": mediaapi.NewProcessor(store, b, baseURL, mediaapi.WithLogger(log)).HandleS3,
	}
}
