// Package functions_test builds each function's bootstrap the way the
// Makefile does and proves it starts and answers under the AWS Lambda Runtime
// Interface Emulator, against DynamoDB Local.
package functions_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	stdimage "image"
	pngenc "image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/infra/template"
	"eportal/internal/bucket"
	"eportal/internal/bucket/buckettest"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
	"eportal/internal/keyset"
	"eportal/internal/portal"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

// maxBootstrap is SPEC §6's cold-start budget for a stripped bootstrap.
const maxBootstrap = 12 << 20

// smoke is one invocation per HTTP function: an event from the handler's own
// testdata and the status it must answer with. The stream function, the
// indexer, is smoked by smokeIndexer.
var smoke = map[string]struct {
	event  string
	status int
	body   string
}{
	"read":  {"internal/readapi/testdata/get-article.json", 200, `"displayTime":"14:20 | 17/11/2020"`},
	"admin": {"internal/adminapi/testdata/admin-event.json", 200, `"title":"Đẩy mạnh thực hiện`},
	"views": {"internal/viewsapi/testdata/count-view.json", 200, `"views":133,"counted":true`},
	"polls": {"internal/pollsapi/testdata/get-poll.json", 200, `"question":"Bạn đánh giá như thế nào về cổng thông tin này?"`},
	"site":  {"internal/site/testdata/article-page.json", 200, `Ngày đăng: `},
	"media": {"internal/mediaapi/testdata/admin-event.json", 200, `"fileName":"Báo cáo số 04-BC-TU.pdf"`}, // the demo document's attachment
	// The console's app page; the function runs without any AUTH_ variable
	// (sign-in not configured), as a stack without AuthDomainPrefix.
	"console": {"internal/console/testdata/desk-page.json", 200, `Bàn biên tập cần JavaScript`},
}

// streamFunctions are the functions fed by the table's stream rather than
// by API Gateway, each with its smoke invocation.
var streamFunctions = map[string]func(t *testing.T, rie, bootstrap string, env []string, store *dynamo.Store){
	"indexer": smokeIndexer,
	// Not the stream's but the media bucket's: an ObjectCreated event.
	"mediaprocessor": smokeMediaProcessor,
}

func repoRoot(t *testing.T) string {
	t.Helper()
	path, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(path)
}

func functionDirs(t *testing.T, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		t.Fatal("no function under functions/")
	}
	return out
}

// build compiles functions/<name> as the Makefile's build-<LogicalId> does.
func build(t *testing.T, root, name, arch, dir string) string {
	t.Helper()
	out := filepath.Join(dir, name, "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, "./functions/"+name)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s for %s: %v\n%s", name, arch, err, b)
	}
	return out
}

func TestBootstrapSize(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	for _, name := range functionDirs(t, root) {
		fi, err := os.Stat(build(t, root, name, "arm64", dir))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("functions/%s: bootstrap (linux/arm64, stripped) is %.1f MB", name, float64(fi.Size())/(1<<20))
		if fi.Size() > maxBootstrap {
			t.Errorf("functions/%s: bootstrap is %d bytes; budget %d", name, fi.Size(), maxBootstrap)
		}
	}
}

