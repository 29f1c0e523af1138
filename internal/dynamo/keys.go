package dynamo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// Every key pattern of the table is here, and in docs/data-model.md with the
// access pattern it serves: keep the two in step.

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

// The attributes of each kind of query's key, as a cursor must carry them.
var (
	tableKey = []string{attrPK, attrSK}
	gsi1Key  = []string{attrPK, attrSK, attrGSI1PK, attrGSI1SK}
	gsi2Key  = []string{attrPK, attrSK, attrGSI2PK, attrGSI2SK}
)

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrPK: &types.AttributeValueMemberS{Value: pk},
		attrSK: &types.AttributeValueMemberS{Value: sk},
	}
}

// Articles (article_*.go).
const (
	skArticle     = "ART"      // PK=ART#<id>: the editorial working copy
	skDesk        = "DESK"     // PK=ART#<id>: small summary for the editorial desk lists
	skDeleting    = "DELETING" // PK=ART#<id>: a deletion whose sweep is not finished
	revPrefix     = "REV#"     // PK=ART#<id>, SK=REV#<n>: revision n
	skPublic      = "SLUG"     // PK=SLUG#<slug>: the published copy, a redirect, or a reservation
	listAllScope  = "LIST#ALL" // PK=ART#<id>, SK and GSI1PK: entry in the public newest-first list
	listCatPrefix = "LIST#CAT#"
	deskAll       = "DESK" // GSI1PK of every desk entry; GSI2PK DESK#<status>
)

func articlePK(id string) string  { return "ART#" + id }
func publicPK(slug string) string { return "SLUG#" + slug }
func revisionSK(n int) string     { return fmt.Sprintf("%s%010d", revPrefix, n) }
func deskByStatus(st portal.Status) string {
	return deskAll + "#" + string(st)
}

// listScope is the key of a public list: "" is the list of all articles,
// anything else a category id (portal.PublicationPlan's list names).
func listScope(category string) string {
	if category == "" {
		return listAllScope
	}
	if portal.IsDocumentList(category) {
		return category // DOCLIST#…: a document list (document.go)
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

// Site structure (site.go).
const (
	pkCategories = "CATEGORY" // SK=<id>: the category tree, one partition
	pkLinks      = "LINK"     // SK=<id>: the linked websites, one partition
	pkSite       = "SITE"     // SK=ONCE#<name>: one-off markers such as the demo import
)

func onceSK(name string) string { return "ONCE#" + name }

// View counting (views.go) and most read (popular.go).
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

// Polls (poll.go) and votes (vote.go).
const (
	skPoll       = "POLL"      // PK=POLL#<id>: the definition
	skAddressKey = "IPKEY"     // PK=POLL#<id>: the poll's random address-hash key
	skTally      = "TALLY"     // PK=POLL#<id>#TALLY#<n>: one tally shard
	skVote       = "VOTE"      // PK=VOTE#<pollId>#<T|I|N>#<hash>: markers and the address counter
	pkPollIndex  = "POLLS"     // GSI1PK of open polls
	pkAllPolls   = "POLLS#ALL" // GSI2PK of every poll, for the admins' list
	votePrefix   = "v_"        // a shard's count attribute for an option: v_<optionId>
	voteKeys     = "VOTE#"     // the start of every marker's and address counter's PK
)

func pollPK(id string) string               { return "POLL#" + id }
func tallyPK(id string, n int) string       { return fmt.Sprintf("POLL#%s#TALLY#%02d", id, n) }
func tokenMarkerPK(poll, h string) string   { return voteKeys + poll + "#T#" + h }
func addressMarkerPK(poll, h string) string { return voteKeys + poll + "#I#" + h }
func networkCountPK(poll, h string) string  { return voteKeys + poll + "#N#" + h }

// Audit (audit.go): PK=AUDIT#<type>#<id>, SK=<at ms>#<version>#<nonce>;
// GSI1PK=AUDIT#ACTOR#<actor>, GSI2PK=AUDIT, both with the same sort key.
const auditAll = "AUDIT"

func auditPK(entityType, entityID string) string { return "AUDIT#" + entityType + "#" + entityID }
func auditActorPK(actor string) string           { return "AUDIT#ACTOR#" + actor }
func auditSK(at time.Time, version int, nonce string) string {
	return fmt.Sprintf("%s#%010d#%s", formatMilli(at), version, nonce)
}

// Idempotency (idempotency.go): PK=IDEM#<caller>#<key>, SK=IDEM.
const skIdempotency = "IDEM"

func idempotencyPK(caller, key string) string { return "IDEM#" + caller + "#" + key }

// Media library (media.go): PK=MEDIA#<id>, SK=MEDIA; GSI1PK=MEDIA,
// GSI1SK=<createdAt ms>#<id>, the library newest first.
const (
	skMedia      = "MEDIA"
	mediaLibrary = "MEDIA" // GSI1PK of every library entry, and its cursors' scope
)

func mediaPK(id string) string                      { return "MEDIA#" + id }
func mediaSK(createdAt time.Time, id string) string { return formatMilli(createdAt) + "#" + id }
