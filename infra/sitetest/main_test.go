package sitetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"eportal/infra/browser"
	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/localserver"
	"eportal/infra/tables"
	"eportal/infra/template"
	"eportal/internal/apigw"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
)

// The pages the tests read, all from the demo content.
const (
	articleSlug  = "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"
	articlePath  = "/bai-viet/" + articleSlug
	categoryPath = "/chuyen-muc/tin-tuc-su-kien"
	mostReadPath = "/doc-nhieu"
	pollID       = "danh-gia-cong-thong-tin"
	pollPath     = "/binh-chon/" + pollID
	searchPath   = "/tim-kiem?q=tuyen+truyen+mieng"
)

// sitePage is one page of the site under test.
type sitePage struct{ name, path string }

var (
	home     = sitePage{"home", "/"}
	article  = sitePage{"article", articlePath}
	category = sitePage{"category", categoryPath}
	mostRead = sitePage{"most-read", mostReadPath}
	poll     = sitePage{"poll", pollPath}
	results  = sitePage{"search", searchPath}
)

// Viewport widths, in CSS pixels.
const (
	phoneWidth   = 360
	desktopWidth = browser.DefaultWidth
)

// waitTimeout bounds a wait for something a page's script does.
const waitTimeout = 10 * time.Second

func TestMain(m *testing.M) {
	// An engine someone else runs (DYNAMODB_ENDPOINT set) outlives the
	// tests: the table is deleted from it. One that ddblocal.RunTests
	// started is stopped, in-memory table and all.
	external := os.Getenv(ddblocal.EndpointEnv) != ""
	os.Exit(browser.RunTests(browser.RunFunc(func() int {
		code := ddblocal.RunTests(m)
		site.stop(external)
		return code
	})))
}

// site is the test binary's local portal, which mustSite starts on first
// use: ddblocal.RunTests hands TestMain no hook between starting the
// engine and running the tests.
var site localSite

// localSite is the whole local stack: every function of template.yaml on one
// httptest.Server, over a fresh table holding the demo content (and the
// documents of seedDocuments), with the media store serving the demo
// documents' attachments as the edge does.
type localSite struct {
	once  sync.Once
	err   error
	srv   *httptest.Server
	db    *dynamodb.Client
	table string
	// URL is the server's origin, http://127.0.0.1:port.
	URL string

	mu      sync.Mutex
	beacons []string // the body of each answered view beacon, in order
}

// mustSite returns the running site, starting it if no test has.
func mustSite(tb testing.TB) *localSite {
	tb.Helper()
	site.once.Do(func() { site.err = site.start() })
	if site.err != nil {
		tb.Fatalf("start the local stack: %v", site.err)
	}
	return &site
}

// start creates the table, loads the demo content and serves every route of
// template.yaml on 127.0.0.1, recording the view beacons' answers.
func (s *localSite) start() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := ddblocal.NewClient(ctx, os.Getenv(ddblocal.EndpointEnv))
	if err != nil {
		return err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	table := "sitetest-" + hex.EncodeToString(b[:])
	if _, err := tables.Create(ctx, db, table); err != nil {
		return err
	}
	s.db, s.table = db, table
	codec, err := cursor.New([]byte("eportal sitetest cursor secret.."))
	if err != nil {
		return err
	}
	store := dynamo.New(db, table, codec)
	if _, err := demo.Load(ctx, store, time.Now()); err != nil {
		return fmt.Errorf("load demo content: %w", err)
	}
	if err := seedDocuments(ctx, store, time.Now()); err != nil {
		return err
	}
	// No stream consumer runs here: index the content as the indexer would.
	if _, err := store.IndexAll(ctx, nil); err != nil {
		return fmt.Errorf("index demo content: %w", err)
	}
	path, err := template.Find()
	if err != nil {
		return err
	}
	tmpl, err := template.Load(path)
	if err != nil {
		return err
	}
	// The media store's presigned URLs name the server's origin: the
	// server's address is taken before its handler exists.
	s.srv = httptest.NewUnstartedServer(nil)
	s.URL = "http://" + s.srv.Listener.Addr().String()
	log := slog.New(slog.DiscardHandler)
	backend := s3mem.New()
	media, err := localserver.NewMediaStore(backend, s.URL, log)
	if err != nil {
		return err
	}
	content, err := demo.Parse()
	if err != nil {
		return err
	}
	files, err := content.Files(media.BaseURL, time.Now())
	if err != nil {
		return err
	}
	if err := localserver.SeedFiles(backend, files); err != nil {
		return err
	}
	api, err := localserver.New(tmpl.Routes(), localserver.Functions(store, time.Now, apigw.DefaultBudget),
		nil, log, localserver.WithMedia(media))
	if err != nil {
		return err
	}
	s.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Headless Chromium names itself HeadlessChrome, which the views
		// function rightly takes for a crawler and does not count. The
		// tests read the site as a reader's Chrome, which it otherwise is.
		r.Header.Set("User-Agent", strings.Replace(r.UserAgent(), "HeadlessChrome/", "Chrome/", 1))
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/views") {
			api.ServeHTTP(w, r)
			return
		}
		// Recorded before the browser has the answer, so a test that saw
		// the beacon end finds it here.
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, r)
		s.mu.Lock()
		s.beacons = append(s.beacons, rec.Body.String())
		s.mu.Unlock()
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
	s.srv.Start()
	return nil
}

