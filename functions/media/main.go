// Command media is the media library's API function: POST and GET /admin/media,
// GET and DELETE /admin/media/{id}, behind the API's JWT authorizer. It only
// wires dependencies; the handler is internal/mediaapi.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"eportal/internal/lambdaenv"
	"eportal/internal/lambdaenv/mediaenv"
	"eportal/internal/mediaapi"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "media:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	env, err := lambdaenv.Load(ctx)
	if err != nil {
		return err
	}
	media, err := mediaenv.Load(ctx)
	if err != nil {
		return err
	}
	h := mediaapi.New(env.Store, media.Bucket, media.BaseURL,
		mediaapi.WithLogger(env.Logger), mediaapi.WithBudget(env.Budget))
	lambda.Start(lambdaenv.Observe(h.Handle))
	return nil
}
