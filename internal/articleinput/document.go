package articleinput

import (
	"fmt"
	"slices"

	"eportal/internal/portal"
	"eportal/internal/slug"
)

// DocumentInput is the document part of an Input (kind "document"), as
// editors send it. Attachments and links are ids: the caller resolves them
// against the store (ResolveDocument) before a save.
type DocumentInput struct {
	Number      string   `json:"number"`
	Type        string   `json:"type"`
	Issuer      string   `json:"issuer"`
	Signer      string   `json:"signer"`
	IssuedOn    string   `json:"issuedOn"`
	EffectiveOn string   `json:"effectiveOn"`
	ExpiresOn   string   `json:"expiresOn"`
	Fields      []string `json:"fields"`
	Attachments []string `json:"attachments"` // media ids of kind file
	Replaces    []string `json:"replaces"`    // document ids
	Amends      []string `json:"amends"`
	Related     []string `json:"related"`
}

// document checks and cleans in's document part.
func (in *DocumentInput) document() (*portal.DocumentMeta, error) {
	if in == nil {
		return nil, invalid("document is required for kind document: number, type, issuer and issuedOn at least.")
	}
	d := &portal.DocumentMeta{}
	var err error
	if d.Number, err = Text("document.number", in.Number, portal.MaxDocumentNumber, true); err != nil {
		return nil, err
	}
	if d.NumberKey, err = portal.NumberKey(d.Number); err != nil {
		return nil, err
	}
	if _, ok := portal.DocumentTypeByID(in.Type); !ok {
		return nil, invalid("document.type %q is not a document type; the types are listed by GET /documents/types.", in.Type)
	}
	d.Type = in.Type
	if d.Issuer, err = Text("document.issuer", in.Issuer, MaxByline, true); err != nil {
		return nil, err
	}
	if d.IssuerKey = slug.Make(d.Issuer); d.IssuerKey == "" {
		return nil, invalid("document.issuer must have a letter or digit.")
	}
	if d.Signer, err = Text("document.signer", in.Signer, MaxByline, false); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		dst  *portal.Date
		name string
		src  string
	}{{&d.IssuedOn, "document.issuedOn", in.IssuedOn}, {&d.EffectiveOn, "document.effectiveOn", in.EffectiveOn}, {&d.ExpiresOn, "document.expiresOn", in.ExpiresOn}} {
		if *f.dst, err = portal.ParseDate(f.name, f.src); err != nil {
			return nil, err
		}
	}
	if err := portal.CheckDocumentDates(d.IssuedOn, d.EffectiveOn, d.ExpiresOn); err != nil {
		return nil, err
	}
	if len(in.Fields) > portal.MaxDocumentFields {
		return nil, invalid("document.fields: at most %d.", portal.MaxDocumentFields)
	}
	for _, f := range in.Fields {
		if _, ok := portal.DocumentFieldByID(f); !ok {
			return nil, invalid("document.fields: %q is not a field (lĩnh vực); they are listed by GET /documents/types.", f)
		}
		if !slices.Contains(d.Fields, f) {
			d.Fields = append(d.Fields, f)
		}
	}
	if len(in.Attachments) > portal.MaxDocumentAttachments {
		return nil, invalid("document.attachments: at most %d files.", portal.MaxDocumentAttachments)
	}
	for _, id := range dedupe(in.Attachments) {
		if !validID(id) {
			return nil, invalid("document.attachments: %q is not a media id.", id)
		}
		d.Attachments = append(d.Attachments, portal.Attachment{ID: id})
	}
	seen := map[string]string{}
	for _, l := range []struct {
		name  string
		ids   []string
		limit int
		dst   *[]portal.DocumentRef
	}{{"replaces", in.Replaces, portal.MaxDocumentReplaces, &d.Replaces}, {"amends", in.Amends, portal.MaxDocumentLinks, &d.Amends}, {"related", in.Related, portal.MaxDocumentLinks, &d.Related}} {
		ids := dedupe(l.ids)
		if len(ids) > l.limit {
			return nil, invalid("document.%s: at most %d documents.", l.name, l.limit)
		}
		for _, id := range ids {
			if !validID(id) {
				return nil, invalid("document.%s: %q is not a document id.", l.name, id)
			}
			if other, ok := seen[id]; ok {
				return nil, invalid("document %s is both in %s and in %s: link it once.", id, other, l.name)
			}
			seen[id] = l.name
			*l.dst = append(*l.dst, portal.DocumentRef{ID: id})
		}
	}
	return d, nil
}

// documentSlug is a document's slug when none is given: its number and
// year ("04-bc-tu-2020").
func documentSlug(d *portal.DocumentMeta) string {
	return slug.Make(fmt.Sprintf("%s %s", d.Number, d.Year()))
}

func dedupe(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// validID accepts the ids the store hands out (lower-case letters, digits,
// '-'), up to 64 characters.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
