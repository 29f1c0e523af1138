// Command mediaprocessor checks each image uploaded to the media bucket and
// makes its variants, on the bucket's ObjectCreated event for uploads/. It
// only wires dependencies; the processor is internal/mediaapi.
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
		fmt.Fprintln(os.Stderr, "mediaprocessor:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	env, err := lambdaenv.Load(ctx, lambdaenv.WithoutCursors())
	if err != nil {
		return err
	}
	media, err := mediaenv.Load(ctx)
	if err != nil {
		return err
	}
	p := mediaapi.NewProcessor(env.Store, media.Bucket, media.BaseURL, mediaapi.WithLogger(env.Logger))
	lambda.Start(p.HandleS3)
	return nil
}
