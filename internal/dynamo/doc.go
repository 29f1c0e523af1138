// Package dynamo is eportal's DynamoDB adapter: one table, single-table
// design. It implements the handlers' store interfaces in the domain's types
// (package portal), translating items into portal values and store errors
// into portal errors: a missing item is ENOTFOUND (never a nil result), a
// throttled or unreachable table EUNAVAILABLE, anything unexpected
// EINTERNAL. Each method's doc comment says which codes it returns.
//
// It is one package because one transaction spans aggregates (an article
// save writes its audit record and idempotency record too), and it is filed
// by what it stores:
//
//	store.go          Store, the client interface, error translation
//	client.go         the client's timeouts and retries (ClientOptions)
//	keys.go           every key pattern (docs/data-model.md lists them with their access patterns)
//	attrs.go          attribute values, stored times, projections
//	tx.go             one transaction, with the error each failed condition means; conflicts retried
//	batch.go          BatchGetItem/BatchWriteItem with retries of unprocessed items
//	page.go           paginated queries and cursors, small partitions, sweeps
//	itemsize.go       an item's size against the 400 KB limit
//	article_item.go   the stored form of an article (working copy, published copy, entries)
//	article_read.go   by slug, lists, by id, the desk, revisions
//	article_save.go   one save: working copy, revision, audit, publication plan, category counts
//	article_delete.go delete, and finishing a delete that did not complete
//	views.go          view counting: visits, counter shards, roll-ups, the day's key
//	popular.go        most read
//	poll.go           polls and their tally shards
//	vote.go           votes, voter markers, the per-address cap and address key
//	category.go       the category tree, its counts, and deletes guarded by them
//	site.go           links, one-off markers
//	audit.go          the audit log
//	idempotency.go    Idempotency-Key claims and stored responses
//
// Test-only instrumentation (call counts, consumed capacity, injected AWS
// behaviours) is in the subpackage dynamotest.
package dynamo
