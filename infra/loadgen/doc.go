// Package loadgen drives a bounded mixed load at a running eportal API over
// real HTTP and checks what it answered: `make load` (infra/load) starts the
// local stack and hands it the API's address.
//
// For a fixed time, readers fetch published articles, lists, the most-read
// ranking, the category tree, the links and polls; beacon senders post page
// views, each from a new visitor and now and then the same visitor again;
// voters vote in a poll of the run's own, each as a new voter, now and then
// repeating with their token; and one editor-publisher writes articles,
// publishing some, leaving some as drafts or in review, and editing some
// published ones without publishing the edit. Requests go out from several
// loopback addresses (see NewClient), so the API sees distinct visitors by
// address as well as by User-Agent.
//
// Every request's latency and status is recorded per route (Report prints
// requests/s, p50 and p99). When the load ends, Run checks, exactly:
//
//   - the poll's tally equals the votes answered 200, and no repeat vote
//     with its token was accepted;
//   - each article's view shards add up to the beacons answered
//     {"counted": true}, and no repeat visitor was counted;
//   - no public response ever carried a draft's or an unpublished edit's
//     text, and every draft's slug answers 404;
//   - no 5xx at all without injected faults; with them, 5xx only as 503
//     with Retry-After;
//   - every other answer was the one its request expects.
//
// The counts stay exact under injected faults because the faults infra/load
// injects (throttling, 500s, transaction conflicts) are answered without the
// request reaching the table: a beacon or vote either wrote everything and
// answered 200, or wrote nothing and answered 503.
package loadgen
