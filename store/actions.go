package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// OutstandingActions are the statuses of an action still to be done: open
// or in progress. Only an outstanding action can be overdue, and the
// weekly digest lists these alone.
var OutstandingActions = []domain.ActionStatus{domain.ActionOpen, domain.ActionInProgress}

// ActionFilter narrows the manager's action list. Zero values mean "any",
// except Scope: the zero Scope sees nothing.
type ActionFilter struct {
	// Scope is what the user may see at all.
	Scope         Scope
	AreaID        int16
	AreaCode      string // the Area by its code, as in domain.Areas
	PanelID       int64
	Owner         string // matched against name or email, case-insensitive
	Status        domain.ActionStatus
	Overdue       bool
	DueWithin     int // days from today
	Limit, Offset int
}

// where is the filter's conditions, the scope's first.
func (f ActionFilter) where() filter {
	var w filter
	f.Scope.limit(&w, "ac.panel_id", "ac.area_id")
	if f.AreaID != 0 {
		w.add("ac.area_id = ?", f.AreaID)
	}
	if f.AreaCode != "" {
		w.add("ac.area_id = (SELECT id FROM areas WHERE code = ?)", f.AreaCode)
	}
	if f.PanelID != 0 {
		w.add("ac.panel_id = ?", f.PanelID)
	}
	if f.Owner != "" {
		w.add("(ac.owner_name ILIKE ? OR ac.owner_email ILIKE ?)", "%"+f.Owner+"%")
	}
	if f.Status != "" {
		w.add("ac.status = ?", f.Status)
	}
	if f.Overdue {
		w.conds = append(w.conds, outstandingActions, "ac.due_on < current_date")
	}
	if f.DueWithin > 0 {
		w.conds = append(w.conds, outstandingActions)
		w.add("ac.due_on BETWEEN current_date AND current_date + ?::int", f.DueWithin)
	}
	return w
}

// outstandingActions is the condition that an action is outstanding
// (OutstandingActions), its statuses written into the statement rather
// than passed as a parameter: only then can a prepared statement's plan,
// made once for any parameters, read the index of outstanding actions,
// whose condition this is (migration 0025).
const outstandingActions = "ac.status IN ('open', 'in_progress')"

// selectActions is the query for the actions w matches, soonest due first.
// It adds to w the parameter of its overdue column.
func selectActions(w *filter) string {
	return `SELECT ac.id, p.name, ar.name, ac.description, ac.kind, ac.audience, ac.owner_name, ac.manager_name, ac.due_on, ac.status,
			coalesce(ac.response, ''), ac.status = ANY(` + w.param(OutstandingActions) + `) AND ac.due_on < current_date
		FROM actions ac JOIN panels p ON p.id = ac.panel_id JOIN areas ar ON ar.id = ac.area_id
		WHERE ` + w.sql() + ` ORDER BY ac.due_on, ac.id`
}

func scanAction(r pgx.CollectableRow) (domain.ActionRow, error) {
	var a domain.ActionRow
	err := r.Scan(&a.ID, &a.Panel, &a.Area, &a.Description, &a.Kind, &a.Audience, &a.OwnerName, &a.ManagerName, &a.Due, &a.Status, &a.Response, &a.Overdue)
	return a, err
}

// ListActions returns one page of actions, soonest due first, with the
// total matching and counts by status. It reads PostgreSQL only, sending
// the count and the page together: every board and API list runs both, so
// they cost one round trip rather than two.
func (q *Queries) ListActions(ctx context.Context, f ActionFilter) (rows []domain.ActionRow, total int, counts map[domain.ActionStatus]int, err error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	w := f.where()
	var b pgx.Batch
	b.Queue(`SELECT ac.status, count(*) FROM actions ac WHERE `+w.sql()+` GROUP BY ac.status`, slices.Clip(w.args)...)
	page := selectActions(&w) // before w.args is read: it adds to them
	page += w.page(f.Limit, f.Offset)
	b.Queue(page, w.args...)
	br := q.db.SendBatch(ctx, &b)
	defer br.Close()
	if counts, total, err = countByStatus(br); err != nil {
		return nil, 0, nil, fmt.Errorf("count actions: %w", err)
	}
	r, err := br.Query()
	if err == nil {
		rows, err = pgx.CollectRows(r, scanAction)
	}
	if err == nil {
		err = br.Close()
	}
	if err != nil {
		return nil, 0, nil, fmt.Errorf("list actions: %w", err)
	}
	return rows, total, counts, nil
}

// countByStatus reads the batch's next result, the number of actions of
// each status, and their sum.
func countByStatus(br pgx.BatchResults) (counts map[domain.ActionStatus]int, total int, err error) {
	r, err := br.Query()
	if err != nil {
		return nil, 0, err
	}
	type statusCount struct {
		Status domain.ActionStatus
		N      int
	}
	byStatus, err := pgx.CollectRows(r, pgx.RowToStructByPos[statusCount])
	if err != nil {
		return nil, 0, err
	}
	counts = make(map[domain.ActionStatus]int, len(byStatus))
	for _, c := range byStatus {
		counts[c.Status] = c.N
		total += c.N
	}
	return counts, total, nil
}

// EachAction calls fn for every action matching f, soonest due first,
// streaming rather than loading them all, for the Excel export. An error
// from fn stops the walk and is returned as it is.
func (q *Queries) EachAction(ctx context.Context, f ActionFilter, fn func(domain.ActionRow) error) error {
	w := f.where()
	sql := selectActions(&w) // before w.args is read: it adds to them
	r, err := q.db.Query(ctx, sql, w.args...)
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
