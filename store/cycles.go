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

// NewCycle is a cycle as a coordinator starts it.
type NewCycle struct {
	WorkflowID         string
	PanelID            int64
	WindowStart        time.Time
	WindowEnd          time.Time
	Theme              string
	Quotas             domain.CycleQuotas
	ReservesPerStratum int
	// ThemeFilter narrows what the draw may take; the zero filter takes all.
	ThemeFilter domain.ThemeFilter
	// Schedule is the workflow's schedule as JSON.
	Schedule         json.RawMessage
	StartedBy        string
	CoordinatorName  string
	CoordinatorEmail string
	// DirectReviews has the server save reviews straight into the store
	// (SaveMemberReview) rather than through the member's review workflow.
	DirectReviews bool
}

// Cycle loads a cycle with its panel, Area and meeting.
func (q *Queries) Cycle(ctx context.Context, id int64) (domain.Cycle, error) {
	var c domain.Cycle
	var quotas, theme []byte
	var seed *int64
	err := q.db.QueryRow(ctx, `SELECT cy.id, cy.workflow_id, cy.panel_id, p.name, ar.id, ar.name, cy.coordinator_name, cy.coordinator_email,
			cy.window_start, cy.window_end, cy.schedule, cy.seed, cy.quotas, cy.reserves_per_stratum, cy.stage,
			m.starts_at, m.ends_at, coalesce(m.location, ''), coalesce(m.online_link, ''), p.kind, cy.theme_filter
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN areas ar ON ar.id = p.area_id
		LEFT JOIN meetings m ON m.cycle_id = cy.id
		WHERE cy.id = $1`, id).Scan(&c.ID, &c.WorkflowID, &c.PanelID, &c.PanelName, &c.AreaID, &c.AreaName, &c.CoordinatorName, &c.CoordinatorEmail,
		&c.WindowStart, &c.WindowEnd, &c.Schedule, &seed, &quotas, &c.ReservesPerStratum, &c.Stage,
		&c.MeetingStart, &c.MeetingEnd, &c.MeetingLocation, &c.MeetingOnlineLink, &c.PanelKind, &theme)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("load cycle %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load cycle %d: %w", id, err)
	}
	if seed != nil {
		c.Seed = *seed
	}
	if err := json.Unmarshal(quotas, &c.Quotas); err != nil {
		return c, fmt.Errorf("quotas of cycle %d: %w", id, err)
	}
	if err := json.Unmarshal(theme, &c.ThemeFilter); err != nil {
		return c, fmt.Errorf("theme filter of cycle %d: %w", id, err)
	}
	var due struct {
		ReviewsDue time.Time `json:"reviews_due"`
	}
	if err := json.Unmarshal(c.Schedule, &due); err != nil {
		return c, fmt.Errorf("schedule of cycle %d: %w", id, err)
	}
	c.ReviewsDue = due.ReviewsDue
	return c, nil
}

// PanelExists reports whether the panel exists.
func (q *Queries) PanelExists(ctx context.Context, panelID int64) (bool, error) {
	var ok bool
	if err := q.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM panels WHERE id = $1)`, panelID).Scan(&ok); err != nil {
		return false, fmt.Errorf("look up panel %d: %w", panelID, err)
	}
	return ok, nil
}

// CreateCycle stores a new cycle in the selecting stage, or finds the one
// already stored under its workflow ID; inserted says which. A second live
// cycle for the same panel and window is a unique violation of
// cycles_one_live_per_window (see IsUniqueViolation).
func (q *Queries) CreateCycle(ctx context.Context, c NewCycle) (id int64, inserted bool, err error) {
	quotas, err := json.Marshal(c.Quotas)
	if err != nil {
		return 0, false, fmt.Errorf("create cycle: %w", err)
	}
	theme, err := json.Marshal(c.ThemeFilter)
	if err != nil {
		return 0, false, fmt.Errorf("create cycle: %w", err)
	}
	err = q.db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, theme, quotas, reserves_per_stratum,
			schedule, started_by, coordinator_name, coordinator_email, stage, theme_filter, reviews_direct)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (workflow_id) DO UPDATE SET workflow_id = EXCLUDED.workflow_id RETURNING id, (xmax = 0)`,
		c.PanelID, c.WorkflowID, c.WindowStart, c.WindowEnd, c.Theme, quotas, c.ReservesPerStratum, c.Schedule,
		c.StartedBy, c.CoordinatorName, c.CoordinatorEmail, domain.StageSelecting, theme, c.DirectReviews).Scan(&id, &inserted)
	if err != nil {
		return 0, false, fmt.Errorf("create cycle: %w", err)
	}
	return id, inserted, nil
}

// SetCycleStage records the cycle's stage and schedule, and when it closed
// or was cancelled.
func (q *Queries) SetCycleStage(ctx context.Context, cycleID int64, stage domain.Stage, schedule json.RawMessage) error {
	_, err := q.db.Exec(ctx, `UPDATE cycles SET stage = $2, schedule = $3,
			closed_at = CASE WHEN $2 = $4 THEN coalesce(closed_at, now()) ELSE closed_at END,
			cancelled_at = CASE WHEN $2 = $5 THEN coalesce(cancelled_at, now()) ELSE cancelled_at END
		WHERE id = $1`, cycleID, stage, schedule, domain.StageClosed, domain.StageCancelled)
	if err != nil {
		return fmt.Errorf("set stage of cycle %d: %w", cycleID, err)
	}
	return nil
}

// RevokeCycleAccess ends every member link of the cycle, reporting whether
// it was not already ended.
func (q *Queries) RevokeCycleAccess(ctx context.Context, cycleID int64) (bool, error) {
	tag, err := q.db.Exec(ctx, `UPDATE cycles SET access_revoked_at = now() WHERE id = $1 AND access_revoked_at IS NULL`, cycleID)
	if err != nil {
		return false, fmt.Errorf("revoke access to cycle %d: %w", cycleID, err)
	}
	return tag.RowsAffected() > 0, nil
}

// CloseCycle marks the cycle closed.
func (q *Queries) CloseCycle(ctx context.Context, cycleID int64) error {
	_, err := q.db.Exec(ctx, `UPDATE cycles SET stage = $2, closed_at = coalesce(closed_at, now()) WHERE id = $1`, cycleID, domain.StageClosed)
	if err != nil {
		return fmt.Errorf("close cycle %d: %w", cycleID, err)
	}
	return nil
}

// CancelRecorded locks the cycle's row until the transaction ends and
// reports whether a cancellation is already recorded.
func (q *Queries) CancelRecorded(ctx context.Context, cycleID int64) (bool, error) {
	var recorded bool
	err := q.db.QueryRow(ctx, `SELECT cancel_reason IS NOT NULL FROM cycles WHERE id = $1 FOR UPDATE`, cycleID).Scan(&recorded)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, fmt.Errorf("cancel cycle %d: %w", cycleID, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("cancel cycle %d: %w", cycleID, err)
	}
	return recorded, nil
}

// CancelCycle records the cycle as cancelled, with the reason, and ends
// its member links.
func (q *Queries) CancelCycle(ctx context.Context, cycleID int64, reason string) error {
	_, err := q.db.Exec(ctx, `UPDATE cycles SET stage = $3, cancelled_at = coalesce(cancelled_at, now()), cancel_reason = $2,
		access_revoked_at = coalesce(access_revoked_at, now()) WHERE id = $1`, cycleID, reason, domain.StageCancelled)
	if err != nil {
		return fmt.Errorf("cancel cycle %d: %w", cycleID, err)
	}
	return nil
}
