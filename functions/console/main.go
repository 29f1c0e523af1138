// Command console is the console function: the editors' console at
// /quan-tri/, static files and config.json. It only wires configuration;
// the handler is internal/console. It has no table and no AWS client.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"eportal/internal/apigw"
	"eportal/internal/console"
	"eportal/internal/metrics"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "console:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, base, err := console.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	h := console.New(cfg, console.WithBasePath(base))
	// lambdaenv.Observe, without lambdaenv, which links the AWS SDK.
	lambda.Start(apigw.Instrument(metrics.New(os.Stdout, os.Getenv("AWS_LAMBDA_FUNCTION_NAME")), h.Handle))
	return nil
}
