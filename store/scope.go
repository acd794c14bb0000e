package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// ErrOutOfScope is returned by a single-item lookup when the item exists
// but lies outside the user's scope: the caller answers 403, not 404.
var ErrOutOfScope = errors.New("outside the user's panels or Area")

// Scope is the part of the system a staff user may see: everything for an
// admin, one Area for a manager, their panels for a coordinator or a chair.
// ScopeOf is the one place that decides it, and every list, search, export,
// report and single-item lookup applies it through limit, so what a user
// sees and what they may act on never disagree.
type Scope struct {
	kind     scopeKind
	areaID   int16
	panelIDs []int64
}

type scopeKind int

const (
	scopePanels scopeKind = iota // the zero Scope sees nothing
	scopeArea
	scopeEverything
)

// ScopeOf is what u may see: an admin everything, a manager their Area,
// a coordinator or a chair their panels. A manager without an Area, like a
// coordinator without panels, sees nothing.
func ScopeOf(u User) Scope {
	switch {
	case u.Role == domain.StaffAdmin:
		return Scope{kind: scopeEverything}
	case u.Role == domain.StaffManager && u.AreaID != nil:
		return Scope{kind: scopeArea, areaID: *u.AreaID}
	case u.Role == domain.StaffManager:
		return Scope{}
	}
	return Scope{kind: scopePanels, panelIDs: u.PanelIDs}
}

// Everything reports whether the scope is unlimited: an admin's.
func (s Scope) Everything() bool { return s.kind == scopeEverything }

// limit adds to w the condition that keeps a row within the scope. panel
// is the row's panel ID column; areaOnly marks rows that belong to an Area
// and no panel (cases, Areas themselves), which a coordinator or chair sees
// for the Areas of their panels. area is the row's Area ID column.
func (s Scope) limit(w *filter, panel, area string) {
	ids := append([]int64{}, s.panelIDs...) // never NULL, so never unknown
	switch {
	case s.kind == scopeEverything:
	case s.kind == scopeArea:
		w.add(area+" = ?", s.areaID)
	case panel == areaOnly:
		w.add(area+" IN (SELECT area_id FROM panels WHERE id = ANY(?))", ids)
	default:
		w.add(panel+" = ANY(?)", ids)
	}
}

// areaOnly is limit's panel column for rows that have no panel.
const areaOnly = ""

// AreasIn lists the Areas the scope reaches, by name: every Area for an
// admin, a manager's own, and the Areas of a coordinator's or chair's
// panels. The governance report and the case import both go by it.
func (q *Queries) AreasIn(ctx context.Context, sc Scope) ([]domain.AreaRef, error) {
	var w filter
	sc.limit(&w, areaOnly, "a.id")
	return queryAll(ctx, q.db, "list Areas in scope", func(r pgx.CollectableRow) (domain.AreaRef, error) {
		var a domain.AreaRef
		return a, r.Scan(&a.ID, &a.Code, &a.Name)
	}, `SELECT a.id, a.code, a.name FROM areas a WHERE `+w.sql()+` ORDER BY a.name`, w.args...)
}

// filter builds a WHERE clause from conditions. Every "?" in a condition
// becomes the one parameter given with it, numbered after those before, so
// a condition may use its value twice.
type filter struct {
	conds []string
	args  []any
}

// add appends cond with its value.
func (w *filter) add(cond string, v any) {
	w.conds = append(w.conds, strings.ReplaceAll(cond, "?", w.param(v)))
}

// param adds v as the next parameter and returns its placeholder, for a
// part of the statement other than its conditions, such as a column.
func (w *filter) param(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

// page adds the parameters of one page of rows and returns the clause
// that takes it. A limit of 0 takes every row.
func (w *filter) page(limit, offset int) string {
	return " LIMIT NULLIF(" + w.param(limit) + "::int, 0) OFFSET " + w.param(offset)
}

// test is the conditions as one boolean column for a single-item lookup.
func (w *filter) test() string { return "coalesce((" + w.sql() + "), false)" }

// sql is the conditions joined with AND; "true" when there are none.
func (w *filter) sql() string {
	if len(w.conds) == 0 {
		return "true"
	}
	return strings.Join(w.conds, " AND ")
}

// visible turns a single-item lookup's outcome into its error: no row is
// ErrNotFound, a row outside the scope ErrOutOfScope, and anything else
// the database's error, wrapped with what.
func visible(err error, inScope bool, what string) error {
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	case !inScope:
		return fmt.Errorf("%s: %w", what, ErrOutOfScope)
	}
	return nil
}
