// Package pollsapi is the polls function's handler: the active polls, one
// poll with its results as the poll's policy allows, and votes counted
// exactly once (GET /polls, GET /polls/{id}, POST /polls/{id}/votes). It
// issues the voter tokens it dedupes by (package voter).
package pollsapi
