package portal

import "time"

// AuditRecord is one entry of the audit log: who did what to which entity,
// at which version, when.
type AuditRecord struct {
	EntityType string    `json:"entityType"` // article, category, link, poll
	EntityID   string    `json:"entityId"`
	Action     string    `json:"action"`
	Actor      string    `json:"actor"`
	Version    int       `json:"version,omitempty"`
	At         time.Time `json:"at"`
}
