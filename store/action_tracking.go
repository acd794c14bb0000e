package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// ErrEventClash is returned when an action's event number is already taken
// by an event of another kind: two different changes numbered the same,
// which a retry can never mend.
var ErrEventClash = errors.New("event number already used")

// ActionRecord loads what the tracking workflow needs of an action, with
// the pending extension's requester and reason from its event. A missing
// action is ErrNotFound.
func (q *Queries) ActionRecord(ctx context.Context, actionID int64) (domain.ActionRecord, error) {
	var r domain.ActionRecord
	err := q.db.QueryRow(ctx, `SELECT ac.status, ac.kind, ac.audience, ac.panel_id, coalesce(ac.cycle_id, 0), coalesce(ac.case_id, 0),
			coalesce(ac.learning_point_id, 0), ac.due_on, ac.owner_name, ac.owner_email, ac.manager_name, ac.manager_email,
			coalesce(ac.response, ''), coalesce(ac.response_rationale, ''), ac.extension_requested_to,
			coalesce(ar.senior_lead_name, ''), coalesce(ar.senior_lead_email, ''),
			coalesce(ar.escalate_manager_days, 0), coalesce(ar.escalate_senior_days, 0),
			greatest(ac.last_event_seq, coalesce((SELECT max(seq) FROM action_events WHERE action_id = ac.id), 0))
		FROM actions ac JOIN areas ar ON ar.id = ac.area_id WHERE ac.id = $1`, actionID).
		Scan(&r.Status, &r.Kind, &r.Audience, &r.PanelID, &r.CycleID, &r.CaseID, &r.LearningPointID, &r.Due,
			&r.OwnerName, &r.OwnerEmail, &r.ManagerName, &r.ManagerEmail, &r.Response, &r.ResponseRationale, &r.ExtensionTo,
			&r.SeniorName, &r.SeniorEmail, &r.EscalateManagerDays, &r.EscalateSeniorDays, &r.LastSeq)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("load action %d: %w", actionID, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("load action %d: %w", actionID, err)
	}
	if r.ExtensionTo == nil {
		return r, nil
	}
	// Who asked for the pending extension, and why, is on its event.
	err = q.db.QueryRow(ctx, `SELECT actor, coalesce(detail->>'reason', '') FROM action_events
		WHERE action_id = $1 AND kind = 'extension_requested' ORDER BY seq DESC NULLS LAST, id DESC LIMIT 1`, actionID).
		Scan(&r.ExtensionBy, &r.ExtensionReason)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("load action %d's extension request: %w", actionID, err)
	}
	return r, nil
}

// AddActionEvent appends ch's event to the action's timeline, once per
// sequence number however often it is retried. It returns the event's time
// as stored and whether this call added it; a retry finds the event already
// there, and ErrEventClash when the number holds an event of another kind.
func (q *Queries) AddActionEvent(ctx context.Context, ch domain.ActionChange) (at time.Time, added bool, err error) {
	detail := map[string]string{"text": ch.Detail}
	for k, v := range ch.Data {
		if k != "text" {
			detail[k] = v
		}
	}
	raw, err := json.Marshal(detail)
	if err != nil {
		return at, false, fmt.Errorf("action %d event %d: %w", ch.ActionID, ch.Seq, err)
	}
	err = q.db.QueryRow(ctx, `INSERT INTO action_events (action_id, seq, at, actor, kind, detail) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (action_id, seq) DO NOTHING RETURNING at`, ch.ActionID, ch.Seq, ch.At, ch.Actor, ch.Kind, raw).Scan(&at)
	if err == nil {
		return at, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return at, false, fmt.Errorf("add action %d event %d: %w", ch.ActionID, ch.Seq, err)
	}
	var kind string
	if err := q.db.QueryRow(ctx, `SELECT at, kind FROM action_events WHERE action_id = $1 AND seq = $2`, ch.ActionID, ch.Seq).Scan(&at, &kind); err != nil {
		return at, false, fmt.Errorf("find action %d event %d: %w", ch.ActionID, ch.Seq, err)
	}
	if kind != ch.Kind {
		return at, false, fmt.Errorf("action %d event %d is already %q, not %q: %w", ch.ActionID, ch.Seq, kind, ch.Kind, ErrEventClash)
	}
	return at, false, nil
}

// SaveActionFields writes the action's fields as ch leaves them, unless a
// later change is stored already: the workflow may write two changes at
// once, and a late retry of the older must not undo the newer. A missing
// action is ErrNotFound.
func (q *Queries) SaveActionFields(ctx context.Context, ch domain.ActionChange) error {
	tag, err := q.db.Exec(ctx, `UPDATE actions SET status = $2, due_on = $3, owner_name = $4, owner_email = $5,
			response = NULLIF($6, ''), response_rationale = NULLIF($7, ''),
			completion_note = NULLIF($8, ''), completion_evidence = NULLIF($9, ''), cancel_reason = NULLIF($10, ''),
			extension_requested_to = $11, updated_at = $12, last_event_seq = $13,
			closed_at = CASE WHEN $2 IN ($14, $15) THEN coalesce(closed_at, $12) END
		WHERE id = $1 AND last_event_seq < $13`, ch.ActionID, ch.Status, ch.Due, ch.OwnerName, ch.OwnerEmail, ch.Response, ch.ResponseRationale,
		ch.CompletionNote, ch.CompletionEvidence, ch.CancelReason, ch.ExtensionTo, ch.At, ch.Seq, domain.ActionCompleted, domain.ActionCancelled)
	if err != nil {
		return fmt.Errorf("save action %d change %d: %w", ch.ActionID, ch.Seq, err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	var exists bool
	err = q.db.QueryRow(ctx, `SELECT true FROM actions WHERE id = $1`, ch.ActionID).Scan(&exists)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("save action %d change %d: %w", ch.ActionID, ch.Seq, ErrNotFound)
	case err != nil:
		return fmt.Errorf("save action %d change %d: %w", ch.ActionID, ch.Seq, err)
	}
	return nil
}

// ActionMailFacts is what an action's emails say about it beyond what the
// workflow holds: its text and where it came from.
type ActionMailFacts struct {
	Description     string
	Type            string // recommendation, learning, information_request
	Audience        string // prosecution, police, partners
	Panel           string
	CaseRef         string // empty when the action is not about a case
	LearningPointID int64  // zero when it is not about a learning point
	Meeting         *time.Time
	Response        string // the organisation's response, if recorded
}

// ActionMailFacts loads what an action's emails say about it. A missing
// action is ErrNotFound.
func (q *Queries) ActionMailFacts(ctx context.Context, actionID int64) (ActionMailFacts, error) {
	var f ActionMailFacts
	err := q.db.QueryRow(ctx, `SELECT ac.description, ac.kind, ac.audience, p.name, coalesce(c.reference, ''), coalesce(ac.learning_point_id, 0), m.starts_at,
			coalesce(ac.response, '')
		FROM actions ac JOIN panels p ON p.id = ac.panel_id
		LEFT JOIN cases c ON c.id = ac.case_id
		LEFT JOIN meetings m ON m.cycle_id = ac.cycle_id
		WHERE ac.id = $1`, actionID).Scan(&f.Description, &f.Type, &f.Audience, &f.Panel, &f.CaseRef, &f.LearningPointID, &f.Meeting, &f.Response)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("load action %d for its email: %w", actionID, ErrNotFound)
	}
	if err != nil {
		return f, fmt.Errorf("load action %d for its email: %w", actionID, err)
	}
	return f, nil
}
