package auth

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"eportal/internal/apigw"
	"eportal/internal/portal"
)

// Role is an eportal role: the name of a Cognito group.
type Role string

// The roles, from least to most rights. Each role may do everything the
// roles before it may.
const (
	Editor    Role = "editor"    // writes drafts and submits them for review
	Publisher Role = "publisher" // also approves, rejects, schedules, unpublishes
	Admin     Role = "admin"     // also manages categories, links, polls, deletes
)

// rank orders the roles; a role missing here ranks 0 and grants nothing.
var rank = map[Role]int{Editor: 1, Publisher: 2, Admin: 3}

// Claim names as API Gateway passes them from a Cognito token.
const (
	claimSubject     = "sub"
	claimUsername    = "cognito:username" // ID tokens
	claimAltUsername = "username"         // access tokens
	claimGroups      = "cognito:groups"
)

// Caller is the authenticated user behind a request.
type Caller struct {
	Subject  string // the token's sub: the user's stable id, for audit records
	Username string // for display and logs; may be empty
	Groups   []Role // the caller's eportal roles; other Cognito groups are left out
}

// Can reports whether the caller may act as r: whether one of its groups is
// r or a role above it. An unknown r is never granted.
func (c Caller) Can(r Role) bool {
	need := rank[r]
	if need == 0 {
		return false
	}
	for _, g := range c.Groups {
		if rank[g] >= need {
			return true
		}
	}
	return false
}

// ParseGroups parses the cognito:groups claim the way API Gateway hands it to
// a payload-2.0 function: the token's JSON array flattened into one string,
// members separated by single spaces inside square brackets ("[editor
// publisher]", "[admin]", "[]").
//
// The rule, chosen so that nothing but an exact member can grant a role:
//   - the claim must start with "[" and end with "]";
//   - between them, members are separated by exactly one space: an empty
//     member (a leading, trailing or doubled space) is malformed;
//   - each member may hold only the characters Cognito allows in a group name
//     (letters, marks, symbols, numbers, punctuation): a tab, a zero-width
//     space, any other space or control character, or invalid UTF-8 is
//     malformed. Cognito group names cannot contain a space, so splitting on
//     spaces is unambiguous;
//   - a member equal to a role name (case-sensitive) grants that role; any
//     other member ("Admin", "admins", "аdmin" with a Cyrillic а, `"admin"`,
//     "editor,admin") is another Cognito group and is ignored.
//
// A malformed claim returns an error and no roles. Roles come back in claim
// order without duplicates.
func ParseGroups(claim string) ([]Role, error) {
	inner, ok := strings.CutPrefix(claim, "[")
	if ok {
		inner, ok = strings.CutSuffix(inner, "]")
	}
	if !ok {
		return nil, fmt.Errorf("parse %s %q: want a list in square brackets", claimGroups, claim)
	}
	if inner == "" {
		return nil, nil
	}
	var roles []Role
	for _, m := range strings.Split(inner, " ") {
		if err := checkGroupName(m); err != nil {
			return nil, fmt.Errorf("parse %s %q: %w", claimGroups, claim, err)
		}
		if r := Role(m); rank[r] > 0 && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	return roles, nil
}

// checkGroupName accepts a name Cognito could have given a group: one or
// more letters, marks, symbols, numbers or punctuation.
func checkGroupName(name string) error {
	if name == "" {
		return fmt.Errorf("empty group name (members must be separated by one space)")
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("group name is not valid UTF-8")
	}
	for i, r := range name {
		if !unicode.In(r, unicode.L, unicode.M, unicode.S, unicode.N, unicode.P) {
			return fmt.Errorf("group name has character %U at byte %d", r, i)
		}
	}
	return nil
}

// FromRequest returns the caller whose token API Gateway's JWT authorizer
// accepted for req. It returns an EUNAUTHORIZED error when the event carries
// no JWT claims or no sub: in AWS the authorizer has already refused bad
// tokens, so that means the route is not behind the authorizer. A malformed
// cognito:groups claim gives a caller with no roles, not an error.
func FromRequest(req apigw.Request) (Caller, error) {
	const op = "auth.FromRequest"
	a := req.RequestContext.Authorizer
	if a == nil || a.JWT == nil {
		return Caller{}, &portal.Error{Code: portal.EUNAUTHORIZED, Message: "A valid token is required.", Op: op,
			Err: fmt.Errorf("no JWT authorizer claims in the event")}
	}
	claims := a.JWT.Claims
	c := Caller{Subject: claims[claimSubject], Username: claims[claimUsername]}
	if c.Subject == "" {
		return Caller{}, &portal.Error{Code: portal.EUNAUTHORIZED, Message: "A valid token is required.", Op: op,
			Err: fmt.Errorf("no %s claim", claimSubject)}
	}
	if c.Username == "" {
		c.Username = claims[claimAltUsername]
	}
	if g, ok := claims[claimGroups]; ok {
		c.Groups, _ = ParseGroups(g) // malformed: no roles
	}
	return c, nil
}

// Require returns the caller of req if it may act as r. It returns an
// EUNAUTHORIZED error as FromRequest does, and an EFORBIDDEN error naming r
// when the caller lacks the role; with EFORBIDDEN it also returns the caller,
// so a handler can log who was refused.
func Require(req apigw.Request, r Role) (Caller, error) {
	c, err := FromRequest(req)
	if err != nil {
		return Caller{}, err
	}
	if !c.Can(r) {
		return c, &portal.Error{Code: portal.EFORBIDDEN, Op: "auth.Require",
			Message: fmt.Sprintf("This action needs the %s role.", r)}
	}
	return c, nil
}
