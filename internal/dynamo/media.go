package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// mediaItem is a media library entry (an image or a file, by kind):
// PK=MEDIA#<id>, SK=MEDIA;
// GSI1PK=MEDIA, GSI1SK=<createdAt ms>#<id> for the library, newest first.
// usedBy is the string set of the articles that use the image
// (portal.Article.MediaRefs), which the article transactions keep
// (addMediaUses): an image cannot be deleted while it has one.
type mediaItem struct {
	PK, SK         string
	GSI1PK, GSI1SK string
	ID             string                `dynamodbav:"id"`
	Kind           string                `dynamodbav:"kind,omitempty"` // absent: an image
	FileName       string                `dynamodbav:"fileName"`
	ContentType    string                `dynamodbav:"contentType"`
	Size           int64                 `dynamodbav:"size"`
	Status         string                `dynamodbav:"status"`
	Reason         string                `dynamodbav:"reason,omitempty"`
	URL            string                `dynamodbav:"url"`
	Width          int                   `dynamodbav:"width,omitempty"`
	Height         int                   `dynamodbav:"height,omitempty"`
	Variants       []portal.MediaVariant `dynamodbav:"variants,omitempty"`
	UsedBy         []string              `dynamodbav:"usedBy,stringset,omitempty"`
	CreatedBy      string                `dynamodbav:"createdBy"`
	CreatedAt      string                `dynamodbav:"createdAt"`
	UpdatedAt      string                `dynamodbav:"updatedAt"`
}

