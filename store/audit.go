package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// auditInsert appends one entry to the audit log; Audit runs it, and a
// batch that records something with its entry queues it.
const auditInsert = `INSERT INTO audit_log (actor, action, subject_type, subject_id, detail) VALUES ($1, $2, $3, $4, $5)`

// Audit appends one entry to the audit log. Detail must never carry case
// content: IDs and counts only.
func (q *Queries) Audit(ctx context.Context, actor, action, subjectType, subjectID string, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	raw, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	if _, err := q.db.Exec(ctx, auditInsert, actor, action, subjectType, subjectID, raw); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}
