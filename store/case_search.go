package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// CaseFilter narrows a case search. Zero values mean "any".
type CaseFilter struct {
	Strand        string // a strand code
	AreaID        int16
	AreaCode      string // the Area by its code, as in domain.Areas
	FinalisedFrom *time.Time
	FinalisedTo   *time.Time
	Text          string // within the reference or the principal offence, case-insensitive
}

// SearchCases is a page of the closed cases in the scope that match f,
// most recently finalised first, with the number matching. It never reads
// a URN or a summary.
func (q *Queries) SearchCases(ctx context.Context, sc Scope, f CaseFilter, limit, offset int) ([]domain.CaseListing, int, error) {
	var w filter
	sc.limit(&w, areaOnly, "c.area_id")
	if f.Strand != "" {
		w.add("EXISTS (SELECT 1 FROM case_strands cs WHERE cs.case_id = c.id AND cs.strand = ?)", f.Strand)
	}
	if f.AreaID != 0 {
		w.add("c.area_id = ?", f.AreaID)
	}
	if f.AreaCode != "" {
		w.add("c.area_id = (SELECT id FROM areas WHERE code = ?)", f.AreaCode)
	}
	if f.FinalisedFrom != nil {
		w.add("c.finalised_on >= ?", *f.FinalisedFrom)
	}
	if f.FinalisedTo != nil {
		w.add("c.finalised_on <= ?", *f.FinalisedTo)
	}
	if f.Text != "" {
		w.add("(c.reference ILIKE ? OR c.principal_offence ILIKE ?)", "%"+f.Text+"%")
	}
	var total int
	if err := q.db.QueryRow(ctx, `SELECT count(*) FROM cases c WHERE `+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count cases: %w", err)
	}
	sql := `SELECT c.id, a.name, c.reference, c.category, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, to_char(c.finalised_on, 'YYYY-MM-DD'), c.outcome,
			c.withdrawn_at IS NULL AND NOT (c.appeal_pending OR c.vrr_pending OR c.codefendant_outstanding)
		FROM cases c JOIN areas a ON a.id = c.area_id WHERE ` + w.sql() + `
		ORDER BY c.finalised_on DESC, c.id` + w.page(limit, offset)
	list, err := queryAll(ctx, q.db, "search cases", func(r pgx.CollectableRow) (domain.CaseListing, error) {
		var x domain.CaseListing
		return x, r.Scan(&x.ID, &x.Area, &x.Reference, &x.Category, &x.Strands, &x.Offence, &x.Finalised, &x.Outcome, &x.Eligible)
	}, sql, w.args...)
	return list, total, err
}
