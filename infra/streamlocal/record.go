package streamlocal

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/smithy-go/logging"
)

// Record converts a stream record into the record of the event Lambda
// delivers (its JSON is Lambda's: "eventName", "dynamodb": {"Keys",
// "NewImage", "OldImage", "SequenceNumber", …}, "eventSourceARN"). Lambda
// gives the creation time in whole seconds, as SecondsEpochTime does.
func Record(r types.Record, streamArn string) events.DynamoDBEventRecord {
	out := events.DynamoDBEventRecord{
		AWSRegion:      aws.ToString(r.AwsRegion),
		EventID:        aws.ToString(r.EventID),
		EventName:      string(r.EventName),
		EventSource:    aws.ToString(r.EventSource),
		EventVersion:   aws.ToString(r.EventVersion),
		EventSourceArn: streamArn,
	}
	if id := r.UserIdentity; id != nil { // a TTL deletion: dynamodb.amazonaws.com
		out.UserIdentity = &events.DynamoDBUserIdentity{Type: aws.ToString(id.Type), PrincipalID: aws.ToString(id.PrincipalId)}
	}
	if d := r.Dynamodb; d != nil {
		out.Change = events.DynamoDBStreamRecord{
			Keys:           Image(d.Keys),
			NewImage:       Image(d.NewImage),
			OldImage:       Image(d.OldImage),
			SequenceNumber: aws.ToString(d.SequenceNumber),
			SizeBytes:      aws.ToInt64(d.SizeBytes),
			StreamViewType: string(d.StreamViewType),
		}
		if t := d.ApproximateCreationDateTime; t != nil {
			out.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: t.Truncate(time.Second)}
		}
	}
	return out
}

// Image converts an item of a stream record (nil stays nil).
func Image(item map[string]types.AttributeValue) map[string]events.DynamoDBAttributeValue {
	if item == nil {
		return nil
	}
	out := make(map[string]events.DynamoDBAttributeValue, len(item))
	for k, v := range item {
		out[k] = Value(v)
	}
	return out
}

// Value converts one attribute value, of any type.
func Value(v types.AttributeValue) events.DynamoDBAttributeValue {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *types.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value)
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *types.AttributeValueMemberNULL:
		return events.NewNullAttribute()
	case *types.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value)
	case *types.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value)
	case *types.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value)
	case *types.AttributeValueMemberL:
		list := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, e := range v.Value {
			list[i] = Value(e)
		}
		return events.NewListAttribute(list)
	case *types.AttributeValueMemberM:
		return events.NewMapAttribute(Image(v.Value))
	}
	// A type this SDK version does not know: DynamoDB has no other, and
	// the handler sees a NULL rather than a missing attribute.
	return events.NewNullAttribute()
}

// NewClient returns a DynamoDB Streams client for a local endpoint (DynamoDB
// Local serves its streams on its own port), with the same region and
// dummy credentials as ddblocal.NewClient, so no real AWS credentials are
// looked up.
func NewClient(ctx context.Context, endpoint string) (*dynamodbstreams.Client, error) {
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("dynamodb streams local client: invalid endpoint %q", endpoint)
	}
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	if err != nil {
		return nil, fmt.Errorf("dynamodb streams local client: load config: %w", err)
	}
	return dynamodbstreams.NewFromConfig(cfg, func(o *dynamodbstreams.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.Logger = logging.Nop{} // as ddblocal's: DynamoDB Local's dropped keep-alives are not news
	}), nil
}
