package dynamo

import (
	"fmt"
	"time"

	"eportal/internal/portal"
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

// View counting (views.go, popular.go).
const (
	skVisit        = "VISIT"   // PK=VISIT#<articleId>#<visitor hash>: a dedupe marker
	skShard        = "VIEWS"   // PK=VIEWS#<articleId>#<shard>: a counter shard
	skViewKey      = "VIEWKEY" // PK=VIEWKEY#<yyyy-mm-dd>: the day's visitor-hash key
	popularPrefix  = "POP#"    // PK=POP#<articleId>, SK=<period>: most-read entry; GSI1PK=POP#<period>#<bucket>
	popularCountSz = 12        // digits of the zero-padded count in a most-read GSI1SK
)

func visitPK(articleID, visitor string) string { return "VISIT#" + articleID + "#" + visitor }

// shardPK puts each shard in its own partition key: shards that shared a
// partition key would share a partition's 1,000 writes/s.
func shardPK(articleID string, shard int) string { return fmt.Sprintf("VIEWS#%s#%d", articleID, shard) }
func viewKeyPK(d portal.Day) string              { return "VIEWKEY#" + d.String() }
func popularPK(articleID string) string          { return popularPrefix + articleID }
func popularScope(p portal.Period, bucket string) string {
	return popularPrefix + string(p) + "#" + bucket
}

// popularSK orders most-read entries by count (zero-padded so that text order
// is numeric order), then id.
func popularSK(count int64, articleID string) string {
	return fmt.Sprintf("%0*d#%s", popularCountSz, count, articleID)
}

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
