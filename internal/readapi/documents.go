package readapi

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/slug"
)

// Documents ("Văn bản", docs/documents.md): GET /documents with filters,
// GET /documents/{id}, GET /documents/types.

// documentJSON is a published document as readers get it.
type documentJSON struct {
	ID          string                 `json:"id"`
	Slug        string                 `json:"slug"`
	Title       string                 `json:"title"` // trích yếu
	Summary     string                 `json:"summary,omitempty"`
	Body        string                 `json:"body,omitempty"`
	Number      string                 `json:"number"`
	Type        portal.DocumentType    `json:"type"`
	Issuer      string                 `json:"issuer"`
	IssuerKey   string                 `json:"issuerKey"`
	Signer      string                 `json:"signer,omitempty"`
	IssuedOn    portal.Date            `json:"issuedOn"`
	EffectiveOn portal.Date            `json:"effectiveOn,omitempty"`
	ExpiresOn   portal.Date            `json:"expiresOn,omitempty"`
	Fields      []portal.DocumentField `json:"fields"`
	State       stateJSON              `json:"state"`
	Attachments []portal.Attachment    `json:"attachments"`
	Replaces    []portal.DocumentRef   `json:"replaces,omitempty"`
	Amends      []portal.DocumentRef   `json:"amends,omitempty"`
	Related     []portal.DocumentRef   `json:"related,omitempty"`
	ReplacedBy  []portal.DocumentRef   `json:"replacedBy,omitempty"`
	PublishAt   string                 `json:"publishAt"`
	UpdatedAt   string                 `json:"updatedAt,omitempty"`
}

type stateJSON struct {
	ID    portal.DocumentState `json:"id"`
	Label string               `json:"label"`
}

func documentToJSON(a *portal.Article, full bool, now time.Time) documentJSON {
	d := a.Document
	if d == nil {
		d = &portal.DocumentMeta{}
	}
	t, _ := portal.DocumentTypeByID(d.Type)
	st := d.State(portal.Today(now))
	j := documentJSON{
		ID: a.ID, Slug: a.Slug, Title: a.Title, Summary: a.Summary,
		Number: d.Number, Type: t, Issuer: d.Issuer, IssuerKey: d.IssuerKey, Signer: d.Signer,
		IssuedOn: d.IssuedOn, EffectiveOn: d.EffectiveOn, ExpiresOn: d.ExpiresOn,
		Fields: []portal.DocumentField{}, State: stateJSON{st, st.Label()},
		Attachments: d.Attachments, Replaces: d.Replaces, Amends: d.Amends, Related: d.Related, ReplacedBy: d.ReplacedBy,
	}
	for _, id := range d.Fields {
		if f, ok := portal.DocumentFieldByID(id); ok {
			j.Fields = append(j.Fields, f)
		}
	}
	if j.Attachments == nil {
		j.Attachments = []portal.Attachment{}
	}
	if a.PublishAt != nil {
		j.PublishAt = a.PublishAt.UTC().Format(time.RFC3339)
	}
	if full {
		j.Body = a.Body
		if !a.UpdatedAt.IsZero() {
			j.UpdatedAt = a.UpdatedAt.UTC().Format(time.RFC3339)
		}
	}
	return j
}

// documentParams are the query parameters GET /documents takes; any other
// is refused, so that a misspelt filter is not silently ignored.
var documentParams = map[string]bool{"number": true, "type": true, "issuer": true, "field": true, "year": true, "limit": true, "cursor": true}

var yearPattern = regexp.MustCompile(`^(19|20)[0-9]{2}$`)

