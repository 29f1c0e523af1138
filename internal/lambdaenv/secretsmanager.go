package lambdaenv

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// SecretsManager returns the Fetcher of the deployed functions: Secrets
// Manager's GetSecretValue through the SDK client (the SDK's standard
// variables apply, AWS_ENDPOINT_URL_SECRETS_MANAGER among them), with the
// connect and response timeouts of the DynamoDB client. Building it makes
// no call.
func SecretsManager(cfg aws.Config) Fetcher {
	client := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
		o.HTTPClient = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: time.Second}).DialContext,
			TLSHandshakeTimeout:   time.Second,
			ResponseHeaderTimeout: 1500 * time.Millisecond,
			MaxIdleConns:          2,
			IdleConnTimeout:       90 * time.Second,
		}}
	})
	return func(ctx context.Context, secretID string) (string, error) {
		out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretID)})
		if err != nil {
			return "", fmt.Errorf("GetSecretValue: %w", err)
		}
		if out.SecretString == nil {
			return "", fmt.Errorf("GetSecretValue: the secret has no string value")
		}
		return *out.SecretString, nil
	}
}