// stop closes the server and, on an external engine, deletes the table.
func (s *localSite) stop(external bool) {
	if s.srv != nil {
		s.srv.Close()
	}
	if external && s.db != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = s.db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &s.table})
	}
}

// beaconAnswers returns the bodies of the view beacons answered so far.
func (s *localSite) beaconAnswers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.beacons...)
}

// open opens a tab with opts and loads path, failing the test unless it
// answers 200.
func (s *localSite) open(t *testing.T, path string, opts browser.PageOptions) *browser.Page {
	t.Helper()
	p := browser.MustPage(t, opts)
	s.load(t, p, path)
	return p
}

// load loads path in p, failing the test unless it answers 200.
func (s *localSite) load(t *testing.T, p *browser.Page, path string) {
	t.Helper()
	status, err := p.Navigate(t.Context(), s.URL+path)
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d; want 200", path, status)
	}
}

// do sends a request to the stack and returns the answer's status and body.
func (s *localSite) do(t *testing.T, method, path, contentType, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, b
}

// getJSON decodes the JSON answer to GET path into out, failing the test
// unless it is a 200.
func (s *localSite) getJSON(t *testing.T, path string, out any) {
	t.Helper()
	status, body := s.do(t, http.MethodGet, path, "", "")
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, status, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// articleViews returns the sample article's views as the JSON API shows them.
func (s *localSite) articleViews(t *testing.T) int64 {
	t.Helper()
	var a struct {
		Views *int64 `json:"views"`
	}
	s.getJSON(t, "/articles/"+articleSlug, &a)
	if a.Views == nil {
		t.Fatalf("GET /articles/%s: no views", articleSlug)
	}
	return *a.Views
}

// tally is a poll's results as GET /polls/{id} shows them.
type tally struct {
	TotalVoters int64 `json:"totalVoters"`
	Options     []struct {
		ID    string `json:"id"`
		Votes int64  `json:"votes"`
	} `json:"options"`
}

// pollResults returns the poll's results as GET /polls/{id} shows them to a
// reader without a voter token.
func (s *localSite) pollResults(t *testing.T, id string) tally {
	t.Helper()
	var p struct {
		Results *tally `json:"results"`
	}
	s.getJSON(t, "/polls/"+id, &p)
	if p.Results == nil {
		t.Fatalf("GET /polls/%s: no results", id)
	}
	return *p.Results
}

// vote casts a new voter's vote through the JSON API.
func (s *localSite) vote(t *testing.T, id string, choices ...string) {
	t.Helper()
	body, _ := json.Marshal(map[string][]string{"choices": choices})
	if status, b := s.do(t, http.MethodPost, "/polls/"+id+"/votes", "application/json", string(body)); status != http.StatusOK {
		t.Fatalf("vote %v in %s: status %d: %s", choices, id, status, b)
	}
}

// waitFor evaluates the JavaScript expression cond in p until it is true,
// for at most waitTimeout, and fails the test with what after the wait.
func waitFor(t *testing.T, p *browser.Page, cond, what string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		var ok bool
		err := p.Eval(t.Context(), cond, &ok)
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s (%s): %v", waitTimeout, what, cond, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitBeacon waits until the article page in p has had the answer to its
// view beacon, which comes after the load event.
func waitBeacon(t *testing.T, p *browser.Page) {
	t.Helper()
	waitFor(t, p, `performance.getEntriesByType("resource").some(e => e.name.endsWith("/articles/`+articleSlug+`/views"))`,
		"the view beacon's answer")
}

// text returns the rendered text of the first element matching selector.
func text(t *testing.T, p *browser.Page, selector string) string {
	t.Helper()
	s, err := p.Text(t.Context(), selector)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
