package dynamo

import (
	"fmt"
	"time"
)

// Key attribute names, as declared in template.yaml.
const (
	attrPK     = "PK"
	attrSK     = "SK"
	attrGSI1PK = "GSI1PK"
	attrGSI1SK = "GSI1SK"
	attrGSI2PK = "GSI2PK"
	attrGSI2SK = "GSI2SK"

	indexGSI1 = "GSI1"
	indexGSI2 = "GSI2"
)

// Key patterns. docs/data-model.md lists every one with the access pattern it
// serves; keep the two in step.
const (
	skArticle     = "ART"      // PK=ART#<id>: the editorial working copy
	skDesk        = "DESK"     // PK=ART#<id>: small summary for the editorial desk lists
	skPublic      = "SLUG"     // PK=SLUG#<slug>: the published copy, a redirect, or a reservation
	skListAll     = "LIST#ALL" // PK=ART#<id>: entry in the public newest-first list
	pkCategories  = "CATEGORY" // SK=<id>: the category tree, one partition
	pkLinks       = "LINK"     // SK=<id>: the linked websites, one partition
	pkSite        = "SITE"     // SK=SEED#<name>: one-off markers such as the demo import
	listAllScope  = "LIST#ALL"
	listCatPrefix = "LIST#CAT#"
	deskAll       = "DESK"
)

func articlePK(id string) string  { return "ART#" + id }
func publicPK(slug string) string { return "SLUG#" + slug }
func revisionSK(n int) string     { return fmt.Sprintf("REV#%010d", n) }
func listScope(category string) string {
	if category == "" {
		return listAllScope
	}
	return listCatPrefix + category
}

// listSK orders list entries newest first by publish time, the id breaking ties.
func listSK(publishAt time.Time, id string) string { return formatTime(publishAt) + "#" + id }

// listUpperBound is the greatest list sort key published at or before now:
// ids are lower-case ASCII, all below '~'.
func listUpperBound(now time.Time) string { return formatTime(now) + "#~" }

// deskSK orders desk entries by last change, newest first.
func deskSK(updatedAt time.Time, id string) string { return formatMilli(updatedAt) + "#" + id }

// Times are stored as fixed-width UTC strings so that they sort as text.
const (
	timeLayout  = "2006-01-02T15:04:05Z"
	milliLayout = "2006-01-02T15:04:05.000Z"
)

func formatTime(t time.Time) string  { return t.UTC().Format(timeLayout) }
func formatMilli(t time.Time) string { return t.UTC().Format(milliLayout) }

func formatTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatTime(*t)
}

func parseTimePtr(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, err
	}
	t = t.UTC()
	return &t, nil
}
