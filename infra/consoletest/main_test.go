package consoletest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"eportal/infra/browser"
	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/localauth"
	"eportal/infra/localserver"
	"eportal/infra/tables"
	"eportal/infra/template"
	"eportal/internal/apigw"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
)

// The demo content's published article, which the desk lists under
// "Đã đăng".
const demoTitle = "Đẩy mạnh thực hiện cung cấp thông tin phục vụ công tác tuyên truyền miệng của Đảng"

// Viewport widths, in CSS pixels: a desktop and a tablet held upright.
const (
	desktopWidth = browser.DefaultWidth
	tabletWidth  = 768
)

// tokenTTL is the ID tokens' lifetime here: short, so that the console's
// refresh (two minutes before expiry, at least five seconds after the last
// one) runs within a test.
const tokenTTL = 2 * time.Minute

// waitTimeout bounds a wait for something the console's script does.
const waitTimeout = 15 * time.Second

func TestMain(m *testing.M) {
	external := os.Getenv(ddblocal.EndpointEnv) != ""
	os.Exit(browser.RunTests(browser.RunFunc(func() int {
		code := ddblocal.RunTests(m)
		stack.stop(external)
		return code
	})))
}

// stack is the test binary's local portal, which mustStack starts on first use.
var stack localStack

type localStack struct {
	once   sync.Once
	err    error
	srv    *httptest.Server
	db     *dynamodb.Client
	table  string
	keyDir string
	issuer *localauth.Issuer
	media  *localserver.MediaStore // make run's media bucket, in memory
	// URL is the server's origin, http://127.0.0.1:port.
	URL string
}

func mustStack(tb testing.TB) *localStack {
	tb.Helper()
	stack.once.Do(func() { stack.err = stack.start() })
	if stack.err != nil {
		tb.Fatalf("start the local stack: %v", stack.err)
	}
	return &stack
}

// start creates the table, loads the demo content and serves every route
// of template.yaml on 127.0.0.1 behind the authorizer's stand-in, with the
// sign-in pages' stand-in at localauth.HostedUIPath, as `make run` does.
func (s *localStack) start() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := ddblocal.NewClient(ctx, os.Getenv(ddblocal.EndpointEnv))
	if err != nil {
		return err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	table := "consoletest-" + hex.EncodeToString(b[:])
	if _, err := tables.Create(ctx, db, table); err != nil {
		return err
	}
	s.db, s.table = db, table
	codec, err := cursor.New([]byte("eportal consoletest cursor key.."))
	if err != nil {
		return err
	}
	store := dynamo.New(db, table, codec)
	if _, err := demo.Load(ctx, store, time.Now()); err != nil {
		return fmt.Errorf("load demo content: %w", err)
	}
	path, err := template.Find()
	if err != nil {
		return err
	}
	tmpl, err := template.Load(path)
	if err != nil {
		return err
	}
	if s.keyDir, err = os.MkdirTemp("", "consoletest-key-"); err != nil {
		return err
	}
	if s.issuer, err = localauth.LoadOrCreate(filepath.Join(s.keyDir, "key.pem")); err != nil {
		return err
	}
	ui := localauth.NewHostedUI(s.issuer, localauth.HostedUIPath, localauth.Audience)
	ui.TokenTTL = tokenTTL
	// The media store's presigned URLs name the server's origin: the
	// server's address is taken before its handler exists.
	s.srv = httptest.NewUnstartedServer(nil)
	s.URL = "http://" + s.srv.Listener.Addr().String()
	log := slog.New(slog.DiscardHandler)
	if s.media, err = localserver.NewMediaStore(s3mem.New(), s.URL, log); err != nil {
		return err
	}
	for _, fn := range localserver.BucketFunctions(store, s.media.Bucket, s.media.BaseURL, log) {
		s.media.OnUpload(fn)
	}
	api, err := localserver.New(tmpl.Routes(),
		localserver.Functions(store, time.Now, apigw.DefaultBudget, localserver.WithMediaBucket(s.media.Bucket, s.media.BaseURL)), nil, log,
		localserver.WithAuthorizer(s.issuer.Verify), localserver.WithSignIn(localauth.HostedUIPath, ui), localserver.WithMedia(s.media))
	if err != nil {
		return err
	}
	s.srv.Config.Handler = api
	s.srv.Start()
	return nil
}

