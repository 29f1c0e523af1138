// Package demo holds eportal's demo content — the sample article, the
// category tree, the linked websites and the opinion poll of a provincial
// Party Committee portal (portal.json, taken from the project's fixtures) —
// and loads it into a store once.
package demo

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"time"

	"eportal/internal/docfile"
	"eportal/internal/portal"
	"eportal/internal/slug"
)

//go:embed portal.json
var content []byte

//go:embed *.pdf
var files embed.FS

// Content is the demo content.
type Content struct {
	Site struct {
		Name    string `json:"name"`
		Welcome string `json:"welcome"`
	} `json:"site"`
	Categories []portal.Category `json:"categories"`
	Articles   []struct {
		ID         string    `json:"id"`
		Title      string    `json:"title"`
		Summary    string    `json:"summary"`
		Body       string    `json:"body"`
		Categories []string  `json:"categories"`
		Tags       []string  `json:"tags"`
		Author     string    `json:"author"`
		Source     string    `json:"source"`
		PublishAt  time.Time `json:"publishAt"`
		Views      int64     `json:"views"`
	} `json:"articles"`
	Links     []portal.Link `json:"links"`
	Documents []struct {
		ID          string    `json:"id"`
		Title       string    `json:"title"`
		Summary     string    `json:"summary"`
		Number      string    `json:"number"`
		Type        string    `json:"type"`
		Issuer      string    `json:"issuer"`
		Signer      string    `json:"signer"`
		IssuedOn    string    `json:"issuedOn"`
		EffectiveOn string    `json:"effectiveOn"`
		Fields      []string  `json:"fields"`
		Related     []string  `json:"related"`
		PublishAt   time.Time `json:"publishAt"`
		Attachment  *struct {
			ID   string `json:"id"`
			Name string `json:"name"` // as an editor would have named it
			File string `json:"file"` // embedded here
		} `json:"attachment"`
	} `json:"documents"`
	Polls []struct {
		ID         string              `json:"id"`
		Question   string              `json:"question"`
		Options    []portal.PollOption `json:"options"`
		MaxChoices int                 `json:"maxChoices"`
	} `json:"polls"`
}

// Parse returns the embedded demo content.
func Parse() (*Content, error) {
	var c Content
	dec := json.NewDecoder(bytes.NewReader(content))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parse demo content: %w", err)
	}
	return &c, nil
}

// ArticlesAt returns the demo articles as published articles, with slugs made
// from their titles.
func (c *Content) ArticlesAt(now time.Time) []*portal.Article {
	out := make([]*portal.Article, 0, len(c.Articles))
	for _, a := range c.Articles {
		publishAt := a.PublishAt.UTC()
		out = append(out, &portal.Article{
			ID: a.ID, Slug: slug.Make(a.Title), Title: a.Title, Summary: a.Summary, Body: a.Body,
			Categories: a.Categories, Tags: a.Tags, Author: a.Author, Source: a.Source,
			Status: portal.StatusPublished, PublishAt: &publishAt,
			CreatedAt: publishAt, UpdatedAt: now, CreatedBy: Actor, UpdatedBy: Actor,
			Version: 1, Views: a.Views,
		})
	}
	return out
}

// File is a demo attachment: its media library entry and the object the
// bucket holds for it (make run puts it into the local bucket).
type File struct {
	Media       *portal.Media
	Key         string // the object's key: media/<id>/file/<safe name>
	ContentType string
	Disposition string
	Body        []byte
}

// Files returns the demo attachments, their URLs under mediaBase (the
// MEDIA_BASE_URL, "/media" locally).
func (c *Content) Files(mediaBase string, now time.Time) ([]File, error) {
	var out []File
	for _, d := range c.Documents {
		a := d.Attachment
		if a == nil {
			continue
		}
		body, err := files.ReadFile(a.File)
		if err != nil {
			return nil, err
		}
		safe := docfile.SafeName(a.Name, docfile.PDF)
		out = append(out, File{
			Media: &portal.Media{ID: a.ID, Kind: portal.MediaFile, FileName: a.Name, ContentType: "application/pdf",
				Size: int64(len(body)), Status: portal.MediaReady, URL: mediaBase + "/" + a.ID + "/file/" + safe,
				CreatedBy: Actor, CreatedAt: now, UpdatedAt: now},
			Key: "media/" + a.ID + "/file/" + safe, ContentType: "application/pdf",
			Disposition: docfile.Disposition(a.Name, safe), Body: body,
		})
	}
	return out, nil
}

