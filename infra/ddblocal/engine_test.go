package ddblocal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/logging"
)

func TestMain(m *testing.M) { os.Exit(RunTests(m)) }

// mustDir returns the DynamoDB Local directory, which RunTests has fetched.
func mustDir(tb testing.TB) string {
	tb.Helper()
	dir, err := Ensure(context.Background(), CacheDir(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// mustTable creates a table with a string partition key "pk" and a unique name.
func mustTable(tb testing.TB, client *dynamodb.Client) string {
	tb.Helper()
	name := fmt.Sprintf("t%d", time.Now().UnixNano())
	_, err := client.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		tb.Fatalf("create table: %v", err)
	}
	return name
}

func item(pk, v string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: pk},
		"v":  &types.AttributeValueMemberS{Value: v},
	}
}

func key(pk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}}
}

// getV returns attribute v of item pk, or "" if there is no such item.
func getV(t *testing.T, client *dynamodb.Client, table, pk string) string {
	t.Helper()
	out, err := client.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(table), Key: key(pk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("get %s: %v", pk, err)
	}
	if out.Item == nil {
		return ""
	}
	return out.Item["v"].(*types.AttributeValueMemberS).Value
}

func TestEngine(t *testing.T) {
	ctx := context.Background()
	client := MustClient(t)
	table := mustTable(t, client)

	if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("a", "1")}); err != nil {
		t.Fatalf("put: %v", err)
	}
	if got, want := getV(t, client, table, "a"), "1"; got != want {
		t.Errorf("get a: got %q; want %q", got, want)
	}

	// A transaction whose condition fails writes nothing.
	_, err := client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(table), Item: item("b", "2")}},
		{Put: &types.Put{TableName: aws.String(table), Item: item("a", "3"), ConditionExpression: aws.String("attribute_not_exists(pk)")}},
	}})
	var cancelled *types.TransactionCanceledException
	if !errors.As(err, &cancelled) {
		t.Fatalf("conflicting transaction: got %v; want TransactionCanceledException", err)
	}
	if got := getV(t, client, table, "b"); got != "" {
		t.Errorf("b after cancelled transaction: got %q; want no item", got)
	}

	_, err = client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(table), Item: item("b", "2")}},
		{Update: &types.Update{TableName: aws.String(table), Key: key("a"), UpdateExpression: aws.String("SET v = :v"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: "4"}}}},
	}})
	if err != nil {
		t.Fatalf("transaction: %v", err)
	}
	if got, want := getV(t, client, table, "a")+getV(t, client, table, "b"), "42"; got != want {
		t.Errorf("a+b after transaction: got %q; want %q", got, want)
	}
}

// TestClientQuietOnErrors checks that an expected error response (a failed
// condition) logs nothing: DynamoDB Local's error responses carry no CRC32.
func TestClientQuietOnErrors(t *testing.T) {
	ctx := context.Background()
	table := mustTable(t, MustClient(t))
	var mu sync.Mutex
	var logged []string
	client, err := NewClient(ctx, os.Getenv(EndpointEnv), func(o *dynamodb.Options) {
		o.Logger = logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
			mu.Lock()
			defer mu.Unlock()
			logged = append(logged, fmt.Sprintf(string(c)+" "+format, v...))
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item("a", "1"), ConditionExpression: aws.String("attribute_exists(pk)")})
	var failed *types.ConditionalCheckFailedException
	if !errors.As(err, &failed) {
		t.Fatalf("conditional put: got %v; want ConditionalCheckFailedException", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) > 0 {
		t.Errorf("client logged on an expected error:\n%s", strings.Join(logged, "\n"))
	}
}

// TestStartDBPath starts a second engine on disk, restarts it and finds the
// table again, as `make run` relies on.
func TestStartDBPath(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two more engines")
	}
	ctx := context.Background()
	opts := Options{Dir: mustDir(t), DBPath: filepath.Join(t.TempDir(), "data")}

	inst, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	client, err := NewClient(ctx, inst.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	table := mustTable(t, client)
	if err := inst.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if err := inst.Stop(); err != nil {
		t.Fatalf("second stop: %v", err)
	}

	inst, err = Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Stop()
	client, err = NewClient(ctx, inst.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}); err != nil {
		t.Errorf("table after restart: %v", err)
	}
}

func TestStartWithoutJava(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Start(context.Background(), Options{Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "java") {
		t.Errorf("Start without java: got %v; want an error naming java", err)
	}
}

// TestStartPortTaken checks that a taken port is refused before Java runs.
func TestStartPortTaken(t *testing.T) {
	l, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = Start(context.Background(), Options{Dir: mustDir(t), Port: l.Addr().(*net.TCPAddr).Port})
	if err == nil || !strings.Contains(err.Error(), "not free") {
		t.Errorf("Start on a taken port: got %v; want a port-not-free error", err)
	}
}

// TestStartExitsEarly checks that a process that dies during start-up is
// reported with its own output, here Java's verdict on a broken jar.
func TestStartExitsEarly(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, jarName), []byte("not a jar"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "exited early") || !strings.Contains(err.Error(), "jar") {
		t.Errorf("Start with a broken jar: got %v; want an early-exit error quoting Java", err)
	}
}

// TestNoTelemetryFile checks that the engine RunTests started in this
// directory left no telemetry metadata behind (see telemetryOff).
func TestNoTelemetryFile(t *testing.T) {
	if _, err := os.Stat("dynamodb-local-metadata.json"); err == nil {
		t.Error("dynamodb-local-metadata.json written to the working directory: telemetry is on")
	}
}
