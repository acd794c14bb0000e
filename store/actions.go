package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// ActionFilter narrows the manager's action list. Zero values mean "any".
// The scope fields restrict what a user may see at all.
type ActionFilter struct {
	AreaID    int16
	PanelID   int64
	Owner     string // matched against name or email, case-insensitive
	Status    string
	Overdue   bool
	DueWithin int // days from today
	// Scope: a manager's Area, or a coordinator's or chair's panels.
	ScopeAreaID   *int16
	ScopePanelIDs []int64
	Limit, Offset int
}

// where builds the WHERE clause and its arguments for f.
func (f ActionFilter) where() (string, []any) {
	conds := []string{"true"}
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.ScopeAreaID != nil {
		add("ac.area_id = ?", *f.ScopeAreaID)
	}
	if f.ScopePanelIDs != nil {
		add("ac.panel_id = ANY(?)", f.ScopePanelIDs)
	}
	if f.AreaID != 0 {
		add("ac.area_id = ?", f.AreaID)
	}
	if f.PanelID != 0 {
		add("ac.panel_id = ?", f.PanelID)
	}
	if f.Owner != "" {
		// Both placeholders become the same parameter.
		add("(ac.owner_name ILIKE ? OR ac.owner_email ILIKE ?)", "%"+f.Owner+"%")
	}
	if f.Status != "" {
		add("ac.status = ?", f.Status)
	}
	if f.Overdue {
		conds = append(conds, "ac.status IN ('open', 'in_progress') AND ac.due_on < current_date")
	}
	if f.DueWithin > 0 {
		add("ac.status IN ('open', 'in_progress') AND ac.due_on BETWEEN current_date AND current_date + ?::int", f.DueWithin)
	}
	return strings.Join(conds, " AND "), args
}

const actionColumns = `ac.id, p.name, ar.name, ac.description, ac.kind, ac.audience, ac.owner_name, ac.manager_name, ac.due_on, ac.status,
	coalesce(ac.response, ''), ac.status IN ('open', 'in_progress') AND ac.due_on < current_date`

func scanAction(r pgx.CollectableRow) (domain.ActionRow, error) {
	var a domain.ActionRow
	err := r.Scan(&a.ID, &a.Panel, &a.Area, &a.Description, &a.Kind, &a.Audience, &a.OwnerName, &a.ManagerName, &a.Due, &a.Status, &a.Response, &a.Overdue)
	return a, err
}

// ListActions returns one page of actions, soonest due first, with the
// total matching and counts by status. It reads PostgreSQL only.
func (q *Queries) ListActions(ctx context.Context, f ActionFilter) (rows []domain.ActionRow, total int, counts map[string]int, err error) {
	where, args := f.where()
	cr, err := q.db.Query(ctx, `SELECT ac.status, count(*) FROM actions ac WHERE `+where+` GROUP BY ac.status`, args...)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("count actions: %w", err)
	}
	type statusCount struct {
		Status string
		N      int
	}
	byStatus, err := pgx.CollectRows(cr, pgx.RowToStructByPos[statusCount])
	if err != nil {
		return nil, 0, nil, fmt.Errorf("count actions: %w", err)
	}
	counts = make(map[string]int, len(byStatus))
	for _, c := range byStatus {
		counts[c.Status] = c.N
		total += c.N
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	r, err := q.db.Query(ctx, `SELECT `+actionColumns+` FROM actions ac JOIN panels p ON p.id = ac.panel_id JOIN areas ar ON ar.id = ac.area_id
		WHERE `+where+fmt.Sprintf(` ORDER BY ac.due_on, ac.id LIMIT %d OFFSET %d`, f.Limit, f.Offset), args...)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("list actions: %w", err)
	}
	rows, err = pgx.CollectRows(r, scanAction)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("list actions: %w", err)
	}
	return rows, total, counts, nil
}

// EachAction calls fn for every action matching f, soonest due first,
// streaming rather than loading them all, for the Excel export. An error
// from fn stops the walk and is returned as it is.
func (q *Queries) EachAction(ctx context.Context, f ActionFilter, fn func(domain.ActionRow) error) error {
	where, args := f.where()
	r, err := q.db.Query(ctx, `SELECT `+actionColumns+` FROM actions ac JOIN panels p ON p.id = ac.panel_id JOIN areas ar ON ar.id = ac.area_id
		WHERE `+where+` ORDER BY ac.due_on, ac.id`, args...)
	if err != nil {
		return fmt.Errorf("list actions: %w", err)
	}
	defer r.Close()
	for r.Next() {
		a, err := scanAction(r)
		if err != nil {
			return fmt.Errorf("read action: %w", err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("list actions: %w", err)
	}
	return nil
}
