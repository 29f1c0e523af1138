package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// mediaItem is a media library entry: PK=MEDIA#<id>, SK=MEDIA;
// GSI1PK=MEDIA, GSI1SK=<createdAt ms>#<id> for the library, newest first.
type mediaItem struct {
	PK, SK         string
	GSI1PK, GSI1SK string
	ID             string                `dynamodbav:"id"`
	FileName       string                `dynamodbav:"fileName"`
	ContentType    string                `dynamodbav:"contentType"`
	Size           int64                 `dynamodbav:"size"`
	Status         string                `dynamodbav:"status"`
	Reason         string                `dynamodbav:"reason,omitempty"`
	URL            string                `dynamodbav:"url"`
	Width          int                   `dynamodbav:"width,omitempty"`
	Height         int                   `dynamodbav:"height,omitempty"`
	Variants       []portal.MediaVariant `dynamodbav:"variants,omitempty"`
	CreatedBy      string                `dynamodbav:"createdBy"`
	CreatedAt      string                `dynamodbav:"createdAt"`
	UpdatedAt      string                `dynamodbav:"updatedAt"`
}

func newMediaItem(m *portal.Media) mediaItem {
	return mediaItem{
		PK: mediaPK(m.ID), SK: skMedia, GSI1PK: mediaLibrary, GSI1SK: mediaSK(m.CreatedAt, m.ID),
		ID: m.ID, FileName: m.FileName, ContentType: m.ContentType, Size: m.Size,
		Status: m.Status, Reason: m.Reason, URL: m.URL, Width: m.Width, Height: m.Height, Variants: m.Variants,
		CreatedBy: m.CreatedBy, CreatedAt: formatMilli(m.CreatedAt), UpdatedAt: formatMilli(m.UpdatedAt),
	}
}

func (it mediaItem) media() (*portal.Media, error) {
	created, err := time.Parse(milliLayout, it.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("media %s createdAt: %w", it.ID, err)
	}
	updated, err := time.Parse(milliLayout, it.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("media %s updatedAt: %w", it.ID, err)
	}
	return &portal.Media{
		ID: it.ID, FileName: it.FileName, ContentType: it.ContentType, Size: it.Size,
		Status: it.Status, Reason: it.Reason, URL: it.URL, Width: it.Width, Height: it.Height, Variants: it.Variants,
		CreatedBy: it.CreatedBy, CreatedAt: created, UpdatedAt: updated,
	}, nil
}

// CreateMedia records a new, pending library entry.
//
// Errors: ECONFLICT when an entry with m.ID exists; EUNAVAILABLE.
func (s *Store) CreateMedia(ctx context.Context, m *portal.Media) error {
	const op = "dynamo.CreateMedia"
	err := s.put(ctx, newMediaItem(m), "attribute_not_exists(PK)")
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return &portal.Error{Code: portal.ECONFLICT, Op: op, Message: "A media item with this id exists."}
	}
	return translate(op, err)
}

// UpdateMedia replaces the entry of m.ID with m, as the processing function
// finishes it (ready or rejected). The entry must exist: one deleted while
// its upload was being processed stays deleted.
//
// Errors: ENOTFOUND when there is no entry; EUNAVAILABLE.
func (s *Store) UpdateMedia(ctx context.Context, m *portal.Media) error {
	const op = "dynamo.UpdateMedia"
	err := s.put(ctx, newMediaItem(m), "attribute_exists(PK)")
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return notFound(op, "Media item")
	}
	return translate(op, err)
}

// Media reads one library entry, strongly consistent.
//
// Errors: ENOTFOUND; EUNAVAILABLE.
func (s *Store) Media(ctx context.Context, id string) (*portal.Media, error) {
	const op = "dynamo.Media"
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: key(mediaPK(id), skMedia), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, translate(op, err)
	}
	if out.Item == nil {
		return nil, notFound(op, "Media item")
	}
	var it mediaItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, translate(op, fmt.Errorf("unmarshal media: %w", err))
	}
	m, err := it.media()
	return m, translate(op, err)
}

// MediaLibrary returns a page of at most limit library entries, newest
// first, and the cursor of the next page ("" after the last).
//
// Errors: EINVALID for a bad limit or cursor; EUNAVAILABLE.
func (s *Store) MediaLibrary(ctx context.Context, limit int, cur string) ([]*portal.Media, string, error) {
	const op = "dynamo.MediaLibrary"
	in := &dynamodb.QueryInput{
		IndexName:                 aws.String(indexGSI1),
		KeyConditionExpression:    aws.String("GSI1PK = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": sv(mediaLibrary)},
		ScanIndexForward:          aws.Bool(false),
	}
	items, next, err := s.page(ctx, in, mediaLibrary, limit, cur, gsi1Key)
	if err != nil {
		return nil, "", translate(op, err)
	}
	out := make([]*portal.Media, 0, len(items))
	for _, item := range items {
		var it mediaItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, "", translate(op, fmt.Errorf("unmarshal media: %w", err))
		}
		m, err := it.media()
		if err != nil {
			return nil, "", translate(op, err)
		}
		out = append(out, m)
	}
	return out, next, nil
}

// DeleteMedia deletes the library entry of id (its objects are the
// caller's to delete).
//
// Errors: ENOTFOUND when there is none; EUNAVAILABLE.
func (s *Store) DeleteMedia(ctx context.Context, id string) error {
	const op = "dynamo.DeleteMedia"
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.table, Key: key(mediaPK(id), skMedia),
		ConditionExpression: aws.String("attribute_exists(PK)"),
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return notFound(op, "Media item")
	}
	return translate(op, err)
}
