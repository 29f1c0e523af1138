// Command polls is the polls function: the active polls, one poll with its
// results, and votes (GET /polls, GET /polls/{id}, POST /polls/{id}/votes).
// It only wires dependencies; the handler is internal/pollsapi.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"eportal/internal/lambdaenv"
	"eportal/internal/pollsapi"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "polls:", err)
		os.Exit(1)
	}
}

func run() error {
	env, err := lambdaenv.Load(context.Background(), lambdaenv.WithVoters())
	if err != nil {
		return err
	}
	h := pollsapi.New(env.Store, env.Voters, pollsapi.WithLogger(env.Logger), pollsapi.WithBudget(env.Budget),
		pollsapi.WithEdgeSecret(env.EdgeSecret), pollsapi.WithBasePath(env.BasePath))
	lambda.Start(lambdaenv.Observe(h.Handle))
	return nil
}