func newMediaItem(m *portal.Media) mediaItem {
	return mediaItem{
		PK: mediaPK(m.ID), SK: skMedia, GSI1PK: mediaLibrary, GSI1SK: mediaSK(m.CreatedAt, m.ID),
		ID: m.ID, Kind: m.Kind, FileName: m.FileName, ContentType: m.ContentType, Size: m.Size,
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
	kind := it.Kind
	if kind == "" {
		kind = portal.MediaImage
	}
	return &portal.Media{
		ID: it.ID, Kind: kind, FileName: it.FileName, ContentType: it.ContentType, Size: it.Size,
		Status: it.Status, Reason: it.Reason, URL: it.URL, Width: it.Width, Height: it.Height, Variants: it.Variants,
		UsedBy: it.UsedBy, Uses: len(it.UsedBy), CreatedBy: it.CreatedBy, CreatedAt: created, UpdatedAt: updated,
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

// UpdateMedia replaces the pending entry of m.ID with m, as the processing
// function finishes it (ready or rejected). An entry no longer pending is
// left as it is: another delivery of the upload's event finished it (no
// error), or it is being deleted (ENOTFOUND, as when it is gone: one
// deleted while its upload was being processed stays deleted).
//
// Errors: ENOTFOUND when there is no entry, or it is being deleted;
// EUNAVAILABLE.
func (s *Store) UpdateMedia(ctx context.Context, m *portal.Media) error {
	const op = "dynamo.UpdateMedia"
	av, err := attributevalue.MarshalMap(newMediaItem(m))
	if err != nil {
		return translate(op, fmt.Errorf("marshal media: %w", err))
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: av,
		ConditionExpression:                 aws.String("attribute_exists(PK) AND #s = :pending"),
		ExpressionAttributeNames:            map[string]string{"#s": "status"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":pending": sv(portal.MediaPending)},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		if status := stringAttr(failed.Item, "status"); status == portal.MediaReady || status == portal.MediaRejected {
			return nil
		}
		return notFound(op, "Media item")
	}
	return translate(op, err)
}

// MarkMediaDeleting begins the deletion of entry id: from then on no
// article can start using it (addMediaUses wants it ready). It is refused
// while an article uses the image, with their ids; an entry being deleted
// already is marked again.
//
// Errors: ECONFLICT when articles use it (usedBy lists them); ENOTFOUND;
// EUNAVAILABLE.
func (s *Store) MarkMediaDeleting(ctx context.Context, id string, now time.Time) (usedBy []string, err error) {
	const op = "dynamo.MarkMediaDeleting"
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(mediaPK(id), skMedia),
		UpdateExpression:                    aws.String("SET #s = :deleting, updatedAt = :now"),
		ConditionExpression:                 aws.String("attribute_exists(id) AND attribute_not_exists(usedBy)"),
		ExpressionAttributeNames:            map[string]string{"#s": "status"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":deleting": sv(portal.MediaDeleting), ":now": sv(formatMilli(now))},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		var it mediaItem
		if failed.Item == nil || attributevalue.UnmarshalMap(failed.Item, &it) != nil || it.ID == "" {
			return nil, notFound(op, "Media item")
		}
		return it.UsedBy, &portal.Error{Code: portal.ECONFLICT, Op: op, Message: "Articles use this image."}
	}
	return nil, translate(op, err)
}

// ArticleTitles returns the titles of the articles ids (their working
// copies), by id; an article that is gone is absent.
//
// Errors: EUNAVAILABLE.
func (s *Store) ArticleTitles(ctx context.Context, ids []string) (map[string]string, error) {
	const op = "dynamo.ArticleTitles"
	keys := make([]map[string]types.AttributeValue, len(ids))
	for i, id := range ids {
		keys[i] = key(articlePK(id), skArticle)
	}
	items, err := s.batchGet(ctx, keys, "id", "title")
	if err != nil {
		return nil, translate(op, err)
	}
	titles := make(map[string]string, len(items))
	for _, it := range items {
		titles[stringAttr(it, "id")] = stringAttr(it, "title")
	}
	return titles, nil
}

// errMediaUnusable is the error of an article save that starts using an
// image the library does not hold ready.
func errMediaUnusable(id string, old map[string]types.AttributeValue) error {
	switch stringAttr(old, "status") {
	case portal.MediaPending:
		return portal.Errorf(portal.EINVALID, "Image %s is still being processed; wait until it is ready, then save again.", id)
	case portal.MediaRejected:
		return portal.Errorf(portal.EINVALID, "Image %s was refused by the media library; use another image.", id)
	case "":
		return portal.Errorf(portal.EINVALID, "Image %s is not in the media library.", id)
	default:
		return portal.Errorf(portal.EINVALID, "Image %s is being deleted from the media library.", id)
	}
}

// addMediaUses adds to t what article id's move from using the library
// images before to using after (portal.Article.MediaRefs) changes: each
// image it starts using gets id in its usedBy, on condition that it is
// ready (so a concurrent MarkMediaDeleting and this save cannot both
// succeed); each it stops using loses id. At most portal.MaxArticleImages
// images.
func addMediaUses(t *tx, id string, before, after []string) error {
	if len(after) > portal.MaxArticleImages {
		return portal.Errorf(portal.EINVALID, "An article may use at most %d images of the media library; it uses %d.", portal.MaxArticleImages, len(after))
	}
	set := map[string]types.AttributeValue{":a": &types.AttributeValueMemberSS{Value: []string{id}}}
	for _, m := range after {
		if slices.Contains(before, m) {
			continue
		}
		values := map[string]types.AttributeValue{":a": set[":a"], ":ready": sv(portal.MediaReady)}
		t.update(mediaPK(m), skMedia, "ADD usedBy :a", "#s = :ready", map[string]string{"#s": "status"}, values, nil)
		t.explainLast(func(old map[string]types.AttributeValue) error { return errMediaUnusable(m, old) })
	}
	for _, m := range before {
		if !slices.Contains(after, m) {
			// No condition: an image is never deleted while used, and a
			// missing one (data from before usedBy) leaves an item of keys
			// only, which Media reads as not found.
			t.update(mediaPK(m), skMedia, "DELETE usedBy :a", "", nil, set, nil)
		}
	}
	return nil
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
	if it.ID == "" {
		return nil, notFound(op, "Media item")
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

// DeleteMedia deletes the library entry of id, which MarkMediaDeleting
// marked (its objects are the caller's to delete first).
//
// Errors: ENOTFOUND when there is none, or it is not being deleted;
// EUNAVAILABLE.
func (s *Store) DeleteMedia(ctx context.Context, id string) error {
	const op = "dynamo.DeleteMedia"
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.table, Key: key(mediaPK(id), skMedia),
		ConditionExpression:       aws.String("#s = :deleting AND attribute_not_exists(usedBy)"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":deleting": sv(portal.MediaDeleting)},
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return notFound(op, "Media item")
	}
	return translate(op, err)
}
