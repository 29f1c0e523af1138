package apigw

import (
	"strconv"

	"eportal/internal/portal"
)

// Limit returns the request's limit query parameter: portal.DefaultLimit
// when absent, else an integer from 1 to portal.MaxLimit. Anything else —
// "0", "101", "-1", "1.5", "abc", a repeated parameter (which payload 2.0
// joins as "5,6") — is an EINVALID error.
func Limit(req Request) (int, error) {
	s, ok := req.QueryStringParameters["limit"]
	if !ok {
		return portal.DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > portal.MaxLimit || strconv.Itoa(n) != s {
		return 0, portal.Errorf(portal.EINVALID, "limit must be an integer from 1 to %d.", portal.MaxLimit)
	}
	return n, nil
}

// Query returns the query parameter name, or "" when absent. It refuses
// values over maxLen bytes so no oversized input reaches the store.
func Query(req Request, name string, maxLen int) (string, error) {
	s := req.QueryStringParameters[name]
	if len(s) > maxLen {
		return "", portal.Errorf(portal.EINVALID, "%s is longer than %d characters.", name, maxLen)
	}
	return s, nil
}
