// Package portal holds eportal's domain: articles, categories, links and polls,
// the rules that decide what a reader may see, and the one error type every
// layer speaks. It imports nothing from AWS: the DynamoDB adapter (package
// dynamo) and the API Gateway helpers (package apigw) translate to and from it.
package portal
