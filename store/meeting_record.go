package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lsip/scrutiny/domain"
)

// What the panel records at its meeting: findings, learning points and
// agreed actions. Attendance is in meetings.go.

// Finding is the panel's finding on one case.
type Finding struct {
	CycleID, CaseID int64
	Category        string // a review form category key
	Rationale       string
	// CarriedForward brings the case back in the panel's next cycle.
	CarriedForward bool
	RecordedBy     string
}

// RecordFinding stores the panel's finding on a case, replacing any
// earlier one.
func (q *Queries) RecordFinding(ctx context.Context, f Finding) error {
	if _, err := q.db.Exec(ctx, `INSERT INTO findings (cycle_id, case_id, category, rationale, carried_forward, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (cycle_id, case_id) DO UPDATE SET category = EXCLUDED.category, rationale = EXCLUDED.rationale,
			carried_forward = EXCLUDED.carried_forward, recorded_by = EXCLUDED.recorded_by, recorded_at = now()`,
		f.CycleID, f.CaseID, f.Category, f.Rationale, f.CarriedForward, f.RecordedBy); err != nil {
		return fmt.Errorf("finding on case %d in cycle %d: %w", f.CaseID, f.CycleID, err)
	}
	return nil
}

// NewLearningPoint is a learning point as the panel agrees it.
type NewLearningPoint struct {
	CycleID      int64
	CaseID       int64 // zero for a point about no one case
	Text, Tag    string
	GoodPractice bool
	Theme        string // a learning_themes code; empty for none
	// RequestKey identifies the request across retries.
	RequestKey string
}

// AddLearningPoint stores a learning point once per request key and
// returns its ID; inserted is false when the key was already stored.
func (q *Queries) AddLearningPoint(ctx context.Context, lp NewLearningPoint) (id int64, inserted bool, err error) {
	err = q.db.QueryRow(ctx, `INSERT INTO learning_points (cycle_id, case_id, text, tag, good_practice, request_key, theme)
		VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6, NULLIF($7, ''))
		ON CONFLICT (request_key) DO UPDATE SET request_key = EXCLUDED.request_key RETURNING id, (xmax = 0)`,
		lp.CycleID, lp.CaseID, lp.Text, lp.Tag, lp.GoodPractice, lp.RequestKey, lp.Theme).Scan(&id, &inserted)
	if err != nil {
		return 0, false, fmt.Errorf("add learning point to cycle %d: %w", lp.CycleID, err)
	}
	return id, inserted, nil
}

// AgreedAction is an action the panel agrees at its meeting.
type AgreedAction struct {
	CycleID         int64
	CaseID          int64 // zero when about no one case
	LearningPointID int64 // zero when from no learning point
	Kind, Audience  string
	Description     string
	OwnerName       string
	OwnerEmail      string
	ManagerName     string
	ManagerEmail    string
	Due             time.Time
	// AreaCode is the owning Area of a national panel's action; "" (and
	// any action of a local panel) is the panel's Area.
	AreaCode string
	// OwnerLanguage is the language the owner is written to in, "en" or
	// "cy"; empty is English.
	OwnerLanguage string
	// RequestKey identifies the request across retries.
	RequestKey string
}

// AddAgreedAction stores an agreed action once per request key, open, in
// the cycle's panel and Area, with its first timeline event; inserted is
// false when the key was already stored. Run it in a transaction.
func (q *Queries) AddAgreedAction(ctx context.Context, a AgreedAction) (id int64, inserted bool, err error) {
	err = q.db.QueryRow(ctx, `INSERT INTO actions (cycle_id, panel_id, area_id, case_id, learning_point_id, kind, audience, description,
			owner_name, owner_email, manager_name, manager_email, due_on, request_key, owner_language)
		SELECT cy.id, cy.panel_id, CASE WHEN p.kind = $14 AND $13 <> '' THEN (SELECT id FROM areas WHERE code = $13) ELSE p.area_id END,
			NULLIF($2, 0), NULLIF($3, 0), $4, $5, $6, $7, $8, $9, $10, $11, $12, COALESCE(NULLIF($15, ''), 'en')
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id WHERE cy.id = $1
		ON CONFLICT (request_key) DO UPDATE SET request_key = EXCLUDED.request_key RETURNING id, (xmax = 0)`,
		a.CycleID, a.CaseID, a.LearningPointID, a.Kind, a.Audience,
		a.Description, a.OwnerName, a.OwnerEmail, a.ManagerName, a.ManagerEmail, a.Due, a.RequestKey, a.AreaCode, domain.PanelNational, a.OwnerLanguage).Scan(&id, &inserted)
	if err != nil {
		return 0, false, fmt.Errorf("add action to cycle %d: %w", a.CycleID, err)
	}
	if !inserted {
		return id, false, nil
	}
	if _, err := q.db.Exec(ctx, `INSERT INTO action_events (action_id, actor, kind, detail) VALUES ($1, 'panel', 'created', $2)`,
		id, map[string]any{"cycle_id": a.CycleID}); err != nil {
		return 0, false, fmt.Errorf("first event of action %d: %w", id, err)
	}
	return id, true, nil
}
