// Package dynamo is eportal's DynamoDB adapter: one table, single-table design,
// with the key patterns in keys.go and docs/data-model.md. It translates
// between portal types and items, and store errors into portal errors: a
// missing item is ENOTFOUND (never a nil result), a throttled or unreachable
// table is EUNAVAILABLE, anything else EINTERNAL.
package dynamo
