package ddblocal

import (
	"context"
	"eportal/internal/dynamo"
	"fmt"
	"net/url"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/logging"
)

// LocalTimeouts are the client timeouts against DynamoDB Local: the deployed
// connect timeout and no response timeout. A local engine busy with a test
// suite's hundreds of concurrent transactions on two cores can take longer
// than any response timeout that makes sense on AWS, and a timed-out write
// is sent again (an ADD counted twice). Requests still end with their
// budget (apigw.Budget). The deployed values are tested against a stalled
// engine in infra/localserver's TestStalledStore.
var LocalTimeouts = dynamo.Timeouts{Connect: dynamo.AWSTimeouts.Connect}

// NewClient returns a DynamoDB client for a local endpoint such as
// Instance.Endpoint: region $AWS_REGION or us-east-1 and fixed dummy
// credentials, so no real AWS credentials are looked up and no network call
// is made, with eportal's client options (dynamo.ClientOptions with
// LocalTimeouts). The shared config files are still read, as
// config.LoadDefaultConfig does: ignoring them would make an AWS_PROFILE that names an existing
// profile an error. optFns are applied last. It fails if endpoint is not an
// http(s) URL or the shared config cannot be loaded (AWS_PROFILE naming a
// missing profile).
func NewClient(ctx context.Context, endpoint string, optFns ...func(*dynamodb.Options)) (*dynamodb.Client, error) {
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("dynamodb local client: invalid endpoint %q", endpoint)
	}
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion(region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")),
	)
	if err != nil {
		return nil, fmt.Errorf("dynamodb local client: load config: %w", err)
	}
	opts := append([]func(*dynamodb.Options){dynamo.ClientOptions(LocalTimeouts), func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		// DynamoDB's own CRC32 check, not the flexible checksums that
		// aws.Config.ResponseChecksumValidation controls (DynamoDB ignores
		// that setting). DynamoDB Local sends no X-Amz-Crc32 header on error
		// responses, so the check fails when the body is closed and the SDK
		// logs "failed to close HTTP response body" for every expected
		// error, such as a failed condition.
		o.DisableValidateResponseChecksum = true
		// DynamoDB Local's Jetty drops idle keep-alive connections under
		// load, and the SDK warns "failed to discard remaining HTTP response
		// body … use of closed network connection" each time, in the middle
		// of test and benchmark output. Nothing is lost: the request itself
		// succeeded. Errors still reach the caller.
		o.Logger = logging.Nop{}
	}}, optFns...)
	return dynamodb.NewFromConfig(cfg, opts...), nil
}
