// Command rotatekeys rotates one of eportal's key-set secrets in Secrets
// Manager (`go run ./infra/rotatekeys`): it reads the secret's current value, makes
// the next key set (keyset.Next: the first rotation turns CloudFormation's
// seed into a key set and brings in the old AppSecret as the legacy key;
// every later one promotes the next key, publishes a new one and prunes the
// keys retired longer than their retention) and writes it as the secret's
// new current version.
//
//	go run ./infra/rotatekeys -secret eportal-voter-keys -purpose voter -legacy eportal-app-secret [-dry-run]
//
// -dry-run reads and prints the new key set with every secret replaced by
// its length, and writes nothing. Run each purpose once a month or so (and
// never twice within keyset.MinPromoteAge: it refuses). It needs AWS
// credentials allowed secretsmanager:GetSecretValue on the secrets and
// PutSecretValue on the rotated one.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"eportal/internal/keyset"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rotatekeys:", err)
		os.Exit(1)
	}
}

// store is what rotatekeys needs of Secrets Manager.
type store interface {
	Get(ctx context.Context, id string) (string, error)
	Put(ctx context.Context, id, value string) (version string, err error)
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("rotatekeys", flag.ContinueOnError)
	secret := fs.String("secret", "", "the key set's secret (name or ARN)")
	purpose := fs.String("purpose", "", "cursor or voter")
	legacy := fs.String("legacy", "", "the old AppSecret (name or ARN), read on the first rotation only")
	dryRun := fs.Bool("dry-run", false, "print the new key set, secrets redacted, and write nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *secret == "" || (*purpose != keyset.Cursor && *purpose != keyset.Voter) {
		return fmt.Errorf("want -secret and -purpose cursor|voter")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("load AWS config: %w", err)
	}
	return rotate(ctx, awsStore{secretsmanager.NewFromConfig(cfg)}, rotation{
		secret: *secret, purpose: *purpose, legacy: *legacy, dryRun: *dryRun, now: time.Now(), newSecret: keyset.NewSecret,
	}, out)
}

type rotation struct {
	secret, purpose, legacy string
	dryRun                  bool
	now                     time.Time
	newSecret               func() string
}

// rotate reads r.secret, makes the next key set and writes it (prints it,
// redacted, on a dry run). The legacy secret is read only when the value
// is still a seed.
func rotate(ctx context.Context, st store, r rotation, out io.Writer) error {
	value, err := st.Get(ctx, r.secret)
	if err != nil {
		return fmt.Errorf("read %s: %w", r.secret, err)
	}
	var legacy []byte
	if r.legacy != "" && isSeed(value) {
		v, err := st.Get(ctx, r.legacy)
		if err != nil {
			return fmt.Errorf("read the legacy secret %s: %w", r.legacy, err)
		}
		legacy = []byte(v)
	}
	next, err := keyset.Next(r.purpose, []byte(value), legacy, r.now, r.newSecret)
	if err != nil {
		return fmt.Errorf("rotate %s: %w", r.secret, err)
	}
	fmt.Fprintf(out, "%s: current %s, next %s, legacy %q, keys %v\n", r.secret, next.Current, next.Next, next.Legacy, next.IDs())
	if r.dryRun {
		_, err := out.Write(append(redacted(next), '\n'))
		return err
	}
	version, err := st.Put(ctx, r.secret, string(next.Marshal()))
	if err != nil {
		return fmt.Errorf("write %s: %w", r.secret, err)
	}
	fmt.Fprintf(out, "%s: version %s is current; warm functions pick it up within %s\n", r.secret, version, keyset.CacheTTL)
	return nil
}

func isSeed(value string) bool {
	var probe map[string]any
	_ = json.Unmarshal([]byte(value), &probe)
	_, ok := probe["seed"]
	return ok
}

// redacted is the set's JSON with every secret replaced by its length.
func redacted(s *keyset.Set) []byte {
	c := *s
	c.Keys = map[string]keyset.Key{}
	for id, k := range s.Keys {
		k.Secret = fmt.Sprintf("(%d bytes)", len(k.Secret))
		c.Keys[id] = k
	}
	return c.Marshal()
}

type awsStore struct{ c *secretsmanager.Client }

func (a awsStore) Get(ctx context.Context, id string) (string, error) {
	out, err := a.c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.SecretString), nil
}

func (a awsStore) Put(ctx context.Context, id, value string) (string, error) {
	// A new version labelled AWSCURRENT (Secrets Manager's default); the
	// old one becomes AWSPREVIOUS.
	out, err := a.c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(id), SecretString: aws.String(value)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.VersionId), nil
}
