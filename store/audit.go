package store

import (
	"context"
	"encoding/json"
)

// Audit appends one entry to the audit log. Detail must never carry case
// content: IDs and counts only.
func Audit(ctx context.Context, q Querier, actor, action, subjectType, subjectID string, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	raw, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO audit_log (actor, action, subject_type, subject_id, detail) VALUES ($1, $2, $3, $4, $5)`,
		actor, action, subjectType, subjectID, raw)
	return err
}
