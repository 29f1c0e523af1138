package lambdaenv

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"eportal/internal/apigw"
	"eportal/internal/metrics"
)

// NewLogger returns the functions' logger: Lambda's own log format with
// its request id (lambdacontext), plus API Gateway's request id
// (apigw.RequestIDKey) on every line logged with a handler's context, which
// joins a function's lines to the access log's.
func NewLogger() *slog.Logger {
	return slog.New(apigw.LogHandler(lambdacontext.NewLogHandler()))
}

// Observe returns h as a function starts it on Lambda: each invocation's
// metrics written as one embedded-metric-format line to stdout (where
// CloudWatch Logs extracts them), under the function's name
// (AWS_LAMBDA_FUNCTION_NAME) as the Function dimension. Locally handlers
// run without it, so nothing is written.
func Observe(h apigw.HandlerFunc) apigw.HandlerFunc {
	return apigw.Instrument(metrics.New(os.Stdout, os.Getenv("AWS_LAMBDA_FUNCTION_NAME")), h)
}
