package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/uktime"
)

// AuditFilter selects audit log entries. Who matches any part of the
// actor, whatever its case; What is one action exactly; From and To are
// UK calendar dates, both included, zero for no limit.
type AuditFilter struct {
	Who, What     string
	From, To      time.Time
	Limit, Offset int // a page of entries; a Limit of 0 is all
}

// where is the filter's condition. Only an admin reads the audit log, so
// any other scope selects nothing.
func (f AuditFilter) where(sc Scope) filter {
	var w filter
	if !sc.Everything() {
		w.add("?::boolean", false)
	}
	if f.Who != "" {
		like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(f.Who))
		w.add(`lower(actor) LIKE '%' || ? || '%'`, like)
	}
	if f.What != "" {
		w.add("action = ?", f.What)
	}
	if !f.From.IsZero() {
		w.add("at >= ?", ukMidnight(f.From, 0))
	}
	if !f.To.IsZero() {
		w.add("at < ?", ukMidnight(f.To, 1))
	}
	return w
}

// ukMidnight is the start of the UK calendar day days after d's date.
func ukMidnight(d time.Time, days int) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day+days, 0, 0, 0, 0, uktime.London)
}

const auditColumns = `id, at, actor, action, subject_type, subject_id, detail::text`

func scanAuditEntry(r pgx.CollectableRow) (domain.AuditEntry, error) {
	var e domain.AuditEntry
	return e, r.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.SubjectType, &e.SubjectID, &e.Detail)
}

// AuditLog is a page of the entries the filter selects, newest first,
// with how many it selects in all.
func (q *Queries) AuditLog(ctx context.Context, sc Scope, f AuditFilter) ([]domain.AuditEntry, int, error) {
	w := f.where(sc)
	var total int
	if err := q.db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE `+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit log: %w", err)
	}
	sql := `SELECT ` + auditColumns + ` FROM audit_log WHERE ` + w.sql() + ` ORDER BY at DESC, id DESC` + w.page(f.Limit, f.Offset)
	list, err := queryAll(ctx, q.db, "read audit log", scanAuditEntry, sql, w.args...)
	return list, total, err
}

// EachAuditEntry calls fn with every entry the filter selects, newest
// first, without holding them all in memory: the export streams them.
func (q *Queries) EachAuditEntry(ctx context.Context, sc Scope, f AuditFilter, fn func(domain.AuditEntry) error) error {
	w := f.where(sc)
	rows, err := q.db.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE `+w.sql()+` ORDER BY at DESC, id DESC`, w.args...)
	if err != nil {
		return fmt.Errorf("export audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAuditEntry(rows)
		if err != nil {
			return fmt.Errorf("export audit log: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export audit log: %w", err)
	}
	return nil
}

// AuditActions is every action the audit log holds, in order, for the
// "what" filter to offer.
func (q *Queries) AuditActions(ctx context.Context) ([]string, error) {
	return queryAll(ctx, q.db, "list audit actions", pgx.RowTo[string], `SELECT DISTINCT action FROM audit_log ORDER BY action`)
}

// AuditActors is everyone the audit log names, in order, for the "who"
// filter to suggest: the first 500, which is plenty for suggestions.
func (q *Queries) AuditActors(ctx context.Context) ([]string, error) {
	return queryAll(ctx, q.db, "list audit actors", pgx.RowTo[string], `SELECT DISTINCT actor FROM audit_log ORDER BY actor LIMIT 500`)
}
