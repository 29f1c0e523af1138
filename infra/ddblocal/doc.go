// Package ddblocal fetches, verifies, unpacks and starts AWS DynamoDB Local,
// the engine behind `make run` and the integration tests.
//
// DynamoDB Local comes from the npm package amplify-dynamodb-simulator, which
// ships AWS's own DynamoDBLocal.jar and its DynamoDBLocal_lib folder. Ensure
// locates the tarball with `npm view` (so a configured registry or mirror is
// used), downloads it with net/http, checks its sha256 and unpacks only the
// emulator into a cache directory outside the repository; later calls find
// it there and make no network call. Start runs the jar with Java and waits
// until it answers a real DynamoDB call. NewClient builds an SDK client for
// such a local endpoint.
//
// For tests, RunTests starts one in-memory engine per test binary unless
// DYNAMODB_ENDPOINT already names one, and MustClient returns a client for it:
//
//	func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }
//
//	func TestSomething(t *testing.T) {
//		client := ddblocal.MustClient(t)
//		...
//	}
//
// The package needs a Unix system (it uses flock and process groups), npm for
// the first download and Java 17 or later to run the engine.
package ddblocal
