// Command site is the site function: the reader site's pages, feeds, sitemap,
// robots.txt and static files, and the 404 page of every address no route
// takes. It only wires dependencies; the handler is internal/site.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"eportal/internal/lambdaenv"
	"eportal/internal/site"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "site:", err)
		os.Exit(1)
	}
}

func run() error {
	env, err := lambdaenv.Load(context.Background(), lambdaenv.WithVoters())
	if err != nil {
		return err
	}
	cfg, err := site.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	h := site.New(env.Store, env.Voters, cfg, site.WithLogger(env.Logger), site.WithBudget(env.Budget),
		site.WithBasePath(env.BasePath))
	lambda.Start(lambdaenv.Observe(h.Handle))
	return nil
}
