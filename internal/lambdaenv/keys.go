package lambdaenv

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"eportal/internal/keyset"
	"eportal/internal/portal"
)

// Fetcher returns the string value (AWSCURRENT) of the secret secretID. The
// deployed functions use Secrets Manager's GetSecretValue (SecretsManager);
// tests give a fake.
type Fetcher func(ctx context.Context, secretID string) (string, error)

// The variables that say where a purpose's keys come from: exactly one of
// them must be set.
//
//   - <P>_KEYS_SECRET_ID: the ARN (or name) of a Secrets Manager secret holding
//     the purpose's key set (keyset's JSON), read at the first request that
//     needs a key and again every keyset.CacheTTL. The deployed functions.
//   - <P>_SECRET: one plain secret (keyset.Single), for `make run`, tests and
//     the smoke test under the Lambda emulator; never read from the network.
var keyVars = map[string]struct{ secretID, plain string }{
	keyset.Cursor: {"CURSOR_KEYS_SECRET_ID", "CURSOR_SECRET"},
	keyset.Voter:  {"VOTER_KEYS_SECRET_ID", "VOTER_SECRET"},
}

// keySource returns where purpose's keys come from, by keyVars, reading
// nothing but getenv: a *secretKeys that reads the secret when first asked,
// or a static set. fetcher is called only to build the Fetcher of a
// secretKeys, at most once.
func keySource(purpose string, getenv func(string) string, fetcher func() Fetcher, o *options) (keyset.Source, error) {
	v := keyVars[purpose]
	id, plain := getenv(v.secretID), getenv(v.plain)
	switch {
	case id != "" && plain != "":
		return nil, fmt.Errorf("both %s and %s are set: keep %s (Secrets Manager) on AWS, %s only locally", v.secretID, v.plain, v.secretID, v.plain)
	case id != "":
		return &secretKeys{purpose: purpose, secretID: id, fetch: fetcher(), now: o.now, log: o.log}, nil
	case plain != "":
		set, err := keyset.Single(purpose, []byte(plain))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v.plain, err)
		}
		return keyset.Static(set), nil
	}
	return nil, fmt.Errorf("neither %s nor %s is set", v.secretID, v.plain)
}

// staleRetry is how long an instance that holds keys waits before reading
// a secret again after a failed read; staleBudget bounds such a read, so a
// slow Secrets Manager costs a warm request little.
const (
	staleRetry  = 30 * time.Second
	staleBudget = time.Second
)

// secretKeys is the key set of one purpose in one Secrets Manager secret,
// read lazily: nothing at cold start (SPEC §6: no network call before the
// first request), then at the first request that needs a key, under that
// request's deadline, and again once keyset.CacheTTL has passed, so that a
// rotation reaches warm instances. A failed read leaves no keys on a new
// instance (Keys fails with EUNAVAILABLE, the request answers 503, and the
// next request reads again); an instance that has keys keeps them and tries
// again after staleRetry.
type secretKeys struct {
	purpose  string
	secretID string
	fetch    Fetcher
	now      func() time.Time
	log      *slog.Logger

	mu       sync.Mutex
	set      *keyset.Set
	readNext time.Time
}

var _ keyset.Source = (*secretKeys)(nil)

// Keys returns the key set, reading the secret when it has none or its copy
// is older than keyset.CacheTTL. The error is EUNAVAILABLE, with the cause
// for the logs.
func (s *secretKeys) Keys(ctx context.Context) (*keyset.Set, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.set != nil && now.Before(s.readNext) {
		return s.set, nil
	}
	if s.set != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, staleBudget)
		defer cancel()
	}
	set, err := s.read(ctx)
	if err != nil {
		if s.set != nil {
			s.readNext = now.Add(staleRetry)
			s.log.WarnContext(ctx, "key set not refreshed; keeping the one read before", "purpose", s.purpose, "err", err)
			return s.set, nil
		}
		return nil, &portal.Error{Code: portal.EUNAVAILABLE, Op: "lambdaenv.Keys", Err: err,
			Message: "The service is starting up; try again in a moment."}
	}
	s.set, s.readNext = set, now.Add(keyset.CacheTTL)
	return set, nil
}

func (s *secretKeys) read(ctx context.Context) (*keyset.Set, error) {
	value, err := s.fetch(ctx, s.secretID)
	if err != nil {
		return nil, fmt.Errorf("read the %s key set: %w", s.purpose, err)
	}
	set, err := keyset.Parse(s.purpose, []byte(value))
	if err != nil {
		// Never the value itself in a message: it is the keys.
		return nil, fmt.Errorf("the %s key set in its secret: %w", s.purpose, err)
	}
	return set, nil
}
