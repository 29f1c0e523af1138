// Command admin is the admin function: every /admin route of the editorial
// workflow, behind the API's JWT authorizer. It only wires dependencies; the
// handler is internal/adminapi.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"eportal/internal/adminapi"
	"eportal/internal/lambdaenv"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "admin:", err)
		os.Exit(1)
	}
}

func run() error {
	env, err := lambdaenv.Load(context.Background())
	if err != nil {
		return err
	}
	h := adminapi.New(env.Store, adminapi.WithLogger(env.Logger), adminapi.WithBudget(env.Budget))
	lambda.Start(lambdaenv.Observe(h.Handle))
	return nil
}