func rieBinary(t *testing.T, root string) string {
	t.Helper()
	if p := filepath.Join(root, "bin", "aws-lambda-rie"); fileExists(p) {
		return p
	}
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	t.Fatal("aws-lambda-rie not found in bin/ or on PATH: run `make tools` (make test does)")
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestBootstrapUnderEmulator(t *testing.T) {
	root := repoRoot(t)
	rie := rieBinary(t, root)
	endpoint := os.Getenv(ddblocal.EndpointEnv)
	db, err := ddblocal.NewClient(context.Background(), endpoint)
	if err != nil {
		t.Fatal(err)
	}
	table := tables.MustCreate(t, db)
	const secret = "smoke test cursor secret, 32 b!!"
	codec, _ := cursor.New([]byte(secret))
	store := dynamo.New(db, table, codec)
	if _, err := demo.Load(context.Background(), store, time.Now()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s3 := buckettest.Must(t)
	for _, name := range functionDirs(t, root) {
		t.Run(name, func(t *testing.T) {
			env := []string{
				"TABLE_NAME=" + table, "CURSOR_SECRET=" + secret, "VOTER_SECRET=smoke test voter secret, 32 bytes",
				"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint, "AWS_REGION=us-east-1",
				"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
				"MEDIA_BUCKET=" + buckettest.Name, "MEDIA_BASE_URL=https://cdn.example.vn/media", "AWS_ENDPOINT_URL_S3=" + s3.URL,
			}
			if fn, ok := streamFunctions[name]; ok {
				fn(t, rie, build(t, root, name, runtime.GOARCH, dir), env, store)
				return
			}
			s, ok := smoke[name]
			if !ok {
				t.Fatalf("functions/%s has no smoke invocation: add one to the smoke table", name)
			}
			event, err := os.ReadFile(filepath.Join(root, s.event))
			if err != nil {
				t.Fatal(err)
			}
			bootstrap := build(t, root, name, runtime.GOARCH, dir)
			status, body, initMS := invoke(t, rie, bootstrap, env, event)
			if status != s.status || !strings.Contains(body, s.body) {
				t.Errorf("invocation answered statusCode %d, body %.300s; want %d containing %s", status, body, s.status, s.body)
			}
			t.Logf("functions/%s: init %.1f ms under aws-lambda-rie (INIT REPORT)", name, initMS)
		})
	}
}

// The emulator's REPORT line has an "Init Duration" that measures almost
// nothing (0.1 ms); its INIT REPORT line measures the init phase from the
// process start to the runtime's first /next call, which is what a cold
// start costs.
var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// smokeIndexer sends the indexer what the stream would after the demo
// article was published (an INSERT of its published copy, with the
// table's view of both images) and checks that it answers with no batch
// item failure and that the article is then found by a search.
func smokeIndexer(t *testing.T, rie, bootstrap string, env []string, store *dynamo.Store) {
	content, err := demo.Parse()
	if err != nil {
		t.Fatal(err)
	}
	a := content.ArticlesAt(time.Now())[0]
	q := portal.SearchQuery{Text: "tuyên truyền miệng", Limit: 10, Now: time.Now()}
	if page, err := store.Search(t.Context(), q); err != nil || len(page.Items) != 0 {
		t.Fatalf("before indexing: search = %+v, %v; want nothing found", page, err)
	}
	image := map[string]events.DynamoDBAttributeValue{
		"PK": events.NewStringAttribute("SLUG#" + a.Slug), "SK": events.NewStringAttribute("SLUG"),
		"id": events.NewStringAttribute(a.ID), "slug": events.NewStringAttribute(a.Slug),
		"title": events.NewStringAttribute(a.Title), "status": events.NewStringAttribute(string(a.Status)),
	}
	ev := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{
		AWSRegion: "us-east-1", EventID: "1", EventName: "INSERT", EventSource: "aws:dynamodb", EventVersion: "1.1",
		EventSourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/smoke/stream/2026-11-30T00:00:00.000",
		Change: events.DynamoDBStreamRecord{
			Keys:     map[string]events.DynamoDBAttributeValue{"PK": image["PK"], "SK": image["SK"]},
			NewImage: image, SequenceNumber: "100000000000000000001", SizeBytes: 200, StreamViewType: "NEW_AND_OLD_IMAGES",
		},
	}}}
	event, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	payload, initMS := invokeRaw(t, rie, bootstrap, env, event)
	if got := strings.TrimSpace(string(payload)); got != `{"batchItemFailures":null}` && got != `{"batchItemFailures":[]}` {
		t.Errorf("indexer answered %s; want no batch item failures", payload)
	}
	page, err := store.Search(t.Context(), q)
	if err != nil || len(page.Items) != 1 || page.Items[0].Slug != a.Slug {
		t.Errorf("after indexing: search = %+v, %v; want the demo article", page, err)
	}
	t.Logf("functions/indexer: init %.1f ms under aws-lambda-rie (INIT REPORT)", initMS)
}

// smokeMediaProcessor puts a PNG where a browser would upload it, for a
// pending library entry, sends the bucket's event and checks that the
// entry is then ready, its variants in the bucket.
func smokeMediaProcessor(t *testing.T, rie, bootstrap string, env []string, store *dynamo.Store) {
	var endpoint string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "AWS_ENDPOINT_URL_S3="); ok {
			endpoint = v
		}
	}
	b := bucket.New(buckettest.NewClient(endpoint), buckettest.Name)
	const id = "smokesmokesmoke2"
	now := time.Now().UTC().Truncate(time.Millisecond)
	m := &portal.Media{ID: id, FileName: "smoke.png", ContentType: "image/png", Size: 1, Status: portal.MediaPending, CreatedBy: "smoke", CreatedAt: now, UpdatedAt: now}
	if err := store.CreateMedia(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	var png bytes.Buffer
	if err := pngenc.Encode(&png, stdimage.NewGray(stdimage.Rect(0, 0, 400, 200))); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(t.Context(), "uploads/"+id, "image/png", "", png.Bytes()); err != nil {
		t.Fatal(err)
	}
	root := repoRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "internal/mediaapi/testdata/s3-put-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	payload, initMS := invokeRaw(t, rie, bootstrap, env, bytes.Replace(raw, []byte("uploads/KEY"), []byte("uploads/"+id), 1))
	if got := strings.TrimSpace(string(payload)); got != "null" {
		t.Errorf("mediaprocessor answered %s; want null (no error)", payload)
	}
	got, err := store.Media(t.Context(), id)
	if err != nil || got.Status != portal.MediaReady || len(got.Variants) != 2 {
		t.Errorf("after processing: %+v, %v; want ready with 2 variants", got, err)
	}
	if _, err := b.Get(t.Context(), "media/"+id+"/1280", 1<<20); err != nil {
		t.Errorf("variant in slot 1280: %v", err)
	}
	t.Logf("functions/mediaprocessor: init %.1f ms under aws-lambda-rie (INIT REPORT)", initMS)
}

