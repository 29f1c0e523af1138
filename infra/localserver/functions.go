package localserver

import (
	"context"
	"time"

	"eportal/internal/adminapi"
	"eportal/internal/apigw"
	"eportal/internal/dynamo"
	"eportal/internal/readapi"
	"eportal/internal/viewsapi"
)

// Function is one Lambda function's handler as the local server mounts it.
type Function interface {
	Handle(ctx context.Context, req apigw.Request) (apigw.Response, error)
	// Routes returns the route keys ("GET /articles/{slug}") it serves.
	Routes() []string
}

// Functions returns the handler of every function in template.yaml, keyed by
// logical id, wired to store. A function added to the template is added here
// too; TestTemplateRoutesHaveHandlers fails until it is.
func Functions(store *dynamo.Store, now func() time.Time) map[string]Function {
	return map[string]Function{
		"ReadFunction":  readapi.New(store, readapi.WithClock(now)),
		"AdminFunction": adminapi.New(store, adminapi.WithClock(now)),
		"ViewsFunction": viewsapi.New(store, viewsapi.WithClock(now)),
	}
}
