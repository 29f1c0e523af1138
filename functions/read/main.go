// Command read is the read function: the public, cacheable routes (GET
// /articles, /articles/{slug}, /categories, /links). It only wires
// dependencies; the handler is internal/readapi.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"eportal/internal/lambdaenv"
	"eportal/internal/readapi"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "read:", err)
		os.Exit(1)
	}
}

func run() error {
	env, err := lambdaenv.Load(context.Background())
	if err != nil {
		return err
	}
	h := readapi.New(env.Store, readapi.WithLogger(env.Logger), readapi.WithBudget(env.Budget),
		readapi.WithBasePath(env.BasePath))
	lambda.Start(lambdaenv.Observe(h.Handle))
	return nil
}