// invoke runs bootstrap under the emulator, sends one event and returns the
// response's statusCode and body and the Init Duration the emulator reported.
func invoke(t *testing.T, rie, bootstrap string, env []string, event []byte) (int, string, float64) {
	t.Helper()
	payload, initMS := invokeRaw(t, rie, bootstrap, env, event)
	var r events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(payload, &r); err != nil || r.StatusCode == 0 {
		t.Fatalf("response is not a payload-2.0 response: %s", payload)
	}
	return r.StatusCode, r.Body, initMS
}

// invokeRaw runs bootstrap under the emulator, sends one event and returns
// the response payload and the Init Duration the emulator reported.
func invokeRaw(t *testing.T, rie, bootstrap string, env []string, event []byte) ([]byte, float64) {
	t.Helper()
	addr, runtimeAddr := freeAddr(t), freeAddr(t)
	// Both addresses set: the emulator's defaults (0.0.0.0:8080 and
	// 127.0.0.1:9001) clash with anything else on the machine.
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", runtimeAddr, bootstrap)
	// A bare environment, like Lambda's: the developer's own variables (an
	// AWS_CA_BUNDLE, a profile) would change what init does and costs.
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	url := "http://" + addr + "/2015-03-31/functions/function/invocations"
	var (
		resp *http.Response
		err  error
	)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err = http.Post(url, "application/json", bytes.NewReader(event))
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("invoke: %v\nemulator output:\n%s", err, out.String())
	}
	payload, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	var initMS float64
	for i := 0; i < 100 && initMS == 0; i++ { // the REPORT line follows the response
		if m := initReport.FindStringSubmatch(out.String()); m != nil {
			initMS, _ = strconv.ParseFloat(m[1], 64)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if initMS == 0 {
		t.Errorf("no INIT REPORT duration in the emulator's output:\n%s", lastLines(out.String(), 20))
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invoke: emulator answered %s: %s\nemulator output:\n%s", resp.Status, payload, lastLines(out.String(), 20))
	}
	return payload, initMS
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func lastLines(s string, n int) string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return fmt.Sprint(strings.Join(lines, "\n"))
}

// TestBootstrapReadsKeysLazily runs the read function as deployed, its
// cursor keys in Secrets Manager (here a stand-in on loopback that counts
// the calls it gets): init and an article GET, which needs no key, call
// nothing; a list reads the key set once, through the SDK's
// GetSecretValue (signed, with the secret's id).
func TestBootstrapReadsKeysLazily(t *testing.T) {
	root := repoRoot(t)
	rie := rieBinary(t, root)
	endpoint := os.Getenv(ddblocal.EndpointEnv)
	db, err := ddblocal.NewClient(context.Background(), endpoint)
	if err != nil {
		t.Fatal(err)
	}
	table := tables.MustCreate(t, db)
	codec, _ := cursor.New([]byte("smoke test cursor secret, 32 b!!"))
	if _, err := demo.Load(context.Background(), dynamo.New(db, table, codec), time.Now()); err != nil {
		t.Fatal(err)
	}
	set, err := keyset.Init(keyset.Cursor, nil, time.Now().Add(-time.Hour), keyset.NewSecret)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	sm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var in struct{ SecretId string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || in.SecretId != "arn:aws:secretsmanager:us-east-1:123456789012:secret:eportal-cursor-keys" ||
			!strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
			http.Error(w, `{"__type":"ValidationException"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": in.SecretId, "Name": "eportal-cursor-keys",
			"SecretString": string(set.Marshal()), "VersionId": "v1", "VersionStages": []string{"AWSCURRENT"}})
	}))
	defer sm.Close()

	bootstrap := build(t, root, "read", runtime.GOARCH, t.TempDir())
	env := []string{
		"TABLE_NAME=" + table, "CURSOR_KEYS_SECRET_ID=arn:aws:secretsmanager:us-east-1:123456789012:secret:eportal-cursor-keys",
		"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint, "AWS_ENDPOINT_URL_SECRETS_MANAGER=" + sm.URL, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
	}
	event := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(root, "internal/readapi/testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	status, body, _ := invoke(t, rie, bootstrap, env, event("get-article.json"))
	if status != 200 || calls.Load() != 0 {
		t.Errorf("cold start and an article GET: status %d, %d calls to Secrets Manager; want 200 and none (body %.200s)", status, calls.Load(), body)
	}
	status, body, _ = invoke(t, rie, bootstrap, env, event("list-articles.json"))
	if status != 200 || calls.Load() != 1 {
		t.Errorf("cold start and a list: status %d, %d calls to Secrets Manager, body %.300s; want 200 and one call", status, calls.Load(), body)
	}
}