func (s *localStack) stop(external bool) {
	if s.srv != nil {
		s.srv.Close()
	}
	if s.media != nil {
		s.media.Wait()
	}
	if s.keyDir != "" {
		_ = os.RemoveAll(s.keyDir)
	}
	if external && s.db != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = s.db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &s.table})
	}
}

// waitFor polls the JavaScript expression cond in p until it is true,
// failing the test after waitTimeout with what describe evaluates to.
func waitFor(t *testing.T, p *browser.Page, cond, what string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		var ok bool
		err := p.Eval(t.Context(), "!!("+cond+")", &ok)
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			url, _ := p.URL(t.Context())
			var text string
			_ = p.Eval(t.Context(), "document.body ? document.body.innerText.slice(0, 400) : ''", &text)
			t.Fatalf("waited %s for %s (%s): at %s, err %v, page text: %q; console errors %v",
				waitTimeout, what, cond, url, err, text, p.ConsoleErrors())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// signIn opens the console, which sends the browser to the sign-in page;
// there it checks the page with axe-core, picks role, and waits until the
// console shows the signed-in user.
func (s *localStack) signIn(t *testing.T, p *browser.Page, role string) {
	t.Helper()
	if status, err := p.Navigate(t.Context(), s.URL+"/quan-tri/"); err != nil || status != http.StatusOK {
		t.Fatalf("GET /quan-tri/: %d, %v", status, err)
	}
	waitFor(t, p, `location.pathname === "`+localauth.HostedUIPath+`/oauth2/authorize"`, "the sign-in page")
	if err := p.WaitVisible(t.Context(), `button[value="`+role+`"]`); err != nil {
		t.Fatal(err)
	}
	var q map[string]string
	if err := p.Eval(t.Context(), `Object.fromEntries(new URLSearchParams(location.search))`, &q); err != nil {
		t.Fatal(err)
	}
	if q["code_challenge_method"] != "S256" || len(q["code_challenge"]) != 43 || len(q["state"]) < 32 ||
		q["client_id"] != localauth.Audience || q["redirect_uri"] != s.URL+"/quan-tri/" {
		t.Errorf("authorize request %v; want PKCE S256, a random state, the local client, back to /quan-tri/", q)
	}
	checkAxe(t, p, "sign-in page")
	if _, err := p.ClickNavigate(t.Context(), `button[value="`+role+`"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `!document.getElementById("nguoi-dung").hidden && document.querySelector("nav#dieu-huong a")`, "the signed-in desk")
	if u, _ := p.URL(t.Context()); strings.Contains(u, "code=") {
		t.Errorf("the console kept the code in its address: %s", u)
	}
}

// checkAxe fails the test for any serious or critical axe-core violation.
func checkAxe(t *testing.T, p *browser.Page, what string) {
	t.Helper()
	v, err := p.Axe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range browser.Serious(v) {
		t.Errorf("%s at %d px: %s", what, p.Options().Width, x)
	}
}

// storage returns the console's keys in sessionStorage and localStorage.
func storage(t *testing.T, p *browser.Page) (session, local map[string]string) {
	t.Helper()
	if err := p.Eval(t.Context(), `Object.fromEntries(Object.entries(sessionStorage))`, &session); err != nil {
		t.Fatal(err)
	}
	if err := p.Eval(t.Context(), `Object.fromEntries(Object.entries(localStorage))`, &local); err != nil {
		t.Fatal(err)
	}
	return session, local
}
