// Package lambdaenv reads the configuration every eportal Lambda function
// shares from its environment and builds the clients it needs, once per cold
// start and without any network call.
package lambdaenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/internal/apigw"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
	"eportal/internal/voter"
)

// Env is the shared configuration of a function.
type Env struct {
	Store  *dynamo.Store // on TABLE_NAME, with cursors keyed by CURSOR_SECRET
	Logger *slog.Logger  // JSON, with the request id, as Lambda's own log format
	// Voters signs and checks poll voter tokens, with a key derived from
	// CURSOR_SECRET for that purpose only.
	Voters *voter.Signer
	// Budget is how long a request may take before it is answered 503:
	// READ_BUDGET for GETs, WRITE_BUDGET otherwise (apigw.DefaultBudget
	// when unset).
	Budget apigw.Budget
}

// Option changes what Load requires.
type Option func(*options)

type options struct{ noCursors bool }

// WithoutCursors is for functions that serve no paginated list (views): Load
// then neither needs nor reads CURSOR_SECRET, and the Store cannot encode or
// decode list cursors.
func WithoutCursors() Option { return func(o *options) { o.noCursors = true } }

// Load reads TABLE_NAME, CURSOR_SECRET, READ_BUDGET and WRITE_BUDGET and
// builds the DynamoDB client (dynamo.AWSTimeouts, dynamo's retries) and
// store. The SDK's standard variables apply (AWS_REGION, and
// AWS_ENDPOINT_URL_DYNAMODB for a local endpoint). It fails, naming the
// variable, when one is missing.
func Load(ctx context.Context, opts ...Option) (*Env, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		return nil, fmt.Errorf("TABLE_NAME is not set")
	}
	var (
		codec  *cursor.Codec
		voters *voter.Signer
	)
	if !o.noCursors {
		secret := []byte(os.Getenv("CURSOR_SECRET"))
		var err error
		if codec, err = cursor.New(secret); err != nil {
			return nil, fmt.Errorf("CURSOR_SECRET: %w", err)
		}
		if voters, err = voter.NewSigner(secret); err != nil {
			return nil, fmt.Errorf("CURSOR_SECRET: %w", err)
		}
	}
	budget := apigw.DefaultBudget
	var err error
	if budget.Read, err = Duration("READ_BUDGET", budget.Read); err != nil {
		return nil, err
	}
	if budget.Write, err = Duration("WRITE_BUDGET", budget.Write); err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	return &Env{
		Store:  dynamo.New(dynamodb.NewFromConfig(cfg, dynamo.ClientOptions(dynamo.AWSTimeouts)), table, codec),
		Logger: lambdacontext.NewLogger(),
		Voters: voters,
		Budget: budget,
	}, nil
}

// Duration returns the environment variable name as a Go duration ("30m"),
// or def when it is unset. It fails, naming the variable, on a malformed or
// non-positive value.
func Duration(name string, def time.Duration) (time.Duration, error) {
	s := os.Getenv(name)
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: want a positive duration such as 30m, got %q", name, s)
	}
	return d, nil
}

// Int returns the environment variable name as an integer from 1 to max, or
// def when it is unset. It fails, naming the variable, on anything else.
func Int(name string, def, max int) (int, error) {
	s := os.Getenv(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, fmt.Errorf("%s: want an integer from 1 to %d, got %q", name, max, s)
	}
	return n, nil
}
