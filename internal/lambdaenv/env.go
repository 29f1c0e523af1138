// Package lambdaenv reads the configuration every eportal Lambda function
// shares from its environment and builds the clients it needs, once per cold
// start and without any network call.
package lambdaenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/internal/cursor"
	"eportal/internal/dynamo"
	"eportal/internal/voter"
)

// Env is the shared configuration of a function.
type Env struct {
	Table  string        // TABLE_NAME
	Store  *dynamo.Store // on Table, with cursors keyed by CURSOR_SECRET
	Logger *slog.Logger  // JSON, with the request id, as Lambda's own log format
	DB     *dynamodb.Client
	// Voters signs and checks poll voter tokens, with a key derived from
	// CURSOR_SECRET for that purpose only.
	Voters *voter.Signer
}

// Load reads TABLE_NAME and CURSOR_SECRET and builds the DynamoDB client and
// store. The SDK's standard variables apply (AWS_REGION, and
// AWS_ENDPOINT_URL_DYNAMODB for a local endpoint). It fails, naming the
// variable, when one is missing.
func Load(ctx context.Context) (*Env, error) {
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		return nil, fmt.Errorf("TABLE_NAME is not set")
	}
	secret := os.Getenv("CURSOR_SECRET")
	codec, err := cursor.New([]byte(secret))
	if err != nil {
		return nil, fmt.Errorf("CURSOR_SECRET: %w", err)
	}
	voters, err := voter.NewSigner([]byte(secret))
	if err != nil {
		return nil, fmt.Errorf("CURSOR_SECRET: %w", err)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	db := dynamodb.NewFromConfig(cfg)
	return &Env{
		Table:  table,
		Store:  dynamo.New(db, table, codec),
		Logger: lambdacontext.NewLogger(),
		DB:     db,
		Voters: voters,
	}, nil
}
