package domain

import "time"

// AuditEntry is one entry of the audit log as admins read and export it:
// who did what to which subject, and when. Detail is the entry's JSON,
// which holds IDs and counts only, never case content.
type AuditEntry struct {
	ID          int64
	At          time.Time
	Actor       string
	Action      string
	SubjectType string
	SubjectID   string
	Detail      string
}
