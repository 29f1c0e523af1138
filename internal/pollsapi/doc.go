// Package pollsapi is the polls function's handler: the active polls, one
// poll with its results as the poll's policy allows, and votes counted
// exactly once (GET /polls, GET /polls/{id}, POST /polls/{id}/votes), also
// from the reader site's no-JavaScript poll form (POST /binh-chon/{id},
// answered with redirects to the site's results page; FormErrors holds the
// messages that page shows for a refused vote). It issues the voter tokens
// it dedupes by (package voter).
package pollsapi