// DocumentsAt returns the demo documents as published documents, their
// links and attachments resolved among themselves, each after the
// documents it links to.
func (c *Content) DocumentsAt(now time.Time, mediaBase string) ([]*portal.Article, error) {
	fs, err := c.Files(mediaBase, now)
	if err != nil {
		return nil, err
	}
	byID := map[string]*portal.Article{}
	var out []*portal.Article
	for _, d := range c.Documents {
		publishAt := d.PublishAt.UTC()
		key, err := portal.NumberKey(d.Number)
		if err != nil {
			return nil, fmt.Errorf("document %s: %w", d.ID, err)
		}
		meta := &portal.DocumentMeta{Number: d.Number, NumberKey: key, Type: d.Type, Issuer: d.Issuer, IssuerKey: slug.Make(d.Issuer),
			Signer: d.Signer, IssuedOn: portal.Date(d.IssuedOn), EffectiveOn: portal.Date(d.EffectiveOn), Fields: d.Fields}
		for _, id := range d.Related {
			r, ok := byID[id]
			if !ok {
				return nil, fmt.Errorf("document %s: related %s is not listed before it", d.ID, id)
			}
			meta.Related = append(meta.Related, r.DocumentRef(r.Slug))
		}
		if d.Attachment != nil {
			for _, f := range fs {
				if f.Media.ID == d.Attachment.ID {
					meta.Attachments = append(meta.Attachments, portal.Attachment{ID: f.Media.ID, Name: f.Media.FileName,
						URL: f.Media.URL, ContentType: f.ContentType, Size: f.Media.Size})
				}
			}
		}
		a := &portal.Article{
			ID: d.ID, Slug: slug.Make(d.Number + " " + meta.Year()), Title: d.Title, Summary: d.Summary,
			Kind: portal.KindDocument, Document: meta,
			Status: portal.StatusPublished, PublishAt: &publishAt,
			CreatedAt: publishAt, UpdatedAt: now, CreatedBy: Actor, UpdatedBy: Actor, Version: 1,
		}
		byID[a.ID] = a
		out = append(out, a)
	}
	return out, nil
}

// sourceDocument is the demo document an article's source names, if any.
func sourceDocument(source string, docs []*portal.Article) *portal.DocumentRef {
	key, year, ok := portal.SourceDocument(source)
	if !ok {
		return nil
	}
	for _, d := range docs {
		if d.Document.NumberKey == key && (year == "" || d.Document.Year() == year) {
			ref := d.DocumentRef(d.Slug)
			return &ref
		}
	}
	return nil
}

// MediaBase is the MEDIA_BASE_URL the demo content's attachments are
// recorded under: make run's.
const MediaBase = "/media"

// Actor is the name demo content is recorded under in the audit log.
const Actor = "demo-loader"

// marker names the demo load in the store; bump it when the content changes
// in a way existing local stacks should pick up.
const marker = "demo-content-v2"

// Store is what Load writes to; *dynamo.Store satisfies it.
type Store interface {
	Marked(ctx context.Context, name string) (bool, error)
	MarkOnce(ctx context.Context, name string, now time.Time) (bool, error)
	PutCategory(ctx context.Context, c portal.Category) error
	PutLink(ctx context.Context, l portal.Link) error
	CreateArticle(ctx context.Context, a *portal.Article, actor string, now time.Time) error
	CreatePoll(ctx context.Context, p *portal.Poll) error
	CreateMedia(ctx context.Context, m *portal.Media) error
}

// Load writes the demo content to store unless it was loaded before, and
// reports whether it did. Writes that find their item already there (a load
// interrupted half-way) are not errors; the marker is set last.
func Load(ctx context.Context, store Store, now time.Time) (bool, error) {
	done, err := store.Marked(ctx, marker)
	if err != nil || done {
		return false, err
	}
	c, err := Parse()
	if err != nil {
		return false, err
	}
	for _, cat := range c.Categories {
		if err := store.PutCategory(ctx, cat); err != nil {
			return false, fmt.Errorf("category %s: %w", cat.ID, err)
		}
	}
	for _, l := range c.Links {
		if err := store.PutLink(ctx, l); err != nil {
			return false, fmt.Errorf("link %s: %w", l.ID, err)
		}
	}
	files, err := c.Files(MediaBase, now)
	if err != nil {
		return false, err
	}
	for _, f := range files {
		if err := store.CreateMedia(ctx, f.Media); err != nil && portal.ErrorCode(err) != portal.ECONFLICT {
			return false, fmt.Errorf("media %s: %w", f.Media.ID, err)
		}
	}
	docs, err := c.DocumentsAt(now, MediaBase)
	if err != nil {
		return false, err
	}
	for _, d := range docs {
		if err := store.CreateArticle(ctx, d, Actor, now); err != nil && portal.ErrorCode(err) != portal.ECONFLICT {
			return false, fmt.Errorf("document %s: %w", d.ID, err)
		}
	}
	for _, a := range c.ArticlesAt(now) {
		a.SourceDocument = sourceDocument(a.Source, docs)
		if err := store.CreateArticle(ctx, a, Actor, now); err != nil && portal.ErrorCode(err) != portal.ECONFLICT {
			return false, fmt.Errorf("article %s: %w", a.ID, err)
		}
	}
	for _, p := range c.Polls {
		poll := &portal.Poll{
			ID: p.ID, Question: p.Question, Options: p.Options, MaxChoices: p.MaxChoices,
			OpensAt: &now, Status: portal.PollOpen, Dedupe: portal.DedupeToken, Results: portal.ResultsAlways,
			VotesPerAddress: portal.DefaultVotesPerAddress,
			CreatedAt:       now, UpdatedAt: now, Version: 1,
		}
		if err := store.CreatePoll(ctx, poll); err != nil && portal.ErrorCode(err) != portal.ECONFLICT {
			return false, fmt.Errorf("poll %s: %w", p.ID, err)
		}
	}
	if _, err := store.MarkOnce(ctx, marker, now); err != nil {
		return false, err
	}
	return true, nil
}
