package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// notReturned are the statuses of a review its member has not returned:
// not yet written, only drafted, or past the deadline unsubmitted.
var notReturned = []domain.ReviewStatus{domain.ReviewOutstanding, domain.ReviewDraft, domain.ReviewNotSubmitted}

// CyclesIn is a page of the review cycles in the scope, newest first, with
// the number in scope and, for each, the reviews not yet returned.
func (q *Queries) CyclesIn(ctx context.Context, sc Scope, limit, offset int) ([]domain.CycleListing, int, error) {
	var w filter
	sc.limit(&w, "p.id", "p.area_id")
	var total int
	if err := q.db.QueryRow(ctx, `SELECT count(*) FROM cycles cy JOIN panels p ON p.id = cy.panel_id WHERE `+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count cycles: %w", err)
	}
	unreturned := w.param(notReturned)
	sql := `SELECT cy.id, p.name, to_char(cy.window_start, 'YYYY-MM-DD'), to_char(cy.window_end, 'YYYY-MM-DD'), cy.stage,
			coalesce(m.starts_at, 'epoch'),
			(SELECT count(*) FROM reviews r WHERE r.cycle_id = cy.id AND r.status = ANY(` + unreturned + `) AND NOT r.removed)
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id LEFT JOIN meetings m ON m.cycle_id = cy.id
		WHERE ` + w.sql() + ` ORDER BY cy.id DESC` + w.page(limit, offset)
	list, err := queryAll(ctx, q.db, "list cycles", func(r pgx.CollectableRow) (domain.CycleListing, error) {
		var x domain.CycleListing
		return x, r.Scan(&x.ID, &x.Panel, &x.WindowStart, &x.WindowEnd, &x.Stage, &x.Meeting, &x.NotReturned)
	}, sql, w.args...)
	return list, total, err
}

// CycleIn looks up a cycle in the scope: ErrNotFound when there is none,
// ErrOutOfScope when its panel is not the user's.
func (q *Queries) CycleIn(ctx context.Context, sc Scope, id int64) (domain.CycleRef, error) {
	w := filter{args: []any{id}}
	sc.limit(&w, "p.id", "p.area_id")
	var c domain.CycleRef
	var in bool
	err := q.db.QueryRow(ctx, `SELECT cy.id, cy.workflow_id, cy.stage, cy.panel_id, p.area_id, `+w.test()+`
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id WHERE cy.id = $1`, w.args...).
		Scan(&c.ID, &c.WorkflowID, &c.Stage, &c.PanelID, &c.AreaID, &in)
	return c, visible(err, in, "look up cycle "+strconv.FormatInt(id, 10))
}

// CycleWorkflowID is the ID of the cycle's workflow.
func (q *Queries) CycleWorkflowID(ctx context.Context, cycleID int64) (string, error) {
	var id string
	err := q.db.QueryRow(ctx, `SELECT workflow_id FROM cycles WHERE id = $1`, cycleID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("workflow of cycle %d: %w", cycleID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("workflow of cycle %d: %w", cycleID, err)
	}
	return id, nil
}

// LiveCycleFor finds a cycle, not cancelled, for the panel and window:
// ErrNotFound when there is none, so one may start.
func (q *Queries) LiveCycleFor(ctx context.Context, panelID int64, start, end time.Time) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `SELECT id FROM cycles WHERE panel_id = $1 AND window_start = $2 AND window_end = $3 AND stage <> $4`,
		panelID, start, end, domain.StageCancelled).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("live cycle of panel %d: %w", panelID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("live cycle of panel %d: %w", panelID, err)
	}
	return id, nil
}

// CancelledCycles counts the panel's cancelled cycles for a window, which
// a new cycle for the same window is started after.
func (q *Queries) CancelledCycles(ctx context.Context, panelID int64, start, end time.Time) (int, error) {
	var n int
	err := q.db.QueryRow(ctx, `SELECT count(*) FROM cycles WHERE panel_id = $1 AND window_start = $2 AND window_end = $3 AND stage = $4`,
		panelID, start, end, domain.StageCancelled).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("cancelled cycles of panel %d: %w", panelID, err)
	}
	return n, nil
}

// LatestCycleFile is the newest file of a kind (minutes, key_messages) the
// cycle has, not purged. A member's pack also names the member; other
// kinds take memberID 0.
func (q *Queries) LatestCycleFile(ctx context.Context, cycleID int64, kind domain.FileKind, memberID int64) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `SELECT id FROM files WHERE cycle_id = $1 AND kind = $2 AND ($3::bigint = 0 OR member_id = $3) AND purged_at IS NULL
		ORDER BY id DESC LIMIT 1`, cycleID, kind, memberID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("%s file of cycle %d: %w", kind, cycleID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("%s file of cycle %d: %w", kind, cycleID, err)
	}
	return id, nil
}
