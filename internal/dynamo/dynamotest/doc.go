// Package dynamotest instruments the DynamoDB client under a dynamo.Store for
// tests and benchmarks: it counts calls (the round-trip budgets of SPEC §6),
// adds up the capacity they consume, and injects the behaviours of AWS that
// DynamoDB Local never shows (unprocessed batch items, throttling, lost
// responses) around the real DynamoDB Local client. Nothing in production
// imports it.
package dynamotest
