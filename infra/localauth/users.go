package localauth

import (
	"fmt"
	"time"

	"eportal/internal/auth"
)

// User is a fixed local user, one per role, so audit records made while
// developing name a stable actor.
type User struct {
	Subject  string   // the token's sub
	Username string   // the token's cognito:username
	Groups   []string // the token's cognito:groups
}

// DevUser returns the local user for a role name: "editor", "publisher" or
// "admin". Any other name is an error that lists the valid ones.
func DevUser(role string) (User, error) {
	switch auth.Role(role) {
	case auth.Editor:
		return User{"10ca1000-0000-4000-8000-000000000001", "bien-tap-vien@local", []string{role}}, nil
	case auth.Publisher:
		return User{"10ca1000-0000-4000-8000-000000000002", "nguoi-duyet@local", []string{role}}, nil
	case auth.Admin:
		return User{"10ca1000-0000-4000-8000-000000000003", "quan-tri@local", []string{role}}, nil
	}
	return User{}, fmt.Errorf("unknown role %q: want editor, publisher or admin", role)
}

// TokenFor returns a token for u that lasts ttl (DefaultTTL when zero).
func (i *Issuer) TokenFor(u User, ttl time.Duration) (string, error) {
	return i.Token(u.Subject, u.Username, u.Groups, ttl)
}