// ParseDocumentQuery reads GET /documents' parameters into a query: every
// parameter checked, before any read. issuer is an issuer's key
// (tinh-uy-quang-nam) or its name, which is turned into its key.
func ParseDocumentQuery(params map[string]string) (portal.DocumentQuery, error) {
	var q portal.DocumentQuery
	var unknown []string
	for k := range params {
		if !documentParams[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return q, portal.Errorf(portal.EINVALID, "Unknown parameter %s: GET /documents takes number, type, issuer, field, year, limit and cursor.", strings.Join(unknown, ", "))
	}
	for k, v := range params {
		if len(v) > 300 {
			return q, portal.Errorf(portal.EINVALID, "%s is longer than 300 characters.", k)
		}
	}
	if n, ok := params["number"]; ok {
		key, err := portal.NumberKey(n)
		if err != nil {
			return q, err
		}
		q.Number = key
	}
	if t, ok := params["type"]; ok {
		if _, known := portal.DocumentTypeByID(t); !known {
			return q, portal.Errorf(portal.EINVALID, "type %q is not a document type; GET /documents/types lists them.", t)
		}
		q.Type = t
	}
	if f, ok := params["field"]; ok {
		if _, known := portal.DocumentFieldByID(f); !known {
			return q, portal.Errorf(portal.EINVALID, "field %q is not a field (lĩnh vực); GET /documents/types lists them.", f)
		}
		q.Field = f
	}
	if is, ok := params["issuer"]; ok {
		q.Issuer = slug.Make(is)
		if q.Issuer == "" {
			return q, portal.Errorf(portal.EINVALID, "issuer must name an issuer, such as tinh-uy-quang-nam.")
		}
	}
	if y, ok := params["year"]; ok {
		if !yearPattern.MatchString(y) {
			return q, portal.Errorf(portal.EINVALID, "year must be a year such as 2020.")
		}
		q.Year = y
	}
	if c, ok := params["cursor"]; ok {
		if c == "" {
			return q, portal.Errorf(portal.EINVALID, "The cursor is invalid or belongs to another list.")
		}
		q.Cursor = c
	}
	return q, nil
}

// listDocuments serves GET /documents: published documents, newest issued
// first, by number, type, issuer or field, each with a year or not; one
// Query each.
func (h *Handler) listDocuments(ctx context.Context, req apigw.Request) apigw.Response {
	limit, err := apigw.Limit(req)
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	q, err := ParseDocumentQuery(req.QueryStringParameters)
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	now := h.now()
	q.Limit, q.Now = limit, now
	docs, next, err := h.store.Documents(ctx, q)
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	items := make([]documentJSON, len(docs))
	for i := range docs {
		items[i] = documentToJSON(&docs[i], false, now)
	}
	return apigw.Cached(req, apigw.NewPage(items, next), listCache)
}

// idPattern is the form of the ids the admin API hands out.
var idPattern = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)

// getDocument serves GET /documents/{id}: one visible published document.
func (h *Handler) getDocument(ctx context.Context, req apigw.Request) apigw.Response {
	id := req.PathParameters["id"]
	if !idPattern.MatchString(id) {
		return apigw.Error(ctx, h.log, portal.Errorf(portal.ENOTFOUND, "Document not found."), notFoundCache)
	}
	now := h.now()
	a, err := h.store.DocumentByID(ctx, id, now)
	if err != nil {
		return apigw.Error(ctx, h.log, err, notFoundCache)
	}
	return apigw.Cached(req, documentToJSON(a, true, now), articleCache(a, now))
}

// documentTypes serves GET /documents/types: the managed lists of types
// and fields the filters take.
func (h *Handler) documentTypes(ctx context.Context, req apigw.Request) apigw.Response {
	return apigw.Cached(req, struct {
		Types  []portal.DocumentType  `json:"types"`
		Fields []portal.DocumentField `json:"fields"`
		States []stateJSON            `json:"states"`
	}{portal.DocumentTypes, portal.DocumentFields, []stateJSON{
		{portal.DocumentInForce, portal.DocumentInForce.Label()},
		{portal.DocumentNotYetInForce, portal.DocumentNotYetInForce.Label()},
		{portal.DocumentExpired, portal.DocumentExpired.Label()},
		{portal.DocumentReplaced, portal.DocumentReplaced.Label()},
	}}, siteCache)
}
