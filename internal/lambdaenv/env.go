// Package lambdaenv reads the configuration every eportal Lambda function
// shares from its environment and builds the clients it needs, once per cold
// start and without any network call: the signing keys, kept in Secrets
// Manager, are read at the first request that needs one (keys.go).
package lambdaenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/internal/apigw"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
	"eportal/internal/keyset"
	"eportal/internal/voter"
)

// Env is the shared configuration of a function.
type Env struct {
	Store  *dynamo.Store // on TABLE_NAME, with cursors signed by Cursors
	Logger *slog.Logger  // JSON, with the request id, as Lambda's own log format
	// Cursors signs and reads list cursors with the cursor keys (nil under
	// WithoutCursors). Its keys are read at the first list request.
	Cursors *cursor.Codec
	// Voters signs and checks poll voter tokens with the voter keys, a key
	// set apart from the cursors' (nil unless WithVoters). Its keys are read
	// at the first request that checks or issues a token.
	Voters *voter.Signer
	// Budget is how long a request may take before it is answered 503:
	// READ_BUDGET for GETs, WRITE_BUDGET otherwise (apigw.DefaultBudget
	// when unset).
	Budget apigw.Budget
	// BasePath is the path prefix the public site is served under
	// (BASE_PATH: "/tin-tuc", or "" for none), that every absolute path a
	// function writes for a browser carries: redirects, links, the voter
	// cookie's Path. Requests arrive without it (the edge strips it).
	BasePath string
	// EdgeSecret is EDGE_ORIGIN_SECRET: the value the edge (CloudFront)
	// sends in X-Edge-Secret, which makes its X-Viewer-Address the client's
	// address (apigw.ClientAddress); empty without an edge.
	EdgeSecret string
}

// minEdgeSecret is the shortest EDGE_ORIGIN_SECRET Load accepts: it stands
// between a client and a forged X-Viewer-Address.
const minEdgeSecret = 32

// Option changes what Load requires.
type Option func(*options)

type options struct {
	noCursors bool
	voters    bool
	fetcher   Fetcher
	getenv    func(string) string
	now       func() time.Time
	log       *slog.Logger
}

// WithoutCursors is for functions that serve no paginated list (views): Load
// then neither needs nor reads the cursor keys, and the Store cannot encode
// or decode list cursors.
func WithoutCursors() Option { return func(o *options) { o.noCursors = true } }

// WithVoters is for functions that issue or check voter tokens (polls,
// site): Load then needs the voter keys too.
func WithVoters() Option { return func(o *options) { o.voters = true } }

// WithSecrets reads key sets through f instead of Secrets Manager (tests).
func WithSecrets(f Fetcher) Option { return func(o *options) { o.fetcher = f } }

// WithClock sets the clock of the key caches (tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithGetenv reads the configuration through getenv instead of os.Getenv
// (tests).
func WithGetenv(getenv func(string) string) Option { return func(o *options) { o.getenv = getenv } }

// Load reads TABLE_NAME, READ_BUDGET, WRITE_BUDGET and BASE_PATH, where the cursor keys
// (and, WithVoters, the voter keys) come from (keyVars: a Secrets Manager
// secret id on AWS, a plain secret locally), and builds the DynamoDB client
// (dynamo.AWSTimeouts, dynamo's retries), the store, the cursor codec and
// the voter signer. The SDK's standard variables apply (AWS_REGION, and
// AWS_ENDPOINT_URL_DYNAMODB for a local endpoint). It reads no secret and
// makes no call. It fails, naming the variable, when one is missing or
// malformed.
func Load(ctx context.Context, opts ...Option) (*Env, error) {
	o := options{getenv: os.Getenv, now: time.Now, log: NewLogger()}
	for _, opt := range opts {
		opt(&o)
	}
	table := o.getenv("TABLE_NAME")
	if table == "" {
		return nil, fmt.Errorf("TABLE_NAME is not set")
	}
	budget := apigw.DefaultBudget
	var err error
	if budget.Read, err = duration(o.getenv, "READ_BUDGET", budget.Read); err != nil {
		return nil, err
	}
	if budget.Write, err = duration(o.getenv, "WRITE_BUDGET", budget.Write); err != nil {
		return nil, err
	}
	basePath, err := BasePathFrom(o.getenv)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	fetcher := func() Fetcher {
		if o.fetcher == nil {
			o.fetcher = SecretsManager(cfg)
		}
		return o.fetcher
	}
	env := &Env{Logger: o.log, Budget: budget, EdgeSecret: o.getenv("EDGE_ORIGIN_SECRET")}
	if n := len(env.EdgeSecret); n > 0 && n < minEdgeSecret {
		return nil, fmt.Errorf("EDGE_ORIGIN_SECRET: want at least %d characters, got %d", minEdgeSecret, n)
	}
	env.BasePath = basePath
	if !o.noCursors {
		src, err := keySource(keyset.Cursor, o.getenv, fetcher, &o)
		if err != nil {
			return nil, err
		}
		env.Cursors = cursor.NewFrom(src)
	}
	if o.voters {
		src, err := keySource(keyset.Voter, o.getenv, fetcher, &o)
		if err != nil {
			return nil, err
		}
		env.Voters = voter.NewSignerFrom(src)
	}
	env.Store = dynamo.New(dynamodb.NewFromConfig(cfg, dynamo.ClientOptions(dynamo.AWSTimeouts)), table, env.Cursors)
	return env, nil
}

// basePathPattern is what BASE_PATH may be: one or more lower-case segments,
// each after a slash, with no trailing slash.
var basePathPattern = regexp.MustCompile(`^(/[a-z0-9-]+)+$`)

// BasePathFrom reads BASE_PATH through getenv: "" when unset, else a path
// such as /tin-tuc (basePathPattern). It fails, naming the variable, on
// anything else.
func BasePathFrom(getenv func(string) string) (string, error) {
	s := getenv("BASE_PATH")
	if s != "" && !basePathPattern.MatchString(s) {
		return "", fmt.Errorf("BASE_PATH: want empty or a path such as /tin-tuc (lower-case letters, digits and hyphens, no trailing slash), got %q", s)
	}
	return s, nil
}

// Duration returns the environment variable name as a Go duration ("30m"),
// or def when it is unset. It fails, naming the variable, on a malformed or
// non-positive value.
func Duration(name string, def time.Duration) (time.Duration, error) {
	return duration(os.Getenv, name, def)
}

func duration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	s := getenv(name)
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
