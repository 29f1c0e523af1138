// Package demo holds eportal's demo content — the sample article, the
// category tree, the linked websites and the opinion poll of a provincial
// Party Committee portal (portal.json, taken from the project's fixtures) —
// and loads it into a store once.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"eportal/internal/portal"
	"eportal/internal/slug"
)

//go:embed portal.json
var content []byte

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
	Links []portal.Link `json:"links"`
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

// Actor is the name demo content is recorded under in the audit log.
const Actor = "demo-loader"

// marker names the demo load in the store; bump it when the content changes
// in a way existing local stacks should pick up.
const marker = "demo-content-v1"

// Store is what Load writes to; *dynamo.Store satisfies it.
type Store interface {
	Marked(ctx context.Context, name string) (bool, error)
	MarkOnce(ctx context.Context, name string, now time.Time) (bool, error)
	PutCategory(ctx context.Context, c portal.Category) error
	PutLink(ctx context.Context, l portal.Link) error
	CreateArticle(ctx context.Context, a *portal.Article, actor string, now time.Time) error
	CreatePoll(ctx context.Context, p *portal.Poll) error
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
	for _, a := range c.ArticlesAt(now) {
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
